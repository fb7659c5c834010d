/* Host tests for libc's SHA-512 and SHA-512 crypt (lib/c/sha512.c, lib/c/crypt.c): FIPS
 * digests, the method's published vectors, hashes made by the host's crypt (python3), and
 * settings crypt must refuse. */
/* SOURCES: lib/c/sha512.c lib/c/crypt.c */
/* CFLAGS: -Ilib/c -include lib/c/include/crypt.h */
/* (The host has a <crypt.h> of its own with the same guard: ours is read first.) */
#include "test.h"
#include <errno.h>
#include "sha512.h"

static const char *hex(const uint8_t *d, size_t n)
{
	static char s[2 * SHA512_DIGEST + 1];
	for (size_t i = 0; i < n; i++)
		snprintf(s + 2 * i, 3, "%02x", d[i]);
	return s;
}

static const char *digest(const void *data, size_t n)
{
	struct sha512 c;
	uint8_t d[SHA512_DIGEST];
	sha512_init(&c);
	sha512_update(&c, data, n);
	sha512_final(&c, d);
	return hex(d, sizeof d);
}

TEST(sha512_fips_vectors)
{
	CHECK(!strcmp(digest("abc", 3),
		"ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
		"2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"));
	CHECK(!strcmp(digest("", 0),
		"cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
		"47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"));
	const char *two = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
			  "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
	CHECK(!strcmp(digest(two, strlen(two)),
		"8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
		"501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909"));
}

/* A million 'a's fed in uneven pieces: the block buffering must not matter. */
TEST(sha512_million_a_in_pieces)
{
	static char a[1000000];
	memset(a, 'a', sizeof a);
	struct sha512 c;
	uint8_t d[SHA512_DIGEST];
	sha512_init(&c);
	for (size_t off = 0, step = 1; off < sizeof a; off += step, step = step * 7 % 251 + 1)
		sha512_update(&c, a + off, off + step > sizeof a ? sizeof a - off : step);
	sha512_final(&c, d);
	CHECK(!strcmp(hex(d, sizeof d),
		"e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
		"de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b"));
}

struct vec {
	const char *setting, *key, *hash;
};

/* The vectors published with the method (its specification's test suite). */
static const struct vec published[] = {
	{ "$6$saltstring", "Hello world!",
	  "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdc"
	  "bYEdFCoEOfaS35inz1" },
	{ "$6$rounds=10000$saltstringsaltstring", "Hello world!",
	  "$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/Urj"
	  "mM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v." },
	{ "$6$rounds=5000$toolongsaltstring", "This is just a test",
	  "$6$rounds=5000$toolongsaltstrin$lQ8jolhgVRVhY4b5pZKaysCLi0QBxGoNeKQzQ3glMhwllF7oGDZ"
	  "xUhx1yxdYcz/e1JSbq3y6JMxxl8audkUEm0" },
	{ "$6$rounds=1400$anotherlongsaltstring",
	  "a very much longer text to encrypt.  This one even stretches over morethan one line.",
	  "$6$rounds=1400$anotherlongsalts$POfYwTEok97VWcjxIiSOjiykti.o/pQs.wPvMxQ6Fm7I6IoYN3C"
	  "mLs66x9t0oSwbtEW7o7UmJEiDwGqd8p4ur1" },
	{ "$6$rounds=77777$short", "we have a short salt string but not a short password",
	  "$6$rounds=77777$short$WuQyW2YR.hBNpjjRhpYD/ifIw05xdfeEyQoMxIXbkvr0gge1a1x3yRULJ5CCa"
	  "UeOxFmtlcGZelFl5CxtgfiAc0" },
	{ "$6$rounds=123456$asaltof16chars..", "a short string",
	  "$6$rounds=123456$asaltof16chars..$BtCwjqMJGx5hrJhZywWvt0RLE8uZ4oPwcelCjmw2kSYu.Ec6y"
	  "cULevoBK25fs2xXgMNrCzIMVcgEJAstJeonj1" },
	{ "$6$rounds=10$roundstoolow", "the minimum number is still observed",
	  "$6$rounds=1000$roundstoolow$kUMsbe306n21p9R.FRkW3IGn.S9NPN0x50YhH1xhLsPuWGsUSklZt5"
	  "8jaTfF4ZEQpyUNGc0dqbpBYYBaHHrsX." },
};

