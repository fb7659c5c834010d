/* LWKT threads: per-hart scheduling, critical sections, the thread API. */
#ifndef SKIMMER_THREAD_H
#define SKIMMER_THREAD_H

#include <skimmer/types.h>
#include <skimmer/list.h>
#include <skimmer/msgport.h>
#include <skimmer/wait.h>

#define TDPRI_MAX    255	/* priorities 0..255, higher runs first (QNX order) */
#define TDPRI_IDLE   0		/* only the idle thread sits this low */
#define TDPRI_KERN   200	/* kernel service threads */

/* td_flags: owned by the thread's hart; changed only with interrupts off. */
#define TDF_RUNQ     0x0001	/* on its hart's run queue */
#define TDF_IDLE     0x0002	/* the hart's idle thread */
#define TDF_EXITING  0x0004	/* lwkt_exit called; stack freed by the next switch */
#define TDF_SLEEPING 0x0008	/* on the hart's sleep list (lwkt_sleep) */
#define TDF_KILLED   0x0010	/* its process is being killed: end at the next
				 * return to user mode, block in no message call */
#define TDF_IOPRIV   0x0020	/* user thread with I/O privilege (ThreadCtl _NTO_TCTL_IO) */
#define TDF_MIGRATING 0x0040	/* moving to td_migrate_gd (lwkt_setcpu_self): off every
				 * run queue, and not to be scheduled until it arrives */
#define TDF_SIGNAL   0x0080	/* a signal may be deliverable: handle it at the next return
				 * to user mode, block in no call (kern/signal.c) */
#define TDF_SIGRESTORE 0x0100	/* SignalSuspend: td_sigsave is the mask to restore once
				 * the signal that ends it has been handled */
#define TDF_BREAK    (TDF_KILLED | TDF_SIGNAL)	/* a call must not block: EINTR */
#define TDF_TMO      0x0400	/* a TimerTimeout is armed (td_tmo; kern/timeout.c): the
				 * message fast paths miss, the kernel-call return clears it */

#define TD_STACK_CANARY 0x5ca1ab1edeadc0deULL

struct globaldata;
struct proc;
struct ipc_wait;
struct twait;
struct fpstate;
struct tjoin;
struct sigwaiter;
struct tmo;

struct thread {
	uintptr_t td_sp;		/* saved sp while switched out (switch.S uses offset 0) */
	uint64_t td_nkcalls;		/* kernel calls made (trap.S TD_NKCALLS, offset 8) */
	struct globaldata *td_gd;	/* the hart that owns and runs this thread; changes only
					 * in lwkt_setcpu_self's move, while it runs nowhere */
	int td_critcount;		/* > 0: no preemption; >= 1 across every cpu_switch */
	uint32_t td_flags;		/* TDF_* */
	int td_pri;			/* current priority, 0..255: MAX(td_msgpri, td_mtxpri) */
	int td_basepri;			/* priority without inheritance */
	int td_msgpri;			/* priority without mutex inheritance: td_basepri, or
					 * what message passing gave it (lwkt_setpri_local) */
	int td_mtxpri;			/* inherited from waiters on mutexes it owns, 0: none
					 * (applied from td_mtxpri_want on its hart, sync.c) */
	int td_slice;			/* ticks run in the current time slice */
	uint32_t td_id;
	struct list td_runq;		/* on gd_runq when TDF_RUNQ */
	struct list td_sleepq;		/* on gd_sleepq when TDF_SLEEPING */
	uint64_t td_wakeup_tick;	/* when TDF_SLEEPING: gd_ticks value to wake at */
	struct lwkt_port td_msgport;	/* the thread's own port (replies land here) */
	void *td_kstack;		/* stack base (canary at the bottom) */
	size_t td_kstack_size;
	void (*td_func)(void *);
	void *td_arg;
	uint64_t td_switches;		/* times switched in */
	uint64_t td_satp;		/* address space to run in; 0: the kernel's */
	uintptr_t td_onfault;		/* usercopy fault recovery address, or 0 */
	struct proc *td_proc;		/* owning process for user threads, else NULL */
	int td_tid;			/* user threads: the id within td_proc (1: main) */
	int td_stack_slot;		/* user threads: the stack slot it runs on, or -1 */
	struct list td_plink;		/* on td_proc's p_threads (its p_lock) */
	bool td_kill_sent;		/* a killer is on its way (td_proc's p_lock) */
	struct ipc_wait *td_ipc;	/* the message call this thread is blocked in */
	struct twait *td_wait;		/* the other kernel wait it is in (skimmer/wait.h) */
	bool td_intr_pending;		/* a SIGEV_INTR came while it was not in InterruptWait
					 * (kern/intr.c); its hart, interrupts off */
	void (*td_reapfn)(struct thread *); /* called when the exited thread is reaped */
	struct fpstate *td_fpu;		/* FP save area (arch): allocated on first FP use, freed
					 * by the reaper; NULL for threads that never used FP */
	struct list td_allq;		/* on the global thread list (all_threads_lock) */
	/* Sync objects (kern/sync.c); the process's sync lock guards these: */
	int td_mtxpri_want;		/* what td_mtxpri should be (read atomically) */
	struct list td_owned;		/* contended mutexes it owns (ks_olink) */
	struct sync_wait *td_syncwait;	/* the mutex wait it is blocked in, or NULL */
	bool td_sync_exited;		/* ended: owns nothing any more */
	struct hartwork td_synchw;	/* its hart: pass a raised priority to its server */
	struct globaldata *td_migrate_gd; /* TDF_MIGRATING: the hart it is moving to */
	/* User threads (kern/uthread.c, kern/sched.c): */
	struct tjoin *td_join;		/* its join record (td_proc's p_lock) */
	int td_policy;			/* SCHED_FIFO, _RR, _OTHER; 0 (kernel threads): RR */
	uint32_t td_runmask;		/* harts it may run on (bit n: cpu n); its own */
	uint32_t td_inherit_mask;	/* the runmask of threads it creates; its own */
	/* Signals (kern/signal.c); td_proc's p_lock guards these: */
	uint64_t td_sigmask;		/* blocked: bit n-1 for signal n */
	uint64_t td_sigpend;		/* pending for this thread (records on td_sigq) */
	struct list td_sigq;		/* struct sigq records, in arrival order */
	struct sigwaiter *td_sigwait;	/* in SignalWaitinfo/SignalSuspend, or NULL */
	uint64_t td_sigsave;		/* with TDF_SIGRESTORE: the mask before SignalSuspend */
	struct tmo *td_tmo;		/* TimerTimeout state: allocated by its first call, freed
					 * by the reaper; its hart only, interrupts off */
	char td_name[24];
};
_Static_assert(__builtin_offsetof(struct thread, td_nkcalls) == 8, "trap.S TD_NKCALLS");

