/* A hart's run queue: one FIFO per priority level and a bitmap of non-empty levels. */
#ifndef SKIMMER_RUNQ_H
#define SKIMMER_RUNQ_H

#include <skimmer/types.h>
#include <skimmer/list.h>

#define RUNQ_LEVELS 256
#define RUNQ_WORDS  (RUNQ_LEVELS / 64)

struct thread;

/* Touched only by the owning hart, with interrupts off (see lwkt_thread.c). */
struct runq {
	uint64_t rq_bitmap[RUNQ_WORDS];	/* bit p set iff rq_queue[p] is non-empty */
	struct list rq_queue[RUNQ_LEVELS];
	uint32_t rq_count;
};

void runq_init(struct runq *rq);
void runq_insert_tail(struct runq *rq, struct thread *td);	/* at td->td_pri */
void runq_insert_head(struct runq *rq, struct thread *td);
void runq_remove(struct runq *rq, struct thread *td);
struct thread *runq_choose(const struct runq *rq);	/* highest level's first, or NULL */
int runq_top_pri(const struct runq *rq);		/* highest non-empty level, -1 if none */
bool runq_has_peer(const struct runq *rq, const struct thread *td); /* another at td's level */

#endif