/* Made on the host with python3's crypt.crypt(key, setting) (libxcrypt): the default
 * accounts' passwords, an empty key, a UTF-8 key, a 16-byte salt. */
static const struct vec host[] = {
	{ "$6$abcdefgh", "user",
	  "$6$abcdefgh$5KeaRmH9K9W7ESmB7N31T5QUMIrGRfA2dG13OnuQMLPvzbRugpHY4V0uNeSvb8ug6jLKKrvg3Y"
	  "FMh0F/CFXRm0" },
	{ "$6$abcdefgh", "root",
	  "$6$abcdefgh$cnW4XDznaFa1hR9LnqrjoiAqed87oTXop3rUraOEgMC9xZ8cZ4bnv81B/PgWNFtDN0PNbtGZlC"
	  "Ihm8Jws2OPr0" },
	{ "$6$Qx8.zz/A", "",
	  "$6$Qx8.zz/A$e5STyojc7kHpRmnBN2OeiSh7SrQgxS21jjwNBFfFme/A2GU1/6udv3c8n1gPCZhP9xLIkECayL"
	  "OGOUZk2xG2K." },
	{ "$6$0123456789abcdef", "p\xc3\xa4ssw\xc3\xb6rd",
	  "$6$0123456789abcdef$SbYrq9vmP3mhdocMu6pAC/f.xWxY2daFD3BB.LQwWeU2vm9Kk529r2RRD35SLt1Prl"
	  "KfEVlyiymFPnfNDWfx6." },
};

static void check_all(const struct vec *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *h = crypt(v[i].key, v[i].setting);
		CHECK(h && !strcmp(h, v[i].hash));
		h = crypt(v[i].key, v[i].hash);		/* the stored hash as the setting */
		CHECK(h && !strcmp(h, v[i].hash));
	}
}

TEST(crypt_published_vectors)
{
	check_all(published, sizeof published / sizeof published[0]);
}

TEST(crypt_host_made_hashes)
{
	check_all(host, sizeof host / sizeof host[0]);
}

/* Keys of exactly one digest and of more than three (P is the digest cycled), host-made. */
TEST(crypt_long_keys)
{
	char key[201];
	memset(key, 'k', 64);
	key[64] = 0;
	const char *h = crypt(key, "$6$rounds=1000$long");
	CHECK(h && !strcmp(h, "$6$rounds=1000$long$Tq0CSeI6L/kkBVpBtXwE35KfuF0DmNmOCrsaw1YbLklJ"
			    "0QChfrdw9onlB.gyZsQLGIPkuLEtRWXSkqCLlQmks0"));
	memset(key, 'p', 200);
	key[200] = 0;
	h = crypt(key, "$6$rounds=2000$k2");
	CHECK(h && !strcmp(h, "$6$rounds=2000$k2$vZh5lKPArgsCjDNZDZ5BBFOIa9bG9pOIjnkbgAJtR.Kup1lV"
			    "nJxF2QceXqypCY.caCRL4kZtTMJjE6iThcC9x1"));
}

TEST(crypt_refuses_other_methods)
{
	errno = 0;
	CHECK(crypt("x", "$1$abc$") == NULL && errno == EINVAL);
	CHECK(crypt("x", "ab") == NULL);
	CHECK(crypt("x", "") == NULL);
	CHECK(crypt("x", "$5$salt") == NULL);
	struct crypt_data d;
	CHECK(crypt_r("x", "$6$", &d) != NULL);		/* an empty salt is valid */
	CHECK(!strncmp(d.output, "$6$$", 4) && strlen(d.output) == 4 + 86);
	CHECK(crypt_r("x", "$6$rounds=$ab", &d) && !strncmp(d.output, "$6$rounds=$", 11));
}
