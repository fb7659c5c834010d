/*
 * Per-hart run queue. Strict priority between levels (a bitmap finds the highest
 * non-empty level in a few instructions), FIFO within a level. The running thread
 * stays at the head of its level, so round-robin is "move the head to the tail".
 * No locking here: only the owning hart touches its queue, with interrupts off.
 */
#include <skimmer/runq.h>
#include <skimmer/thread.h>
#include <skimmer/kern.h>

void runq_init(struct runq *rq)
{
	for (int i = 0; i < RUNQ_WORDS; i++)
		rq->rq_bitmap[i] = 0;
	for (int i = 0; i < RUNQ_LEVELS; i++)
		list_init(&rq->rq_queue[i]);
	rq->rq_count = 0;
}

/* Index of the highest set bit of a non-zero word. rv64imac has no clz instruction and
 * libgcc's __clzdi2 costs a call and a table; six halving steps are cheaper. */
static inline int fls64(uint64_t x)
{
	int n = 0;
	if (x >> 32) { n += 32; x >>= 32; }
	if (x >> 16) { n += 16; x >>= 16; }
	if (x >> 8) { n += 8; x >>= 8; }
	if (x >> 4) { n += 4; x >>= 4; }
	if (x >> 2) { n += 2; x >>= 2; }
	if (x >> 1) { n += 1; }
	return n;
}

int runq_top_pri(const struct runq *rq)
{
	for (int w = RUNQ_WORDS - 1; w >= 0; w--)
		if (rq->rq_bitmap[w])
			return w * 64 + fls64(rq->rq_bitmap[w]);
	return -1;
}

struct thread *runq_choose(const struct runq *rq)
{
	int pri = runq_top_pri(rq);
	if (pri < 0)
		return NULL;
	return list_entry(rq->rq_queue[pri].next, struct thread, td_runq);
}

bool runq_has_peer(const struct runq *rq, const struct thread *td)
{
	const struct list *q = &rq->rq_queue[td->td_pri];
	return !list_empty(q) && q->next != q->prev;
}
