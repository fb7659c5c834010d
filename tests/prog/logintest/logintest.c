/* logintest: accounts, login, passwd, id and the filesystem tools on tmpfs; run=logintest. */
/*
 * Serves /etc from a tmpfs of its own when nothing serves it, writes passwd, group,
 * shadow (known SHA-512 crypt hashes, made on the host) and motd there, checks libc's
 * account functions and crypt, then spawns login with its stdin on a pipe and its
 * stdout and stderr in a file: logins with the right and wrong passwords, the shell's
 * `id`, environment and home directory, the permissions tmpfs then enforces (a user
 * cannot read a root 0600 file or create in a root 0755 directory), passwd as root and
 * its refusals, the new password working, and a user changing their own password through
 * the set-user-ID passwd. Then statvfs, df, /proc/mounts, sync, mount and umount with
 * fs-lttest (tests/prog/fs-lttest) as the filesystem, and their errors. One
 * "check NAME: PASS|FAIL" line each, and "logintest: N failures" at the end. "logintest nonroot CMD..." is its own helper: it
 * becomes uid/gid 1000 and runs CMD, exiting with CMD's status; "logintest setup" only
 * makes /etc and the files (for the console test tests/run/console/login-qsh.txt).
 */
#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <shadow.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;
int pipe2(int fd[2], int flags);

#define T	"/tmp/lt"
#define HOME	T "/home/user"
/* python3: crypt.crypt("user", "$6$abcdefgh") and crypt.crypt("root", "$6$abcdefgh") */
#define USER_HASH "$6$abcdefgh$5KeaRmH9K9W7ESmB7N31T5QUMIrGRfA2dG13OnuQMLPvzbRugpHY4V0uNeSvb8" \
		  "ug6jLKKrvg3YFMh0F/CFXRm0"
#define ROOT_HASH "$6$abcdefgh$cnW4XDznaFa1hR9LnqrjoiAqed87oTXop3rUraOEgMC9xZ8cZ4bnv81B/PgWNF" \
		  "tDN0PNbtGZlCIhm8Jws2OPr0"
#define USER_IDS "uid=1000(user) gid=1000(user) groups=1000(user),10(wheel),50(staff)"

static int failures;
static struct {
	int	status;		/* the wait status */
	char	out[8192];	/* stdout and stderr together */
} res;

