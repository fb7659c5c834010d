/* The RISC-V PLIC (platform-level interrupt controller), found in the device tree. */
#ifndef ARCH_PLIC_H
#define ARCH_PLIC_H

#include <skimmer/types.h>

struct fdt_info;

/* Boot hart, before pmap_bootstrap: note the PLIC's registers for the kernel map. False
 * if the tree has no PLIC (then there are no device interrupts). */
bool plic_map(const struct fdt_info *fi);
/* Boot hart, paging on: every source at priority 0 (masked). */
void plic_init(void);
/* Every hart, at its trap set-up: find its S-mode context, threshold 0, nothing enabled,
 * sie.SEIE on. */
void plic_init_hart(void);

uint32_t plic_ndev(void);			/* sources are 1..plic_ndev(); 0: no PLIC */
bool plic_cpu_ok(int cpu);			/* has cpu an S-mode context? */
bool plic_overlaps(uint64_t pa, uint64_t len);	/* does [pa, pa+len) touch the PLIC? */

/* Source priority: 0 masks it (a pending interrupt stays pending), 1 lets it through.
 * One register per source: any hart, any context. */
void plic_set_priority(uint32_t irq, uint32_t prio);
uint32_t plic_priority(uint32_t irq);		/* the register's value now */
/* Enable or disable irq in cpu's S-mode context (a read-modify-write of a word shared
 * by 32 sources): the caller serialises every call (intr_lock). */
void plic_enable(uint32_t irq, int cpu, bool on);
/* The supervisor external interrupt on this hart (trap.c), interrupts off: claim every
 * pending source, hand each to intr_handle (kern/intr.c), then complete it. */
void plic_intr(void);

#endif
