/* Per-hart state ("globaldata", as DragonFly calls it); tp points at it in the kernel. */
#ifndef SKIMMER_GLOBALDATA_H
#define SKIMMER_GLOBALDATA_H

#include <skimmer/types.h>
#include <skimmer/list.h>
#include <skimmer/runq.h>
#include <skimmer/thread.h>
#include <skimmer/trace.h>
#include <arch/cpu.h>
#include <generated/autoconf.h>

#define MAXCPU CONFIG_MAX_HARTS

/* gd_reqflags */
#define RQF_RESCHED 0x1		/* a higher-priority thread became runnable */
#define RQF_ROTATE  0x2		/* time slice over: go behind same-level peers */

struct globaldata {
	struct thread *gd_curthread;	/* offset 0: used by trap.S and gdb */
	uintptr_t gd_kstack_top;	/* offset 8: current thread's stack top (trap.S) */
	uintptr_t gd_uscratch;		/* offset 16: user sp during trap entry (trap.S) */
	int gd_cpuid;			/* logical index 0..ncpus-1 */
	unsigned long gd_hartid;	/* the hart id SBI knows */
	volatile uint32_t gd_reqflags;	/* RQF_*: this hart only, interrupts off */
	int gd_intr_nesting;		/* > 0 while in a trap handler */
	uint32_t gd_ipiq_pending;	/* an IPI is on its way (set by senders, cleared by us) */
	volatile int gd_online;		/* finished hart init */
	uint32_t gd_ast;		/* > 0: killed threads of this hart still to end;
					 * the returns to user mode check theirs (trap.S) */
	uint32_t gd_tmo_armed;		/* threads of this hart with TDF_TMO: kernel-call returns
					 * here look for a TimerTimeout to clear (trap.S loads
					 * it with gd_ast as one doubleword) */
	uint64_t gd_ticks;		/* timer ticks on this hart */
	uint64_t gd_next_tick;		/* rdtime deadline of the next tick */
	struct list gd_sleepq;		/* sleeping threads, by wakeup tick */
	struct list gd_zombies;		/* exited threads waiting for their stacks to be freed */
	struct runq gd_runq;		/* this hart only, interrupts off */
	struct thread gd_idlethread;
	uint64_t gd_ipis_sent;
	uint64_t gd_ipis_recv;
	uint64_t gd_ipiq_full;		/* times a sender found a ring full */
	uint64_t gd_handoffs;		/* lwkt_reply_handoff switches straight to the waiter */
	/* Lazy FP (arch fpu.c): this hart only, interrupts off. */
	struct thread *gd_fpowner;	/* whose registers the FPU holds, or NULL */
	uint64_t gd_fpu_grants;		/* times a thread was given the FPU (first FP use) */
	uint64_t gd_fpu_saves;		/* times a dirty owner's registers were saved */
	uint64_t gd_fast_send;		/* msg_fast.c: calls each fast path finished */
	uint64_t gd_fast_receive;
	uint64_t gd_fast_reply;
	struct thread *gd_last_sched;	/* the thread lwkt_schedule_local last queued here
					 * (lwkt_switch's O(1) pick; cleared when it exits) */
	struct list gd_hwq;		/* hartwork items to run here (wait.c), interrupts off */
	struct thread *gd_hwtd;		/* the hart's work thread that runs them */
	struct trace_ring gd_trace;
};

_Static_assert(offsetof(struct globaldata, gd_kstack_top) == 8, "trap.S GD_KSTACK_TOP");
_Static_assert(offsetof(struct globaldata, gd_uscratch) == 16, "trap.S GD_USCRATCH");
_Static_assert(offsetof(struct globaldata, gd_reqflags) == 40, "trap.S GD_REQFLAGS");
_Static_assert(offsetof(struct globaldata, gd_ast) == 56, "trap.S GD_AST");
_Static_assert(offsetof(struct globaldata, gd_tmo_armed) == 60, "trap.S GD_AST (ld)");

extern struct globaldata cpu_globals[MAXCPU];
extern int ncpus;

static inline struct globaldata *mycpu(void) { return arch_mycpu(); }
static inline struct thread *curthread(void) { return mycpu()->gd_curthread; }
static inline struct globaldata *globaldata_find(int cpu) { return &cpu_globals[cpu]; }

/* Record an event on this hart's trace ring (trace.h), interrupts off (a trap must not
 * interleave with our slot): the scheduler's form, about 15 instructions. */
static inline void trace_irqoff(enum trace_event ev, uint64_t a, uint64_t b)
{
	struct globaldata *gd = mycpu();
	struct trace_ring *tr = &gd->gd_trace;
	struct trace_entry *e = &tr->tr_ent[tr->tr_next % TRACE_ENTRIES];
	e->te_time = cpu_time();
	e->te_event = ev;
	e->te_td = gd->gd_curthread ? gd->gd_curthread->td_id : 0;
	e->te_a = a;
	e->te_b = b;
	tr->tr_next++;
}

/* The same in any context. Inline because the scheduler and message paths record
 * several per operation: about 20 instructions. */
static inline void trace(enum trace_event ev, uint64_t a, uint64_t b)
{
	unsigned long s = local_irq_save();
	trace_irqoff(ev, a, b);
	local_irq_restore(s);
}

#endif
