/* Read-write locks: a mutex and two condvars; waiting writers hold back new readers. */
#include <pthread.h>
#include "libc.h"

int pthread_rwlockattr_init(pthread_rwlockattr_t *attr)
{
	if (attr == NULL)
		return EINVAL;
	attr->__pshared = PTHREAD_PROCESS_PRIVATE;
	return 0;
}

int pthread_rwlockattr_destroy(pthread_rwlockattr_t *attr)
{
	return attr ? 0 : EINVAL;
}

int pthread_rwlock_init(pthread_rwlock_t *rw, const pthread_rwlockattr_t *attr)
{
	if (rw == NULL)
		return EINVAL;
	*rw = (pthread_rwlock_t)PTHREAD_RWLOCK_INITIALIZER;
	return 0;
}

int pthread_rwlock_destroy(pthread_rwlock_t *rw)
{
	if (rw == NULL)
		return EINVAL;
	if (rw->__readers || rw->__writer)
		return EBUSY;
	pthread_cond_destroy(&rw->__readers_ok);
	pthread_cond_destroy(&rw->__writer_ok);
	pthread_mutex_destroy(&rw->__lock);
	return 0;
}

static int rdlock(pthread_rwlock_t *rw, int try)
{
	if (rw == NULL)
		return EINVAL;
	int me = __libc_tid(), r = 0;
	pthread_mutex_lock(&rw->__lock);
	if (rw->__writer == me)
		r = EDEADLK;
	while (r == 0 && (rw->__writer || rw->__writers_waiting)) {
		if (try) {
			r = EBUSY;
			break;
		}
		pthread_cond_wait(&rw->__readers_ok, &rw->__lock);
	}
	if (r == 0)
		rw->__readers++;
	pthread_mutex_unlock(&rw->__lock);
	return r;
}

static int wrlock(pthread_rwlock_t *rw, int try)
{
	if (rw == NULL)
		return EINVAL;
	int me = __libc_tid(), r = 0;
	pthread_mutex_lock(&rw->__lock);
	if (rw->__writer == me)
		r = EDEADLK;
	else if (try && (rw->__writer || rw->__readers))
		r = EBUSY;
	if (r == 0) {
		rw->__writers_waiting++;
		while (rw->__writer || rw->__readers)
			pthread_cond_wait(&rw->__writer_ok, &rw->__lock);
		rw->__writers_waiting--;
		rw->__writer = me;
	}
	pthread_mutex_unlock(&rw->__lock);
	return r;
}

int pthread_rwlock_rdlock(pthread_rwlock_t *rw)
{
	return rdlock(rw, 0);
}

int pthread_rwlock_tryrdlock(pthread_rwlock_t *rw)
{
	return rdlock(rw, 1);
}

int pthread_rwlock_wrlock(pthread_rwlock_t *rw)
{
	return wrlock(rw, 0);
}

int pthread_rwlock_trywrlock(pthread_rwlock_t *rw)
{
	return wrlock(rw, 1);
}

int pthread_rwlock_unlock(pthread_rwlock_t *rw)
{
	if (rw == NULL)
		return EINVAL;
	int me = __libc_tid(), r = 0;
	pthread_mutex_lock(&rw->__lock);
	if (rw->__writer == me)
		rw->__writer = 0;
	else if (rw->__readers > 0)
		rw->__readers--;
	else
		r = EPERM;
	if (r == 0 && rw->__writer == 0 && rw->__readers == 0) {
		if (rw->__writers_waiting)
			pthread_cond_signal(&rw->__writer_ok);
		else
			pthread_cond_broadcast(&rw->__readers_ok);
	}
	pthread_mutex_unlock(&rw->__lock);
	return r;
}
