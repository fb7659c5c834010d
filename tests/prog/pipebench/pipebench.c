/* pipebench: pipe throughput between two processes (bench pipe_throughput N insns/MiB). */
/*
 * Run as `run=pipebench[,MIB]` under -icount shift=0, where rdcycle counts guest
 * instructions. pipebench spawns itself as the writer ("pipebench writer MIB LEAD"),
 * whose stdout is the pipe's write end: it sends LEAD bytes to say it is running, then
 * MIB MiB in 64 KiB writes. The reader times from its first read to EOF (the spawn is
 * not counted) and scales the instructions to one MiB of what came in that time. The
 * figure is the median of ROUNDS rounds. With an 8-byte lead the data stays 8-byte
 * aligned in the pipe's ring (pipe_throughput); a 1-byte lead puts every byte off by one
 * (pipe_throughput_unaligned), which costs whatever the copies do with that.
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

static int writer(long mib, long lead)
{
	memset(buf, 'p', sizeof buf);
	if (write(1, buf, (size_t)lead) != lead)
		return 1;
	for (long left = mib * MIB; left > 0;) {
		ssize_t w = write(1, buf, left < CHUNK ? (size_t)left : CHUNK);
		if (w <= 0)
			return 1;
		left -= w;
	}
	return 0;
}

/* One round: instructions per MiB from a fresh writer, or 0 on failure. */
static uint64_t round_trip(long mib, int lead)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0) {
		fprintf(stderr, "pipebench: pipe: %s\n", strerror(errno));
		return 0;
	}
	char amib[24], alead[8];
	snprintf(amib, sizeof amib, "%ld", mib);
	snprintf(alead, sizeof alead, "%d", lead);
	char *argv[] = { "pipebench", "writer", amib, alead, NULL };
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
	uint64_t t0 = 0;
	long total = 0, timed = 0;
	ssize_t n;
	while ((n = read(p[0], buf, sizeof buf)) > 0) {
		if (total == 0)
			t0 = cycles();		/* the writer is running: from here on */
		else
			timed += n;
		total += n;
	}
	uint64_t t1 = cycles();
	close(p[0]);
	int st;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0 ||
	    n < 0 || total != mib * MIB + lead || timed < MIB / 2) {
		fprintf(stderr, "pipebench: got %ld of %ld bytes (read %zd)\n", total,
			mib * MIB + lead, n);
		return 0;
	}
	return (uint64_t)((double)(t1 - t0) * MIB / (double)timed);
}

/* The median of ROUNDS rounds, printed as NAME's figure. */
static int figure(const char *name, long mib, int lead)
{
	uint64_t v[ROUNDS];
	for (int i = 0; i < ROUNDS; i++)
		if ((v[i] = round_trip(mib, lead)) == 0)
			return 1;
	for (int i = 1; i < ROUNDS; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	printf("bench %s %llu insns/MiB\n", name, (unsigned long long)v[ROUNDS / 2]);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "writer"))
		return writer(atol(argv[2]), atol(argv[3]));
	long mib = argc == 2 ? atol(argv[1]) : 4;
	if (argc > 2 || mib <= 0 || mib > 1024) {
		fprintf(stderr, "usage: pipebench [MIB]  (1..1024, default 4)\n");
		return 2;
	}
	if (figure("pipe_throughput", mib, 8) || figure("pipe_throughput_unaligned", mib, 1))
		return 1;
	return 0;
}
