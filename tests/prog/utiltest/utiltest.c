/* utiltest: the utilities of cmd/ run as a shell would run them; run=utiltest. */
/*
 * Each utility is spawned with posix_spawnp, its stdin fed from a pipe and its stdout and
 * stderr read back through pipes; the exact output and the exit status are checked.
 * Prints one "check NAME: PASS|FAIL" line per check (a failure shows what came instead)
 * and ends with "utiltest: N failures". Spawned as "utiltest nonroot CMD..." it is its own
 * helper: it drops root and runs CMD with its fds, exiting with CMD's status.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

extern char **environ;
int pipe2(int fd[2], int flags);

#define T	"/tmp/ut"	/* the tests' directory in tmpfs */
#define X	"/ut-x"		/* a second tmpfs: another filesystem, for mv's EXDEV */

/* What one run of a utility gave. */
struct result {
	int	status;		/* the wait status */
	char	out[8192];
	char	err[2048];
};

static int failures;
static struct result res;

static void check(const char *name, int ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "check NAME: PASS|FAIL"; a failure is explained first, on a line of its own (fmt). */
static void check(const char *name, int ok, const char *fmt, ...)
{
	if (!ok && fmt) {
		va_list ap;
		printf("utiltest: %s: ", name);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		putchar('\n');
	}
	failures += !ok;
	printf("check %s: %s\n", name, ok ? "PASS" : "FAIL");
}

/* Read fd to its end into buf (NUL-ended, cut at size - 1), then close it. */
static void drain(int fd, char *buf, size_t size)
{
	size_t n = 0;
	for (;;) {
		ssize_t r = read(fd, buf + n, size - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || (n += (size_t)r) == size - 1)
			break;
	}
	buf[n] = 0;
	close(fd);
}

/* Spawn argv (through PATH) with stdin, stdout and stderr on the given fds. pid or -1. */
static pid_t spawn_on(char *const argv[], int in, int out, int err, int pgroup)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in, 0);
	posix_spawn_file_actions_adddup2(&fa, out, 1);
	posix_spawn_file_actions_adddup2(&fa, err, 2);
	posix_spawnattr_init(&at);
	if (pgroup) {
		posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
		posix_spawnattr_setpgroup(&at, 0);
	}
	pid_t pid;
	int e = posix_spawnp(&pid, argv[0], &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (e != 0) {
		errno = e;
		return -1;
	}
	return pid;
}

static int wait_for(pid_t pid)
{
	int status = -1;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

/* Run argv with input on its stdin; its output, errors and status in res. */
static struct result *run(const char *input, char *const argv[])
{
	int in[2], out[2], err[2];
	memset(&res, 0, sizeof res);
	res.status = -1;
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) {
		snprintf(res.err, sizeof res.err, "utiltest: pipe: %s", strerror(errno));
		return &res;
	}
	pid_t pid = spawn_on(argv, in[0], out[1], err[1], 0);
	close(in[0]);
	close(out[1]);
	close(err[1]);
	if (input)
		write(in[1], input, strlen(input));	/* small: fits in the pipe */
	close(in[1]);
	drain(out[0], res.out, sizeof res.out);
	drain(err[0], res.err, sizeof res.err);
	if (pid < 0)
		snprintf(res.err, sizeof res.err, "utiltest: spawn %s: %s", argv[0], strerror(errno));
	else
		res.status = wait_for(pid);
	return &res;
}

#define RUN(input, ...)		run(input, (char *[]){ __VA_ARGS__, NULL })

