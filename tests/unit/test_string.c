/* Host tests of lib/c/string.c (memcpy, memmove, memset), renamed lc_* so the host's stay. */
/* SOURCES: lib/c/string.c */
/* CFLAGS: -Dmemcpy=lc_memcpy -Dmemmove=lc_memmove -Dmemset=lc_memset -fno-builtin */
#include "test.h"

#define N 300

static unsigned char src[N + 16], dst[N + 16], want[N + 16];

static void fill(unsigned char *b, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (unsigned char)(i * 37 + seed * 11 + 1);
}

/* Every length 0..N at every pair of offsets 0..15: the bytes, nothing outside them. */
TEST(memcpy_all_alignments)
{
	int bad = 0;
	for (size_t so = 0; so < 16; so++)
		for (size_t d = 0; d < 16; d++)
			for (size_t n = 0; n + 16 <= N; n += (n < 40 ? 1 : 13)) {
				fill(src, sizeof src, (unsigned)(so + n));
				fill(dst, sizeof dst, 99);
				fill(want, sizeof want, 99);
				for (size_t i = 0; i < n; i++)
					want[d + i] = src[so + i];
				void *r = memcpy(dst + d, src + so, n);
				bad += r != dst + d;
				for (size_t i = 0; i < sizeof dst; i++)
					bad += dst[i] != want[i];
			}
	CHECK_EQ(bad, 0);
}

/* Overlapping moves both ways, any offsets: as if through a separate buffer. */
TEST(memmove_overlaps)
{
	static unsigned char buf[N], ref[N], tmp[N];
	int bad = 0;
	for (size_t a = 0; a < 24; a++)
		for (size_t b = 0; b < 24; b++)
			for (size_t n = 0; n + 24 <= N; n += (n < 40 ? 1 : 17)) {
				fill(buf, N, (unsigned)(a * 24 + b));
				for (size_t i = 0; i < N; i++)
					ref[i] = buf[i];
				for (size_t i = 0; i < n; i++)
					tmp[i] = ref[a + i];
				for (size_t i = 0; i < n; i++)
					ref[b + i] = tmp[i];
				void *r = memmove(buf + b, buf + a, n);
				bad += r != buf + b;
				for (size_t i = 0; i < N; i++)
					bad += buf[i] != ref[i];
			}
	CHECK_EQ(bad, 0);
}

TEST(memset_all_alignments)
{
	int bad = 0;
	for (size_t d = 0; d < 16; d++)
		for (size_t n = 0; n + 16 <= N; n++) {
			fill(dst, sizeof dst, 5);
			fill(want, sizeof want, 5);
			for (size_t i = 0; i < n; i++)
				want[d + i] = 0xa5;
			void *r = memset(dst + d, 0x1a5, n);	/* only the low byte counts */
			bad += r != dst + d;
			for (size_t i = 0; i < sizeof dst; i++)
				bad += dst[i] != want[i];
		}
	CHECK_EQ(bad, 0);
}
