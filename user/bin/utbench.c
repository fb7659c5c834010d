/* utbench: instruction counts of the clock, timer and timeout paths (run by test=bench
 * under qemu -icount shift=0, where rdcycle counts instructions and virtual time runs at
 * one instruction per ns). Returns how many figures it printed.
 *
 * Timer pulse latency, from a timer's deadline to its pulse in this thread's hands: the
 * timer interrupt comes exactly at the deadline (a whole timebase tick, D); on receipt we
 * read rdtime (t) and rdcycle (c1), then spin until rdtime moves on to t + 1 and read
 * rdcycle again (c2). Spinning keeps the hart busy, so c2 - c1 instructions took the rest
 * of tick t: the pulse arrived (t + 1) * P - (c2 - c1) ns after boot, P the tick in ns, and
 * the latency is that minus D * P, in ns, which is instructions. This needs virtual time to
 * be instructions up to D as well, so the hart must not idle (qemu's idle time runs on the
 * host clock): a spinner thread of ours at priority 10 keeps it busy while we wait. */
#include <sys/neutrino.h>
#include "qsys.h"
#include "qtime.h"
#include "qbench.h"

#define RUNS 21

static int chid, coid;
static unsigned long tick_ns;

static unsigned long pulse_latency(int id)
{
	unsigned long lat[RUNS];
	struct _pulse p;
	for (int r = 0; r < RUNS; r++) {
		/* 20 ms on (a whole tick): under icount an idle wait costs nothing, and a
		 * TimerSettime to another hart may wait for qemu to run that hart. */
		unsigned long d = ClockCycles() + 200000;
		struct _itimer it = { d * tick_ns, 0 };
		TimerSettime_r(id, TIMER_ABSTIME, &it, NULL);
		MsgReceive_r(chid, &p, sizeof p, NULL);
		unsigned long t = ClockCycles(), c1 = cycles(), c2;
		while (ClockCycles() == t)
			;
		c2 = cycles();
		unsigned long arrived = (t + 1) * tick_ns - (c2 - c1);
		lat[r] = arrived > d * tick_ns ? arrived - d * tick_ns : 0;
	}
	return median(lat, RUNS);
}

static volatile int stop_spin;

static void *spinner(void *arg)
{
	while (!stop_spin)
		;
	return 0;
}

static void *nothing(void *arg)
{
	return 0;
}

/* A spinner on our own hart: thread n goes n - 1 harts after main (uthread.c), so take
 * tids 2..ncpus with threads that end at once, then tid ncpus + 1 is ours. */
static void start_spinner(long ncpus)
{
	for (long i = 1; i < ncpus; i++)
		qs_thread_create(nothing, 0);
	struct _thread_attr attr = { 0 };
	attr.__flags = 0x2;		/* PTHREAD_EXPLICIT_SCHED */
	attr.__policy = SCHED_RR;
	attr.__priority = 10;
	attr.__exitfunc = qs_thread_exit;
	ThreadCreate_r(0, spinner, 0, &attr);
}

/* Median cost per iteration of body (n iterations per batch, 5 batches). */
#define COST(n, body) ({ \
	unsigned long _b[5]; \
	for (int _k = 0; _k < 5; _k++) { \
		unsigned long _t0 = cycles(); \
		for (int _i = 0; _i < (n); _i++) { body; } \
		_b[_k] = (cycles() - _t0) / (n); \
	} \
	median(_b, 5); \
})

int main(long arg)
{
	struct sigevent ev;
	struct _clockperiod cp;
	struct _pulse p;
	int figures = 0;
	ClockPeriod_r(CLOCK_MONOTONIC, NULL, &cp, 0);
	tick_ns = cp.nsec;
	chid = ChannelCreate_r(0);
	coid = ConnectAttach_r(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
	SIGEV_PULSE_INT_INIT(&ev, coid, 100, 1, 0);
	int id = TimerCreate_r(CLOCK_MONOTONIC, &ev);

	start_spinner(arg > 0 ? arg : 1);
	qs_printf("bench timer_pulse_latency_local %lu insns\n", pulse_latency(id));
	figures++;
	uint64_t t, ns = 1000000000;
	struct _itimer arm = { 1000000000, 0 }, off = { 0, 0 };
	qs_printf("bench clock_time %lu insns\n", COST(1000, ClockTime_r(CLOCK_MONOTONIC, NULL, &t)));
	qs_printf("bench timer_settime_arm_disarm %lu insns\n",
		  COST(500, (TimerSettime_r(id, 0, &arm, NULL), TimerSettime_r(id, 0, &off, NULL))));
	qs_printf("bench timertimeout_immediate_receive %lu insns\n",
		  COST(500, (TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, NULL, NULL, NULL),
			     MsgReceive_r(chid, &p, sizeof p, NULL))));
	/* What an armed (unused) timeout adds to a receive that does not block. */
	unsigned long plain = COST(500, (MsgSendPulse_r(coid, 10, 3, 0),
					 MsgReceive_r(chid, &p, sizeof p, NULL)));
	unsigned long timed = COST(500, (MsgSendPulse_r(coid, 10, 3, 0),
					 TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, NULL, &ns, NULL),
					 MsgReceive_r(chid, &p, sizeof p, NULL)));
	qs_printf("bench timertimeout_overhead %lu insns\n", timed > plain ? timed - plain : 0);
	figures += 4;
	stop_spin = 1;
	TimerDestroy_r(id);
	return figures;
}
