/* Thread attributes: plain fields that pthread_create turns into ThreadCreate's _thread_attr. */
#include <pthread.h>
#include <string.h>
#include "libc.h"

int pthread_attr_init(pthread_attr_t *a)
{
	if (a == NULL)
		return EINVAL;
	memset(a, 0, sizeof *a);
	a->__policy = SCHED_RR;
	a->__priority = 10;
	a->__guardsize = 4096;
	return 0;
}

int pthread_attr_destroy(pthread_attr_t *a)
{
	return a ? 0 : EINVAL;
}

int pthread_attr_setdetachstate(pthread_attr_t *a, int state)
{
	if (a == NULL || (state != PTHREAD_CREATE_JOINABLE && state != PTHREAD_CREATE_DETACHED))
		return EINVAL;
	a->__flags = (a->__flags & ~PTHREAD_CREATE_DETACHED) | state;
	return 0;
}

int pthread_attr_getdetachstate(const pthread_attr_t *a, int *state)
{
	if (a == NULL || state == NULL)
		return EINVAL;
	*state = a->__flags & PTHREAD_CREATE_DETACHED;
	return 0;
}

int pthread_attr_setstacksize(pthread_attr_t *a, size_t size)
{
	if (a == NULL || size < PTHREAD_STACK_MIN)
		return EINVAL;
	a->__stacksize = size;
	return 0;
}

int pthread_attr_getstacksize(const pthread_attr_t *a, size_t *size)
{
	if (a == NULL || size == NULL)
		return EINVAL;
	*size = a->__stacksize ? a->__stacksize : 64 * 1024;
	return 0;
}

int pthread_attr_setstack(pthread_attr_t *a, void *addr, size_t size)
{
	if (a == NULL || addr == NULL || size < PTHREAD_STACK_MIN)
		return EINVAL;
	a->__stackaddr = addr;
	a->__stacksize = size;
	return 0;
}

int pthread_attr_getstack(const pthread_attr_t *a, void **addr, size_t *size)
{
	if (a == NULL || addr == NULL || size == NULL)
		return EINVAL;
	*addr = a->__stackaddr;
	*size = a->__stacksize;
	return 0;
}

int pthread_attr_setstackaddr(pthread_attr_t *a, void *addr)
{
	if (a == NULL)
		return EINVAL;
	a->__stackaddr = addr;
	return 0;
}

int pthread_attr_getstackaddr(const pthread_attr_t *a, void **addr)
{
	if (a == NULL || addr == NULL)
		return EINVAL;
	*addr = a->__stackaddr;
	return 0;
}

int pthread_attr_setguardsize(pthread_attr_t *a, size_t size)
{
	if (a == NULL)
		return EINVAL;
	a->__guardsize = size;		/* kept for the getter: kernel stacks have their own */
	return 0;
}

int pthread_attr_getguardsize(const pthread_attr_t *a, size_t *size)
{
	if (a == NULL || size == NULL)
		return EINVAL;
	*size = a->__guardsize;
	return 0;
}

int pthread_attr_setinheritsched(pthread_attr_t *a, int inherit)
{
	if (a == NULL || (inherit != PTHREAD_INHERIT_SCHED && inherit != PTHREAD_EXPLICIT_SCHED))
		return EINVAL;
	a->__flags = (a->__flags & ~PTHREAD_EXPLICIT_SCHED) | inherit;
	return 0;
}

int pthread_attr_getinheritsched(const pthread_attr_t *a, int *inherit)
{
	if (a == NULL || inherit == NULL)
		return EINVAL;
	*inherit = a->__flags & PTHREAD_EXPLICIT_SCHED;
	return 0;
}

int pthread_attr_setschedpolicy(pthread_attr_t *a, int policy)
{
	if (a == NULL || (policy != SCHED_FIFO && policy != SCHED_RR && policy != SCHED_OTHER))
		return EINVAL;
	a->__policy = policy;
	return 0;
}

int pthread_attr_getschedpolicy(const pthread_attr_t *a, int *policy)
{
	if (a == NULL || policy == NULL)
		return EINVAL;
	*policy = a->__policy;
	return 0;
}

int pthread_attr_setschedparam(pthread_attr_t *a, const struct sched_param *p)
{
	if (a == NULL || p == NULL || p->sched_priority < _NTO_PRIO_MIN ||
	    p->sched_priority > _NTO_PRIO_MAX)
		return EINVAL;
	a->__priority = p->sched_priority;
	return 0;
}

int pthread_attr_getschedparam(const pthread_attr_t *a, struct sched_param *p)
{
	if (a == NULL || p == NULL)
		return EINVAL;
	memset(p, 0, sizeof *p);
	p->sched_priority = a->__priority;
	p->sched_curpriority = a->__priority;
	return 0;
}

int pthread_attr_setscope(pthread_attr_t *a, int scope)
{
	if (a == NULL || (scope != PTHREAD_SCOPE_SYSTEM && scope != PTHREAD_SCOPE_PROCESS))
		return EINVAL;
	if (scope == PTHREAD_SCOPE_PROCESS)
		return ENOTSUP;
	a->__scope = scope;
	return 0;
}

int pthread_attr_getscope(const pthread_attr_t *a, int *scope)
{
	if (a == NULL || scope == NULL)
		return EINVAL;
	*scope = a->__scope;
	return 0;
}
