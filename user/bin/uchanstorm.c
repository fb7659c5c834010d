/* uchanstorm: `threads` threads of this one process each create 128 channels and
 * destroy them in a shuffled order, `rounds` times (argument: rounds << 16 |
 * threads << 8 | seed). All of them share the process's chid table, from several
 * harts at once. Every destroy must succeed once and fail (EINVAL) the second time;
 * the kernel's leak check then proves none was leaked. Main collects the threads
 * through THREAD_DEATH pulses and exits with the number of failures. */
#include <sys/neutrino.h>
#include "qsys.h"

#define PER_ROUND   128
#define MAX_THREADS 32

struct storm {
	unsigned long rng;
	long rounds;
	long fails;
};

static unsigned long next(unsigned long *rng)	/* xorshift64 */
{
	*rng ^= *rng << 13;
	*rng ^= *rng >> 7;
	*rng ^= *rng << 17;
	return *rng;
}

static void *storm(void *arg)
{
	struct storm *s = arg;
	int chids[PER_ROUND];
	for (long r = 0; r < s->rounds; r++) {
		for (int i = 0; i < PER_ROUND; i++)
			if ((chids[i] = ChannelCreate_r(0)) < 0)
				s->fails++;
		for (int i = PER_ROUND - 1; i > 0; i--) {	/* Fisher-Yates */
			int j = (int)(next(&s->rng) % (unsigned long)(i + 1)), t = chids[i];
			chids[i] = chids[j];
			chids[j] = t;
		}
		for (int i = 0; i < PER_ROUND; i++) {
			if (ChannelDestroy_r(chids[i]) != 0)
				s->fails++;
			if (ChannelDestroy_r(chids[i]) != -EINVAL)	/* stale now */
				s->fails++;
		}
	}
	return 0;
}

int main(long arg)
{
	static struct storm st[MAX_THREADS];
	long rounds = arg >> 16, fails = 0;
	int n = (int)((arg >> 8) & 0xff), started = 0;
	if (n < 1 || n > MAX_THREADS)
		return 1000;
	int death = ChannelCreate_r(_NTO_CHF_THREAD_DEATH);
	if (death < 0)
		return 1001;
	for (int i = 0; i < n; i++) {
		st[i] = (struct storm){ 0x9e3779b97f4a7c15UL ^ (unsigned long)((arg & 0xff) + i), rounds, 0 };
		if (qs_thread_create(storm, &st[i]) > 0)
			started++;
		else
			fails++;
	}
	for (int got = 0; got < started;) {
		struct _pulse p;
		int r = MsgReceive_r(death, &p, sizeof p, NULL);
		if (r == 0 && p.code == _PULSE_CODE_THREADDEATH)
			got++;
		else if (r < 0)
			return 1002;
	}
	for (int i = 0; i < n; i++)
		fails += st[i].fails;
	return fails > 999 ? 999 : (int)fails;
}