/* The exit status a wait status says, or -1 if the process did not exit. */
static int exit_of(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Check that the last run exited with status and printed exactly out and err. */
static void expect(const char *name, int status, const char *out, const char *err)
{
	int ok = exit_of(res.status) == status && strcmp(res.out, out) == 0 &&
		 strcmp(res.err, err) == 0;
	check(name, ok, "status 0x%x out \"%.150s\" err \"%.150s\"", res.status, res.out, res.err);
}

/* Check that the last run exited with status and its stdout contains piece. */
static void expect_has(const char *name, int status, const char *piece)
{
	int ok = exit_of(res.status) == status && strstr(res.out, piece) != NULL;
	check(name, ok, "status 0x%x out \"%.200s\" err \"%.150s\"", res.status, res.out, res.err);
}

/* Make path hold exactly s. 0 or -1. */
static int put_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	int ok = f != NULL && fputs(s, f) >= 0;
	if (f != NULL && fclose(f) != 0)
		ok = 0;
	return ok ? 0 : -1;
}

/* The whole (small) file path as a string, or "" if it cannot be read. */
static const char *file_text(const char *path)
{
	static char buf[1024];
	buf[0] = 0;
	int fd = open(path, O_RDONLY);
	if (fd >= 0)
		drain(fd, buf, sizeof buf);
	return buf;
}

static int exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static mode_t mode_of(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? st.st_mode : 0;
}

/* --- The simple ones -------------------------------------------------------------------- */
static void test_simple(void)
{
	RUN(NULL, "true");
	expect("true", 0, "", "");
	RUN(NULL, "false");
	expect("false", 1, "", "");
	RUN(NULL, "echo", "a", "b  c");
	expect("echo", 0, "a b  c\n", "");
	RUN(NULL, "echo", "-n", "x", "y");
	expect("echo-n", 0, "x y", "");
	RUN(NULL, "echo");
	expect("echo-empty", 0, "\n", "");
	RUN(NULL, "uname", "-s");
	expect("uname-s", 0, "QSOE\n", "");
	RUN(NULL, "uname");
	expect("uname-default", 0, "QSOE\n", "");
	RUN(NULL, "uname", "-m", "-s");
	expect("uname-order", 0, "QSOE riscv64\n", "");
	RUN(NULL, "uname", "-a");
	check("uname-a", exit_of(res.status) == 0 && strncmp(res.out, "QSOE qsoe 0.5 ", 14) == 0 &&
	      strstr(res.out, " riscv64\n") != NULL, "out \"%s\"", res.out);
}

/* --- Files: mkdir, touch, ls, cat, wc, head -------------------------------------------- */
static void test_mkdir_touch(void)
{
	RUN(NULL, "mkdir", T);
	expect("mkdir", 0, "", "");
	check("mkdir-made", S_ISDIR(mode_of(T)), NULL);
	RUN(NULL, "mkdir", T);
	expect("mkdir-exists", 1, "", "mkdir: " T ": File exists\n");
	RUN(NULL, "mkdir", "-p", T "/p/q/r", T);
	expect("mkdir-p", 0, "", "");
	check("mkdir-p-made", S_ISDIR(mode_of(T "/p/q/r")), NULL);
	RUN(NULL, "mkdir", "-m", "700", T "/m");
	expect("mkdir-m", 0, "", "");
	check("mkdir-m-mode", (mode_of(T "/m") & 07777) == 0700, "mode %o", mode_of(T "/m"));
	RUN(NULL, "mkdir", "-m", "9x", T "/bad");
	check("mkdir-m-bad", exit_of(res.status) == 2 && !exists(T "/bad"), NULL);
	RUN(NULL, "mkdir", T "/no/such");
	expect("mkdir-noparent", 1, "", "mkdir: " T "/no/such: No such file or directory\n");

	RUN(NULL, "touch", T "/t1", T "/t2");
	expect("touch-create", 0, "", "");
	check("touch-created", exists(T "/t1") && exists(T "/t2"), NULL);
	RUN(NULL, "touch", "-c", T "/t3");
	expect("touch-c", 0, "", "");
	check("touch-c-not-created", !exists(T "/t3"), NULL);
	struct timeval old[2] = { { 1000, 0 }, { 1000, 0 } };
	struct stat st;
	utimes(T "/t1", old);
	RUN(NULL, "touch", T "/t1");
	check("touch-updates-mtime", exit_of(res.status) == 0 && stat(T "/t1", &st) == 0 &&
	      st.st_mtime > 1000, "mtime %ld", (long)st.st_mtime);
	RUN(NULL, "touch", T "/none/x");
	expect("touch-error", 1, "", "touch: " T "/none/x: No such file or directory\n");
}

