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

/* p_how: why the process ended */
#define PEXIT_NORMAL 0		/* its last thread called ThreadDestroy; p_status is its value */
#define PEXIT_FAULT  1		/* killed by a fault; p_status is scause */

struct proc {
	uint32_t p_pid;
	char p_name[32];
	struct pmap p_pmap;
	uint64_t p_entry;
	long p_arg;			/* main's argument */
	int p_nthreads;			/* live threads (atomic) */
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

/* The current user thread ends (ThreadDestroy, or a fatal fault). Never returns. */
void proc_thread_exit(int how, long status) __noreturn;

#endif
