/* libctest's parts: each test file has one entry point; check() prints a check line. */
#ifndef LIBCTEST_H
#define LIBCTEST_H
#include <stdarg.h>
#include <sys/types.h>

#define LT_SELF	"/proc/boot/libctest"	/* the helper child is libctest itself */
#define LT_DIR	"/tmp/libctest"		/* scratch files; made by main, in tmpfs */

int pipe2(int fd[2], int flags);	/* picolibc's <unistd.h> lacks it */

extern int failures;
int check(const char *name, int ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Spawn LT_SELF with argv (argv[0] "libctest", argv[1] a helper mode), the parent's
 * environment and fds 0/1/3 (or -1: the child keeps ours) dup'd from in/out/sync.
 * The pid, or -1 with errno. */
pid_t lt_spawn(char *const argv[], int in, int out, int sync);
/* Wait for pid: its exit status, 128 + the signal that killed it, or -1. */
int lt_wait(pid_t pid);
/* Run a helper mode (argv[1]) in a child; its exit status, or -1 if no such mode. */
int lt_child(int argc, char **argv);
/* Byte i of the stream the fwrite helper sends. */
static inline unsigned char lt_pattern(unsigned long i)
{
	return (unsigned char)(i * 131 + (i >> 9));
}

void test_threads(void);
void test_stdio(void);
void test_files(void);
void test_spawn(void);
void test_pipes(void);
void test_signals(void);
void test_time(void);
void test_tty(void);
#endif
