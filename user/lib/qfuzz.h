/* Helpers for the hostile-argument fuzzers (ufuzz, utime's mode 3). */
#ifndef QFUZZ_H
#define QFUZZ_H

/* xorshift64: the next value of the generator whose state is *s (never 0). */
static inline unsigned long long qs_xorshift(unsigned long long *s)
{
	unsigned long long x = *s;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

/* Kernel call num with six raw arguments, no stub in between; returns a0. */
static inline long qs_raw_kcall(long num, const long *a)
{
	register long a0 __asm__("a0") = a[0], a1 __asm__("a1") = a[1], a2 __asm__("a2") = a[2];
	register long a3 __asm__("a3") = a[3], a4 __asm__("a4") = a[4], a5 __asm__("a5") = a[5];
	register long a7 __asm__("a7") = num;
	__asm__ __volatile__("ecall" : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5)
			     : "r"(a7) : "memory");
	return a0;
}
#endif
