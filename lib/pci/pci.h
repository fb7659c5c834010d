/* PCI for user-space drivers: the ECAM host bridge from the device tree, enumeration, BAR assignment, INTx. */
#ifndef QSOE_PCI_H
#define QSOE_PCI_H

#include <stdint.h>
#include "fdt.h"

#define PCI_MAX_DEVS	64
#define PCI_MAX_IMAP	64
#define PCI_MAX_BUSES	256

/* Configuration-space registers used here. */
#define PCI_VENDOR	0x00
#define PCI_DEVICE	0x02
#define PCI_COMMAND	0x04
#define PCI_CMD_IO	0x1
#define PCI_CMD_MEM	0x2
#define PCI_CMD_MASTER	0x4
#define PCI_CMD_INTX_OFF 0x400
#define PCI_CLASS	0x08	/* revision in the low byte, then prog-if, subclass, class */
#define PCI_HEADER	0x0e
#define PCI_BAR0	0x10
#define PCI_SECONDARY	0x19	/* bridges (header type 1): secondary bus number */
#define PCI_INT_PIN	0x3d

/* An address window of the host bridge (the device tree's ranges). */
struct pci_window {
	uint64_t pci;		/* bus address */
	uint64_t cpu;		/* the CPU's physical address of it */
	uint64_t size;		/* 0: the bridge has no such window */
};

struct pci_bar {
	uint64_t addr;		/* bus address as programmed (0: unassigned) */
	uint64_t cpu;		/* the CPU's physical address of addr */
	uint64_t size;		/* 0 unless pci_configure sized it */
	uint8_t io, is64, prefetch;
};

struct pci_dev {
	uint8_t bus, dev, fn, hdr;	/* hdr: header type, multi-function bit cleared */
	uint16_t vendor, device;
	uint32_t class;			/* class << 16 | subclass << 8 | prog-if */
	uint8_t pin;			/* INTx pin 1..4, 0 none */
	int irq;			/* the interrupt controller's source for pin, -1 none */
	int nbar;			/* 6 for devices, 2 for bridges */
	struct pci_bar bar[6];		/* a 64-bit BAR fills two slots; the upper is empty */
};

/* The host bridge ("pci-host-ecam-generic") and what hangs off it. */
struct pci_host {
	uint64_t ecam;			/* physical address of bus bus_lo's configuration space */
	uint32_t bus_lo, bus_hi;
	struct pci_window io, mem32, mem64;	/* the first window of each space */
	uint32_t imap_mask[4];		/* interrupt-map-mask: phys.hi, mid, lo, pin */
	int nimap;
	struct pci_imap {
		uint32_t hi, pin;	/* child unit address (phys.hi) and pin, masked */
		uint32_t irq;		/* the parent's interrupt (first cell) */
	} imap[PCI_MAX_IMAP];
	volatile uint8_t *cfg[PCI_MAX_BUSES];	/* each bus's 1 MiB, mapped when first used */
	int ndev;
	struct pci_dev devs[PCI_MAX_DEVS];
};

/* Fill h from the device tree blob: 0, or -1 with errno (ENODEV: no ECAM host bridge,
 * EINVAL: its properties make no sense). Maps nothing yet. */
int pci_host_parse(struct pci_host *h, const struct fdt *f);
/* The interrupt source (interrupt-map) for INTx pin 1..4 of bus:dev.fn, or -1. */
int pci_route_irq(const struct pci_host *h, int bus, int dev, int fn, int pin);
/* Load the machine's device tree and parse it (pci_host_parse): 0 or -1 with errno. */
int pci_host_open(struct pci_host *h);
/* Configuration space of bus:dev.fn at off, sized accesses. Reading a bus that cannot be
 * mapped gives all ones; writing it does nothing. Needs I/O privilege (mmap of ECAM). */
uint32_t pci_cfg_read(struct pci_host *h, int bus, int dev, int fn, int off, int size);
void pci_cfg_write(struct pci_host *h, int bus, int dev, int fn, int off, int size, uint32_t v);
/* Find every function on the bus range (recursing through bridges' secondary buses) into
 * h->devs, reading BARs as programmed and routing INTx through interrupt-map. Returns
 * the count, or -1 with errno (EPERM: ECAM could not be mapped). */
int pci_scan(struct pci_host *h);
/* Give addresses to the BARs if firmware has not: when no function decodes memory or
 * I/O yet, size every BAR, place them (largest first, naturally aligned) in the
 * bridge's windows, program them and enable decoding and bus mastering. When some
 * function already decodes, the bus is taken as configured and left alone (sizes stay
 * 0). Memory BARs go in the 32-bit window; 64-bit ones that do not fit there go in the
 * 64-bit window. Returns the number of BARs assigned (0: already configured), or -1 with errno
 * ENOSPC if they do not fit. Call after pci_scan; it refreshes h->devs. */
int pci_configure(struct pci_host *h);
/* The first function with this vendor:device (0xffff: any) and class (-1: any) after
 * `after` (NULL: from the start), or NULL. */
struct pci_dev *pci_find(struct pci_host *h, struct pci_dev *after, int vendor, int device,
			 long cls);
/* A short name for a class code ("NVM Express controller"), or NULL if unknown. */
const char *pci_class_name(uint32_t cls);

#endif
