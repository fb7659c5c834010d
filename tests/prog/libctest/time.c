/* libctest: time: the monotonic clock goes forward, sleeps last about as long as asked. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "libctest.h"

static long long ns(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000 + t->tv_nsec;
}

static long long now_ns(clockid_t c)
{
	struct timespec t;
	clock_gettime(c, &t);
	return ns(&t);
}

static void clocks(void)
{
	struct timespec a, b, res;
	int ok = clock_gettime(CLOCK_MONOTONIC, &a) == 0, back = 0;
	for (int i = 0; i < 1000 && ok; i++) {
		ok = clock_gettime(CLOCK_MONOTONIC, &b) == 0;
		back += ns(&b) < ns(&a);
		a = b;
	}
	long long t0 = now_ns(CLOCK_MONOTONIC);
	usleep(10000);
	long long dt = now_ns(CLOCK_MONOTONIC) - t0;
	check("libc-clock-monotonic-increases", ok && back == 0 && dt >= 10000000,
	      "ok %d went back %d times, 10 ms sleep took %lld ns", ok, back, dt);

	time_t t = time(NULL);
	int r = clock_getres(CLOCK_MONOTONIC, &res);
	check("libc-clock-realtime-and-res", t > 1600000000 && r == 0 && ns(&res) > 0 &&
	      ns(&res) <= 10000000, "time %lld res %lld ns", (long long)t, ns(&res));
	errno = 0;
	check("libc-clock-bad-id-einval", clock_gettime(12345, &a) < 0 && errno == EINVAL,
	      "errno %d", errno);
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	alarms++;
}

static void sleeps(void)
{
	struct timespec rq = { 0, 50000000 }, rem = { 9, 9 };
	long long t0 = now_ns(CLOCK_MONOTONIC);
	int r = nanosleep(&rq, &rem);
	long long dt = now_ns(CLOCK_MONOTONIC) - t0;
	check("libc-nanosleep-50ms-about-right", r == 0 && dt >= 50000000 && dt < 500000000,
	      "r %d took %lld ns", r, dt);

	errno = 0;
	struct timespec bad = { 0, 1000000000 };
	check("libc-nanosleep-bad-nsec-einval", nanosleep(&bad, NULL) < 0 && errno == EINVAL,
	      "errno %d", errno);

	/* a timer's signal ends a long sleep early, with the time left in rem */
	struct sigaction sa, old;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, &old);
	struct sigevent ev;
	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGALRM;
	timer_t id;
	struct itimerspec its = { .it_value = { 0, 30000000 } };
	int c = timer_create(CLOCK_MONOTONIC, &ev, &id);
	int s = c == 0 ? timer_settime(id, 0, &its, NULL) : -1;
	alarms = 0;
	rq = (struct timespec){ 5, 0 };
	t0 = now_ns(CLOCK_MONOTONIC);
	errno = 0;
	r = nanosleep(&rq, &rem);
	int e = errno;
	dt = now_ns(CLOCK_MONOTONIC) - t0;
	check("libc-nanosleep-eintr-with-remaining", c == 0 && s == 0 && r < 0 && e == EINTR &&
	      alarms == 1 && dt >= 30000000 && dt < 2000000000 && ns(&rem) > 3000000000LL &&
	      ns(&rem) < 5000000000LL, "timer %d/%d sleep %d errno %d after %lld ns, rem %lld",
	      c, s, r, e, dt, ns(&rem));
	if (c == 0)
		timer_delete(id);
	sigaction(SIGALRM, &old, NULL);
}

void test_time(void)
{
	clocks();
	sleeps();
}