static void check(const char *name, int ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "check NAME: PASS|FAIL"; a failure is explained first, on a line of its own. */
static void check(const char *name, int ok, const char *fmt, ...)
{
	if (!ok && fmt) {
		va_list ap;
		printf("logintest: %s: ", name);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		putchar('\n');
	}
	failures += !ok;
	printf("check %s: %s\n", name, ok ? "PASS" : "FAIL");
	fflush(stdout);
}

/* Run argv with input on its stdin (a pipe), its stdout and stderr together in a fresh
 * file (not a pipe: a server that mount leaves running keeps them open), read back once
 * it has exited. */
static void run(const char *input, char *const argv[])
{
	int in[2];
	memset(&res, 0, sizeof res);
	res.status = -1;
	unlink(T "/out");
	int out = open(T "/out", O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (out < 0 || pipe2(in, O_CLOEXEC) < 0) {
		snprintf(res.out, sizeof res.out, "pipe: %s", strerror(errno));
		return;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out, 1);
	posix_spawn_file_actions_adddup2(&fa, out, 2);
	pid_t pid;
	int e = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	if (input && input[0])		/* small: fits in the pipe; EPIPE if it has exited */
		write(in[1], input, strlen(input));
	close(in[1]);
	if (e) {
		close(out);
		snprintf(res.out, sizeof res.out, "spawn %s: %s", argv[0], strerror(e));
		return;
	}
	while (waitpid(pid, &res.status, 0) < 0 && errno == EINTR)
		;
	size_t n = 0;
	ssize_t r;
	lseek(out, 0, SEEK_SET);
	while (n < sizeof res.out - 1 && (r = read(out, res.out + n, sizeof res.out - 1 - n)) > 0)
		n += (size_t)r;
	res.out[n] = 0;
	close(out);
}

#define RUN(input, ...)		run(input, (char *[]){ __VA_ARGS__, NULL })

static int exit_of(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* How many times piece occurs in s. */
static int count(const char *s, const char *piece)
{
	int n = 0;
	for (const char *p = s; (p = strstr(p, piece)); p += strlen(piece))
		n++;
	return n;
}

/* The last run exited with status and its output holds piece (NULL: no demand). */
static void expect(const char *name, int status, const char *piece)
{
	int ok = exit_of(res.status) == status && (!piece || strstr(res.out, piece));
	check(name, ok, "status 0x%x out \"%.300s\"", res.status, res.out);
}

static int put_file(const char *path, const char *s, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) && chmod(path, mode) == 0 ? 0 : -1;
}

/* /etc served (by a tmpfs of our own if need be) and the account files in it. */
static int setup(void)
{
	struct stat st;
	if (stat("/etc", &st) < 0) {
		pid_t pid;
		char *argv[] = { "tmpfs", "/etc", NULL };
		if (posix_spawnp(&pid, "tmpfs", NULL, NULL, argv, environ) != 0)
			return -1;
		struct timespec tick = { 0, 20 * 1000 * 1000 };
		for (int i = 0; i < 250 && stat("/etc", &st) < 0; i++)
			nanosleep(&tick, NULL);
		chmod("/etc", 0755);
	}
	mkdir(T, 0755);
	mkdir(T "/home", 0755);
	mkdir(HOME, 0755);
	chown(HOME, 1000, 1000);
	mkdir(T "/rootdir", 0755);
	return put_file("/etc/passwd", "root:x:0:0:root:/:/proc/boot/qsh\n"
			"user:x:1000:1000:A User:" HOME ":/proc/boot/qsh\n"
			"locked:x:1001:1001::/:/proc/boot/qsh\n", 0644) |
	       put_file("/etc/group", "root:x:0:\nwheel:x:10:root,user\nuser:x:1000:\n"
			"staff:x:50:user\nlocked:x:1001:\n", 0644) |
	       put_file("/etc/shadow", "root:" ROOT_HASH ":19000:0:99999:7:::\n"
			"user:" USER_HASH ":19000:0:99999:7:::\n"
			"locked:!:19000:0:99999:7:::\n", 0600) |
	       put_file("/etc/motd", "Welcome to QSOE (logintest)\n", 0644) |
	       put_file(T "/secret", "secret\n", 0600) |
	       put_file(T "/staff-only", "for staff\n", 0640) | chown(T "/staff-only", 0, 50);
}

static void libc_checks(void)
{
	struct passwd *pw = getpwnam("user");
	check("getpwnam", pw && pw->pw_uid == 1000 && pw->pw_gid == 1000 &&
	      !strcmp(pw->pw_dir, HOME) && !strcmp(pw->pw_gecos, "A User"), NULL);
	pw = getpwuid(0);
	check("getpwuid", pw && !strcmp(pw->pw_name, "root"), NULL);
	errno = 0;
	check("getpwnam-none", !getpwnam("ghost") && errno == 0, NULL);
	struct group *gr = getgrnam("wheel");
	check("getgrnam", gr && gr->gr_gid == 10 && gr->gr_mem[0] &&
	      !strcmp(gr->gr_mem[0], "root") && gr->gr_mem[1] && !strcmp(gr->gr_mem[1], "user") &&
	      !gr->gr_mem[2], NULL);
	gr = getgrgid(50);
	check("getgrgid", gr && !strcmp(gr->gr_name, "staff"), NULL);
	gid_t list[8];
	int n = 8;
	int k = getgrouplist("user", 1000, list, &n);
	check("getgrouplist", k == 3 && list[0] == 1000 && list[1] == 10 && list[2] == 50,
	      "%d groups", k);
	struct spwd *sp = getspnam("user");
	check("getspnam", sp && !strcmp(sp->sp_pwdp, USER_HASH) && sp->sp_lstchg == 19000 &&
	      sp->sp_inact == -1, NULL);

	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	const char *h = crypt("user", USER_HASH);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	check("crypt-host-hash", h && !strcmp(h, USER_HASH), "%s", h ? h : "NULL");
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	printf("logintest: crypt $6$ (5000 rounds) %ld ms\n", ms);
	char s1[CRYPT_SALT_SIZE], s2[CRYPT_SALT_SIZE];
	crypt_newsalt(s1);
	crypt_newsalt(s2);
	int shape = strlen(s1) == 19 && !strncmp(s1, "$6$", 3) &&
		    strspn(s1 + 3, "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			   "abcdefghijklmnopqrstuvwxyz") == 16;
	check("crypt-newsalt", shape && strcmp(s1, s2) != 0, "%s %s", s1, s2);
	char hash[CRYPT_OUTPUT_SIZE];
	snprintf(hash, sizeof hash, "%s", crypt("pw", s1));
	h = crypt("pw", hash);
	check("crypt-round-trip", h && !strcmp(h, hash) && strlen(hash) == 19 + 1 + 86, NULL);
	check("crypt-refuses", crypt("pw", "$1$abc") == NULL && errno == EINVAL, NULL);
}

static void login_checks(void)
{
	RUN("user\nuser\nid\npwd\necho $HOME $USER $LOGNAME $SHELL $PATH\nwhoami\nexit 7\n",
	    "login");
	expect("login-status", 7, "login: Password: ");
	expect("login-motd", 7, "Welcome to QSOE (logintest)\n");
	expect("login-id", 7, USER_IDS "\n");
	expect("login-home", 7, "\n" HOME "\n");
	expect("login-env", 7, HOME " user user /proc/boot/qsh /bin:/proc/boot\n");
	expect("login-whoami", 7, "\nuser\n");
	check("login-no-incorrect", !strstr(res.out, "Login incorrect"), NULL);

	RUN("user\ncat " T "/secret\necho r=$?\ntouch " T "/rootdir/x\necho w=$?\n"
	    "cat /etc/shadow\necho s=$?\n", "login", "user");
	expect("perm-read-0600", 0, "r=1\n");
	expect("perm-write-dir", 0, "w=1\n");
	expect("perm-shadow", 0, "s=1\n");
	check("perm-eacces", count(res.out, "Permission denied") == 3 && !strstr(res.out, "secret\n"),
	      "%.300s", res.out);
	/* a root:staff 0640 file: user is in staff only as a supplementary group */
	RUN("user\ncat " T "/staff-only\necho g=$?\n", "login", "user");
	expect("perm-supplementary-group", 0, "for staff\ng=0\n");
	struct stat st;
	check("perm-no-file", stat(T "/rootdir/x", &st) < 0 && errno == ENOENT, NULL);

	RUN("user\nbad\nuser\nuser\nid\nexit 3\n", "login");
	expect("login-retry", 3, USER_IDS);
	check("login-retry-once", count(res.out, "Login incorrect\n") == 1, "%.300s", res.out);

	RUN("ghost\nx\nlocked\nx\n\nuser\nnope\nid\n", "login");
	expect("login-three-tries", 1, NULL);
	check("login-three-incorrect", count(res.out, "Login incorrect\n") == 3 &&
	      !strstr(res.out, "uid="), "%.300s", res.out);
	RUN("", "login");
	expect("login-eof", 1, NULL);
	RUN("", "logintest", "nonroot", "login");
	expect("login-not-root", 1, "login: must be run as root\n");
	RUN("", "login", "-x");
	expect("login-usage", 2, "usage: login [USER]\n");
	RUN("", "id");
	expect("id-root", 0, "uid=0(root) gid=0(root)");
	RUN("", "logintest", "nonroot", "id", "-un");
	expect("id-un", 0, "user\n");
}

static void passwd_checks(void)
{
	RUN("one\ntwo\n", "passwd", "user");
	expect("passwd-mismatch", 1, "passwords do not match");
	struct spwd *sp = getspnam("user");
	check("passwd-mismatch-unchanged", sp && !strcmp(sp->sp_pwdp, USER_HASH), NULL);
	RUN("", "logintest", "nonroot", "passwd", "root");
	expect("passwd-other", 1, "only root may change another user's password");
	RUN("wrong\n", "logintest", "nonroot", "passwd");
	expect("passwd-user-wrong-current", 1, "Authentication failure; password unchanged");
	RUN("", "passwd", "ghost");
	expect("passwd-nouser", 1, "ghost: no such user");

	RUN("n3wpass\nn3wpass\n", "passwd", "user");
	expect("passwd-root", 0, "password of user changed");
	sp = getspnam("user");
	const char *h = sp ? crypt("n3wpass", sp->sp_pwdp) : NULL;
	check("passwd-new-hash", sp && !strncmp(sp->sp_pwdp, "$6$", 3) && h &&
	      !strcmp(h, sp->sp_pwdp) && sp->sp_lstchg > 19000 && sp->sp_max == 99999, NULL);
	struct stat st;
	check("passwd-shadow-mode", stat("/etc/shadow", &st) == 0 && (st.st_mode & 0777) == 0600 &&
	      stat("/etc/shadow.new", &st) < 0, NULL);
	sp = getspnam("root");
	check("passwd-others-kept", sp && !strcmp(sp->sp_pwdp, ROOT_HASH), NULL);
	sp = getspnam("locked");
	check("passwd-locked-kept", sp && !strcmp(sp->sp_pwdp, "!"), NULL);

	RUN("user\nn3wpass\nid\n", "login");
	expect("passwd-new-works", 0, USER_IDS);
	RUN("user\nuser\n", "login");
	expect("passwd-old-fails", 1, "Login incorrect");

	/* the user's own change, through set-user-ID passwd, in a login session */
	RUN("user\nn3wpass\npasswd\nn3wpass\nm1ne\nm1ne\nexit\n", "login");
	expect("passwd-by-user", 0, "Current password: New password: Retype new password: ");
	check("passwd-by-user-changed", strstr(res.out, "password of user changed") != NULL,
	      "%.300s", res.out);
	RUN("user\nm1ne\nid\n", "login");
	expect("passwd-by-user-works", 0, USER_IDS);
	struct stat bst;
	check("passwd-setuid-mode", stat("/bin/passwd", &bst) == 0 &&
	      (bst.st_mode & 07777) == 04755, NULL);
}

/* mount and umount for real, with fs-lttest standing in for a disk filesystem. */
static void mount_checks(void)
{
	RUN("", "mount", "-t", "lttest", "/dev/bad", "/lt-mnt");
	expect("mount-refused", 1, "fs-lttest: /dev/bad: not a filesystem of ours\n"
	       "mount: lttest /dev/bad on /lt-mnt failed (fs-lttest exited 1)\n");
	RUN("", "mount", "-t", "lttest", "-r", "/dev/lt0", "/lt-mnt");
	expect("mount-ok", 0, NULL);
	check("mount-ok-quiet", res.out[0] == 0, "%.300s", res.out);
	struct statvfs sv;
	check("mount-statvfs", statvfs("/lt-mnt", &sv) == 0 && !strcmp(sv.f_basetype, "lttest") &&
	      (sv.f_flag & ST_RDONLY) && sv.f_blocks == 8192 && sv.f_fsid == 0, NULL);
	RUN("", "sync");
	check("sync-reaches", statvfs("/lt-mnt", &sv) == 0 && sv.f_fsid == 1, "fsid %lu",
	      sv.f_fsid);
	RUN("", "df", "/lt-mnt");
	expect("df-mounted", 0, "\n/dev/lt0                   8192       2048       5120  29% /lt-mnt\n");
	RUN("", "mount");
	expect("mount-listed", 0, "\n/lt-mnt ");
	int fd = open("/lt-mnt", O_RDONLY);
	RUN("", "umount", "/lt-mnt");
	expect("umount-busy", 1, "umount: /lt-mnt: filesystem busy (files are open; -f forces)\n");
	close(fd);
	RUN("", "umount", "/lt-mnt");
	expect("umount-ok", 0, NULL);
	struct stat st;
	check("umount-gone", stat("/lt-mnt", &st) < 0, NULL);
	RUN("", "mount", "-t", "lttest", "/dev/lt0", "/lt-mnt");
	fd = open("/lt-mnt", O_RDONLY);
	RUN("", "umount", "-f", "/lt-mnt");
	expect("umount-force", 0, NULL);
	close(fd);
}

static void fs_checks(void)
{
	struct statvfs sv;
	int r = statvfs("/tmp", &sv);
	check("statvfs-tmp", r == 0 && sv.f_bsize == 4096 && !strcmp(sv.f_basetype, "tmpfs") &&
	      sv.f_blocks >= sv.f_bfree && sv.f_bfree > 0 && sv.f_namemax == 255, NULL);
	errno = 0;
	check("statvfs-console", statvfs("/dev/console", &sv) < 0 && errno == ENOTSUP,
	      "errno %d", errno);
	RUN("", "df", "/tmp");
	expect("df-tmp", 0, "Filesystem            1K-blocks       Used  Available Use% Mounted on\n"
	       "tmpfs ");
	check("df-tmp-on", strstr(res.out, "% /tmp\n") != NULL, "%s", res.out);
	RUN("", "df");
	expect("df-all", 0, "% /tmp\n");
	RUN("", "df", "/nonexistent");
	expect("df-missing", 1, "df: /nonexistent: No such file or directory\n");
	RUN("", "mount");
	expect("mount-list", 0, "\n/tmp ");
	check("proc-mounts", strstr(res.out, " any dir\n") && strstr(res.out, "/proc 1 any dir,opaque\n"),
	      "%.300s", res.out);
	RUN("", "sync");
	expect("sync", 0, NULL);
	RUN("", "mount", "-t", "nosuch", "/dev/none", "/mnt");
	expect("mount-notype", 1, "mount: fs-nosuch: No such file or directory\n");
	RUN("", "mount", "/dev/none");
	expect("mount-usage", 2, "usage: mount");
	mount_checks();
	RUN("", "umount", "/tmp");
	expect("umount-tmpfs", 1, "umount: /tmp: its server cannot be unmounted\n");
	RUN("", "umount", "/nonexistent");
	expect("umount-not-mount", 1, "umount: /nonexistent: not a mount point\n");
	RUN("", "umount");
	expect("umount-usage", 2, "usage: umount [-f] DIR\n");
}

/* The helper: as uid/gid 1000 (groups none), run argv and give its status. */
static int nonroot(char **argv)
{
	if (setgroups(0, NULL) < 0 || setgid(1000) < 0 || setuid(1000) < 0) {
		fprintf(stderr, "logintest: setuid: %s\n", strerror(errno));
		return 125;
	}
	pid_t pid;
	int status, e = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
	if (e) {
		fprintf(stderr, "logintest: %s: %s\n", argv[0], strerror(e));
		return 127;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 126;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[1], "nonroot") == 0)
		return nonroot(argv + 2);
	if (argc == 2 && strcmp(argv[1], "setup") == 0)
		return setup() == 0 ? 0 : 1;
	signal(SIGPIPE, SIG_IGN);	/* a child that exits before reading its input */
	check("setup", setup() == 0, "%s", strerror(errno));
	libc_checks();
	login_checks();
	passwd_checks();
	fs_checks();
	printf("logintest: %d failures\n", failures);
	return failures != 0;
}
