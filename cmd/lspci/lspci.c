/* lspci: list the PCI functions behind the device tree's ECAM host bridge. */
/*
 * Usage: lspci [-v]
 * One line a function: "bus:dev.fn class: vendor:device name", e.g.
 *   00:01.0 0108: 1b36:0010 NVM Express controller
 * -v adds the BARs (bus and CPU addresses, size when this run assigned them) and the
 * INTx pin with its interrupt source. Assigns BARs first if nobody has (lib/pci), so
 * what it prints is what a driver will find. Needs I/O privilege (root) for ECAM.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/neutrino.h>
#include "pci.h"

static struct pci_host host;

static void print_dev(const struct pci_dev *d, int verbose)
{
	const char *name = pci_class_name(d->class);
	printf("%02x:%02x.%x %04x: %04x:%04x %s\n", d->bus, d->dev, d->fn, d->class >> 8,
	       d->vendor, d->device, name ? name : "Device");
	if (!verbose)
		return;
	for (int i = 0; i < d->nbar; i++) {
		const struct pci_bar *b = &d->bar[i];
		if (b->addr == 0 && b->size == 0)
			continue;
		printf("\tBAR%d: %s at %#llx (cpu %#llx)", i,
		       b->io ? "I/O" : b->is64 ? "64-bit memory" : "32-bit memory",
		       (unsigned long long)b->addr, (unsigned long long)b->cpu);
		if (b->size)
			printf(" size %#llx", (unsigned long long)b->size);
		printf("%s\n", b->prefetch ? " prefetchable" : "");
	}
	if (d->pin)
		printf("\tINT%c -> irq %d\n", 'A' + d->pin - 1, d->irq);
}

int main(int argc, char **argv)
{
	int verbose = 0, opt;
	while ((opt = getopt(argc, argv, "v")) != -1) {
		if (opt != 'v') {
			fprintf(stderr, "usage: lspci [-v]\n");
			return 2;
		}
		verbose = 1;
	}
	if (optind != argc) {
		fprintf(stderr, "usage: lspci [-v]\n");
		return 2;
	}
	if (ThreadCtl(_NTO_TCTL_IO, 0) == -1) {
		fprintf(stderr, "lspci: I/O privilege: %s\n", strerror(errno));
		return 1;
	}
	if (pci_host_open(&host) < 0) {
		fprintf(stderr, "lspci: no PCI host bridge: %s\n", strerror(errno));
		return 1;
	}
	if (pci_scan(&host) < 0) {
		fprintf(stderr, "lspci: cannot map configuration space: %s\n", strerror(errno));
		return 1;
	}
	if (pci_configure(&host) < 0)
		fprintf(stderr, "lspci: assigning BARs: %s\n", strerror(errno));
	for (int k = 0; k < host.ndev; k++)
		print_dev(&host.devs[k], verbose);
	return 0;
}
