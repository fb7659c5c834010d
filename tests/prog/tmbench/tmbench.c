/* tmbench: the cost of spawning and waiting for a small program (bench spawn_wait N insns). */
/*
 * Run as `run=tmbench` under -icount shift=0 (make bench), where rdcycle counts guest
 * instructions. The child is tmbench itself with argv[1] "child": it tells taskman it is
 * set up and exits 0. The figures are medians of 21 spawn+wait round trips as the parent
 * sees them (taskman, the kernel and the child's whole life included): spawn_wait with
 * taskman's messages sent directly, posix_spawn_wait through libc (posix_spawn, waitpid)
 * with the child a libc program's whole start-up and exit.
 */
#include <spawn.h>
#include <stdio.h>
#include <sys/wait.h>
#include <string.h>
#include <stdint.h>
#include <sys/neutrino.h>
#include <sys/procmsg.h>

#define RUNS 21

static int tm = -1;

static uint64_t cycles(void)
{
	uint64_t v;
	__asm__ __volatile__("rdcycle %0" : "=r"(v));
	return v;
}

static int spawn_wait(void)
{
	static char buf[256];
	struct _proc_spawn *h = (void *)buf;
	memset(buf, 0, sizeof buf);
	size_t off = sizeof *h;
	static const char strings[] = "tmbench\0tmbench\0child\0/";
	memcpy(buf + off, strings, sizeof strings);
	off += sizeof strings;
	h->type = _PROC_SPAWN;
	h->argc = 2;
	h->strings_len = (uint32_t)sizeof strings;
	off = (off + 7) & ~(size_t)7;
	int pid = MsgSend(tm, buf, (int)off, NULL, 0);
	if (pid <= 0)
		return -1;
	struct _proc_wait w = { .type = _PROC_WAIT, .pid = pid };
	struct _proc_wait_reply r;
	if (MsgSend(tm, &w, sizeof w, &r, sizeof r) < 0 || r.pid != pid || r.status != 0)
		return -1;
	return 0;
}

static int posix_spawn_wait(void)
{
	static char *const args[] = { "tmbench", "child", NULL };
	static char *const envp[] = { NULL };
	pid_t pid;
	int st;
	if (posix_spawn(&pid, "/proc/boot/tmbench", NULL, NULL, args, envp) != 0)
		return -1;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -1;
	return 0;
}

/* The median instructions of RUNS calls of f (after 3 to warm taskman's tables), or 0. */
static uint64_t median(int (*f)(void))
{
	uint64_t v[RUNS];
	for (int i = 0; i < 3; i++)
		if (f())
			return 0;
	for (int i = 0; i < RUNS; i++) {
		uint64_t t0 = cycles();
		if (f())
			return 0;
		v[i] = cycles() - t0;
	}
	for (int i = 1; i < RUNS; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[RUNS / 2];
}

int main(int argc, char **argv)
{
	tm = ConnectAttach(0, SYSMGR_PID, SYSMGR_CHID, _NTO_SIDE_CHANNEL, 0);
	if (argc > 1 && strcmp(argv[1], "child") == 0) {
		struct _proc_spawn_done d = { .type = _PROC_SPAWN_DONE };
		MsgSend(tm, &d, sizeof d, NULL, 0);
		return 0;
	}
	uint64_t raw = median(spawn_wait), lib = median(posix_spawn_wait);
	if (!raw || !lib)
		return printf("tmbench: spawn failed\n"), 1;
	printf("bench spawn_wait %llu insns\n", (unsigned long long)raw);
	printf("bench posix_spawn_wait %llu insns\n", (unsigned long long)lib);
	return 0;
}
