/* libctest: pipes between processes: a child writing, EOF, EPIPE and SIGPIPE, 1 MiB intact, stdio buffering on a pipe. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include "libctest.h"

#define BIG	(1 << 20)

/* The child's stdout is the pipe: it says hello and exits; then the pipe is at EOF. */
static void child_writes(void)
{
	int p[2];
	char buf[64] = "";
	int r = pipe2(p, O_CLOEXEC);	/* the child gets only the end it is given */
	char *av[] = { "libctest", "hello", NULL };
	pid_t pid = r == 0 ? lt_spawn(av, -1, p[1], -1) : -1;
	if (r == 0)
		close(p[1]);
	ssize_t n = r == 0 ? read(p[0], buf, sizeof buf - 1) : -1;
	buf[n > 0 ? n : 0] = 0;
	ssize_t eof = r == 0 ? read(p[0], buf + 40, 10) : -1;
	int st = lt_wait(pid);
	check("libc-pipe-child-writes-then-eof", pid > 0 && !strcmp(buf, "hello from the child\n")
	      && eof == 0 && st == 0, "read '%s', then %zd; child %d", buf, eof, st);
	if (r == 0)
		close(p[0]);
}

/* 1 MiB from the child's stdio (odd-sized fwrites), checked byte for byte. */
static void one_mib(void)
{
	int p[2];
	static unsigned char buf[10000];
	if (pipe2(p, O_CLOEXEC) != 0) {
		check("libc-pipe-1mib-intact", 0, "pipe: errno %d", errno);
		return;
	}
	char *av[] = { "libctest", "fwrite", "1048576", NULL };
	pid_t pid = lt_spawn(av, -1, p[1], -1);
	close(p[1]);
	long got = 0, bad = -1;
	ssize_t n;
	while ((n = read(p[0], buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < n && bad < 0; i++)
			if (buf[i] != lt_pattern((unsigned long)(got + i)))
				bad = got + i;
		got += n;
	}
	close(p[0]);
	int st = lt_wait(pid);
	check("libc-pipe-1mib-intact", n == 0 && got == BIG && bad < 0 && st == 0,
	      "got %ld bytes, first bad at %ld, child %d", got, bad, st);
}

/* The child's stdout is a pipe: its printf stays buffered until it exits. */
static void stdio_on_pipe(void)
{
	int out[2], sync[2], in[2];
	char buf[64] = "";
	if (pipe2(out, O_CLOEXEC) || pipe2(sync, O_CLOEXEC) || pipe2(in, O_CLOEXEC)) {
		check("libc-stdio-stdout-fully-buffered-on-pipe", 0, "pipe: errno %d", errno);
		return;
	}
	char *av[] = { "libctest", "buffered", NULL };
	pid_t pid = lt_spawn(av, in[0], out[1], sync[1]);
	close(out[1]);
	close(sync[1]);
	close(in[0]);
	ssize_t s = read(sync[0], buf, 1);	/* the child has printed its line */
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	errno = 0;
	ssize_t early = read(out[0], buf, sizeof buf);
	int early_errno = errno;
	fcntl(out[0], F_SETFL, 0);
	close(in[1]);				/* let it exit */
	ssize_t n = read(out[0], buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	int st = lt_wait(pid);
	check("libc-stdio-stdout-fully-buffered-on-pipe", s == 1 && early < 0 &&
	      early_errno == EAGAIN && !strcmp(buf, "buffered line\n") && st == 0,
	      "sync %zd, before exit read %zd errno %d, after '%s', child %d", s, early,
	      early_errno, buf, st);
	close(out[0]);
	close(sync[0]);
}

static volatile sig_atomic_t sigpipes;

static void on_sigpipe(int sig)
{
	sigpipes++;
}

/* No reader: EPIPE, with SIGPIPE caught, ignored, or (in a child) killing it. */
static void no_reader(void)
{
	int p[2];
	struct sigaction sa, old;
	memset(&sa, 0, sizeof sa);
	if (pipe(p) != 0) {
		check("libc-pipe-epipe-sigpipe", 0, "pipe: errno %d", errno);
		return;
	}
	close(p[0]);
	sa.sa_handler = on_sigpipe;
	sigaction(SIGPIPE, &sa, &old);
	sigpipes = 0;
	errno = 0;
	ssize_t w = write(p[1], "x", 1);
	int e1 = errno;
	for (int i = 0; i < 100 && !sigpipes; i++)
		usleep(1000);
	int caught = sigpipes;
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	errno = 0;
	ssize_t w2 = write(p[1], "x", 1);
	int e2 = errno;
	sigaction(SIGPIPE, &old, NULL);
	check("libc-pipe-epipe-sigpipe", w < 0 && e1 == EPIPE && caught == 1 && w2 < 0 &&
	      e2 == EPIPE, "caught: %zd errno %d, %d signals; ignored: %zd errno %d", w, e1,
	      caught, w2, e2);

	char *av[] = { "libctest", "sigpipe", NULL };
	int st = lt_wait(lt_spawn(av, -1, p[1], -1));
	check("libc-pipe-sigpipe-kills-by-default", st == 128 + SIGPIPE, "child %d", st);
	close(p[1]);
}

void test_pipes(void)
{
	child_writes();
	one_mib();
	stdio_on_pipe();
	no_reader();
}
