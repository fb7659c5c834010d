/* mkdir: make directories (-p: and their missing parents; -m MODE: octal mode of the new ones). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <sys/stat.h>

static int usage(void)
{
	fprintf(stderr, "usage: mkdir [-p] [-m MODE] DIR...\n");
	return 2;
}

/* Make one directory; with -p an existing directory is no error. 0 or -1 (errno). */
static int make(const char *path, mode_t mode, int parents)
{
	if (mkdir(path, mode) == 0)
		return 0;
	struct stat st;
	int e = errno;
	if (parents && e == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	errno = e;
	return -1;
}

/* Make each parent of path in turn ("a", then "a/b" for "a/b/c"), with u+wx so that the
 * next one can be made inside. 0, or -1 with the failing prefix reported. */
static int make_parents(char *path)
{
	mode_t um = umask(0);
	umask(um);
	mode_t mode = (0777 & ~um) | S_IWUSR | S_IXUSR;
	for (char *p = path + 1; *p; p++) {
		if (*p != '/' || p[-1] == '/')
			continue;
		*p = 0;
		int r = make(path, mode, 1);
		if (r < 0)
			fprintf(stderr, "mkdir: %s: %s\n", path, strerror(errno));
		*p = '/';
		if (r < 0)
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int c, parents = 0, setmode = 0;
	mode_t mode = 0777;
	while ((c = getopt(argc, argv, "pm:")) != -1) {
		char *end;
		switch (c) {
		case 'p':
			parents = 1;
			break;
		case 'm':
			mode = (mode_t)strtoul(optarg, &end, 8);
			if (*optarg == 0 || *end || mode > 07777)
				return usage();
			setmode = 1;
			break;
		default:
			return usage();
		}
	}
	if (optind == argc)
		return usage();
	int status = 0;
	for (int i = optind; i < argc; i++) {
		if (parents && make_parents(argv[i]) < 0) {
			status = 1;
			continue;
		}
		if (make(argv[i], mode, parents) < 0 ||
		    (setmode && chmod(argv[i], mode) < 0)) {
			fprintf(stderr, "mkdir: %s: %s\n", argv[i], strerror(errno));
			status = 1;
		}
	}
	return status;
}
