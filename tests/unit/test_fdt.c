/* Host tests for the device-tree walker: real QEMU and hand-written blobs, malformed
 * blobs, fdt_isa_has, and a byte-flipping fuzz loop. Blobs are compiled from .dts with
 * dtc at run time and always parsed from exactly-sized heap copies, so ASan catches any
 * read past the end. Run from the repository root. */
/* SOURCES: kernel/skimmer/kern/fdt.c */
#include "test.h"
#include <stdint.h>
#include <unistd.h>
#include <skimmer/fdt.h>

/* Compiles dts file `path` with dtc; returns a malloc'd blob (size in *n) or NULL. */
static uint8_t *dtc_file(const char *path, size_t *n)
{
	char out[] = "/tmp/test_fdt_XXXXXX", cmd[512];
	uint8_t *buf = NULL;
	int fd = mkstemp(out);
	if (fd < 0)
		return NULL;
	close(fd);
	snprintf(cmd, sizeof cmd, "dtc -q -I dts -O dtb -o %s %s", out, path);
	FILE *f = system(cmd) == 0 ? fopen(out, "rb") : NULL;
	if (f) {
		fseek(f, 0, SEEK_END);
		*n = (size_t)ftell(f);
		rewind(f);
		buf = malloc(*n);
		if (fread(buf, 1, *n, f) != *n) {
			free(buf);
			buf = NULL;
		}
		fclose(f);
	}
	unlink(out);
	return buf;
}

/* Compiles dts source text; as dtc_file. */
static uint8_t *dtc_text(const char *text, size_t *n)
{
	char src[] = "/tmp/test_fdt_src_XXXXXX";
	int fd = mkstemp(src);
	if (fd < 0)
		return NULL;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(fd);
		return NULL;
	}
	close(fd);
	uint8_t *b = dtc_file(src, n);
	unlink(src);
	return b;
}

static uint32_t get32(const uint8_t *p) { return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }
static void put32(uint8_t *p, uint32_t v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v; }

/* Parses a fresh exactly-sized copy of b whose header field at `field` is set to v
 * (field < 0: unchanged) and whose size is n; returns fdt_parse's result. */
static int parse_patched(const uint8_t *b, size_t n, int field, uint32_t v, struct fdt_info *fi)
{
	uint8_t *c = host_dup(b, n);
	if (field >= 0)
		put32(c + field, v);
	int r = fdt_parse(c, n, fi);
	free(c);
	return r;
}

/* Builds a blob by hand: header (version v), empty reservation map, the given
 * structure words (already big-endian-agnostic host values) and strings block. */
static uint8_t *build(const uint32_t *words, size_t nw, const char *strs, size_t nstrs,
		      uint32_t v, size_t *n)
{
	size_t st = 40 + 16, str = st + nw * 4;
	uint8_t *b = calloc(1, str + nstrs);
	*n = str + nstrs;
	put32(b, 0xd00dfeed);
	put32(b + 4, (uint32_t)*n);
	put32(b + 8, (uint32_t)st);
	put32(b + 12, (uint32_t)str);
	put32(b + 16, 40);
	put32(b + 20, v);
	put32(b + 24, 16);
	put32(b + 32, (uint32_t)nstrs);
	put32(b + 36, v >= 17 ? (uint32_t)(nw * 4) : 0);
	for (size_t i = 0; i < nw; i++)
		put32(b + st + i * 4, words[i]);
	memcpy(b + str, strs, nstrs);
	return b;
}

/* Every string the walker returned must lie inside the blob and end inside it. */
static int str_ok(const char *s, const uint8_t *b, size_t n)
{
	const uint8_t *p = (const uint8_t *)s;
	return !s || (p >= b && p < b + n && strnlen(s, (size_t)(b + n - p)) < (size_t)(b + n - p));
}

static uint8_t *virt8(size_t *n)
{
	static uint8_t *b;
	static size_t len;
	if (!b)
		b = dtc_file("tests/unit/fdt/virt8.dts", &len);
	*n = len;
	return b;
}

static uint8_t *small(size_t *n)
{
	static uint8_t *b;
	static size_t len;
	if (!b)
		b = dtc_file("tests/unit/fdt/small.dts", &len);
	*n = len;
	return b;
}

