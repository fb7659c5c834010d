/* The ECAM host bridge as the device tree describes it: reg, bus-range, ranges, interrupt-map. */
/*
 * The generic binding (pci-host-ecam-generic): reg is the configuration space of
 * bus-range's first bus onwards, 1 MiB a bus; ranges map bus addresses to CPU ones,
 * each entry a 3-cell PCI address (phys.hi says the space: 1 I/O, 2 32-bit memory,
 * 3 64-bit memory), the parent's address and a size; interrupt-map
 * entries are a child unit address (3 cells) and pin (1 cell), masked by
 * interrupt-map-mask, then the interrupt controller's phandle, its unit address
 * (#address-cells, usually 0) and interrupt (#interrupt-cells). Host-testable: no I/O.
 */
#include "pci.h"
#include <errno.h>
#include <string.h>

static uint32_t cells_of(const struct fdt *f, int node, const char *name, uint32_t dflt)
{
	return node < 0 ? dflt : fdt_prop_u32(f, node, name, dflt);
}

static int parse_ranges(struct pci_host *h, const struct fdt *f, int node, int pac)
{
	int len;
	const uint8_t *p = fdt_prop(f, node, "ranges", &len);
	int sc = (int)cells_of(f, node, "#size-cells", 2), ent = (3 + pac + sc) * 4;
	if (p == NULL || pac > 2 || sc > 2 || len % ent)
		return -1;
	for (; len > 0; p += ent, len -= ent) {
		uint32_t hi = (uint32_t)fdt_cells(p, 1);
		struct pci_window w = {
			.pci = fdt_cells(p + 4, 2), .cpu = fdt_cells(p + 12, pac),
			.size = fdt_cells(p + 12 + 4 * pac, sc),
		};
		int space = (hi >> 24) & 3;
		if (space == 1 && h->io.size == 0)
			h->io = w;
		else if (space == 2 && h->mem32.size == 0)
			h->mem32 = w;
		else if (space == 3 && h->mem64.size == 0)
			h->mem64 = w;
	}
	return 0;
}

static int parse_imap(struct pci_host *h, const struct fdt *f, int node)
{
	int len, mlen;
	const uint8_t *p = fdt_prop(f, node, "interrupt-map", &len);
	const uint8_t *m = fdt_prop(f, node, "interrupt-map-mask", &mlen);
	if (p == NULL)
		return 0;	/* no INTx routing: devices get irq -1 */
	if (m == NULL || mlen != 16 || cells_of(f, node, "#interrupt-cells", 1) != 1)
		return -1;
	for (int i = 0; i < 4; i++)
		h->imap_mask[i] = (uint32_t)fdt_cells(m + 4 * i, 1);
	while (len > 0) {
		if (len < 24 || h->nimap == PCI_MAX_IMAP)
			return -1;
		int parent = fdt_find_phandle(f, (uint32_t)fdt_cells(p + 16, 1));
		int pa = (int)cells_of(f, parent, "#address-cells", 0);
		int pi = (int)cells_of(f, parent, "#interrupt-cells", 1);
		int ent = 20 + 4 * (pa + pi);
		if (parent < 0 || pi < 1 || pa > 3 || pi > 3 || len < ent)
			return -1;
		struct pci_imap *e = &h->imap[h->nimap++];
		e->hi = (uint32_t)fdt_cells(p, 1) & h->imap_mask[0];
		e->pin = (uint32_t)fdt_cells(p + 12, 1) & h->imap_mask[3];
		e->irq = (uint32_t)fdt_cells(p + 20 + 4 * pa, 1);
		p += ent;
		len -= ent;
	}
	return 0;
}

int pci_host_parse(struct pci_host *h, const struct fdt *f)
{
	memset(h, 0, sizeof *h);
	int node = fdt_find_compatible(f, -1, "pci-host-ecam-generic");
	if (node < 0) {
		errno = ENODEV;
		return -1;
	}
	int parent = fdt_parent(f, node);
	int pac = (int)cells_of(f, parent, "#address-cells", 2);
	int psc = (int)cells_of(f, parent, "#size-cells", 1);
	int len;
	const uint8_t *reg = fdt_prop(f, node, "reg", &len);
	const uint8_t *br = fdt_prop(f, node, "bus-range", NULL);
	if (reg == NULL || pac > 2 || psc > 2 || len < 4 * (pac + psc) ||
	    parse_ranges(h, f, node, pac) < 0 || parse_imap(h, f, node) < 0)
		goto bad;
	h->ecam = fdt_cells(reg, pac);
	uint64_t size = fdt_cells(reg + 4 * pac, psc);
	h->bus_lo = br ? (uint32_t)fdt_cells(br, 1) : 0;
	h->bus_hi = br ? (uint32_t)fdt_cells(br + 4, 1) : 255;
	if (h->bus_hi > 255 || h->bus_lo > h->bus_hi || size < 1ULL << 20)
		goto bad;
	if (((uint64_t)(h->bus_hi - h->bus_lo) + 1) << 20 > size)
		h->bus_hi = h->bus_lo + (uint32_t)(size >> 20) - 1;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

int pci_route_irq(const struct pci_host *h, int bus, int dev, int fn, int pin)
{
	if (pin < 1 || pin > 4)
		return -1;
	uint32_t hi = ((uint32_t)bus << 16 | (uint32_t)dev << 11 | (uint32_t)fn << 8) & h->imap_mask[0];
	uint32_t p = (uint32_t)pin & h->imap_mask[3];
	for (int i = 0; i < h->nimap; i++)
		if (h->imap[i].hi == hi && h->imap[i].pin == p)
			return (int)h->imap[i].irq;
	return -1;
}
