/* Host tests for the ELF parser: real RISC-V executables built at test time from
 * tests/unit/elf/ (default layout and a linker-script layout) are checked against what
 * riscv64-unknown-elf-readelf reports; hand-built images cover every error path; a seeded
 * byte-flip fuzz of the headers must never crash or accept an image that breaks the
 * contract. Every parse gets an exactly-sized heap copy, so ASan catches any over-read.
 * Without the cross compiler the fixture tests are skipped (noted on stderr). Run from the
 * repository root. */
/* SOURCES: kernel/skimmer/kern/elf.c */
#include "test.h"
#include <stdint.h>
#include <inttypes.h>
#include <unistd.h>
#include <sys/wait.h>
#include <skimmer/elf.h>

#define CROSS   "riscv64-unknown-elf-"
#define FIX     "tests/unit/elf"
#define CFLAGS  "-march=rv64imac -mabi=lp64 -nostdlib -static -ffreestanding"
#define USER_LO 0x1000ULL
#define USER_HI (1ULL << 38)		/* the Sv39 lower half */
#define PG      4096ULL

/* Parses an exactly-sized copy of the first n bytes of b. */
static int parse_n(const uint8_t *b, size_t n, struct elf_image *im)
{
	uint8_t *c = host_dup(b, n);
	int err = elf_parse(c, n, USER_LO, USER_HI, im);
	free(c);
	return err;
}

/* Little-endian fields (the host is little-endian too; checked in hand_good). */
static uint16_t rd16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static uint64_t rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static void wr16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void wr32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void wr64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* ---- Real executables and readelf ---------------------------------------------------- */

struct rload { uint64_t off, va, filesz, memsz; uint32_t prot; };
struct readelf { uint64_t entry; int nloads; struct rload load[16]; };

static int have_cross(void)
{
	char out[256];
	if (host_run("command -v " CROSS "gcc && command -v " CROSS "readelf", out, sizeof out) == 0)
		return 1;
	fprintf(stderr, "test_elf: %sgcc or readelf missing, fixture tests skipped\n", CROSS);
	return 0;
}

/* Parses `readelf -lW` output: the entry point and every LOAD line. */
static int parse_readelf(char *text, struct readelf *r)
{
	memset(r, 0, sizeof *r);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *tok[16], *save = NULL;
		int nt = 0;
		if (sscanf(line, "Entry point 0x%" SCNx64, &r->entry) == 1)
			continue;
		for (char *t = strtok_r(line, " \t", &save); t && nt < 16; t = strtok_r(NULL, " \t", &save))
			tok[nt++] = t;
		if (nt < 8 || strcmp(tok[0], "LOAD") != 0 || r->nloads == 16)
			continue;
		struct rload *l = &r->load[r->nloads++];
		l->off = strtoull(tok[1], NULL, 16);
		l->va = strtoull(tok[2], NULL, 16);
		l->filesz = strtoull(tok[4], NULL, 16);
		l->memsz = strtoull(tok[5], NULL, 16);
		for (int i = 6; i < nt - 1; i++)	/* flag letters; the last token is the align */
			l->prot |= (strchr(tok[i], 'R') ? ELF_PROT_R : 0) |
				   (strchr(tok[i], 'W') ? ELF_PROT_W : 0) |
				   (strchr(tok[i], 'E') ? ELF_PROT_X : 0);
	}
	return r->entry && r->nloads ? 0 : -1;
}

/* Compiles tests/unit/elf/prog.c with extra link flags; returns the exactly-sized file and
 * fills *r from readelf. NULL on failure. */
