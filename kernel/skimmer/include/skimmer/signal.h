/*
 * Signals (kern/signal.c): what is pending and blocked, the actions, the waits, and
 * delivery at the return to user mode. docs/signals.md has the design.
 */
#ifndef SKIMMER_SIGNAL_H
#define SKIMMER_SIGNAL_H

#include <skimmer/types.h>
#include <skimmer/list.h>
#include <skimmer/wait.h>
#include <sys/neutrino.h>

#define SIGQUEUE_MAX	64		/* siginfo records queued in one process at once */
#define SIGBIT(n)	(1ULL << ((n) - 1))
#define SIG_VALID(n)	((n) >= 1 && (n) <= SIGRTMAX)
#define SIG_ALL		((1ULL << SIGRTMAX) - 1)	/* the signals that can be sent */
#define SIG_CANTMASK	(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))

struct proc;
struct thread;
struct trapframe;

/* One pending instance: on td_sigq or p_sigq (p_lock), in arrival order. */
struct sigq {
	struct list sq_link;
	siginfo_t sq_info;
};

/* What the process does with a signal (SignalAction); p_lock. */
struct sigact {
	uint64_t ac_handler;		/* user address, or SIG_DFL (0) / SIG_IGN (1) */
	uint64_t ac_mask;		/* also blocked while it runs */
	int ac_flags;			/* SA_* */
};
struct sigacts {
	struct sigact ac[SIGRTMAX + 1];	/* by signal number; [0] unused */
};

/* A thread in SignalWaitinfo (sw_set: what it takes) or SignalSuspend (sw_set 0), on
 * its kernel stack; td_sigwait points to it while it waits (p_lock). */
struct sigwaiter {
	struct twait sw_tw;
	uint64_t sw_set;
	siginfo_t sw_info;		/* what a poster handed over (tw_result = signo) */
};

/* Set up a new process's and thread's signal state (mask: inherited from the
 * creator). Before the process or thread is visible to anyone. */
void sig_proc_init(struct proc *p);
/* Actions for a new process (proc_create): SIG_IGN for the signals in ignore (never
 * SIGKILL or SIGSTOP), SIG_DFL for the rest. NULL: no memory. */
struct sigacts *sig_acts_ignoring(uint64_t ignore);
void sig_thread_init(struct thread *td, uint64_t mask);
/* The thread or (its last thread) process ends: its queued records are freed. p_lock held. */
void sig_thread_exit_locked(struct thread *td);
void sig_proc_exit_locked(struct proc *p);

/* The current thread returns to user mode with TDF_SIGNAL set (uthread_ast): deliver
 * what it does not block, through its user trap frame tf. Interrupts off on entry and
 * return (enabled inside); may end the thread and its process (default action). */
void sig_ast(struct trapframe *tf);

/* A synchronous fault in user mode (trap.c): if the process catches signo and the
 * thread does not block it, set the handler up in tf and return true; false: the
 * caller kills the process as before. Interrupts off. */
bool sig_fault(struct trapframe *tf, int signo, int code);

/* Send signo (code, value) to process pid, or to its thread td if td is one of its live
 * threads (SIGEV_SIGNAL_THREAD), from the kernel on behalf of the current thread (events,
 * kernel/skimmer/kern/event.c). Thread context, no spinlock held. 0 or -errno: ESRCH no
 * such process, EAGAIN no memory or the process's queue is full. */
long sig_event(uint32_t pid, struct thread *td, int signo, int code, union sigval value);

/* arch (arch/riscv/sigframe.c): push a handler's frame below tf's sp, holding tf's
 * registers, the thread's FP state and oldmask, and point tf at stub(signo, info,
 * context, handler). Returns false if the frame cannot be written (a bad stack). */
bool arch_sig_push(struct thread *td, struct trapframe *tf, const siginfo_t *info,
		   uint64_t handler, uint64_t stub, uint64_t oldmask);
/* Load tf (and the thread's FP state) from a frame's context; sstatus stays the
 * kernel's. Returns false only when there is no memory for an FP save area. */
bool arch_sig_restore(struct thread *td, struct trapframe *tf, const mcontext_t *mc);
/* Leave the kernel call for user mode through the whole of tf (SignalReturn), after a
 * pending reschedule and the return-to-user work (uthread_ast). Never returns. */
void arch_return_to_user(struct trapframe *tf) __noreturn;

#endif
