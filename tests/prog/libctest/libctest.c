/* libctest: the libc conformance program (run=libctest): check lines, then "libctest: N failures". */
/*
 * Each part (threads.c, stdio.c, files.c, spawn.c, pipes.c, signals.c, time.c, tty.c)
 * checks one area through the calls a program would make. Scratch files go to LT_DIR in
 * /tmp, so tmpfs and the pipe server must be running (the boot script starts them), and
 * fds 0-2 must be the console (run= gives them). libctest spawned with a mode word is
 * the helper child of a check (child.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/neutrino.h>
#include "libctest.h"

int failures;

int check(const char *name, int ok, const char *fmt, ...)
{
	if (ok) {
		printf("check %s: PASS\n", name);
		return 1;
	}
	char why[160] = "";
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	printf("check %s: FAIL (%s)\n", name, why);
	failures++;
	return 0;
}

static __thread int tls_counter = 42;
static __thread char tls_buf[64];

static void test_basics(void)
{
	check("libc-tls-initialised", tls_counter == 42 && tls_buf[0] == 0 && tls_buf[63] == 0,
	      "tls_counter %d", tls_counter);
	errno = 0;
	int r = ConnectDetach(12345);
	check("libc-errno-from-kernel-call", r == -1 && errno == EINVAL, "r %d errno %d", r, errno);
	extern int *__get_errno_ptr(void);
	check("libc-errno-is-picolibcs", __get_errno_ptr() == &errno, "%p vs %p",
	      (void *)__get_errno_ptr(), (void *)&errno);
}

static void test_malloc(void)
{
	void *p[64] = { 0 };
	int ok = 1;
	for (int i = 0; i < 64; i++) {
		p[i] = malloc(1000 + i * 37);
		if (p[i] == NULL) {
			ok = 0;
			break;
		}
		memset(p[i], i, 1000 + i * 37);
	}
	for (int i = 0; ok && i < 64; i++)
		ok = ((unsigned char *)p[i])[999] == i;
	for (int i = 0; i < 64; i++)
		free(p[i]);
	check("libc-malloc-64-blocks", ok, "a block was lost or overwritten");
	void *big = malloc(1 << 20);
	check("libc-malloc-1mib", big != NULL, "malloc(1 MiB) failed");
	if (big) {
		memset(big, 0xa5, 1 << 20);
		free(big);
	}
	errno = 0;
	void *huge = malloc((size_t)1 << 40);
	check("libc-malloc-huge-fails-enomem", huge == NULL && errno == ENOMEM, "%p errno %d",
	      huge, errno);
}

int main(int argc, char **argv)
{
	if (argc > 1) {
		int r = lt_child(argc, argv);
		if (r < 0)
			fprintf(stderr, "usage: libctest (with no arguments)\n");
		return r < 0 ? 2 : r;
	}
	test_basics();
	test_malloc();
	test_threads();
	if (mkdir(LT_DIR, 0755) != 0 && errno != EEXIST)
		check("libc-scratch-dir", 0, "mkdir " LT_DIR ": errno %d", errno);
	test_stdio();
	test_files();
	test_spawn();
	test_pipes();
	test_signals();
	test_time();
	test_tty();
	rmdir(LT_DIR);
	printf("libctest: %d failures\n", failures);
	return failures != 0;
}