static uint8_t *build_fixture(const char *ldflags, size_t *n, struct readelf *r)
{
	char dir[] = "/tmp/test_elf_XXXXXX", path[64], cmd[768], out[8192];
	uint8_t *img = NULL;
	if (!mkdtemp(dir))
		return NULL;
	snprintf(path, sizeof path, "%s/prog", dir);
	snprintf(cmd, sizeof cmd, CROSS "gcc " CFLAGS " %s " FIX "/prog.c -o %s", ldflags, path);
	if (host_run(cmd, out, sizeof out) != 0) {
		fprintf(stderr, "fixture build failed: %s\n%s", cmd, out);
		goto out;
	}
	snprintf(cmd, sizeof cmd, CROSS "readelf -lW %s", path);
	if (host_run(cmd, out, sizeof out) != 0 || parse_readelf(out, r) != 0) {
		fprintf(stderr, "readelf failed: %s\n", out);
		goto out;
	}
	img = host_load(path, n);
out:
	unlink(path);
	rmdir(dir);
	return img;
}

#define LD_DEFAULT "-Wl,-Ttext=0x10000"
#define LD_SCRIPT  "-Wl,-T," FIX "/prog.ld"

/* Checks a parse of a fixture against readelf's view of it. */
static void check_against_readelf(const uint8_t *img, size_t n, const struct readelf *r)
{
	struct elf_image im;
	int k = 0;
	CHECK_EQ(parse_n(img, n, &im), 0);
	CHECK_EQ(im.entry, r->entry);
	for (int i = 0; i < r->nloads; i++) {
		const struct rload *l = &r->load[i];
		if (l->memsz == 0)
			continue;
		CHECK(k < im.nsegs);
		if (k >= im.nsegs)
			return;
		const struct elf_seg *s = &im.segs[k++];
		CHECK_EQ(s->vaddr, l->va & ~(PG - 1));
		CHECK_EQ(s->memsz, ((l->va + l->memsz + PG - 1) & ~(PG - 1)) - s->vaddr);
		CHECK_EQ(s->file_off, l->off);
		CHECK_EQ(s->file_va, l->va);
		CHECK_EQ(s->filesz, l->filesz);
		CHECK_EQ(s->prot, l->prot);
	}
	CHECK_EQ(im.nsegs, k);
	CHECK_EQ(im.lo, im.segs[0].vaddr);
	CHECK_EQ(im.hi, im.segs[im.nsegs - 1].vaddr + im.segs[im.nsegs - 1].memsz);
}

/* The byte count a fixture needs: its program headers and every PT_LOAD's file bytes. */
static size_t needed(const uint8_t *img, const struct readelf *r)
{
	uint64_t need = rd64(img + 32) + (uint64_t)rd16(img + 56) * ELF_PHDR_SIZE;
	for (int i = 0; i < r->nloads; i++)
		if (r->load[i].off + r->load[i].filesz > need)
			need = r->load[i].off + r->load[i].filesz;
	return need;
}

/* Every truncation of the file fails exactly when it cuts something the parser needs. */
static void check_truncations(const uint8_t *img, size_t n, const struct readelf *r)
{
	struct elf_image im;
	size_t need = needed(img, r);
	for (size_t k = 0; k <= n; k++)
		CHECK_EQ(parse_n(img, k, &im), k < need ? ENOEXEC : 0);
}

/* Index of the first program header of the fixture with this type and (if nonzero) flags. */
static uint8_t *find_ph(uint8_t *img, uint32_t type, uint32_t flags)
{
	for (unsigned i = 0; i < rd16(img + 56); i++) {
		uint8_t *ph = img + rd64(img + 32) + i * ELF_PHDR_SIZE;
		uint32_t t, f;
		memcpy(&t, ph, 4);
		memcpy(&f, ph + 4, 4);
		if (t == type && (!flags || f == flags))
			return ph;
	}
	return NULL;
}

TEST(fixture_default_layout)
{
	struct readelf r;
	size_t n = 0;
	uint8_t *img;
	if (!have_cross())
		return;
	img = build_fixture(LD_DEFAULT, &n, &r);
	CHECK(img != NULL);
	if (!img)
		return;
	CHECK_EQ(r.nloads, 2);			/* RX (text+rodata), RW (data+bss) */
	CHECK_EQ(r.load[0].prot, ELF_PROT_R | ELF_PROT_X);
	CHECK_EQ(r.load[1].prot, ELF_PROT_R | ELF_PROT_W);
	CHECK(r.load[1].filesz < r.load[1].memsz);	/* .bss */
	check_against_readelf(img, n, &r);
	check_truncations(img, n, &r);
	free(img);
}

