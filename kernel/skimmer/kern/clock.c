/*
 * Clock kernel calls: ClockTime, ClockPeriod and ClockNanosleep, and the kernel's sleep
 * until a deadline (STATE_NANOSLEEP, a twait that a signal or an armed TimerTimeout can
 * end early).
 */
#include <skimmer/ktimer.h>
#include <skimmer/timeout.h>
#include <skimmer/wait.h>
#include <skimmer/usercopy.h>
#include <skimmer/errno.h>
#include <sys/neutrino.h>

/* ClockTime(id, new, old): old gets the time before new (if any) is set. Only
 * CLOCK_REALTIME can be set: CLOCK_MONOTONIC with new is EINVAL. */
long kcall_clock_time(const uint64_t *a)
{
	int id = (int)a[0];
	uint64_t unew = a[1], uold = a[2], nv = 0;
	if (!clock_valid(id) || (unew && id == CLOCK_MONOTONIC))
		return -EINVAL;
	if (unew && copyin(&nv, unew, sizeof nv))
		return -EFAULT;
	if (uold && !user_range_ok(uold, sizeof(uint64_t)))
		return -EFAULT;
	uint64_t now = clock_now_ns(id);
	if (unew)
		clock_set_realtime(nv);
	if (uold && copyout(uold, &now, sizeof now))
		return -EFAULT;
	return 0;
}

/* ClockPeriod(id, new, old, reserved): the clocks' resolution is one timebase tick
 * (100 ns on QEMU virt), which is also what kernel timers resolve: old gets it
 * (fract in femtoseconds). It is the hardware's, so setting it is refused: ENOTSUP. */
long kcall_clock_period(const uint64_t *a)
{
	int id = (int)a[0];
	uint64_t unew = a[1], uold = a[2];
	if (!clock_valid(id))
		return -EINVAL;
	if (unew)
		return -ENOTSUP;
	if (uold) {
		struct _clockperiod cp = {
			.nsec = (uint32_t)(1000000000u / timebase_hz),
			.fract = (int32_t)((1000000000u % timebase_hz) * 1000000u / timebase_hz),
		};
		if (copyout(uold, &cp, sizeof cp))
			return -EFAULT;
	}
	return 0;
}

struct nsleep {
	struct twait ns_tw;
	struct ktimer ns_kt;
};

/* A signal or an armed timeout (thread_unblock): the sleeper's hart, interrupts off. */
static void nsleep_cancel(struct twait *tw, int err)
{
	if (!tw->tw_done)
		twait_wake(tw, -err);
}

/* The deadline (ktimer callback): the sleeper's hart, interrupts off. */
static void nsleep_expire(struct ktimer *kt)
{
	struct nsleep *n = container_of(kt, struct nsleep, ns_kt);
	if (!n->ns_tw.tw_done)
		twait_wake(&n->ns_tw, 0);
}

int clock_sleep_until(uint64_t deadline)
{
	struct nsleep n;
	struct thread *td = curthread();
	twait_init(&n.ns_tw, STATE_NANOSLEEP, nsleep_cancel, &n);
	ktimer_init(&n.ns_kt, nsleep_expire, td->td_gd->gd_cpuid);
	unsigned long s = local_irq_save();
	if (deadline != UINT64_MAX && deadline <= cpu_time()) {
		local_irq_restore(s);
		return 0;
	}
	int err = twait_prepare(&n.ns_tw);	/* a kill, a covering TimerTimeout */
	if (err) {
		local_irq_restore(s);
		return err;
	}
	if (deadline != UINT64_MAX)
		ktimer_arm(&n.ns_kt, deadline, 0);
	err = twait_block(&n.ns_tw, NULL, s);
	s = local_irq_save();
	ktimer_cancel(&n.ns_kt);	/* n's frame ends here: off every list */
	local_irq_restore(s);
	return err;
}

/* ClockNanosleep(id, flags, rqtp, rmtp) (QSOE): sleep for *rqtp ns, or until the
 * absolute time *rqtp on clock id with TIMER_ABSTIME. Returns 0, or EINTR when a signal
 * ends it early: then a relative sleep's remaining time goes to *rmtp. */
long kcall_clock_nanosleep(const uint64_t *a)
{
	int id = (int)a[0];
	uint32_t flags = (uint32_t)a[1];
	uint64_t urq = a[2], urm = a[3], ns;
	if (!clock_valid(id) || (flags & ~TIMER_ABSTIME))
		return -EINVAL;
	if (urq == 0 || copyin(&ns, urq, sizeof ns))
		return -EFAULT;
	if (urm && !user_range_ok(urm, sizeof(uint64_t)))
		return -EFAULT;
	bool abs = flags & TIMER_ABSTIME;
	uint64_t deadline = abs ? clock_abs_to_ticks(id, ns) : cpu_time() + ns_to_ticks(ns);
	int err = clock_sleep_until(deadline);
	if (err == -EINTR && urm && !abs) {
		uint64_t now = cpu_time();
		uint64_t left = deadline > now ? ticks_to_ns(deadline - now) : 0;
		if (copyout(urm, &left, sizeof left))
			return -EFAULT;
	}
	return err;
}
