/* The boot script (the boot image's .script) and the run= bootarg: what taskman starts once it serves. */
/*
 * The script runs in a thread of its own, an ordinary client of taskman: it spawns with
 * _PROC_SPAWN and waits with _PROC_WAIT like any parent (its children have ppid 1), and
 * opens paths with the path-resolution protocol of sys/iomsg.h, so the main loop keeps
 * serving meanwhile. The syntax is in docs/taskman.md:
 *
 *   # comment                 PROG ARG... [&]            (& : do not wait for it)
 *   waitfor PATH [SECONDS]    reopen PATH                setenv NAME VALUE
 *   session PROG ARG...       (a session leader on fds 0-2, restarted when it exits)
 *
 * With run=PROG[,ARG...] the first `session` line (or the end of the script) runs PROG
 * once instead, prints "taskman: run PROG exited N" and shuts the machine down:
 * "(ok)" iff N is 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include "taskman.h"
#include "glue.h"
#include "proc.h"
#include "../lib/c/libc.h"	/* __fd_get: an fd's server, for the spawned fds 0-2 */

#define MAX_WORDS	32
#define MAX_ENV		32

static int tm = -1;			/* our connection to our own channel */
static char *run_words[MAX_WORDS];	/* run=: the command, or run_words[0] NULL */
static char *env[MAX_ENV + 1];
static int nenv;

/* An open file the script holds (a connection to its server), passed as fds 0-2. */
struct sfile {
	int		coid;		/* -1: none */
	uint32_t	nd;
	int32_t		pid, chid;
};
static struct sfile stdio_file = { -1, 0, 0, 0 };

static void say(const char *fmt, const char *a, int n)
{
	printf(fmt, a, n);
}

/* --- Opening paths: libc's open() (the script thread is an ordinary client) ---------------- */