static void test_ls(void)
{
	RUN(NULL, "ls", T);
	expect("ls", 0, "m\np\nt1\nt2\n", "");
	RUN(NULL, "ls", "-a", T "/p");
	expect("ls-a", 0, ".\n..\nq\n", "");
	RUN(NULL, "ls", "-d", "-1", T "/p", T "/t1");
	expect("ls-d", 0, T "/p\n" T "/t1\n", "");
	RUN(NULL, "ls", T "/p", T "/t2", T "/m");
	expect("ls-operands", 0, T "/t2\n\n" T "/m:\n\n" T "/p:\nq\n", "");
	RUN(NULL, "ls", T "/nope", T "/t1");
	expect("ls-missing", 1, T "/t1\n", "ls: " T "/nope: No such file or directory\n");
	put_file(T "/t2", "12345678");
	chmod(T "/t2", 0644);
	RUN(NULL, "ls", "-l", T "/t2");
	check("ls-l-file", exit_of(res.status) == 0 && strncmp(res.out, "-rw-r--r-- 1 0 0 8 ", 19) == 0 &&
	      strstr(res.out, ":") && strcmp(res.out + strlen(res.out) - strlen(" " T "/t2\n"), " " T "/t2\n") == 0,
	      "out \"%s\"", res.out);
	RUN(NULL, "ls", "-l", T);
	check("ls-l-dir", exit_of(res.status) == 0 && strncmp(res.out, "drwx------ 2 0 0 ", 17) == 0 &&
	      strstr(res.out, " m\ndrwx") && strstr(res.out, " t2\n") && strstr(res.out, "\n-rw-r--r-- 1 0 0 8 "),
	      "out \"%s\"", res.out);
	RUN(NULL, "ls", "-ld", "/tmp");
	check("ls-l-sticky", exit_of(res.status) == 0 && strncmp(res.out, "drwxrwxrwt ", 11) == 0,
	      "out \"%s\"", res.out);
}

static void test_cat_wc_head(void)
{
	put_file(T "/a", "one\ntwo\n");
	put_file(T "/b", "three four  five\n");
	RUN(NULL, "cat", T "/a", T "/b");
	expect("cat-concat", 0, "one\ntwo\nthree four  five\n", "");
	RUN("typed\n", "cat");
	expect("cat-stdin", 0, "typed\n", "");
	RUN("middle\n", "cat", T "/a", "-", T "/b");
	expect("cat-dash", 0, "one\ntwo\nmiddle\nthree four  five\n", "");
	RUN(NULL, "cat", T "/missing", T "/a");
	expect("cat-missing-continues", 1, "one\ntwo\n", "cat: " T "/missing: No such file or directory\n");

	RUN(NULL, "wc", T "/a");
	expect("wc", 0, "      2       2       8 " T "/a\n", "");
	RUN(NULL, "wc", "-l", T "/a", T "/b");
	expect("wc-l-total", 0, "      2 " T "/a\n      1 " T "/b\n      3 total\n", "");
	RUN("a b c\nd\n", "wc", "-w");
	expect("wc-w-stdin", 0, "      4\n", "");
	RUN("abc", "wc", "-c", "-l");
	expect("wc-lc", 0, "      0       3\n", "");
	RUN(NULL, "wc", T "/a", T "/missing");
	expect("wc-missing", 1, "      2       2       8 " T "/a\n      2       2       8 total\n",
	       "wc: " T "/missing: No such file or directory\n");

	char lines[64] = "";
	for (int i = 1; i <= 15; i++)
		snprintf(lines + strlen(lines), sizeof lines - strlen(lines), "%d\n", i);
	put_file(T "/n", lines);
	RUN(NULL, "head", T "/n");
	expect("head-10", 0, "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n", "");
	RUN(NULL, "head", "-n", "3", T "/n");
	expect("head-n", 0, "1\n2\n3\n", "");
	RUN(NULL, "head", "-2", T "/n", T "/a");
	expect("head-N-headers", 0, "==> " T "/n <==\n1\n2\n\n==> " T "/a <==\none\ntwo\n", "");
	RUN("x\ny\nz\n", "head", "-n", "2");
	expect("head-stdin", 0, "x\ny\n", "");
	RUN(NULL, "head", "-n", "0", T "/n");
	expect("head-0", 0, "", "");
}

