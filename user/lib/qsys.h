/* The smallest user system layer until libc arrives (user/lib/qsys.c). */
#ifndef QSYS_H
#define QSYS_H
#include <stddef.h>

/* picolibc's errno values (the kernel's too: kernel/skimmer/include/skimmer/errno.h);
 * programs get them from <errno.h> once they link libc. */
#define EFAULT 14
#define EINVAL 22
#define ENOSYS 88
#define EOK    0

int *__get_errno_ptr(void);
#define errno (*__get_errno_ptr())
size_t qs_strlen(const char *s);
void qs_puts(const char *s);
void qs_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "check NAME: PASS" or "check NAME: FAIL (got G, expected W)"; returns ok. */
int qs_check(const char *name, int ok, long got, long want);
/* Start func(arg) in a new thread of this process (its return value ends it through
 * ThreadDestroy); returns the tid, or -errno. errno is per thread (its TLS block). */
int qs_thread_create(void *(*func)(void *), void *arg);
void qs_thread_exit(void *status) __attribute__((noreturn));
/* got and want are evaluated once each (got is often a kernel call). */
#define CHECK_EQ(name, got, want) ({ \
	long _qs_got = (long)(got), _qs_want = (long)(want); \
	qs_check(name, _qs_got == _qs_want, _qs_got, _qs_want); \
})
#endif
