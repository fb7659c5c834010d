/* System information: sysconf, getpagesize, uname, host names. */
#include <unistd.h>
#include <limits.h>
#include <string.h>
#include <time.h>
#include <sys/utsname.h>
#include <pthread.h>
#include "libc.h"

static char hostname[_UTSNAME_LENGTH] = "qsoe";

/* Harts: the widest runmask the kernel accepts for a new thread (harts we may run on). */
static long nharts(void)
{
	struct _thread_runmask rm = { 0, 0 };
	if (ThreadCtl_r(_NTO_TCTL_RUNMASK_GET_AND_SET_INHERIT, &rm) != 0)
		return 1;
	unsigned old = rm.inherit_mask;
	long n = 1;
	for (int h = 1; h < 32; h++) {
		struct _thread_runmask t = { 0, 1U << h };
		if (ThreadCtl_r(_NTO_TCTL_RUNMASK_GET_AND_SET_INHERIT, &t) == 0)
			n = h + 1;
	}
	struct _thread_runmask back = { 0, old };
	ThreadCtl_r(_NTO_TCTL_RUNMASK_GET_AND_SET_INHERIT, &back);
	return n;
}

static long meminfo(int which)
{
	struct { uint16_t type, zero; } m = { _MEM_INFO, 0 };
	struct _mem_info_reply r;
	if (__libc_tmsend(&m, sizeof m, &r, sizeof r) < 0)
		return -1;
	return (long)((which ? r.free_bytes : r.total_bytes) / __libc_pagesize);
}

long sysconf(int name)
{
	switch (name) {
	case _SC_PAGESIZE:
		return (long)__libc_pagesize;
	case _SC_OPEN_MAX:
		return LIBC_FD_MAX;
	case _SC_CLK_TCK:
		return 100;
	case _SC_ARG_MAX:
		return 65536;
	case _SC_CHILD_MAX:
		return 256;
	case _SC_NGROUPS_MAX:
		return _PROC_NGROUPS_MAX;
	case _SC_HOST_NAME_MAX:
		return _UTSNAME_LENGTH - 1;
	case _SC_LINE_MAX:
		return 2048;
	case _SC_SYMLOOP_MAX:
		return LIBC_SYMLOOP_MAX;
	case _SC_THREAD_KEYS_MAX:
		return PTHREAD_KEYS_MAX;
	case _SC_THREAD_STACK_MIN:
		return PTHREAD_STACK_MIN;
	case _SC_NPROCESSORS_CONF:
	case _SC_NPROCESSORS_ONLN:
		return nharts();
	case _SC_PHYS_PAGES:
		return meminfo(0);
	case _SC_AVPHYS_PAGES:
		return meminfo(1);
	case _SC_VERSION:
		return 200809L;
	case _SC_MONOTONIC_CLOCK:
	case _SC_TIMERS:
	case _SC_THREADS:
	case _SC_SEMAPHORES:
		return 200809L;
	default:
		return __seterr(EINVAL);
	}
}

int getpagesize(void)
{
	return (int)__libc_pagesize;
}

int uname(struct utsname *u)
{
	if (u == NULL)
		return __seterr(EFAULT);
	memset(u, 0, sizeof *u);
	strcpy(u->sysname, "QSOE");
	memcpy(u->nodename, hostname, sizeof u->nodename);
	strcpy(u->release, "0.5");
	strcpy(u->version, "Skimmer " __DATE__);
	strcpy(u->machine, "riscv64");
	return 0;
}

int gethostname(char *name, size_t len)
{
	if (name == NULL)
		return __seterr(EFAULT);
	size_t n = strlen(hostname);
	if (n + 1 > len)
		return __seterr(ENAMETOOLONG);
	memcpy(name, hostname, n + 1);
	return 0;
}

int sethostname(const char *name, size_t len)
{
	if (name == NULL)
		return __seterr(EFAULT);
	if (len >= sizeof hostname)
		return __seterr(EINVAL);
	if (geteuid() != 0)
		return __seterr(EPERM);
	memcpy(hostname, name, len);
	hostname[len] = 0;
	return 0;
}
