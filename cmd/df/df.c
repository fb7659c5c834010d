/* df: size, use and free space of mounted filesystems (statvfs), in 1 KiB blocks. */
/*
 * `df [PATH...]`: one line per filesystem, under the header
 * "Filesystem 1K-blocks Used Available Use% Mounted on". Without operands every directory
 * registration in /proc/mounts (other than taskman's) whose server answers statvfs, each
 * server once; with operands the filesystem holding each PATH, mounted on the longest
 * such registration above it. The Filesystem column is the device the server was started
 * on (the first /dev/ argument in /proc/PID/status), else its type ("tmpfs").
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define MOUNTS_MAX	64

struct mnt {
	char	path[256];
	pid_t	pid;
};

static struct mnt mounts[MOUNTS_MAX];
static int nmounts;

/* The directory registrations of servers other than taskman, in /proc/mounts order. */
static void read_mounts(void)
{
	FILE *f = fopen("/proc/mounts", "r");
	if (!f)
		return;
	char line[1100];
	while (nmounts < MOUNTS_MAX && fgets(line, sizeof line, f)) {
		char *path = strtok(line, " "), *p = strtok(NULL, " ");
		char *ftype = strtok(NULL, " "), *flags = strtok(NULL, " \n");
		if (!path || !p || !ftype || !flags || !strstr(flags, "dir") || atoi(p) == 1 ||
		    strlen(path) >= sizeof mounts[0].path)
			continue;
		strcpy(mounts[nmounts].path, path);
		mounts[nmounts++].pid = atoi(p);
	}
	fclose(f);
}

/* The device pid's server was started on, from the args line of its status. */
static void device_of(pid_t pid, const char *type, char *out, size_t size)
{
	char name[40], line[512];
	snprintf(out, size, "%s", type[0] ? type : "-");
	snprintf(name, sizeof name, "/proc/%d/status", pid);
	FILE *f = fopen(name, "r");
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, "args ", 5) != 0)
			continue;
		strtok(line + 5, " \n");			/* the program */
		for (char *w; (w = strtok(NULL, " \n")); )
			if (strncmp(w, "/dev/", 5) == 0) {
				snprintf(out, size, "%s", w);
				break;
			}
	}
	fclose(f);
}

/* The mount holding the absolute path: the longest registration above it. */
static const struct mnt *mount_of(const char *path)
{
	const struct mnt *best = NULL;
	for (int i = 0; i < nmounts; i++) {
		size_t n = strlen(mounts[i].path);
		int above = strcmp(mounts[i].path, "/") == 0 ||
			    (strncmp(path, mounts[i].path, n) == 0 &&
			     (path[n] == 0 || path[n] == '/'));
		if (above && (!best || n > strlen(best->path)))
			best = &mounts[i];
	}
	return best;
}

static void header(void)
{
	printf("%-20s %10s %10s %10s %4s %s\n", "Filesystem", "1K-blocks", "Used", "Available",
	       "Use%", "Mounted on");
}

static void line(const struct statvfs *sv, pid_t pid, const char *on)
{
	char dev[64];
	unsigned long long k = sv->f_frsize ? sv->f_frsize : sv->f_bsize;
	unsigned long long total = sv->f_blocks * k / 1024, avail = sv->f_bavail * k / 1024;
	unsigned long long used = (sv->f_blocks - sv->f_bfree) * k / 1024;
	unsigned long long base = used + avail;
	unsigned pct = base ? (unsigned)((used * 100 + base - 1) / base) : 0;
	device_of(pid, sv->f_basetype, dev, sizeof dev);
	printf("%-20s %10llu %10llu %10llu %3u%% %s\n", dev, total, used, avail, pct, on);
}

static int show_all(void)
{
	pid_t seen[MOUNTS_MAX];
	int nseen = 0;
	header();
	for (int i = 0; i < nmounts; i++) {
		struct statvfs sv;
		int dup = 0;
		for (int j = 0; j < nseen; j++)
			dup |= seen[j] == mounts[i].pid;
		if (dup || statvfs(mounts[i].path, &sv) < 0)
			continue;
		seen[nseen++] = mounts[i].pid;
		line(&sv, mounts[i].pid, mounts[i].path);
	}
	return 0;
}

static int show(const char *arg)
{
	char path[PATH_MAX], cwd[PATH_MAX] = "";
	struct statvfs sv;
	if (statvfs(arg, &sv) < 0) {
		fprintf(stderr, "df: %s: %s\n", arg, strerror(errno));
		return 1;
	}
	if (arg[0] != '/' && !getcwd(cwd, sizeof cwd))
		cwd[0] = 0;
	snprintf(path, sizeof path, "%s%s%s", cwd, cwd[0] && strcmp(cwd, "/") ? "/" : "", arg);
	const struct mnt *m = mount_of(path);
	line(&sv, m ? m->pid : 0, m ? m->path : path);
	return 0;
}

int main(int argc, char **argv)
{
	int c;
	while ((c = getopt(argc, argv, "")) != -1) {
		fprintf(stderr, "usage: df [PATH...]\n");
		return 2;
	}
	read_mounts();
	if (optind == argc)
		return show_all();
	int err = 0;
	header();
	for (int i = optind; i < argc; i++)
		err |= show(argv[i]);
	return err;
}
