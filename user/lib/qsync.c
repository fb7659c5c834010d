/*
 * User-side sync objects until libc: the mutex fast paths and thin wrappers over the
 * Sync* kernel calls (kern/sync.c has the design).
 *
 * A mutex's __owner is its owner's tid (0: free) with _NTO_SYNC_WAITING set while the
 * kernel has waiters. Lock: one compare-and-swap 0 -> tid (lr.w/sc.w); unlock: tid -> 0.
 * Only when a swap fails (held by another thread, or waiters to hand it to) does a call
 * go to the kernel. A recursive mutex counts its re-locks in __count, without the kernel.
 */
#include "qsync.h"
#include "qsys.h"

int qs_self(void)
{
	return __tls()->__tid;		/* the kernel writes it into the thread's TLS block */
}

static int cas(unsigned *w, unsigned old, unsigned new)
{
	return __atomic_compare_exchange_n(w, &old, new, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

int qs_mutex_init(sync_t *m, int protocol, int recursive)
{
	struct _sync_attr at = { 0 };
	at.__protocol = protocol;
	at.__flags = recursive ? 0 : (int)_NTO_SYNC_NONRECURSIVE;
	return -SyncTypeCreate_r(_NTO_SYNC_MUTEX_FREE, m, &at);
}

int qs_mutex_lock(sync_t *m)
{
	unsigned me = (unsigned)qs_self();
	if (cas(&m->__owner, 0, me))
		return 0;
	if ((__atomic_load_n(&m->__owner, __ATOMIC_RELAXED) & _NTO_SYNC_OWNER_MASK) == me) {
		if (m->__count & _NTO_SYNC_NONRECURSIVE)
			return EDEADLK;
		m->__count++;
		return 0;
	}
	return -SyncMutexLock_r(m);
}

int qs_mutex_trylock(sync_t *m)
{
	unsigned me = (unsigned)qs_self();
	if (cas(&m->__owner, 0, me))
		return 0;
	if ((__atomic_load_n(&m->__owner, __ATOMIC_RELAXED) & _NTO_SYNC_OWNER_MASK) == me &&
	    !(m->__count & _NTO_SYNC_NONRECURSIVE)) {
		m->__count++;
		return 0;
	}
	return EBUSY;
}

int qs_mutex_unlock(sync_t *m)
{
	unsigned me = (unsigned)qs_self();
	unsigned v = __atomic_load_n(&m->__owner, __ATOMIC_RELAXED);
	if ((v & _NTO_SYNC_OWNER_MASK) == me && (m->__count & _NTO_SYNC_COUNTMASK) &&
	    !(m->__count & _NTO_SYNC_NONRECURSIVE)) {
		m->__count--;
		return 0;
	}
	unsigned old = me;
	if (__atomic_compare_exchange_n(&m->__owner, &old, 0, 0, __ATOMIC_RELEASE, __ATOMIC_RELAXED))
		return 0;
	return -SyncMutexUnlock_r(m);	/* waiters to hand it to, or not ours (EPERM) */
}

int qs_mutex_destroy(sync_t *m)
{
	return -SyncDestroy_r(m);
}

int qs_cond_init(sync_t *c)
{
	return -SyncTypeCreate_r(_NTO_SYNC_COND, c, NULL);
}

int qs_cond_wait(sync_t *c, sync_t *m)
{
	return -SyncCondvarWait_r(c, m);
}

int qs_cond_signal(sync_t *c)
{
	return -SyncCondvarSignal_r(c, 0);
}

int qs_cond_broadcast(sync_t *c)
{
	return -SyncCondvarSignal_r(c, 1);
}

int qs_sem_init(sync_t *s, unsigned value)
{
	s->__count = (int)value;
	return -SyncTypeCreate_r(_NTO_SYNC_SEM, s, NULL);
}

int qs_sem_wait(sync_t *s)
{
	return -SyncSemWait_r(s, 0);
}

int qs_sem_trywait(sync_t *s)
{
	return -SyncSemWait_r(s, 1);
}

int qs_sem_post(sync_t *s)
{
	return -SyncSemPost_r(s);
}

int qs_thread_create_pri(void *(*func)(void *), void *arg, int pri)
{
	struct _thread_attr attr = { 0 };
	attr.__exitfunc = qs_thread_exit;
	if (pri) {
		attr.__flags = 0x2;	/* PTHREAD_EXPLICIT_SCHED */
		attr.__policy = SCHED_RR;	/* equal priorities share the hart by slices */
		attr.__priority = pri;
	}
	return ThreadCreate_r(0, func, arg, &attr);
}
