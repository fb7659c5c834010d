/* devc-ser8250: the 16550 serial driver, serving /dev/serN and /dev/console. */
/*
 * Usage: devc-ser8250 [-u UNIT] [-n] ADDR,IRQ   (or ADDR IRQ: run= splits at commas)
 *   ADDR,IRQ  the UART's physical address and interrupt (the boot script knows the board)
 *   -u UNIT   serve /dev/serUNIT (default 1)
 *   -n        do not also serve /dev/console
 * Needs I/O privilege (the boot script starts it as root).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/neutrino.h>

#include "tty.h"

static struct tty tty;

static int usage(void)
{
	fprintf(stderr, "usage: devc-ser8250 [-u UNIT] [-n] ADDR,IRQ | ADDR IRQ\n");
	return 2;
}

/* "ADDR,IRQ" or "ADDR" "IRQ", numbers in C syntax (0x10000000,10). */
static int parse_dev(const char *s, const char *s2, uint64_t *addr, int *irq)
{
	char *end;
	errno = 0;
	unsigned long long a = strtoull(s, &end, 0);
	if (errno || end == s || *end != (s2 ? '\0' : ','))
		return -1;
	const char *p = s2 ? s2 : end + 1;
	long i = strtol(p, &end, 0);
	if (errno || end == p || *end != '\0' || i <= 0 || i > 1023)
		return -1;
	*addr = a;
	*irq = (int)i;
	return 0;
}

int main(int argc, char **argv)
{
	int unit = 1, console = 1, opt;
	while ((opt = getopt(argc, argv, "u:n")) != -1) {
		switch (opt) {
		case 'u': {
			char *end;
			long u = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || u < 0 || u > 99)
				return usage();
			unit = (int)u;
			break;
		}
		case 'n':
			console = 0;
			break;
		default:
			return usage();
		}
	}
	uint64_t addr;
	int irq;
	int nargs = argc - optind;
	if ((nargs != 1 && nargs != 2) ||
	    parse_dev(argv[optind], nargs == 2 ? argv[optind + 1] : NULL, &addr, &irq) < 0)
		return usage();

	if (ThreadCtl(_NTO_TCTL_IO, 0) == -1) {
		fprintf(stderr, "devc-ser8250: I/O privilege: %s\n", strerror(errno));
		return 1;
	}
	uint64_t page = addr & ~(uint64_t)4095;
	void *va = mmap_device_memory(NULL, 4096, PROT_READ | PROT_WRITE | PROT_NOCACHE, 0, page);
	if (va == MAP_FAILED) {
		fprintf(stderr, "devc-ser8250: map %#llx: %s\n", (unsigned long long)addr,
			strerror(errno));
		return 1;
	}
	uart_init(&tty.uart, (volatile uint8_t *)va + (addr - page), 0);

	struct resmgr *rm = resmgr_create(&tty_funcs, NULL);
	if (rm == NULL || tty_start(&tty, rm, irq) < 0) {
		fprintf(stderr, "devc-ser8250: %#llx,%d: %s\n", (unsigned long long)addr, irq,
			strerror(errno));
		return 1;
	}
	char path[32];
	snprintf(path, sizeof path, "/dev/ser%d", unit);
	if (resmgr_attach(rm, path, _FTYPE_ANY, 0, &tty) < 0 ||
	    (console && resmgr_attach(rm, "/dev/console", _FTYPE_ANY, 0, &tty) < 0)) {
		fprintf(stderr, "devc-ser8250: attach %s: %s\n", path, strerror(errno));
		return 1;
	}
	resmgr_run(rm);
}
