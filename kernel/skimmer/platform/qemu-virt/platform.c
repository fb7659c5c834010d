/*
 * Board facts for QEMU virt beyond what the device tree says: the console driver
 * choice (an ns16550-compatible UART found through /chosen/stdout-path, or the SBI
 * legacy console when there is none), and reading the wall-clock time from the
 * goldfish RTC at boot.
 */
#include <skimmer/kern.h>
#include <skimmer/fdt.h>
#include <arch/sbi.h>
#include <arch/pmap.h>

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

/* Goldfish RTC registers: TIME_LOW, then TIME_HIGH, nanoseconds since the epoch; reading
 * TIME_LOW latches TIME_HIGH. */
#define RTC_TIME_LOW  0x00
#define RTC_TIME_HIGH 0x04

void platform_rtc_map(const struct fdt_info *fi)
{
	if (fi->rtc_base)
		pmap_kernel_map_device(ALIGN_DOWN(fi->rtc_base, PAGE_SIZE), PAGE_SIZE);
}

uint64_t platform_rtc_read_ns(const struct fdt_info *fi)
{
	if (!fi->rtc_base)
		return 0;
	volatile uint32_t *rtc = (volatile uint32_t *)(uintptr_t)fi->rtc_base;
	uint64_t lo = rtc[RTC_TIME_LOW / 4];
	uint64_t hi = rtc[RTC_TIME_HIGH / 4];
	return hi << 32 | lo;
}
