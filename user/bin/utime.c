/*
 * utime: clocks, process timers and kernel timeouts from user mode. The kernel's
 * test=time runs it by argument:
 *   0  conformance (every call's errnos), timer expiry order, a periodic timer that does
 *      not drift, TimerTimeout on SEND, RECEIVE, REPLY (with and without
 *      _NTO_CHF_UNBLOCK) and NANOSLEEP, timeouts that must not fire; exits 0 when all
 *      pass;
 *   1  exits with periodic timers armed and a thread blocked under a TimerTimeout: the
 *      kernel must free all of it (the harness checks timers and the leak check);
 *   2  a storm: threads on every hart arming short timeouts and timers at once;
 *   3  50000 random calls of the time range (24..31) with hostile arguments.
 * Threads use the _r calls: errno is one per process until libc.
 */
#include <sys/neutrino.h>
#include <stdint.h>
#include "qsys.h"
#include "qtime.h"
#include "qfuzz.h"

#define EPERM     1
#define ESRCH     3
#define EINTR     4
#define EAGAIN    11
#define ETIMEDOUT 116
#define ENOTSUP   134

#define MS 1000000ull
#define BAD_PTR ((void *)0x80200000ul)	/* kernel text */

static int failures;

static void check(const char *name, long got, long want)
{
	if (!qs_check(name, got == want, got, want))
		failures++;
}

static void check_true(const char *name, int ok, long got)
{
	if (!qs_check(name, ok, got, got))
		failures++;
}

static int chid, self_coid;		/* main's channel and a side-channel coid to it */

static void pulse_event(struct sigevent *ev, int code, int value)
{
	SIGEV_PULSE_INT_INIT(ev, self_coid, 100, code, value);	/* main's own priority */
}

/* Receive one pulse on chid; returns its code (or -errno), value in *value. */
static int get_pulse(int ch, int *value)
{
	struct _pulse p;
	int r = MsgReceive_r(ch, &p, sizeof p, NULL);
	if (r != 0)
		return r < 0 ? r : -1000;	/* a message: not expected here */
	if (value)
		*value = p.value.sival_int;
	return p.code;
}

/* Take every pulse still queued on ch (a disarmed periodic timer's last ones). */
static void drain(int ch)
{
	struct _pulse p;
	do
		TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, NULL, NULL, NULL);
	while (MsgReceive_r(ch, &p, sizeof p, NULL) == 0);
}

/* --- Conformance --------------------------------------------------------------------------- */

static void clocks(void)
{
	uint64_t t0 = 0, t1 = 0, rt = 0, set;
	/* The kernel set the wall clock from the board's RTC at boot (QEMU's starts at the
	 * host's time): it reads after 2020-01-01 until this test sets it. */
	ClockTime_r(CLOCK_REALTIME, NULL, &rt);
	check_true("clocktime-realtime-from-rtc", rt > 1577836800ull * 1000000000ull,
		   (long)(rt / 1000000000ull));
	check("clocktime-monotonic", ClockTime_r(CLOCK_MONOTONIC, NULL, &t0), 0);
	check("clocktime-bad-clock", ClockTime_r(7, NULL, &t0), -EINVAL);
	check("clocktime-bad-clock-neg", ClockTime_r(-1, NULL, &t0), -EINVAL);
	set = 5;
	check("clocktime-monotonic-not-settable", ClockTime_r(CLOCK_MONOTONIC, &set, NULL), -EINVAL);
	check("clocktime-efault-old", ClockTime_r(CLOCK_MONOTONIC, NULL, BAD_PTR), -EFAULT);
	check("clocktime-efault-new", ClockTime_r(CLOCK_REALTIME, BAD_PTR, NULL), -EFAULT);
	ClockTime_r(CLOCK_MONOTONIC, NULL, &t1);
	check_true("clocktime-monotonic-advances", t1 >= t0 && t0 > 0, (long)(t1 - t0));
	set = 1700000000ull * 1000000000ull;		/* 2023-11-14 */
	uint64_t before = 0;
	check("clocktime-realtime-set", ClockTime_r(CLOCK_REALTIME, &set, &before), 0);
	ClockTime_r(CLOCK_REALTIME, NULL, &rt);
	check_true("clocktime-realtime-reads-back", rt >= set && rt - set < 1000 * MS, (long)(rt - set));
	uint64_t m = 0;
	ClockTime_r(CLOCK_MONOTONIC, NULL, &m);
	check_true("clocktime-monotonic-unmoved-by-set", m >= t1 && m - t1 < 1000 * MS, (long)(m - t1));

	struct _clockperiod cp = { 0, 0 };
	check("clockperiod-get", ClockPeriod_r(CLOCK_MONOTONIC, NULL, &cp, 0), 0);
	check_true("clockperiod-value", cp.nsec > 0 && cp.nsec <= 1000, cp.nsec);
	check("clockperiod-set-refused", ClockPeriod_r(CLOCK_REALTIME, &cp, NULL, 0), -ENOTSUP);
	check("clockperiod-bad-clock", ClockPeriod_r(3, NULL, &cp, 0), -EINVAL);
	check("clockperiod-efault", ClockPeriod_r(CLOCK_REALTIME, NULL, BAD_PTR, 0), -EFAULT);
	uint64_t c0 = ClockCycles();
	uint64_t ns = 1 * MS;
	qs_sleep_ns(ns, NULL);
	uint64_t c1 = ClockCycles();
	/* rdtime at 10^9 / cp.nsec per second: 1 ms is 10^6 / cp.nsec counts or more. */
	check_true("clockcycles-rate", (c1 - c0) * cp.nsec >= 1 * MS, (long)(c1 - c0));
}

