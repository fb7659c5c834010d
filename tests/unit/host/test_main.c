/* Runs every TEST() linked into the binary; see test.h. */
#include "test.h"
#include <stdarg.h>
#include <sys/wait.h>

struct host_test *host_tests;
int host_test_failed;
const char *host_test_where;
struct globaldata *host_mycpu;

/* Runs a shell command; its stdout and stderr go to out (NUL-terminated). Returns the exit
 * status, or -1 if it did not exit normally. */
int host_run(const char *cmd, char *out, size_t outsz)
{
	char full[1024];
	snprintf(full, sizeof full, "%s 2>&1", cmd);
	FILE *p = popen(full, "r");
	if (!p)
		return -1;
	size_t n = fread(out, 1, outsz - 1, p);
	out[n] = 0;
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Reads a whole file into an exactly-sized malloc'd buffer (so ASan catches overreads);
 * NULL if it cannot. */
uint8_t *host_load(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	*n = (size_t)ftell(f);
	rewind(f);
	buf = malloc(*n ? *n : 1);
	if (fread(buf, 1, *n, f) != *n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* An exactly-sized malloc'd copy of n bytes (so ASan catches overreads of it). */
uint8_t *host_dup(const uint8_t *b, size_t n)
{
	uint8_t *c = malloc(n ? n : 1);
	memcpy(c, b, n);
	return c;
}

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
