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
struct thread *runq_choose(const struct runq *rq);	/* highest level's first, or NULL */
int runq_top_pri(const struct runq *rq);		/* highest non-empty level, -1 if none */
bool runq_has_peer(const struct runq *rq, const struct thread *td); /* another at td's level */

/* The insertions and removal are inline: the scheduler's hot paths make several per
 * switch, and each is a handful of instructions. */
#include <skimmer/thread.h>
#include <skimmer/kern.h>

static inline void runq_mark(struct runq *rq, int pri)
{
	rq->rq_bitmap[pri / 64] |= 1ULL << (pri % 64);
}

static inline void runq_insert_tail(struct runq *rq, struct thread *td)	/* at td->td_pri */
{
	KASSERT(td->td_pri >= 0 && td->td_pri < RUNQ_LEVELS, "pri %d", td->td_pri);
	list_insert_tail(&rq->rq_queue[td->td_pri], &td->td_runq);
	runq_mark(rq, td->td_pri);
	rq->rq_count++;
}

static inline void runq_insert_head(struct runq *rq, struct thread *td)
{
	KASSERT(td->td_pri >= 0 && td->td_pri < RUNQ_LEVELS, "pri %d", td->td_pri);
	list_insert_head(&rq->rq_queue[td->td_pri], &td->td_runq);
	runq_mark(rq, td->td_pri);
	rq->rq_count++;
}

static inline void runq_remove(struct runq *rq, struct thread *td)
{
	int pri = td->td_pri;
	KASSERT(rq->rq_count > 0, "remove from empty runq");
	list_remove(&td->td_runq);
	if (list_empty(&rq->rq_queue[pri]))
		rq->rq_bitmap[pri / 64] &= ~(1ULL << (pri % 64));
	rq->rq_count--;
}

/* Is any level above pri (0..RUNQ_LEVELS-1) non-empty? runq_top_pri(rq) > pri without
 * the search for the highest bit. */
static inline bool runq_any_above(const struct runq *rq, int pri)
{
	_Static_assert(RUNQ_WORDS == 4, "runq_any_above's word cases");
	const uint64_t *bm = rq->rq_bitmap;
	uint64_t above = (bm[pri / 64] >> (pri % 64)) >> 1;
	switch (pri / 64) {		/* the words above pri's, without a loop */
	case 0: above |= bm[1];		/* fall through */
	case 1: above |= bm[2];		/* fall through */
	case 2: above |= bm[3];
	}
	return above != 0;
}

#endif
