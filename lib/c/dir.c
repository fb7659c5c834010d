/* Directory streams: an open directory read in whole struct _io_dirent records. */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "libc.h"

#define DIRBUF	4096

struct __dirstream {
	int		fd;
	int		len, pos;	/* bytes in buf, the next record's offset */
	long		loc;		/* telldir: where the next entry comes from */
	sync_t		lock;		/* guards the stream (readdir from several threads) */
	struct dirent	ent;
	char		buf[DIRBUF] __attribute__((aligned(8)));
};

DIR *fdopendir(int fd)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return NULL;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return NULL;
	}
	DIR *d = calloc(1, sizeof *d);
	if (d == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	d->fd = fd;
	d->lock = (sync_t)LIBC_LOCK_INIT;
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	return d;
}

DIR *opendir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	DIR *d = fdopendir(fd);
	if (d == NULL) {
		int e = errno;
		close(fd);
		errno = e;
	}
	return d;
}

int closedir(DIR *d)
{
	if (d == NULL)
		return __seterr(EBADF);
	int r = close(d->fd);
	free(d);
	return r;
}

int dirfd(DIR *d)
{
	return d ? d->fd : __seterr(EINVAL);
}

/* The next record into d->ent: 1, 0 at the end, -1 on an error (errno). d->lock held. */
static int next(DIR *d)
{
	if (d->pos >= d->len) {
		ssize_t n = read(d->fd, d->buf, sizeof d->buf);
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		d->len = (int)n;
		d->pos = 0;
	}
	const struct _io_dirent *r = (const void *)(d->buf + d->pos);
	if ((size_t)(d->len - d->pos) < sizeof *r || r->d_reclen < sizeof *r ||
	    r->d_reclen > d->len - d->pos || r->d_namelen > NAME_MAX ||
	    sizeof *r + r->d_namelen + 1u > r->d_reclen) {
		d->len = d->pos = 0;	/* a malformed reply: stop here */
		errno = EIO;
		return -1;
	}
	d->ent.d_ino = (ino_t)r->d_ino;
	d->ent.d_off = (off_t)r->d_offset;
	d->ent.d_reclen = sizeof d->ent;
	d->ent.d_namlen = r->d_namelen;
	d->ent.d_type = r->d_type;
	memcpy(d->ent.d_name, r->d_name, r->d_namelen);
	d->ent.d_name[r->d_namelen] = 0;
	d->loc = (long)r->d_offset;
	d->pos += r->d_reclen;
	return 1;
}

struct dirent *readdir(DIR *d)
{
	if (d == NULL) {
		errno = EBADF;
		return NULL;
	}
	__libc_lock(&d->lock);
	int r = next(d);
	__libc_unlock(&d->lock);
	return r > 0 ? &d->ent : NULL;
}

int readdir_r(DIR *d, struct dirent *entry, struct dirent **result)
{
	if (d == NULL || entry == NULL || result == NULL)
		return EINVAL;
	int e = errno;
	__libc_lock(&d->lock);
	int r = next(d);
	if (r > 0)
		*entry = d->ent;
	__libc_unlock(&d->lock);
	*result = r > 0 ? entry : NULL;
	int err = r < 0 ? errno : 0;
	errno = e;
	return err;
}

void rewinddir(DIR *d)
{
	seekdir(d, 0);
}

long telldir(DIR *d)
{
	if (d == NULL)
		return __seterr(EBADF);
	return d->loc;
}

void seekdir(DIR *d, long loc)
{
	if (d == NULL)
		return;
	__libc_lock(&d->lock);
	if (lseek(d->fd, loc, SEEK_SET) >= 0) {
		d->len = d->pos = 0;
		d->loc = loc;
	}
	__libc_unlock(&d->lock);
}

int alphasort(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int scandir(const char *path, struct dirent ***list, int (*sel)(const struct dirent *),
	    int (*cmp)(const struct dirent **, const struct dirent **))
{
	DIR *d = opendir(path);
	if (d == NULL)
		return -1;
	struct dirent **v = NULL, *e;
	size_t n = 0, cap = 0;
	errno = 0;
	while ((e = readdir(d)) != NULL) {
		if (sel && !sel(e))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			void *nv = realloc(v, cap * sizeof *v);
			if (nv == NULL)
				goto fail;
			v = nv;
		}
		if ((v[n] = malloc(sizeof *e)) == NULL)
			goto fail;
		*v[n++] = *e;
	}
	if (errno)
		goto fail;
	closedir(d);
	if (cmp && n)
		qsort(v, n, sizeof *v, (int (*)(const void *, const void *))cmp);
	*list = v;
	return (int)n;
fail:;
	int err = errno ? errno : ENOMEM;
	while (n)
		free(v[--n]);
	free(v);
	closedir(d);
	return __seterr(err);
}
