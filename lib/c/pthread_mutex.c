/* pthread mutexes and condvars: sync_t objects, fast paths in user mode (lock.c), waits in the kernel. */
/*
 * The mutex type lives in the sync_t's __count flags, as the kernel reads them:
 * _NTO_SYNC_NONRECURSIVE for NORMAL and ERRORCHECK (both report a re-lock by the
 * owner with EDEADLK rather than hang), none for RECURSIVE (the count in __count).
 * A statically initialised mutex is ERRORCHECK (PTHREAD_MUTEX_INITIALIZER) or
 * RECURSIVE (PTHREAD_RECURSIVE_MUTEX_INITIALIZER).
 */
#include <pthread.h>
#include <time.h>
#include "libc.h"

int __libc_mutex_lock(sync_t *m, int recursive);
int __libc_mutex_unlock(sync_t *m, int recursive);

static int recursive(const pthread_mutex_t *m)
{
	return !(m->__count & _NTO_SYNC_NONRECURSIVE);
}

static int is_mutex(const pthread_mutex_t *m)
{
	unsigned v = m->__owner;
	return v == _NTO_SYNC_INITIALIZER || (v & _NTO_SYNC_OWNER_MASK) < 0x7ffffff0u;
}

int pthread_mutexattr_init(pthread_mutexattr_t *attr)
{
	if (attr == NULL)
		return EINVAL;
	attr->__type = PTHREAD_MUTEX_DEFAULT;
	attr->__protocol = PTHREAD_PRIO_INHERIT;
	attr->__pshared = PTHREAD_PROCESS_PRIVATE;
	return 0;
}

int pthread_mutexattr_destroy(pthread_mutexattr_t *attr)
{
	return attr ? 0 : EINVAL;
}

int pthread_mutexattr_settype(pthread_mutexattr_t *attr, int type)
{
	if (attr == NULL || type < PTHREAD_MUTEX_NORMAL || type > PTHREAD_MUTEX_RECURSIVE)
		return EINVAL;
	attr->__type = type;
	return 0;
}

int pthread_mutexattr_gettype(const pthread_mutexattr_t *attr, int *type)
{
	if (attr == NULL || type == NULL)
		return EINVAL;
	*type = attr->__type;
	return 0;
}

int pthread_mutexattr_setprotocol(pthread_mutexattr_t *attr, int protocol)
{
	if (attr == NULL)
		return EINVAL;
	if (protocol == PTHREAD_PRIO_PROTECT)
		return ENOTSUP;
	if (protocol != PTHREAD_PRIO_INHERIT && protocol != PTHREAD_PRIO_NONE)
		return EINVAL;
	attr->__protocol = protocol;
	return 0;
}

int pthread_mutexattr_getprotocol(const pthread_mutexattr_t *attr, int *protocol)
{
	if (attr == NULL || protocol == NULL)
		return EINVAL;
	*protocol = attr->__protocol;
	return 0;
}

int pthread_mutexattr_setpshared(pthread_mutexattr_t *attr, int pshared)
{
	if (attr == NULL || (pshared != PTHREAD_PROCESS_PRIVATE && pshared != PTHREAD_PROCESS_SHARED))
		return EINVAL;
	if (pshared == PTHREAD_PROCESS_SHARED)
		return ENOTSUP;
	attr->__pshared = pshared;
	return 0;
}

int pthread_mutexattr_getpshared(const pthread_mutexattr_t *attr, int *pshared)
{
	if (attr == NULL || pshared == NULL)
		return EINVAL;
	*pshared = attr->__pshared;
	return 0;
}

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr)
{
	if (m == NULL)
		return EINVAL;
	struct _sync_attr ka = { 0 };
	int type = attr ? attr->__type : PTHREAD_MUTEX_DEFAULT;
	ka.__protocol = attr ? attr->__protocol : PTHREAD_PRIO_INHERIT;
	ka.__flags = type == PTHREAD_MUTEX_RECURSIVE ? 0 : (int)_NTO_SYNC_NONRECURSIVE;
	int r = SyncTypeCreate_r(_NTO_SYNC_MUTEX_FREE, m, &ka);
	return r < 0 ? -r : 0;
}

int pthread_mutex_destroy(pthread_mutex_t *m)
{
	if (m == NULL)
		return EINVAL;
	unsigned v = m->__owner;
	if (v != _NTO_SYNC_INITIALIZER && v != 0 && is_mutex(m))
		return EBUSY;
	int r = SyncDestroy_r(m);
	if (r == -EINVAL && v == _NTO_SYNC_INITIALIZER)
		r = 0;		/* never used: the kernel never saw it */
	return r < 0 ? -r : 0;
}

int pthread_mutex_lock(pthread_mutex_t *m)
{
	if (m == NULL || !is_mutex(m))
		return EINVAL;
	return __libc_mutex_lock(m, recursive(m));
}

int pthread_mutex_trylock(pthread_mutex_t *m)
{
	if (m == NULL || !is_mutex(m))
		return EINVAL;
	unsigned me = (unsigned)__libc_tid(), old = 0;
	if (__atomic_compare_exchange_n(&m->__owner, &old, me, 0, __ATOMIC_ACQUIRE,
					__ATOMIC_RELAXED))
		return 0;
	old = _NTO_SYNC_INITIALIZER;
	if (__atomic_compare_exchange_n(&m->__owner, &old, me, 0, __ATOMIC_ACQUIRE,
					__ATOMIC_RELAXED))
		return 0;
	if ((old & _NTO_SYNC_OWNER_MASK) == me && recursive(m)) {
		m->__count++;
		return 0;
	}
	return EBUSY;
}

