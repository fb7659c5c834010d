/* crypt: SHA-512 crypt ("$6$"), the method U. Drepper published in 2007 ("Unix crypt using
 * SHA-256 and SHA-512"), which glibc and libxcrypt implement and /etc/shadow files use. */
/*
 * The key and salt are mixed into a digest A, then a loop of `rounds` SHA-512s (5000
 * unless the setting says "rounds=N$", clamped to 1000..999999999) stirs A with the
 * derived strings P (from the key) and S (from the salt) in a fixed pattern; the final
 * 64 bytes are written in crypt's own base-64 in a fixed byte order.
 */
#include <crypt.h>
#include <errno.h>
#include <string.h>
#include "sha512.h"

#define ROUNDS_DEFAULT	5000
#define ROUNDS_MIN	1000
#define ROUNDS_MAX	999999999ul
#define SALT_MAX	16

static const char b64[] = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/* Feed len bytes made of d repeated (the P and S strings of the method). */
static void update_cycled(struct sha512 *c, const uint8_t d[SHA512_DIGEST], size_t len)
{
	for (; len > SHA512_DIGEST; len -= SHA512_DIGEST)
		sha512_update(c, d, SHA512_DIGEST);
	sha512_update(c, d, len);
}

/* The digest of s repeated times times. */
static void digest_repeated(const void *s, size_t len, size_t times, uint8_t out[SHA512_DIGEST])
{
	struct sha512 c;
	sha512_init(&c);
	while (times--)
		sha512_update(&c, s, len);
	sha512_final(&c, out);
}

/* Parse "rounds=N$" at *s: on a match move *s past it and return the clamped N, else 0. */
static unsigned long parse_rounds(const char **s)
{
	const char *p = *s;
	if (strncmp(p, "rounds=", 7) != 0)
		return 0;
	p += 7;
	if (*p < '0' || *p > '9')
		return 0;
	unsigned long n = 0;
	for (; *p >= '0' && *p <= '9'; p++)
		if (n <= ROUNDS_MAX)
			n = n * 10 + (unsigned long)(*p - '0');
	if (*p != '$')
		return 0;
	*s = p + 1;
	if (n < ROUNDS_MIN)
		return ROUNDS_MIN;
	return n > ROUNDS_MAX ? ROUNDS_MAX : n;
}

/* Append n base-64 characters of the 24-bit value (b2 b1 b0), low bits first. */
static char *put_b64(char *o, uint8_t b2, uint8_t b1, uint8_t b0, int n)
{
	uint32_t w = ((uint32_t)b2 << 16) | ((uint32_t)b1 << 8) | b0;
	while (n--) {
		*o++ = b64[w & 0x3f];
		w >>= 6;
	}
	return o;
}

/* The 64 bytes as 86 characters: 21 groups of three bytes in the method's order, then
 * the last byte alone. */
static char *put_hash(char *o, const uint8_t h[SHA512_DIGEST])
{
	static const uint8_t order[21][3] = {
		{ 0, 21, 42 }, { 22, 43, 1 }, { 44, 2, 23 }, { 3, 24, 45 }, { 25, 46, 4 },
		{ 47, 5, 26 }, { 6, 27, 48 }, { 28, 49, 7 }, { 50, 8, 29 }, { 9, 30, 51 },
		{ 31, 52, 10 }, { 53, 11, 32 }, { 12, 33, 54 }, { 34, 55, 13 }, { 56, 14, 35 },
		{ 15, 36, 57 }, { 37, 58, 16 }, { 59, 17, 38 }, { 18, 39, 60 }, { 40, 61, 19 },
		{ 62, 20, 41 },
	};
	for (int i = 0; i < 21; i++)
		o = put_b64(o, h[order[i][0]], h[order[i][1]], h[order[i][2]], 4);
	return put_b64(o, 0, 0, h[63], 2);
}

/* The method's digest of key and salt after rounds rounds. */
static void sha512_crypt(const char *key, const char *salt, size_t slen, unsigned long rounds,
			 uint8_t a[SHA512_DIGEST])
{
	size_t klen = strlen(key);
	uint8_t b[SHA512_DIGEST], p[SHA512_DIGEST], s[SHA512_DIGEST];
	struct sha512 c;

	sha512_init(&c);				/* B = H(key salt key) */
	sha512_update(&c, key, klen);
	sha512_update(&c, salt, slen);
	sha512_update(&c, key, klen);
	sha512_final(&c, b);

	sha512_init(&c);				/* A = H(key salt B... bits) */
	sha512_update(&c, key, klen);
	sha512_update(&c, salt, slen);
	update_cycled(&c, b, klen);
	for (size_t n = klen; n > 0; n >>= 1)
		if (n & 1)
			sha512_update(&c, b, SHA512_DIGEST);
		else
			sha512_update(&c, key, klen);
	sha512_final(&c, a);

	digest_repeated(key, klen, klen, p);		/* P from H(key x klen) */
	digest_repeated(salt, slen, 16u + a[0], s);	/* S from H(salt x (16 + A0)) */

	for (unsigned long i = 0; i < rounds; i++) {
		sha512_init(&c);
		if (i & 1)
			update_cycled(&c, p, klen);
		else
			sha512_update(&c, a, SHA512_DIGEST);
		if (i % 3)
			sha512_update(&c, s, slen);
		if (i % 7)
			update_cycled(&c, p, klen);
		if (i & 1)
			sha512_update(&c, a, SHA512_DIGEST);
		else
			update_cycled(&c, p, klen);
		sha512_final(&c, a);
	}
	memset(b, 0, sizeof b);
	memset(p, 0, sizeof p);
	memset(s, 0, sizeof s);
}

char *crypt_r(const char *key, const char *setting, struct crypt_data *data)
{
	if (!key || !setting || strncmp(setting, "$6$", 3) != 0) {
		errno = EINVAL;
		return NULL;
	}
	const char *salt = setting + 3;
	unsigned long rounds = parse_rounds(&salt);
	int custom = rounds != 0;
	if (!custom)
		rounds = ROUNDS_DEFAULT;
	size_t slen = strcspn(salt, "$");
	if (slen > SALT_MAX)
		slen = SALT_MAX;

	uint8_t h[SHA512_DIGEST];
	sha512_crypt(key, salt, slen, rounds, h);

	char *o = data->output;
	memcpy(o, "$6$", 3);
	o += 3;
	if (custom) {
		char num[12];
		int n = 0;
		for (unsigned long r = rounds; r; r /= 10)
			num[n++] = (char)('0' + r % 10);
		memcpy(o, "rounds=", 7);
		o += 7;
		while (n)
			*o++ = num[--n];
		*o++ = '$';
	}
	memcpy(o, salt, slen);
	o += slen;
	*o++ = '$';
	o = put_hash(o, h);
	*o = 0;
	memset(h, 0, sizeof h);
	return data->output;
}

char *crypt(const char *key, const char *setting)
{
	static struct crypt_data data;
	return crypt_r(key, setting, &data);
}