/* --- cp, mv, rm, rmdir -------------------------------------------------------------------- */

/* Start a second tmpfs at X and wait until it answers. Its pid, or -1. */
static pid_t start_tmpfs(void)
{
	int null = open("/dev/null", O_RDWR);
	pid_t pid = spawn_on((char *[]){ "tmpfs", X, NULL }, null, null, null, 0);
	close(null);
	for (int i = 0; pid > 0 && i < 200; i++) {
		if (S_ISDIR(mode_of(X)))
			return pid;
		usleep(10000);
	}
	return -1;
}

static void test_cp_mv(void)
{
	RUN(NULL, "cp", T "/a", T "/c");
	expect("cp", 0, "", "");
	check("cp-content", strcmp(file_text(T "/c"), "one\ntwo\n") == 0, NULL);
	RUN(NULL, "mkdir", T "/d");
	RUN(NULL, "cp", T "/a", T "/b", T "/d");
	expect("cp-into-dir", 0, "", "");
	check("cp-into-dir-files", strcmp(file_text(T "/d/b"), "three four  five\n") == 0 &&
	      exists(T "/d/a"), NULL);
	RUN(NULL, "cp", T "/d", T "/e");
	expect("cp-dir-needs-r", 1, "", "cp: " T "/d: is a directory (not copied without -r)\n");
	RUN(NULL, "cp", "-r", T "/d", T "/e");
	expect("cp-r", 0, "", "");
	check("cp-r-files", strcmp(file_text(T "/e/a"), "one\ntwo\n") == 0 && exists(T "/e/b"), NULL);
	RUN(NULL, "cp", "-r", T "/e", T "/e/sub");
	check("cp-r-into-itself", exit_of(res.status) == 1 && exists(T "/e/sub/a") &&
	      !exists(T "/e/sub/sub"), "status 0x%x err \"%s\"", res.status, res.err);
	RUN(NULL, "cp", T "/a", T "/a");
	expect("cp-same-file", 1, "", "cp: " T "/a and " T "/a are the same file\n");
	RUN(NULL, "cp", T "/a", T "/b", T "/c");
	expect("cp-many-not-dir", 1, "", "cp: " T "/c: Not a directory\n");

	RUN(NULL, "mv", T "/c", T "/c2");
	expect("mv", 0, "", "");
	check("mv-renamed", !exists(T "/c") && strcmp(file_text(T "/c2"), "one\ntwo\n") == 0, NULL);
	RUN(NULL, "mv", T "/c2", T "/t1", T "/d");
	expect("mv-into-dir", 0, "", "");
	check("mv-into-dir-files", exists(T "/d/c2") && exists(T "/d/t1") && !exists(T "/t1"), NULL);
	RUN(NULL, "mv", T "/nothing", T "/x");
	expect("mv-missing", 1, "", "mv: " T "/nothing: No such file or directory\n");

	pid_t fs = start_tmpfs();
	check("mv-second-tmpfs-up", fs > 0, NULL);
	if (fs < 0)
		return;
	RUN(NULL, "mv", T "/e", X "/e");
	expect("mv-exdev-dir", 0, "", "");
	check("mv-exdev-dir-moved", !exists(T "/e") && strcmp(file_text(X "/e/a"), "one\ntwo\n") == 0 &&
	      exists(X "/e/sub/b"), NULL);
	RUN(NULL, "mv", T "/b", X);
	expect("mv-exdev-file", 0, "", "");
	check("mv-exdev-file-moved", !exists(T "/b") &&
	      strcmp(file_text(X "/b"), "three four  five\n") == 0, NULL);
	kill(fs, SIGTERM);
	wait_for(fs);
}

