/* crypt_newsalt: a fresh "$6$" setting. QSOE has no entropy source: the salt is the
 * SHA-512 of both clocks' nanoseconds, the pid, a stack address and a call counter. */
#include <crypt.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "sha512.h"

static const char b64[] = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

char *crypt_newsalt(char buf[CRYPT_SALT_SIZE])
{
	static unsigned long calls;
	struct {
		struct timespec	mono, real;
		unsigned long	calls;
		pid_t		pid;
		void		*stack;
	} mix;
	memset(&mix, 0, sizeof mix);
	clock_gettime(CLOCK_MONOTONIC, &mix.mono);
	clock_gettime(CLOCK_REALTIME, &mix.real);
	mix.calls = ++calls;
	mix.pid = getpid();
	mix.stack = &mix;

	struct sha512 c;
	uint8_t d[SHA512_DIGEST];
	sha512_init(&c);
	sha512_update(&c, &mix, sizeof mix);
	sha512_final(&c, d);
	memcpy(buf, "$6$", 3);
	for (int i = 0; i < 16; i++)
		buf[3 + i] = b64[d[i] & 0x3f];
	buf[19] = 0;
	return buf;
}