static void nanosleeps(void)
{
	uint64_t ns = 3 * MS, left = 99, t0 = qs_now_ns();
	check("nanosleep-relative", ClockNanosleep_r(CLOCK_MONOTONIC, 0, &ns, &left), 0);
	uint64_t el = qs_now_ns() - t0;
	check_true("nanosleep-not-early", el >= 3 * MS, (long)el);
	check("nanosleep-rmtp-untouched", (long)left, 99);
	uint64_t abs = qs_now_ns() + 2 * MS;
	check("nanosleep-abstime", ClockNanosleep_r(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL), 0);
	check_true("nanosleep-abstime-reached", qs_now_ns() >= abs, 0);
	abs = 1;
	t0 = qs_now_ns();
	check("nanosleep-abstime-past", ClockNanosleep_r(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL), 0);
	check_true("nanosleep-abstime-past-at-once", qs_now_ns() - t0 < 1000 * MS, 0);	/* wall time: loose */
	uint64_t rt = 0;
	ClockTime_r(CLOCK_REALTIME, NULL, &rt);
	rt += 2 * MS;
	check("nanosleep-realtime-abstime", ClockNanosleep_r(CLOCK_REALTIME, TIMER_ABSTIME, &rt, NULL), 0);
	uint64_t rt2 = 0;
	ClockTime_r(CLOCK_REALTIME, NULL, &rt2);
	check_true("nanosleep-realtime-abstime-reached", rt2 >= rt, (long)(rt2 - rt));
	check("nanosleep-bad-clock", ClockNanosleep_r(9, 0, &ns, NULL), -EINVAL);
	check("nanosleep-bad-flags", ClockNanosleep_r(CLOCK_MONOTONIC, 1, &ns, NULL), -EINVAL);
	check("nanosleep-efault-rqtp", ClockNanosleep_r(CLOCK_MONOTONIC, 0, NULL, NULL), -EFAULT);
	check("nanosleep-efault-rqtp-kernel", ClockNanosleep_r(CLOCK_MONOTONIC, 0, BAD_PTR, NULL), -EFAULT);
	check("nanosleep-efault-rmtp", ClockNanosleep_r(CLOCK_MONOTONIC, 0, &ns, BAD_PTR), -EFAULT);
	struct timespec ts = { 0, 1000000 }, bad = { 0, 1000000000 };
	check("nanosleep-posix", nanosleep(&ts, NULL), 0);
	check("nanosleep-posix-einval", nanosleep(&bad, NULL), -1);
	check("nanosleep-posix-errno", errno, EINVAL);
}

