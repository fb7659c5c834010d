/* umount: ask the filesystem mounted at a directory to sync, detach and exit. */
/*
 * `umount [-f] DIR` sends DCMD_FSYS_UMOUNT (force 0, or 1 with -f) on an open of DIR,
 * which must be a mount point: a directory registration in /proc/mounts. The server
 * refuses with EBUSY while files are open (not counting umount's own open of DIR).
 * umount then waits (up to 10 s) until the registration is gone.
 */
#include <devctl.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void usage(void)
{
	fprintf(stderr, "usage: umount [-f] DIR\n");
	exit(2);
}

/* The pid serving exactly dir as a directory registration, or 0. */
static pid_t server_of(const char *dir)
{
	FILE *f = fopen("/proc/mounts", "r");
	if (!f)
		return 0;
	char line[1100];
	pid_t pid = 0;
	while (!pid && fgets(line, sizeof line, f)) {
		char *path = strtok(line, " "), *p = strtok(NULL, " ");
		char *ftype = strtok(NULL, " "), *flags = strtok(NULL, " \n");
		if (path && p && ftype && flags && strcmp(path, dir) == 0 && strstr(flags, "dir") &&
		    atoi(p) != 1)
			pid = atoi(p);
	}
	fclose(f);
	return pid;
}

int main(int argc, char **argv)
{
	int c;
	int32_t force = 0;
	while ((c = getopt(argc, argv, "f")) != -1) {
		if (c != 'f')
			usage();
		force = 1;
	}
	if (argc - optind != 1)
		usage();
	char dir[PATH_MAX];
	const char *arg = argv[optind];
	char cwd[PATH_MAX] = "";
	if (arg[0] != '/' && !getcwd(cwd, sizeof cwd))
		cwd[0] = 0;
	int n = snprintf(dir, sizeof dir, "%s%s%s", cwd, cwd[0] && strcmp(cwd, "/") ? "/" : "", arg);
	while (n > 1 && dir[n - 1] == '/')
		dir[--n] = 0;
	pid_t pid = server_of(dir);
	if (!pid) {
		fprintf(stderr, "umount: %s: not a mount point\n", arg);
		return 1;
	}
	int fd = open(dir, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "umount: %s: %s\n", arg, strerror(errno));
		return 1;
	}
	int e = devctl(fd, DCMD_FSYS_UMOUNT, &force, sizeof force, NULL);
	close(fd);
	if (e == EBUSY) {
		fprintf(stderr, "umount: %s: filesystem busy (files are open; -f forces)\n", arg);
		return 1;
	}
	if (e == ENOTTY || e == ENOSYS) {
		fprintf(stderr, "umount: %s: its server cannot be unmounted\n", arg);
		return 1;
	}
	if (e) {
		fprintf(stderr, "umount: %s: %s\n", arg, strerror(e));
		return 1;
	}
	struct timespec tick = { 0, 20 * 1000 * 1000 };
	for (int i = 0; i < 500 && server_of(dir) == pid; i++)
		nanosleep(&tick, NULL);
	if (server_of(dir) == pid) {
		fprintf(stderr, "umount: %s: still served by pid %d\n", arg, pid);
		return 1;
	}
	return 0;
}
