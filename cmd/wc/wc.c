/* wc: count the newlines, words and bytes of each file (or standard input), with a total. */
#include <stdio.h>
#include <string.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

struct counts {
	unsigned long	lines, words, bytes;
};

static int want_lines, want_words, want_bytes;
static char buf[8192];

/* Count fd into *c. A word is a run of bytes that are not white space. 0, or 1 (reported). */
static int count(int fd, const char *name, struct counts *c)
{
	int inword = 0;
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		c->bytes += (unsigned long)n;
		for (ssize_t i = 0; i < n; i++) {
			unsigned char ch = (unsigned char)buf[i];
			c->lines += ch == '\n';
			if (isspace(ch))
				inword = 0;
			else if (!inword) {
				inword = 1;
				c->words++;
			}
		}
	}
	if (n < 0)
		fprintf(stderr, "wc: %s: %s\n", name, strerror(errno));
	return n < 0;
}

/* The selected fields, each "%7lu", space separated, then the name if there is one. */
static void print(const struct counts *c, const char *name)
{
	const char *sep = "";
	if (want_lines) {
		printf("%s%7lu", sep, c->lines);
		sep = " ";
	}
	if (want_words) {
		printf("%s%7lu", sep, c->words);
		sep = " ";
	}
	if (want_bytes)
		printf("%s%7lu", sep, c->bytes);
	if (name)
		printf(" %s", name);
	putchar('\n');
}

/* Count and print one operand, adding it to *total. 0, or 1 on an error. */
static int wc_file(const char *path, struct counts *total)
{
	struct counts c = { 0, 0, 0 };
	int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "wc: %s: %s\n", path, strerror(errno));
		return 1;
	}
	int r = count(fd, path, &c);
	if (fd != 0)
		close(fd);
	if (r == 0)
		print(&c, path);
	total->lines += c.lines;
	total->words += c.words;
	total->bytes += c.bytes;
	return r;
}

int main(int argc, char **argv)
{
	int c;
	while ((c = getopt(argc, argv, "lwc")) != -1) {
		switch (c) {
		case 'l': want_lines = 1; break;
		case 'w': want_words = 1; break;
		case 'c': want_bytes = 1; break;
		default:
			fprintf(stderr, "usage: wc [-lwc] [FILE...]\n");
			return 2;
		}
	}
	if (!want_lines && !want_words && !want_bytes)
		want_lines = want_words = want_bytes = 1;
	struct counts total = { 0, 0, 0 };
	if (optind == argc) {
		int r = count(0, "stdin", &total);
		if (r == 0)
			print(&total, NULL);
		return r;
	}
	int status = 0;
	for (int i = optind; i < argc; i++)
		status |= wc_file(argv[i], &total);
	if (argc - optind > 1)
		print(&total, "total");
	return status;
}
