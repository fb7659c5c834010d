/* LWKT threads: per-hart scheduling, critical sections, the thread API. */
#ifndef SKIMMER_THREAD_H
#define SKIMMER_THREAD_H

#include <skimmer/types.h>
#include <skimmer/list.h>
#include <skimmer/msgport.h>

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
#define TDF_TMO      0x0400	/* a TimerTimeout is armed (td_tmo; kern/timeout.c): the
				 * message fast paths miss, the kernel-call return clears it */

#define TD_STACK_CANARY 0x5ca1ab1edeadc0deULL

struct globaldata;
struct proc;
struct ipc_wait;
struct twait;
struct fpstate;
struct tmo;

struct thread {
	uintptr_t td_sp;		/* saved sp while switched out (switch.S uses offset 0) */
	struct globaldata *td_gd;	/* the hart that owns and runs this thread; never changes */
	int td_critcount;		/* > 0: no preemption; >= 1 across every cpu_switch */
	uint32_t td_flags;		/* TDF_* */
	int td_pri;			/* current priority, 0..255 */
	int td_basepri;			/* priority without inheritance */
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
	void (*td_reapfn)(struct thread *); /* called when the exited thread is reaped */
	struct fpstate *td_fpu;		/* FP save area (arch): allocated on first FP use, freed
					 * by the reaper; NULL for threads that never used FP */
	struct list td_allq;		/* on the global thread list (all_threads_lock) */
	struct tmo *td_tmo;		/* TimerTimeout state: allocated by its first call, freed
					 * by the reaper; its hart only, interrupts off */
	char td_name[24];
};

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
/* Set the priority of td, a thread of this hart, run queue and all. Interrupts off. */
void lwkt_setpri_local(struct thread *td, int pri);

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