TEST(qemu_virt8)
{
	size_t n;
	uint8_t *b = virt8(&n);
	struct fdt_info fi;
	CHECK(b != NULL);
	if (!b)
		return;
	uint8_t *c = host_dup(b, n);
	CHECK_EQ(fdt_parse(c, n, &fi), 0);
	CHECK_EQ(fi.totalsize, n);
	CHECK_EQ(fi.nmem, 1);
	CHECK_EQ(fi.mem[0].base, 0x80000000);
	CHECK_EQ(fi.mem[0].size, 256 << 20);
	CHECK_EQ(fi.nreserved, 2);
	CHECK_EQ(fi.reserved[0].base, 0x87e00000);
	CHECK_EQ(fi.reserved[0].size, 0x10000);
	CHECK_EQ(fi.reserved[1].base, 0x80000000);
	CHECK_EQ(fi.reserved[1].size, 0x40000);
	CHECK_EQ(fi.nharts, 8);
	for (int i = 0; i < 8; i++)
		CHECK_EQ(fi.harts[i], i);
	CHECK_EQ(fi.timebase_hz, 10000000);
	CHECK(fi.isa && strcmp(fi.isa, "rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc") == 0);
	CHECK(fi.bootargs && strcmp(fi.bootargs, "test=msgstorm foo") == 0);
	CHECK_EQ(fi.initrd_start, 0x88200000);
	CHECK_EQ(fi.initrd_end, 0x88200000 + 1000);
	CHECK(fi.stdout_compat && strcmp(fi.stdout_compat, "ns16550a") == 0);
	CHECK_EQ(fi.stdout_base, 0x10000000);
	CHECK_EQ(fi.stdout_reg_shift, 0);
	CHECK_EQ(fi.stdout_irq, 10);
	/* The PLIC: hart i's S-mode context is 2i + 1 (M-mode contexts in between). */
	CHECK_EQ(fi.plic_base, 0xc000000);
	CHECK_EQ(fi.plic_size, 0x600000);
	CHECK_EQ(fi.plic_ndev, 0x60);
	CHECK_EQ(fi.plic_nsctx, 8);
	for (int i = 0; i < fi.plic_nsctx; i++) {
		CHECK_EQ(fi.plic_sctx[i].hartid, i);
		CHECK_EQ(fi.plic_sctx[i].ctx, 2 * i + 1);
	}
	CHECK_EQ(fi.rtc_base, 0x101000);
	CHECK_EQ(fi.rtc_irq, 11);
	CHECK(str_ok(fi.isa, c, n) && str_ok(fi.bootargs, c, n) && str_ok(fi.stdout_compat, c, n));
	/* A large maxsize, as at boot, is bounded by totalsize. */
	CHECK_EQ(fdt_parse(c, SIZE_MAX, &fi), 0);
	free(c);
}

TEST(small_board)
{
	size_t n;
	uint8_t *b = small(&n);
	struct fdt_info fi;
	CHECK(b != NULL);
	if (!b)
		return;
	uint8_t *c = host_dup(b, n);
	CHECK_EQ(fdt_parse(c, n, &fi), 0);
	CHECK_EQ(fi.nmem, 3);
	CHECK_EQ(fi.mem[0].base, 0x80000000);
	CHECK_EQ(fi.mem[0].size, 0x4000000);
	CHECK_EQ(fi.mem[1].base, 0xc0000000);
	CHECK_EQ(fi.mem[1].size, 0x1000000);
	CHECK_EQ(fi.mem[2].base, 0xd0000000);
	CHECK_EQ(fi.mem[2].size, 0x2000000);
	CHECK_EQ(fi.nreserved, 2);
	CHECK_EQ(fi.reserved[0].base, 0x1000);
	CHECK_EQ(fi.reserved[0].size, 0x2000);
	CHECK_EQ(fi.reserved[1].base, 0x80000000);
	CHECK_EQ(fi.reserved[1].size, 0x80000);
	CHECK_EQ(fi.nharts, 2);		/* cpu@0 disabled, cpu@3 failed */
	CHECK_EQ(fi.harts[0], 1);
	CHECK_EQ(fi.harts[1], 2);
	CHECK_EQ(fi.timebase_hz, 1000000);	/* from the first cpu node */
	CHECK(fi.isa && strcmp(fi.isa, "rv64imafdc_zicsr") == 0);	/* first usable cpu */
	CHECK(fi.bootargs && strcmp(fi.bootargs, "console=ttyS0 quiet") == 0);
	CHECK_EQ(fi.initrd_start, 0x84000000);
	CHECK_EQ(fi.initrd_end, 0x84100000);
	CHECK(fi.stdout_compat && strcmp(fi.stdout_compat, "sifive,uart0") == 0);
	CHECK_EQ(fi.stdout_base, 0x10013000);
	CHECK_EQ(fi.stdout_reg_shift, 2);
	CHECK_EQ(fi.plic_base, 0);	/* no PLIC, no RTC on this board */
	CHECK_EQ(fi.plic_nsctx, 0);
	CHECK_EQ(fi.rtc_base, 0);
	free(c);
}

