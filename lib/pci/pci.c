/* PCI enumeration and BAR assignment over ECAM, for lspci and the drivers. */
/*
 * Design. Configuration space is reached through the ECAM window, mapped a bus (1 MiB)
 * at a time as it is first touched (mmap_device_memory: I/O privilege). pci_scan walks
 * the bus range depth first, through any bridge whose secondary bus is set, and records
 * each function's ids, class, BARs as programmed and its INTx route. pci_configure does
 * what firmware did not (OpenSBI assigns nothing): it sizes every BAR, places the
 * largest first at its natural alignment, programs them and turns on decoding. It acts
 * only on a bus where nothing decodes yet, so a second caller (lspci after the driver
 * started) never disturbs a device in use. Every process has its own mapping; the
 * placement is deterministic, so all of them agree on it.
 */
#include "pci.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/devtree.h>

#define BUS_CFG_SIZE (1u << 20)

int pci_host_open(struct pci_host *h)
{
	size_t size;
	struct fdt f;
	void *blob = devtree_load(&size);
	if (blob == NULL)
		return -1;
	int r = fdt_open(&f, blob, size) < 0 ? (errno = EINVAL, -1) : pci_host_parse(h, &f);
	free(blob);
	return r;
}

/* The configuration space of bus, mapped on first use; NULL if it cannot be. */
static volatile uint8_t *bus_cfg(struct pci_host *h, int bus)
{
	if (bus < (int)h->bus_lo || bus > (int)h->bus_hi)
		return NULL;
	if (h->cfg[bus] == NULL) {
		uint64_t pa = h->ecam + ((uint64_t)(bus - (int)h->bus_lo) << 20);
		void *va = mmap_device_memory(NULL, BUS_CFG_SIZE, PROT_READ | PROT_WRITE |
					      PROT_NOCACHE, 0, pa);
		if (va == MAP_FAILED)
			return NULL;
		h->cfg[bus] = va;
	}
	return h->cfg[bus];
}

static volatile uint8_t *cfg_addr(struct pci_host *h, int bus, int dev, int fn, int off, int size)
{
	volatile uint8_t *b = bus_cfg(h, bus);
	if (b == NULL || dev < 0 || dev > 31 || fn < 0 || fn > 7 || off < 0 || off > 4096 - size ||
	    (off & (size - 1)))
		return NULL;
	return b + ((unsigned)dev << 15 | (unsigned)fn << 12 | (unsigned)off);
}

uint32_t pci_cfg_read(struct pci_host *h, int bus, int dev, int fn, int off, int size)
{
	volatile uint8_t *p = cfg_addr(h, bus, dev, fn, off, size);
	if (p == NULL)
		return 0xffffffffu >> (32 - 8 * size);
	if (size == 1)
		return *p;
	if (size == 2)
		return *(volatile uint16_t *)p;
	return *(volatile uint32_t *)p;
}

void pci_cfg_write(struct pci_host *h, int bus, int dev, int fn, int off, int size, uint32_t v)
{
	volatile uint8_t *p = cfg_addr(h, bus, dev, fn, off, size);
	if (p == NULL)
		return;
	if (size == 1)
		*p = (uint8_t)v;
	else if (size == 2)
		*(volatile uint16_t *)p = (uint16_t)v;
	else
		*(volatile uint32_t *)p = v;
}

#define RD(d, off, sz)		pci_cfg_read(h, (d)->bus, (d)->dev, (d)->fn, off, sz)
#define WR(d, off, sz, v)	pci_cfg_write(h, (d)->bus, (d)->dev, (d)->fn, off, sz, v)

/* The CPU address of bus address a in one of the windows, or 0. */
static uint64_t to_cpu(const struct pci_host *h, uint64_t a, int io)
{
	const struct pci_window *ws[] = { &h->mem32, &h->mem64 }, *iow[] = { &h->io };
	const struct pci_window *const *w = io ? iow : ws;
	for (int i = 0; i < (io ? 1 : 2); i++)
		if (w[i]->size && a >= w[i]->pci && a - w[i]->pci < w[i]->size)
			return w[i]->cpu + (a - w[i]->pci);
	return 0;
}

