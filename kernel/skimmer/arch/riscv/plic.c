/*
 * The PLIC driver: where its registers are (the device tree), priorities, per-hart
 * S-mode contexts, enable bits, claim and complete.
 *
 * Each source is enabled in at most one context (kern/intr.c routes it to one hart), and
 * masking is priority 0, a register of its own per source, so a trap handler can mask
 * without a lock. Every context's threshold is 0: priority 1 and up is delivered.
 * Register layout (the PLIC spec): priority[irq] at 4*irq, enable bits at 0x2000 +
 * 0x80*ctx, threshold and claim/complete at 0x200000 + 0x1000*ctx.
 */
#include <skimmer/globaldata.h>
#include <skimmer/fdt.h>
#include <arch/plic.h>
#include <arch/pmap.h>
#include <arch/csr.h>

#define PLIC_PRIORITY(irq)	(4 * (uint64_t)(irq))
#define PLIC_ENABLE(ctx, irq)	(0x2000 + 0x80 * (uint64_t)(ctx) + 4 * ((irq) / 32))
#define PLIC_THRESHOLD(ctx)	(0x200000 + 0x1000 * (uint64_t)(ctx))
#define PLIC_CLAIM(ctx)		(PLIC_THRESHOLD(ctx) + 4)
#define PLIC_MAX_NDEV		1023

void intr_handle(uint32_t irq);	/* kern/intr.c */

static uintptr_t plic_base;
static uint64_t plic_size;
static uint32_t ndev;
static int cpu_ctx[MAXCPU];	/* cpu -> its S-mode context, -1: none (set by each hart) */
static const struct fdt_info *plic_fi;

static inline volatile uint32_t *reg(uint64_t off)
{
	return (volatile uint32_t *)(plic_base + off);
}

bool plic_map(const struct fdt_info *fi)
{
	for (int c = 0; c < MAXCPU; c++)
		cpu_ctx[c] = -1;
	/* The highest context's claim register must lie inside the mapped registers. */
	uint32_t maxctx = 0;
	for (int i = 0; i < fi->plic_nsctx; i++)
		maxctx = MAX(maxctx, fi->plic_sctx[i].ctx);
	if (fi->plic_base == 0 || fi->plic_ndev == 0 || fi->plic_nsctx == 0 ||
	    fi->plic_size < PLIC_CLAIM(maxctx) + 4)
		return false;
	plic_base = fi->plic_base;
	plic_size = fi->plic_size;
	ndev = MIN(fi->plic_ndev, PLIC_MAX_NDEV);
	plic_fi = fi;
	pmap_kernel_map_device(ALIGN_DOWN(plic_base, PAGE_SIZE),
			       ALIGN_UP(plic_base + plic_size, PAGE_SIZE) - ALIGN_DOWN(plic_base, PAGE_SIZE));
	return true;
}

void plic_init(void)
{
	for (uint32_t irq = 1; irq <= ndev; irq++)
		plic_set_priority(irq, 0);
}

void plic_init_hart(void)
{
	struct globaldata *gd = mycpu();
	if (plic_base == 0)
		return;
	for (int i = 0; i < plic_fi->plic_nsctx; i++)
		if (plic_fi->plic_sctx[i].hartid == gd->gd_hartid)
			cpu_ctx[gd->gd_cpuid] = (int)plic_fi->plic_sctx[i].ctx;
	int ctx = cpu_ctx[gd->gd_cpuid];
	if (ctx < 0)
		return;
	for (uint32_t w = 0; w <= ndev / 32; w++)
		*reg(PLIC_ENABLE(ctx, w * 32)) = 0;
	*reg(PLIC_THRESHOLD(ctx)) = 0;
	csr_set(sie, SIE_SEIE);
}

uint32_t plic_ndev(void)
{
	return plic_base ? ndev : 0;
}

bool plic_cpu_ok(int cpu)
{
	return cpu >= 0 && cpu < MAXCPU && cpu_ctx[cpu] >= 0;
}

bool plic_overlaps(uint64_t pa, uint64_t len)
{
	return plic_base && pa < plic_base + plic_size && plic_base < pa + len;
}

void plic_set_priority(uint32_t irq, uint32_t prio)
{
	/* Order it after the memory accesses before it (the mask state it reflects). */
	__asm__ __volatile__("fence rw, o" ::: "memory");
	*reg(PLIC_PRIORITY(irq)) = prio;
	__asm__ __volatile__("fence o, rw" ::: "memory");
}

uint32_t plic_priority(uint32_t irq)
{
	return *reg(PLIC_PRIORITY(irq));
}

void plic_enable(uint32_t irq, int cpu, bool on)
{
	volatile uint32_t *r = reg(PLIC_ENABLE(cpu_ctx[cpu], irq));
	uint32_t bit = 1U << (irq % 32);
	*r = on ? *r | bit : *r & ~bit;
}

void plic_intr(void)
{
	int ctx = cpu_ctx[mycpu()->gd_cpuid];
	uint32_t irq;
	if (ctx < 0)
		return;
	while ((irq = *reg(PLIC_CLAIM(ctx))) != 0) {
		if (irq <= ndev)
			intr_handle(irq);	/* masks it (priority 0) before the complete */
		*reg(PLIC_CLAIM(ctx)) = irq;
	}
}