TEST(chosen_variants)
{
	static const char *dts =
		"/dts-v1/;\n"
		"/ { #address-cells = <2>; #size-cells = <2>;\n"
		"  chosen { stdout-path = \"/soc/uart\";\n"
		"    linux,initrd-start = /bits/ 64 <0x100000000>;\n"
		"    linux,initrd-end = /bits/ 64 <0x100200000>; };\n"
		"  cpus { #address-cells = <1>; #size-cells = <0>;\n"
		"    timebase-frequency = /bits/ 64 <0x200000000>;\n"
		"    cpu@5 { device_type = \"cpu\"; reg = <5>; status = \"okay\"; }; };\n"
		"  soc { #address-cells = <1>; #size-cells = <1>;\n"
		"    uart@20000 { compatible = \"snps,dw-apb-uart\"; reg = <0x20000 0x100>; reg-shift = <2>; }; };\n"
		"  memory@80000000 { device_type = \"memory\"; reg = <0 0x80000000 0 0x1000>; status = \"disabled\"; };\n"
		"};\n";
	size_t n;
	struct fdt_info fi;
	uint8_t *b = dtc_text(dts, &n);
	CHECK(b != NULL);
	if (!b)
		return;
	CHECK_EQ(fdt_parse(b, n, &fi), 0);
	CHECK_EQ(fi.initrd_start, 0x100000000);
	CHECK_EQ(fi.initrd_end, 0x100200000);
	CHECK_EQ(fi.timebase_hz, 0x200000000);
	CHECK_EQ(fi.nharts, 1);
	CHECK_EQ(fi.harts[0], 5);
	CHECK(fi.isa == NULL);
	CHECK(fi.bootargs == NULL);
	CHECK_EQ(fi.nmem, 0);			/* the only memory node is disabled */
	CHECK_EQ(fi.nreserved, 0);
	CHECK(fi.stdout_compat && strcmp(fi.stdout_compat, "snps,dw-apb-uart") == 0);
	CHECK_EQ(fi.stdout_base, 0x20000);	/* unit address left out; parent has 1 cell */
	CHECK_EQ(fi.stdout_reg_shift, 2);
	free(b);
}

TEST(stdout_unresolved)
{
	static const char *missing = "/dts-v1/;\n/ { chosen { stdout-path = \"/soc/gone:9600\"; };"
		" soc { nope@1 { compatible = \"x\"; }; }; };\n";
	static const char *noalias = "/dts-v1/;\n/ { chosen { stdout-path = \"serial3\"; };"
		" aliases { serial0 = \"/\"; }; };\n";
	size_t n;
	struct fdt_info fi;
	uint8_t *b = dtc_text(missing, &n);
	CHECK(b != NULL);
	if (b) {
		CHECK_EQ(fdt_parse(b, n, &fi), 0);
		CHECK(fi.stdout_compat == NULL);
		CHECK_EQ(fi.stdout_base, 0);
		free(b);
	}
	b = dtc_text(noalias, &n);
	CHECK(b != NULL);
	if (b) {
		CHECK_EQ(fdt_parse(b, n, &fi), 0);
		CHECK(fi.stdout_compat == NULL);
		free(b);
	}
}

