/* Unnamed POSIX semaphores: the kernel's semaphores (SyncSem*); the value lives in __count. */
#include <semaphore.h>
#include <time.h>
#include "libc.h"

int sem_init(sem_t *sem, int pshared, unsigned value)
{
	if (sem == NULL || value > SEM_VALUE_MAX)
		return __seterr(EINVAL);
	if (pshared)
		return __seterr(ENOSYS);	/* process-private sync objects only */
	sem->__count = (int)value;
	int r = SyncTypeCreate_r(_NTO_SYNC_SEM, sem, NULL);
	return r < 0 ? __seterr(-r) : 0;
}

int sem_destroy(sem_t *sem)
{
	if (sem == NULL || sem->__owner != _NTO_SYNC_SEM)
		return __seterr(EINVAL);
	int r = SyncDestroy_r(sem);
	return r < 0 ? __seterr(-r) : 0;
}

int sem_wait(sem_t *sem)
{
	if (sem == NULL)
		return __seterr(EINVAL);
	int r = SyncSemWait_r(sem, 0);
	return r < 0 ? __seterr(-r) : 0;
}

int sem_trywait(sem_t *sem)
{
	if (sem == NULL)
		return __seterr(EINVAL);
	int r = SyncSemWait_r(sem, 1);
	return r < 0 ? __seterr(-r) : 0;
}

int sem_timedwait(sem_t *sem, const struct timespec *abstime)
{
	if (sem == NULL)
		return __seterr(EINVAL);
	int r = SyncSemWait_r(sem, 1);
	if (r != -EAGAIN)
		return r < 0 ? __seterr(-r) : 0;
	if (abstime == NULL || abstime->tv_nsec < 0 || abstime->tv_nsec >= 1000000000L ||
	    abstime->tv_sec < 0)
		return __seterr(EINVAL);
	uint64_t ns = (uint64_t)abstime->tv_sec * 1000000000ull + (uint64_t)abstime->tv_nsec;
	TimerTimeout_r(CLOCK_REALTIME, TIMER_ABSTIME | _NTO_TIMEOUT_SEM, NULL, &ns, NULL);
	r = SyncSemWait_r(sem, 0);
	return r < 0 ? __seterr(-r) : 0;
}

int sem_post(sem_t *sem)
{
	if (sem == NULL)
		return __seterr(EINVAL);
	int r = SyncSemPost_r(sem);
	return r < 0 ? __seterr(-r) : 0;
}

int sem_getvalue(sem_t *sem, int *value)
{
	if (sem == NULL || value == NULL || sem->__owner != _NTO_SYNC_SEM)
		return __seterr(EINVAL);
	*value = __atomic_load_n(&sem->__count, __ATOMIC_RELAXED) & _NTO_SYNC_COUNTMASK;
	return 0;
}
