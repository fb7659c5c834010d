/* slay: signal (default SIGTERM) every process running a program of the given name. */
/*
 * The name is compared with the `name` line of each /proc/PID/status (the program's
 * basename); zombies and slay itself are passed over. SIG is a name ("KILL", "SIGKILL")
 * or a number, as str2sig takes it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <signal.h>
#include <dirent.h>
#include <unistd.h>

/* Does /proc/PID/status say a live process runs program name? */
static int runs(const char *pid, const char *name)
{
	char path[64], line[256];
	int found = 0, zombie = 0;
	snprintf(path, sizeof path, "/proc/%s/status", pid);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return 0;		/* ended since the listing */
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = 0;
		if (strcmp(line, "state zombie") == 0)
			zombie = 1;
		else if (strncmp(line, "name ", 5) == 0)
			found = strcmp(line + 5, name) == 0;
	}
	fclose(f);
	return found && !zombie;
}

/* Signal every process named name: 0 if there was one and all took the signal, else 1. */
static int slay(const char *name, int sig)
{
	DIR *d = opendir("/proc");
	if (d == NULL) {
		fprintf(stderr, "slay: /proc: %s\n", strerror(errno));
		return 1;
	}
	int n = 0, status = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 0 || pid == getpid() || !runs(e->d_name, name))
			continue;
		n++;
		if (kill((pid_t)pid, sig) < 0 && errno != ESRCH) {
			fprintf(stderr, "slay: %ld: %s\n", pid, strerror(errno));
			status = 1;
		}
	}
	closedir(d);
	if (n == 0) {
		fprintf(stderr, "slay: no process named %s\n", name);
		return 1;
	}
	return status;
}

int main(int argc, char **argv)
{
	int c, sig = SIGTERM;
	while ((c = getopt(argc, argv, "s:")) != -1) {
		const char *s = optarg;
		if (c == 's' && strncmp(s, "SIG", 3) == 0)
			s += 3;
		if (c != 's' || str2sig(s, &sig) < 0)
			goto usage;
	}
	if (optind == argc)
		goto usage;
	int status = 0;
	for (int i = optind; i < argc; i++)
		status |= slay(argv[i], sig);
	return status;
usage:
	fprintf(stderr, "usage: slay [-s SIG] NAME...\n");
	return 2;
}