TEST(header_errors)
{
	size_t n;
	uint8_t *b = small(&n);
	struct fdt_info fi;
	CHECK(b != NULL);
	if (!b)
		return;
	CHECK_EQ(parse_patched(b, n, 0, 0xd00dfeee, &fi), FDT_ERR_MAGIC);
	CHECK_EQ(parse_patched(b, n, 20, 15, &fi), FDT_ERR_VERSION);
	CHECK_EQ(parse_patched(b, n, 24, 18, &fi), FDT_ERR_VERSION);
	CHECK_EQ(parse_patched(b, n - 1, -1, 0, &fi), FDT_ERR_TRUNCATED);	/* maxsize < totalsize */
	CHECK_EQ(parse_patched(b, 3, -1, 0, &fi), FDT_ERR_TRUNCATED);
	CHECK_EQ(parse_patched(b, 0, -1, 0, &fi), FDT_ERR_TRUNCATED);
	CHECK_EQ(parse_patched(b, 39, -1, 0, &fi), FDT_ERR_TRUNCATED);
	CHECK_EQ(parse_patched(b, n, 4, 36, &fi), FDT_ERR_TRUNCATED);	/* totalsize < header */
	CHECK_EQ(parse_patched(b, n, 4, (uint32_t)n + 1, &fi), FDT_ERR_TRUNCATED);
	CHECK_EQ(parse_patched(b, n, 8, (uint32_t)n + 4, &fi), FDT_ERR_TRUNCATED);	/* off_dt_struct */
	CHECK_EQ(parse_patched(b, n, 8, 0xfffffffc, &fi), FDT_ERR_TRUNCATED);
	CHECK_EQ(parse_patched(b, n, 36, (uint32_t)n, &fi), FDT_ERR_TRUNCATED);	/* size_dt_struct */
	CHECK_EQ(parse_patched(b, n, 12, (uint32_t)n, &fi), FDT_ERR_TRUNCATED);	/* off_dt_strings */
	CHECK_EQ(parse_patched(b, n, 32, 0xffffffff, &fi), FDT_ERR_TRUNCATED);	/* size_dt_strings */
	CHECK_EQ(parse_patched(b, n, 16, (uint32_t)n + 8, &fi), FDT_ERR_TRUNCATED); /* off_mem_rsvmap */
	CHECK_EQ(parse_patched(b, n, 16, (uint32_t)n - 8, &fi), FDT_ERR_TRUNCATED); /* no terminator */
	/* Tight bounds are still fine, and the parse result is unchanged. */
	CHECK_EQ(parse_patched(b, n, -1, 0, &fi), 0);
	CHECK_EQ(fi.nharts, 2);
}

TEST(struct_errors)
{
	size_t n;
	uint8_t *b = small(&n);
	struct fdt_info fi;
	CHECK(b != NULL);
	if (!b)
		return;
	size_t st = get32(b + 8), stsize = get32(b + 36);
	size_t end = st + stsize - 4;			/* the FDT_END token */
	CHECK_EQ(get32(b + st), 1);			/* root BEGIN_NODE, empty name */
	size_t prop = st + 8;				/* the root's first PROP */
	CHECK_EQ(get32(b + prop), 3);
	CHECK_EQ(get32(b + end), 9);
	CHECK_EQ(get32(b + end - 4), 2);

	CHECK_EQ(parse_patched(b, n, (int)prop, 7, &fi), FDT_ERR_BADSTRUCT);	/* bad token */
	CHECK_EQ(parse_patched(b, n, (int)prop, 2, &fi), FDT_ERR_BADSTRUCT);	/* early root END_NODE */
	CHECK_EQ(parse_patched(b, n, (int)(end - 4), 4, &fi), FDT_ERR_BADSTRUCT); /* root left open */
	CHECK_EQ(parse_patched(b, n, (int)end, 2, &fi), FDT_ERR_BADSTRUCT);	/* END_NODE too many */
	CHECK_EQ(parse_patched(b, n, (int)end, 4, &fi), FDT_ERR_BADSTRUCT);	/* no FDT_END */
	CHECK_EQ(parse_patched(b, n, 36, (uint32_t)stsize - 4, &fi), FDT_ERR_BADSTRUCT);
	CHECK_EQ(parse_patched(b, n, 36, 0, &fi), FDT_ERR_BADSTRUCT);
	CHECK_EQ(parse_patched(b, n, (int)prop + 4, 0x10000, &fi), FDT_ERR_BADSTRUCT); /* len overrun */
	CHECK_EQ(parse_patched(b, n, (int)prop + 4, 0xfffffffc, &fi), FDT_ERR_BADSTRUCT);
	CHECK_EQ(parse_patched(b, n, (int)prop + 8, get32(b + 32), &fi), FDT_ERR_BADSTRUCT); /* name off */
	CHECK_EQ(parse_patched(b, n, (int)prop + 8, 0xffffffff, &fi), FDT_ERR_BADSTRUCT);
	CHECK_EQ(parse_patched(b, n, (int)st, 9, &fi), FDT_ERR_BADSTRUCT);	/* END with no root */

	/* A node name with no NUL before the end of the structure block. */
	uint8_t *c = host_dup(b, n);
	memset(c + st + 4, 'x', stsize - 4);
	CHECK_EQ(fdt_parse(c, n, &fi), FDT_ERR_BADSTRUCT);
	free(c);
}

