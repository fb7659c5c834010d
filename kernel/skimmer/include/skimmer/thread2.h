/* Kernel-only inlines for the scheduler: critical sections and the preemption check. */
#ifndef SKIMMER_THREAD2_H
#define SKIMMER_THREAD2_H

#include <skimmer/globaldata.h>
#include <skimmer/kern.h>

/* The current thread's process (NULL for a kernel thread). */
static inline struct proc *curproc(void)
{
	return curthread()->td_proc;
}

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
/* The same inline, for the message fast paths. */
static inline __attribute__((always_inline)) void lwkt_schedule_local_inline(struct thread *td)
{
	struct globaldata *gd = mycpu();
	KASSERT(!local_irq_enabled(), "run queue touched with interrupts on");
	KASSERT(td->td_gd == gd, "td %u belongs to cpu %d, not %d", td->td_id,
		td->td_gd->gd_cpuid, gd->gd_cpuid);
	if (td->td_flags & (TDF_RUNQ | TDF_IDLE | TDF_EXITING | TDF_MIGRATING))
		return;		/* a migrating thread is queued where it arrives */
	if (td->td_flags & TDF_SLEEPING) {
		list_remove(&td->td_sleepq);
		td->td_flags &= ~TDF_SLEEPING;
	}
	td->td_flags |= TDF_RUNQ;
	td->td_slice = 0;
	runq_insert_tail(&gd->gd_runq, td);
	gd->gd_last_sched = td;
	trace_irqoff(TR_SCHED, td->td_id, gd->gd_cpuid);
	if (td->td_pri > gd->gd_curthread->td_pri)
		gd->gd_reqflags |= RQF_RESCHED;
}

#endif
