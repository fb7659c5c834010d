/* ufuzz: random kernel calls (its argument: how many, default 200000) with hostile arguments (kernel, device, unmapped and
 * wrapping addresses, huge and negative sizes). The kernel must answer each with a
 * result or an errno, never panic, and leak nothing (the harness's no-leaks check).
 * ThreadDestroy on itself is skipped (it would end the run), ThreadCreate never gets a
 * user-space func (the thread would fault and end the run), and so are calls that
 * would block this single thread forever (see below). */
#include <sys/neutrino.h>
#include "qsys.h"
#include "kcall_nums.h"
#include "qfuzz.h"

#define DEFAULT_CALLS 200000

static unsigned long long rng = 0x9e3779b97f4a7c15ULL;

static unsigned long long next(void)
{
	return qs_xorshift(&rng);
}

int main(long calls)
{
	if (calls <= 0)
		calls = DEFAULT_CALLS;
	static const long pool[] = {
		0, 1, -1, 2, 64, 4096, 0x7fffffff, -4096,
		0x80200000,		/* kernel text */
		0x10000000,		/* a device */
		0x3000000000,		/* unmapped user space */
		0x3ffffffffc,		/* the last bytes before the user limit */
		0x4000000000,		/* just past user space */
		0xffffffffffffff00,	/* wraps */
	};
	unsigned long results[5] = { 0 };	/* >= 0, EFAULT, EINVAL, ENOSYS, other */
	for (long i = 0; i < calls; i++) {
		long a[6];
		long num = (long)(next() % 24);
		if (next() % 64 == 0)
			num = (long)next();		/* any number at all */
		for (int k = 0; k < 6; k++)
			a[k] = next() % 4 == 0 ? (long)next() : pool[next() % (sizeof pool / sizeof pool[0])];
		/* ThreadDestroy of ourselves (0, our tid 1) or of all (-1) ends the run; a
		 * thread started at a user address would fault and kill the process: keep
		 * ThreadCreate's func out of user space (its checks are still exercised). */
		if (num == __KER_THREAD_DESTROY && (int)a[0] >= -1 && (int)a[0] <= 1)
			continue;
		if (num == __KER_THREAD_CREATE)
			a[1] |= (long)0x8000000000000000UL;
		/* A single-threaded caller that receives on its own channel, or sends on a
		 * connection to it, waits forever (until TimerTimeout exists): keep live-looking
		 * chids (generation << 12 | index) out of the two calls that could get one. */
		if (num == __KER_MSG_RECEIVEV && (int)a[0] >= 0x1000)
			a[0] = -1;
		if (num == __KER_CONNECT_ATTACH && (int)a[2] >= 0x1000)
			a[2] = -1;
		if (num == __KER_DEBUG_WRITE && a[1] > 0)
			a[0] |= 0x8000000000000000L;	/* never a printable buffer */
		long r = qs_raw_kcall(num, a);
		results[r >= 0 ? 0 : r == -EFAULT ? 1 : r == -EINVAL ? 2 : r == -ENOSYS ? 3 : 4]++;
	}
	qs_printf("ufuzz: %ld calls: %lu results, %lu EFAULT, %lu EINVAL, %lu ENOSYS, %lu other\n",
		  calls, results[0], results[1], results[2], results[3], results[4]);
	return 0;
}