static void read_bars(struct pci_host *h, struct pci_dev *d)
{
	for (int i = 0; i < d->nbar; i++) {
		struct pci_bar *b = &d->bar[i];
		uint32_t v = RD(d, PCI_BAR0 + 4 * i, 4);
		memset(b, 0, sizeof *b);
		b->io = v & 1;
		b->addr = v & (b->io ? ~3u : ~15u);
		if (!b->io) {
			b->is64 = ((v >> 1) & 3) == 2 && i + 1 < d->nbar;
			b->prefetch = (v >> 3) & 1;
		}
		if (b->is64) {
			b->addr |= (uint64_t)RD(d, PCI_BAR0 + 4 * (i + 1), 4) << 32;
			memset(&d->bar[++i], 0, sizeof d->bar[0]);
		}
		b->cpu = b->addr ? to_cpu(h, b->addr, b->io) : 0;
	}
}

static void scan_bus(struct pci_host *h, int bus, int depth)
{
	for (int dev = 0; dev < 32; dev++) {
		int nfn = 1;
		for (int fn = 0; fn < nfn; fn++) {
			uint32_t id = pci_cfg_read(h, bus, dev, fn, PCI_VENDOR, 4);
			if ((id & 0xffff) == 0xffff || h->ndev == PCI_MAX_DEVS)
				continue;
			uint8_t hdr = (uint8_t)pci_cfg_read(h, bus, dev, fn, PCI_HEADER, 1);
			if (fn == 0 && (hdr & 0x80))
				nfn = 8;
			struct pci_dev *d = &h->devs[h->ndev++];
			*d = (struct pci_dev){
				.bus = (uint8_t)bus, .dev = (uint8_t)dev, .fn = (uint8_t)fn,
				.hdr = hdr & 0x7f, .vendor = (uint16_t)id, .device = (uint16_t)(id >> 16),
				.class = pci_cfg_read(h, bus, dev, fn, PCI_CLASS, 4) >> 8,
				.pin = (uint8_t)pci_cfg_read(h, bus, dev, fn, PCI_INT_PIN, 1),
			};
			d->nbar = d->hdr == 0 ? 6 : d->hdr == 1 ? 2 : 0;
			d->irq = pci_route_irq(h, bus, dev, fn, d->pin);
			read_bars(h, d);
			int sec = d->hdr == 1 ? (int)RD(d, PCI_SECONDARY, 1) : 0;
			if (sec > bus && depth < 8)
				scan_bus(h, sec, depth + 1);
		}
	}
}

int pci_scan(struct pci_host *h)
{
	if (bus_cfg(h, (int)h->bus_lo) == NULL)
		return -1;	/* errno from mmap_device_memory */
	h->ndev = 0;
	scan_bus(h, (int)h->bus_lo, 0);
	return h->ndev;
}

/* --- BAR assignment ------------------------------------------------------------------------- */

struct want {
	struct pci_dev *d;
	int i;
	uint64_t size;
};

/* Size BAR i of d (decoding is off): write all ones, read the mask back, restore. */
static uint64_t bar_size(struct pci_host *h, struct pci_dev *d, int i)
{
	struct pci_bar *b = &d->bar[i];
	int off = PCI_BAR0 + 4 * i;
	uint32_t lo = RD(d, off, 4), hi = b->is64 ? RD(d, off + 4, 4) : 0;
	WR(d, off, 4, 0xffffffff);
	if (b->is64)
		WR(d, off + 4, 4, 0xffffffff);
	uint64_t m = RD(d, off, 4) & (b->io ? ~3u : ~15u);
	m |= b->is64 ? (uint64_t)RD(d, off + 4, 4) << 32 : 0xffffffff00000000ULL;
	WR(d, off, 4, lo);
	if (b->is64)
		WR(d, off + 4, 4, hi);
	if (b->io && (m & 0xffff0000) == 0)
		m |= 0xffffffffffff0000ULL;	/* 16-bit I/O decoders read the top as 0 */
	return (m & 0xfffffff0) == 0 && !b->is64 ? 0 : ~m + 1;
}