static void timer_calls(void)
{
	struct sigevent ev;
	struct _itimer it = { 5000 * MS, 0 }, old = { 1, 1 };	/* far enough: never fires here */
	struct _timer_info ti;
	pulse_event(&ev, 1, 0);
	check("timercreate-bad-clock", TimerCreate_r(5, &ev), -EINVAL);
	check("timercreate-efault", TimerCreate_r(CLOCK_MONOTONIC, BAD_PTR), -EFAULT);
	int sigt = TimerCreate_r(CLOCK_MONOTONIC, NULL);	/* SIGEV_SIGNAL SIGALRM (uwaits fires one) */
	check_true("timercreate-null-event-is-sigalrm", sigt > 0, sigt);
	check("timercreate-null-event-destroy", TimerDestroy_r(sigt), 0);
	struct sigevent bad = ev;
	bad.sigev_priority = 0;
	check("timercreate-pulse-prio0-einval", TimerCreate_r(CLOCK_MONOTONIC, &bad), -EINVAL);
	bad = ev;
	bad.sigev_notify = 99;
	check("timercreate-bad-notify-einval", TimerCreate_r(CLOCK_MONOTONIC, &bad), -EINVAL);
	int id = TimerCreate_r(CLOCK_MONOTONIC, &ev);
	check_true("timercreate", id > 0, id);
	check("timersettime-bad-id", TimerSettime_r(id + 1, 0, &it, NULL), -EINVAL);
	check("timersettime-bad-id-neg", TimerSettime_r(-1, 0, &it, NULL), -EINVAL);
	check("timersettime-bad-flags", TimerSettime_r(id, 1, &it, NULL), -EINVAL);
	check("timersettime-efault-itime", TimerSettime_r(id, 0, NULL, NULL), -EFAULT);
	check("timersettime-efault-itime-kernel", TimerSettime_r(id, 0, BAD_PTR, NULL), -EFAULT);
	check("timersettime-efault-oitime", TimerSettime_r(id, 0, &it, BAD_PTR), -EFAULT);
	check("timersettime-arm", TimerSettime_r(id, 0, &it, &old), 0);
	check("timersettime-old-disarmed", (long)old.nsec, 0);
	it.nsec = 8000 * MS;
	it.interval_nsec = 20 * MS;
	check("timersettime-rearm", TimerSettime_r(id, 0, &it, &old), 0);
	check_true("timersettime-old-left", old.nsec > 0 && old.nsec <= 5000 * MS, (long)old.nsec);
	check("timerinfo", TimerInfo_r(0, id, 0, &ti), id);
	check("timerinfo-active", ti.flags & (_NTO_TI_ACTIVE | _NTO_TI_EXPIRED), _NTO_TI_ACTIVE);
	check_true("timerinfo-left", ti.otime.nsec > 0 && ti.otime.nsec <= 8000 * MS, (long)ti.otime.nsec);
	check("timerinfo-interval", (long)ti.itime.interval_nsec, 20 * MS);
	check("timerinfo-clock", ti.clockid, CLOCK_MONOTONIC);
	check("timerinfo-notify", ti.notify, SIGEV_PULSE);
	check("timerinfo-event-code", ti.event.sigev_code, 1);
	check("timerinfo-bad-pid", TimerInfo_r(999999, id, 0, &ti), -ESRCH);
	check("timerinfo-bad-id", TimerInfo_r(0, id + 1, 0, &ti), -EINVAL);
	check("timerinfo-bad-flags", TimerInfo_r(0, id, 0x100, &ti), -EINVAL);
	check("timerinfo-efault", TimerInfo_r(0, id, 0, NULL), -EFAULT);
	check("timerinfo-efault-kernel", TimerInfo_r(0, id, 0, BAD_PTR), -EFAULT);
	it.nsec = 0;
	check("timersettime-disarm", TimerSettime_r(id, 0, &it, &old), 0);
	check_true("timersettime-disarm-old", old.nsec > 0 && old.interval_nsec == 20 * MS, (long)old.nsec);
	TimerInfo_r(0, id, 0, &ti);
	check("timerinfo-disarmed", ti.flags & _NTO_TI_ACTIVE, 0);
	check("timerdestroy", TimerDestroy_r(id), 0);
	check("timerdestroy-twice", TimerDestroy_r(id), -EINVAL);
	check("timersettime-stale-id", TimerSettime_r(id, 0, &it, NULL), -EINVAL);
	check("timerinfo-stale-id", TimerInfo_r(0, id, 0, &ti), -EINVAL);
	int id2 = TimerCreate_r(CLOCK_REALTIME, &ev);
	check_true("timercreate-new-id-differs", id2 > 0 && id2 != id, id2);
	check("timerdestroy-stale-after-reuse", TimerDestroy_r(id), -EINVAL);
	check("timerdestroy-bad", TimerDestroy_r(0), -EINVAL);
	/* A disarmed-at-once timer never fires: nothing must be queued afterwards. */
	it.nsec = 1;
	it.interval_nsec = 0;
	TimerSettime_r(id2, 0, &it, NULL);
	check("timer-fires-once", get_pulse(chid, NULL), 1);
	TimerInfo_r(0, id2, 0, &ti);
	check("timerinfo-expired", ti.flags & (_NTO_TI_ACTIVE | _NTO_TI_EXPIRED | _NTO_TI_TOD_BASED),
	      _NTO_TI_EXPIRED | _NTO_TI_TOD_BASED);
	check("timerdestroy-2", TimerDestroy_r(id2), 0);
	/* Too many: EAGAIN, then all destroyed. */
	int ids[70], n = 0, r = 0;
	while (n < 70 && (r = TimerCreate_r(CLOCK_MONOTONIC, &ev)) > 0)
		ids[n++] = r;
	check("timercreate-eagain", r, -EAGAIN);
	check_true("timercreate-many", n >= 32, n);
	int bad_destroys = 0;
	for (int i = 0; i < n; i++)
		bad_destroys += TimerDestroy_r(ids[i]) != 0;
	check("timerdestroy-many", bad_destroys, 0);
}