TEST(fixture_linker_script_layout)
{
	struct readelf r;
	size_t n = 0;
	uint8_t *img;
	if (!have_cross())
		return;
	img = build_fixture(LD_SCRIPT, &n, &r);
	CHECK(img != NULL);
	if (!img)
		return;
	CHECK_EQ(r.nloads, 3);			/* R, RX, RW */
	CHECK_EQ(r.load[0].prot, ELF_PROT_R);
	CHECK_EQ(r.load[1].prot, ELF_PROT_R | ELF_PROT_X);
	CHECK_EQ(r.load[2].prot, ELF_PROT_R | ELF_PROT_W);
	CHECK_EQ(r.load[0].va, 0x400000);
	check_against_readelf(img, n, &r);
	check_truncations(img, n, &r);
	free(img);
}

/* Mutations of a real executable. */
TEST(fixture_mutations)
{
	struct readelf r;
	struct elf_image im;
	size_t n = 0;
	uint8_t *img, *m, *ph;
	if (!have_cross())
		return;
	img = build_fixture(LD_SCRIPT, &n, &r);
	CHECK(img != NULL);
	if (!img)
		return;
#define MUTATE(stmt, want) do { m = host_dup(img, n); stmt; \
	CHECK_EQ(elf_parse(m, n, USER_LO, USER_HI, &im), want); free(m); } while (0)
	MUTATE(m[0] = 0x7e, ENOEXEC);
	MUTATE(m[4] = 1, ENOEXEC);				/* ELFCLASS32 */
	MUTATE(m[5] = 2, ENOEXEC);				/* big-endian */
	MUTATE(wr16(m + 18, 62), ENOEXEC);			/* EM_X86_64 */
	MUTATE(wr16(m + 16, ELF_ET_DYN), ENOEXEC);
	MUTATE(wr64(m + 32, n), ENOEXEC);			/* e_phoff past the end */
	MUTATE(wr16(m + 56, 0xffff), ENOEXEC);
	MUTATE(wr64(m + 24, r.load[2].va), ENOEXEC);		/* entry in the data segment */
	MUTATE(wr64(m + 24, r.load[0].va), ENOEXEC);		/* entry in read-only data */
	MUTATE(ph = find_ph(m, ELF_PT_LOAD, ELF_PF_R | ELF_PF_X);
	       wr32(ph + 4, ELF_PF_R | ELF_PF_W | ELF_PF_X), EINVAL);
	MUTATE(ph = find_ph(m, ELF_PT_GNU_STACK, 0); wr32(ph, ELF_PT_INTERP), ENOEXEC);
	MUTATE(ph = find_ph(m, ELF_PT_TLS, 0); wr32(ph, ELF_PT_DYNAMIC), ENOEXEC);
	MUTATE(ph = find_ph(m, ELF_PT_LOAD, ELF_PF_R | ELF_PF_W); wr64(ph + 16, r.load[1].va),
	       EINVAL);					/* data on the text page */
	MUTATE(ph = find_ph(m, ELF_PT_LOAD, ELF_PF_R | ELF_PF_W); wr64(ph + 8, n), ENOEXEC);
#undef MUTATE
	CHECK_EQ(elf_parse(img, n, 0x800000, USER_HI, &im), EINVAL);	/* below user_lo */
	CHECK_EQ(elf_parse(img, n, USER_LO, 0x402000, &im), EINVAL);	/* above user_hi */
	CHECK_EQ(elf_parse(img, n, 0x400000, 0x405000, &im), 0);	/* exactly inside */
	free(img);
}

/* ---- Hand-built images --------------------------------------------------------------- */

struct ph { uint32_t type, flags; uint64_t off, va, filesz, memsz; };

