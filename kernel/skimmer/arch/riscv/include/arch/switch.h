/* The arch half of a context switch: inline, the scheduler makes one per switch. */
#ifndef ARCH_SWITCH_H
#define ARCH_SWITCH_H

#include <skimmer/globaldata.h>
#include <arch/pmap.h>

/* See arch/cpu.h. Interrupts off. */
static inline void arch_thread_switch_in(struct globaldata *gd, struct thread *td)
{
	gd->gd_kstack_top = (uintptr_t)td->td_kstack + td->td_kstack_size;
	pmap_switch(td->td_satp ? td->td_satp : pmap_kernel_satp());
}

#endif