static void timeout_calls(void)
{
	uint64_t ns = MS, left;
	struct sigevent ev;
	check("timertimeout-bad-clock", TimerTimeout_r(4, _NTO_TIMEOUT_RECEIVE, NULL, &ns, NULL), -EINVAL);
	check("timertimeout-bad-flags", TimerTimeout_r(CLOCK_MONOTONIC, 1, NULL, &ns, NULL), -EINVAL);
	check("timertimeout-efault-event", TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, BAD_PTR, &ns, NULL), -EFAULT);
	check("timertimeout-efault-ntime", TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, NULL, BAD_PTR, NULL), -EFAULT);
	check("timertimeout-efault-otime", TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, NULL, &ns, BAD_PTR), -EFAULT);
	ev.sigev_notify = 42;
	check("timertimeout-bad-event", TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, &ev, &ns, NULL), -EINVAL);
	pulse_event(&ev, 3, 0);
	check("timertimeout-nanosleep-needs-unblock", TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_NANOSLEEP, &ev, &ns, NULL), -EINVAL);
	/* The return value is the previous flags; a second call replaces the first. */
	/* (No other kernel call in between: the check's own output would clear it.) */
	ns = 100 * MS;
	left = 0;
	int r1 = TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, NULL, &ns, NULL);
	int r2 = TimerTimeout_r(CLOCK_MONOTONIC, 0, NULL, NULL, &left);
	int r3 = TimerTimeout_r(CLOCK_MONOTONIC, 0, NULL, NULL, NULL);
	check("timertimeout-arm", r1, 0);
	check("timertimeout-previous-flags", r2, _NTO_TIMEOUT_RECEIVE);
	check_true("timertimeout-previous-left", left > 0 && left <= 100 * MS, (long)left);
	check("timertimeout-none-armed", r3, 0);
	/* Any kernel call clears it: here KerDebugWrite, through qs_printf. */
	TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, NULL, &ns, NULL);
	qs_printf("utime: a kernel call in between\n");
	check("timertimeout-cleared-by-any-call", TimerTimeout_r(CLOCK_MONOTONIC, 0, NULL, NULL, NULL), 0);
}

/* --- Expiry order and periodic timers ------------------------------------------------------ */

#define NORDER 6

static void expiry_order(void)
{
	static const int slot[NORDER] = { 4, 1, 5, 0, 3, 2 };	/* code k fires in slot[k] */
	struct sigevent ev;
	int id[NORDER];
	uint64_t base = qs_now_ns() + 20 * MS, deadline[NORDER];
	for (int k = 0; k < NORDER; k++) {
		pulse_event(&ev, 10 + k, k);
		id[k] = TimerCreate_r(CLOCK_MONOTONIC, &ev);
		deadline[k] = base + (uint64_t)slot[k] * 3 * MS;
		struct _itimer it = { deadline[k], 0 };
		TimerSettime_r(id[k], TIMER_ABSTIME, &it, NULL);
	}
	int order_ok = 1, early = 0;
	for (int n = 0; n < NORDER; n++) {
		int value = -1, code = get_pulse(chid, &value);
		uint64_t t = qs_now_ns();
		int k = code - 10;
		if (k < 0 || k >= NORDER || slot[k] != n || value != k)
			order_ok = 0;
		else if (t < deadline[k])
			early++;
	}
	check("timers-expire-in-deadline-order", order_ok, 1);
	check("timers-never-early", early, 0);
	for (int k = 0; k < NORDER; k++)
		TimerDestroy_r(id[k]);

	/* Equal deadlines fire in the order they were armed. */
	uint64_t when = qs_now_ns() + 5 * MS;
	for (int k = 0; k < 3; k++) {
		pulse_event(&ev, 20 + k, 0);
		id[k] = TimerCreate_r(CLOCK_MONOTONIC, &ev);
		struct _itimer it = { when, 0 };
		TimerSettime_r(id[k], TIMER_ABSTIME, &it, NULL);
	}
	int fifo = 1;
	for (int k = 0; k < 3; k++)
		fifo &= get_pulse(chid, NULL) == 20 + k;
	check("timers-equal-deadlines-fifo", fifo, 1);
	for (int k = 0; k < 3; k++)
		TimerDestroy_r(id[k]);
}

#define PERIOD   (4 * MS)
#define NPERIODS 25

static void periodic(void)
{
	struct sigevent ev;
	pulse_event(&ev, 30, 0);
	int id = TimerCreate_r(CLOCK_MONOTONIC, &ev);
	uint64_t start = (qs_now_ns() + 10 * MS) / 100 * 100;	/* a whole timebase tick */
	struct _itimer it = { start, PERIOD };
	check("periodic-arm", TimerSettime_r(id, TIMER_ABSTIME, &it, NULL), 0);
	long overruns = 0, ongrid = 0, early = 0;
	uint64_t err_first = 0, err_last = 0, err_max = 0;
	for (int k = 1; k <= NPERIODS; k++) {
		if (get_pulse(chid, NULL) != 30)
			break;
		uint64_t t = qs_now_ns();
		struct _timer_info ti;
		TimerInfo_r(0, id, _NTO_TIMER_RESET_OVERRUNS, &ti);
		overruns += ti.overruns;
		/* The reload is deadline + interval (never now + interval): every next expiry
		 * lies exactly on start's grid, however late the pulses are taken. */
		ongrid += ti.itime.nsec > start && (ti.itime.nsec - start) % PERIOD == 0;
		/* The k-th pulse is for the k-th expiry or a later one. */
		uint64_t ideal = start + (uint64_t)k * PERIOD - PERIOD;
		if (t < ideal) {
			early++;
			continue;
		}
		uint64_t err = t - ideal;
		if (k == 1)
			err_first = err;
		err_last = err;
		if (err > err_max)
			err_max = err;
	}
	check("periodic-next-expiry-on-grid", ongrid, NPERIODS);
	check("periodic-never-early", early, 0);
	/* Growth beyond the skipped periods would be drift (or a receiver falling behind). */
	check_true("periodic-no-drift", err_last < err_first + (uint64_t)(overruns + 2) * PERIOD,
		   (long)(err_last - err_first));
	qs_printf("utime: periodic %d x %llu ns: first error %llu ns, last %llu, max %llu, %ld overruns\n",
		  NPERIODS, (unsigned long long)PERIOD, (unsigned long long)err_first,
		  (unsigned long long)err_last, (unsigned long long)err_max, overruns);
	it.nsec = 0;
	TimerSettime_r(id, 0, &it, NULL);
	TimerDestroy_r(id);
}

