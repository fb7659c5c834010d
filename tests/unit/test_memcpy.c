/* Host tests for libc's memcpy and memset (lib/c/memcpy.c, renamed here so the host's own
 * stay in use): every alignment of source and destination and lengths around the word
 * size, against byte-by-byte references, with guard bytes around the destination. */
/* SOURCES: lib/c/memcpy.c */
/* CFLAGS: -Dmemcpy=qs_memcpy -Dmemset=qs_memset -fno-builtin */
#include "test.h"

static void ref_copy(uint8_t *d, const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		d[i] = s[i];
}

TEST(memcpy_all_alignments)
{
	static uint8_t src[600], dst[640], want[640];
	for (size_t i = 0; i < sizeof src; i++)
		src[i] = (uint8_t)(i * 37 + 11);
	static const size_t big[] = { 127, 128, 129, 255, 256, 500, 560 };
	int bad = 0;
	for (size_t so = 0; so < 16; so++)
		for (size_t dof = 0; dof < 16; dof++)
			for (size_t k = 0; k < 80 + sizeof big / sizeof big[0]; k++) {
				size_t n = k < 80 ? k : big[k - 80];
				for (size_t i = 0; i < sizeof dst; i++)
					dst[i] = want[i] = 0xee;
				ref_copy(want + 8 + dof, src + so, n);
				uint8_t *r = qs_memcpy(dst + 8 + dof, src + so, n);
				bad += r != dst + 8 + dof;
				for (size_t i = 0; i < sizeof dst; i++)
					bad += dst[i] != want[i];
			}
	CHECK_EQ(bad, 0);
}

TEST(memset_all_alignments)
{
	static uint8_t dst[640];
	int bad = 0;
	for (size_t off = 0; off < 16; off++)
		for (size_t n = 0; n < 300; n++) {
			for (size_t i = 0; i < sizeof dst; i++)
				dst[i] = 0xee;
			uint8_t *r = qs_memset(dst + 8 + off, 0x1a5, n);	/* only the low byte */
			bad += r != dst + 8 + off;
			for (size_t i = 0; i < sizeof dst; i++) {
				int in = i >= 8 + off && i < 8 + off + n;
				bad += dst[i] != (in ? 0xa5 : 0xee);
			}
		}
	CHECK_EQ(bad, 0);
}
