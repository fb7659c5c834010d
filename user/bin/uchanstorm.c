/* uchanstorm: create 128 channels, destroy them in a shuffled order, `rounds` times
 * (argument: rounds << 8 | seed). Every destroy must succeed once and fail (EINVAL)
 * the second time; the kernel's leak check then proves none was leaked. Exits with
 * the number of failures. */
#include <sys/neutrino.h>
#include "qsys.h"

#define PER_ROUND 128

static unsigned long rng;

static unsigned long next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

int main(long arg)
{
	long rounds = arg >> 8;
	int chids[PER_ROUND], fails = 0;
	rng = 0x9e3779b97f4a7c15UL ^ (unsigned long)(arg & 0xff);
	for (long r = 0; r < rounds; r++) {
		for (int i = 0; i < PER_ROUND; i++)
			if ((chids[i] = ChannelCreate(0)) < 0)
				fails++;
		for (int i = PER_ROUND - 1; i > 0; i--) {	/* Fisher-Yates */
			int j = (int)(next() % (unsigned long)(i + 1)), t = chids[i];
			chids[i] = chids[j];
			chids[j] = t;
		}
		for (int i = 0; i < PER_ROUND; i++) {
			if (ChannelDestroy_r(chids[i]) != 0)
				fails++;
			if (ChannelDestroy_r(chids[i]) != -EINVAL)	/* stale now */
				fails++;
		}
	}
	return fails;
}