/* A timer made by a thread on another hart lives there; arming, reading and destroying
 * it from main's hart go through that hart (ktimer_run_on). */
static volatile int far_id;

static void *make_far_timer(void *arg)
{
	struct sigevent ev;
	pulse_event(&ev, 35, 0);
	far_id = TimerCreate_r(CLOCK_MONOTONIC, &ev);
	return 0;
}

static void far_timer(void)
{
	qs_thread_create(make_far_timer, 0);
	while (far_id == 0)
		qs_sleep_ns(MS, NULL);
	int got = 0, late = 0;
	for (int i = 0; i < 10; i++) {
		uint64_t when = qs_now_ns() + 2 * MS;
		struct _itimer it = { when, 0 };
		TimerSettime_r(far_id, TIMER_ABSTIME, &it, NULL);
		got += get_pulse(chid, NULL) == 35;
		late += qs_now_ns() >= when;
	}
	check("far-timer-pulses", got, 10);
	check("far-timer-not-early", late, 10);
	struct _itimer it = { 50 * MS, MS }, old;
	TimerSettime_r(far_id, 0, &it, NULL);
	struct _timer_info ti;
	check("far-timer-info", TimerInfo_r(0, far_id, 0, &ti), far_id);
	check("far-timer-info-active", ti.flags & _NTO_TI_ACTIVE, _NTO_TI_ACTIVE);
	it.nsec = 0;
	TimerSettime_r(far_id, 0, &it, &old);
	check_true("far-timer-disarm-left", old.nsec > 0 && old.interval_nsec == MS, (long)old.nsec);
	check("far-timer-destroy", TimerDestroy_r(far_id), 0);
}

/* --- TimerTimeout on the blocking states ---------------------------------------------------- */

static int deaf_chid;			/* nobody receives here */
static int srv_chid, srv_unblock_chid;	/* held by server threads */
static volatile int srv_mode;

/* Server thread: receive one message, then per mode: 0 hold it until the UNBLOCK pulse
 * and reply 42; 1 hold it 200 ms and reply (the client has gone: ESRCH); 2 sleep 20 ms
 * first, then receive with a 40 ms timeout. Reports through a pulse to main. */
struct srv_arg {
	int chid, mode;
	volatile int result, result2;
	volatile int done;
	volatile int ready;		/* about to receive */
};

static void *server(void *p)
{
	struct srv_arg *s = p;
	char buf[16];
	struct _msg_info info;
	if (s->mode == 2) {
		qs_sleep_ns(20 * MS, NULL);
		uint64_t ns = 40 * MS;
		TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, NULL, &ns, NULL);
		s->result = MsgReceive_r(s->chid, buf, sizeof buf, NULL);
		s->done = 1;
		return 0;
	}
	s->ready = 1;
	/* Bounded, in case the client's timeout ran out before we got here. */
	uint64_t ns = 2000 * MS;
	TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, NULL, &ns, NULL);
	int rcvid = MsgReceive_r(s->chid, buf, sizeof buf, NULL);
	if (rcvid <= 0) {
		s->result = rcvid;
		s->done = 1;
		return 0;
	}
	if (s->mode == 0) {
		struct _pulse pl;
		int r = MsgReceive_r(s->chid, &pl, sizeof pl, NULL);
		s->result = r == 0 && pl.code == _PULSE_CODE_UNBLOCK && pl.value.sival_int == rcvid;
		MsgInfo_r(rcvid, &info);
		s->result2 = (info.flags & _NTO_MI_UNBLOCK_REQ) != 0;
		MsgReply_r(rcvid, 42, NULL, 0);
	} else {
		/* Long past the client's 8 ms: even a host that stalls this machine's harts
		 * for a while must not let the reply overtake the timeout. */
		qs_sleep_ns(200 * MS, NULL);
		s->result = MsgReply_r(rcvid, 7, NULL, 0);
	}
	s->done = 1;
	return 0;
}

static void wait_done(volatile int *done)
{
	while (!*done)
		qs_sleep_ns(MS, NULL);
}

/* Start a server thread and give it time to block in MsgReceive. */
static void start_server(struct srv_arg *s)
{
	qs_thread_create(server, s);
	while (!s->ready)
		qs_sleep_ns(MS, NULL);
	qs_sleep_ns(5 * MS, NULL);
}

