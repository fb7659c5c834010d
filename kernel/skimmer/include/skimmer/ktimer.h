/*
 * Kernel timers and clocks: per-hart queues of deadlines in timebase units (rdtime), the
 * clocks user space sees (CLOCK_MONOTONIC, CLOCK_REALTIME) in nanoseconds, and the
 * conversions between the two.
 *
 * A struct ktimer belongs to one hart (kt_cpu) for life, like a thread: it is armed,
 * cancelled and run only there, with interrupts off, so a hart's queue needs no lock.
 * Another hart acts on it through ktimer_run_on (an IPIQ call it waits for).
 *
 * Expiry: the hart's timer interrupt moves every due timer, in deadline order, from
 * the pending queue to the expired list and queues the hart's ktimer work item
 * (hartwork, wait.h). In the hart's work thread, that item runs each expired timer's
 * kt_func in deadline order, with interrupts off and inside a critical section, so
 * that whatever runs on the hart, a canceller included, sees a callback either not
 * started or finished. Callbacks may take object locks (the work thread is thread
 * context and holds none), must not block, and must not re-enable interrupts. A
 * periodic timer (kt_interval) is put back before its callback runs, at deadline +
 * interval (never now + interval, so it does not drift); periods that passed
 * meanwhile are counted in kt_overruns, not delivered one by one.
 *
 * The SBI timer is programmed for the earlier of the next scheduler tick and the
 * earliest pending deadline (arch timer.c).
 */
#ifndef SKIMMER_KTIMER_H
#define SKIMMER_KTIMER_H

#include <skimmer/types.h>
#include <skimmer/list.h>

/* kt_state */
#define KT_IDLE    0		/* on no list */
#define KT_PENDING 1		/* on its hart's pending queue, by deadline */
#define KT_EXPIRED 2		/* due, on its hart's expired list: kt_func runs soon */

struct ktimer {
	struct list kt_link;		/* these fields: kt_cpu's hart, interrupts off */
	uint64_t kt_deadline;		/* timebase units (rdtime) */
	uint64_t kt_interval;		/* 0: one-shot; else the reload period */
	uint32_t kt_overruns;		/* periods skipped by reloads (reset by the owner) */
	uint8_t kt_state;		/* KT_* */
	int kt_cpu;			/* the hart it lives on; never changes */
	void (*kt_func)(struct ktimer *kt);	/* see above: interrupts off, in a critical
						 * section, on kt_cpu's work thread */
};

void ktimer_init(struct ktimer *kt, void (*func)(struct ktimer *), int cpu);
/* (Re)arm kt for deadline (timebase), then every interval ticks (0: once). A deadline
 * already past expires at once (its callback runs from the work thread). kt's hart,
 * interrupts off. */
void ktimer_arm(struct ktimer *kt, uint64_t deadline, uint64_t interval);
/* Disarm kt. Returns true if it was pending or expired (its callback will not run for
 * that expiry). Afterwards kt is on no list and may be freed. kt's hart, interrupts off. */
bool ktimer_cancel(struct ktimer *kt);
/* Run fn(arg) on hart cpu with interrupts off, and wait for it (through an IPIQ if cpu
 * is another hart). Thread context, interrupts on, no spinlock held. fn must not block. */
void ktimer_run_on(int cpu, void (*fn)(void *), void *arg);

/* Boot: the timebase frequency (device tree) and the per-hart queues. */
void ktimer_boot(uint64_t timebase_hz);
/* The timer interrupt, interrupts off: expire what is due at `now`; returns the
 * earliest deadline still pending (UINT64_MAX: none). */
uint64_t ktimer_intr(uint64_t now);
/* arch timer.c: program this hart's SBI timer for min(next tick, deadline) if deadline
 * is earlier than what is programmed now. Interrupts off. */
void timer_program_earlier(uint64_t deadline);
void ktimer_dump(void);		/* quiescent points, or a test that found a hang */
uint64_t ktimer_pending_count(void);	/* armed timers on all harts (tests: leak check) */

/* --- Clocks ------------------------------------------------------------------------------- */
extern uint64_t timebase_hz;
uint64_t ticks_to_ns(uint64_t ticks);
uint64_t ns_to_ticks(uint64_t ns);	/* rounded up: a timer never fires early */
uint64_t clock_monotonic_ns(void);	/* since boot (rdtime 0) */
/* Absolute time on clock id (CLOCK_REALTIME / CLOCK_MONOTONIC, ns) as a timebase
 * deadline: a REALTIME time is taken at the clock's current offset (a later ClockTime
 * set does not move armed timers). A time before boot gives 0 (already past). */
uint64_t clock_abs_to_ticks(int id, uint64_t ns);
uint64_t clock_now_ns(int id);		/* current time of a valid clock id */
bool clock_valid(int id);
void clock_set_realtime(uint64_t ns);	/* CLOCK_REALTIME reads ns now */
int64_t clock_realtime_offset(void);	/* CLOCK_REALTIME - CLOCK_MONOTONIC, ns */

#endif
