/* touch: set files' access and modification times to now, creating them unless -c. */
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/time.h>

/* Touch one file. An existing one gets utimes(now); a missing one is created empty
 * (which gives it the current times), or with -c left alone. 0 or -1 (errno). */
static int touch(const char *path, int nocreate)
{
	if (utimes(path, NULL) == 0)
		return 0;
	if (errno != ENOENT)
		return -1;
	if (nocreate)
		return 0;
	int fd = open(path, O_WRONLY | O_CREAT, 0666);
	if (fd < 0)
		return -1;
	return close(fd);
}

int main(int argc, char **argv)
{
	int c, nocreate = 0;
	while ((c = getopt(argc, argv, "c")) != -1) {
		if (c != 'c')
			goto usage;
		nocreate = 1;
	}
	if (optind == argc)
		goto usage;
	int status = 0;
	for (int i = optind; i < argc; i++) {
		if (touch(argv[i], nocreate) < 0) {
			fprintf(stderr, "touch: %s: %s\n", argv[i], strerror(errno));
			status = 1;
		}
	}
	return status;
usage:
	fprintf(stderr, "usage: touch [-c] FILE...\n");
	return 2;
}
