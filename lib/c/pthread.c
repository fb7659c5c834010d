/* POSIX threads: create, join, detach, exit, self and scheduling, on ThreadCreate and friends. */
/*
 * A pthread_t is the kernel's tid. Threads run on kernel-made stacks (64 KiB, reused
 * by the kernel) unless the attributes give a stack or ask for a bigger one; libc then
 * allocates it and frees it when the thread is joined (a detached thread's allocated
 * stack is never freed: nothing tells libc when it is no longer in use). Each new
 * thread's TLS is set up by the seam (__sys_thread_create) before its start routine.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "libc.h"

#define KSTACK_MAX	(64 * 1024)	/* what the kernel's own stacks give (Skimmer: 16 pages) */
#define OWNED_MAX	32

void __pthread_keys_exit(void);

/* Stacks libc allocated for joinable threads, freed at join. owned_lock guards them. */
static sync_t owned_lock = LIBC_LOCK_INIT;
static struct { int tid; void *mem; } owned[OWNED_MAX];

static void owned_put(int tid, void *mem)
{
	__libc_lock(&owned_lock);
	for (int i = 0; i < OWNED_MAX; i++)
		if (owned[i].tid == 0) {
			owned[i].tid = tid;
			owned[i].mem = mem;
			break;
		}
	__libc_unlock(&owned_lock);
}

static void owned_free(int tid)
{
	void *mem = NULL;
	__libc_lock(&owned_lock);
	for (int i = 0; i < OWNED_MAX; i++)
		if (owned[i].tid == tid) {
			mem = owned[i].mem;
			owned[i].tid = 0;
			break;
		}
	__libc_unlock(&owned_lock);
	free(mem);
}

static int owned_room(void)
{
	int n = 0;
	__libc_lock(&owned_lock);
	for (int i = 0; i < OWNED_MAX; i++)
		n += owned[i].tid == 0;
	__libc_unlock(&owned_lock);
	return n;
}

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *),
		   void *arg)
{
	if (thread == NULL || start == NULL)
		return EINVAL;
	pthread_attr_t a;
	if (attr)
		a = *attr;
	else
		pthread_attr_init(&a);
	struct _thread_attr ka = { 0 };
	ka.__flags = a.__flags & (PTHREAD_CREATE_DETACHED | PTHREAD_EXPLICIT_SCHED);
	ka.__policy = a.__policy;
	ka.__priority = a.__priority;
	void *mem = NULL;
	if (a.__stackaddr) {
		ka.__stackaddr = a.__stackaddr;
		ka.__stacksize = a.__stacksize;
	} else if (a.__stacksize > KSTACK_MAX) {
		int detached = a.__flags & PTHREAD_CREATE_DETACHED;
		if (!detached && owned_room() == 0)
			return EAGAIN;
		mem = malloc(a.__stacksize);
		if (mem == NULL)
			return EAGAIN;
		ka.__stackaddr = mem;
		ka.__stacksize = a.__stacksize;
	}
	int tid = __sys_thread_create(start, arg, &ka);
	if (tid < 0) {
		free(mem);
		return -tid == ENOMEM ? EAGAIN : -tid;
	}
	if (mem && !(a.__flags & PTHREAD_CREATE_DETACHED))
		owned_put(tid, mem);
	*thread = tid;
	return 0;
}

int pthread_join(pthread_t thread, void **value)
{
	void *v = NULL;
	int r = ThreadJoin_r(thread, &v);
	if (r < 0)
		return -r;
	owned_free(thread);
	if (value)
		*value = v;
	return 0;
}

int pthread_detach(pthread_t thread)
{
	int r = ThreadDetach_r(thread);
	return r < 0 ? -r : 0;
}

pthread_t pthread_self(void)
{
	return __libc_tid();
}

int pthread_equal(pthread_t a, pthread_t b)
{
	return a == b;
}

void pthread_exit(void *value)
{
	__pthread_keys_exit();
	for (;;)
		ThreadDestroy_r(0, -1, value);
}

int pthread_getschedparam(pthread_t thread, int *policy, struct sched_param *param)
{
	if (policy == NULL || param == NULL)
		return EINVAL;
	int r = SchedGet_r(0, thread, param);
	if (r < 0)
		return -r;
	*policy = r;
	return 0;
}

int pthread_setschedparam(pthread_t thread, int policy, const struct sched_param *param)
{
	if (param == NULL)
		return EINVAL;
	int r = SchedSet_r(0, thread, policy, param);
	return r < 0 ? -r : 0;
}

int pthread_setschedprio(pthread_t thread, int prio)
{
	struct sched_param p;
	memset(&p, 0, sizeof p);
	p.sched_priority = prio;
	int r = SchedSet_r(0, thread, SCHED_NOCHANGE, &p);
	return r < 0 ? -r : 0;
}

int pthread_yield(void)
{
	SchedYield_r();
	return 0;
}

int sched_yield(void)
{
	SchedYield_r();
	return 0;
}