static void timeouts(void)
{
	char buf[32] = "hi";		/* room for a pulse */
	uint64_t ns, t0, el, left;
	struct sigevent ev;

	/* RECEIVE: ETIMEDOUT after the time, not before. */
	ns = 5 * MS;
	t0 = qs_now_ns();
	TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, NULL, &ns, NULL);
	check("timeout-receive-etimedout", MsgReceive_r(chid, buf, sizeof buf, NULL), -ETIMEDOUT);
	el = qs_now_ns() - t0;
	check_true("timeout-receive-not-early", el >= 5 * MS, (long)el);
	/* ntime NULL: at once. */
	t0 = qs_now_ns();
	TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, NULL, NULL, NULL);
	check("timeout-immediate-null", MsgReceive_r(chid, buf, sizeof buf, NULL), -ETIMEDOUT);
	ns = 0;
	TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, NULL, &ns, NULL);
	check("timeout-immediate-zero", MsgReceive_r(chid, buf, sizeof buf, NULL), -ETIMEDOUT);
	el = qs_now_ns() - t0;
	/* Neither may block at all; the bound is wall time, so it is loose: a loaded host
	 * once took 178 ms over the two (the 5 ms timeouts above check the precision). */
	check_true("timeout-immediate-fast", el < 1000 * MS, (long)el);
	/* Absolute, on CLOCK_REALTIME. */
	uint64_t rt = 0;
	ClockTime_r(CLOCK_REALTIME, NULL, &rt);
	rt += 3 * MS;
	TimerTimeout_r(CLOCK_REALTIME, _NTO_TIMEOUT_RECEIVE | TIMER_ABSTIME, NULL, &rt, NULL);
	check("timeout-abstime-realtime", MsgReceive_r(chid, buf, sizeof buf, NULL), -ETIMEDOUT);
	uint64_t rt2 = 0;
	ClockTime_r(CLOCK_REALTIME, NULL, &rt2);
	check_true("timeout-abstime-reached", rt2 >= rt, (long)(rt2 - rt));

	/* A timeout for another state leaves this one alone: RECEIVE is not covered by
	 * SEND, so the receive waits for the timer pulse at 15 ms. */
	struct _itimer it = { 15 * MS, 0 };
	pulse_event(&ev, 40, 0);
	int tid = TimerCreate_r(CLOCK_MONOTONIC, &ev);
	TimerSettime_r(tid, 0, &it, NULL);
	ns = 2 * MS;
	TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_SEND, NULL, &ns, NULL);
	check("timeout-other-state-ignored", get_pulse(chid, NULL), 40);

	/* Completed in time: the timeout must not fire later into another call. Arm
	 * RECEIVE 30 ms; the pulse comes at 5 ms; then a plain receive waits past 30 ms
	 * for the pulse at 60 ms. */
	it.nsec = 5 * MS;
	TimerSettime_r(tid, 0, &it, NULL);
	ns = 30 * MS;
	TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, NULL, &ns, NULL);
	check("timeout-completed-in-time", get_pulse(chid, NULL), 40);
	it.nsec = 55 * MS;
	TimerSettime_r(tid, 0, &it, NULL);
	check("timeout-gone-after-return", get_pulse(chid, NULL), 40);

	/* Cleared by a call that did not block: TimerTimeout, KerNop, then a receive that
	 * waits past the deadline for a pulse at 20 ms. */
	ns = 3 * MS;
	TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, NULL, &ns, NULL);
	KerNop_r();
	it.nsec = 20 * MS;
	TimerSettime_r(tid, 0, &it, NULL);
	check("timeout-cleared-by-nonblocking-call", get_pulse(chid, NULL), 40);
	/* And by a receive that found a pulse queued. */
	MsgSendPulse_r(self_coid, 10, 41, 0);
	ns = 3 * MS;
	TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, NULL, &ns, NULL);
	check("timeout-receive-queued-pulse", get_pulse(chid, NULL), 41);
	it.nsec = 20 * MS;
	TimerSettime_r(tid, 0, &it, NULL);
	check("timeout-cleared-after-queued-receive", get_pulse(chid, NULL), 40);

	/* A pulse event instead of unblocking: the receive gets the timeout's own pulse. */
	pulse_event(&ev, 42, 7);
	ns = 4 * MS;
	t0 = qs_now_ns();
	TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, &ev, &ns, NULL);
	int value = 0;
	check("timeout-event-pulse", get_pulse(chid, &value), 42);
	check("timeout-event-pulse-value", value, 7);
	el = qs_now_ns() - t0;
	check_true("timeout-event-not-early", el >= 4 * MS, (long)el);
	TimerDestroy_r(tid);

	/* SEND: nobody receives on deaf_chid. */
	int deaf = ConnectAttach_r(0, 0, deaf_chid, _NTO_SIDE_CHANNEL, 0);
	ns = 5 * MS;
	t0 = qs_now_ns();
	TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_SEND | _NTO_TIMEOUT_REPLY, NULL, &ns, NULL);
	check("timeout-send-etimedout", MsgSend_r(deaf, buf, 4, buf, sizeof buf), -ETIMEDOUT);
	el = qs_now_ns() - t0;
	check_true("timeout-send-not-early", el >= 5 * MS, (long)el);
	TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_SEND, NULL, NULL, NULL);
	check("timeout-send-immediate", MsgSend_r(deaf, buf, 4, buf, sizeof buf), -ETIMEDOUT);
	TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, NULL, NULL, NULL);
	check("timeout-send-left-nothing-queued", MsgReceive_r(deaf_chid, buf, sizeof buf, NULL), -ETIMEDOUT);
	ConnectDetach_r(deaf);

	/* REPLY without _NTO_CHF_UNBLOCK: the client is released; the server's reply then
	 * finds no client (ESRCH). */
	struct srv_arg s1 = { srv_chid, 1, 0, 0, 0, 0 };
	start_server(&s1);
	int coid = ConnectAttach_r(0, 0, srv_chid, _NTO_SIDE_CHANNEL, 0);
	ns = 8 * MS;
	t0 = qs_now_ns();
	TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_REPLY, NULL, &ns, NULL);
	check("timeout-reply-etimedout", MsgSend_r(coid, buf, 4, buf, sizeof buf), -ETIMEDOUT);
	el = qs_now_ns() - t0;
	check_true("timeout-reply-not-early", el >= 8 * MS, (long)el);
	wait_done(&s1.done);
	check("timeout-reply-server-esrch", s1.result, -ESRCH);

	/* REPLY-only timeout that runs out while SEND-blocked: once the server receives
	 * (20 ms later), the client fails at once and the server sees no message (its own
	 * RECEIVE timeout ends its wait). */
	struct srv_arg s2 = { srv_chid, 2, 0, 0, 0, 0 };
	qs_thread_create(server, &s2);
	ns = 5 * MS;
	t0 = qs_now_ns();
	TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_REPLY, NULL, &ns, NULL);
	check("timeout-reply-expired-while-send", MsgSend_r(coid, buf, 4, buf, sizeof buf), -ETIMEDOUT);
	el = qs_now_ns() - t0;
	check_true("timeout-reply-waits-for-receive", el >= 15 * MS, (long)el);
	wait_done(&s2.done);
	check("timeout-reply-server-got-nothing", s2.result, -ETIMEDOUT);
	ConnectDetach_r(coid);

	/* REPLY with _NTO_CHF_UNBLOCK: an UNBLOCK pulse, and the client stays blocked
	 * until the server replies. */
	/* (REPLY only: however late the server receives, the outcome is the same.) */
	struct srv_arg s0 = { srv_unblock_chid, 0, 0, 0, 0, 0 };
	start_server(&s0);
	coid = ConnectAttach_r(0, 0, srv_unblock_chid, _NTO_SIDE_CHANNEL, 0);
	ns = 6 * MS;
	TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_REPLY, NULL, &ns, NULL);
	check("timeout-reply-unblock-server-replies", MsgSend_r(coid, buf, 4, buf, sizeof buf), 42);
	wait_done(&s0.done);
	check("timeout-reply-unblock-pulse", s0.result, 1);
	check("timeout-reply-unblock-req", s0.result2, 1);
	ConnectDetach_r(coid);

	/* NANOSLEEP: TimerTimeout blocks at once until the time. */
	ns = 3 * MS;
	left = 99;
	t0 = qs_now_ns();
	check("timeout-nanosleep", TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_NANOSLEEP, NULL, &ns, &left), -ETIMEDOUT);
	el = qs_now_ns() - t0;
	check_true("timeout-nanosleep-not-early", el >= 3 * MS, (long)el);
	check("timeout-nanosleep-left", (long)left, 0);
	/* A NANOSLEEP timeout covers ClockNanosleep too, when armed without sleeping at
	 * once: here it is not (NANOSLEEP sleeps in TimerTimeout), so arm RECEIVE and check
	 * a sleep is left alone. */
	ns = 1 * MS;
	TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, NULL, &ns, NULL);
	uint64_t sl = 4 * MS;
	check("timeout-receive-leaves-sleep", qs_sleep_ns(sl, NULL), 0);
}

