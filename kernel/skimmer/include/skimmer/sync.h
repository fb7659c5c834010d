/* Sync objects: mutexes with priority inheritance, condvars and semaphores (kern/sync.c). */
#ifndef SKIMMER_SYNC_H
#define SKIMMER_SYNC_H

#include <skimmer/types.h>
#include <skimmer/list.h>
#include <skimmer/spinlock.h>
#include <skimmer/wait.h>

struct proc;
struct thread;

#define SYNC_HASH      64	/* buckets of a process's sync table */
#define SYNC_MAX       1024	/* kernel sync objects per process (EAGAIN beyond) */
#define SYNC_CHAIN_MAX 8	/* owners a priority boost passes through, at most */

/* A process's kernel sync objects, keyed by the user address of their sync_t. */
struct sync_table {
	struct spinlock st_lock;	/* guards the table, every ksync in it, their waiters,
					 * and the sync fields of the process's threads */
	struct list st_hash[SYNC_HASH];
	int st_count;
};

/* The kernel side of one sync_t: its waiters, and for a contended mutex its owner. */
enum ksync_kind { KS_MUTEX, KS_COND, KS_SEM };
struct ksync {
	uint64_t ks_addr;		/* the sync_t's user address */
	enum ksync_kind ks_kind;
	bool ks_explicit;		/* made by SyncTypeCreate: kept until SyncDestroy */
	bool ks_noinherit;		/* mutex: PTHREAD_PRIO_NONE (_NTO_SYNC_PRIONONE) */
	struct list ks_hlink;		/* on its st_hash chain */
	struct list ks_waiters;		/* struct sync_wait, by priority, FIFO within one */
	struct thread *ks_owner;	/* mutex with waiters: the owner (on its td_owned) */
	struct list ks_olink;		/* on ks_owner->td_owned */
};

/* One thread blocked on a ksync; on its kernel stack. */
struct sync_wait {
	struct twait sw_tw;		/* tw_obj: the ksync; tw_pri: the queue key */
	struct proc *sw_proc;
	int sw_ownpri;			/* the waiter's priority without mutex inheritance */
	bool sw_queued;			/* on ks_waiters (st_lock) */
	bool sw_ownerdead;		/* handed a mutex whose owner ended: EOWNERDEAD */
};

void sync_proc_init(struct proc *p);
/* The last thread of p has ended: free its sync objects. */
void sync_proc_exit(struct proc *p);
/* The current thread ends (proc_thread_exit): the contended mutexes it owns go to their
 * highest waiters, who get EOWNERDEAD. Thread context, no spinlock held. */
void sync_thread_exit(void);
/* Kernel sync objects of p now (tests). */
int sync_count(struct proc *p);
/* td_synchw's work (lwkt_create_stopped sets it up): on td's hart. */
void sync_chain_work(struct hartwork *hw);

#endif