#define RX (ELF_PF_R | ELF_PF_X)
#define RW (ELF_PF_R | ELF_PF_W)
#define HSIZE 0x3000

/* A good two-segment image: text RX at 0x10000 (file 0x1000), data+bss RW at 0x11000. */
static const struct ph TEXT = { ELF_PT_LOAD, RX, 0x1000, 0x10000, 0x100, 0x100 };
static const struct ph DATA = { ELF_PT_LOAD, RW, 0x2000, 0x11000, 0x10, 0x2000 };

/* An exactly-sized image of `size` bytes with n program headers right after the Ehdr. */
static uint8_t *mk(const struct ph *ph, int n, uint64_t entry, size_t size)
{
	uint8_t *b = calloc(1, size);
	memcpy(b, "\177ELF", 4);
	b[4] = ELF_CLASS64;
	b[5] = ELF_DATA2LSB;
	b[6] = ELF_EV_CURRENT;
	wr16(b + 16, ELF_ET_EXEC);
	wr16(b + 18, ELF_EM_RISCV);
	wr32(b + 20, ELF_EV_CURRENT);
	wr64(b + 24, entry);
	wr64(b + 32, ELF_EHDR_SIZE);
	wr16(b + 52, ELF_EHDR_SIZE);
	wr16(b + 54, ELF_PHDR_SIZE);
	wr16(b + 56, (uint16_t)n);
	for (int i = 0; i < n; i++) {
		uint8_t *p = b + ELF_EHDR_SIZE + i * ELF_PHDR_SIZE;
		wr32(p, ph[i].type);
		wr32(p + 4, ph[i].flags);
		wr64(p + 8, ph[i].off);
		wr64(p + 16, ph[i].va);
		wr64(p + 24, ph[i].va);
		wr64(p + 32, ph[i].filesz);
		wr64(p + 40, ph[i].memsz);
		wr64(p + 48, PG);
	}
	return b;
}

/* Parses a hand-built image. */
static int hand(const struct ph *ph, int n, uint64_t entry, size_t size, struct elf_image *im)
{
	uint8_t *b = mk(ph, n, entry, size);
	int err = elf_parse(b, size, USER_LO, USER_HI, im);
	free(b);
	return err;
}

/* Two-segment image with the data segment replaced by d. */
static int two(struct ph d)
{
	struct ph p[2] = { TEXT, d };
	struct elf_image im;
	return hand(p, 2, TEXT.va, HSIZE, &im);
}

TEST(hand_good)
{
	const uint16_t one = 1;
	struct ph p[2] = { TEXT, DATA };
	struct elf_image im;
	CHECK(*(const uint8_t *)&one == 1);		/* the helpers assume a little-endian host */
	CHECK_EQ(hand(p, 2, 0x10010, HSIZE, &im), 0);
	CHECK_EQ(im.entry, 0x10010);
	CHECK_EQ(im.nsegs, 2);
	CHECK_EQ(im.segs[0].vaddr, 0x10000);
	CHECK_EQ(im.segs[0].memsz, PG);
	CHECK_EQ(im.segs[0].file_off, 0x1000);
	CHECK_EQ(im.segs[0].file_va, 0x10000);
	CHECK_EQ(im.segs[0].filesz, 0x100);
	CHECK_EQ(im.segs[0].prot, ELF_PROT_R | ELF_PROT_X);
	CHECK_EQ(im.segs[1].vaddr, 0x11000);
	CHECK_EQ(im.segs[1].memsz, 2 * PG);
	CHECK_EQ(im.segs[1].filesz, 0x10);
	CHECK_EQ(im.segs[1].prot, ELF_PROT_R | ELF_PROT_W);
	CHECK_EQ(im.lo, 0x10000);
	CHECK_EQ(im.hi, 0x13000);
	/* An unaligned start maps from the page below; its tail rounds up. */
	CHECK_EQ(two((struct ph){ ELF_PT_LOAD, RW, 0x2ff0, 0x11ff0, 0x10, 0x20 }), 0);
}

