/* mount: start a filesystem server on a device at a directory, or list the mounts. */
/*
 * `mount [-t TYPE] [-r] DEVICE DIR` spawns `fs-TYPE [-r] DEVICE DIR` (TYPE ext2 by
 * default) in a session of its own (no terminal signals reach it) and waits until DIR
 * appears in /proc/mounts served by that process: the mount is then in place and mount
 * exits 0. If the server exits first it has said why on stderr (which it shares with
 * mount); mount adds its status and exits 1. `mount` alone prints /proc/mounts.
 */
#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WAIT_SECONDS	60	/* a server that neither serves nor exits by then */

extern char **environ;

static void usage(void)
{
	fprintf(stderr, "usage: mount [-t TYPE] [-r] DEVICE DIR\n       mount\n");
	exit(2);
}

static int list(void)
{
	FILE *f = fopen("/proc/mounts", "r");
	if (!f) {
		fprintf(stderr, "mount: /proc/mounts: %s\n", strerror(errno));
		return 1;
	}
	char line[1100];
	while (fgets(line, sizeof line, f))
		fputs(line, stdout);
	fclose(f);
	return 0;
}

/* Is dir registered in /proc/mounts by process pid? */
static int served(const char *dir, pid_t pid)
{
	FILE *f = fopen("/proc/mounts", "r");
	if (!f)
		return 0;
	char line[1100];
	int yes = 0;
	while (!yes && fgets(line, sizeof line, f)) {
		char *path = strtok(line, " "), *p = strtok(NULL, " ");
		yes = path && p && strcmp(path, dir) == 0 && atoi(p) == pid;
	}
	fclose(f);
	return yes;
}

/* dir made absolute (against the cwd), without trailing '/'s, in out. */
static int absolute(const char *dir, char *out, size_t size)
{
	char cwd[PATH_MAX] = "";
	if (dir[0] != '/' && !getcwd(cwd, sizeof cwd))
		return -1;
	int n = snprintf(out, size, "%s%s%s", cwd, cwd[0] && strcmp(cwd, "/") ? "/" : "", dir);
	if (n < 0 || (size_t)n >= size)
		return -1;
	while (n > 1 && out[n - 1] == '/')
		out[--n] = 0;
	return 0;
}

int main(int argc, char **argv)
{
	const char *type = "ext2";
	int c, ro = 0;
	while ((c = getopt(argc, argv, "t:r")) != -1) {
		if (c == 't')
			type = optarg;
		else if (c == 'r')
			ro = 1;
		else
			usage();
	}
	if (optind == argc && argc == 1)
		return list();
	if (argc - optind != 2 || !type[0] || strchr(type, '/'))
		usage();
	const char *dev = argv[optind];
	char dir[PATH_MAX], prog[64];
	if (absolute(argv[optind + 1], dir, sizeof dir) < 0) {
		fprintf(stderr, "mount: %s: %s\n", argv[optind + 1], strerror(ENAMETOOLONG));
		return 1;
	}
	snprintf(prog, sizeof prog, "fs-%s", type);
	char *args[5];
	int n = 0;
	args[n++] = prog;
	if (ro)
		args[n++] = "-r";
	args[n++] = (char *)dev;
	args[n++] = dir;
	args[n] = NULL;

	posix_spawnattr_t at;
	posix_spawnattr_init(&at);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSID);
	pid_t pid;
	int e = posix_spawnp(&pid, prog, NULL, &at, args, environ);
	posix_spawnattr_destroy(&at);
	if (e) {
		fprintf(stderr, "mount: %s: %s\n", prog, strerror(e));
		return 1;
	}
	struct timespec tick = { 0, 20 * 1000 * 1000 };
	for (int i = 0; i < WAIT_SECONDS * 50; i++) {
		int status;
		if (served(dir, pid))
			return 0;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			if (WIFEXITED(status))
				fprintf(stderr, "mount: %s %s on %s failed (%s exited %d)\n", type,
					dev, dir, prog, WEXITSTATUS(status));
			else
				fprintf(stderr, "mount: %s %s on %s failed (%s killed by signal %d)\n",
					type, dev, dir, prog, WTERMSIG(status));
			return 1;
		}
		nanosleep(&tick, NULL);
	}
	fprintf(stderr, "mount: %s does not serve %s after %d s; left running as pid %d\n", prog,
		dir, WAIT_SECONDS, pid);
	return 1;
}
