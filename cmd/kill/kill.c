/* kill: send a signal (default SIGTERM) to processes, or to a group for a negative PID;
 * kill -l lists the signal names (kill -l STATUS names the signal that ended a process). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <errno.h>
#include <signal.h>

static int usage(void)
{
	fprintf(stderr, "usage: kill [-s SIG | -SIG] PID...\n       kill -l [STATUS]\n");
	return 2;
}

/* A signal by name (any case, "SIG" optional) or number; "0" is the null signal, which
 * only checks. 0 and *sig set, or -1. */
static int parse_signal(const char *s, int *sig)
{
	char name[SIG2STR_MAX];
	size_t i;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (i = 0; s[i] && i + 1 < sizeof name; i++)
		name[i] = (char)toupper((unsigned char)s[i]);
	name[i] = 0;
	if (s[i])
		return -1;
	if (strcmp(name, "0") == 0) {
		*sig = 0;
		return 0;
	}
	return str2sig(name, sig);
}

/* A whole decimal number, which may be negative. 0 and *v set, or -1. */
static int parse_long(const char *s, long *v)
{
	char *end;
	errno = 0;
	*v = strtol(s, &end, 10);
	return *s == 0 || *end || errno ? -1 : 0;
}

/* kill -l: every signal's name, one a line; kill -l STATUS: the name of signal STATUS,
 * or of STATUS - 128 (a shell's status for a process a signal ended). */
static int list(int argc, char **argv)
{
	char name[SIG2STR_MAX];
	if (argc == 2) {
		for (int sig = 1; sig < NSIG; sig++)
			if (sig2str(sig, name) == 0)
				puts(name);
		return 0;
	}
	long v;
	if (argc != 3 || parse_long(argv[2], &v) < 0)
		return usage();
	if (v > 128)
		v -= 128;
	if (v <= 0 || v >= NSIG || sig2str((int)v, name) < 0) {
		fprintf(stderr, "kill: %s: no such signal\n", argv[2]);
		return 1;
	}
	puts(name);
	return 0;
}

int main(int argc, char **argv)
{
	int sig = SIGTERM, i = 1;
	if (argc < 2)
		return usage();
	if (strcmp(argv[1], "-l") == 0)
		return list(argc, argv);
	if (strcmp(argv[1], "-s") == 0) {
		if (argc < 3 || parse_signal(argv[2], &sig) < 0)
			return usage();
		i = 3;
	} else if (argv[1][0] == '-' && argv[1][1] != 0 && strcmp(argv[1], "--") != 0) {
		if (parse_signal(argv[1] + 1, &sig) < 0)
			return usage();
		i = 2;
	}
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i == argc)
		return usage();
	int status = 0;
	for (; i < argc; i++) {
		long pid;
		if (parse_long(argv[i], &pid) < 0 || pid != (pid_t)pid) {
			fprintf(stderr, "kill: %s: not a process id\n", argv[i]);
			status = 1;
		} else if (kill((pid_t)pid, sig) < 0) {
			fprintf(stderr, "kill: %s: %s\n", argv[i], strerror(errno));
			status = 1;
		}
	}
	return status;
}
