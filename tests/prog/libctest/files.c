/* libctest: file operations: open flags, lseek, stat, dup/fcntl, directories, cwd, bad pointers, errnos. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "libctest.h"

#define D	LT_DIR "/files"

static ssize_t put(int fd, const char *s)
{
	return write(fd, s, strlen(s));
}

/* The file's contents, NUL-terminated, or "" (cap bytes at most). */
static const char *contents(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, cap - 1) : -1;
	buf[n > 0 ? n : 0] = 0;
	if (fd >= 0)
		close(fd);
	return buf;
}

static void open_flags(void)
{
	char buf[64];
	int fd = open(D "/f", O_WRONLY | O_CREAT | O_EXCL, 0644);
	int w = fd >= 0 ? (int)put(fd, "0123456789") : -1;
	if (fd >= 0)
		close(fd);
	errno = 0;
	int again = open(D "/f", O_WRONLY | O_CREAT | O_EXCL, 0644);
	int e = errno;
	check("libc-open-creat-excl", fd >= 0 && w == 10 && again < 0 && e == EEXIST,
	      "fd %d write %d second open %d errno %d", fd, w, again, e);

	fd = open(D "/f", O_RDWR | O_APPEND);
	off_t end = fd >= 0 ? lseek(fd, 0, SEEK_END) : -1;
	off_t back = fd >= 0 ? lseek(fd, -4, SEEK_END) : -1;
	off_t cur = fd >= 0 ? lseek(fd, 1, SEEK_CUR) : -1;
	ssize_t r = fd >= 0 ? read(fd, buf, 2) : -1;
	check("libc-lseek-end-cur", end == 10 && back == 6 && cur == 7 && r == 2 &&
	      !memcmp(buf, "78", 2), "end %ld back %ld cur %ld read %zd", (long)end,
	      (long)back, (long)cur, r);
	lseek(fd, 0, SEEK_SET);
	w = fd >= 0 ? (int)put(fd, "ab") : -1;		/* O_APPEND: at the end all the same */
	if (fd >= 0)
		close(fd);
	check("libc-open-append", w == 2 && !strcmp(contents(D "/f", buf, sizeof buf),
	      "0123456789ab"), "'%s'", buf);

	fd = open(D "/f", O_WRONLY | O_TRUNC);
	struct stat st;
	int s = fd >= 0 ? fstat(fd, &st) : -1;
	check("libc-open-trunc", fd >= 0 && s == 0 && st.st_size == 0, "fd %d size %ld", fd,
	      (long)st.st_size);
	if (fd >= 0) {
		put(fd, "12345");
		close(fd);
	}
}

static void stat_modes(void)
{
	struct stat st, dst, cst;
	mode_t old = umask(027);
	int fd = open(D "/m", O_WRONLY | O_CREAT, 0666);
	umask(old);
	int s1 = fd >= 0 ? fstat(fd, &st) : -1;
	if (fd >= 0)
		close(fd);
	check("libc-umask-and-mode", s1 == 0 && S_ISREG(st.st_mode) &&
	      (st.st_mode & 07777) == 0640 && st.st_nlink == 1, "mode %o",
	      (unsigned)st.st_mode);
	int s2 = stat(D "/f", &st);
	int s3 = stat(D, &dst);
	int s4 = stat("/dev/null", &cst);
	check("libc-stat-sizes-and-types", s2 == 0 && st.st_size == 5 && s3 == 0 &&
	      S_ISDIR(dst.st_mode) && s4 == 0 && S_ISCHR(cst.st_mode),
	      "size %ld dir mode %o null mode %o", (long)st.st_size, (unsigned)dst.st_mode,
	      (unsigned)cst.st_mode);
}

