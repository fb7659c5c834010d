/* rm: remove files (-r: directories and what is in them; -f: no complaint about missing ones). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <dirent.h>
#include <limits.h>
#include <unistd.h>
#include <sys/stat.h>

static int force, recursive;

static int fail(const char *path)
{
	if (force && errno == ENOENT)
		return 0;
	fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
	return 1;
}

/* The names in directory path but "." and "..", as a malloc'd NULL-ended array (freed with
 * free_names), read in full before anything is removed: a server need not keep a listing
 * steady while its directory changes. NULL with errno on failure. */
static char **read_names(const char *path)
{
	DIR *d = opendir(path);
	if (d == NULL)
		return NULL;
	size_t n = 0, cap = 16;
	char **names = malloc(cap * sizeof *names);
	struct dirent *e;
	while (names && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (n + 1 == cap) {
			char **more = realloc(names, (cap *= 2) * sizeof *names);
			if (more == NULL)
				break;
			names = more;
		}
		if ((names[n] = strdup(e->d_name)) == NULL)
			break;
		n++;
	}
	closedir(d);
	if (names == NULL || e != NULL) {
		for (size_t i = 0; names && i < n; i++)
			free(names[i]);
		free(names);
		errno = ENOMEM;
		return NULL;
	}
	names[n] = NULL;
	return names;
}

static void free_names(char **names)
{
	for (char **p = names; *p; p++)
		free(*p);
	free(names);
}

static int remove_path(const char *path);

/* Remove what is in directory path, then the directory. 0, or 1 if anything failed. */
static int remove_dir(const char *path)
{
	char **names = read_names(path);
	if (names == NULL)
		return fail(path);
	int status = 0;
	for (char **p = names; *p; p++) {
		char sub[PATH_MAX];
		if (snprintf(sub, sizeof sub, "%s/%s", path, *p) >= (int)sizeof sub) {
			fprintf(stderr, "rm: %s/%s: %s\n", path, *p, strerror(ENAMETOOLONG));
			status = 1;
			continue;
		}
		status |= remove_path(sub);
	}
	free_names(names);
	if (status == 0 && rmdir(path) < 0)
		return fail(path);
	return status;
}

/* Remove one name: a directory only with -r. 0, or 1 after reporting the error. */
static int remove_path(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return fail(path);
	if (S_ISDIR(st.st_mode)) {
		if (recursive)
			return remove_dir(path);
		errno = EISDIR;
		return fail(path);
	}
	return unlink(path) < 0 ? fail(path) : 0;
}

/* POSIX: an operand whose last component is "." or ".." is refused. */
static int dots(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	return strcmp(base, ".") == 0 || strcmp(base, "..") == 0;
}

int main(int argc, char **argv)
{
	int c;
	while ((c = getopt(argc, argv, "frR")) != -1) {
		switch (c) {
		case 'f': force = 1; break;
		case 'r': case 'R': recursive = 1; break;
		default: goto usage;
		}
	}
	if (optind == argc && !force)
		goto usage;
	int status = 0;
	for (int i = optind; i < argc; i++) {
		if (dots(argv[i])) {
			fprintf(stderr, "rm: %s: \".\" and \"..\" may not be removed\n", argv[i]);
			status = 1;
			continue;
		}
		status |= remove_path(argv[i]);
	}
	return status;
usage:
	fprintf(stderr, "usage: rm [-fr] FILE...\n");
	return 2;
}
