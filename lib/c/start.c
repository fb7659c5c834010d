/* Placeholder C start-up until the system layer lands (lib/c owner replaces this). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <errno.h>
#include <sys/neutrino.h>

int main(int argc, char **argv);

int *__get_errno_ptr(void)
{
	return &errno;
}

ssize_t write(int fd, const void *buf, size_t len)
{
	return KerDebugWrite(buf, (int)len);
}

void _exit(int status)
{
	for (;;)
		ThreadDestroy(-1, -1, (void *)(long)status);
}

static int put(char c, FILE *f)
{
	write(1, &c, 1);
	return (unsigned char)c;
}
static FILE out = FDEV_SETUP_STREAM(put, NULL, NULL, _FDEV_SETUP_WRITE);
FILE *const stdout = &out;
FILE *const stderr = &out;
FILE *const stdin = &out;

void __qsoe_start(void *block)
{
	char *argv[] = { "hello", NULL };
	exit(main(1, argv));
}