TEST(hand_header_errors)
{
	struct ph p[2] = { TEXT, DATA };
	struct elf_image im;
	uint8_t *good = mk(p, 2, TEXT.va, HSIZE), *m;
	CHECK_EQ(elf_parse(good, HSIZE, USER_LO, USER_HI, &im), 0);
#define MUTATE(stmt, want) do { m = host_dup(good, HSIZE); stmt; \
	CHECK_EQ(elf_parse(m, HSIZE, USER_LO, USER_HI, &im), want); free(m); } while (0)
	MUTATE(m[1] = 'e', ENOEXEC);
	MUTATE(m[4] = 1, ENOEXEC);
	MUTATE(m[4] = 3, ENOEXEC);
	MUTATE(m[5] = 2, ENOEXEC);
	MUTATE(m[6] = 0, ENOEXEC);
	MUTATE(wr32(m + 20, 0), ENOEXEC);			/* e_version */
	MUTATE(wr16(m + 18, 0xf3 + 1), ENOEXEC);
	MUTATE(wr16(m + 16, 1), ENOEXEC);			/* ET_REL */
	MUTATE(wr16(m + 16, ELF_ET_DYN), ENOEXEC);
	MUTATE(wr16(m + 16, 4), ENOEXEC);			/* ET_CORE */
	MUTATE(wr16(m + 52, 52), ENOEXEC);
	MUTATE(wr16(m + 54, 32), ENOEXEC);
	MUTATE(wr16(m + 54, 64), ENOEXEC);
	MUTATE(wr64(m + 32, HSIZE), ENOEXEC);			/* phoff at the end */
	MUTATE(wr64(m + 32, HSIZE - 2 * ELF_PHDR_SIZE + 1), ENOEXEC);
	MUTATE(wr64(m + 32, UINT64_MAX - 8), ENOEXEC);	/* phoff + phnum * 56 wraps */
	MUTATE(wr16(m + 56, 0xffff), ENOEXEC);
	MUTATE(wr16(m + 56, 0), ENOEXEC);			/* no program headers at all */
	MUTATE(m[7] = 3, 0);					/* EI_OSABI is not checked */
#undef MUTATE
	for (size_t k = 0; k < ELF_EHDR_SIZE; k++) {		/* short files */
		m = host_dup(good, k);
		CHECK_EQ(elf_parse(m, k, USER_LO, USER_HI, &im), ENOEXEC);
		free(m);
	}
	/* Program headers that end exactly at the end of the file, then one byte short. */
	struct ph tiny = { ELF_PT_LOAD, RX, 0, 0x10000, 0x10, 0x100 };
	m = mk(&tiny, 1, 0x10000, ELF_EHDR_SIZE + ELF_PHDR_SIZE);
	CHECK_EQ(elf_parse(m, ELF_EHDR_SIZE + ELF_PHDR_SIZE, USER_LO, USER_HI, &im), 0);
	CHECK_EQ(parse_n(m, ELF_EHDR_SIZE + ELF_PHDR_SIZE - 1, &im), ENOEXEC);
	free(m);
	/* Bad arguments from the caller. */
	CHECK_EQ(elf_parse(good, HSIZE, USER_LO + 1, USER_HI, &im), EINVAL);
	CHECK_EQ(elf_parse(good, HSIZE, USER_LO, USER_HI - 1, &im), EINVAL);
	CHECK_EQ(elf_parse(good, HSIZE, USER_HI, USER_LO, &im), EINVAL);
	CHECK_EQ(elf_parse(good, HSIZE, USER_LO, USER_LO, &im), EINVAL);
	free(good);
}