static void test_rm(void)
{
	RUN(NULL, "rm", T "/a");
	expect("rm", 0, "", "");
	check("rm-removed", !exists(T "/a"), NULL);
	RUN(NULL, "rm", T "/d");
	expect("rm-dir-needs-r", 1, "", "rm: " T "/d: Is a directory\n");
	RUN(NULL, "rm", T "/gone", T "/n");
	expect("rm-missing-continues", 1, "", "rm: " T "/gone: No such file or directory\n");
	check("rm-missing-continued", !exists(T "/n"), NULL);
	RUN(NULL, "rm", "-f", T "/gone");
	expect("rm-f", 0, "", "");
	RUN(NULL, "rm", T "/.");
	expect("rm-dot", 1, "", "rm: " T "/.: \".\" and \"..\" may not be removed\n");
	RUN(NULL, "rmdir", T "/p");
	expect("rmdir-not-empty", 1, "", "rmdir: " T "/p: Directory not empty\n");
	RUN(NULL, "rmdir", T "/p/q/r", T "/p/q");
	expect("rmdir", 0, "", "");
	check("rmdir-removed", !exists(T "/p/q") && exists(T "/p"), NULL);
	RUN(NULL, "rm", "-r", T "/d", T "/p");
	expect("rm-r", 0, "", "");
	check("rm-r-removed", !exists(T "/d") && !exists(T "/p"), NULL);
	RUN(NULL, "rm", "-r", T);
	expect("rm-r-all", 0, "", "");
	check("rm-r-all-removed", !exists(T), NULL);
}

/* --- env ----------------------------------------------------------------------------------- */
static void test_env(void)
{
	RUN(NULL, "env", "-i", "A=1", "B=x y", "env");
	expect("env-i", 0, "A=1\nB=x y\n", "");
	RUN(NULL, "env", "-i");
	expect("env-i-empty", 0, "", "");
	RUN(NULL, "env", "NAME=V", "env");
	check("env-adds", exit_of(res.status) == 0 && strstr(res.out, "\nNAME=V\n") != NULL &&
	      strstr(res.out, "HOME=/\n") != NULL, "out \"%.200s\"", res.out);
	RUN(NULL, "env", "false");
	expect("env-status", 1, "", "");
	RUN(NULL, "env", "-i", "nosuchcmd", "a");
	expect("env-not-found", 127, "", "env: nosuchcmd: No such file or directory\n");
	RUN(NULL, "env", "-i", "PATH=/nowhere", "true");
	check("env-uses-new-path", exit_of(res.status) == 127, "status 0x%x", res.status);
}

/* --- Processes: sleep, kill, slay, pidin ------------------------------------------------- */

/* `sleep 10` in the background, with fds on /dev/null (in its own group if pgroup). */
static pid_t sleeper(int pgroup)
{
	int null = open("/dev/null", O_RDWR);
	pid_t pid = spawn_on((char *[]){ "sleep", "10", NULL }, null, null, null, pgroup);
	close(null);
	return pid;
}

static int killed_by(pid_t pid, int sig)
{
	int st = wait_for(pid);
	return WIFSIGNALED(st) && WTERMSIG(st) == sig;
}

static long elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static void test_sleep(void)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	RUN(NULL, "sleep", "0.5");
	long ms = elapsed_ms(&t0);
	check("sleep-fraction", exit_of(res.status) == 0 && ms >= 500 && ms < 3000, "%ld ms", ms);
	RUN(NULL, "sleep", "1x");
	expect("sleep-bad", 2, "", "usage: sleep SECONDS[.FRACTION]\n");
	pid_t pid = sleeper(0);
	usleep(100000);
	kill(pid, SIGINT);
	check("sleep-sigint-dies", killed_by(pid, SIGINT), NULL);
}

