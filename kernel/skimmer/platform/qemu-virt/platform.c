/*
 * Board facts for QEMU virt beyond what the device tree says. Today that is only
 * the console driver choice: an ns16550-compatible UART found through
 * /chosen/stdout-path, or the SBI legacy console when there is none.
 */
#include <skimmer/kern.h>
#include <skimmer/fdt.h>
#include <arch/sbi.h>

#define UART_THR 0	/* transmit holding register */
#define UART_LSR 5	/* line status register */
#define UART_LSR_THRE 0x20

static volatile uint8_t *uart_base;
static uint32_t uart_shift;

void platform_console_init(const struct fdt_info *fi)
{
	if (fi->stdout_compat && fi->stdout_base &&
	    (strncmp(fi->stdout_compat, "ns16550", 7) == 0 ||
	     strcmp(fi->stdout_compat, "ns8250") == 0)) {
		uart_base = (volatile uint8_t *)(uintptr_t)fi->stdout_base;
		uart_shift = fi->stdout_reg_shift;
	}
}

void platform_console_putc(char c)
{
	if (uart_base == NULL) {
		sbi_legacy_putchar(c);
		return;
	}
	while (!(uart_base[UART_LSR << uart_shift] & UART_LSR_THRE))
		;
	uart_base[UART_THR << uart_shift] = (uint8_t)c;
}
