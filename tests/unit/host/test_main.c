/* Runs every TEST() linked into the binary; see test.h. */
#include "test.h"
#include <stdarg.h>

struct host_test *host_tests;
int host_test_failed;
const char *host_test_where;
struct globaldata *host_mycpu;

/* The kernel's panic, for code under test: a failed invariant fails the test run loudly. */
void panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "panic: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	abort();
}

int main(int argc, char **argv)
{
	const char *prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	int failed = 0, passed = 0;
	(void)argc;
	setvbuf(stdout, NULL, _IOLBF, 0);	/* keep PASS lines printed before a crash */
	for (struct host_test *t = host_tests; t; t = t->next) {
		host_test_failed = 0;
		host_test_where = NULL;
		t->fn();
		if (host_test_failed) {
			printf("FAIL: %s:%s (%s)\n", prog, t->name, host_test_where);
			failed++;
		} else {
			printf("PASS: %s:%s\n", prog, t->name);
			passed++;
		}
	}
	fflush(stdout);
	return failed;
}
