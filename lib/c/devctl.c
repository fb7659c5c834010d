/* devctl (QNX) and posix_devctl: _IO_DEVCTL on an fd; isatty on top. */
#include <devctl.h>
#include <unistd.h>
#include <string.h>
#include "libc.h"

/* QNX's devctl: send nbytes of data, get up to nbytes back in the same buffer; the
 * server's ret_val goes to *info. Returns EOK (0) or an errno value (errno is left
 * alone, as QNX does). */
int devctl(int fd, int dcmd, void *data, size_t nbytes, int *info)
{
	if (__fd_get(fd, NULL) < 0)
		return EBADF;
	if (nbytes > (1u << 30) || (nbytes && data == NULL))
		return EINVAL;
	struct _io_devctl m = { .type = _IO_DEVCTL, .dcmd = dcmd, .nbytes = (int32_t)nbytes };
	struct _io_devctl_reply r = { 0 };
	iov_t s[2], rv[2];
	SETIOV(&s[0], &m, sizeof m);
	SETIOV(&s[1], data, nbytes);
	SETIOV(&rv[0], &r, sizeof r);
	SETIOV(&rv[1], data, nbytes);
	int e = errno;
	int st = MsgSendv(fd, s, nbytes ? 2 : 1, rv, nbytes ? 2 : 1);
	int err = st < 0 ? errno : 0;
	errno = e;
	if (err)
		return err;
	if (info)
		*info = r.ret_val;
	return 0;
}

int posix_devctl(int fd, int dcmd, void *restrict data, size_t nbytes, int *restrict info)
{
	return devctl(fd, dcmd, data, nbytes, info);
}

int isatty(int fd)
{
	int ret = 0;
	int e = devctl(fd, DCMD_CHR_ISATTY, NULL, 0, &ret);
	if (e == 0 && ret == 1)
		return 1;
	errno = e == EBADF ? EBADF : ENOTTY;
	return 0;
}
