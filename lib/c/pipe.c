/* pipe(), pipe2(): a pipe from the pipe server (fs/pipe; the protocol is in docs/pipe.md). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int pipe2(int fd[2], int flags);

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
	struct stat st;
	char path[40];
	int w = -1, e;
	if (fstat(r, &st) == 0) {
		snprintf(path, sizeof path, "/dev/pipe/%llu", (unsigned long long)st.st_ino);
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
