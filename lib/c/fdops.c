/* dup, dup2, dup3 and fcntl: new fds on the same open (a connection plus _IO_DUP to its server). */
/*
 * A dup is a new connection to the same server whose open is shared with the old fd's:
 * the server is told with _IO_DUP {our pid, old fd}, as for an fd inherited at spawn.
 * F_GETFL comes from libc's table (what the open asked for); F_SETFL changes O_APPEND
 * and O_NONBLOCK there and tells the server with DCMD_ALL_SETFLAGS.
 */
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>
#include <stdarg.h>
#include <devctl.h>
#include "libc.h"



/* A new fd >= minfd sharing fd's open. */
static int dup_at(int fd, int minfd, int cloexec)
{
	struct fdent fe;
	if (__fd_get(fd, &fe) < 0)
		return -1;
	int nfd = __fd_attach(fe.fe_nd, fe.fe_pid, fe.fe_chid, minfd, fe.fe_oflag, cloexec);
	if (nfd < 0)
		return -1;
	struct _io_dup m = { .type = _IO_DUP };
	m.info.pid = __libc_pid();
	m.info.coid = fd;
	if (MsgSend(nfd, &m, sizeof m, NULL, 0) < 0) {
		int e = errno;
		__fd_detach(nfd);
		return __seterr(e);
	}
	char path[PATH_MAX];
	if (__fd_getpath(fd, path, sizeof path) == 0)
		__fd_setpath(nfd, path);
	return nfd;
}

int dup(int fd)
{
	return dup_at(fd, 0, 0);
}

static int dup_to(int fd, int fd2, int cloexec)
{
	if (__fd_get(fd, NULL) < 0)
		return -1;
	if (fd2 < 0 || fd2 >= LIBC_FD_MAX)
		return __seterr(EBADF);
	if (fd == fd2)
		return fd2;
	if (__fd_get(fd2, NULL) == 0)
		close(fd2);
	int n = dup_at(fd, fd2, cloexec);
	if (n >= 0 && n != fd2) {
		/* Another thread took fd2 between the close and the attach. */
		close(n);
		return __seterr(EBUSY);
	}
	return n;
}

int dup2(int fd, int fd2)
{
	return dup_to(fd, fd2, 0);
}

int dup3(int fd, int fd2, int flags)
{
	if (fd == fd2 || (flags & ~O_CLOEXEC))
		return __seterr(EINVAL);
	return dup_to(fd, fd2, (flags & O_CLOEXEC) != 0);
}

int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	va_start(ap, cmd);
	long arg = va_arg(ap, long);
	va_end(ap);
	struct fdent fe;
	if (__fd_get(fd, &fe) < 0)
		return -1;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg < 0 || arg >= LIBC_FD_MAX)
			return __seterr(EINVAL);
		return dup_at(fd, (int)arg, cmd == F_DUPFD_CLOEXEC);
	case F_GETFD:
		return fe.fe_cloexec ? FD_CLOEXEC : 0;
	case F_SETFD: {
		__libc_lock(&__fd_lock);
		int ok = __fd_table[fd].fe_used;
		if (ok)
			__fd_table[fd].fe_cloexec = (arg & FD_CLOEXEC) != 0;
		__libc_unlock(&__fd_lock);
		/* The kernel's own close-on-exec flag is unused: spawn reads libc's. */
		return ok ? 0 : __seterr(EBADF);
	}
	case F_GETFL:
		return (int)fe.fe_oflag;
	case F_SETFL: {
		uint32_t keep = fe.fe_oflag & ~(uint32_t)(O_APPEND | O_NONBLOCK);
		uint32_t nfl = keep | ((uint32_t)arg & (O_APPEND | O_NONBLOCK));
		int32_t fl = (int32_t)(nfl & (O_APPEND | O_NONBLOCK));
		int e = devctl(fd, DCMD_ALL_SETFLAGS, &fl, sizeof fl, NULL);
		if (e && e != ENOSYS && e != ENOTTY)
			return __seterr(e);
		__libc_lock(&__fd_lock);
		if (__fd_table[fd].fe_used)
			__fd_table[fd].fe_oflag = nfl;
		__libc_unlock(&__fd_lock);
		return 0;
	}
	default:
		return __seterr(EINVAL);
	}
}
