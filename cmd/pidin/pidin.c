/* pidin: a table of every process's threads (-p PID: one process's), from taskman's /proc. */
/*
 * Columns, as QNX's pidin: pid, tid, name (the path the program was spawned from, without
 * its leading "/"), priority with the policy's letter (f FIFO, r RR, o OTHER), the thread
 * state, and what it is blocked on: the pid it sends to or awaits a reply from, the chid
 * it receives on, or a sync object's address. The files' formats are in docs/pathmgr.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <dirent.h>
#include <unistd.h>

/* What pidin shows of /proc/PID/status. */
struct proc {
	long	pid;
	char	name[128];
	char	state[16];
};

/* Read /proc/PID/status into *p. 0, or -1 with errno. */
static int read_status(long pid, struct proc *p)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%ld/status", pid);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return -1;
	p->pid = pid;
	p->name[0] = p->state[0] = 0;
	while (fgets(line, sizeof line, f)) {
		char *v = strchr(line, ' ');
		if (v == NULL)
			continue;
		*v++ = 0;
		v[strcspn(v, "\n")] = 0;
		if (strcmp(line, "path") == 0 || (strcmp(line, "name") == 0 && !p->name[0]))
			snprintf(p->name, sizeof p->name, "%s", v + (*v == '/'));
		else if (strcmp(line, "state") == 0)
			snprintf(p->state, sizeof p->state, "%s", v);
	}
	fclose(f);
	return 0;
}

/* "pid:5" and "chid:1" as their numbers, "-" as nothing, anything else as it is. */
static const char *blocked_on(const char *b)
{
	if (strcmp(b, "-") == 0)
		return "";
	const char *colon = strchr(b, ':');
	return colon && strncmp(b, "addr:", 5) != 0 ? colon + 1 : b + (colon ? 5 : 0);
}

static char policy_letter(const char *policy)
{
	if (strcmp(policy, "FIFO") == 0) return 'f';
	if (strcmp(policy, "RR") == 0) return 'r';
	if (strcmp(policy, "OTHER") == 0) return 'o';
	return '?';
}

/* One line per thread of p (/proc/PID/threads: "tid prio policy state blocked"); a
 * process without threads (a zombie) gets one line with its state. 0, or -1 with errno. */
static int show(const struct proc *p)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%ld/threads", p->pid);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return -1;
	int n = 0;
	while (fgets(line, sizeof line, f)) {
		int tid, prio;
		char policy[16], state[16], blocked[64];
		if (sscanf(line, "%d %d %15s %15s %63s", &tid, &prio, policy, state, blocked) != 5)
			continue;
		const char *on = blocked_on(blocked);
		char what[96];		/* the state, and what it is blocked on if anything */
		snprintf(what, sizeof what, *on ? "%-10s %s" : "%s", state, on);
		printf("%8ld %6d %-24s %3d%c %s\n", p->pid, tid, p->name, prio,
		       policy_letter(policy), what);
		n++;
	}
	fclose(f);
	if (n == 0)
		printf("%8ld %6s %-24s %4s %s\n", p->pid, "-", p->name, "-", p->state);
	return 0;
}

/* One process; an error is reported. 0 or 1. */
static int show_pid(long pid)
{
	struct proc p;
	if (read_status(pid, &p) < 0 || show(&p) < 0) {
		fprintf(stderr, "pidin: %ld: %s\n", pid, errno == ENOENT ? "no such process" : strerror(errno));
		return 1;
	}
	return 0;
}

static int by_value(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

/* Every process in /proc, in pid order; one that ends while we look is passed over. */
static int show_all(void)
{
	DIR *d = opendir("/proc");
	if (d == NULL) {
		fprintf(stderr, "pidin: /proc: %s\n", strerror(errno));
		return 1;
	}
	long *pids = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 0)
			continue;
		if (n == cap) {
			long *more = realloc(pids, (cap = cap ? cap * 2 : 64) * sizeof *pids);
			if (more == NULL)
				break;
			pids = more;
		}
		pids[n++] = pid;
	}
	closedir(d);
	qsort(pids, n, sizeof *pids, by_value);
	for (size_t i = 0; i < n; i++) {
		struct proc p;
		if (read_status(pids[i], &p) == 0)
			show(&p);
	}
	free(pids);
	return 0;
}

int main(int argc, char **argv)
{
	int c;
	long pid = 0;
	while ((c = getopt(argc, argv, "p:")) != -1) {
		char *end;
		if (c == 'p')
			pid = strtol(optarg, &end, 10);
		if (c != 'p' || *optarg == 0 || *end || pid <= 0) {
			fprintf(stderr, "usage: pidin [-p PID]\n");
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "usage: pidin [-p PID]\n");
		return 2;
	}
	printf("%8s %6s %-24s %4s %-10s %s\n", "pid", "tid", "name", "prio", "STATE", "Blocked");
	int status = pid ? show_pid(pid) : show_all();
	fflush(stdout);
	return status;
}
