/* Device interrupts for user drivers: attachments, delivery, masking (kern/intr.c). */
#ifndef SKIMMER_INTR_H
#define SKIMMER_INTR_H

#include <skimmer/types.h>

struct thread;
struct fdt_info;

#define INTR_MAX_ATTACH   128	/* attachments in the whole system */
#define INTR_MAX_PER_SRC  8	/* attachments to one source */

/* Boot hart, paging on, before the other harts start: the source table. */
void intr_init(void);

/* The trap handler's part (arch plic_intr), on the hart whose context claimed irq,
 * interrupts off, before it completes irq: mask the source and queue its delivery to
 * thread context on this hart. Takes no lock. */
void intr_handle(uint32_t irq);

/* Post a SIGEV_INTR to thread td (whose id is id; td may be gone: checked by id on its
 * hart): wake it from InterruptWait, or make its next InterruptWait return at once. Any
 * hart, any context but an interrupt handler of td's own hart... (see intr.c); never
 * blocks. */
void intr_post(struct thread *td, uint32_t id);

/* The thread td ends (proc_thread_exit, td = curthread): its attachments go, and with
 * last (the process's last thread) every attachment of its process. Thread context, no
 * spinlock held. */
void intr_thread_exit(struct thread *td, bool last);

/* For the self-tests: the state of source irq. False if irq is not a source. */
struct intr_info {
	int ii_nattach;		/* attachments */
	int ii_cpu;		/* hart it is enabled on, -1: none */
	int ii_mask;		/* masks the attachments hold */
	uint32_t ii_prio;	/* the PLIC priority register now: 0 masked */
	uint64_t ii_count;	/* interrupts taken since boot */
	int ii_waiting;		/* attached threads blocked in InterruptWait (STATE_INTR) */
};
bool intr_source_info(uint32_t irq, struct intr_info *ii);
/* End the InterruptWait of every thread attached to irq and blocked there with -err, as
 * a signal would (thread_unblock, force false), each on its own hart. Thread context.
 * Returns how many it started ending. */
int intr_unblock_waiters(uint32_t irq, int err);
/* The bench probe: the latest (up to max) instruction counts from a device interrupt's
 * claim to the InterruptWait it ended returning; they are forgotten. Returns how many. */
int intr_probe_take(uint64_t *out, int max);

#endif
