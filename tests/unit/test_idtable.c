/* Host tests for generation-tagged id tables. */
/* SOURCES: kernel/skimmer/kern/idtable.c kernel/skimmer/kern/page.c kernel/skimmer/kern/kmalloc.c */
#include "test.h"
#include <skimmer/idtable.h>
#include <skimmer/kmem.h>

static void heap_setup(void)
{
	static int done;
	if (!done) {
		static char pool[4 << 20] __attribute__((aligned(1 << 22)));
		page_add_region((uintptr_t)pool, (uintptr_t)pool + sizeof pool);
		done = 1;
	}
}

static int objs[5000];

static void count_obj(void *obj, int id, void *arg)
{
	(*(int *)arg)++;
	CHECK(obj != NULL && id > 0);
}

TEST(lowest_free_index_from_minimum)
{
	struct idtable t;
	heap_setup();
	idtable_init(&t, 1024);
	int a = idtable_alloc(&t, &objs[0], 1), b = idtable_alloc(&t, &objs[1], 1);
	int c = idtable_alloc(&t, &objs[2], 10);
	CHECK_EQ(a & IDT_MAX_INDEX, 1);
	CHECK_EQ(b & IDT_MAX_INDEX, 2);
	CHECK_EQ(c & IDT_MAX_INDEX, 10);
	CHECK(idtable_lookup(&t, b) == &objs[1]);
	CHECK(idtable_remove(&t, a) == &objs[0]);
	int d = idtable_alloc(&t, &objs[3], 1);
	CHECK_EQ(d & IDT_MAX_INDEX, 1);		/* slot reused ... */
	CHECK(d != a);				/* ... under a new generation */
	CHECK(idtable_lookup(&t, a) == NULL);	/* the stale id fails */
	CHECK(idtable_remove(&t, a) == NULL);
	CHECK(idtable_lookup(&t, d) == &objs[3]);
	idtable_remove(&t, b);
	idtable_remove(&t, c);
	idtable_remove(&t, d);
	idtable_fini(&t);
}

TEST(bad_ids_fail)
{
	struct idtable t;
	heap_setup();
	idtable_init(&t, 64);
	int a = idtable_alloc(&t, &objs[0], 1);
	CHECK(idtable_lookup(&t, 0) == NULL);
	CHECK(idtable_lookup(&t, -1) == NULL);
	CHECK(idtable_lookup(&t, a + 1) == NULL);
	CHECK(idtable_lookup(&t, a + (1 << IDT_INDEX_BITS)) == NULL);	/* wrong generation */
	CHECK(idtable_lookup(&t, 0x7fffffff) == NULL);
	idtable_remove(&t, a);
	idtable_fini(&t);
}

TEST(fills_up_then_eagain)
{
	struct idtable t;
	heap_setup();
	idtable_init(&t, 100);
	int n = 0;
	while (idtable_alloc(&t, &objs[n], 1) > 0)
		n++;
	CHECK_EQ(n, 99);			/* indexes 1..99 */
	CHECK_EQ(idtable_alloc(&t, &objs[0], 1), -11);	/* EAGAIN */
	int count = 0;
	idtable_drain(&t, count_obj, &count);
	CHECK_EQ(count, 99);
	CHECK_EQ(t.it_count, 0);
	idtable_fini(&t);
	CHECK_EQ(kmalloc_live(), 0);
}

/* Many alloc/free cycles on one slot: an id never comes back while its slot lives on. */
TEST(stale_ids_never_alias_in_churn)
{
	struct idtable t;
	heap_setup();
	idtable_init(&t, 16);
	int first = idtable_alloc(&t, &objs[0], 1);
	idtable_remove(&t, first);
	int repeats = 0;
	for (int i = 0; i < 100000; i++) {
		int id = idtable_alloc(&t, &objs[1], 1);
		repeats += id == first;
		CHECK(idtable_lookup(&t, first) == NULL || id == first);
		idtable_remove(&t, id);
	}
	CHECK_EQ(repeats, 0);	/* 100000 < 2^18 generations */
	idtable_fini(&t);
}

static bool take_first(void *obj)
{
	return obj == &objs[0];
}

