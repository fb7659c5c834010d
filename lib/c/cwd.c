/* The working directory: kept by libc as an absolute path, passed to children at spawn. */
#include <string.h>
#include <unistd.h>
#include <limits.h>
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

char *getcwd(char *buf, size_t size)
{
	if (buf == NULL || size == 0) {
		errno = size == 0 && buf ? EINVAL : EINVAL;
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
