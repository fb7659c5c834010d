/* libctest's helper child: libctest spawned with a mode word plays the other process of a check. */
/*
 * Each mode's exit status says what it saw: 0 all as expected, other values which check
 * failed. Modes are listed in the table at the end with the argument count they take.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "libctest.h"

extern char **environ;

pid_t lt_spawn(char *const argv[], int in, int out, int sync)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	if (in >= 0)
		posix_spawn_file_actions_adddup2(&fa, in, 0);
	if (out >= 0)
		posix_spawn_file_actions_adddup2(&fa, out, 1);
	if (sync >= 0)
		posix_spawn_file_actions_adddup2(&fa, sync, 3);
	pid_t pid;
	int r = posix_spawn(&pid, LT_SELF, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r) {
		errno = r;
		return -1;
	}
	return pid;
}

int lt_wait(pid_t pid)
{
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
}

/* exit N: exit with status N. */
static int mode_exit(char **a)
{
	exit(atoi(a[0]));
}

/* raise SIG: die of SIG (status 3 if it returns). */
static int mode_raise(char **a)
{
	raise(atoi(a[0]));
	return 3;
}

/* args: the argv and environment lt_spawn's caller passed (see spawn.c). */
static int mode_args(char **a)
{
	if (strcmp(a[0], "two words") || strcmp(a[1], "") || strcmp(a[2], "x=y"))
		return 3;
	const char *v = getenv("LT_VAR");
	if (v == NULL || strcmp(v, "some value"))
		return 4;
	if (getenv("LT_UNSET") != NULL)
		return 5;
	return 0;
}

/* hello: a line on stdout (which the parent redirected). */
static int mode_hello(char **a)
{
	printf("hello from the child\n");
	return 0;
}

/* closed FD: FD is not open here. */
static int mode_closed(char **a)
{
	int fd = atoi(a[0]);
	return fcntl(fd, F_GETFD) < 0 && errno == EBADF ? 0 : 3;
}

/* holds FD TEXT: FD is open on a file that starts with TEXT. */
static int mode_holds(char **a)
{
	char buf[64];
	int fd = atoi(a[0]);
	size_t n = strlen(a[1]);
	if (lseek(fd, 0, SEEK_SET) != 0)
		return 3;
	if (read(fd, buf, sizeof buf) < (ssize_t)n || memcmp(buf, a[1], n))
		return 4;
	return 0;
}

/* drain: read stdin to EOF, then exit 0. */
static int mode_drain(char **a)
{
	char buf[256];
	ssize_t r;
	while ((r = read(0, buf, sizeof buf)) > 0)
		;
	return r == 0 ? 0 : 3;
}

/* buffered: a line into stdout (a pipe: fully buffered, so it stays here), a byte on fd 3
 * to say so, then wait for EOF on stdin; exit flushes the line. */
static int mode_buffered(char **a)
{
	printf("buffered line\n");
	if (write(3, "x", 1) != 1)
		return 3;
	return mode_drain(a);
}

/* fwrite N: N bytes of lt_pattern through stdout's stdio buffer. */
static int mode_fwrite(char **a)
{
	static unsigned char buf[7777];		/* not a divisor of the pipe's buffer */
	long n = atol(a[0]);
	for (long done = 0; done < n;) {
		size_t k = n - done < (long)sizeof buf ? (size_t)(n - done) : sizeof buf;
		for (size_t i = 0; i < k; i++)
			buf[i] = lt_pattern((unsigned long)done + i);
		if (fwrite(buf, 1, k, stdout) != k)
			return 3;
		done += (long)k;
	}
	return fflush(stdout) == 0 ? 0 : 4;
}

/* sigpipe: write to stdout, a pipe with no reader: SIGPIPE ends us (3 if not). */
static int mode_sigpipe(char **a)
{
	write(1, "x", 1);
	return 3;
}

static const struct {
	const char *name;
	int nargs;
	int (*run)(char **args);
} modes[] = {
	{ "exit", 1, mode_exit }, { "raise", 1, mode_raise }, { "args", 3, mode_args },
	{ "hello", 0, mode_hello }, { "closed", 1, mode_closed }, { "holds", 2, mode_holds },
	{ "drain", 0, mode_drain }, { "buffered", 0, mode_buffered },
	{ "fwrite", 1, mode_fwrite }, { "sigpipe", 0, mode_sigpipe },
};

int lt_child(int argc, char **argv)
{
	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
		if (!strcmp(argv[1], modes[i].name) && argc == modes[i].nargs + 2)
			return modes[i].run(argv + 2);
	return -1;
}
