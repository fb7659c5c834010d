/* A tiny host unit-test framework: TEST(name) { CHECK(...); } and a main that runs them all.
 * Each test prints "PASS: file:name" or "FAIL: file:name (first failed check)"; the exit
 * status is the number of failed tests. */
#ifndef HOST_TEST_H
#define HOST_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct host_test {
	const char *name;
	void (*fn)(void);
	struct host_test *next;
};

extern struct host_test *host_tests;
extern int host_test_failed;
extern const char *host_test_where;

#include <stdint.h>

/* Helpers for tests that drive host tools (test_main.c). */
int host_run(const char *cmd, char *out, size_t outsz);
uint8_t *host_load(const char *path, size_t *n);
uint8_t *host_dup(const uint8_t *b, size_t n);

#define TEST(name) \
	static void test_##name(void); \
	__attribute__((constructor)) static void reg_##name(void) { \
		static struct host_test t = { #name, test_##name, NULL }; \
		struct host_test **pp = &host_tests; \
		while (*pp) pp = &(*pp)->next; \
		*pp = &t; \
	} \
	static void test_##name(void)

#define CHECK(cond) do { \
	if (!(cond) && !host_test_failed) { \
		host_test_failed = 1; \
		static char where[256]; \
		snprintf(where, sizeof where, "%s:%d: CHECK(%s)", __FILE__, __LINE__, #cond); \
		host_test_where = where; \
	} \
} while (0)

#define CHECK_EQ(a, b) do { \
	long long _a = (long long)(a), _b = (long long)(b); \
	if (_a != _b && !host_test_failed) { \
		host_test_failed = 1; \
		static char where[256]; \
		snprintf(where, sizeof where, "%s:%d: %s == %lld, expected %s == %lld", \
			 __FILE__, __LINE__, #a, _a, #b, _b); \
		host_test_where = where; \
	} \
} while (0)

#endif
