/*
 * Spinlocks for cross-hart structures (console, page pool, channels).
 *
 * Test-and-test-and-set, not ticket locks: under QEMU a hart is a host thread,
 * and with more harts than host cores a FIFO ticket lock convoys. Each hand-off
 * waits for the host to schedule the one vCPU whose turn it is (seen as a
 * user-mode message storm crawling at ~4 ms per lock hand-off). With TTAS
 * whichever waiter is running takes the lock. Critical sections are short, so
 * the lost fairness costs little.
 */
#ifndef SKIMMER_SPINLOCK_H
#define SKIMMER_SPINLOCK_H

#include <skimmer/types.h>
#include <arch/cpu.h>

struct spinlock {
	uint32_t sl_locked;	/* 0 free, 1 held */
	uint32_t sl_spins;	/* contended acquisitions (statistics, racy) */
	const char *sl_name;
	void *sl_holder_pc;	/* debugging: where the holder took it (gdb) */
	void *sl_holder_cpu;	/* and on which hart (its globaldata) */
};

#define SPINLOCK_INIT(name) { 0, 0, name, NULL, NULL }

static inline bool spin_trylock(struct spinlock *l)
{
	if (__atomic_exchange_n(&l->sl_locked, 1, __ATOMIC_ACQUIRE))
		return false;
	l->sl_holder_pc = __builtin_return_address(0);
	l->sl_holder_cpu = arch_mycpu();
	return true;
}

static inline __attribute__((always_inline)) void spin_lock(struct spinlock *l)
{
	if (likely(!__atomic_exchange_n(&l->sl_locked, 1, __ATOMIC_ACQUIRE)))
		goto got;
	l->sl_spins++;
	do {
		while (__atomic_load_n(&l->sl_locked, __ATOMIC_RELAXED))
			cpu_relax();
	} while (__atomic_exchange_n(&l->sl_locked, 1, __ATOMIC_ACQUIRE));
got:
	l->sl_holder_pc = __builtin_return_address(0);
	l->sl_holder_cpu = arch_mycpu();
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->sl_locked, 0, __ATOMIC_RELEASE);
}

/* The irqsave forms: the lock may also be taken from trap context on this hart. */
static inline unsigned long spin_lock_irqsave(struct spinlock *l)
{
	unsigned long s = local_irq_save();
	spin_lock(l);
	return s;
}

static inline void spin_unlock_irqrestore(struct spinlock *l, unsigned long s)
{
	spin_unlock(l);
	local_irq_restore(s);
}

#endif
