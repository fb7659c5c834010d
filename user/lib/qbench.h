/* Benchmark helpers for user programs: instruction counts under qemu -icount shift=0. */
#ifndef QBENCH_H
#define QBENCH_H

/* rdcycle: under -icount shift=0 it counts guest instructions exactly. */
static inline unsigned long cycles(void)
{
	unsigned long v;
	__asm__ __volatile__("rdcycle %0" : "=r"(v));
	return v;
}

/* The median of v[0..n-1], which it sorts (n is small: insertion sort). */
static inline unsigned long median(unsigned long *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			unsigned long t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}
#endif