/* Create a thread on logical hart `cpu` (-1: this hart), runnable at once.
 * Thread context, may not block; returns NULL when out of memory. */
struct thread *lwkt_create(void (*fn)(void *), void *arg, int pri, int cpu, const char *name);
/* The same, but not yet runnable: the caller finishes setting it up, then lwkt_schedule(). */
struct thread *lwkt_create_stopped(void (*fn)(void *), void *arg, int pri, int cpu,
				   const char *name);

/* Free a thread lwkt_create_stopped made that was never scheduled. Thread context. */
void lwkt_destroy_stopped(struct thread *td);

/* Make td runnable on its own hart; any hart, any context (remote via IPIQ). */
void lwkt_schedule(struct thread *td);

/* Remove the current thread from the run queue; caller then calls lwkt_switch.
 * Must be called with interrupts off or in a critical section. */
void lwkt_deschedule_self(void);

/* Run the highest-priority runnable thread on this hart (possibly the caller). */
void lwkt_switch(void);
/* Block and run ntd (stopped, just handed work) in our place if it is the most urgent
 * thread here, else schedule it and switch as usual (lwkt_thread.c). Interrupts off. */
bool lwkt_handoff(struct thread *ntd);	/* true: ntd got the hart directly */

/* Block: take the current thread off the run queue and switch (lwkt_switch). The caller
 * has arranged its own wakeup; interrupts off, in a critical section. */
void lwkt_block_switch(void);

/* Go to the back of this priority level and switch. */
void lwkt_yield(void);

/* End the current thread; its stack is freed once another thread runs. */
void lwkt_exit(void) __noreturn;

/* Raise thread td (id, on hart cpu) to at least pri, on its hart. td may have exited
 * meanwhile: it is found by id among the live threads first. Thread context, no
 * spinlock held (may send an IPI). Priority inheritance at send time. */
void lwkt_boost(struct thread *td, uint32_t id, int cpu, int pri);
/* Is td (maybe a stale pointer, only compared) still the live thread `id`? Run it on
 * td's hart with interrupts off for the answer to hold: a thread is reaped there. */
bool lwkt_thread_alive(struct thread *td, uint32_t id);
/* Set the priority of td, a thread of this hart, run queue and all. Interrupts off.
 * This is the message-passing level (td_msgpri): td still runs at no less than what
 * it inherits through mutexes (td_mtxpri). */
void lwkt_setpri_local(struct thread *td, int pri);
/* Set td's run priority itself (td_pri) to pri: lwkt_setpri_local and sync.c. td's
 * hart, interrupts off. */
void lwkt_setrunpri_local(struct thread *td, int pri);
/* The same for a thread of this hart that is on no run queue (stopped). */
static inline void lwkt_setpri_stopped(struct thread *td, int pri)
{
	td->td_msgpri = pri;
	td->td_pri = pri > td->td_mtxpri ? pri : td->td_mtxpri;
}

/* Move the current thread to hart rgd and return there (DragonFly's lwkt_setcpu_self).
 * Thread context, no spinlock held, not in a critical section. Returns false, having
 * stayed, if the thread is being killed (it ends at its return to user mode). The
 * caller must not use a globaldata pointer it read before the call. */
bool lwkt_setcpu_self(struct globaldata *rgd);

/* Block the current thread for at least `ticks` timer ticks (thread context). */
void lwkt_sleep(uint64_t ticks);

/* Scheduler hooks for the arch layer. */
void lwkt_tick(void);			/* timer interrupt: wake sleepers, time slices */
void lwkt_init_hart(struct globaldata *gd, void *boot_stack, size_t boot_stack_size);
void lwkt_idle_loop(void) __noreturn;
uint32_t lwkt_thread_count(void);
void lwkt_dump_threads(void);		/* quiescent points only */

/* switch.S */
void cpu_switch(uintptr_t *save_sp, uintptr_t new_sp);
void lwkt_trampoline(void);

#endif