/* --- Mode 1: exit with everything armed ---------------------------------------------------- */

static void *blocked_receiver(void *arg)
{
	char buf[8];
	uint64_t ns = 60000 * MS;
	TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, NULL, &ns, NULL);
	MsgReceive_r(deaf_chid, buf, sizeof buf, NULL);
	return 0;
}

static int exit_armed(void)
{
	struct sigevent ev;
	for (int k = 0; k < 8; k++) {
		pulse_event(&ev, 50, k);
		int id = TimerCreate_r(k & 1 ? CLOCK_REALTIME : CLOCK_MONOTONIC, &ev);
		struct _itimer it = { (uint64_t)(k + 1) * 100000, k & 2 ? 1 * MS : 0 };
		TimerSettime_r(id, 0, &it, NULL);
	}
	for (int k = 0; k < 3; k++)
		qs_thread_create(blocked_receiver, 0);
	qs_sleep_ns(20 * MS, NULL);	/* pulses pile up on chid */
	qs_printf("utime: exiting with timers armed\n");
	uint64_t ns = 60000 * MS;
	TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, NULL, &ns, NULL);
	ThreadDestroy_r(-1, -1, 0);	/* every thread, this one last */
	return 0;
}

/* --- Mode 2: storm ----------------------------------------------------------------------- */

