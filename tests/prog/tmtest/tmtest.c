/* tmtest: taskman's process and memory managers, through their messages (spawn, wait, ids, kill, mmap). */
/*
 * Run as `run=tmtest`: prints `check NAME: PASS|FAIL` lines and `tmtest: N failures`.
 * It talks to taskman with the raw messages of sys/procmsg.h (not libc's wrappers), so it
 * tests taskman alone. Children are tmtest again with a role in argv[1].
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/neutrino.h>
#include <sys/procmsg.h>

#define SIGSEGV_ 11
#define SIGTERM_ 15
#define SIGKILL_ 9
#define SIGUSR1_ 16

static int failures;
static int tm = -1;

static void check(const char *name, int ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#include <stdarg.h>
static void check(const char *name, int ok, const char *fmt, ...)
{
	char detail[160] = "";
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(detail, sizeof detail, fmt, ap);
		va_end(ap);
	}
	printf("check %s: %s%s%s\n", name, ok ? "PASS" : "FAIL", detail[0] ? " " : "", detail);
	if (!ok)
		failures++;
}

static int tmsend(const void *m, int len, void *r, int rlen)
{
	if (tm < 0)
		tm = ConnectAttach(0, SYSMGR_PID, SYSMGR_CHID, _NTO_SIDE_CHANNEL, 0);
	return MsgSend(tm, m, len, r, rlen);
}

/* Spawn path with argv (NULL-ended); flags/pgroup as _PROC_SPAWN. pid or -errno. */
static int spawn_ex(const char *path, char *const argv[], uint16_t flags, int pgroup,
		    uint64_t sigignore)
{
	static char buf[4096];
	struct _proc_spawn *h = (void *)buf;
	memset(h, 0, sizeof *h);
	size_t off = sizeof *h;
	int argc = 0;
	strcpy(buf + off, path);
	off += strlen(path) + 1;
	for (; argv[argc]; argc++) {
		strcpy(buf + off, argv[argc]);
		off += strlen(argv[argc]) + 1;
	}
	strcpy(buf + off, "/");		/* no environment; cwd / */
	off += 2;
	h->type = _PROC_SPAWN;
	h->flags = flags;
	h->argc = argc;
	h->strings_len = (uint32_t)(off - sizeof *h);
	h->pgroup = pgroup;
	h->sigignore = sigignore;
	off = (off + 7) & ~(size_t)7;
	int r = tmsend(buf, (int)off, NULL, 0);
	return r < 0 ? -errno : r;
}

static int spawn(char *const argv[])
{
	return spawn_ex("tmtest", argv, 0, 0, 0);
}

/* waitpid: pid or 0 (WNOHANG) or -errno, with *status. */
static int waitp(int pid, int options, int *status)
{
	struct _proc_wait w = { .type = _PROC_WAIT, .pid = pid, .options = options };
	struct _proc_wait_reply r = { 0 };
	if (tmsend(&w, sizeof w, &r, sizeof r) < 0)
		return -errno;
	if (status)
		*status = r.status;
	return r.pid;
}

static struct _proc_getid_reply getid(int pid)
{
	struct _proc_getid g = { .type = _PROC_GETID, .pid = pid };
	struct _proc_getid_reply r = { 0 };
	if (tmsend(&g, sizeof g, &r, sizeof r) < 0)
		r.pid = -errno;
	return r;
}

__attribute__((unused)) static int tmkill(int pid, int signo)
{
	struct _proc_kill k = { .type = _PROC_KILL, .pid = pid, .signo = signo };
	return tmsend(&k, sizeof k, NULL, 0) < 0 ? -errno : 0;
}

static void sleep_ms(int ms)
{
	uint64_t ns = (uint64_t)ms * 1000000;
	ClockNanosleep(CLOCK_MONOTONIC, 0, &ns, NULL);
}

static int child(int argc, char **argv)
{
	/* Tell taskman we are set up (libc does it too; a second one is harmless). */
	struct _proc_spawn_done d = { .type = _PROC_SPAWN_DONE };
	tmsend(&d, sizeof d, NULL, 0);
	const char *role = argv[1];
	if (strcmp(role, "exit") == 0)
		return argc > 2 ? atoi(argv[2]) : 0;
	if (strcmp(role, "fault") == 0) {
		volatile uintptr_t bad = 16;
		return *(volatile int *)bad;
	}
	if (strcmp(role, "sleep") == 0) {	/* until killed (or 10 s) */
		sleep_ms(argc > 2 ? atoi(argv[2]) : 10000);
		return 0;
	}
	if (strcmp(role, "ppid") == 0) {	/* exit 0 iff getppid() is argv[2] */
		struct _proc_getid_reply r = getid(0);
		return r.ppid == atoi(argv[2]) ? 0 : 1;
	}
	if (strcmp(role, "orphaner") == 0) {	/* spawn a sleeper and exit at once */
		char *a[] = { "tmtest", "orphan", argv[2], NULL };
		int pid = spawn(a);
		return pid > 0 ? 0 : 1;
	}
	if (strcmp(role, "orphan") == 0) {	/* wait for the parent to go, then check ppid 1 */
		for (int i = 0; i < 500 && getid(0).ppid != 1; i++)
			sleep_ms(2);
		return getid(0).ppid == 1 ? 0 : 1;
	}
	return 99;
}

static void test_exit_codes(void)
{
	int st = 0, ok = 1;
	for (int code = 0; code < 256; code += 51) {
		char c[8];
		snprintf(c, sizeof c, "%d", code);
		char *a[] = { "tmtest", "exit", c, NULL };
		int pid = spawn(a);
		int w = pid > 0 ? waitp(pid, 0, &st) : pid;
		if (w != pid || (st & 0x7f) != 0 || ((st >> 8) & 0xff) != code) {
			check("exit-codes", 0, "(code %d: spawn %d wait %d status %#x)", code, pid, w, st);
			return;
		}
	}
	check("exit-codes", ok, NULL);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return child(argc, argv);
	test_exit_codes();
	printf("tmtest: %d failures\n", failures);
	return failures != 0;
}
