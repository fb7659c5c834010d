/* cat: copy each file (or standard input for "-" and for no operands) to standard output. */
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

static char buf[8192];

/* Write all n bytes of buf to stdout: 0, or -1 with errno. No signal handler is installed,
 * so no call here is interrupted (EINTR). */
static int put(const char *p, ssize_t n)
{
	for (ssize_t w; n > 0; p += w, n -= w)
		if ((w = write(1, p, (size_t)n)) < 0)
			return -1;
	return 0;
}

/* Copy fd to stdout; an error is reported under name. 0 on success, else 1. */
static int copy(int fd, const char *name)
{
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		if (put(buf, n) < 0) {
			fprintf(stderr, "cat: stdout: %s\n", strerror(errno));
			return 1;
		}
	}
	if (n < 0)
		fprintf(stderr, "cat: %s: %s\n", name, strerror(errno));
	return n < 0;
}

static int cat(const char *path)
{
	if (strcmp(path, "-") == 0)
		return copy(0, "stdin");
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "cat: %s: %s\n", path, strerror(errno));
		return 1;
	}
	int r = copy(fd, path);
	close(fd);
	return r;
}

int main(int argc, char **argv)
{
	int c;
	while ((c = getopt(argc, argv, "u")) != -1) {
		if (c != 'u') {
			fprintf(stderr, "usage: cat [-u] [FILE...]\n");
			return 2;
		}
	}
	if (optind == argc)
		return copy(0, "stdin");
	int status = 0;
	for (int i = optind; i < argc; i++)
		status |= cat(argv[i]);
	return status;
}
