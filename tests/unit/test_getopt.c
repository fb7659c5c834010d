/* Host tests for libc's POSIX getopt: no permuting, "-" an operand, "--", arguments. */
/* SOURCES: lib/c/getopt.c */
#include "test.h"
#include <unistd.h>

/* Parse argv (NULL-ended) with opts from the start; the letters returned, as a string
 * ("a", "b=ARG" for an argument, "?" for an error), and optind at the end in *end. */
static const char *parse(char **argv, const char *opts, int *end)
{
	static char out[128];
	int argc = 0, c;
	while (argv[argc])
		argc++;
	out[0] = 0;
	optind = 0;
	opterr = 0;
	while ((c = getopt(argc, argv, opts)) != -1) {
		size_t n = strlen(out);
		if (c == 'b' || c == 'm')
			snprintf(out + n, sizeof out - n, "%c=%s,", c, optarg);
		else
			snprintf(out + n, sizeof out - n, "%c,", c);
	}
	*end = optind;
	return out;
}

TEST(getopt_flags_grouped_and_separate)
{
	int end;
	CHECK(strcmp(parse((char *[]){ "p", "-ac", "-a", "x", NULL }, "ac", &end), "a,c,a,") == 0);
	CHECK(end == 3);
}

TEST(getopt_stops_at_first_operand)
{
	int end;
	CHECK(strcmp(parse((char *[]){ "env", "-i", "ls", "-l", NULL }, "i", &end), "i,") == 0);
	CHECK(end == 2);
}

TEST(getopt_dash_is_an_operand)
{
	int end;
	CHECK(strcmp(parse((char *[]){ "cat", "-", "-u", NULL }, "u", &end), "") == 0);
	CHECK(end == 1);
}

TEST(getopt_double_dash_ends_options)
{
	int end;
	CHECK(strcmp(parse((char *[]){ "kill", "-a", "--", "-5", NULL }, "a", &end), "a,") == 0);
	CHECK(end == 3);
}

TEST(getopt_arguments_attached_and_next)
{
	int end;
	const char *r = parse((char *[]){ "p", "-bX", "-ab", "Y", "-m", "700", "z", NULL }, "ab:m:", &end);
	CHECK(strcmp(r, "b=X,a,b=Y,m=700,") == 0);
	CHECK(end == 6);
}

TEST(getopt_unknown_and_missing_argument)
{
	int end;
	CHECK(strcmp(parse((char *[]){ "p", "-z", "-a", NULL }, "a", &end), "?,a,") == 0);
	CHECK(end == 3);
	CHECK(strcmp(parse((char *[]){ "p", "-b", NULL }, "b:", &end), "?,") == 0);
	CHECK(optopt == 'b' && end == 2);
	CHECK(strcmp(parse((char *[]){ "p", "-b", NULL }, ":b:", &end), ":,") == 0);
	CHECK(strcmp(parse((char *[]){ "p", "-:", NULL }, "a:", &end), "?,") == 0);
}

TEST(getopt_no_arguments)
{
	int end;
	CHECK(strcmp(parse((char *[]){ "p", NULL }, "a", &end), "") == 0);
	CHECK(end == 1);
}
