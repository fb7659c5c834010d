/* Thread-local storage on Skimmer: each thread's TLS is carved from the top of its own stack. */
/*
 * The kernel starts every thread with tp at its struct _thread_local_storage (128 bytes
 * at the top of the stack, sys/neutrino.h), and knows nothing of the program's PT_TLS.
 * user.ld puts a 128-byte block (__sys_tls_kblock) first in the TLS segment, so a
 * thread's TLS is the kernel block followed by the program's own variables (picolibc's
 * errno...) at tp + 128, all addressed from tp (local-exec). The first code of every thread (the
 * main thread's __qsoe_start, the trampoline below) reserves __sys_tls_bytes() of its
 * stack in a frame that never returns, copies the kernel's block there, initialises
 * .tdata/.tbss after it and moves tp. Nothing before that may touch TLS, errno
 * included: only the _r forms of kernel calls.
 */
#include <stdlib.h>
#include <pthread.h>
#include <string.h>
#include "../c/libc.h"

extern char __tdata_source[], __tdata_size[], __tbss_size[], __tbss_offset[], __tls_size[],
	__tls_align[];

#define KBLOCK	sizeof(struct _thread_local_storage)

/* The kernel's block as the first bytes of the TLS segment (user.ld puts this section
 * first). It must be a real TLS input section: the linker counts local-exec offsets from
 * the first TLS section it was given, so a hole made with ". += 128" alone was not
 * counted, and errno landed on the block's own fields. Never used by name. */
__attribute__((section(".tdata.0kblock"), used))
__thread char __sys_tls_kblock[KBLOCK] = { 1 };

static size_t tls_align(void)
{
	size_t a = (size_t)__tls_align;
	return a < 16 ? 16 : a;
}

size_t __sys_tls_bytes(void)
{
	return ((size_t)__tls_size + 15) / 16 * 16 + tls_align();
}

void __sys_tls_install(void *area)
{
	uintptr_t a = ((uintptr_t)area + tls_align() - 1) & ~(uintptr_t)(tls_align() - 1);
	struct _thread_local_storage *old = __tls(), *new = (void *)a;
	size_t tdata = (size_t)__tdata_size;
	/* Plain loops: memcpy/memset must not be trusted to leave TLS alone here. */
	for (size_t i = 0; i < KBLOCK; i++)
		((char *)new)[i] = ((const char *)old)[i];
	new->__errptr = &new->__errval;
	for (size_t i = KBLOCK; i < tdata; i++)
		((char *)a)[i] = __tdata_source[i];
	for (size_t i = 0; i < (size_t)__tbss_size; i++)
		((char *)a)[(size_t)__tbss_offset + i] = 0;
	__asm__ __volatile__("mv tp, %0" : : "r"(a) : "memory");
}

struct tstart {
	void	*(*ts_func)(void *);
	void	*ts_arg;
};

/* Never reached (the trampoline ends its thread itself); ThreadCreate wants one. */
static void thread_exitfunc(void *status)
{
	for (;;)
		ThreadDestroy_r(0, -1, status);
}

/* ThreadCreate's func: TLS first, in this frame that never returns, then the body. */
static void *trampoline(void *p)
{
	void *area = __builtin_alloca(__sys_tls_bytes());
	__sys_tls_install(area);
	struct tstart ts = *(struct tstart *)p;
	free(p);
	pthread_exit(ts.ts_func(ts.ts_arg));	/* keys' destructors, then the end */
}

int __sys_thread_create(void *(*start)(void *), void *arg, struct _thread_attr *attr)
{
	struct tstart *ts = malloc(sizeof *ts);
	if (ts == NULL)
		return -ENOMEM;
	ts->ts_func = start;
	ts->ts_arg = arg;
	attr->__exitfunc = thread_exitfunc;
	int tid = ThreadCreate_r(0, trampoline, ts, attr);
	if (tid < 0)
		free(ts);
	return tid;
}
