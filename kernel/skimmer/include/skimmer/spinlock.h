/* Ticket spinlocks for the few cross-hart structures off the hot path (console, page pool). */
#ifndef SKIMMER_SPINLOCK_H
#define SKIMMER_SPINLOCK_H

#include <skimmer/types.h>
#include <arch/cpu.h>

struct spinlock {
	uint32_t sl_next;	/* next ticket to hand out */
	uint32_t sl_owner;	/* ticket being served */
	const char *sl_name;
};

#define SPINLOCK_INIT(name) { 0, 0, name }

static inline void spin_lock(struct spinlock *l)
{
	uint32_t me = __atomic_fetch_add(&l->sl_next, 1, __ATOMIC_RELAXED);
	while (__atomic_load_n(&l->sl_owner, __ATOMIC_ACQUIRE) != me)
		cpu_relax();
}

static inline bool spin_trylock(struct spinlock *l)
{
	uint32_t owner = __atomic_load_n(&l->sl_owner, __ATOMIC_RELAXED);
	uint32_t expect = owner;
	return __atomic_compare_exchange_n(&l->sl_next, &expect, owner + 1, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->sl_owner, l->sl_owner + 1, __ATOMIC_RELEASE);
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
