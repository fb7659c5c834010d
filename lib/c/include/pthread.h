/* <pthread.h>: POSIX threads for QSOE on ThreadCreate and the Sync* objects (sys/neutrino.h). */
/*
 * A pthread_t is the kernel's thread id, as on QNX. Mutexes and condvars are sync_t
 * words in the caller's memory (PTHREAD_MUTEX_INITIALIZER and PTHREAD_COND_INITIALIZER
 * come from sys/neutrino.h): an uncontended mutex never enters the kernel. Process-
 * private objects only (PTHREAD_PROCESS_SHARED is refused with ENOTSUP).
 */
#ifndef _PTHREAD_H
#define _PTHREAD_H

#include <sys/neutrino.h>
#include <sys/types.h>
#include <sched.h>
#include <time.h>

typedef sync_t pthread_mutex_t;
typedef sync_t pthread_cond_t;
typedef int pthread_key_t;
typedef struct {
	int	__once;			/* 0 not run, 1 running, 2 done */
	sync_t	__mutex;
} pthread_once_t;
#define PTHREAD_ONCE_INIT	{ 0, PTHREAD_MUTEX_INITIALIZER }

typedef struct {
	int	__flags;		/* PTHREAD_CREATE_DETACHED, PTHREAD_EXPLICIT_SCHED */
	int	__policy;
	int	__priority;
	int	__scope;
	size_t	__stacksize;		/* 0: the default */
	void	*__stackaddr;		/* a caller's stack (lowest address), or NULL */
	size_t	__guardsize;
} pthread_attr_t;

typedef struct {
	int	__type;			/* PTHREAD_MUTEX_* */
	int	__protocol;		/* PTHREAD_PRIO_INHERIT (default) or _NONE */
	int	__pshared;
} pthread_mutexattr_t;

typedef struct {
	int	__clockid;		/* for pthread_cond_timedwait */
	int	__pshared;
} pthread_condattr_t;

typedef struct {
	sync_t		__lock;
	sync_t		__readers_ok;	/* condvars, on __lock */
	sync_t		__writer_ok;
	int		__readers;	/* holding it */
	int		__writer;	/* the holding writer's tid, or 0 */
	int		__writers_waiting;
	int		__reserved;
} pthread_rwlock_t;
#define PTHREAD_RWLOCK_INITIALIZER { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, \
				     PTHREAD_COND_INITIALIZER, 0, 0, 0, 0 }
typedef struct {
	int	__pshared;
} pthread_rwlockattr_t;

#define PTHREAD_INHERIT_SCHED		0x0
#define PTHREAD_SCOPE_SYSTEM		0
#define PTHREAD_SCOPE_PROCESS		1
#define PTHREAD_PROCESS_PRIVATE		0
#define PTHREAD_PROCESS_SHARED		1

#define PTHREAD_MUTEX_NORMAL		0
#define PTHREAD_MUTEX_ERRORCHECK	1
#define PTHREAD_MUTEX_RECURSIVE		2
#define PTHREAD_MUTEX_DEFAULT		PTHREAD_MUTEX_ERRORCHECK
#define PTHREAD_RECURSIVE_MUTEX_INITIALIZER { 0, _NTO_SYNC_INITIALIZER }

#define PTHREAD_KEYS_MAX		64
#define PTHREAD_DESTRUCTOR_ITERATIONS	4
#define PTHREAD_STACK_MIN		4096
#define PTHREAD_CANCELED		((void *)-1)

int	pthread_create(pthread_t *thread, const pthread_attr_t *attr,
		       void *(*start)(void *), void *arg);
int	pthread_join(pthread_t thread, void **value);
int	pthread_detach(pthread_t thread);
pthread_t pthread_self(void);
int	pthread_equal(pthread_t a, pthread_t b);
void	pthread_exit(void *value) __attribute__((noreturn));
int	pthread_getschedparam(pthread_t thread, int *policy, struct sched_param *param);
int	pthread_setschedparam(pthread_t thread, int policy, const struct sched_param *param);
int	pthread_setschedprio(pthread_t thread, int prio);
int	pthread_yield(void);

