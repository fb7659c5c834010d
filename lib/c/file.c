/* Path-based calls: open, stat, access, unlink, mkdir, rename, link, symlink, readlink, chmod... */
/*
 * Each is one connect (connect.c): OPEN keeps the connection as the new fd; the others
 * (UNLINK, MKNOD, RENAME, LINK, READLINK, and COMBINE_CLOSE with an I/O message appended
 * for stat, chmod, chown, utime, truncate) let it go once the server has answered.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>
#include <utime.h>
#include <sys/stat.h>
#include <sys/time.h>
#include "libc.h"

mode_t __libc_umask = 022;

mode_t umask(mode_t mask)
{
	return __atomic_exchange_n(&__libc_umask, mask & 0777, __ATOMIC_RELAXED);
}

int open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	if (flags & O_CREAT) {
		va_list ap;
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if ((flags & O_ACCMODE) == O_ACCMODE)
		return __seterr(EINVAL);
	struct __connreq rq = {
		.subtype = _IO_CONNECT_OPEN, .ioflag = (uint32_t)flags & ~(uint32_t)O_CLOEXEC,
		.mode = (mode & 07777 & ~__libc_umask) | S_IFREG, .file_type = _FTYPE_ANY,
		.keep = 1, .cloexec = (flags & O_CLOEXEC) != 0,
	};
	int fd = -1;
	if (__path_connect(path, &rq, NULL, 0, &fd) < 0)
		return -1;
	char abs[PATH_MAX];
	int isdir;
	if (__path_abs(path, abs, &isdir) == 0)
		__fd_setpath(fd, abs);
	return fd;
}

int creat(const char *path, mode_t mode)
{
	return open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
}

/* A COMBINE_CLOSE: msg (an I/O message) on path's file, reply up to rbytes. */
static int combine_as(const char *path, uint32_t ioflag, const void *msg, int mlen,
		      void *reply, int rbytes)
{
	struct __connreq rq = {
		.subtype = _IO_CONNECT_COMBINE_CLOSE, .ioflag = ioflag,
		.file_type = _FTYPE_ANY, .extra = msg, .extra_len = (uint16_t)mlen,
		.extra_type = _IO_CONNECT_EXTRA_MSG,
	};
	return __path_connect(path, &rq, reply, rbytes, NULL);
}

static int combine(const char *path, int nofollow, const void *msg, int mlen, void *reply,
		   int rbytes)
{
	return combine_as(path, nofollow ? O_NOFOLLOW : 0, msg, mlen, reply, rbytes);
}

/* picolibc's dev_t is 16 bits: st_dev keeps the server's pid (the upper half of the
 * reply's st_dev), which is what tells one filesystem from another. */
void __stat_from_reply(const struct _io_stat_reply *r, struct stat *st)
{
	memset(st, 0, sizeof *st);
	st->st_dev = (dev_t)(r->st_dev >> 32);
	st->st_ino = (ino_t)r->st_ino;
	st->st_mode = (mode_t)r->st_mode;
	st->st_nlink = (nlink_t)r->st_nlink;
	st->st_uid = (uid_t)r->st_uid;
	st->st_gid = (gid_t)r->st_gid;
	st->st_rdev = (dev_t)r->st_rdev;
	st->st_size = (off_t)r->st_size;
	st->st_atim.tv_sec = (time_t)(r->st_atime_ns / 1000000000u);
	st->st_atim.tv_nsec = (long)(r->st_atime_ns % 1000000000u);
	st->st_mtim.tv_sec = (time_t)(r->st_mtime_ns / 1000000000u);
	st->st_mtim.tv_nsec = (long)(r->st_mtime_ns % 1000000000u);
	st->st_ctim.tv_sec = (time_t)(r->st_ctime_ns / 1000000000u);
	st->st_ctim.tv_nsec = (long)(r->st_ctime_ns % 1000000000u);
	st->st_blksize = (blksize_t)(r->st_blksize ? r->st_blksize : 512);
	st->st_blocks = (blkcnt_t)r->st_blocks;
}

static int do_stat(const char *path, struct stat *st, int nofollow)
{
	if (st == NULL)
		return __seterr(EFAULT);
	struct _io_stat m = { .type = _IO_STAT, .combine_len = sizeof m };
	struct _io_stat_reply r;
	if (combine(path, nofollow, &m, sizeof m, &r, sizeof r) < 0)
		return -1;
	__stat_from_reply(&r, st);
	return 0;
}

int stat(const char *path, struct stat *st)
{
	return do_stat(path, st, 0);
}

int lstat(const char *path, struct stat *st)
{
	return do_stat(path, st, 1);
}

int fstat(int fd, struct stat *st)
{
	if (st == NULL)
		return __seterr(EFAULT);
	if (__fd_get(fd, NULL) < 0)
		return -1;
	struct _io_stat m = { .type = _IO_STAT };
	struct _io_stat_reply r;
	if (MsgSend(fd, &m, sizeof m, &r, sizeof r) < 0)
		return -1;
	__stat_from_reply(&r, st);
	return 0;
}