static void test_kill(void)
{
	char pids[16];
	pid_t pid = sleeper(0);
	snprintf(pids, sizeof pids, "%d", pid);
	RUN(NULL, "kill", pids);
	expect("kill", 0, "", "");
	check("kill-sigterm", killed_by(pid, SIGTERM), NULL);
	snprintf(pids, sizeof pids, "%d", pid = sleeper(0));
	RUN(NULL, "kill", "-s", "KILL", pids);
	expect("kill-s", 0, "", "");
	check("kill-s-sigkill", killed_by(pid, SIGKILL), NULL);
	snprintf(pids, sizeof pids, "%d", pid = sleeper(0));
	RUN(NULL, "kill", "-usr1", pids);
	check("kill-SIG-name", exit_of(res.status) == 0 && killed_by(pid, SIGUSR1), NULL);
	snprintf(pids, sizeof pids, "%d", pid = sleeper(0));
	RUN(NULL, "kill", "-2", pids);
	check("kill-SIG-number", exit_of(res.status) == 0 && killed_by(pid, SIGINT), NULL);
	snprintf(pids, sizeof pids, "-%d", pid = sleeper(1));
	RUN(NULL, "kill", "--", pids);
	check("kill-group", exit_of(res.status) == 0 && killed_by(pid, SIGTERM),
	      "status 0x%x err \"%s\"", res.status, res.err);
	RUN(NULL, "kill", "99999");
	expect("kill-no-such", 1, "", "kill: 99999: No such process\n");
	RUN(NULL, "kill", "-s", "BOGUS", "1");
	expect("kill-bad-signal", 2, "", "usage: kill [-s SIG | -SIG] PID...\n       kill -l [STATUS]\n");
	RUN(NULL, "kill", "-l");
	expect_has("kill-l", 0, "HUP\nINT\nQUIT\n");
	check("kill-l-all", strstr(res.out, "\nTERM\nUSR1\n") && strstr(res.out, "\nRTMAX\n"), NULL);
	RUN(NULL, "kill", "-l", "143");
	expect("kill-l-status", 0, "TERM\n", "");
}

static void test_slay(void)
{
	pid_t a = sleeper(0), b = sleeper(0);
	usleep(50000);
	RUN(NULL, "slay", "sleep");
	expect("slay", 0, "", "");
	check("slay-both", killed_by(a, SIGTERM) && killed_by(b, SIGTERM), NULL);
	a = sleeper(0);
	usleep(50000);
	RUN(NULL, "slay", "-s", "SIGKILL", "sleep");
	check("slay-s", exit_of(res.status) == 0 && killed_by(a, SIGKILL), NULL);
	RUN(NULL, "slay", "nosuchprog");
	expect("slay-none", 1, "", "slay: no process named nosuchprog\n");
}

/* pidin's table must show this process: a line "PID TID proc/boot/utiltest PRIO STATE". */
/* Does pidin's output have a line for pid named name (or, for "*\/NAME", a path ending
 * in /NAME: a program found by PATH may come from the disk or the boot image)? */
static int pidin_shows(const char *out, pid_t pid, const char *name)
{
	for (const char *l = out; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : l) {
		int p, t;
		char n[64];
		if (sscanf(l, "%d %d %63s", &p, &t, n) != 3 || p != pid)
			continue;
		const char *base = strrchr(n, '/');	/* "*\/NAME": wherever it came from */
		if (name[0] == '*' ? base && strcmp(base, name + 1) == 0 : strcmp(n, name) == 0)
			return 1;
	}
	return 0;
}

