/* Flattened device tree walker (no libfdt): what the kernel learns about the board. */
#ifndef SKIMMER_FDT_H
#define SKIMMER_FDT_H

#include <skimmer/types.h>

#define FDT_MAX_MEM      8
#define FDT_MAX_RESERVED 16
#define FDT_MAX_HARTS    64

struct fdt_region {
	uint64_t base;
	uint64_t size;
};

/* Everything boot needs, filled in by one pass over the blob. Strings point into the blob. */
struct fdt_info {
	uint32_t totalsize;			/* of the blob, so boot can reserve it */
	struct fdt_region mem[FDT_MAX_MEM];	/* /memory nodes' reg, in order */
	int nmem;
	struct fdt_region reserved[FDT_MAX_RESERVED]; /* memreserve block + /reserved-memory children */
	int nreserved;
	unsigned long harts[FDT_MAX_HARTS];	/* hart ids of usable /cpus/cpu nodes, in tree order */
	int nharts;
	uint64_t timebase_hz;			/* /cpus timebase-frequency (or per-cpu) */
	const char *isa;			/* riscv,isa of the first cpu, or NULL */
	const char *bootargs;			/* /chosen bootargs, or NULL */
	uint64_t initrd_start, initrd_end;	/* /chosen linux,initrd-*, 0 if absent */
	/* The console: /chosen stdout-path resolved (options after ':' dropped). */
	const char *stdout_compat;		/* first compatible string of that node, or NULL */
	uint64_t stdout_base;			/* its first reg address, 0 if none */
	uint32_t stdout_reg_shift;		/* reg-shift, default 0 */
	uint32_t stdout_irq;			/* its interrupts (first cell), 0 if none */
	/* The PLIC (compatible "riscv,plic0" or "sifive,plic-1.0.0"): base 0 if none. Its
	 * interrupts-extended names one context per entry, in order; the entries that go
	 * to a hart's cpu-intc as IRQ_S_EXT (9) are that hart's S-mode context. */
	uint64_t plic_base, plic_size;
	uint32_t plic_ndev;			/* riscv,ndev: sources are 1..plic_ndev */
	int plic_nsctx;
	struct fdt_plic_ctx {
		unsigned long hartid;
		uint32_t ctx;			/* context index: its enable, threshold, claim */
	} plic_sctx[FDT_MAX_HARTS];
	/* The goldfish RTC ("google,goldfish-rtc"), which the interrupt tests drive from a
	 * user driver: base 0 if none. */
	uint64_t rtc_base;
	uint32_t rtc_irq;			/* its interrupts (first cell) */
};

/* Errors returned (negative) by fdt_parse. */
#define FDT_ERR_MAGIC    -1	/* not a device tree */
#define FDT_ERR_VERSION  -2	/* version older than 16 */
#define FDT_ERR_BADSTRUCT -3	/* malformed structure block (bad token, overrun, unbalanced) */
#define FDT_ERR_TRUNCATED -4	/* offsets or sizes point outside totalsize */

/*
 * Parse the blob at `blob` (no alignment beyond 4 bytes assumed), whose size is
 * at most `maxsize` bytes (pass a large value at boot). Returns 0 and fills `info`
 * or a negative FDT_ERR_*; never reads outside [blob, blob + min(totalsize, maxsize)).
 */
int fdt_parse(const void *blob, size_t maxsize, struct fdt_info *info);

/* True if the riscv,isa string names extension `ext` (e.g. "sstc", or a single letter). */
bool fdt_isa_has(const char *isa, const char *ext);

#endif