TEST(hand_segment_errors)
{
	const uint64_t top = UINT64_MAX & ~(PG - 1);
	/* Malformed: ENOEXEC. */
	CHECK_EQ(two((struct ph){ ELF_PT_LOAD, RW, 0x2000, 0x11000, 0x21, 0x20 }), ENOEXEC);
	CHECK_EQ(two((struct ph){ ELF_PT_LOAD, RW, 0x2000, 0x11000, 0x1001, 0x2000 }), ENOEXEC);
	CHECK_EQ(two((struct ph){ ELF_PT_LOAD, RW, 0x3000, 0x11000, 0, 0x10 }), 0); /* at EOF */
	CHECK_EQ(two((struct ph){ ELF_PT_LOAD, RW, 0x4000, 0x11000, 0, 0x10 }), ENOEXEC);
	CHECK_EQ(two((struct ph){ ELF_PT_LOAD, RW, top, 0x11000, PG, PG }), ENOEXEC);
	CHECK_EQ(two((struct ph){ ELF_PT_LOAD, RW, 0x2000, top, 0x10, PG + 1 }), ENOEXEC);
	CHECK_EQ(two((struct ph){ ELF_PT_LOAD, RW, 0x2000, 0x11000, 0x10, UINT64_MAX }), ENOEXEC);
	CHECK_EQ(two((struct ph){ ELF_PT_LOAD, RW, 0x2004, 0x11000, 0x10, 0x10 }), ENOEXEC);
	CHECK_EQ(two((struct ph){ ELF_PT_LOAD, RW, 0x2000, 0x11800, 0x10, 0x10 }), ENOEXEC);
	/* Outside [user_lo, user_hi): EINVAL, with no overflow when rounding up near 2^64. */
	CHECK_EQ(two((struct ph){ ELF_PT_LOAD, RW, 0x2000, top, 0x10, PG }), ENOEXEC); /* = 2^64 */
	CHECK_EQ(two((struct ph){ ELF_PT_LOAD, RW, 0x2000, top - PG, 0x10, PG }), EINVAL);
	CHECK_EQ(two((struct ph){ ELF_PT_LOAD, RW, 0x2000, top, 0x10, PG - 1 }), EINVAL);
	CHECK_EQ(two((struct ph){ ELF_PT_LOAD, RW, 0x2000, USER_HI - PG, 0x10, PG + 1 }), EINVAL);
	CHECK_EQ(two((struct ph){ ELF_PT_LOAD, RW, 0x2000, USER_HI - PG, 0x10, PG }), 0);
	CHECK_EQ(two((struct ph){ ELF_PT_LOAD, RW, 0x2000, USER_HI, 0x10, 0x10 }), EINVAL);
	{
		struct ph p[1] = { { ELF_PT_LOAD, RX, 0x1000, 0x0, 0x100, 0x100 } };
		struct elf_image im;
		CHECK_EQ(hand(p, 1, 0x0, HSIZE, &im), EINVAL);		/* page 0 < user_lo */
		p[0].va = 0xfff;
		p[0].off = 0x1fff;
		p[0].filesz = p[0].memsz = 0x1001;
		CHECK_EQ(hand(p, 1, 0x1000, HSIZE, &im), EINVAL);	/* starts on page 0 */
		p[0].va = USER_LO;
		p[0].off = 0x1000;
		CHECK_EQ(hand(p, 1, USER_LO, HSIZE, &im), 0);
	}
	/* Overlapping, sharing a page, or out of order: EINVAL. */
	CHECK_EQ(two((struct ph){ ELF_PT_LOAD, RW, 0x2080, 0x10080, 0x10, 0x10 }), EINVAL);
	CHECK_EQ(two((struct ph){ ELF_PT_LOAD, RW, 0x2800, 0x10800, 0x10, 0x10 }), EINVAL);
	CHECK_EQ(two((struct ph){ ELF_PT_LOAD, RW, 0x2000, 0xf000, 0x10, 0x10 }), EINVAL);
	CHECK_EQ(two((struct ph){ ELF_PT_LOAD, RW, 0x2000, 0x11000, 0x10, 0x10 }), 0); /* adjacent */
	/* W+X: EINVAL (policy), also for a non-entry segment and for W+X without R. */
	CHECK_EQ(two((struct ph){ ELF_PT_LOAD, RW | ELF_PF_X, 0x2000, 0x11000, 0x10, 0x10 }), EINVAL);
	CHECK_EQ(two((struct ph){ ELF_PT_LOAD, ELF_PF_W | ELF_PF_X, 0x2000, 0x11000, 0x10, 0x10 }),
		 EINVAL);
	/* Program header types. */
	CHECK_EQ(two((struct ph){ ELF_PT_INTERP, ELF_PF_R, 0x2000, 0x11000, 0x10, 0x10 }), ENOEXEC);
	CHECK_EQ(two((struct ph){ ELF_PT_DYNAMIC, RW, 0x2000, 0x11000, 0x10, 0x10 }), ENOEXEC);
	CHECK_EQ(two((struct ph){ 5 /* PT_SHLIB */, 0, 0, 0, 0, 0 }), ENOEXEC);
	CHECK_EQ(two((struct ph){ 0x6474e550 /* PT_GNU_EH_FRAME */, 0, 0, 0, 0, 0 }), ENOEXEC);
	CHECK_EQ(two((struct ph){ 0x12345678, 0, 0, 0, 0, 0 }), ENOEXEC);
	static const uint32_t ok[] = { ELF_PT_NULL, ELF_PT_NOTE, ELF_PT_PHDR, ELF_PT_TLS,
				       ELF_PT_GNU_STACK, ELF_PT_RISCV_ATTRIBUTES };
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)	/* fields of these are ignored */
		CHECK_EQ(two((struct ph){ ok[i], 7, UINT64_MAX, UINT64_MAX, 9, 1 }), 0);
}

