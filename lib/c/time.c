/* Clocks and sleeping: clock_*, gettimeofday, nanosleep, sleep, usleep on ClockTime and ClockNanosleep. */
#include <time.h>
#include <sys/time.h>
#include <unistd.h>
#include "libc.h"

#define NS	1000000000ull

static int ts_ok(const struct timespec *ts)
{
	return ts && ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < (long)NS;
}

static uint64_t ts_ns(const struct timespec *ts)
{
	if ((uint64_t)ts->tv_sec >= UINT64_MAX / NS - 1)
		return UINT64_MAX;
	return (uint64_t)ts->tv_sec * NS + (uint64_t)ts->tv_nsec;
}

static void ns_ts(uint64_t ns, struct timespec *ts)
{
	ts->tv_sec = (time_t)(ns / NS);
	ts->tv_nsec = (long)(ns % NS);
}

int clock_gettime(clockid_t id, struct timespec *ts)
{
	if (ts == NULL)
		return __seterr(EFAULT);
	uint64_t ns = 0;
	int r = ClockTime_r(id, NULL, &ns);
	if (r < 0)
		return __seterr(-r);
	ns_ts(ns, ts);
	return 0;
}

int clock_settime(clockid_t id, const struct timespec *ts)
{
	if (!ts_ok(ts))
		return __seterr(EINVAL);
	uint64_t ns = ts_ns(ts);
	int r = ClockTime_r(id, &ns, NULL);
	return r < 0 ? __seterr(-r) : 0;
}

int clock_getres(clockid_t id, struct timespec *res)
{
	struct _clockperiod p;
	int r = ClockPeriod_r(id, NULL, &p, 0);
	if (r < 0)
		return __seterr(-r);
	if (res)
		ns_ts(p.nsec, res);
	return 0;
}

int gettimeofday(struct timeval *tv, void *tz)
{
	if (tv == NULL)
		return 0;
	uint64_t ns = 0;
	int r = ClockTime_r(CLOCK_REALTIME, NULL, &ns);
	if (r < 0)
		return __seterr(-r);
	tv->tv_sec = (time_t)(ns / NS);
	tv->tv_usec = (suseconds_t)(ns % NS / 1000);
	return 0;
}

int settimeofday(const struct timeval *tv, const struct timezone *tz)
{
	if (tv == NULL || tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000)
		return __seterr(EINVAL);
	uint64_t ns = (uint64_t)tv->tv_sec * NS + (uint64_t)tv->tv_usec * 1000;
	int r = ClockTime_r(CLOCK_REALTIME, &ns, NULL);
	return r < 0 ? __seterr(-r) : 0;
}

/* POSIX: returns an error number (not -1/errno); EINTR leaves the time left in rmtp
 * for a relative sleep. */
int clock_nanosleep(clockid_t id, int flags, const struct timespec *rqtp, struct timespec *rmtp)
{
	if (!ts_ok(rqtp))
		return EINVAL;
	if (flags & ~TIMER_ABSTIME)
		return EINVAL;
	uint64_t ns = ts_ns(rqtp), left = 0;
	int r = ClockNanosleep_r(id, flags, &ns, rmtp && !(flags & TIMER_ABSTIME) ? &left : NULL);
	if (r < 0) {
		if (r == -EINTR && rmtp && !(flags & TIMER_ABSTIME))
			ns_ts(left, rmtp);
		return -r;
	}
	return 0;
}

int nanosleep(const struct timespec *rqtp, struct timespec *rmtp)
{
	int e = clock_nanosleep(CLOCK_MONOTONIC, 0, rqtp, rmtp);
	return e ? __seterr(e) : 0;
}

unsigned sleep(unsigned seconds)
{
	struct timespec t = { .tv_sec = seconds }, left = { 0 };
	if (nanosleep(&t, &left) == 0)
		return 0;
	return (unsigned)left.tv_sec + (left.tv_nsec > 0);
}

int usleep(useconds_t us)
{
	if (us >= 1000000)
		return __seterr(EINVAL);
	struct timespec t = { .tv_sec = 0, .tv_nsec = (long)us * 1000 };
	return nanosleep(&t, NULL);
}
