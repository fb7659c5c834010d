/* The fd table: each fd is a connection (coid == fd) to the server holding the open. */
#include <stdlib.h>
#include <string.h>
#include "libc.h"

struct fdent __fd_table[LIBC_FD_MAX];
sync_t __fd_lock = LIBC_LOCK_INIT;
static char *fd_path[LIBC_FD_MAX];	/* __fd_lock */

int __fd_attach(uint32_t nd, pid_t pid, int chid, int minfd, uint32_t oflag, int cloexec)
{
	if (minfd < 0 || minfd >= LIBC_FD_MAX)
		return __seterr(EINVAL);
	__libc_lock(&__fd_lock);
	int fd = ConnectAttach_r(nd, pid, chid, (unsigned)minfd, cloexec ? _NTO_COF_CLOEXEC : 0);
	if (fd >= 0 && fd >= LIBC_FD_MAX) {
		ConnectDetach_r(fd);
		fd = -EMFILE;
	}
	if (fd < 0) {
		__libc_unlock(&__fd_lock);
		return __seterr(-fd == EAGAIN ? EMFILE : -fd);
	}
	struct fdent *fe = &__fd_table[fd];
	fe->fe_used = 1;
	fe->fe_cloexec = cloexec != 0;
	fe->fe_nd = nd;
	fe->fe_pid = pid;
	fe->fe_chid = chid;
	fe->fe_oflag = oflag;
	__libc_unlock(&__fd_lock);
	return fd;
}

void __fd_detach(int fd)
{
	if (fd < 0 || fd >= LIBC_FD_MAX)
		return;
	__libc_lock(&__fd_lock);
	char *p = fd_path[fd];
	fd_path[fd] = NULL;
	if (__fd_table[fd].fe_used) {
		__fd_table[fd].fe_used = 0;
		ConnectDetach_r(fd);
	}
	__libc_unlock(&__fd_lock);
	free(p);
}

int __fd_get(int fd, struct fdent *out)
{
	if (fd < 0 || fd >= LIBC_FD_MAX)
		return __seterr(EBADF);
	__libc_lock(&__fd_lock);
	int ok = __fd_table[fd].fe_used;
	if (ok && out)
		*out = __fd_table[fd];
	__libc_unlock(&__fd_lock);
	return ok ? 0 : __seterr(EBADF);
}

void __fd_setpath(int fd, const char *path)
{
	if (fd < 0 || fd >= LIBC_FD_MAX)
		return;
	char *p = path ? strdup(path) : NULL;
	__libc_lock(&__fd_lock);
	char *old = fd_path[fd];
	fd_path[fd] = __fd_table[fd].fe_used ? p : NULL;
	if (!__fd_table[fd].fe_used)
		old = p;	/* closed meanwhile: keep nothing */
	__libc_unlock(&__fd_lock);
	free(old);
}

int __fd_getpath(int fd, char *buf, size_t size)
{
	if (fd < 0 || fd >= LIBC_FD_MAX)
		return EBADF;
	int e = 0;
	__libc_lock(&__fd_lock);
	const char *p = fd_path[fd];
	if (!__fd_table[fd].fe_used)
		e = EBADF;
	else if (p == NULL)
		e = ENOENT;
	else if (strlen(p) >= size)
		e = ERANGE;
	else
		strcpy(buf, p);
	__libc_unlock(&__fd_lock);
	return e;
}