int	pthread_attr_init(pthread_attr_t *attr);
int	pthread_attr_destroy(pthread_attr_t *attr);
int	pthread_attr_setdetachstate(pthread_attr_t *attr, int state);
int	pthread_attr_getdetachstate(const pthread_attr_t *attr, int *state);
int	pthread_attr_setstacksize(pthread_attr_t *attr, size_t size);
int	pthread_attr_getstacksize(const pthread_attr_t *attr, size_t *size);
int	pthread_attr_setstack(pthread_attr_t *attr, void *addr, size_t size);
int	pthread_attr_getstack(const pthread_attr_t *attr, void **addr, size_t *size);
int	pthread_attr_setstackaddr(pthread_attr_t *attr, void *addr);
int	pthread_attr_getstackaddr(const pthread_attr_t *attr, void **addr);
int	pthread_attr_setguardsize(pthread_attr_t *attr, size_t size);
int	pthread_attr_getguardsize(const pthread_attr_t *attr, size_t *size);
int	pthread_attr_setinheritsched(pthread_attr_t *attr, int inherit);
int	pthread_attr_getinheritsched(const pthread_attr_t *attr, int *inherit);
int	pthread_attr_setschedpolicy(pthread_attr_t *attr, int policy);
int	pthread_attr_getschedpolicy(const pthread_attr_t *attr, int *policy);
int	pthread_attr_setschedparam(pthread_attr_t *attr, const struct sched_param *param);
int	pthread_attr_getschedparam(const pthread_attr_t *attr, struct sched_param *param);
int	pthread_attr_setscope(pthread_attr_t *attr, int scope);
int	pthread_attr_getscope(const pthread_attr_t *attr, int *scope);

int	pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr);
int	pthread_mutex_destroy(pthread_mutex_t *m);
int	pthread_mutex_lock(pthread_mutex_t *m);
int	pthread_mutex_trylock(pthread_mutex_t *m);
int	pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abstime);
int	pthread_mutex_unlock(pthread_mutex_t *m);
int	pthread_mutexattr_init(pthread_mutexattr_t *attr);
int	pthread_mutexattr_destroy(pthread_mutexattr_t *attr);
int	pthread_mutexattr_settype(pthread_mutexattr_t *attr, int type);
int	pthread_mutexattr_gettype(const pthread_mutexattr_t *attr, int *type);
int	pthread_mutexattr_setprotocol(pthread_mutexattr_t *attr, int protocol);
int	pthread_mutexattr_getprotocol(const pthread_mutexattr_t *attr, int *protocol);
int	pthread_mutexattr_setpshared(pthread_mutexattr_t *attr, int pshared);
int	pthread_mutexattr_getpshared(const pthread_mutexattr_t *attr, int *pshared);

int	pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr);
int	pthread_cond_destroy(pthread_cond_t *c);
int	pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m);
int	pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m,
			       const struct timespec *abstime);
int	pthread_cond_signal(pthread_cond_t *c);
int	pthread_cond_broadcast(pthread_cond_t *c);
int	pthread_condattr_init(pthread_condattr_t *attr);
int	pthread_condattr_destroy(pthread_condattr_t *attr);
int	pthread_condattr_setclock(pthread_condattr_t *attr, clockid_t clock);
int	pthread_condattr_getclock(const pthread_condattr_t *attr, clockid_t *clock);
int	pthread_condattr_setpshared(pthread_condattr_t *attr, int pshared);
int	pthread_condattr_getpshared(const pthread_condattr_t *attr, int *pshared);

int	pthread_key_create(pthread_key_t *key, void (*destructor)(void *));
int	pthread_key_delete(pthread_key_t key);
void	*pthread_getspecific(pthread_key_t key);
int	pthread_setspecific(pthread_key_t key, const void *value);
int	pthread_once(pthread_once_t *once, void (*init)(void));

int	pthread_rwlock_init(pthread_rwlock_t *rw, const pthread_rwlockattr_t *attr);
int	pthread_rwlock_destroy(pthread_rwlock_t *rw);
int	pthread_rwlock_rdlock(pthread_rwlock_t *rw);
int	pthread_rwlock_tryrdlock(pthread_rwlock_t *rw);
int	pthread_rwlock_wrlock(pthread_rwlock_t *rw);
int	pthread_rwlock_trywrlock(pthread_rwlock_t *rw);
int	pthread_rwlock_unlock(pthread_rwlock_t *rw);
int	pthread_rwlockattr_init(pthread_rwlockattr_t *attr);
int	pthread_rwlockattr_destroy(pthread_rwlockattr_t *attr);

#endif
