/* head: copy the first N lines (default 10) of each file, or of standard input, to stdout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

static char buf[8192];

static int usage(void)
{
	fprintf(stderr, "usage: head [-n N | -N] [FILE...]\n");
	return 2;
}

/* A line count: decimal digits only. 0 and *n set, or -1. */
static int count(const char *s, long *n)
{
	if (!isdigit((unsigned char)*s))
		return -1;
	char *end;
	errno = 0;
	*n = strtol(s, &end, 10);
	return *end || errno ? -1 : 0;
}

/* Copy lines of fd to stdout until n newlines have gone out or the input ends. 0 or 1. */
static int head(int fd, const char *name, long n)
{
	ssize_t got = 0;
	while (n > 0 && (got = read(fd, buf, sizeof buf)) > 0) {
		ssize_t len = 0;
		while (len < got && n > 0)
			if (buf[len++] == '\n')
				n--;
		if (fwrite(buf, 1, (size_t)len, stdout) != (size_t)len) {
			fprintf(stderr, "head: stdout: %s\n", strerror(errno));
			return 1;
		}
	}
	if (got < 0)
		fprintf(stderr, "head: %s: %s\n", name, strerror(errno));
	return got < 0;
}

/* One operand; with several, each gets a "==> NAME <==" header as POSIX says. */
static int head_file(const char *path, long n, int headers, int first)
{
	if (headers)
		printf("%s==> %s <==\n", first ? "" : "\n", path);
	if (strcmp(path, "-") == 0)
		return head(0, "stdin", n);
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "head: %s: %s\n", path, strerror(errno));
		return 1;
	}
	int r = head(fd, path, n);
	close(fd);
	return r;
}

int main(int argc, char **argv)
{
	long n = 10;
	int c;
	if (argc > 1 && argv[1][0] == '-' && isdigit((unsigned char)argv[1][1])) {
		if (count(argv[1] + 1, &n) < 0)
			return usage();
		argv[1] = argv[0];		/* -N is consumed: getopt starts after it */
		argv++;
		argc--;
	}
	while ((c = getopt(argc, argv, "n:")) != -1) {
		if (c != 'n' || count(optarg, &n) < 0)
			return usage();
	}
	if (optind == argc)
		return head(0, "stdin", n);
	int status = 0, headers = argc - optind > 1;
	for (int i = optind; i < argc; i++)
		status |= head_file(argv[i], n, headers, i == optind);
	if (fflush(stdout) != 0)
		status = 1;
	return status;
}
