/* Host tests for the IPIQ single-producer single-consumer ring (kernel ipiq.h). */
/* SOURCES: */
#include "test.h"
#include <pthread.h>
#include <skimmer/ipiq.h>

static uint64_t seen_next;	/* consumer: next sequence number expected */
static uint64_t seen_bad;

static void consume(void *a, void *b)
{
	uint64_t seq = (uint64_t)(uintptr_t)a;
	if (seq != seen_next || (uintptr_t)b != (uintptr_t)(seq ^ 0x5a5a))
		seen_bad++;
	seen_next = seq + 1;
}

TEST(empty_ring_drains_nothing)
{
	static struct ipiq q;
	CHECK_EQ(ipiq_ring_drain(&q), 0);
	CHECK_EQ(ipiq_ring_count(&q), 0);
}

TEST(fills_to_capacity_then_refuses)
{
	static struct ipiq q;
	seen_next = 0;
	seen_bad = 0;
	for (uint64_t i = 0; i < IPIQ_SIZE; i++)
		CHECK(ipiq_ring_put(&q, consume, (void *)(uintptr_t)i, (void *)(uintptr_t)(i ^ 0x5a5a)));
	CHECK_EQ(ipiq_ring_count(&q), IPIQ_SIZE);
	CHECK(!ipiq_ring_put(&q, consume, 0, 0));	/* full: nothing overwritten */
	CHECK_EQ(ipiq_ring_drain(&q), IPIQ_SIZE);
	CHECK_EQ(seen_next, IPIQ_SIZE);
	CHECK_EQ(seen_bad, 0);
	CHECK(ipiq_ring_put(&q, consume, (void *)(uintptr_t)IPIQ_SIZE,
			    (void *)(uintptr_t)(IPIQ_SIZE ^ 0x5a5a)));
	CHECK_EQ(ipiq_ring_drain(&q), 1);
}

TEST(indices_wrap_around_32_bits)
{
	static struct ipiq q;
	q.iq_windex = q.iq_rindex = 0xfffffff0u;	/* close to the 32-bit wrap */
	seen_next = 0;
	seen_bad = 0;
	for (uint64_t i = 0; i < 64; i++) {
		CHECK(ipiq_ring_put(&q, consume, (void *)(uintptr_t)i, (void *)(uintptr_t)(i ^ 0x5a5a)));
		if (i % 3 == 2)
			ipiq_ring_drain(&q);
	}
	ipiq_ring_drain(&q);
	CHECK_EQ(seen_next, 64);
	CHECK_EQ(seen_bad, 0);
	CHECK_EQ(ipiq_ring_count(&q), 0);
}

/* An entry may itself queue more work on another ring (remote functions send IPIQs). */
static struct ipiq chain_q2;
static int chained;
static void chain_second(void *a, void *b) { chained++; }
static void chain_first(void *a, void *b)
{
	CHECK(ipiq_ring_put(&chain_q2, chain_second, 0, 0));
}

TEST(entry_may_send_more)
{
	static struct ipiq q;
	CHECK(ipiq_ring_put(&q, chain_first, 0, 0));
	CHECK_EQ(ipiq_ring_drain(&q), 1);
	CHECK_EQ(ipiq_ring_drain(&chain_q2), 1);
	CHECK_EQ(chained, 1);
}

/* Real concurrency: one producer thread, one consumer thread, two million entries. */
#define NMSG 2000000
static struct ipiq conc_q;
static volatile int producer_done;

static void *producer(void *arg)
{
	for (uint64_t i = 0; i < NMSG; i++)
		while (!ipiq_ring_put(&conc_q, consume, (void *)(uintptr_t)i,
				      (void *)(uintptr_t)(i ^ 0x5a5a)))
			;
	__atomic_store_n(&producer_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

TEST(concurrent_producer_consumer_keeps_order)
{
	pthread_t t;
	seen_next = 0;
	seen_bad = 0;
	pthread_create(&t, NULL, producer, NULL);
	while (!__atomic_load_n(&producer_done, __ATOMIC_ACQUIRE) || ipiq_ring_count(&conc_q))
		ipiq_ring_drain(&conc_q);
	pthread_join(t, NULL);
	ipiq_ring_drain(&conc_q);
	CHECK_EQ(seen_next, NMSG);
	CHECK_EQ(seen_bad, 0);
}