TEST(hand_load_count_and_entry)
{
	struct ph p[10];
	struct elf_image im;
	for (int i = 0; i < 10; i++)
		p[i] = (struct ph){ ELF_PT_LOAD, i ? RW : RX, 0x1000, 0x10000 + i * PG, 0x10, 0x10 };
	CHECK_EQ(hand(p, 8, 0x10000, HSIZE, &im), 0);
	CHECK_EQ(im.nsegs, 8);
	CHECK_EQ(im.hi, 0x18000);
	CHECK_EQ(hand(p, 9, 0x10000, HSIZE, &im), E2BIG);
	CHECK_EQ(hand(p, 10, 0x10000, HSIZE, &im), E2BIG);
	p[3].memsz = 0;					/* empty PT_LOADs are skipped */
	p[3].filesz = 0;
	CHECK_EQ(hand(p, 9, 0x10000, HSIZE, &im), 0);
	CHECK_EQ(im.nsegs, 8);
	CHECK_EQ(im.segs[3].vaddr, 0x14000);
	CHECK_EQ(hand(p + 3, 1, 0x13000, HSIZE, &im), ENOEXEC);	/* only an empty PT_LOAD */
	p[3].va = 0;						/* ... even outside the range */
	CHECK_EQ(hand(p, 9, 0x10000, HSIZE, &im), 0);
	p[4] = (struct ph){ ELF_PT_GNU_STACK, RW, 0, 0, 0, 0 };
	CHECK_EQ(hand(p + 4, 1, 0x10000, HSIZE, &im), ENOEXEC);	/* no PT_LOAD */

	/* Entry: inside [p_vaddr, p_vaddr + p_memsz) of an executable segment. */
	struct ph t[2] = { TEXT, DATA };
	CHECK_EQ(hand(t, 2, 0x10000, HSIZE, &im), 0);
	CHECK_EQ(hand(t, 2, 0x100ff, HSIZE, &im), 0);
	CHECK_EQ(hand(t, 2, 0x10100, HSIZE, &im), ENOEXEC);	/* page slack after the text */
	CHECK_EQ(hand(t, 2, 0xffff, HSIZE, &im), ENOEXEC);
	CHECK_EQ(hand(t, 2, 0x11000, HSIZE, &im), ENOEXEC);	/* data */
	CHECK_EQ(hand(t, 2, 0, HSIZE, &im), ENOEXEC);
	t[0].va = 0x10080;					/* unaligned text: page head */
	t[0].off = 0x1080;
	CHECK_EQ(hand(t, 2, 0x10000, HSIZE, &im), ENOEXEC);
	CHECK_EQ(hand(t, 2, 0x10080, HSIZE, &im), 0);
	t[0].flags = ELF_PF_R;					/* no executable segment */
	CHECK_EQ(hand(t, 2, 0x10080, HSIZE, &im), ENOEXEC);
}

