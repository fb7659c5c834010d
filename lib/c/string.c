/* memcpy, memmove and memset a 64-bit word at a time (picolibc's RISC-V ones go byte by byte). */
/*
 * Words are used when destination and source share their alignment mod 8 (memset: always),
 * after bytes up to the first aligned address; the tail is bytes again. The loops must not
 * be turned back into calls of these functions, hence no-tree-loop-distribute-patterns.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define NO_LIBCALLS	__attribute__((optimize("no-tree-loop-distribute-patterns")))

typedef uint64_t __attribute__((may_alias)) word_t;

static int co_aligned(const void *a, const void *b)
{
	return (((uintptr_t)a ^ (uintptr_t)b) & 7) == 0;
}

/* Copy n bytes upwards: dst below src or not overlapping. */
NO_LIBCALLS static void copy_up(unsigned char *d, const unsigned char *s, size_t n)
{
	if (co_aligned(d, s)) {
		for (; n && ((uintptr_t)d & 7); n--)
			*d++ = *s++;
		for (; n >= 32; n -= 32, d += 32, s += 32) {
			word_t a = ((const word_t *)s)[0], b = ((const word_t *)s)[1];
			word_t c = ((const word_t *)s)[2], e = ((const word_t *)s)[3];
			((word_t *)d)[0] = a;
			((word_t *)d)[1] = b;
			((word_t *)d)[2] = c;
			((word_t *)d)[3] = e;
		}
		for (; n >= 8; n -= 8, d += 8, s += 8)
			*(word_t *)d = *(const word_t *)s;
	}
	for (; n; n--)
		*d++ = *s++;
}

/* Copy n bytes downwards, from the end: dst above src. */
NO_LIBCALLS static void copy_down(unsigned char *d, const unsigned char *s, size_t n)
{
	d += n;
	s += n;
	if (co_aligned(d, s)) {
		for (; n && ((uintptr_t)d & 7); n--)
			*--d = *--s;
		for (; n >= 8; n -= 8) {
			d -= 8;
			s -= 8;
			*(word_t *)d = *(const word_t *)s;
		}
	}
	for (; n; n--)
		*--d = *--s;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	copy_up(dst, src, n);
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	if ((uintptr_t)dst - (uintptr_t)src >= n)	/* below, or not overlapping */
		copy_up(dst, src, n);
	else
		copy_down(dst, src, n);
	return dst;
}

NO_LIBCALLS void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	word_t w = (word_t)(unsigned char)c * 0x0101010101010101ull;
	for (; n && ((uintptr_t)d & 7); n--)
		*d++ = (unsigned char)c;
	for (; n >= 32; n -= 32, d += 32) {
		((word_t *)d)[0] = w;
		((word_t *)d)[1] = w;
		((word_t *)d)[2] = w;
		((word_t *)d)[3] = w;
	}
	for (; n >= 8; n -= 8, d += 8)
		*(word_t *)d = w;
	for (; n; n--)
		*d++ = (unsigned char)c;
	return dst;
}
