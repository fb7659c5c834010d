/* libctest: posix_spawn: argv and envp, file actions, exit statuses, waitpid and WNOHANG. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "libctest.h"

extern char **environ;

#define OUT	LT_DIR "/spawn-out"

static pid_t spawn_fa(char *const argv[], const posix_spawn_file_actions_t *fa,
		      char *const envp[])
{
	pid_t pid;
	int r = posix_spawn(&pid, LT_SELF, fa, NULL, argv, envp);
	if (r) {
		errno = r;
		return -1;
	}
	return pid;
}

static void statuses(void)
{
	char *ex[] = { "libctest", "exit", "7", NULL };
	pid_t pid = lt_spawn(ex, -1, -1, -1);
	int st = -1;
	pid_t w = pid > 0 ? waitpid(pid, &st, 0) : -1;
	check("libc-spawn-exit-status", pid > 0 && w == pid && WIFEXITED(st) &&
	      WEXITSTATUS(st) == 7, "pid %d waitpid %d status %#x", (int)pid, (int)w, st);

	char *rs[] = { "libctest", "raise", "15", NULL };
	pid = lt_spawn(rs, -1, -1, -1);
	w = pid > 0 ? waitpid(pid, &st, 0) : -1;
	check("libc-spawn-killed-by-signal", w == pid && WIFSIGNALED(st) &&
	      WTERMSIG(st) == SIGTERM, "waitpid %d status %#x", (int)w, st);

	errno = 0;
	check("libc-waitpid-no-children-echild", waitpid(-1, &st, 0) < 0 && errno == ECHILD,
	      "errno %d", errno);

	pid = -1;
	int r = posix_spawn(&pid, "/proc/boot/no-such-program", NULL, NULL, ex, environ);
	check("libc-spawn-missing-enoent", r == ENOENT && pid == -1, "r %d", r);
}

static void args_env(void)
{
	char *av[] = { "libctest", "args", "two words", "", "x=y", NULL };
	char *env[] = { "LT_VAR=some value", "OTHER=1", NULL };
	pid_t pid = spawn_fa(av, NULL, env);
	int r = lt_wait(pid);
	check("libc-spawn-argv-envp", r == 0, "pid %d status %d", (int)pid, r);
}

static void file_actions(void)
{
	posix_spawn_file_actions_t fa;
	char buf[64] = "";

	/* addopen: the child's stdout is a new file */
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, OUT, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	char *hello[] = { "libctest", "hello", NULL };
	int r = lt_wait(spawn_fa(hello, &fa, environ));
	posix_spawn_file_actions_destroy(&fa);
	int fd = open(OUT, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = 0;
	check("libc-spawn-addopen-stdout", r == 0 && !strcmp(buf, "hello from the child\n"),
	      "status %d got '%s'", r, buf);

	/* adddup2 to fd 5 and addclose of an fd the child would inherit */
	fd = open(OUT, O_RDONLY);
	int other = open(OUT, O_RDONLY);
	char sfd[8];
	snprintf(sfd, sizeof sfd, "%d", other);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd, 5);
	posix_spawn_file_actions_addclose(&fa, other);
	char *holds[] = { "libctest", "holds", "5", "hello", NULL };
	char *closed[] = { "libctest", "closed", sfd, NULL };
	int r1 = lt_wait(spawn_fa(holds, &fa, environ));
	int r2 = lt_wait(spawn_fa(closed, &fa, environ));
	posix_spawn_file_actions_destroy(&fa);
	snprintf(sfd, sizeof sfd, "%d", fd);
	char *holds2[] = { "libctest", "holds", sfd, "hello", NULL };
	int r3 = lt_wait(spawn_fa(holds2, NULL, environ));	/* no actions: inherited as is */
	check("libc-spawn-adddup2-addclose-inherit", r1 == 0 && r2 == 0 && r3 == 0,
	      "dup2 child %d close child %d inherit child %d", r1, r2, r3);

	/* FD_CLOEXEC: not passed on */
	fcntl(other, F_SETFD, FD_CLOEXEC);
	snprintf(sfd, sizeof sfd, "%d", other);
	char *closed2[] = { "libctest", "closed", sfd, NULL };
	r = lt_wait(spawn_fa(closed2, NULL, environ));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, other, 6);
	char *holds6[] = { "libctest", "holds", "6", "hello", NULL };
	r1 = lt_wait(spawn_fa(holds6, &fa, environ));
	posix_spawn_file_actions_destroy(&fa);
	check("libc-spawn-cloexec-not-inherited-but-dup2-able", r == 0 && r1 == 0,
	      "closed child %d dup2 child %d", r, r1);
	close(fd);
	close(other);

	posix_spawn_file_actions_init(&fa);
	int e = posix_spawn_file_actions_adddup2(&fa, -1, 1);
	posix_spawn_file_actions_addopen(&fa, 1, LT_DIR "/no/such/dir", O_RDONLY, 0);
	pid_t pid = -1;
	r = posix_spawn(&pid, LT_SELF, &fa, NULL, hello, environ);
	posix_spawn_file_actions_destroy(&fa);
	check("libc-spawn-bad-file-actions-fail", e == EBADF && r == ENOENT && pid == -1,
	      "adddup2 %d spawn %d", e, r);
	unlink(OUT);
}

