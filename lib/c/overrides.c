/* The functions of ours that picolibc's libc.a also defines: referenced here so ours link first. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/lock.h>
#include <signal.h>
#include <string.h>

extern struct __lock __lock___libc_recursive_mutex;

void *__libc_overrides[] = {
	(void *)sbrk,
	(void *)&__lock___libc_recursive_mutex,	/* lock.c: every __retarget_lock_* */
	(void *)&stdout,			/* stdio.c */
	(void *)_exit,
	(void *)write,
	(void *)isatty,
	(void *)raise,			/* signal.c: raise, signal, strsignal (QNX numbers) */
	(void *)getpagesize,		/* sysconf.c */
	(void *)getopt,			/* getopt.c: POSIX's (no permuting) */
	(void *)strerror,		/* strerror.c: strerror, strerror_l, _strerror_r */
	(void *)memcpy,			/* memcpy.c: memcpy, memset (a word at a time) */
	(void *)memset,
};
