/* Lexical path handling: absolute against the cwd, "." and ".." and repeated "/" removed. */
/*
 * ".." is resolved lexically (never above "/"), as the path manager does: a ".." after a
 * symbolic link goes up from the link's name, not from its target (docs/libc.md).
 */
#include <limits.h>
#include <string.h>
#include "libc.h"

int __path_abs(const char *path, char *out, int *isdir)
{
	if (path == NULL)
		return EFAULT;
	if (path[0] == 0)
		return ENOENT;
	size_t plen = strnlen(path, PATH_MAX);
	if (plen >= PATH_MAX)
		return ENAMETOOLONG;
	char tmp[PATH_MAX * 2];
	size_t n = 0;
	if (path[0] != '/') {
		__libc_lock(&__libc_cwd_lock);
		n = strlen(__libc_cwd);
		memcpy(tmp, __libc_cwd, n);
		__libc_unlock(&__libc_cwd_lock);
		tmp[n++] = '/';
	}
	memcpy(tmp + n, path, plen + 1);

	/* Walk the components, writing the result into out. */
	size_t o = 0;
	const char *p = tmp;
	*isdir = 0;
	for (;;) {
		while (*p == '/')
			p++;
		if (*p == 0)
			break;
		const char *e = p;
		while (*e && *e != '/')
			e++;
		size_t len = (size_t)(e - p);
		int last = *e == 0 || (e[0] == '/' && e[strspn(e, "/")] == 0);
		if (len > NAME_MAX)
			return ENAMETOOLONG;
		if (len == 1 && p[0] == '.') {
			if (last)
				*isdir = 1;
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;		/* the '/' before it */
			if (last)
				*isdir = 1;
		} else {
			if (o + 1 + len >= PATH_MAX)
				return ENAMETOOLONG;
			out[o++] = '/';
			memcpy(out + o, p, len);
			o += len;
			if (last && *e == '/')
				*isdir = 1;
		}
		p = e;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = 0;
	return 0;
}
