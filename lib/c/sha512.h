/* SHA-512 (FIPS 180-4): the hash under crypt's "$6$" method and the salt maker. */
#ifndef _QSOE_SHA512_H
#define _QSOE_SHA512_H

#include <stddef.h>
#include <stdint.h>

#define SHA512_DIGEST	64	/* bytes of a digest */
#define SHA512_BLOCK	128	/* bytes the compression function eats at a time */

struct sha512 {
	uint64_t	h[8];		/* the running state */
	uint64_t	len;		/* bytes hashed so far (inputs below 2^61 bytes) */
	size_t		fill;		/* bytes waiting in buf */
	uint8_t		buf[SHA512_BLOCK];
};

void sha512_init(struct sha512 *c);
void sha512_update(struct sha512 *c, const void *data, size_t n);
/* Pad, write the digest to out and leave c wiped (init again to reuse it). */
void sha512_final(struct sha512 *c, uint8_t out[SHA512_DIGEST]);

#endif