TEST(hand_built)
{
	/* Words: BEGIN "" | PROP(4, "#size-cells") 0 | BEGIN "a" | END_NODE | [PROP(0, "x")] | END_NODE | END */
	static const char strs[] = "#size-cells\0x";
	const uint32_t good[] = { 1, 0, 3, 4, 0, 0, 1, 0x61000000, 2, 2, 9 };
	const uint32_t late[] = { 1, 0, 3, 4, 0, 0, 1, 0x61000000, 2, 3, 0, 12, 2, 9 };
	const uint32_t roots[] = { 1, 0, 2, 1, 0, 2, 9 };
	const uint32_t nops[] = { 4, 1, 0, 4, 2, 4, 9 };
	struct fdt_info fi;
	size_t n;
	uint8_t *b;

	b = build(good, 11, strs, sizeof strs, 17, &n);
	CHECK_EQ(fdt_parse(b, n, &fi), 0);
	free(b);
	b = build(good, 11, strs, sizeof strs, 16, &n);	/* v16: no size_dt_struct */
	CHECK_EQ(fdt_parse(b, n, &fi), 0);
	free(b);
	b = build(late, 14, strs, sizeof strs, 17, &n);	/* property after a subnode */
	CHECK_EQ(fdt_parse(b, n, &fi), FDT_ERR_BADSTRUCT);
	free(b);
	b = build(roots, 7, strs, sizeof strs, 17, &n);	/* two root nodes */
	CHECK_EQ(fdt_parse(b, n, &fi), FDT_ERR_BADSTRUCT);
	free(b);
	b = build(nops, 7, strs, sizeof strs, 17, &n);	/* NOPs anywhere are fine */
	CHECK_EQ(fdt_parse(b, n, &fi), 0);
	free(b);
	b = build(nops, 7, strs, 0, 17, &n);		/* empty strings block, no props: fine */
	CHECK_EQ(fdt_parse(b, n, &fi), 0);
	free(b);
	b = build(good, 11, strs, 0, 17, &n);		/* props but no strings block */
	CHECK_EQ(fdt_parse(b, n, &fi), FDT_ERR_BADSTRUCT);
	free(b);
}

TEST(limits)
{
	char dts[8192], *p = dts;
	size_t n;
	struct fdt_info fi;
	uint8_t *b;

	/* Too many reserved regions is an error; too much memory or too many harts is not. */
	p += sprintf(p, "/dts-v1/;\n/ { #address-cells = <1>; #size-cells = <1>;\n"
		     " reserved-memory { #address-cells = <1>; #size-cells = <1>; ranges;\n");
	for (int i = 0; i < FDT_MAX_RESERVED + 1; i++)
		p += sprintf(p, "  r@%x { reg = <0x%x 0x1000>; };\n", i << 12, i << 12);
	sprintf(p, " };\n};\n");
	b = dtc_text(dts, &n);
	CHECK(b != NULL);
	if (b) {
		CHECK_EQ(fdt_parse(b, n, &fi), FDT_ERR_BADSTRUCT);
		free(b);
	}

	p = dts;
	p += sprintf(p, "/dts-v1/;\n/ { #address-cells = <1>; #size-cells = <1>;\n"
		     " memory@0 { device_type = \"memory\"; reg = <");
	for (int i = 0; i < FDT_MAX_MEM + 3; i++)
		p += sprintf(p, " 0x%x 0x1000", i << 16);
	p += sprintf(p, ">; };\n cpus { #address-cells = <1>; #size-cells = <0>;\n");
	for (int i = 0; i < FDT_MAX_HARTS + 2; i++)
		p += sprintf(p, "  cpu@%x { device_type = \"cpu\"; reg = <%d>; };\n", i, i);
	sprintf(p, " };\n};\n");
	b = dtc_text(dts, &n);
	CHECK(b != NULL);
	if (b) {
		CHECK_EQ(fdt_parse(b, n, &fi), 0);
		CHECK_EQ(fi.nmem, FDT_MAX_MEM);
		CHECK_EQ(fi.mem[FDT_MAX_MEM - 1].base, (FDT_MAX_MEM - 1) << 16);
		CHECK_EQ(fi.nharts, FDT_MAX_HARTS);
		CHECK_EQ(fi.harts[FDT_MAX_HARTS - 1], FDT_MAX_HARTS - 1);
		free(b);
	}

	/* Nesting deeper than the walker tracks is rejected, 15 levels below the root is fine. */
	for (int depth = 15; depth <= 16; depth++) {
		p = dts;
		p += sprintf(p, "/dts-v1/;\n/ {");
		for (int i = 0; i < depth; i++)
			p += sprintf(p, " n%d {", i);
		for (int i = 0; i < depth; i++)
			p += sprintf(p, " };");
		sprintf(p, " };\n");
		b = dtc_text(dts, &n);
		CHECK(b != NULL);
		if (b) {
			CHECK_EQ(fdt_parse(b, n, &fi), depth < 16 ? 0 : FDT_ERR_BADSTRUCT);
			free(b);
		}
	}
}

