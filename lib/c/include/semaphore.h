/* <semaphore.h>: unnamed POSIX semaphores on the kernel's sync_t semaphores. */
#ifndef _SEMAPHORE_H
#define _SEMAPHORE_H

#include <sys/neutrino.h>
#include <time.h>

typedef sync_t sem_t;
#define SEM_FAILED	((sem_t *)0)
#define SEM_VALUE_MAX	_NTO_SYNC_COUNTMASK

int	sem_init(sem_t *sem, int pshared, unsigned value);
int	sem_destroy(sem_t *sem);
int	sem_wait(sem_t *sem);
int	sem_trywait(sem_t *sem);
int	sem_timedwait(sem_t *sem, const struct timespec *abstime);
int	sem_post(sem_t *sem);
int	sem_getvalue(sem_t *sem, int *value);

#endif
