/* login: ask for a user and password on the terminal, then run that user's shell. */
/*
 * `login [USER]`, run as root on a terminal (the boot script's `session login`). The
 * password is checked with crypt() against /etc/shadow (or the passwd entry's own field
 * when it is not "x"); three wrong tries end login with status 1. On success login sets
 * the groups (/etc/group), gid and uid, goes to the home directory, prints /etc/motd and
 * spawns the shell as a login shell ("-qsh") with HOME, USER, LOGNAME, SHELL, PATH (and
 * TERM if login had it), then waits for it: QSOE has no exec, so login stays as the
 * shell's parent and ends with its status.
 */
#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <shadow.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define TRIES		3
#define NAME_MAX_LEN	32
#define DEFAULT_SHELL	"/bin/qsh"
#define LOGIN_PATH	"/bin:/proc/boot"

extern char **environ;

static void say(const char *s)
{
	fputs(s, stdout);
	fflush(stdout);
}

/* One line from fd 0 without stdio (the shell inherits fd 0: nothing may be read ahead).
 * 0, or -1 at end of file with nothing read. Longer lines are cut to size - 1. */
static int read_line(char *buf, size_t size)
{
	size_t n = 0;
	ssize_t r;
	char c;
	while ((r = read(0, &c, 1)) == 1 && c != '\n')
		if (n + 1 < size)
			buf[n++] = c;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = 0;
	return r != 1 && n == 0 ? -1 : 0;
}

/* The hash to check user's password against: the shadow entry's when the passwd field
 * says "x", else that field. NULL for a user who cannot log in this way. */
static const char *stored_hash(const struct passwd *pw)
{
	if (strcmp(pw->pw_passwd, "x") != 0)
		return pw->pw_passwd;
	struct spwd *sp = getspnam(pw->pw_name);
	return sp ? sp->sp_pwdp : NULL;
}

/* Does key match the hash? Locked ("*", "!...") and empty hashes never match. */
static int password_ok(const char *key, const char *hash)
{
	if (!hash || strncmp(hash, "$6$", 3) != 0)
		return 0;
	const char *h = crypt(key, hash);
	return h && strcmp(h, hash) == 0;
}

/* Ask for a name (unless given) and a password until they match or the tries run out:
 * the entry (getpwnam's static struct), or NULL. */
static struct passwd *authenticate(const char *first)
{
	char name[NAME_MAX_LEN + 1];
	for (int tries = 0; tries < TRIES; tries++) {
		if (first) {
			snprintf(name, sizeof name, "%s", first);
			first = NULL;
		} else {
			do {
				say("login: ");
				if (read_line(name, sizeof name) < 0)
					return NULL;
			} while (!name[0]);
		}
		char *key = getpass("Password: ");
		if (!key)
			return NULL;
		struct passwd *pw = getpwnam(name);
		/* an unknown user costs a crypt too, so the time does not tell */
		int ok = password_ok(key, pw ? stored_hash(pw) : NULL);
		if (!pw)
			crypt(key, "$6$nosuchuser");
		memset(key, 0, strlen(key));
		if (ok)
			return pw;
		sleep(1);
		say("Login incorrect\n");
	}
	return NULL;
}

/* Become the user: groups, gid, then uid (the order root's rights allow). */
static int become(const struct passwd *pw)
{
	if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
	    setuid(pw->pw_uid) < 0) {
		fprintf(stderr, "login: cannot set the credentials of %s: %s\n", pw->pw_name,
			strerror(errno));
		return -1;
	}
	return 0;
}

static void print_motd(void)
{
	int fd = open("/etc/motd", O_RDONLY);
	if (fd < 0)
		return;
	char buf[512];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	fflush(stdout);
	close(fd);
}

/* NAME=VALUE in a fresh string (never freed: the child's environment). */
static char *env_entry(const char *name, const char *value)
{
	size_t n = strlen(name) + strlen(value) + 2;
	char *s = malloc(n);
	if (s)
		snprintf(s, n, "%s=%s", name, value);
	return s;
}

/* Run the shell as a login shell and wait for it: its exit status (128 + the signal
 * that killed it), or 1 if it could not be started. */
static int run_shell(const struct passwd *pw, const char *home)
{
	const char *shell = pw->pw_shell[0] ? pw->pw_shell : DEFAULT_SHELL;
	const char *base = strrchr(shell, '/') ? strrchr(shell, '/') + 1 : shell;
	char arg0[64];
	snprintf(arg0, sizeof arg0, "-%s", base);
	const char *term = getenv("TERM");
	char *envp[] = {
		env_entry("HOME", home), env_entry("USER", pw->pw_name),
		env_entry("LOGNAME", pw->pw_name), env_entry("SHELL", shell),
		env_entry("PATH", LOGIN_PATH), term ? env_entry("TERM", term) : NULL, NULL,
	};
	for (int i = 0; i < 5; i++)		/* all but TERM must be there */
		if (!envp[i]) {
			fprintf(stderr, "login: out of memory\n");
			return 1;
		}
	char *argv[] = { arg0, NULL };
	posix_spawnattr_t at;
	sigset_t dfl;
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGQUIT);
	sigaddset(&dfl, SIGTSTP);
	posix_spawnattr_init(&at);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setsigdefault(&at, &dfl);
	pid_t pid;
	int e = posix_spawn(&pid, shell, NULL, &at, argv, envp);
	posix_spawnattr_destroy(&at);
	if (e) {
		fprintf(stderr, "login: %s: %s\n", shell, strerror(e));
		return 1;
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		fprintf(stderr, "usage: login [USER]\n");
		return 2;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "login: must be run as root\n");
		return 1;
	}
	signal(SIGINT, SIG_IGN);	/* ^C at the prompts, or the shell's: not ours */
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);
	struct passwd *pw = authenticate(argc == 2 ? argv[1] : NULL);
	if (!pw)
		return 1;
	if (become(pw) < 0)
		return 1;
	const char *home = pw->pw_dir[0] ? pw->pw_dir : "/";
	if (chdir(home) < 0) {
		printf("login: no home directory %s: %s; using /\n", home, strerror(errno));
		home = "/";
		chdir(home);
	}
	print_motd();
	return run_shell(pw, home);
}
