/* Processes: an address space, its threads, and how its end is reported. */
#ifndef SKIMMER_PROC_H
#define SKIMMER_PROC_H

#include <skimmer/types.h>
#include <skimmer/msgport.h>
#include <arch/pmap.h>

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
	int p_nthreads;			/* live threads (atomic) */
	int p_how;			/* PEXIT_* */
	long p_status;
	struct lwkt_msg *p_exitmsg;	/* replied when the last thread has been reaped */
};

/*
 * Load the ELF executable `image` into a new address space and start its first
 * thread on `cpu` at priority `pri`. When the process has ended and its last
 * thread is gone, `exitmsg` (a message the caller owns, whose reply port is the
 * caller's own port) is replied to; the caller then reads p_how/p_status and
 * calls proc_free. Thread context. Returns 0 or a positive errno (nothing left
 * behind on failure).
 */
int proc_spawn(const void *image, size_t size, const char *name, int cpu, int pri,
	       struct lwkt_msg *exitmsg, struct proc **out);
void proc_free(struct proc *p);

/* The current user thread ends (ThreadDestroy, or a fatal fault). Never returns. */
void proc_thread_exit(int how, long status) __noreturn;

#endif