static void test_pidin(void)
{
	RUN(NULL, "pidin");
	check("pidin-self", exit_of(res.status) == 0 &&
	      strncmp(res.out, "     pid    tid name ", 21) == 0 &&
	      pidin_shows(res.out, getpid(), "proc/boot/utiltest") &&
	      pidin_shows(res.out, 1, "proc/boot/taskman"), "out \"%.300s\"", res.out);
	check("pidin-states", strstr(res.out, " REPLY ") && strstr(res.out, " RECEIVE "),
	      "out \"%.300s\"", res.out);
	char pids[16];
	pid_t pid = sleeper(0);
	usleep(50000);
	snprintf(pids, sizeof pids, "%d", pid);
	RUN(NULL, "pidin", "-p", pids);
	check("pidin-p", exit_of(res.status) == 0 && pidin_shows(res.out, pid, "*/sleep") &&
	      strstr(res.out, " NANOSLEEP") && !pidin_shows(res.out, 1, "proc/boot/taskman"),
	      "out \"%.300s\"", res.out);
	kill(pid, SIGKILL);
	wait_for(pid);
	RUN(NULL, "pidin", "-p", "99999");
	expect("pidin-p-none", 1, "     pid    tid name                     prio STATE      Blocked\n",
	       "pidin: 99999: no such process\n");
}

/* --- Usage, shutdown, libc's signal names ------------------------------------------------ */
static void test_usage(void)
{
	static const char *const progs[] = {
		"ls", "cat", "cp", "mv", "rm", "mkdir", "rmdir", "touch", "wc", "head",
		"sleep", "kill", "env", "uname", "pidin", "slay", "shutdown",
	};
	int bad = 0;
	for (size_t i = 0; i < sizeof progs / sizeof progs[0]; i++) {
		char usage[48];
		snprintf(usage, sizeof usage, "\nusage: %s", progs[i]);
		RUN(NULL, (char *)progs[i], "-Z", "x");
		char *u = strstr(res.err, usage);	/* after getopt's own complaint, if any */
		if (u == NULL && strncmp(res.err, usage + 1, strlen(usage + 1)) == 0)
			u = res.err - 1;
		if (exit_of(res.status) != 2 || u == NULL || (u[strlen(usage)] != ' ' &&
							      u[strlen(usage)] != '\n')) {
			printf("utiltest: %s -Z: status 0x%x err \"%s\"\n", progs[i], res.status, res.err);
			bad++;
		}
	}
	check("usage-status-2", bad == 0, "%d programs", bad);
}

static void test_shutdown(void)
{
	RUN(NULL, "utiltest", "nonroot", "shutdown");
	expect("shutdown-nonroot", 1, "", "shutdown: Operation not permitted\n");
}

/* The helper role: drop root and run argv with our fds; exit with its status. */
static int nonroot(char **argv)
{
	if (setgid(100) < 0 || setuid(100) < 0) {
		fprintf(stderr, "utiltest: setuid: %s\n", strerror(errno));
		return 125;
	}
	pid_t pid = spawn_on(argv, 0, 1, 2, 0);
	return pid < 0 ? 126 : exit_of(wait_for(pid));
}

static void test_signames(void)
{
	char name[SIG2STR_MAX];
	int bad = 0, n = 0;
	for (int sig = 1; sig < NSIG; sig++) {
		int back = -1;
		if (sig2str(sig, name) < 0)
			continue;
		n++;
		if (str2sig(name, &back) < 0 || back != sig)
			bad++;
	}
	int term = 0, rt = 0;
	check("libc-sig2str-str2sig", bad == 0 && n == 31 + (SIGRTMAX - SIGRTMIN + 1) &&
	      str2sig("TERM", &term) == 0 && term == SIGTERM && str2sig("RTMIN+2", &rt) == 0 &&
	      rt == SIGRTMIN + 2 && str2sig("15", &term) == 0 && str2sig("BOGUS", &rt) < 0 &&
	      str2sig("0", &rt) < 0 && str2sig("RTMIN+99", &rt) < 0,
	      "%d names, %d bad", n, bad);
}

int main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[1], "nonroot") == 0)
		return nonroot(argv + 2);
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_simple();
	test_mkdir_touch();
	test_ls();
	test_cat_wc_head();
	test_cp_mv();
	test_rm();
	test_env();
	test_sleep();
	test_kill();
	test_slay();
	test_pidin();
	test_usage();
	test_shutdown();
	test_signames();
	printf("utiltest: %d failures\n", failures);
	return failures != 0;
}
