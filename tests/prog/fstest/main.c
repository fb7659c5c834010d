/* fstest: files in /tmp (tmpfs) and pipes between processes, through libc; run=fstest. */
/*
 * Each group of checks prints "check fstest_NAME: PASS|FAIL" (a failed condition also
 * prints its line and errno), and the last line is "fstest: N failures". The same
 * program is its own helper: spawned with a mode word (writer, reader, records,
 * killer, eacces) it plays the other process of a test, with its fds set up by
 * posix_spawn file actions. The pipe throughput figure is tests/prog/pipebench's.
 */
#include <sys/neutrino.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utime.h>

extern char **environ;
int pipe2(int fd[2], int flags);
int utime(const char *path, const struct utimbuf *times);	/* picolibc's <utime.h> lacks it */

#define SELF	"/proc/boot/fstest"
#define T	"/tmp/fstest"

static int failures, group_bad;
static const char *group;

static void begin(const char *name)
{
	group = name;
	group_bad = 0;
}

static void end(void)
{
	printf("check fstest_%s: %s\n", group, group_bad ? "FAIL" : "PASS");
	failures += group_bad;
}

#define CHECK(cond) do { \
	if (!(cond)) { \
		printf("fstest: %s: line %d: %s (errno %d)\n", group, __LINE__, #cond, errno); \
		group_bad = 1; \
	} \
} while (0)

/* The byte at position i of stream `seed`. */
static uint8_t pat(uint64_t i, unsigned seed)
{
	return (uint8_t)((i * 131 + seed) ^ (i >> 11));
}

static int put_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

/* The file's contents (at most cap-1 bytes, NUL-terminated), or -1. */
static ssize_t get_file(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, cap - 1);
	close(fd);
	if (n >= 0)
		buf[n] = 0;
	return n;
}

/* Spawn SELF with argv; fd0/fd1 (or -1) become the child's 0 and 1; close_fds are closed
 * in the child. The pid, or -1. */
static pid_t spawn_self(char *const argv[], int fd0, int fd1, const int *close_fds, int nclose)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	posix_spawn_file_actions_init(&fa);
	if (fd0 >= 0)
		posix_spawn_file_actions_adddup2(&fa, fd0, 0);
	if (fd1 >= 0)
		posix_spawn_file_actions_adddup2(&fa, fd1, 1);
	for (int i = 0; i < nclose; i++)
		if (close_fds[i] > 1)
			posix_spawn_file_actions_addclose(&fa, close_fds[i]);
	int r = posix_spawn(&pid, SELF, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r) {
		errno = r;
		return -1;
	}
	return pid;
}