static void dups(void)
{
	char buf[16] = "";
	int fd = open(D "/f", O_RDWR);
	int d = dup(fd);
	off_t a = lseek(fd, 3, SEEK_SET);
	off_t b = lseek(d, 0, SEEK_CUR);		/* one open, one offset */
	ssize_t r = read(d, buf, 2);
	off_t c = lseek(fd, 0, SEEK_CUR);
	check("libc-dup-shares-offset", fd >= 0 && d > fd && a == 3 && b == 3 && r == 2 &&
	      !memcmp(buf, "45", 2) && c == 5, "fd %d dup %d offsets %ld %ld %ld", fd, d,
	      (long)a, (long)b, (long)c);

	int other = open(D "/m", O_RDONLY);
	int d2 = dup2(fd, other);			/* closes what other was */
	struct stat s1, s2;
	int same = fstat(d2, &s1) == 0 && fstat(fd, &s2) == 0 && s1.st_ino == s2.st_ino;
	int self = dup2(fd, fd);
	errno = 0;
	int bad = dup2(99, 20);
	int e = errno;
	check("libc-dup2", d2 == other && same && self == fd && bad < 0 && e == EBADF,
	      "dup2 %d (want %d) same %d self %d bad %d errno %d", d2, other, same, self, bad, e);
	close(other);
	close(d);

	int dfl = fcntl(fd, F_DUPFD, 10);
	check("libc-fcntl-dupfd", dfl >= 10, "got %d", dfl);
	close(dfl);

	int fl = fcntl(fd, F_GETFL);
	int ap = open(D "/f", O_WRONLY | O_APPEND);
	int fl2 = fcntl(ap, F_GETFL);
	int set = fcntl(ap, F_SETFL, O_NONBLOCK);
	int fl3 = fcntl(ap, F_GETFL);
	check("libc-fcntl-getfl-setfl", (fl & O_ACCMODE) == O_RDWR &&
	      (fl2 & O_ACCMODE) == O_WRONLY && (fl2 & O_APPEND) && set == 0 &&
	      (fl3 & O_NONBLOCK) && !(fl3 & O_APPEND), "%#x %#x %#x", fl, fl2, fl3);
	close(ap);

	int fd0 = fcntl(fd, F_GETFD);
	int sfd = fcntl(fd, F_SETFD, FD_CLOEXEC);
	int fd1 = fcntl(fd, F_GETFD);
	int dc = dup(fd);				/* a dup does not inherit it */
	int fd2 = fcntl(dc, F_GETFD);
	check("libc-fcntl-cloexec", fd0 == 0 && sfd == 0 && fd1 == FD_CLOEXEC && fd2 == 0,
	      "%d %d %d %d", fd0, sfd, fd1, fd2);
	close(dc);
	close(fd);
	errno = 0;
	int closed = fcntl(fd, F_GETFD);
	check("libc-closed-fd-ebadf", closed < 0 && errno == EBADF && read(fd, buf, 1) < 0 &&
	      errno == EBADF && close(fd) < 0 && errno == EBADF, "errno %d", errno);
}

static void directories(void)
{
	int ok = mkdir(D "/dir", 0755) == 0;
	for (int i = 0; i < 3 && ok; i++) {
		char p[64];
		snprintf(p, sizeof p, D "/dir/e%d", i);
		int fd = open(p, O_WRONLY | O_CREAT, 0644);
		ok = fd >= 0;
		close(fd);
	}
	ok = ok && mkdir(D "/dir/sub", 0700) == 0;
	int seen = 0, n = 0, again = 0;
	DIR *dir = opendir(D "/dir");
	struct dirent *de;
	while (dir && (de = readdir(dir))) {
		n++;
		if (!strcmp(de->d_name, "e0") || !strcmp(de->d_name, "e1") ||
		    !strcmp(de->d_name, "e2"))
			seen |= 1 << (de->d_name[1] - '0');
		else if (!strcmp(de->d_name, "sub"))
			seen |= 8;
	}
	if (dir) {
		rewinddir(dir);
		while (readdir(dir))
			again++;
		closedir(dir);
	}
	check("libc-opendir-readdir-rewinddir", ok && dir && seen == 15 && n == 6 && again == 6,
	      "made %d seen %#x entries %d then %d", ok, seen, n, again);
	errno = 0;
	DIR *nd = opendir(D "/f");
	check("libc-opendir-file-enotdir", nd == NULL && errno == ENOTDIR, "errno %d", errno);

	int r1 = rename(D "/dir/e0", D "/dir/sub/moved");
	struct stat st;
	int r2 = stat(D "/dir/sub/moved", &st);
	int r3 = stat(D "/dir/e0", &st) < 0 && errno == ENOENT;
	check("libc-rename-into-subdir", r1 == 0 && r2 == 0 && r3, "%d %d %d", r1, r2, r3);
	int u1 = unlink(D "/dir/sub/moved");
	int d1 = rmdir(D "/dir/sub");
	errno = 0;
	int d2 = rmdir(D "/dir");
	int e = errno;
	check("libc-unlink-rmdir", u1 == 0 && d1 == 0 && d2 < 0 && e == ENOTEMPTY,
	      "unlink %d rmdir %d rmdir-nonempty %d errno %d", u1, d1, d2, e);
	unlink(D "/dir/e1");
	unlink(D "/dir/e2");
	check("libc-rmdir-emptied", rmdir(D "/dir") == 0, "errno %d", errno);
}

