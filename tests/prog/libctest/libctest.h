/* libctest's parts: each test file has one entry point; check() prints a check line. */
#ifndef LIBCTEST_H
#define LIBCTEST_H
#include <stdarg.h>
extern int failures;
int check(const char *name, int ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void test_threads(void);
#endif
