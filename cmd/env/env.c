/* env: print the environment, or run a command in a changed one:
 * env [-i] [NAME=VALUE]... [CMD [ARG...]]. */
/*
 * -i starts from an empty environment; each NAME=VALUE is then set. CMD is found as
 * execvp would, through the new environment's PATH (posix_spawnp), and waited for: env's
 * status is CMD's, 126 if CMD could not be run, 127 if it was not found. A CMD ended by
 * a signal ends env by the same signal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>
#include <sys/wait.h>

extern char **environ;

/* Run argv and wait for it; the exit status env should give. */
static int run(char **argv)
{
	pid_t pid;
	int e = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
	if (e != 0) {
		fprintf(stderr, "env: %s: %s\n", argv[0], strerror(e));
		return e == ENOENT ? 127 : 126;
	}
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "env: waitpid: %s\n", strerror(errno));
			return 126;
		}
	}
	if (WIFSIGNALED(status)) {
		fflush(stdout);
		signal(WTERMSIG(status), SIG_DFL);
		kill(getpid(), WTERMSIG(status));
		return 128 + WTERMSIG(status);
	}
	return WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
	static char *empty[] = { NULL };
	int c;
	while ((c = getopt(argc, argv, "i")) != -1) {
		if (c != 'i') {
			fprintf(stderr, "usage: env [-i] [NAME=VALUE]... [CMD [ARG...]]\n");
			return 2;
		}
		environ = empty;
	}
	int i = optind;
	for (; i < argc && strchr(argv[i], '=') != NULL; i++) {
		if (argv[i][0] == '=' || putenv(argv[i]) != 0) {
			fprintf(stderr, "env: %s: %s\n", argv[i], strerror(argv[i][0] == '=' ? EINVAL : errno));
			return 125;
		}
	}
	if (i < argc)
		return run(argv + i);
	for (char **e = environ; *e; e++)
		puts(*e);
	return fflush(stdout) == 0 ? 0 : 1;
}