/* ---- Fuzz ---------------------------------------------------------------------------- */

static uint64_t rng_state;
static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* An accepted image must satisfy the whole contract in elf.h. */
static void check_contract(const struct elf_image *im, size_t size)
{
	int entry_ok = 0;
	CHECK(im->nsegs >= 1 && im->nsegs <= ELF_MAX_SEGS);
	for (int i = 0; i < im->nsegs && i < ELF_MAX_SEGS; i++) {
		const struct elf_seg *s = &im->segs[i];
		CHECK(s->vaddr % PG == 0 && s->memsz % PG == 0 && s->memsz > 0);
		CHECK(s->vaddr >= USER_LO && s->vaddr + s->memsz <= USER_HI);
		CHECK(i == 0 || s->vaddr >= im->segs[i - 1].vaddr + im->segs[i - 1].memsz);
		CHECK(s->file_va >= s->vaddr && s->file_va - s->vaddr < PG);
		CHECK(s->file_va + s->filesz <= s->vaddr + s->memsz);
		CHECK(s->file_off + s->filesz <= size && s->file_off % PG == s->file_va % PG);
		CHECK((s->prot & ~7u) == 0 && (s->prot & (ELF_PROT_W | ELF_PROT_X)) !=
		      (ELF_PROT_W | ELF_PROT_X));
		if ((s->prot & ELF_PROT_X) && im->entry >= s->file_va &&
		    im->entry < s->vaddr + s->memsz)
			entry_ok = 1;
	}
	CHECK(entry_ok);
	CHECK(im->lo == im->segs[0].vaddr);
}

/* 20000 rounds of 1-4 random byte changes in the Ehdr and program headers of img. */
static void fuzz(const uint8_t *img, size_t n, uint64_t seed)
{
	size_t hdr = ELF_EHDR_SIZE + (size_t)rd16(img + 56) * ELF_PHDR_SIZE;
	int accepted = 0, rejected = 0;
	rng_state = seed;
	for (int it = 0; it < 20000; it++) {
		uint8_t *m = host_dup(img, n);
		struct elf_image im;
		int flips = 1 + rng() % 4;
		for (int k = 0; k < flips; k++) {
			size_t at = rng() % hdr;
			switch (rng() % 3) {
			case 0: m[at] ^= 1u << (rng() % 8); break;
			case 1: m[at] = (uint8_t)rng(); break;
			default: m[at] = rng() & 1 ? 0xff : 0; break;
			}
		}
		int err = elf_parse(m, n, USER_LO, USER_HI, &im);
		CHECK(err == 0 || err == ENOEXEC || err == EINVAL || err == E2BIG);
		if (err == 0) {
			accepted++;
			check_contract(&im, n);
		} else {
			rejected++;
		}
		free(m);
	}
	CHECK(accepted > 0 && rejected > 0);
}

TEST(fuzz_headers)
{
	struct ph p[4] = { TEXT, DATA, { ELF_PT_GNU_STACK, RW, 0, 0, 0, 0 },
			   { ELF_PT_LOAD, ELF_PF_R, 0x2800, 0x20800, 0x100, 0x100 } };
	uint8_t *b = mk(p, 4, TEXT.va + 4, HSIZE);
	struct readelf r;
	size_t n = 0;
	fuzz(b, HSIZE, 0x5eed0001);
	free(b);
	if (!have_cross())
		return;
	b = build_fixture(LD_DEFAULT, &n, &r);
	CHECK(b != NULL);
	if (b)
		fuzz(b, n, 0x5eed0002);
	free(b);
}