#define STORM_THREADS 8
#define STORM_ROUNDS  60

static volatile int storm_bad, storm_done;

static void *storm(void *arg)
{
	long me = (long)arg;
	int ch = ChannelCreate_r(0);
	int co = ConnectAttach_r(0, 0, ch, _NTO_SIDE_CHANNEL, 0);
	struct sigevent ev;
	SIGEV_PULSE_INT_INIT(&ev, co, 10, 5, (int)me);
	int id = TimerCreate_r(CLOCK_MONOTONIC, &ev);
	char buf[32];
	for (int i = 0; i < STORM_ROUNDS; i++) {
		/* A timer racing a timeout: whichever comes first ends the receive, and
		 * exactly one outcome is seen. */
		struct _itimer it = { (uint64_t)(100 + (i * 37 + me * 11) % 200) * 1000, 0 };
		TimerSettime_r(id, 0, &it, NULL);
		uint64_t ns = (uint64_t)(100 + (i * 53 + me * 7) % 200) * 1000;
		TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, NULL, &ns, NULL);
		int r = MsgReceive_r(ch, buf, sizeof buf, NULL);
		if (r == -ETIMEDOUT) {
			/* The timer's pulse is still to come (or was disarmed below). */
			it.nsec = 0;
			struct _itimer old;
			TimerSettime_r(id, 0, &it, &old);
			if (old.nsec == 0) {	/* it had fired: its pulse is queued */
				if (MsgReceive_r(ch, buf, sizeof buf, NULL) != 0)
					storm_bad++;
			}
		} else if (r != 0) {
			storm_bad++;
		}
		ns = (uint64_t)((i * 13 + me) % 5) * 20000;
		qs_sleep_ns(ns, NULL);
	}
	TimerDestroy_r(id);
	ConnectDetach_r(co);
	ChannelDestroy_r(ch);
	__atomic_fetch_add(&storm_done, 1, __ATOMIC_RELAXED);
	return 0;
}

static int storm_run(void)
{
	for (long t = 0; t < STORM_THREADS; t++)
		qs_thread_create(storm, (void *)t);
	while (__atomic_load_n(&storm_done, __ATOMIC_RELAXED) < STORM_THREADS)
		qs_sleep_ns(2 * MS, NULL);
	qs_printf("utime: storm %d threads x %d rounds, %d bad\n", STORM_THREADS, STORM_ROUNDS,
		  storm_bad);
	return storm_bad;
}

/* --- Mode 3: hostile arguments ------------------------------------------------------------ */

static unsigned long long rng = 0x2545f4914f6cdd1dULL;

static unsigned long long rnd(void)
{
	return qs_xorshift(&rng);
}

/* Random calls 24..31 with hostile arguments: each must return, never panic the kernel,
 * and leave nothing behind once the process ends. Calls that could sleep for long are
 * given a bad time pointer (ClockNanosleep) or lose the NANOSLEEP flag (TimerTimeout);
 * a timeout armed here lands on the next random call, which never blocks for long. */
static int fuzz(long calls)
{
	static const long pool[] = {
		0, 1, -1, 2, 3, 64, 0x7fffffff, 0x80000000L, -4096,
		0x80200000,		/* kernel text */
		0x3000000000,		/* unmapped user space */
		0x3ffffffffc,		/* the last bytes before the user limit */
		0x4000000000,		/* just past user space */
		0xffffffffffffff00,	/* wraps */
	};
	unsigned long ok = 0, err = 0;
	for (long i = 0; i < calls; i++) {
		long a[6];
		long num = 24 + (long)(rnd() % 8);
		for (int k = 0; k < 6; k++)
			a[k] = rnd() % 4 == 0 ? (long)rnd() : pool[rnd() % (sizeof pool / sizeof pool[0])];
		if (num == 31)			/* ClockNanosleep */
			a[2] = 0x80200000;
		if (num == 30)			/* TimerTimeout */
			a[1] &= ~(long)_NTO_TIMEOUT_NANOSLEEP;
		long r = qs_raw_kcall(num, a);
		if (r >= 0)
			ok++;
		else
			err++;
	}
	qs_printf("utime: fuzz %ld calls: %lu results, %lu errors\n", calls, ok, err);
	return 0;
}

int main(long mode)
{
	chid = ChannelCreate_r(0);
	deaf_chid = ChannelCreate_r(0);
	srv_chid = ChannelCreate_r(0);
	srv_unblock_chid = ChannelCreate_r(_NTO_CHF_UNBLOCK);
	self_coid = ConnectAttach_r(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
	if (mode == 1)
		return exit_armed();
	if (mode == 2)
		return storm_run();
	if (mode == 3)
		return fuzz(50000);
	clocks();
	nanosleeps();
	timer_calls();
	drain(chid);
	timeout_calls();
	expiry_order();
	drain(chid);
	periodic();
	drain(chid);
	far_timer();
	drain(chid);
	timeouts();
	qs_printf("utime: %d failures\n", failures);
	return failures;
}