TEST(conditional_lookup_remove_and_find_next)
{
	struct idtable t;
	heap_setup();
	idtable_init(&t, 64);
	int a = idtable_alloc(&t, &objs[0], 1), b = idtable_alloc(&t, &objs[1], 1);
	int c = idtable_alloc(&t, &objs[0], 1);
	CHECK(idtable_lookup_if(&t, a, take_first) == &objs[0]);
	CHECK(idtable_lookup_if(&t, b, take_first) == NULL);	/* take said no */
	CHECK(idtable_remove_if(&t, b, take_first) == NULL);
	CHECK(idtable_lookup(&t, b) == &objs[1]);		/* and it stayed */
	uint32_t i = 0;
	CHECK_EQ(idtable_find_next(&t, &objs[0], &i), a);
	CHECK_EQ(idtable_find_next(&t, &objs[0], &i), c);
	CHECK_EQ(idtable_find_next(&t, &objs[0], &i), 0);
	CHECK_EQ(idtable_find_next(&t, &objs[0], &i), 0);	/* stays at the end */
	CHECK(idtable_remove_if(&t, a, take_first) == &objs[0]);
	CHECK(idtable_lookup_if(&t, a, take_first) == NULL);	/* stale now */
	idtable_remove(&t, b);
	idtable_remove(&t, c);
	idtable_fini(&t);
}

/* Tagged ids (rcvids): next fit, fresh slots first up to `keep`, and the tag outlives
 * the id until its slot is used again. */
TEST(tagged_ids_keep_their_tag_until_reuse)
{
	struct idtable t;
	uint32_t tag;
	heap_setup();
	idtable_init(&t, 4096);
	int first = idtable_alloc_tagged(&t, &objs[0], 100, 64);
	CHECK_EQ(first & IDT_MAX_INDEX, 1);
	CHECK(idtable_remove(&t, first) == &objs[0]);
	CHECK(idtable_lookup(&t, first) == NULL);		/* no longer live ... */
	CHECK(idtable_tag(&t, first, &tag) && tag == 100);	/* ... but still tagged */
	/* One id at a time, 62 more: each takes a fresh slot, none reuses slot 1. */
	for (int i = 1; i < 63; i++) {
		int id = idtable_alloc_tagged(&t, &objs[i], 100 + (uint32_t)i, 64);
		CHECK_EQ(id & IDT_MAX_INDEX, i + 1);
		idtable_remove(&t, id);
	}
	CHECK(idtable_tag(&t, first, &tag) && tag == 100);
	/* Past `keep`, slots come round again in turn: slot 1 first, and its old tag goes. */
	int again = idtable_alloc_tagged(&t, &objs[70], 7, 64);
	CHECK_EQ(again & IDT_MAX_INDEX, 1);
	CHECK(again != first);
	CHECK(!idtable_tag(&t, first, &tag));
	CHECK(idtable_tag(&t, again, &tag) && tag == 7);
	/* A live slot is skipped by the cursor. */
	int next = idtable_alloc_tagged(&t, &objs[71], 8, 64);
	CHECK_EQ(next & IDT_MAX_INDEX, 2);
	CHECK(!idtable_tag(&t, 0, &tag) && !idtable_tag(&t, -5, &tag) && !idtable_tag(&t, 4095, &tag));
	idtable_remove(&t, again);
	idtable_remove(&t, next);
	idtable_fini(&t);
}

TEST(tagged_ids_grow_when_every_slot_is_live)
{
	struct idtable t;
	heap_setup();
	idtable_init(&t, 64);
	int ids[63];
	for (int i = 0; i < 63; i++)
		ids[i] = idtable_alloc_tagged(&t, &objs[i], (uint32_t)i, 16);
	for (int i = 0; i < 63; i++)
		CHECK_EQ(ids[i] & IDT_MAX_INDEX, i + 1);	/* all distinct, table grew */
	CHECK_EQ(idtable_alloc_tagged(&t, &objs[99], 0, 16), -11);	/* EAGAIN: it_max reached */
	idtable_remove(&t, ids[40]);
	int id = idtable_alloc_tagged(&t, &objs[99], 0, 16);
	CHECK_EQ(id & IDT_MAX_INDEX, 41);		/* the one free slot */
	idtable_remove(&t, id);
	for (int i = 0; i < 63; i++)
		if (i != 40)
			idtable_remove(&t, ids[i]);
	idtable_fini(&t);
}