/* A child blocked reading a pipe: WNOHANG sees it running, then it ends at EOF. */
static void wnohang(void)
{
	int p[2];
	if (pipe(p) != 0) {
		check("libc-waitpid-wnohang", 0, "pipe: errno %d", errno);
		return;
	}
	char *av[] = { "libctest", "drain", NULL };
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[0], 0);
	posix_spawn_file_actions_addclose(&fa, p[1]);
	pid_t pid = spawn_fa(av, &fa, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[0]);
	int st = -1;
	pid_t w1 = waitpid(pid, &st, WNOHANG);
	usleep(20000);
	pid_t w2 = waitpid(pid, &st, WNOHANG);
	close(p[1]);
	pid_t w3 = waitpid(pid, &st, 0);
	check("libc-waitpid-wnohang", pid > 0 && w1 == 0 && w2 == 0 && w3 == pid &&
	      WIFEXITED(st) && WEXITSTATUS(st) == 0, "WNOHANG %d %d, then %d status %#x",
	      (int)w1, (int)w2, (int)w3, st);
}

/* Copy the file at from to to with mode: 0 or -1. */
static int copy_file(const char *from, const char *to, mode_t mode)
{
	static char buf[8192];
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, mode);
	ssize_t n = 0;
	while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n)
			n = -1;
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return in >= 0 && out >= 0 && n == 0 ? 0 : -1;
}

/* Programs from a filesystem (tmpfs here): taskman's loader reads them; the mode bits
 * decide who may run them, and a file that is not an ELF program is ENOEXEC. */
static void from_files(void)
{
	const char *prog = LT_DIR "/prog", *text = LT_DIR "/text";
	int ok = copy_file(LT_SELF, prog, 0755) == 0;
	char *ex[] = { "libctest", "exit", "5", NULL };
	pid_t pid = -1;
	int r = ok ? posix_spawn(&pid, prog, NULL, NULL, ex, environ) : -1;
	int st = -1;
	pid_t w = r == 0 ? waitpid(pid, &st, 0) : -1;
	check("libc-spawn-from-tmpfs", r == 0 && w == pid && WIFEXITED(st) &&
	      WEXITSTATUS(st) == 5, "copy %d spawn %d status %#x", ok, r, st);

	char cwd[256];
	getcwd(cwd, sizeof cwd);
	r = chdir(LT_DIR) == 0 ? posix_spawn(&pid, "./prog", NULL, NULL, ex, environ) : -1;
	w = r == 0 ? waitpid(pid, &st, 0) : -1;
	chdir(cwd);
	check("libc-spawn-relative-path", r == 0 && w == pid && WIFEXITED(st) &&
	      WEXITSTATUS(st) == 5, "spawn %d status %#x", r, st);

	r = chmod(prog, 0644) == 0 ? posix_spawn(&pid, prog, NULL, NULL, ex, environ) : -1;
	check("libc-spawn-not-executable-eacces", r == EACCES, "r %d", r);

	int fd = open(text, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	ok = fd >= 0 && write(fd, "echo not a program\n", 19) == 19;
	if (fd >= 0)
		close(fd);
	r = ok ? posix_spawn(&pid, text, NULL, NULL, ex, environ) : -1;
	check("libc-spawn-not-elf-enoexec", r == ENOEXEC, "r %d", r);

	r = posix_spawn(&pid, LT_DIR "/none", NULL, NULL, ex, environ);
	check("libc-spawn-missing-file-enoent", r == ENOENT, "r %d", r);
	r = posix_spawn(&pid, LT_DIR, NULL, NULL, ex, environ);
	check("libc-spawn-directory-eacces", r == EACCES, "r %d", r);
	unlink(prog);
	unlink(text);
}

void test_spawn(void)
{
	statuses();
	args_env();
	file_actions();
	wnohang();
	from_files();
}
