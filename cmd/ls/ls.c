/* ls: list files and directories, one name per line (-l: long form, -a: all, -d: directories
 * themselves, -1: accepted; one per line is the only form). */
/*
 * Operands that are not directories are listed first, then each directory's contents
 * under a "NAME:" heading when there is more than one operand; names are sorted by
 * strcmp. The long form is POSIX's: mode string, links, owner, group (numbers), size,
 * modification time (UTC) and the name, with "-> target" for a symbolic link.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <dirent.h>
#include <limits.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

static int all, longform, dirself;
static time_t now;

/* One name to list, with its status if the long form needs it. */
struct entry {
	char		*name;		/* what is printed */
	char		*path;		/* what is stat'ed and readlink'ed */
	struct stat	st;
};

/* Column widths of one long listing. */
struct widths {
	int	links, uid, gid, size;
};

static int digits(unsigned long v)
{
	int n = 1;
	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

static int max(int a, int b)
{
	return a > b ? a : b;
}

static char type_char(mode_t m)
{
	if (S_ISDIR(m)) return 'd';
	if (S_ISLNK(m)) return 'l';
	if (S_ISCHR(m)) return 'c';
	if (S_ISBLK(m)) return 'b';
	if (S_ISFIFO(m)) return 'p';
	if (S_ISSOCK(m)) return 's';
	return '-';
}

/* "drwxr-xr-x": the type, then rwx for owner, group and others, with s/S for set-id
 * and t/T for the sticky bit over the x they share a place with. */
static void mode_string(mode_t m, char out[11])
{
	static const char rwx[] = "rwxrwxrwx";
	out[0] = type_char(m);
	for (int i = 0; i < 9; i++)
		out[i + 1] = m & (0400 >> i) ? rwx[i] : '-';
	if (m & S_ISUID)
		out[3] = m & S_IXUSR ? 's' : 'S';
	if (m & S_ISGID)
		out[6] = m & S_IXGRP ? 's' : 'S';
	if (m & S_ISVTX)
		out[9] = m & S_IXOTH ? 't' : 'T';
	out[10] = 0;
}

/* "Jan  2 15:04" within half a year of now, else "Jan  2  2025" (UTC). */
static void time_string(time_t t, char *out, size_t size)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	int recent = t <= now + 3600 && now - t < 183L * 24 * 3600;
	strftime(out, size, recent ? "%b %e %H:%M" : "%b %e  %Y", &tm);
}

static void print_long(const struct entry *e, const struct widths *w)
{
	char mode[11], when[32];
	mode_string(e->st.st_mode, mode);
	time_string(e->st.st_mtime, when, sizeof when);
	printf("%s %*lu %-*lu %-*lu %*lu %s %s", mode, w->links, (unsigned long)e->st.st_nlink,
	       w->uid, (unsigned long)e->st.st_uid, w->gid, (unsigned long)e->st.st_gid,
	       w->size, (unsigned long)e->st.st_size, when, e->name);
	if (S_ISLNK(e->st.st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlink(e->path, target, sizeof target - 1);
		if (n >= 0) {
			target[n] = 0;
			printf(" -> %s", target);
		}
	}
	putchar('\n');
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

/* Print n sorted entries, the long form with columns as wide as their widest value. */
static void print_entries(struct entry *v, size_t n)
{
	qsort(v, n, sizeof *v, by_name);
	struct widths w = { 1, 1, 1, 1 };
	for (size_t i = 0; longform && i < n; i++) {
		w.links = max(w.links, digits(v[i].st.st_nlink));
		w.uid = max(w.uid, digits(v[i].st.st_uid));
		w.gid = max(w.gid, digits(v[i].st.st_gid));
		w.size = max(w.size, digits((unsigned long)v[i].st.st_size));
	}
	for (size_t i = 0; i < n; i++) {
		if (longform)
			print_long(&v[i], &w);
		else
			puts(v[i].name);
	}
}

static void free_entries(struct entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].path);
	}
	free(v);
}

