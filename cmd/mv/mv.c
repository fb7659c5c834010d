/* mv: rename SRC to DST, or move each SRC into directory DIR. */
/*
 * rename() does the work. Between filesystems (EXDEV) mv does what rename cannot:
 * it removes what DST names (a file, or an empty directory), runs `cp -r SRC DST`, and
 * only if that succeeded, `rm -r SRC`; the copying and removing stay in those programs.
 */
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

extern char **environ;

/* Run argv (found through PATH) and wait: 0 if it exited 0, else 1 (it said why). */
static int run(char *const argv[])
{
	pid_t pid;
	int e = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
	if (e != 0) {
		fprintf(stderr, "mv: %s: %s\n", argv[0], strerror(e));
		return 1;
	}
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "mv: waitpid: %s\n", strerror(errno));
			return 1;
		}
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

/* The cross-filesystem move: clear dst, copy, then remove src. 0 or 1. */
static int move_across(const char *src, const char *dst)
{
	struct stat st;
	if (lstat(dst, &st) == 0 && (S_ISDIR(st.st_mode) ? rmdir(dst) : unlink(dst)) < 0) {
		fprintf(stderr, "mv: %s: %s\n", dst, strerror(errno));
		return 1;
	}
	char *cp[] = { "cp", "-r", "--", (char *)src, (char *)dst, NULL };
	char *rm[] = { "rm", "-r", "--", (char *)src, NULL };
	return run(cp) || run(rm);
}

static int move(const char *src, const char *dst)
{
	if (rename(src, dst) == 0)
		return 0;
	if (errno == EXDEV)
		return move_across(src, dst);
	fprintf(stderr, "mv: %s: %s\n", src, strerror(errno));
	return 1;
}

/* Move src into directory dir under its last path component ("a/b/" moves as "b"). */
static int move_into(const char *src, const char *dir)
{
	char base[PATH_MAX], path[PATH_MAX];
	snprintf(base, sizeof base, "%s", src);
	for (char *end = base + strlen(base) - 1; end > base && *end == '/'; end--)
		*end = 0;
	const char *slash = strrchr(base, '/');
	if (snprintf(path, sizeof path, "%s/%s", dir, slash ? slash + 1 : base) >= (int)sizeof path) {
		fprintf(stderr, "mv: %s: %s\n", src, strerror(ENAMETOOLONG));
		return 1;
	}
	return move(src, path);
}

int main(int argc, char **argv)
{
	if (getopt(argc, argv, "") != -1 || argc - optind < 2) {
		fprintf(stderr, "usage: mv SRC DST\n       mv SRC... DIR\n");
		return 2;
	}
	const char *last = argv[argc - 1];
	struct stat st;
	int isdir = stat(last, &st) == 0 && S_ISDIR(st.st_mode);
	if (argc - optind == 2 && !isdir)
		return move(argv[optind], last);
	if (!isdir) {
		fprintf(stderr, "mv: %s: %s\n", last, strerror(ENOTDIR));
		return 1;
	}
	int status = 0;
	for (int i = optind; i < argc - 1; i++)
		status |= move_into(argv[i], last);
	return status;
}
