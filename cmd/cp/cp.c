/* cp: copy SRC to DST, or each SRC into directory DIR (-r: directories and what they hold). */
/*
 * A new file gets the source's permission bits (less the umask, as open(O_CREAT) gives);
 * an existing one keeps its mode and is truncated. A directory copied with -r is made
 * with u+rwx first so that it can be filled, then given the source's mode.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <limits.h>
#include <unistd.h>
#include <sys/stat.h>

static int recursive;
/* The directory the current operand's copy began with: met again as a source, it means a
 * directory is being copied into itself, which would never end. */
static dev_t top_dev;
static ino_t top_ino;
static int have_top;
static char buf[16384];

static int fail(const char *path)
{
	fprintf(stderr, "cp: %s: %s\n", path, strerror(errno));
	return 1;
}

/* Copy all of fd in to fd out. 0, or 1 after reporting which side failed. (No signal
 * handler is installed, so neither call is interrupted: no EINTR.) */
static int copy_data(int in, const char *src, int out, const char *dst)
{
	ssize_t n;
	while ((n = read(in, buf, sizeof buf)) > 0)
		for (ssize_t off = 0, w; off < n; off += w)
			if ((w = write(out, buf + off, (size_t)(n - off))) < 0)
				return fail(dst);
	return n < 0 ? fail(src) : 0;
}

/* Copy regular (or other readable) file src, whose status is *st, to dst. 0 or 1. */
static int copy_file(const char *src, const struct stat *st, const char *dst)
{
	struct stat dt;
	if (stat(dst, &dt) == 0 && dt.st_dev == st->st_dev && dt.st_ino == st->st_ino) {
		fprintf(stderr, "cp: %s and %s are the same file\n", src, dst);
		return 1;
	}
	int in = open(src, O_RDONLY);
	if (in < 0)
		return fail(src);
	int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, st->st_mode & 07777);
	if (out < 0) {
		close(in);
		return fail(dst);
	}
	int r = copy_data(in, src, out, dst);
	close(in);
	if (close(out) < 0 && r == 0)
		r = fail(dst);
	return r;
}

static int copy(const char *src, const char *dst);

/* Copy directory src (status *st) to dst, made if missing, then each name in it. 0 or 1. */
static int copy_dir(const char *src, const struct stat *st, const char *dst)
{
	struct stat dt;
	if (stat(dst, &dt) < 0) {
		if (mkdir(dst, (st->st_mode & 0777) | S_IRWXU) < 0)
			return fail(dst);
	} else if (!S_ISDIR(dt.st_mode)) {
		errno = ENOTDIR;
		return fail(dst);
	} else if (dt.st_dev == st->st_dev && dt.st_ino == st->st_ino) {
		fprintf(stderr, "cp: %s and %s are the same directory\n", src, dst);
		return 1;
	}
	if (!have_top && stat(dst, &dt) == 0) {
		top_dev = dt.st_dev;
		top_ino = dt.st_ino;
		have_top = 1;
	}
	DIR *d = opendir(src);
	if (d == NULL)
		return fail(src);
	int status = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char s[PATH_MAX], t[PATH_MAX];
		if (snprintf(s, sizeof s, "%s/%s", src, e->d_name) >= (int)sizeof s ||
		    snprintf(t, sizeof t, "%s/%s", dst, e->d_name) >= (int)sizeof t) {
			errno = ENAMETOOLONG;
			status |= fail(s);
			continue;
		}
		status |= copy(s, t);
	}
	closedir(d);
	if (chmod(dst, st->st_mode & 07777) < 0)
		status |= fail(dst);
	return status;
}

/* Copy one source to exactly dst. A directory needs -r. 0, or 1 on any failure. */
static int copy(const char *src, const char *dst)
{
	struct stat st;
	if (stat(src, &st) < 0)
		return fail(src);
	if (!S_ISDIR(st.st_mode))
		return copy_file(src, &st, dst);
	if (!recursive) {
		fprintf(stderr, "cp: %s: is a directory (not copied without -r)\n", src);
		return 1;
	}
	if (have_top && st.st_dev == top_dev && st.st_ino == top_ino) {
		fprintf(stderr, "cp: %s: a directory cannot be copied into itself\n", src);
		return 1;
	}
	return copy_dir(src, &st, dst);
}

/* Copy src into directory dir under its last path component. */
static int copy_into(const char *src, const char *dir)
{
	char path[PATH_MAX];
	size_t n = strlen(src);
	while (n > 1 && src[n - 1] == '/')
		n--;
	size_t b = n;
	while (b > 0 && src[b - 1] != '/')
		b--;
	if (snprintf(path, sizeof path, "%s/%.*s", dir, (int)(n - b), src + b) >= (int)sizeof path) {
		errno = ENAMETOOLONG;
		return fail(src);
	}
	return copy(src, path);
}

int main(int argc, char **argv)
{
	int c;
	while ((c = getopt(argc, argv, "rR")) != -1) {
		if (c != 'r' && c != 'R')
			goto usage;
		recursive = 1;
	}
	int n = argc - optind;
	if (n < 2)
		goto usage;
	const char *last = argv[argc - 1];
	struct stat st;
	int isdir = stat(last, &st) == 0 && S_ISDIR(st.st_mode);
	if (n == 2 && !isdir)
		return copy(argv[optind], last);
	if (!isdir) {
		fprintf(stderr, "cp: %s: %s\n", last, strerror(ENOTDIR));
		return 1;
	}
	int status = 0;
	for (int i = optind; i < argc - 1; i++) {
		have_top = 0;
		status |= copy_into(argv[i], last);
	}
	return status;
usage:
	fprintf(stderr, "usage: cp [-r] SRC DST\n       cp [-r] SRC... DIR\n");
	return 2;
}
