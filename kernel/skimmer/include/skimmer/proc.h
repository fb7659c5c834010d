/* Processes: an address space, its threads, and how its end is reported. */
#ifndef SKIMMER_PROC_H
#define SKIMMER_PROC_H

#include <skimmer/types.h>
#include <skimmer/msgport.h>
#include <skimmer/idtable.h>
#include <skimmer/spinlock.h>
#include <arch/pmap.h>

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

/* p_how: why the process ended */
#define PEXIT_NORMAL 0		/* its last thread called ThreadDestroy; p_status is its value */
#define PEXIT_FAULT  1		/* killed by a fault; p_status is scause */

struct proc {
	uint32_t p_pid;
	char p_name[32];
	struct pmap p_pmap;
	uint64_t p_entry;
	long p_arg;			/* main's argument */
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
	struct spinlock p_vmlock;	/* serialises changes to p_pmap between threads */
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
 * calls proc_free. Thread context. Returns 0 or a positive errno (nothing left
 * behind on failure).
 */
int proc_spawn(const void *image, size_t size, const char *name, int cpu, int pri, long arg,
	       struct lwkt_msg *exitmsg, struct proc **out);
void proc_free(struct proc *p);

/* The current user thread ends: ThreadDestroy (PEXIT_NORMAL; the last thread's status
 * is the process's), or a fatal fault (PEXIT_FAULT: every other thread of the process
 * is killed too). Never returns. */
void proc_thread_exit(int how, long status) __noreturn;

/* The return to user mode of a thread on a hart with gd_ast set: a killed thread
 * ends here (trap.S and trap.c call it). */
void uthread_ast(void);
/* Part of a new process (proc_spawn): its main thread td, tid 1, on stack slot 0. */
void uthread_proc_init(struct proc *p, struct thread *td);

#endif