int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abstime)
{
	if (m == NULL || !is_mutex(m))
		return EINVAL;
	int r = pthread_mutex_trylock(m);
	if (r != EBUSY)
		return r;
	if ((m->__owner & _NTO_SYNC_OWNER_MASK) == (unsigned)__libc_tid())
		return EDEADLK;
	if (abstime == NULL || abstime->tv_nsec < 0 || abstime->tv_nsec >= 1000000000L ||
	    abstime->tv_sec < 0)
		return EINVAL;
	uint64_t ns = (uint64_t)abstime->tv_sec * 1000000000ull + (uint64_t)abstime->tv_nsec;
	TimerTimeout_r(CLOCK_REALTIME, TIMER_ABSTIME | _NTO_TIMEOUT_MUTEX, NULL, &ns, NULL);
	r = SyncMutexLock_r(m);
	return r < 0 && r != -EOWNERDEAD ? -r : 0;
}

int pthread_mutex_unlock(pthread_mutex_t *m)
{
	if (m == NULL || !is_mutex(m))
		return EINVAL;
	return __libc_mutex_unlock(m, recursive(m));
}

/* --- Condition variables --------------------------------------------------------------- */
int pthread_condattr_init(pthread_condattr_t *attr)
{
	if (attr == NULL)
		return EINVAL;
	attr->__clockid = CLOCK_REALTIME;
	attr->__pshared = PTHREAD_PROCESS_PRIVATE;
	return 0;
}

int pthread_condattr_destroy(pthread_condattr_t *attr)
{
	return attr ? 0 : EINVAL;
}

int pthread_condattr_setclock(pthread_condattr_t *attr, clockid_t clock)
{
	if (attr == NULL || (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC))
		return EINVAL;
	attr->__clockid = clock;
	return 0;
}

int pthread_condattr_getclock(const pthread_condattr_t *attr, clockid_t *clock)
{
	if (attr == NULL || clock == NULL)
		return EINVAL;
	*clock = attr->__clockid;
	return 0;
}

int pthread_condattr_setpshared(pthread_condattr_t *attr, int pshared)
{
	if (attr == NULL || (pshared != PTHREAD_PROCESS_PRIVATE && pshared != PTHREAD_PROCESS_SHARED))
		return EINVAL;
	if (pshared == PTHREAD_PROCESS_SHARED)
		return ENOTSUP;
	return 0;
}

int pthread_condattr_getpshared(const pthread_condattr_t *attr, int *pshared)
{
	if (attr == NULL || pshared == NULL)
		return EINVAL;
	*pshared = attr->__pshared;
	return 0;
}

/* A condvar's clock, kept in its __count (the kernel leaves a condvar's count alone):
 * CLOCK_REALTIME (0) unless pthread_cond_init was given another. */
int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr)
{
	if (c == NULL)
		return EINVAL;
	struct _sync_attr ka = { 0 };
	ka.__clockid = attr ? attr->__clockid : CLOCK_REALTIME;
	int r = SyncTypeCreate_r(_NTO_SYNC_COND, c, &ka);
	if (r < 0)
		return -r;
	c->__count = ka.__clockid;
	return 0;
}

int pthread_cond_destroy(pthread_cond_t *c)
{
	if (c == NULL)
		return EINVAL;
	unsigned v = c->__owner;
	int r = SyncDestroy_r(c);
	if (r == -EINVAL && v == _NTO_SYNC_INITIALIZER)
		r = 0;
	return r < 0 ? -r : 0;
}

static int cond_result(int r)
{
	/* A signal interrupting the wait is a spurious wakeup (POSIX: never EINTR). */
	if (r == -EINTR || r == -EOWNERDEAD || r >= 0)
		return 0;
	return -r;
}

int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
	if (c == NULL || m == NULL)
		return EINVAL;
	if ((m->__owner & _NTO_SYNC_OWNER_MASK) != (unsigned)__libc_tid())
		return EPERM;
	return cond_result(SyncCondvarWait_r(c, m));
}

int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abstime)
{
	if (c == NULL || m == NULL || abstime == NULL || abstime->tv_nsec < 0 ||
	    abstime->tv_nsec >= 1000000000L || abstime->tv_sec < 0)
		return EINVAL;
	if ((m->__owner & _NTO_SYNC_OWNER_MASK) != (unsigned)__libc_tid())
		return EPERM;
	clockid_t clk = c->__owner == _NTO_SYNC_INITIALIZER ? CLOCK_REALTIME : c->__count;
	if (clk != CLOCK_MONOTONIC)
		clk = CLOCK_REALTIME;
	uint64_t ns = (uint64_t)abstime->tv_sec * 1000000000ull + (uint64_t)abstime->tv_nsec;
	TimerTimeout_r(clk, TIMER_ABSTIME | _NTO_TIMEOUT_CONDVAR, NULL, &ns, NULL);
	return cond_result(SyncCondvarWait_r(c, m));
}

int pthread_cond_signal(pthread_cond_t *c)
{
	if (c == NULL)
		return EINVAL;
	int r = SyncCondvarSignal_r(c, 0);
	return r < 0 ? -r : 0;
}

int pthread_cond_broadcast(pthread_cond_t *c)
{
	if (c == NULL)
		return EINVAL;
	int r = SyncCondvarSignal_r(c, 1);
	return r < 0 ? -r : 0;
}