TEST(isa_has)
{
	const char *isa = "rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc";
	CHECK(fdt_isa_has(isa, "a"));
	CHECK(fdt_isa_has(isa, "c"));
	CHECK(fdt_isa_has(isa, "h"));
	CHECK(fdt_isa_has(isa, "I"));
	CHECK(!fdt_isa_has(isa, "v"));		/* not fooled by "rv" */
	CHECK(!fdt_isa_has(isa, "r"));
	CHECK(!fdt_isa_has(isa, "6"));
	CHECK(!fdt_isa_has(isa, "z"));		/* letters of extensions don't count */
	CHECK(!fdt_isa_has(isa, "s"));
	CHECK(fdt_isa_has(isa, "sstc"));
	CHECK(fdt_isa_has(isa, "SSTC"));
	CHECK(fdt_isa_has(isa, "zicsr"));
	CHECK(fdt_isa_has(isa, "zbb"));
	CHECK(!fdt_isa_has(isa, "zb"));		/* whole components only */
	CHECK(!fdt_isa_has(isa, "zbbx"));
	CHECK(!fdt_isa_has(isa, "zihintntl"));
	CHECK(!fdt_isa_has(isa, "rv64imafdch"));
	CHECK(!fdt_isa_has(isa, ""));
	CHECK(!fdt_isa_has(NULL, "a"));
	CHECK(fdt_isa_has("RV64GC_Svpbmt", "d"));	/* g = imafd */
	CHECK(fdt_isa_has("RV64GC_Svpbmt", "svpbmt"));
	CHECK(!fdt_isa_has("rv64gc", "v"));
	CHECK(!fdt_isa_has("rv64gc", "sstc"));
	CHECK(fdt_isa_has("rv32imc", "m"));
	CHECK(!fdt_isa_has("rv32imc", "a"));
	CHECK(!fdt_isa_has("", "a"));
	CHECK(!fdt_isa_has("rv", "a"));
}

TEST(fuzz)
{
	size_t n[2];
	uint8_t *blobs[2] = { virt8(&n[0]), small(&n[1]) };
	uint64_t seed = 0x5eed;
	int ok = 0;
	CHECK(blobs[0] && blobs[1]);
	if (!blobs[0] || !blobs[1])
		return;
	for (int it = 0; it < 20000; it++) {
		int which = it & 1;
		size_t len = n[which];
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		/* Now and then a buffer shorter than the blob. */
		size_t maxsize = (seed & 0x70000) ? len : len - (seed >> 20) % len;
		uint8_t *c = host_dup(blobs[which], maxsize);
		int flips = 1 + (int)(seed >> 60) % 4;
		for (int f = 0; f < flips && maxsize; f++) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			size_t at = (size_t)(seed >> 33) % maxsize;
			/* Mostly random bytes; sometimes small values that make plausible tokens. */
			c[at] = (seed & 0x100) ? (uint8_t)(seed >> 8) : (uint8_t)((seed >> 12) & 0xf);
		}
		struct fdt_info fi;
		int r = fdt_parse(c, maxsize, &fi);
		CHECK(r <= 0 && r >= FDT_ERR_TRUNCATED);
		if (r == 0) {
			ok++;
			CHECK(fi.nmem <= FDT_MAX_MEM && fi.nreserved <= FDT_MAX_RESERVED);
			CHECK(fi.nharts <= FDT_MAX_HARTS);
			CHECK(fi.totalsize <= maxsize);
			CHECK(str_ok(fi.isa, c, fi.totalsize) && str_ok(fi.bootargs, c, fi.totalsize));
			CHECK(str_ok(fi.stdout_compat, c, fi.totalsize));
			for (int i = 0; i < 64 && fi.isa; i++)
				fdt_isa_has(fi.isa, i & 1 ? "zicsr" : "c");
		}
		free(c);
	}
	CHECK(ok > 1000);	/* many mutants still parse, so the deep paths got exercised */
}
