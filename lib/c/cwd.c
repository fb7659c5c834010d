/* The working directory: kept by libc as an absolute path, passed to children at spawn. */
#include <string.h>
#include <unistd.h>
#include <limits.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include "libc.h"

char __libc_cwd[PATH_MAX] = "/";
sync_t __libc_cwd_lock = LIBC_LOCK_INIT;

void __libc_cwd_init(const char *cwd)
{
	size_t n = strnlen(cwd, PATH_MAX);
	if (cwd[0] != '/' || n >= PATH_MAX)
		cwd = "/";
	strcpy(__libc_cwd, cwd);
}

/* Make abs (absolute, normalised) the cwd if it names a directory we may search. */
static int set_cwd(const char *abs)
{
	struct stat st;
	if (stat(abs, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode))
		return __seterr(ENOTDIR);
	if (access(abs, X_OK) < 0)
		return -1;
	__libc_lock(&__libc_cwd_lock);
	strcpy(__libc_cwd, abs);
	__libc_unlock(&__libc_cwd_lock);
	return 0;
}

int chdir(const char *path)
{
	char abs[PATH_MAX];
	int isdir;
	int e = __path_abs(path, abs, &isdir);
	if (e)
		return __seterr(e);
	return set_cwd(abs);
}

int fchdir(int fd)
{
	char abs[PATH_MAX];
	int e = __fd_getpath(fd, abs, sizeof abs);
	if (e)
		return __seterr(e == ENOENT ? ENOTDIR : e);
	return set_cwd(abs);
}

/* getcwd(NULL, size): a malloc'd copy (size 0: as long as needed), as glibc does. */
char *getcwd(char *buf, size_t size)
{
	if (buf == NULL) {
		__libc_lock(&__libc_cwd_lock);
		size_t n = strlen(__libc_cwd) + 1;
		__libc_unlock(&__libc_cwd_lock);
		if (size == 0)
			size = n > PATH_MAX ? n : PATH_MAX;
		char *b = malloc(size);
		if (b == NULL) {
			errno = ENOMEM;
			return NULL;
		}
		if (getcwd(b, size) == NULL) {
			free(b);
			return NULL;
		}
		return b;
	}
	if (size == 0) {
		errno = EINVAL;
		return NULL;
	}
	__libc_lock(&__libc_cwd_lock);
	size_t n = strlen(__libc_cwd);
	int ok = n < size;
	if (ok)
		memcpy(buf, __libc_cwd, n + 1);
	__libc_unlock(&__libc_cwd_lock);
	if (!ok) {
		errno = ERANGE;
		return NULL;
	}
	return buf;
}
