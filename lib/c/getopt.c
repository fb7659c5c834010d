/* getopt: POSIX's, replacing picolibc's GNU-style one, which permutes operands (so
 * `env -i CMD -x` took -x as env's) and takes a lone "-" (stdin) for an option. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

char *optarg;
int optind = 1, opterr = 1, optopt;

static int optpos = 1;		/* the next option letter's place in argv[optind] */

/* Report an error unless optstring starts with ':' or opterr is 0; return '?'. */
static int bad(char *const argv[], const char *optstring, const char *what, int c)
{
	if (opterr && optstring[0] != ':')
		fprintf(stderr, "%s: %s -- %c\n", argv[0], what, c);
	return '?';
}

/* The next option letter of argv (POSIX): it, '?' for an unknown letter or a missing
 * argument (':' for the latter if optstring starts with ':'), or -1 at the first operand,
 * at a lone "-" (an operand) or after "--". */
int getopt(int argc, char *const argv[], const char *optstring)
{
	if (optind == 0)		/* glibc's way to start over */
		optind = optpos = 1;
	if (optpos == 1) {
		if (optind >= argc || argv[optind] == NULL || argv[optind][0] != '-' ||
		    argv[optind][1] == 0)
			return -1;
		if (strcmp(argv[optind], "--") == 0) {
			optind++;
			return -1;
		}
	}
	const char *arg = argv[optind];
	int c = (unsigned char)arg[optpos++];
	const char *spec = c == ':' ? NULL : strchr(optstring, c);
	int last = arg[optpos] == 0;
	if (spec == NULL || spec[1] != ':') {
		if (last) {
			optind++;
			optpos = 1;
		}
		optopt = c;
		return spec ? c : bad(argv, optstring, "illegal option", c);
	}
	int at = optpos;		/* an argument: the rest of this word, or the next */
	optind++;
	optpos = 1;
	if (!last) {
		optarg = (char *)arg + at;
		return c;
	}
	if (optind < argc) {
		optarg = argv[optind++];
		return c;
	}
	optopt = c;
	return optstring[0] == ':' ? ':' : bad(argv, optstring, "option requires an argument", c);
}
