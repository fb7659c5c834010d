/* Thread helpers for test programs: create with attributes, harts, priorities. */
#include <sys/neutrino.h>
#include <stdint.h>
#include "qsys.h"
#include "qthread.h"

int qt_create(void *(*func)(void *), void *arg, int pri, int policy, int flags)
{
	struct _thread_attr at = { 0 };
	at.__exitfunc = qs_thread_exit;
	at.__flags = flags;
	if (pri || policy != SCHED_NOCHANGE) {
		struct sched_param sp;
		int cur = SchedGet_r(0, 0, &sp);
		if (cur < 0)
			return cur;
		at.__flags |= PTHREAD_EXPLICIT_SCHED;
		at.__priority = pri ? pri : sp.sched_priority;
		at.__policy = policy != SCHED_NOCHANGE ? policy : cur;
	}
	return ThreadCreate_r(0, func, arg, &at);
}

int qt_hart(void)
{
	return ThreadCtl_r(_NTO_TCTL_QSOE_HART, NULL);
}

int qt_nharts(void)
{
	struct _thread_runmask rm = { 0, 0 };
	if (ThreadCtl_r(_NTO_TCTL_RUNMASK_GET_AND_SET_INHERIT, &rm) != 0)
		return 1;
	unsigned old = rm.inherit_mask;
	int n = 0;
	for (int h = 0; h < 32; h++) {
		struct _thread_runmask t = { 0, 1U << h };
		if (ThreadCtl_r(_NTO_TCTL_RUNMASK_GET_AND_SET_INHERIT, &t) == 0)
			n = h + 1;
	}
	rm.runmask = 0;
	rm.inherit_mask = old;
	ThreadCtl_r(_NTO_TCTL_RUNMASK_GET_AND_SET_INHERIT, &rm);
	return n;
}

int qt_pin(int h)
{
	return ThreadCtl_r(_NTO_TCTL_RUNMASK, (void *)(uintptr_t)(1U << h));
}

int qt_inherit(int h)
{
	struct _thread_runmask rm = { 0, 1U << h };
	return ThreadCtl_r(_NTO_TCTL_RUNMASK_GET_AND_SET_INHERIT, &rm);
}

int qt_prio(void)
{
	struct sched_param sp;
	return SchedGet_r(0, 0, &sp) < 0 ? -1 : sp.sched_priority;
}

int qt_setprio(int pri)
{
	struct sched_param sp = { 0 };
	sp.sched_priority = pri;
	return SchedSet_r(0, 0, SCHED_NOCHANGE, &sp);
}

unsigned long qt_time(void)
{
	unsigned long v;
	__asm__ __volatile__("rdtime %0" : "=r"(v));
	return v;
}