/* Open path with ioflag: 0 and *f, or -errno. */
static int path_open(const char *path, int ioflag, struct sfile *f)
{
	int fd = open(path, ioflag | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct fdent fe;
	if (__fd_get(fd, &fe) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	*f = (struct sfile){ fd, fe.fe_nd, fe.fe_pid, fe.fe_chid };
	return 0;
}

static void file_close(struct sfile *f)
{
	if (f->coid < 0)
		return;
	close(f->coid);
	f->coid = -1;
}

static int devctl_i32(struct sfile *f, int dcmd, int32_t v)
{
	struct {
		struct _io_devctl h;
		int32_t v;
	} m = { { .type = _IO_DEVCTL, .dcmd = dcmd, .nbytes = sizeof v }, v };
	struct _io_devctl_reply r;
	return MsgSend(f->coid, &m, sizeof m, &r, sizeof r) < 0 ? -errno : 0;
}

/* --- Spawning and waiting ----------------------------------------------------------------- */

/* Spawn words[0] with words as argv, the script's env and fds 0-2: pid or -errno. */
static int spawn(char **words, uint16_t flags)
{
	static char buf[8192];
	struct _proc_spawn *h = (void *)buf;
	memset(h, 0, sizeof *h);
	size_t off = sizeof *h;
	int argc = 0;
	size_t need = strlen(words[0]) + 1 + 2;
	for (int i = 0; words[i]; i++)
		need += strlen(words[i]) + 1;
	for (int i = 0; i < nenv; i++)
		need += strlen(env[i]) + 1;
	if (off + need + 8 + 3 * sizeof(struct _proc_fdinh) > sizeof buf)
		return -E2BIG;
	strcpy(buf + off, words[0]);
	off += strlen(words[0]) + 1;
	for (; words[argc]; argc++) {
		strcpy(buf + off, words[argc]);
		off += strlen(words[argc]) + 1;
	}
	for (int i = 0; i < nenv; i++) {
		strcpy(buf + off, env[i]);
		off += strlen(env[i]) + 1;
	}
	strcpy(buf + off, "/");
	off += 2;
	h->type = _PROC_SPAWN;
	h->flags = flags;
	h->argc = argc;
	h->envc = nenv;
	h->strings_len = (uint32_t)(off - sizeof *h);
	off = (off + 7) & ~(size_t)7;
	if (stdio_file.coid >= 0) {
		for (int fd = 0; fd < 3; fd++) {
			struct _proc_fdinh fi = { fd, stdio_file.coid, stdio_file.nd, stdio_file.pid,
						  stdio_file.chid, 0 };
			memcpy(buf + off, &fi, sizeof fi);
			off += sizeof fi;
		}
		h->nfds = 3;
	}
	int r = MsgSend(tm, buf, (int)off, NULL, 0);
	return r < 0 ? -errno : r;
}

/* Wait for pid: its wait status, or -errno. */
static int wait_for(int pid)
{
	struct _proc_wait w = { .type = _PROC_WAIT, .pid = pid };
	struct _proc_wait_reply r;
	for (;;) {
		if (MsgSend(tm, &w, sizeof w, &r, sizeof r) >= 0)
			return r.status;
		if (errno != EINTR)
			return -errno;
	}
}

/* Background programs (`&` lines) by pid, so their ends can be reported by name. */
#define MAX_BG	16
static struct { int pid; char name[24]; } bg[MAX_BG];

static void bg_note(int pid, const char *name)
{
	for (int i = 0; i < MAX_BG; i++)
		if (bg[i].pid == 0) {
			bg[i].pid = pid;
			strncpy(bg[i].name, name, sizeof bg[i].name - 1);
			return;
		}
}

static void report(const char *what, const char *name, int st);

/* A child ended: a background program's end is news (a server died), so say so. */
static void ended(int pid, int st)
{
	for (int i = 0; i < MAX_BG; i++)
		if (bg[i].pid == pid) {
			report("script: background", bg[i].name, st);
			bg[i].pid = 0;
		}
}

/* Collect background children that have ended (nobody else will). */
static void reap_background(void)
{
	struct _proc_wait w = { .type = _PROC_WAIT, .pid = -1, .options = 1 };
	struct _proc_wait_reply r;
	while (MsgSend(tm, &w, sizeof w, &r, sizeof r) >= 0 && r.pid > 0)
		ended(r.pid, r.status);
}

static void sleep_ms(int ms)
{
	uint64_t ns = (uint64_t)ms * 1000000;
	ClockNanosleep(CLOCK_MONOTONIC, 0, &ns, NULL);
}

static uint64_t now_ms(void)
{
	uint64_t t = 0;
	ClockTime(CLOCK_MONOTONIC, NULL, &t);
	return t / 1000000;
}

static void report(const char *what, const char *name, int st)
{
	char buf[96];
	if ((st & 0x7f) == 0)
		snprintf(buf, sizeof buf, "taskman: %s %s exited %d\n", what, name, (st >> 8) & 0xff);
	else
		snprintf(buf, sizeof buf, "taskman: %s %s killed by signal %d\n", what, name, st & 0x7f);
	printf("%s", buf);
}

/* run=: the command instead of the shell, then the machine stops. */
static void __attribute__((noreturn)) run_command(void)
{
	int pid = spawn(run_words, 0);
	if (pid < 0) {
		say("taskman: run %s: cannot spawn: error %d\n", run_words[0], -pid);
		tm_shutdown(1);
	}
	int st = wait_for(pid);
	report("run", run_words[0], st);
	sync();			/* what it wrote, to the disks (we are a client here) */
	tm_shutdown(st != 0);
}

/* session PROG...: a session leader whose controlling terminal is fds 0-2's, restarted
 * whenever it exits (a login-like loop; slower if it keeps failing at once). */
static void session(char **words)
{
	int quick = 0;
	for (;;) {
		uint64_t t0 = now_ms();
		int pid = spawn(words, _PROC_SPAWN_SETSID);
		if (pid < 0) {
			say("taskman: session %s: cannot spawn: error %d\n", words[0], -pid);
			return;
		}
		if (stdio_file.coid >= 0) {
			devctl_i32(&stdio_file, DCMD_CHR_TCSETSID, pid);
			devctl_i32(&stdio_file, DCMD_CHR_TCSETPGRP, pid);
		}
		int st = wait_for(pid);
		report("session", words[0], st);
		reap_background();
		quick = now_ms() - t0 < 1000 ? quick + 1 : 0;
		if (quick >= 5)
			sleep_ms(1000);		/* it keeps dying at once: do not spin */
	}
}

/* Split line into words (spaces and tabs; no quoting). Returns the count. */
static int split(char *line, char **w)
{
	int n = 0;
	for (char *p = strtok(line, " \t"); p && n < MAX_WORDS - 1; p = strtok(NULL, " \t"))
		w[n++] = p;
	w[n] = NULL;
	return n;
}

static void line(char *text, int lineno)
{
	char *w[MAX_WORDS];
	int n = split(text, w);
	if (n == 0 || w[0][0] == '#')
		return;
	if (strcmp(w[0], "waitfor") == 0 && n >= 2) {
		int secs = n >= 3 ? atoi(w[2]) : 10;
		uint64_t until = now_ms() + (uint64_t)(secs > 0 ? secs : 10) * 1000;
		struct sfile f = { -1, 0, 0, 0 };
		int e;
		while ((e = path_open(w[1], O_RDONLY, &f)) < 0 && now_ms() < until)
			sleep_ms(10);
		if (e < 0)
			say("taskman: waitfor %s: not there (error %d)\n", w[1], -e);
		else
			file_close(&f);
		return;
	}
	if (strcmp(w[0], "reopen") == 0 && n == 2) {
		struct sfile f = { -1, 0, 0, 0 };
		int e = path_open(w[1], O_RDWR, &f);
		if (e < 0) {
			say("taskman: reopen %s: error %d\n", w[1], -e);
			return;
		}
		file_close(&stdio_file);
		stdio_file = f;
		return;
	}
	if (strcmp(w[0], "setenv") == 0 && n == 3) {
		size_t l = strlen(w[1]) + strlen(w[2]) + 2, nl = strlen(w[1]);
		char *e = malloc(l);
		if (e == NULL)
			return;
		snprintf(e, l, "%s=%s", w[1], w[2]);
		int i = 0;
		while (i < nenv && !(strncmp(env[i], e, nl + 1) == 0))
			i++;			/* a new value for NAME replaces the old */
		if (i == MAX_ENV) {
			free(e);
			return;
		}
		env[i] = e;		/* the old string may be a literal: not freed */
		if (i == nenv)
			env[++nenv] = NULL;
		return;
	}
	if (strcmp(w[0], "session") == 0 && n >= 2) {
		if (run_words[0])
			run_command();
		session(w + 1);
		return;
	}
	int bg = strcmp(w[n - 1], "&") == 0;
	if (bg)
		w[--n] = NULL;
	if (n == 0)
		return;
	int pid = spawn(w, 0);
	if (pid < 0) {
		char where[16];
		snprintf(where, sizeof where, "%d", lineno);
		printf("taskman: script line %s: %s: cannot spawn: error %d\n", where, w[0], -pid);
		return;
	}
	if (bg)
		bg_note(pid, w[0]);
	else {
		int st = wait_for(pid);
		if (st != 0)
			report("script:", w[0], st);
	}
	reap_background();
}

static void *script_main(void *arg)
{
	size_t len;
	const char *text = bootfs_script(&len);
	char *copy = text ? malloc(len + 1) : NULL;
	if (copy) {
		memcpy(copy, text, len + 1);
		int lineno = 1;
		for (char *p = copy, *nl; p && *p; p = nl ? nl + 1 : NULL, lineno++) {
			nl = strchr(p, '\n');
			if (nl)
				*nl = 0;
			line(p, lineno);
		}
	}
	if (run_words[0])
		run_command();
	printf("taskman: the boot script has ended\n");
	for (;;) {		/* keep reaping what it left running */
		struct _proc_wait w = { .type = _PROC_WAIT, .pid = -1 };
		struct _proc_wait_reply r;
		if (MsgSend(tm, &w, sizeof w, &r, sizeof r) >= 0)
			ended(r.pid, r.status);
		else if (errno == ECHILD)
			sleep_ms(1000);
	}
	return NULL;
}

void script_start(int argc, char **argv)
{
	static char runbuf[256];
	for (int i = 1; i < argc; i++)
		if (strncmp(argv[i], "run=", 4) == 0) {
			strncpy(runbuf, argv[i] + 4, sizeof runbuf - 1);
			int n = 0;
			for (char *w = strtok(runbuf, ","); w && n < MAX_WORDS - 1; w = strtok(NULL, ","))
				run_words[n++] = w;
			run_words[n] = NULL;
			if (n == 0) {
				printf("taskman: run= names no program\n");
				tm_shutdown(1);
			}
		}
	env[nenv++] = "PATH=/proc/boot";
	env[nenv] = NULL;
	tm = ConnectAttach(0, SYSMGR_PID, SYSMGR_CHID, _NTO_SIDE_CHANNEL, 0);
	pthread_t t;
	if (tm < 0 || pthread_create(&t, NULL, script_main, NULL) != 0) {
		printf("taskman: cannot start the boot script's thread\n");
		tm_shutdown(1);
	}
}
