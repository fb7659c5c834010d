/*
 * Inter-processor interrupt queues: cross-hart work travels as (function, arg, arg)
 * entries through a single-producer single-consumer ring per ordered hart pair,
 * and a real IPI tells the target to drain its rings.
 */
#ifndef SKIMMER_IPIQ_H
#define SKIMMER_IPIQ_H

#include <skimmer/types.h>
#include <generated/autoconf.h>

#define IPIQ_SIZE CONFIG_IPIQ_SIZE
#define IPIQ_MASK (IPIQ_SIZE - 1)
_Static_assert((IPIQ_SIZE & IPIQ_MASK) == 0, "IPIQ_SIZE must be a power of two");

typedef void (*ipiq_func_t)(void *a, void *b);

struct ipiq_entry {
	ipiq_func_t ie_func;
	void *ie_a;
	void *ie_b;
};

/* One ring: the producer hart writes iq_windex and entries, the consumer iq_rindex. */
struct ipiq {
	uint32_t iq_windex __aligned(64);	/* producer only */
	uint32_t iq_rindex __aligned(64);	/* consumer only */
	struct ipiq_entry iq_ring[IPIQ_SIZE];
};

/* Ring primitives (portable, host-tested). The producer side must not be re-entered
 * on one hart (callers run it with interrupts off). */
static inline bool ipiq_ring_put(struct ipiq *q, ipiq_func_t f, void *a, void *b)
{
	uint32_t w = q->iq_windex;
	uint32_t r = __atomic_load_n(&q->iq_rindex, __ATOMIC_ACQUIRE);
	if (w - r >= IPIQ_SIZE)
		return false;			/* full */
	struct ipiq_entry *e = &q->iq_ring[w & IPIQ_MASK];
	e->ie_func = f;
	e->ie_a = a;
	e->ie_b = b;
	__atomic_store_n(&q->iq_windex, w + 1, __ATOMIC_RELEASE);	/* publish */
	return true;
}

/* Run every entry published so far; returns how many ran. Consumer only. */
static inline int ipiq_ring_drain(struct ipiq *q)
{
	uint32_t r = q->iq_rindex;
	uint32_t w = __atomic_load_n(&q->iq_windex, __ATOMIC_ACQUIRE);
	int n = 0;
	while (r != w) {
		struct ipiq_entry e = q->iq_ring[r & IPIQ_MASK];
		/* Free the slot before running: the function may itself send IPIQs. */
		__atomic_store_n(&q->iq_rindex, ++r, __ATOMIC_RELEASE);
		e.ie_func(e.ie_a, e.ie_b);
		n++;
		if (r == w)
			w = __atomic_load_n(&q->iq_windex, __ATOMIC_ACQUIRE);
	}
	return n;
}

static inline uint32_t ipiq_ring_count(const struct ipiq *q)
{
	return __atomic_load_n(&q->iq_windex, __ATOMIC_ACQUIRE) -
	       __atomic_load_n(&q->iq_rindex, __ATOMIC_ACQUIRE);
}

struct globaldata;
void ipiq_init(int ncpus);
/* Run f(a, b) on target's hart (in its IPI handler). Any context; if the ring is
 * full, spins while draining this hart's own incoming rings (no deadlock). */
void ipiq_send(struct globaldata *target, ipiq_func_t f, void *a, void *b);
/* Drain all rings aimed at this hart. Interrupts off (IPI handler or a spinning sender). */
int ipiq_process(void);

#endif