/* access: the file must exist (stat) and the mode bits must allow it to our effective
 * ids (root passes all but X on a file with no X bit). */
int access(const char *path, int amode)
{
	if (amode & ~(R_OK | W_OK | X_OK))
		return __seterr(EINVAL);
	struct stat st;
	if (stat(path, &st) < 0)
		return -1;
	if (amode == F_OK)
		return 0;
	uid_t uid = geteuid();
	gid_t gid = getegid();
	unsigned bits;
	if (uid == 0) {
		if ((amode & X_OK) && !S_ISDIR(st.st_mode) && !(st.st_mode & 0111))
			return __seterr(EACCES);
		return 0;
	}
	if (uid == st.st_uid)
		bits = (st.st_mode >> 6) & 7;
	else if (gid == st.st_gid)
		bits = (st.st_mode >> 3) & 7;
	else
		bits = st.st_mode & 7;
	return ((unsigned)amode & bits) == (unsigned)amode ? 0 : __seterr(EACCES);
}

static int simple(const char *path, uint16_t subtype, uint32_t mode, const char *extra)
{
	struct __connreq rq = {
		.subtype = subtype, .mode = mode, .file_type = _FTYPE_ANY,
	};
	char other[PATH_MAX];
	if (extra) {
		/* The other path goes as the client's absolute path; the server's library
		 * makes it relative to its own prefix (EXDEV if it is not below it). */
		int isdir;
		int e = __path_abs(extra, other, &isdir);
		if (e)
			return __seterr(e);
		rq.extra = other;
		rq.extra_len = (uint16_t)(strlen(other) + 1);
		rq.extra_type = subtype == _IO_CONNECT_RENAME ? _IO_CONNECT_EXTRA_RENAME :
							       _IO_CONNECT_EXTRA_LINK;
	}
	return __path_connect(path, &rq, NULL, 0, NULL) < 0 ? -1 : 0;
}

int unlink(const char *path)
{
	return simple(path, _IO_CONNECT_UNLINK, 0, NULL);
}

int rmdir(const char *path)
{
	return simple(path, _IO_CONNECT_UNLINK, S_IFDIR, NULL);
}

int remove(const char *path)
{
	struct stat st;
	if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return rmdir(path);
	return unlink(path);
}

int mkdir(const char *path, mode_t mode)
{
	return simple(path, _IO_CONNECT_MKNOD, S_IFDIR | (mode & 07777 & ~__libc_umask), NULL);
}

int mkfifo(const char *path, mode_t mode)
{
	return simple(path, _IO_CONNECT_MKNOD, S_IFIFO | (mode & 07777 & ~__libc_umask), NULL);
}

int rename(const char *from, const char *to)
{
	if (from == NULL || to == NULL)
		return __seterr(EFAULT);
	return simple(to, _IO_CONNECT_RENAME, 0, from);
}

int link(const char *target, const char *path)
{
	if (target == NULL || path == NULL)
		return __seterr(EFAULT);
	return simple(path, _IO_CONNECT_LINK, 0, target);
}

/* symlink: a LINK connect whose mode says S_IFLNK; the target goes as it is (not made
 * absolute: a relative link is relative to where it lies). */
int symlink(const char *target, const char *path)
{
	if (target == NULL || path == NULL)
		return __seterr(EFAULT);
	size_t n = strnlen(target, PATH_MAX);
	if (n == 0)
		return __seterr(ENOENT);
	if (n >= PATH_MAX)
		return __seterr(ENAMETOOLONG);
	struct __connreq rq = {
		.subtype = _IO_CONNECT_LINK, .mode = S_IFLNK | 0777, .file_type = _FTYPE_ANY,
		.extra = target, .extra_len = (uint16_t)(n + 1), .extra_type = _IO_CONNECT_EXTRA_LINK,
	};
	return __path_connect(path, &rq, NULL, 0, NULL) < 0 ? -1 : 0;
}

ssize_t readlink(const char *path, char *buf, size_t size)
{
	if (buf == NULL || size == 0)
		return __seterr(EINVAL);
	char target[PATH_MAX + 1];
	struct __connreq rq = {
		.subtype = _IO_CONNECT_READLINK, .ioflag = O_NOFOLLOW, .file_type = _FTYPE_ANY,
	};
	memset(target, 0, sizeof target);
	int st = __path_connect(path, &rq, target, PATH_MAX, NULL);
	if (st < 0)
		return -1;
	size_t n = st > 0 && st <= PATH_MAX ? (size_t)st : strnlen(target, PATH_MAX);
	if (n > size)
		n = size;
	memcpy(buf, target, n);		/* POSIX: no NUL added */
	return (ssize_t)n;
}

int chmod(const char *path, mode_t mode)
{
	struct _io_chmod m = { .type = _IO_CHMOD, .combine_len = sizeof m, .mode = mode & 07777 };
	return combine(path, 0, &m, sizeof m, NULL, 0) < 0 ? -1 : 0;
}