static void cwd(void)
{
	char buf[PATH_MAX] = "", c2[PATH_MAX] = "", got[16];
	int ok = mkdir(D "/cwd", 0755) == 0;
	int c = chdir(D "/cwd");
	char *g = getcwd(buf, sizeof buf);
	int fd = open("rel", O_WRONLY | O_CREAT, 0644);
	if (fd >= 0) {
		put(fd, "here");
		close(fd);
	}
	check("libc-chdir-getcwd-relative-open", ok && c == 0 && g == buf &&
	      !strcmp(buf, D "/cwd") && !strcmp(contents(D "/cwd/rel", got, sizeof got),
	      "here"), "chdir %d getcwd '%s'", c, buf);
	int c1 = chdir("..");
	char *g1 = getcwd(c2, sizeof c2);
	int rel = !strcmp(contents("cwd/./rel", got, sizeof got), "here") &&
		  !strcmp(contents("../files/cwd/rel", got, sizeof got), "here");
	check("libc-chdir-dotdot-relative-paths", c1 == 0 && g1 && !strcmp(c2, D) && rel,
	      "getcwd '%s' rel %d", c2, rel);
	errno = 0;
	char small[4];
	char *g2 = getcwd(small, sizeof small);
	int e1 = errno;
	errno = 0;
	int c3 = chdir(D "/f");
	int e2 = errno;
	errno = 0;
	int c4 = chdir(D "/none");
	int e3 = errno;
	check("libc-getcwd-erange-chdir-errors", g2 == NULL && e1 == ERANGE && c3 < 0 &&
	      e2 == ENOTDIR && c4 < 0 && e3 == ENOENT, "%d %d %d", e1, e2, e3);
	chdir("/");
	unlink(D "/cwd/rel");
	rmdir(D "/cwd");
}

/* Bad pointers to calls whose buffers the kernel or a server checks: errors, no crash. */
static void bad_pointers(void)
{
	int fd = open(D "/f", O_RDWR);
	errno = 0;
	ssize_t r = read(fd, (void *)8, 4);
	int e1 = errno;
	errno = 0;
	ssize_t w = write(fd, (const void *)16, 4);
	int e2 = errno;
	errno = 0;
	int o = open(NULL, O_RDONLY);
	int e3 = errno;
	errno = 0;
	int p = pipe(NULL);
	int e4 = errno;
	check("libc-bad-pointers-efault", fd >= 0 && r < 0 && e1 == EFAULT && w < 0 &&
	      e2 == EFAULT && o < 0 && e3 == EFAULT && p < 0 && e4 == EFAULT,
	      "read %zd/%d write %zd/%d open %d/%d pipe %d/%d", r, e1, w, e2, o, e3, p, e4);
	close(fd);
}

static void errnos(void)
{
	errno = 0;
	int a = open(D "/none", O_RDONLY) < 0 && errno == ENOENT;
	errno = 0;
	int b = mkdir(D, 0755) < 0 && errno == EEXIST;
	errno = 0;
	int c = open(D "/f/x", O_RDONLY) < 0 && errno == ENOTDIR;
	errno = 0;
	int d = open(D, O_WRONLY) < 0 && errno == EISDIR;
	errno = 0;
	int e = unlink(D "/none") < 0 && errno == ENOENT;
	errno = 0;
	int f = rmdir(D "/f") < 0 && errno == ENOTDIR;
	errno = 0;
	int g = open("", O_RDONLY) < 0 && errno == ENOENT;
	check("libc-errnos-enoent-eexist-enotdir-eisdir", a && b && c && d && e && f && g,
	      "%d%d%d%d%d%d%d", a, b, c, d, e, f, g);
}

void test_files(void)
{
	if (mkdir(D, 0755) != 0) {
		check("libc-files-scratch-dir", 0, "mkdir " D ": errno %d", errno);
		return;
	}
	open_flags();
	stat_modes();
	dups();
	directories();
	cwd();
	bad_pointers();
	errnos();
	unlink(D "/f");
	unlink(D "/m");
	rmdir(D);
}
