/* stdin, stdout and stderr: picolibc's buffered streams on fds 0, 1 and 2. */
/*
 * stdout is line-buffered on a terminal (and on the kernel console, when fd 1 is not
 * open) and fully buffered otherwise; stderr is always line-buffered, so a message goes
 * out in one write; stdin is buffered. All are flushed at exit (an atexit handler
 * registered first, so it runs after the program's own).
 */
#include <stdio.h>
#include <stdio-bufio.h>
#include <stdlib.h>
#include <unistd.h>
#include "libc.h"

static char inbuf[BUFSIZ], outbuf[BUFSIZ], errbuf[256];

static struct __file_bufio in = FDEV_SETUP_BUFIO(0, inbuf, sizeof inbuf, read, write, lseek,
						 close, __SRD, 0);
static struct __file_bufio out = FDEV_SETUP_BUFIO(1, outbuf, sizeof outbuf, read, write,
						  lseek, close, __SWR, 0);
static struct __file_bufio err = FDEV_SETUP_BUFIO(2, errbuf, sizeof errbuf, read, write,
						  lseek, close, __SWR, __BLBF);

FILE *const stdin = &in.xfile.cfile.file;
FILE *const stdout = &out.xfile.cfile.file;
FILE *const stderr = &err.xfile.cfile.file;

void __libc_stdio_flush(void)
{
	fflush(stdout);
	fflush(stderr);
}

void __libc_stdio_init(void)
{
	if (__fd_get(1, NULL) < 0 || isatty(1))
		out.bflags |= __BLBF;
	__bufio_lock_init(stdin);
	__bufio_lock_init(stdout);
	__bufio_lock_init(stderr);
	atexit(__libc_stdio_flush);
}