static int wait_exit(pid_t pid)
{
	int st;
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* --- Helper modes -------------------------------------------------------------------- */

static int mode_writer(long n, unsigned seed)
{
	static uint8_t buf[20000];
	long done = 0;
	while (done < n) {
		long chunk = 1 + (done * 7919) % (long)sizeof buf;	/* odd sizes */
		if (chunk > n - done)
			chunk = n - done;
		for (long i = 0; i < chunk; i++)
			buf[i] = pat((uint64_t)(done + i), seed);
		ssize_t w = write(1, buf, (size_t)chunk);
		if (w <= 0)
			return 2;
		done += w;
	}
	return 0;
}

static int mode_reader(long n, unsigned seed)
{
	static uint8_t buf[30000];
	long done = 0;
	while (done < n) {
		ssize_t r = read(0, buf, sizeof buf);
		if (r <= 0)
			return 2;
		for (ssize_t i = 0; i < r; i++)
			if (buf[i] != pat((uint64_t)(done + i), seed))
				return 3;
		done += r;
	}
	return read(0, buf, 1) == 0 ? 0 : 4;	/* then EOF */
}

static int mode_records(int c, int k)
{
	static char rec[4096];
	memset(rec, c, sizeof rec);
	for (int i = 0; i < k; i++)
		if (write(1, rec, sizeof rec) != (ssize_t)sizeof rec)
			return 2;
	return 0;
}

static int mode_killer(pid_t target, int sig, int ms)
{
	usleep((useconds_t)ms * 1000);
	return kill(target, sig) == 0 ? 0 : 2;
}

/* As uid 100: root's 0600 file and root's 0755 directory are closed to us. */
static int mode_eacces(void)
{
	if (setuid(100) != 0)
		return 2;
	if (open(T "/private", O_RDONLY) >= 0 || errno != EACCES)
		return 3;
	if (open(T "/rodir/new", O_WRONLY | O_CREAT, 0644) >= 0 || errno != EACCES)
		return 4;
	if (unlink(T "/rodir/f") == 0 || errno != EACCES)
		return 5;
	if (chmod(T "/private", 0777) == 0 || errno != EPERM)
		return 6;
	if (open(T "/public", O_RDONLY) < 0)
		return 7;
	return 0;
}

/* --- tmpfs ------------------------------------------------------------------------- */

static void test_files(void)
{
	char buf[256];
	struct stat st, st2;
	int fd;

	begin("create");
	CHECK(mkdir(T, 0755) == 0);
	CHECK(put_file(T "/a", "hello") == 0);
	CHECK(get_file(T "/a", buf, sizeof buf) == 5 && strcmp(buf, "hello") == 0);
	CHECK(open(T "/a", O_WRONLY | O_CREAT | O_EXCL, 0644) < 0 && errno == EEXIST);
	CHECK(open(T "/nope", O_RDONLY) < 0 && errno == ENOENT);
	CHECK(open(T "/a/x", O_RDONLY) < 0 && errno == ENOTDIR);
	CHECK(open(T, O_WRONLY) < 0 && errno == EISDIR);
	fd = open(T "/a", O_WRONLY | O_TRUNC);
	CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0);
	close(fd);
	fd = open(T "/a", O_WRONLY | O_APPEND);
	CHECK(write(fd, "ab", 2) == 2);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	CHECK(write(fd, "cd", 2) == 2);		/* O_APPEND: still at the end */
	close(fd);
	CHECK(get_file(T "/a", buf, sizeof buf) == 4 && strcmp(buf, "abcd") == 0);
	end();

	begin("holes_stat");
	fd = open(T "/h", O_RDWR | O_CREAT, 0640);
	CHECK(fd >= 0);
	CHECK(lseek(fd, 100000, SEEK_SET) == 100000);
	CHECK(write(fd, "z", 1) == 1);
	CHECK(fstat(fd, &st) == 0);
	CHECK(st.st_size == 100001);
	CHECK(S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0640);
	CHECK(st.st_nlink == 1 && st.st_uid == 0);
	CHECK(st.st_blocks == 8);	/* one 4 KiB page holds the data: the rest is a hole */
	CHECK(lseek(fd, 5000, SEEK_SET) == 5000);
	memset(buf, 0x55, sizeof buf);
	CHECK(read(fd, buf, 100) == 100);
	int zeros = 1;
	for (int i = 0; i < 100; i++)
		zeros &= buf[i] == 0;
	CHECK(zeros);
	CHECK(lseek(fd, -1, SEEK_END) == 100000 && read(fd, buf, 10) == 1 && buf[0] == 'z');
	CHECK(read(fd, buf, 10) == 0);
	CHECK(lseek(fd, -1, SEEK_SET) < 0 && errno == EINVAL);
	CHECK(ftruncate(fd, 10) == 0 && fstat(fd, &st) == 0 && st.st_size == 10);
	CHECK(stat(T "/h", &st2) == 0 && st2.st_ino == st.st_ino && st2.st_size == 10);
	CHECK(stat(T "/a", &st2) == 0 && st2.st_ino != st.st_ino);
	CHECK(truncate(T "/h", 3) == 0 && stat(T "/h", &st) == 0 && st.st_size == 3);
	close(fd);
	CHECK(stat(T, &st) == 0 && S_ISDIR(st.st_mode) && st.st_nlink == 2);
	CHECK(stat("/tmp", &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 01777) == 01777);
	end();

	begin("times_modes");
	struct utimbuf ut = { .actime = 1000000, .modtime = 2000000 };
	CHECK(utime(T "/a", &ut) == 0);
	CHECK(stat(T "/a", &st) == 0 && st.st_atime == 1000000 && st.st_mtime == 2000000);
	CHECK(st.st_ctime > 1600000000);	/* now, from the real-time clock */
	CHECK(utime(T "/a", NULL) == 0 && stat(T "/a", &st) == 0 && st.st_mtime > 1600000000);
	CHECK(chmod(T "/a", 0600) == 0 && stat(T "/a", &st) == 0 && (st.st_mode & 07777) == 0600);
	CHECK(chown(T "/a", 7, 8) == 0 && stat(T "/a", &st) == 0 && st.st_uid == 7 && st.st_gid == 8);
	CHECK(chown(T "/a", 0, 0) == 0);
	CHECK(chmod(T "/nope", 0600) < 0 && errno == ENOENT);
	end();

	begin("dirs");
	CHECK(mkdir(T "/d", 0755) == 0);
	CHECK(mkdir(T "/d", 0755) < 0 && errno == EEXIST);
	CHECK(mkdir(T "/x/y", 0755) < 0 && errno == ENOENT);
	CHECK(put_file(T "/d/f1", "1") == 0 && put_file(T "/d/f2", "2") == 0);
	CHECK(mkdir(T "/d/sub", 0700) == 0);
	CHECK(stat(T "/d", &st) == 0 && st.st_nlink == 3);
	DIR *dir = opendir(T "/d");
	CHECK(dir != NULL);
	int seen = 0, n = 0;
	struct dirent *de;
	while (dir && (de = readdir(dir))) {
		n++;
		if (!strcmp(de->d_name, "."))
			seen |= 1;
		else if (!strcmp(de->d_name, ".."))
			seen |= 2;
		else if (!strcmp(de->d_name, "f1"))
			seen |= 4;
		else if (!strcmp(de->d_name, "f2"))
			seen |= 8;
		else if (!strcmp(de->d_name, "sub"))
			seen |= 16;
	}
	if (dir)
		closedir(dir);
	CHECK(seen == 31 && n == 5);
	CHECK(rmdir(T "/d") < 0 && errno == ENOTEMPTY);
	CHECK(rmdir(T "/d/f1") < 0 && errno == ENOTDIR);
	CHECK(unlink(T "/d/sub") < 0 && (errno == EISDIR || errno == EPERM));
	CHECK(unlink(T "/d/f1") == 0 && unlink(T "/d/f1") < 0 && errno == ENOENT);
	CHECK(rmdir(T "/d/sub") == 0);
	CHECK(stat(T "/d", &st) == 0 && st.st_nlink == 2);
	end();

	begin("rename");
	CHECK(put_file(T "/r1", "one") == 0 && put_file(T "/r2", "two") == 0);
	CHECK(rename(T "/r1", T "/r2") == 0);		/* replaces r2 */
	CHECK(get_file(T "/r2", buf, sizeof buf) == 3 && strcmp(buf, "one") == 0);
	CHECK(stat(T "/r1", &st) < 0 && errno == ENOENT);
	CHECK(rename(T "/r2", T "/d/r3") == 0 && get_file(T "/d/r3", buf, sizeof buf) == 3);
	CHECK(mkdir(T "/e", 0755) == 0 && mkdir(T "/e/in", 0755) == 0);
	CHECK(rename(T "/e", T "/e/in/x") < 0 && errno == EINVAL);
	CHECK(rename(T "/d", T "/e") < 0 && (errno == ENOTEMPTY || errno == EEXIST));
	CHECK(rename(T "/e/in", T "/d/r3") < 0 && errno == ENOTDIR);
	CHECK(rename(T "/d/r3", T "/e") < 0 && errno == EISDIR);
	CHECK(rename(T "/nope", T "/x") < 0 && errno == ENOENT);
	CHECK(rename(T "/e/in", T "/din") == 0 && stat(T "/din", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(stat(T "/e", &st) == 0 && st.st_nlink == 2);
	CHECK(rename(T "/din", T "/e") == 0);		/* a directory replaces an empty one */
	CHECK(stat(T "/din", &st) < 0 && stat(T "/e", &st) == 0);
	CHECK(rename(T "/a", "/proc/boot/x") < 0);	/* another server: EXDEV or refused */
	end();

	begin("link_unlinked_open");
	CHECK(link(T "/a", T "/a2") == 0);
	CHECK(stat(T "/a", &st) == 0 && st.st_nlink == 2 && stat(T "/a2", &st2) == 0 &&
	      st2.st_ino == st.st_ino);
	CHECK(link(T "/e", T "/e2") < 0);		/* no hard links to directories */
	CHECK(unlink(T "/a2") == 0 && stat(T "/a", &st) == 0 && st.st_nlink == 1);
	fd = open(T "/gone", O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0 && write(fd, "still here", 10) == 10);
	CHECK(unlink(T "/gone") == 0);
	CHECK(open(T "/gone", O_RDONLY) < 0 && errno == ENOENT);
	CHECK(lseek(fd, 0, SEEK_SET) == 0 && read(fd, buf, 20) == 10 && !memcmp(buf, "still here", 10));
	CHECK(fstat(fd, &st) == 0 && st.st_nlink == 0);
	close(fd);
	end();

	begin("permissions");
	CHECK(put_file(T "/private", "secret") == 0 && chmod(T "/private", 0600) == 0);
	CHECK(put_file(T "/public", "open") == 0 && chmod(T "/public", 0644) == 0);
	CHECK(mkdir(T "/rodir", 0755) == 0 && put_file(T "/rodir/f", "f") == 0);
	char *av[] = { "fstest", "eacces", NULL };
	pid_t pid = spawn_self(av, -1, -1, NULL, 0);
	CHECK(pid > 0 && wait_exit(pid) == 0);
	end();
}

/* A second tmpfs with -m 64k: ENOSPC, and the space back after unlink. */
static void test_enospc(void)
{
	static char big[100000];
	struct stat st, tst;
	begin("enospc");
	char *av[] = { "tmpfs", "-m", "64k", "/fstest-small", NULL };
	pid_t pid;
	int r = posix_spawn(&pid, "/proc/boot/tmpfs", NULL, NULL, av, environ);
	CHECK(r == 0);
	int up = 0;
	for (int i = 0; r == 0 && i < 200 && !up; i++) {
		if (stat("/fstest-small", &st) == 0 && S_ISDIR(st.st_mode))
			up = 1;
		else
			usleep(10000);
	}
	CHECK(up);
	CHECK(stat("/tmp", &tst) == 0 && tst.st_dev != st.st_dev);	/* another server */
	int fd = open("/fstest-small/f", O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0);
	CHECK(write(fd, big, sizeof big) == 65536);	/* what fits */
	CHECK(write(fd, big, 10) < 0 && errno == ENOSPC);
	close(fd);
	CHECK(put_file("/fstest-small/g", "x") < 0);
	CHECK(unlink("/fstest-small/f") == 0);
	CHECK(put_file("/fstest-small/g", "x") == 0);
	if (r == 0) {
		kill(pid, SIGTERM);
		CHECK(wait_exit(pid) == 128 + SIGTERM);
	}
	end();
}

/* --- pipes ------------------------------------------------------------------------- */

static volatile int got_sig;
static void on_sig(int sig)
{
	got_sig = sig;
}

static void catch(int sig)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sig;	/* no SA_RESTART: blocked calls end with EINTR */
	sigaction(sig, &sa, NULL);
}

static void test_pipes(void)
{
	int p[2];
	char buf[8192];
	struct stat st;

	begin("pipe_basic");
	CHECK(pipe(p) == 0);
	CHECK(write(p[1], "hello", 5) == 5);
	CHECK(fstat(p[0], &st) == 0 && S_ISFIFO(st.st_mode) && st.st_size == 5);
	CHECK(read(p[0], buf, sizeof buf) == 5 && !memcmp(buf, "hello", 5));
	CHECK(read(p[1], buf, 1) < 0 && errno == EBADF);
	CHECK(write(p[0], "x", 1) < 0 && errno == EBADF);
	CHECK(lseek(p[0], 0, SEEK_SET) < 0 && errno == ESPIPE);
	CHECK(close(p[1]) == 0);
	CHECK(read(p[0], buf, sizeof buf) == 0);	/* no writer: EOF */
	close(p[0]);
	end();

	begin("pipe_epipe");
	CHECK(pipe(p) == 0);
	close(p[0]);
	catch(SIGPIPE);
	got_sig = 0;
	CHECK(write(p[1], "x", 1) < 0 && errno == EPIPE);
	for (int i = 0; i < 100 && !got_sig; i++)
		usleep(10000);
	CHECK(got_sig == SIGPIPE);
	close(p[1]);
	signal(SIGPIPE, SIG_DFL);
	end();

	begin("pipe_nonblock");
	CHECK(pipe2(p, O_NONBLOCK) == 0);
	CHECK(read(p[0], buf, 1) < 0 && errno == EAGAIN);
	long total = 0;
	ssize_t w;
	memset(buf, 'n', sizeof buf);
	while ((w = write(p[1], buf, 4096)) == 4096 && total < 1 << 20)
		total += w;
	CHECK(w < 0 && errno == EAGAIN && total >= 4096);
	CHECK(read(p[0], buf, 100) == 100);
	CHECK(write(p[1], buf, 4096) < 0 && errno == EAGAIN);	/* atomic: all or nothing */
	CHECK(write(p[1], buf, 100) == 100);
	close(p[0]);
	close(p[1]);
	end();

	begin("pipe_signal");
	/* a reader blocked on an empty pipe, woken by a signal from another process */
	CHECK(pipe(p) == 0);
	catch(SIGUSR1);
	got_sig = 0;
	char ppid[16];
	snprintf(ppid, sizeof ppid, "%d", (int)getpid());
	char *av[] = { "fstest", "killer", ppid, "200", NULL };
	pid_t k = spawn_self(av, -1, -1, p, 2);
	CHECK(k > 0);
	CHECK(read(p[0], buf, 10) < 0 && errno == EINTR && got_sig == SIGUSR1);
	CHECK(k > 0 && wait_exit(k) == 0);
	/* a writer blocked on a full pipe: a partial count, then EINTR with nothing written */
	static char big[100000];
	got_sig = 0;
	k = spawn_self(av, -1, -1, p, 2);
	w = write(p[1], big, sizeof big);
	CHECK(w > 0 && w < (ssize_t)sizeof big && got_sig == SIGUSR1);
	CHECK(k > 0 && wait_exit(k) == 0);
	got_sig = 0;
	k = spawn_self(av, -1, -1, p, 2);
	CHECK(write(p[1], big, 4096) < 0 && errno == EINTR && got_sig == SIGUSR1);
	CHECK(k > 0 && wait_exit(k) == 0);
	close(p[0]);
	close(p[1]);
	signal(SIGUSR1, SIG_DFL);
	end();

	begin("pipe_spawn");
	/* 1 MiB from a child, checked byte for byte, then EOF when it exits */
	CHECK(pipe(p) == 0);
	char *wav[] = { "fstest", "writer", "1048576", "7", NULL };
	pid_t c = spawn_self(wav, -1, p[1], p, 2);
	CHECK(c > 0);
	close(p[1]);
	long got = 0;
	int same = 1;
	ssize_t r;
	while ((r = read(p[0], buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < r; i++)
			same &= (uint8_t)buf[i] == pat((uint64_t)(got + i), 7);
		got += r;
	}
	CHECK(r == 0 && got == 1048576 && same);
	CHECK(c > 0 && wait_exit(c) == 0);
	close(p[0]);
	/* and the other way: the child reads and checks, then sees EOF */
	CHECK(pipe(p) == 0);
	char *rav[] = { "fstest", "reader", "300000", "9", NULL };
	c = spawn_self(rav, p[0], -1, p, 2);
	CHECK(c > 0);
	close(p[0]);
	for (long done = 0; done < 300000;) {
		long chunk = 300000 - done < 5000 ? 300000 - done : 5000;
		for (long i = 0; i < chunk; i++)
			buf[i] = (char)pat((uint64_t)(done + i), 9);
		if (write(p[1], buf, (size_t)chunk) != chunk)
			break;
		done += chunk;
	}
	close(p[1]);
	CHECK(c > 0 && wait_exit(c) == 0);
	end();

	begin("pipe_atomic");
	/* two writers of 4096-byte records: every record arrives whole */
	CHECK(pipe(p) == 0);
	char *a1[] = { "fstest", "records", "65", "64", NULL };
	char *a2[] = { "fstest", "records", "66", "64", NULL };
	pid_t c1 = spawn_self(a1, -1, p[1], p, 2), c2 = spawn_self(a2, -1, p[1], p, 2);
	CHECK(c1 > 0 && c2 > 0);
	close(p[1]);
	long bytes = 0, mixed = 0, na = 0, nb = 0;
	static char rec[4096];
	for (;;) {
		size_t have = 0;
		while (have < sizeof rec && (r = read(p[0], rec + have, sizeof rec - have)) > 0)
			have += (size_t)r;
		if (have == 0)
			break;
		bytes += (long)have;
		for (size_t i = 1; i < have; i++)
			if (rec[i] != rec[0]) {
				mixed++;
				break;
			}
		na += rec[0] == 'A';
		nb += rec[0] == 'B';
		if (have < sizeof rec)
			break;
	}
	CHECK(bytes == 2 * 64 * 4096 && mixed == 0 && na == 64 && nb == 64);
	CHECK(wait_exit(c1) == 0 && wait_exit(c2) == 0);
	close(p[0]);
	end();
}

int main(int argc, char **argv)
{
	if (argc >= 2) {
		const char *m = argv[1];
		if (!strcmp(m, "writer") && argc == 4)
			return mode_writer(atol(argv[2]), (unsigned)atoi(argv[3]));
		if (!strcmp(m, "reader") && argc == 4)
			return mode_reader(atol(argv[2]), (unsigned)atoi(argv[3]));
		if (!strcmp(m, "records") && argc == 4)
			return mode_records(atoi(argv[2]), atoi(argv[3]));
		if (!strcmp(m, "killer") && argc == 4)
			return mode_killer(atoi(argv[2]), SIGUSR1, atoi(argv[3]));
		if (!strcmp(m, "eacces"))
			return mode_eacces();
		fprintf(stderr, "usage: fstest (with no arguments)\n");
		return 2;
	}
	test_files();
	test_enospc();
	test_pipes();
	printf("fstest: %d failures\n", failures);
	return failures ? 1 : 0;
}
