/* pipebench: pipe throughput between two processes (bench pipe_throughput N insns per MiB). */
/*
 * Run as `run=pipebench[,MIB]` under -icount shift=0, where rdcycle counts guest
 * instructions. pipebench spawns itself as the writer ("pipebench writer MIB"), whose
 * stdout is the pipe's write end: it sends one byte to say it is running, then MIB MiB
 * in 64 KiB writes. The reader times from that byte to EOF, so the spawn is not counted,
 * and checks the byte count. The figure is the median of ROUNDS rounds, per MiB.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SELF	"/proc/boot/pipebench"
#define ROUNDS	5
#define CHUNK	65536
#define MIB	(1024L * 1024)

int pipe2(int fd[2], int flags);	/* picolibc's <unistd.h> lacks it */
extern char **environ;

static char buf[CHUNK];

static uint64_t cycles(void)
{
	uint64_t v;
	__asm__ __volatile__("rdcycle %0" : "=r"(v));
	return v;
}

static int writer(long mib)
{
	memset(buf, 'p', sizeof buf);
	if (write(1, buf, 1) != 1)
		return 1;
	for (long left = mib * MIB; left > 0;) {
		ssize_t w = write(1, buf, left < CHUNK ? (size_t)left : CHUNK);
		if (w <= 0)
			return 1;
		left -= w;
	}
	return 0;
}

/* One round: instructions for mib MiB from a fresh writer, or 0 on failure. */
static uint64_t round_trip(long mib)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0) {
		fprintf(stderr, "pipebench: pipe: %s\n", strerror(errno));
		return 0;
	}
	char arg[24];
	snprintf(arg, sizeof arg, "%ld", mib);
	char *argv[] = { "pipebench", "writer", arg, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	pid_t pid;
	int r = posix_spawn(&pid, SELF, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (r != 0) {
		fprintf(stderr, "pipebench: spawn: %s\n", strerror(r));
		close(p[0]);
		return 0;
	}
	uint64_t t0 = 0, t1;
	long got = -1;		/* the start byte is not counted */
	ssize_t n;
	while ((n = read(p[0], buf, sizeof buf)) > 0) {
		if (got < 0)
			t0 = cycles();
		got += n;
	}
	t1 = cycles();
	close(p[0]);
	int st;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0 ||
	    n < 0 || got != mib * MIB) {
		fprintf(stderr, "pipebench: got %ld of %ld bytes (read %zd)\n", got, mib * MIB, n);
		return 0;
	}
	return t1 - t0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "writer"))
		return writer(atol(argv[2]));
	long mib = argc == 2 ? atol(argv[1]) : 4;
	if (argc > 2 || mib <= 0 || mib > 1024) {
		fprintf(stderr, "usage: pipebench [MIB]  (1..1024, default 4)\n");
		return 2;
	}
	uint64_t v[ROUNDS];
	for (int i = 0; i < ROUNDS; i++)
		if ((v[i] = round_trip(mib)) == 0)
			return 1;
	for (int i = 1; i < ROUNDS; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	printf("bench pipe_throughput %llu insns\n", (unsigned long long)(v[ROUNDS / 2] / mib));
	return 0;
}
