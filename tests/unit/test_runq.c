/* Host tests for the per-hart run queue: strict priority, FIFO levels, bitmap consistency. */
/* SOURCES: kernel/skimmer/kern/runq.c */
#include "test.h"
#include <skimmer/runq.h>
#include <skimmer/thread.h>

static struct thread tds[64];

static void setup(struct runq *rq)
{
	runq_init(rq);
	memset(tds, 0, sizeof tds);
	for (int i = 0; i < 64; i++)
		tds[i].td_id = (uint32_t)i;
}

TEST(empty_queue)
{
	static struct runq rq;
	setup(&rq);
	CHECK(runq_choose(&rq) == NULL);
	CHECK_EQ(runq_top_pri(&rq), -1);
	CHECK_EQ(rq.rq_count, 0);
}

TEST(highest_priority_first_across_words)
{
	static struct runq rq;
	static const int pris[] = { 1, 63, 64, 65, 127, 128, 200, 255, 0, 100 };
	setup(&rq);
	for (int i = 0; i < 10; i++) {
		tds[i].td_pri = pris[i];
		runq_insert_tail(&rq, &tds[i]);
	}
	int expect[] = { 255, 200, 128, 127, 100, 65, 64, 63, 1, 0 };
	for (int i = 0; i < 10; i++) {
		struct thread *td = runq_choose(&rq);
		CHECK(td != NULL);
		if (!td)
			return;
		CHECK_EQ(td->td_pri, expect[i]);
		CHECK_EQ(runq_top_pri(&rq), expect[i]);
		runq_remove(&rq, td);
	}
	CHECK(runq_choose(&rq) == NULL);
	for (int w = 0; w < RUNQ_WORDS; w++)
		CHECK_EQ(rq.rq_bitmap[w], 0);
}

TEST(fifo_within_level_and_rotation)
{
	static struct runq rq;
	setup(&rq);
	for (int i = 0; i < 4; i++) {
		tds[i].td_pri = 50;
		runq_insert_tail(&rq, &tds[i]);
	}
	CHECK(runq_has_peer(&rq, &tds[0]));
	for (int round = 0; round < 8; round++) {	/* round-robin = head to tail */
		struct thread *td = runq_choose(&rq);
		CHECK_EQ(td->td_id, round % 4);
		runq_remove(&rq, td);
		runq_insert_tail(&rq, td);
	}
	runq_remove(&rq, &tds[1]);
	runq_remove(&rq, &tds[2]);
	runq_remove(&rq, &tds[3]);
	CHECK(!runq_has_peer(&rq, &tds[0]));
	runq_insert_head(&rq, &tds[3]);
	CHECK_EQ(runq_choose(&rq)->td_id, 3);
	CHECK_EQ(rq.rq_count, 2);
}

/* Random operations against a simple model: the queue must agree after every step. */
TEST(random_ops_match_model)
{
	static struct runq rq;
	int onq[64] = { 0 };
	long stamp = 0, stamps[64];
	setup(&rq);
	srand(12345);
	for (int step = 0; step < 200000; step++) {
		int i = rand() % 64;
		if (onq[i]) {
			runq_remove(&rq, &tds[i]);
			onq[i] = 0;
		} else {
			tds[i].td_pri = rand() % 4 == 0 ? rand() % 256 : 100 + rand() % 4;
			if (rand() % 2) {
				runq_insert_tail(&rq, &tds[i]);
				stamps[i] = ++stamp;
			} else {
				runq_insert_head(&rq, &tds[i]);
				stamps[i] = -(++stamp);	/* heads go before every tail */
			}
			onq[i] = 1;
		}
		/* model: highest priority; within it, the most recent head insert, else the oldest tail */
		int best = -1;
		for (int k = 0; k < 64; k++) {
			if (!onq[k])
				continue;
			if (best < 0 || tds[k].td_pri > tds[best].td_pri) {
				best = k;
			} else if (tds[k].td_pri == tds[best].td_pri) {
				long a = stamps[k], b = stamps[best];
				bool k_first = (a < 0 && b < 0) ? a < b : (a < 0) ? true : (b < 0) ? false : a < b;
				if (k_first)
					best = k;
			}
		}
		struct thread *td = runq_choose(&rq);
		if (best < 0) {
			CHECK(td == NULL);
		} else {
			CHECK(td == &tds[best]);
			if (td != &tds[best])
				return;
		}
		int count = 0;
		for (int k = 0; k < 64; k++)
			count += onq[k];
		CHECK_EQ(rq.rq_count, count);
		int top = runq_top_pri(&rq), probe = step * 37 % RUNQ_LEVELS;
		CHECK_EQ(runq_any_above(&rq, probe), top > probe);
		if (top >= 0) {
			CHECK(!runq_any_above(&rq, top));
			if (top > 0)
				CHECK(runq_any_above(&rq, top - 1));
		}
	}
}