/* Place size bytes in window w from *next (bus addresses): the address, or 0. */
static uint64_t place(const struct pci_window *w, uint64_t *next, uint64_t size)
{
	uint64_t a = (*next + size - 1) & ~(size - 1);
	if (w->size == 0 || a < *next || a - w->pci > w->size || size > w->size - (a - w->pci))
		return 0;
	*next = a + size;
	return a;
}

int pci_configure(struct pci_host *h)
{
	struct want want[PCI_MAX_DEVS * 6];
	int n = 0;
	for (int k = 0; k < h->ndev; k++)
		if (RD(&h->devs[k], PCI_COMMAND, 2) & (PCI_CMD_IO | PCI_CMD_MEM))
			return 0;
	for (int k = 0; k < h->ndev; k++) {
		struct pci_dev *d = &h->devs[k];
		for (int i = 0; i < d->nbar; i++) {
			uint64_t size = bar_size(h, d, i);
			if (size && (size & (size - 1)) == 0)
				want[n++] = (struct want){ d, i, size };
			i += d->bar[i].is64;
		}
	}
	for (int a = 1; a < n; a++)		/* largest first: no alignment holes */
		for (int b = a; b > 0 && want[b].size > want[b - 1].size; b--) {
			struct want t = want[b];
			want[b] = want[b - 1];
			want[b - 1] = t;
		}
	uint64_t next32 = h->mem32.pci, next64 = h->mem64.pci;
	uint64_t nextio = h->io.pci ? h->io.pci : 0x1000;	/* I/O address 0 reads as unset */
	for (int k = 0; k < n; k++) {
		struct pci_dev *d = want[k].d;
		struct pci_bar *b = &d->bar[want[k].i];
		uint64_t a = b->io ? place(&h->io, &nextio, want[k].size)
				   : place(&h->mem32, &next32, want[k].size);
		if (a == 0 && b->is64)
			a = place(&h->mem64, &next64, want[k].size);
		if (a == 0) {
			errno = ENOSPC;
			return -1;
		}
		int off = PCI_BAR0 + 4 * want[k].i;
		WR(d, off, 4, (uint32_t)a);
		if (b->is64)
			WR(d, off + 4, 4, (uint32_t)(a >> 32));
		uint16_t cmd = (uint16_t)RD(d, PCI_COMMAND, 2);
		WR(d, PCI_COMMAND, 2, cmd | (b->io ? PCI_CMD_IO : PCI_CMD_MEM) | PCI_CMD_MASTER);
	}
	for (int k = 0; k < h->ndev; k++) {
		read_bars(h, &h->devs[k]);
		for (int j = 0; j < n; j++)
			if (want[j].d == &h->devs[k])
				h->devs[k].bar[want[j].i].size = want[j].size;
	}
	return n;
}

struct pci_dev *pci_find(struct pci_host *h, struct pci_dev *after, int vendor, int device,
			 long cls)
{
	for (int k = after ? (int)(after - h->devs) + 1 : 0; k < h->ndev; k++) {
		struct pci_dev *d = &h->devs[k];
		if ((vendor == 0xffff || d->vendor == vendor) &&
		    (device == 0xffff || d->device == device) && (cls < 0 || d->class == (uint32_t)cls))
			return d;
	}
	return NULL;
}

const char *pci_class_name(uint32_t cls)
{
	static const struct { uint16_t cs; const char *name; } names[] = {
		{ 0x0000, "Unclassified device" }, { 0x0100, "SCSI storage controller" },
		{ 0x0101, "IDE interface" }, { 0x0106, "SATA controller" },
		{ 0x0108, "NVM Express controller" }, { 0x0200, "Ethernet controller" },
		{ 0x0300, "VGA compatible controller" }, { 0x0403, "Audio device" },
		{ 0x0600, "Host bridge" }, { 0x0604, "PCI bridge" },
		{ 0x0700, "Serial controller" }, { 0x0780, "Communication controller" },
		{ 0x0c03, "USB controller" }, { 0x00ff, "Unassigned class" },
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].cs == cls >> 8)
			return names[i].name;
	return NULL;
}
