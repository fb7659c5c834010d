/* Processes: an address space, its threads, and how its end is reported. */
#ifndef SKIMMER_PROC_H
#define SKIMMER_PROC_H

#include <skimmer/types.h>
#include <skimmer/msgport.h>
#include <skimmer/idtable.h>
#include <skimmer/spinlock.h>
#include <arch/pmap.h>
#include <skimmer/sync.h>

struct conn;

#define USER_STACK_PAGES 16
#define USER_STACK_TOP   (USER_VA_HI - PAGE_SIZE)	/* one unmapped guard page above */

/* Threads: at most UTHREAD_MAX at once in a process. Thread stacks are slots of
 * USER_STACK_PAGES below the main thread's (slot 0), an unmapped guard page between
 * neighbours; a slot's pages stay mapped for the next thread once its thread ends,
 * and are freed with the address space. Program segments must lie below them all. */
#define UTHREAD_MAX          64
#define USTACK_STRIDE        ((USER_STACK_PAGES + 1) * PAGE_SIZE)
#define USTACK_SLOT_TOP(k)   (USER_STACK_TOP - (uint64_t)(k) * USTACK_STRIDE)
#define USTACK_SLOT_LO(k)    (USTACK_SLOT_TOP(k) - USER_STACK_PAGES * PAGE_SIZE)
#define USER_STACKS_LO       USTACK_SLOT_LO(UTHREAD_MAX - 1)

/* A process keeps at most this many join records (live threads and joinable threads
 * that ended and were not joined yet): ThreadCreate fails EAGAIN past it. */
#define UTHREAD_RECORDS_MAX  1024

/* One per user thread, from ThreadCreate (or proc_spawn) until it is joined, or until it
 * ends detached, or until the process ends (kern/uthread.c). td_proc's p_lock guards it. */
struct tjoin {
	struct list tj_link;		/* on p_joins */
	int tj_tid;
	bool tj_detached;		/* nobody may join it; freed when it has ended */
	bool tj_ended;			/* it has ended: tj_status is its exit value */
	bool tj_busy;			/* a ThreadJoin owns it (EBUSY for another) */
	bool tj_status_set;		/* ThreadDestroy(tid, .., status) named the value */
	uint64_t tj_status;
	struct twait *tj_joiner;	/* the ThreadJoin blocked on it, or NULL */
};

/* p_how: why the process ended */
#define PEXIT_NORMAL 0		/* its last thread called ThreadDestroy; p_status is its value */
#define PEXIT_FAULT  1		/* killed by a fault; p_status is scause */
#define PEXIT_SIGNAL 2		/* killed by a signal's default action; p_status is its number */

struct proc {
	uint32_t p_pid;
	char p_name[32];
	struct pmap p_pmap;
	uint64_t p_entry;
	long p_arg;			/* main's argument */
	uint64_t p_stack_top;		/* the main thread's stack top (its start-up block) */
	uint64_t p_image_hi;		/* the end of the program's last segment */
	int p_nthreads;			/* threads not yet reaped (atomic) */
	int p_how;			/* PEXIT_* */
	long p_status;
	struct lwkt_msg *p_exitmsg;	/* replied when the last thread has been reaped */
	struct list p_link;		/* on the global process list (proc_lock) */
	/* Message passing (kern/msg.c). */
	struct spinlock p_lock;		/* guards p_coids, p_ncoids, p_conns, p_deathch */
	struct idtable p_chids;		/* channels this process owns */
	struct idtable p_rcvids;	/* REPLY-blocked clients of this process's channels */
	struct idtable p_side;		/* side-channel ids (id | _NTO_SIDE_CHANNEL): our
					 * side-channel coids, and the scoids of our
					 * channels' clients (tagged pointers, msg.c) */
	struct conn **p_coids;		/* fd-space connections, index = coid */
	int p_ncoids;
	struct list p_conns;		/* every connection this process holds */
	struct channel *p_deathch;	/* our one COID_DISCONNECT/THREAD_DEATH channel */
	bool p_dead;			/* ended: no new connections to it */
	/* Threads (kern/uthread.c); p_lock guards these: */
	struct list p_threads;		/* threads that have not called proc_thread_exit */
	int p_nlive;			/* their number; the one that takes it to 0 ends us */
	int p_next_tid;			/* tids count up from 1 and are never reused */
	uint64_t p_stack_busy;		/* stack slots in use (bit k: slot k) */
	uint64_t p_stack_mapped;	/* stack slots whose pages are mapped */
	bool p_killed;			/* a fault ends every thread (p_how, p_status set) */
	int p_home_cpu;			/* the main thread's hart; thread n goes n-1 after */
	struct list p_joins;		/* struct tjoin of every thread not yet joined */
	int p_njoins;			/* their number */
	struct spinlock p_vmlock;	/* serialises changes to p_pmap between threads */
	bool p_iopriv;			/* its threads may have I/O privilege (ThreadCtl):
					 * its creator said so (taskman: a root parent) */
	uint64_t p_devwin_used;		/* p_vmlock: bytes of the device window (DEVWIN_LO,
					 * arch/pmap.h) KerMapPhys has handed out */
	struct sync_table p_sync;	/* mutexes, condvars, semaphores (kern/sync.c) */
	/* Signals (kern/signal.c); p_lock guards these too: */
	struct sigacts *p_sigacts;	/* the actions, allocated by the first SignalAction */
	uint64_t p_sigstub;		/* user trampoline that runs handlers (SignalAction) */
	uint64_t p_sigpend;		/* pending for the process (records on p_sigq) */
	struct list p_sigq;		/* struct sigq records, in arrival order */
	int p_nsigq;			/* records queued on p_sigq and all threads' td_sigq */
	struct idtable p_timers;	/* TimerCreate's timers (kern/ptimer.c) */
};