int fchmod(int fd, mode_t mode)
{
	if (__fd_get(fd, NULL) < 0)
		return -1;
	struct _io_chmod m = { .type = _IO_CHMOD, .mode = mode & 07777 };
	return MsgSend(fd, &m, sizeof m, NULL, 0) < 0 ? -1 : 0;
}

static int do_chown(const char *path, int nofollow, uid_t uid, gid_t gid)
{
	struct _io_chown m = { .type = _IO_CHOWN, .combine_len = sizeof m, .uid = (int32_t)uid,
			       .gid = (int32_t)gid };
	return combine(path, nofollow, &m, sizeof m, NULL, 0) < 0 ? -1 : 0;
}

int chown(const char *path, uid_t uid, gid_t gid)
{
	return do_chown(path, 0, uid, gid);
}

int lchown(const char *path, uid_t uid, gid_t gid)
{
	return do_chown(path, 1, uid, gid);
}

int fchown(int fd, uid_t uid, gid_t gid)
{
	if (__fd_get(fd, NULL) < 0)
		return -1;
	struct _io_chown m = { .type = _IO_CHOWN, .uid = (int32_t)uid, .gid = (int32_t)gid };
	return MsgSend(fd, &m, sizeof m, NULL, 0) < 0 ? -1 : 0;
}

static int do_utime(const char *path, int fd, int now, uint64_t a, uint64_t m)
{
	struct _io_utime u = { .type = _IO_UTIME, .cur_flag = now, .atime_ns = a, .mtime_ns = m };
	if (path) {
		u.combine_len = sizeof u;
		return combine(path, 0, &u, sizeof u, NULL, 0) < 0 ? -1 : 0;
	}
	if (__fd_get(fd, NULL) < 0)
		return -1;
	return MsgSend(fd, &u, sizeof u, NULL, 0) < 0 ? -1 : 0;
}

int utime(const char *path, const struct utimbuf *t)
{
	if (t == NULL)
		return do_utime(path, -1, 1, 0, 0);
	return do_utime(path, -1, 0, (uint64_t)t->actime * 1000000000u,
			(uint64_t)t->modtime * 1000000000u);
}

int utimes(const char *path, const struct timeval tv[2])
{
	if (tv == NULL)
		return do_utime(path, -1, 1, 0, 0);
	if (tv[0].tv_usec < 0 || tv[0].tv_usec >= 1000000 || tv[1].tv_usec < 0 ||
	    tv[1].tv_usec >= 1000000)
		return __seterr(EINVAL);
	return do_utime(path, -1, 0,
			(uint64_t)tv[0].tv_sec * 1000000000u + (uint64_t)tv[0].tv_usec * 1000u,
			(uint64_t)tv[1].tv_sec * 1000000000u + (uint64_t)tv[1].tv_usec * 1000u);
}

int futimens(int fd, const struct timespec ts[2])
{
	if (ts == NULL)
		return do_utime(NULL, fd, 1, 0, 0);
	return do_utime(NULL, fd, 0,
			(uint64_t)ts[0].tv_sec * 1000000000u + (uint64_t)ts[0].tv_nsec,
			(uint64_t)ts[1].tv_sec * 1000000000u + (uint64_t)ts[1].tv_nsec);
}

/* ftruncate as _IO_SPACE: ALLOCSP to grow to len, FREESP to shrink to it. */
static struct _io_space space_msg(off_t cur, off_t len)
{
	struct _io_space m = { .type = _IO_SPACE, .whence = SEEK_SET, .start = len, .len = 0 };
	m.subtype = len > cur ? _IO_SPACE_ALLOCSP : _IO_SPACE_FREESP;
	return m;
}

int truncate(const char *path, off_t len)
{
	if (len < 0)
		return __seterr(EINVAL);
	struct stat st;
	if (stat(path, &st) < 0)
		return -1;
	if (S_ISDIR(st.st_mode))
		return __seterr(EISDIR);
	struct _io_space m = space_msg(st.st_size, len);
	int64_t size;
	return combine_as(path, O_WRONLY, &m, sizeof m, &size, sizeof size) < 0 ? -1 : 0;
}

int ftruncate(int fd, off_t len)
{
	if (len < 0)
		return __seterr(EINVAL);
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -1;
	struct _io_space m = space_msg(st.st_size, len);
	int64_t size;
	return MsgSend(fd, &m, sizeof m, &size, sizeof size) < 0 ? -1 : 0;
}

int fsync(int fd)
{
	if (__fd_get(fd, NULL) < 0)
		return -1;
	struct _io_sync m = { .type = _IO_SYNC };
	int r = MsgSend(fd, &m, sizeof m, NULL, 0);
	if (r < 0 && errno == ENOSYS)
		return 0;	/* a server with nothing to write back */
	return r < 0 ? -1 : 0;
}

int fdatasync(int fd)
{
	return fsync(fd);
}
