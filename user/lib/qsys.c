/* The smallest user system layer until libc arrives: errno (per thread) and console output. */
#include <sys/neutrino.h>
#include <stddef.h>
#include <stdarg.h>
#include "qsys.h"

/* errno is per thread: the kernel starts every thread with tp at its own
 * thread-local storage block, whose __errptr points at its __errval. */
int *__get_errno_ptr(void)
{
	return &__tls()->__errval;
}

void qs_thread_exit(void *status)
{
	ThreadDestroy_r(0, -1, status);
	for (;;)
		;
}

int qs_thread_create(void *(*func)(void *), void *arg)
{
	struct _thread_attr attr = { 0 };
	attr.__exitfunc = qs_thread_exit;
	return ThreadCreate_r(0, func, arg, &attr);
}

size_t qs_strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

void qs_puts(const char *s)
{
	KerDebugWrite(s, (int)qs_strlen(s));
}

/* A tiny printf: %d %u %x %s %c %ld %lx. */
void qs_printf(const char *fmt, ...)
{
	char buf[256];
	size_t n = 0;
	va_list ap;
	va_start(ap, fmt);
	for (; *fmt && n < sizeof buf - 24; fmt++) {
		if (*fmt != '%') {
			buf[n++] = *fmt;
			continue;
		}
		int lng = 0;
		while (*++fmt == 'l')
			lng = 1;
		unsigned long long v;
		int neg = 0, base = 10;
		switch (*fmt) {
		case 's':
			for (const char *s = va_arg(ap, const char *); *s && n < sizeof buf - 24; s++)
				buf[n++] = *s;
			continue;
		case 'c':
			buf[n++] = (char)va_arg(ap, int);
			continue;
		case 'd': {
			long long d = lng ? va_arg(ap, long) : va_arg(ap, int);
			neg = d < 0;
			v = neg ? -(unsigned long long)d : (unsigned long long)d;
			break;
		}
		case 'x':
			base = 16;
			/* fall through */
		default:
			v = lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
		}
		char tmp[24];
		int t = 0;
		do {
			tmp[t++] = "0123456789abcdef"[v % (unsigned)base];
			v /= (unsigned)base;
		} while (v);
		if (neg)
			buf[n++] = '-';
		while (t)
			buf[n++] = tmp[--t];
	}
	va_end(ap);
	KerDebugWrite(buf, (int)n);
}

int qs_check(const char *name, int ok, long got, long want)
{
	if (ok)
		qs_printf("check %s: PASS\n", name);
	else
		qs_printf("check %s: FAIL (got %ld, expected %ld)\n", name, got, want);
	return ok;
}
