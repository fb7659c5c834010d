/* pipe(), pipe2(): a pipe from the pipe server (fs/pipe; the protocol is in docs/pipe.md). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include "libc.h"

int pipe2(int fd[2], int flags);

/* The pipe's id: the read end's st_ino, from the server's own 64-bit reply (struct
 * stat's ino_t is picolibc's 16 bits: pipe 65536 and later would be misnamed). */
static int pipe_id(int fd, unsigned long long *id)
{
	struct _io_stat m = { .type = _IO_STAT };
	struct _io_stat_reply r;
	if (MsgSend(fd, &m, sizeof m, &r, sizeof r) < 0)
		return -1;
	*id = (unsigned long long)r.st_ino;
	return 0;
}

/*
 * Opening /dev/pipe makes a new pipe and gives its read end; the pipe's id is that
 * fd's st_ino, and /dev/pipe/ID opens the write end, for this process and once only.
 * flags: O_CLOEXEC and O_NONBLOCK, applied to both ends. Errors: EFAULT, EINVAL,
 * EMFILE, ENFILE/ENOMEM from the server, ENOENT when no pipe server runs.
 */
int pipe2(int fd[2], int flags)
{
	if (!fd) {
		errno = EFAULT;
		return -1;
	}
	if (flags & ~(O_CLOEXEC | O_NONBLOCK)) {
		errno = EINVAL;
		return -1;
	}
	int r = open("/dev/pipe", O_RDONLY | flags);
	if (r < 0)
		return -1;
	unsigned long long id;
	char path[40];
	int w = -1, e;
	if (pipe_id(r, &id) == 0) {
		snprintf(path, sizeof path, "/dev/pipe/%llu", id);
		w = open(path, O_WRONLY | flags);
	}
	if (w < 0) {
		e = errno;
		close(r);
		errno = e;
		return -1;
	}
	fd[0] = r;
	fd[1] = w;
	return 0;
}

int pipe(int fd[2])
{
	return pipe2(fd, 0);
}