/* Append the entry dir/name to *v (growing it); its status is read for the long form.
 * 0, or 1 after reporting why not. */
static int add(struct entry **v, size_t *n, size_t *cap, const char *dir, const char *name)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 32;
		struct entry *more = realloc(*v, c * sizeof *more);
		if (more == NULL)
			goto nomem;
		*v = more;
		*cap = c;
	}
	struct entry *e = &(*v)[*n];
	size_t plen = (dir ? strlen(dir) + 1 : 0) + strlen(name) + 1;
	e->name = strdup(name);
	e->path = malloc(plen);
	if (e->name == NULL || e->path == NULL) {
		free(e->name);
		free(e->path);
		goto nomem;
	}
	snprintf(e->path, plen, "%s%s%s", dir ? dir : "", dir ? "/" : "", name);
	if (longform && lstat(e->path, &e->st) < 0) {
		fprintf(stderr, "ls: %s: %s\n", e->path, strerror(errno));
		free(e->name);
		free(e->path);
		return 1;
	}
	(*n)++;
	return 0;
nomem:
	fprintf(stderr, "ls: %s\n", strerror(ENOMEM));
	return 1;
}

/* List what directory path holds (names starting with "." only with -a). 0 or 1. */
static int list_dir(const char *path)
{
	DIR *d = opendir(path);
	if (d == NULL) {
		fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
		return 1;
	}
	struct entry *v = NULL;
	size_t n = 0, cap = 0;
	int status = 0;
	struct dirent *de;
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] != '.' || all)
			status |= add(&v, &n, &cap, path, de->d_name);
		errno = 0;
	}
	if (errno) {
		fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
		status = 1;
	}
	closedir(d);
	print_entries(v, n);
	free_entries(v, n);
	return status;
}

/* Split the operands: files (and, with -d, directories) are listed together first; the
 * directories' contents follow, each under a heading if there are several operands. */
static int list_operands(char **ops, int nops)
{
	struct entry *files = NULL;
	size_t nfiles = 0, cap = 0;
	char **dirs = calloc((size_t)nops, sizeof *dirs);
	int ndirs = 0, status = 0;
	if (dirs == NULL) {
		fprintf(stderr, "ls: %s\n", strerror(ENOMEM));
		return 1;
	}
	for (int i = 0; i < nops; i++) {
		struct stat st;
		if (stat(ops[i], &st) < 0 && lstat(ops[i], &st) < 0) {
			fprintf(stderr, "ls: %s: %s\n", ops[i], strerror(errno));
			status = 1;
		} else if (S_ISDIR(st.st_mode) && !dirself)
			dirs[ndirs++] = ops[i];
		else
			status |= add(&files, &nfiles, &cap, NULL, ops[i]);
	}
	print_entries(files, nfiles);
	free_entries(files, nfiles);
	for (int i = 0; i < ndirs; i++) {
		if (nops > 1)
			printf("%s%s:\n", i || nfiles ? "\n" : "", dirs[i]);
		status |= list_dir(dirs[i]);
	}
	free(dirs);
	return status;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	int c;
	while ((c = getopt(argc, argv, "lad1")) != -1) {
		switch (c) {
		case 'l': longform = 1; break;
		case 'a': all = 1; break;
		case 'd': dirself = 1; break;
		case '1': break;
		default:
			fprintf(stderr, "usage: ls [-lad1] [FILE...]\n");
			return 2;
		}
	}
	now = time(NULL);
	char *dot[] = { "." };
	char **ops = optind < argc ? argv + optind : dot;
	int nops = optind < argc ? argc - optind : 1;
	qsort(ops, (size_t)nops, sizeof *ops, cmp_str);
	int status = list_operands(ops, nops);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "ls: stdout: %s\n", strerror(errno));
		status = 1;
	}
	return status;
}
