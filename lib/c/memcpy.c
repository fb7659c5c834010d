/* memcpy and memset a word at a time: picolibc's, built for size, go a byte at a time. */
/*
 * Servers move most of their data with these (the filesystem's block cache, reply
 * buffers), so they run eight bytes per load/store when source and destination share
 * their alignment, bytes at the edges. Listed in overrides.c so they link before
 * picolibc's.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint64_t __attribute__((may_alias)) word_t;
#define WORD		sizeof(word_t)
#define MISALIGNED(p)	((uintptr_t)(p) & (WORD - 1))

/* Keep GCC from turning the loops below back into calls of memcpy and memset. */
#define NO_LIBCALL	__attribute__((optimize("no-tree-loop-distribute-patterns")))

NO_LIBCALL void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;
	if (n >= WORD && MISALIGNED(d) == MISALIGNED(s)) {
		while (MISALIGNED(d)) {
			*d++ = *s++;
			n--;
		}
		word_t *dw = (word_t *)d;
		const word_t *sw = (const word_t *)s;
		for (; n >= 4 * WORD; n -= 4 * WORD, dw += 4, sw += 4) {
			dw[0] = sw[0];
			dw[1] = sw[1];
			dw[2] = sw[2];
			dw[3] = sw[3];
		}
		for (; n >= WORD; n -= WORD)
			*dw++ = *sw++;
		d = (uint8_t *)dw;
		s = (const uint8_t *)sw;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

NO_LIBCALL void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;
	if (n >= WORD) {
		word_t w = (uint8_t)c * 0x0101010101010101ull;
		while (MISALIGNED(d)) {
			*d++ = (uint8_t)c;
			n--;
		}
		word_t *dw = (word_t *)d;
		for (; n >= 4 * WORD; n -= 4 * WORD, dw += 4) {
			dw[0] = w;
			dw[1] = w;
			dw[2] = w;
			dw[3] = w;
		}
		for (; n >= WORD; n -= WORD)
			*dw++ = w;
		d = (uint8_t *)dw;
	}
	while (n--)
		*d++ = (uint8_t)c;
	return dst;
}
