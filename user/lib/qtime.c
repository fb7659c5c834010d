/* Time for user programs until libc (qtime.h). */
#include "qtime.h"
#include "qsys.h"

int qs_sleep_ns(uint64_t ns, uint64_t *left)
{
	return ClockNanosleep_r(CLOCK_MONOTONIC, 0, &ns, left);
}

uint64_t qs_now_ns(void)
{
	uint64_t t = 0;
	ClockTime_r(CLOCK_MONOTONIC, NULL, &t);
	return t;
}

int nanosleep(const struct timespec *rqtp, struct timespec *rmtp)
{
	if (rqtp->tv_sec < 0 || rqtp->tv_nsec < 0 || rqtp->tv_nsec >= 1000000000L) {
		errno = EINVAL;
		return -1;
	}
	uint64_t ns = (uint64_t)rqtp->tv_sec * 1000000000u + (uint64_t)rqtp->tv_nsec, left = 0;
	int r = ClockNanosleep_r(CLOCK_MONOTONIC, 0, &ns, rmtp ? &left : NULL);
	if (r < 0) {
		if (rmtp) {
			rmtp->tv_sec = (long)(left / 1000000000u);
			rmtp->tv_nsec = (long)(left % 1000000000u);
		}
		errno = -r;
		return -1;
	}
	return 0;
}