/* The live process with this pid (0: the caller's), or NULL. The caller must hold
 * proc_lock while it uses the result. */
struct proc *proc_find(uint32_t pid);
extern struct spinlock proc_lock;

/*
 * Load the ELF executable `image` into a new address space and start its first
 * thread on `cpu` at priority `pri`, with `arg` as main's argument. When the process has ended and its last
 * thread is gone, `exitmsg` (a message the caller owns, whose reply port is the
 * caller's own port) is replied to; the caller then reads p_how/p_status and
 * calls proc_free. Its threads may ask for I/O privilege (a kernel test program).
 * Thread context. Returns 0 or a positive errno (nothing left behind on failure).
 */
int proc_spawn(const void *image, size_t size, const char *name, int cpu, int pri, long arg,
	       struct lwkt_msg *exitmsg, struct proc **out);
void proc_free(struct proc *p);

/* What proc_create makes: proc_spawn's arguments and more (taskman's KerProcCreate). */
struct proc_spec {
	const void *image;		/* the ELF file */
	size_t size;
	bool user_image;		/* image is in the calling process's memory */
	const char *name;
	int cpu, pri, policy;		/* policy 0: SCHED_RR */
	long arg;			/* main's argument when there is no start-up block */
	uint32_t pid;			/* 0: the next free one */
	uint64_t stack_top;		/* 0: USER_STACK_TOP; else where the block goes */
	const void *startup;		/* copied to stack_top; a0 = its address */
	size_t startup_len;
	bool user_startup;		/* startup is in the calling process's memory */
	int pid_offset;			/* >= 0: store the pid (int32) there in the block */
	uint64_t sigmask, sigignore;
	bool iopriv;			/* its first thread has I/O privilege */
	bool io_allowed;		/* or may ask for it (ThreadCtl); iopriv implies it */
	struct lwkt_msg *exitmsg;	/* replied when the process has ended */
	struct lwkt_port *exitport;	/* NULL: the caller's own port (it waits on exitmsg);
					 * else exitmsg is queued there */
};
/* proc_spawn with every option. Thread context. 0 or a positive errno; nothing is left
 * behind on failure (EFAULT: a user image or block could not be read). */
int proc_create(const struct proc_spec *ps, struct proc **out);
size_t proc_count(void);		/* processes on the list (not yet freed) */

/* The current user thread ends: ThreadDestroy (PEXIT_NORMAL; the last thread's status
 * is the process's), or a fatal fault (PEXIT_FAULT: every other thread of the process
 * is killed too). Never returns. */
void proc_thread_exit(int how, long status) __noreturn;

/* The return to user mode of a thread on a hart with gd_ast set: a killed thread
 * ends here, and signals are delivered (trap.S and trap.c call it). Interrupts off. */
void uthread_ast(void);
/* Part of a new process (proc_spawn): its main thread td, tid 1, on stack slot 0, with
 * its join record tj (allocated by the caller: uthread_record_alloc). */
struct tjoin *uthread_record_alloc(void);
void uthread_proc_init(struct proc *p, struct thread *td, struct tjoin *tj);
/* Start the current (new) user thread in user mode at pc, with stack top `top` (the
 * thread-local storage block goes just below it, and sp below that), a0 = arg,
 * ra = ra, gp = gp (uthread.c). Never returns. */
void uthread_enter_user(uint64_t pc, uint64_t top, uint64_t stacklo, uint64_t arg,
			uint64_t exitfunc, uint64_t gp) __noreturn;

/* Scheduling (kern/sched.c). */
/* The runmask a new thread of the caller's starts with, and the hart it goes to: the
 * first hart in that mask at or after `want` (cyclic). */
int sched_place(struct thread *creator, int want, uint32_t *mask);
/* All online harts, as a runmask. */
uint32_t sched_online_mask(void);
/* ThreadCtl's scheduling commands (runmasks, _NTO_TCTL_QSOE_HART); -EINVAL for others. */
long sched_thread_ctl(int cmd, uint64_t data);

/* Kill every thread of p but the caller, p_how = how, p_status = status (unless p is
 * already being killed). The caller holds proc_lock (taken with spin_lock_irqsave,
 * saved state ps), which keeps p valid: it is released here before the killers start.
 * If the caller is one of p's threads it must end itself afterwards. */
void uthread_kill_process(struct proc *p, int how, long status, unsigned long ps);

#endif
