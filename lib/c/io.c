/* read, write, close, lseek and their positional forms: _IO_* messages on an fd's connection. */
#include <stdbool.h>
#include <unistd.h>
#include <string.h>
#include "libc.h"

/* Bytes moved per message at most: a status is an int, and servers read big requests
 * with MsgRead in pieces anyway. */
#define IO_CHUNK	(1 << 30)

ssize_t write(int fd, const void *buf, size_t len)
{
	if (__fd_get(fd, NULL) < 0) {
		/* Nothing on fd 1 or 2 yet (taskman, early servers, kernel-started tests): the
		 * kernel console takes the output. */
		if (fd == 1 || fd == 2) {
			size_t done = 0;
			while (done < len) {
				int n = len - done > 4096 ? 4096 : (int)(len - done);
				int r = KerDebugWrite_r((const char *)buf + done, n);
				if (r < 0)
					return done ? (ssize_t)done : __seterr(-r);
				done += (size_t)n;
			}
			return (ssize_t)len;
		}
		return -1;
	}
	if (len > IO_CHUNK)
		len = IO_CHUNK;
	struct _io_write m = { .type = _IO_WRITE, .nbytes = (int32_t)len };
	iov_t iov[2];
	SETIOV(&iov[0], &m, sizeof m);
	SETIOV(&iov[1], buf, len);
	return MsgSendv(fd, iov, 2, NULL, 0);
}

ssize_t read(int fd, void *buf, size_t len)
{
	if (__fd_get(fd, NULL) < 0)
		return -1;
	if (len > IO_CHUNK)
		len = IO_CHUNK;
	struct _io_read m = { .type = _IO_READ, .nbytes = (int32_t)len };
	return MsgSend(fd, &m, sizeof m, buf, (int)len);
}

int close(int fd)
{
	if (__fd_get(fd, NULL) < 0)
		return -1;
	struct _io_close m = { .type = _IO_CLOSE };
	int r = MsgSend(fd, &m, sizeof m, NULL, 0);
	int e = errno;
	__fd_detach(fd);
	/* A server that is gone has nothing left to close: the fd is closed all the same. */
	if (r < 0 && e != ESRCH && e != EBADF)
		return __seterr(e);
	return 0;
}

off_t lseek(int fd, off_t off, int whence)
{
	if (__fd_get(fd, NULL) < 0)
		return -1;
	if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END)
		return __seterr(EINVAL);
	struct _io_lseek m = { .type = _IO_LSEEK, .whence = (int16_t)whence, .offset = off };
	int64_t pos = -1;
	if (MsgSend(fd, &m, sizeof m, &pos, sizeof pos) < 0)
		return -1;
	return (off_t)pos;
}

/* pread/pwrite: the server has no positional messages, so seek, move, seek back. Not
 * atomic against other users of the open (documented in docs/libc.md). */
static ssize_t io_at(int fd, off_t off, bool wr, void *buf, size_t len)
{
	off_t cur = lseek(fd, 0, SEEK_CUR);
	if (cur < 0)
		return -1;
	if (off < 0)
		return __seterr(EINVAL);
	if (lseek(fd, off, SEEK_SET) < 0)
		return -1;
	ssize_t n = wr ? write(fd, buf, len) : read(fd, buf, len);
	int e = errno;
	lseek(fd, cur, SEEK_SET);
	errno = e;
	return n;
}

ssize_t pread(int fd, void *buf, size_t len, off_t off)
{
	return io_at(fd, off, false, buf, len);
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
	return io_at(fd, off, true, (void *)buf, len);
}
