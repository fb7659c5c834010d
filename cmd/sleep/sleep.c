/* sleep: suspend for a number of seconds, which may have a fraction ("0.5"). */
#include <stdio.h>
#include <string.h>
#include <ctype.h>
#include <errno.h>
#include <time.h>

static int usage(void)
{
	fprintf(stderr, "usage: sleep SECONDS[.FRACTION]\n");
	return 2;
}

/* "S", "S.F" or ".F" (decimal digits) as a timespec. 0, or -1 if malformed or too large. */
static int parse(const char *s, struct timespec *ts)
{
	time_t sec = 0;
	long nsec = 0, scale = 100000000;
	int digits = 0;
	for (; isdigit((unsigned char)*s); s++, digits++) {
		if (sec > (time_t)1 << 40)
			return -1;
		sec = sec * 10 + (*s - '0');
	}
	if (*s == '.')
		for (s++; isdigit((unsigned char)*s); s++, digits++) {
			nsec += (*s - '0') * scale;
			scale /= 10;
		}
	if (*s || digits == 0)
		return -1;
	ts->tv_sec = sec;
	ts->tv_nsec = nsec;
	return 0;
}

int main(int argc, char **argv)
{
	struct timespec ts;
	if (argc == 3 && strcmp(argv[1], "--") == 0)
		argv++, argc--;
	if (argc != 2 || parse(argv[1], &ts) < 0)
		return usage();
	while (nanosleep(&ts, &ts) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "sleep: %s\n", strerror(errno));
			return 1;
		}
	}
	return 0;
}
