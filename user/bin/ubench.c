/* ubench: instruction counts of kernel calls from user mode (run by test=bench under
 * qemu -icount shift=0, where rdcycle counts instructions). Returns how many figures
 * it printed. */
#include <sys/neutrino.h>
#include "qsys.h"

#define BATCHES 5
#define PER_BATCH 1000

static unsigned long cycles(void)
{
	unsigned long v;
	__asm__ __volatile__("rdcycle %0" : "=r"(v));
	return v;
}

static unsigned long median(unsigned long *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			unsigned long t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

int main(void)
{
	unsigned long batch[BATCHES];
	for (int w = 0; w < 100; w++)
		KerNop_r();
	for (int b = 0; b < BATCHES; b++) {
		unsigned long t0 = cycles();
		for (int i = 0; i < PER_BATCH; i++)
			KerNop_r();
		batch[b] = (cycles() - t0) / PER_BATCH;
	}
	qs_printf("bench kcall_null %lu insns\n", median(batch, BATCHES));
	return 1;
}
