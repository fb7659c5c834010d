/* Host tests for the user-space FDT reader (lib/fdt) and the PCI host bridge parse and
 * INTx routing (lib/pci/pci_dt.c), against QEMU virt's tree, hand-made trees and a
 * byte-flipping fuzz loop. Blobs come from dtc and are read from exactly-sized heap
 * copies, so ASan catches any read past the end. Run from the repository root. */
/* SOURCES: lib/fdt/fdt.c lib/pci/pci_dt.c */
/* CFLAGS: -Ilib/fdt -Ilib/pci */
#include "test.h"
#include <errno.h>
#include "fdt.h"
#include "pci.h"

/* dts text or file through dtc into an exactly-sized malloc'd blob. */
static uint8_t *dtc(const char *arg, int is_file, size_t *n)
{
	char src[] = "/tmp/test_pci_src_XXXXXX", out[] = "/tmp/test_pci_XXXXXX", cmd[512], o[64];
	const char *in = arg;
	if (!is_file) {
		FILE *f = fdopen(mkstemp(src), "w");
		if (f == NULL)
			return NULL;
		fputs(arg, f);
		fclose(f);
		in = src;
	}
	fclose(fdopen(mkstemp(out), "w"));
	snprintf(cmd, sizeof cmd, "dtc -q -I dts -O dtb -o %s %s", out, in);
	uint8_t *b = host_run(cmd, o, sizeof o) == 0 ? host_load(out, n) : NULL;
	remove(out);
	if (!is_file)
		remove(src);
	return b;
}

static struct pci_host host;

TEST(fdt_walk_virt)
{
	size_t n;
	uint8_t *b = dtc("tests/unit/fdt/virt8.dts", 1, &n);
	struct fdt f;
	CHECK(b && fdt_open(&f, b, n) == 0);
	if (!b)
		return;
	int depth = 0, root = fdt_next_node(&f, -1, &depth);
	CHECK(root >= 0 && depth == 0 && strcmp(fdt_name(&f, root), "") == 0);
	int pci = fdt_find_compatible(&f, -1, "pci-host-ecam-generic");
	CHECK(pci > 0 && strcmp(fdt_name(&f, pci), "pci@30000000") == 0);
	int soc = fdt_parent(&f, pci);
	CHECK(soc > 0 && strcmp(fdt_name(&f, soc), "soc") == 0 && fdt_parent(&f, soc) == root);
	CHECK_EQ(fdt_prop_u32(&f, pci, "#address-cells", 0), 3);
	CHECK_EQ(fdt_prop_u32(&f, pci, "no-such-prop", 77), 77);
	int plic = fdt_find_compatible(&f, -1, "riscv,plic0");
	CHECK(plic > 0 && fdt_find_phandle(&f, fdt_prop_u32(&f, plic, "phandle", 0)) == plic);
	CHECK(fdt_is_compatible(&f, plic, "sifive,plic-1.0.0"));
	CHECK(!fdt_is_compatible(&f, plic, "sifive,plic"));
	CHECK_EQ(fdt_find_phandle(&f, 0x7777), -1);
	CHECK_EQ(fdt_parent(&f, root), -1);
	free(b);
}

TEST(pci_host_virt)
{
	size_t n;
	uint8_t *b = dtc("tests/unit/fdt/virt8.dts", 1, &n);
	struct fdt f;
	CHECK(b && fdt_open(&f, b, n) == 0 && pci_host_parse(&host, &f) == 0);
	CHECK_EQ(host.ecam, 0x30000000);
	CHECK(host.bus_lo == 0 && host.bus_hi == 255);
	CHECK(host.mem32.pci == 0x40000000 && host.mem32.cpu == 0x40000000 &&
	      host.mem32.size == 0x40000000);
	CHECK(host.io.pci == 0 && host.io.cpu == 0x3000000 && host.io.size == 0x10000);
	CHECK(host.mem64.pci == 0x400000000ULL && host.mem64.size == 0x400000000ULL);
	CHECK_EQ(host.nimap, 16);
	/* QEMU virt swizzles: slot s, pin p (1..4) -> PLIC 32 + (s + p - 1) % 4. */
	for (int dev = 0; dev < 32; dev++)
		for (int pin = 1; pin <= 4; pin++)
			CHECK_EQ(pci_route_irq(&host, 0, dev, 0, pin), 32 + (dev + pin - 1) % 4);
	CHECK_EQ(pci_route_irq(&host, 0, 1, 0, 0), -1);
	CHECK_EQ(pci_route_irq(&host, 0, 1, 0, 5), -1);
	free(b);
}

TEST(pci_host_missing_or_bad)
{
	size_t n;
	struct fdt f;
	uint8_t *b = dtc("/dts-v1/; / { #address-cells = <2>; #size-cells = <2>; };", 0, &n);
	CHECK(b && fdt_open(&f, b, n) == 0);
	errno = 0;
	CHECK(pci_host_parse(&host, &f) == -1 && errno == ENODEV);
	free(b);
	b = dtc("/dts-v1/; / { #address-cells = <2>; #size-cells = <2>;"
		" pci@0 { compatible = \"pci-host-ecam-generic\"; reg = <0 0x30000000 0 0x1000>;"
		" #address-cells = <3>; #size-cells = <2>; ranges = <1 2 3>; }; };", 0, &n);
	CHECK(b && fdt_open(&f, b, n) == 0);
	errno = 0;
	CHECK(pci_host_parse(&host, &f) == -1 && errno == EINVAL);
	free(b);
	/* A short ECAM window limits the bus range to what it holds. */
	b = dtc("/dts-v1/; / { #address-cells = <2>; #size-cells = <2>;"
		" pci@0 { compatible = \"pci-host-ecam-generic\"; reg = <0 0x30000000 0 0x200000>;"
		" bus-range = <0 255>; #address-cells = <3>; #size-cells = <2>;"
		" ranges = <0x2000000 0 0x40000000 0 0x40000000 0 0x1000000>; }; };", 0, &n);
	CHECK(b && fdt_open(&f, b, n) == 0 && pci_host_parse(&host, &f) == 0);
	CHECK(host.bus_hi == 1 && host.nimap == 0 && host.mem32.size == 0x1000000);
	CHECK_EQ(pci_route_irq(&host, 0, 1, 0, 1), -1);
	free(b);
	uint8_t junk[64] = { 0xd0, 0x0d, 0xfe, 0xed };
	CHECK_EQ(fdt_open(&f, junk, sizeof junk), -1);
}

/* Flipped bytes and cut-short copies: the reader may refuse, never read outside. */
TEST(fuzz)
{
	size_t n;
	uint8_t *b = dtc("tests/unit/fdt/virt8.dts", 1, &n);
	uint64_t seed = 0xfeed;
	CHECK(b != NULL);
	for (int it = 0; b && it < 3000; it++) {
		uint8_t *c = host_dup(b, n);
		size_t len = n;
		for (int k = 0; k < 4; k++) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			c[(seed >> 33) % n] ^= (uint8_t)(1u << ((seed >> 20) & 7));
		}
		if (it % 5 == 0)
			len = (size_t)(seed >> 40) % n;
		uint8_t *d = host_dup(c, len);
		free(c);
		c = d;
		struct fdt f;
		if (fdt_open(&f, c, len) == 0) {
			pci_host_parse(&host, &f);
			int node = -1, depth = 0, count = 0;
			while ((node = fdt_next_node(&f, node, &depth)) >= 0 && count++ < 1000) {
				fdt_parent(&f, node);
				fdt_prop(&f, node, "reg", NULL);
			}
		}
		free(c);
	}
	free(b);
}
