/* libc's internal mutexes and picolibc's retargetable locks (malloc, stdio), on sync_t. */
/*
 * A lock is a sync_t mutex (sys/neutrino.h): __owner holds the owner's tid, so the
 * uncontended lock is one compare-and-swap 0 -> tid and the unlock tid -> 0; only a
 * failed swap (held, or waiters queued) enters the kernel. A statically initialised
 * mutex (_NTO_SYNC_INITIALIZER) is taken with one swap too. Recursive locks count
 * re-locks by their owner in __count, without the kernel.
 */
#include <stdlib.h>
#include <sys/lock.h>
#include "libc.h"

static int cas(unsigned *w, unsigned old, unsigned new)
{
	return __atomic_compare_exchange_n(w, &old, new, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/* Lock m (a mutex); recursive: count a re-lock by the owner. 0, or an errno (EDEADLK a
 * non-recursive re-lock, EINVAL, EOWNERDEAD: ours, its old owner ended). */
int __libc_mutex_lock(sync_t *m, int recursive)
{
	unsigned me = (unsigned)__libc_tid();
	if (cas(&m->__owner, 0, me) || cas(&m->__owner, _NTO_SYNC_INITIALIZER, me))
		return 0;
	if ((__atomic_load_n(&m->__owner, __ATOMIC_RELAXED) & _NTO_SYNC_OWNER_MASK) == me) {
		if (!recursive)
			return EDEADLK;
		m->__count++;
		return 0;
	}
	return -SyncMutexLock_r(m);
}

/* Unlock m; recursive: undo one re-lock first. 0 or EPERM (not ours). */
int __libc_mutex_unlock(sync_t *m, int recursive)
{
	unsigned me = (unsigned)__libc_tid();
	unsigned v = __atomic_load_n(&m->__owner, __ATOMIC_RELAXED);
	if ((v & _NTO_SYNC_OWNER_MASK) != me)
		return EPERM;
	if (recursive && (m->__count & _NTO_SYNC_COUNTMASK)) {
		m->__count--;
		return 0;
	}
	unsigned old = me;
	if (__atomic_compare_exchange_n(&m->__owner, &old, 0, 0, __ATOMIC_RELEASE,
					__ATOMIC_RELAXED))
		return 0;
	return -SyncMutexUnlock_r(m);	/* waiters: the kernel hands it on */
}

void __libc_lock(sync_t *m)
{
	int e = __libc_mutex_lock(m, 0);
	(void)e;			/* EOWNERDEAD: ours all the same */
}

void __libc_unlock(sync_t *m)
{
	__libc_mutex_unlock(m, 0);
}

/* --- picolibc's retargetable locks (sys/lock.h) ------------------------------------------ */
struct __lock {
	sync_t	l_m;
};

struct __lock __lock___libc_recursive_mutex = { LIBC_LOCK_INIT };

void __retarget_lock_init(_LOCK_T *lock)
{
	struct __lock *l = malloc(sizeof *l);
	if (l)
		l->l_m = (sync_t)LIBC_LOCK_INIT;
	*lock = l;		/* NULL (no memory): the stream goes unlocked */
}

void __retarget_lock_init_recursive(_LOCK_T *lock)
{
	__retarget_lock_init(lock);
}

void __retarget_lock_close(_LOCK_T lock)
{
	free(lock);
}

void __retarget_lock_close_recursive(_LOCK_T lock)
{
	free(lock);
}

void __retarget_lock_acquire(_LOCK_T lock)
{
	if (lock)
		__libc_mutex_lock(&lock->l_m, 0);
}

void __retarget_lock_acquire_recursive(_LOCK_T lock)
{
	if (lock)
		__libc_mutex_lock(&lock->l_m, 1);
}

int __retarget_lock_try_acquire(_LOCK_T lock)
{
	unsigned me = (unsigned)__libc_tid();
	if (lock == NULL)
		return 1;
	return cas(&lock->l_m.__owner, 0, me) || cas(&lock->l_m.__owner, _NTO_SYNC_INITIALIZER, me);
}

int __retarget_lock_try_acquire_recursive(_LOCK_T lock)
{
	if (lock && (lock->l_m.__owner & _NTO_SYNC_OWNER_MASK) == (unsigned)__libc_tid()) {
		lock->l_m.__count++;
		return 1;
	}
	return __retarget_lock_try_acquire(lock);
}

void __retarget_lock_release(_LOCK_T lock)
{
	if (lock)
		__libc_mutex_unlock(&lock->l_m, 0);
}

void __retarget_lock_release_recursive(_LOCK_T lock)
{
	if (lock)
		__libc_mutex_unlock(&lock->l_m, 1);
}
