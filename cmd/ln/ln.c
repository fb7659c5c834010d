/* ln: make hard links, or symbolic links with -s (ln [-s] [-f] TARGET LINK, or TARGET... DIR). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int usage(void)
{
	fprintf(stderr, "usage: ln [-s] [-f] TARGET LINK  or  ln [-s] [-f] TARGET... DIR\n");
	return 2;
}

static int link_one(const char *target, const char *name, int sym, int force)
{
	if (force && unlink(name) < 0 && errno != ENOENT) {
		fprintf(stderr, "ln: %s: %s\n", name, strerror(errno));
		return 1;
	}
	if ((sym ? symlink(target, name) : link(target, name)) < 0) {
		fprintf(stderr, "ln: %s: %s\n", name, strerror(errno));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int sym = 0, force = 0, c;
	while ((c = getopt(argc, argv, "sf")) != -1) {
		if (c == 's')
			sym = 1;
		else if (c == 'f')
			force = 1;
		else
			return usage();
	}
	int n = argc - optind;
	if (n < 2)
		return usage();
	const char *last = argv[argc - 1];
	struct stat st;
	int into_dir = stat(last, &st) == 0 && S_ISDIR(st.st_mode);
	if (n > 2 && !into_dir) {
		fprintf(stderr, "ln: %s: not a directory\n", last);
		return 1;
	}
	if (!into_dir)
		return link_one(argv[optind], last, sym, force);
	int status = 0;
	for (int i = optind; i < argc - 1; i++) {
		const char *base = strrchr(argv[i], '/');
		base = base ? base + 1 : argv[i];
		char name[1024];
		if (snprintf(name, sizeof name, "%s/%s", last, base) >= (int)sizeof name) {
			fprintf(stderr, "ln: %s/%s: name too long\n", last, base);
			status = 1;
			continue;
		}
		status |= link_one(argv[i], name, sym, force);
	}
	return status;
}
