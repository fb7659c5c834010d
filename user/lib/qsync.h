/* User-side sync objects until libc (user/lib/qsync.c): mutexes whose uncontended lock and
 * unlock never enter the kernel, condvars and semaphores over the Sync* kernel calls. */
#ifndef QSYNC_H
#define QSYNC_H
#include <sys/neutrino.h>

/* picolibc's errno values (the kernel's), until <errno.h> */
#ifndef EPERM
#define EPERM      1
#endif
#ifndef EINTR
#define EINTR      4
#endif
#ifndef EAGAIN
#define EAGAIN     11
#endif
#ifndef EBUSY
#define EBUSY      16
#endif
#ifndef EDEADLK
#define EDEADLK    45
#endif
#ifndef ETIMEDOUT
#define ETIMEDOUT  116
#endif
#ifndef EOVERFLOW
#define EOVERFLOW  139
#endif
#ifndef EOWNERDEAD
#define EOWNERDEAD 142
#endif

/* The calling thread's tid, from its thread-local storage block (no kernel call). */
int qs_self(void);

/* Mutexes (pthread-style: 0 or an errno value). A zeroed sync_t and
 * PTHREAD_MUTEX_INITIALIZER are free mutexes; qs_mutex_init makes one with SyncTypeCreate
 * (protocol: PTHREAD_PRIO_INHERIT or PTHREAD_PRIO_NONE; recursive: not
 * _NTO_SYNC_NONRECURSIVE). qs_mutex_lock returns EOWNERDEAD with the mutex held when its
 * owner ended while holding it. */
int qs_mutex_init(sync_t *m, int protocol, int recursive);
int qs_mutex_lock(sync_t *m);
int qs_mutex_trylock(sync_t *m);	/* EBUSY when held */
int qs_mutex_unlock(sync_t *m);
int qs_mutex_destroy(sync_t *m);

int qs_cond_init(sync_t *c);
int qs_cond_wait(sync_t *c, sync_t *m);
int qs_cond_signal(sync_t *c);
int qs_cond_broadcast(sync_t *c);

int qs_sem_init(sync_t *s, unsigned value);
int qs_sem_wait(sync_t *s);
int qs_sem_trywait(sync_t *s);		/* EAGAIN when 0 */
int qs_sem_post(sync_t *s);

/* Start func(arg) in a new thread at priority pri (0: the caller's); returns the tid or
 * -errno. */
int qs_thread_create_pri(void *(*func)(void *), void *arg, int pri);
#endif
