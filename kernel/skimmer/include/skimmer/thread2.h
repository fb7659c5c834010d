/* Kernel-only inlines for the scheduler: critical sections and the preemption check. */
#ifndef SKIMMER_THREAD2_H
#define SKIMMER_THREAD2_H

#include <skimmer/globaldata.h>
#include <skimmer/kern.h>

/* Critical sections: the current thread is not preempted; interrupts still run.
 * A reschedule requested meanwhile is taken on the final crit_exit. */
static inline void crit_enter(void)
{
	curthread()->td_critcount++;
	__asm__ __volatile__("" ::: "memory");
}

/* Switch now if a reschedule is pending and nothing forbids it (no critical
 * section, not inside a trap handler). The trap tail calls this too. */
static inline void lwkt_preempt_check(void)
{
	struct globaldata *gd = mycpu();
	if (unlikely(gd->gd_reqflags) && gd->gd_curthread->td_critcount == 0 &&
	    gd->gd_intr_nesting == 0)
		lwkt_switch();
}

static inline void crit_exit(void)
{
	struct thread *td = curthread();
	__asm__ __volatile__("" ::: "memory");
	KASSERT(td->td_critcount > 0, "crit_exit underflow in %s", td->td_name);
	if (--td->td_critcount == 0)
		lwkt_preempt_check();
}

/* Put td (owned by this hart) on the run queue. Interrupts must be off. */
void lwkt_schedule_local(struct thread *td);

#endif
