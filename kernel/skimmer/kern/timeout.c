/*
 * TimerTimeout: a timeout for the caller's next kernel call (skimmer/timeout.h has the
 * rules and the hooks blocking points call).
 *
 * A thread's timeout state (struct tmo) is allocated by its first TimerTimeout and
 * lives until the thread is reaped. It is touched only on the thread's hart with
 * interrupts off: by the thread itself (arming, the blocking points, the kernel-call
 * return), by the expiry callback (ktimer work, same hart) and by the reaper. The one
 * exception is a server moving a client into REPLY (tmo_reply, any hart), which only
 * reads fields the client set before its call began.
 *
 * Armed means TDF_TMO on the thread and one count in its hart's gd_tmo_armed. The count
 * sends every kernel-call return on that hart to trap_kcall_resched (trap.S tests it
 * with gd_ast in one load, so harts without timeouts pay nothing), where
 * tmo_kcall_return clears the timeout of a thread returning from any call but the
 * TimerTimeout that armed it.
 */
#include <skimmer/timeout.h>
#include <skimmer/ktimer.h>
#include <skimmer/wait.h>
#include <skimmer/event.h>
#include <skimmer/channel.h>
#include <skimmer/usercopy.h>
#include <skimmer/kmem.h>
#include <skimmer/errno.h>
#include <sys/neutrino.h>

struct tmo {
	struct ktimer to_kt;		/* on the thread's hart */
	struct thread *to_td;
	uint32_t to_flags;		/* _NTO_TIMEOUT_* states covered while armed */
	bool to_started;		/* to_kt was armed for the current call */
	bool to_keep;			/* survive one return: the arming TimerTimeout's own */
	uint64_t to_deadline;		/* timebase */
	struct sigevent to_ev;		/* SIGEV_UNBLOCK, or an event that passed event_check */
};

#define TMO_STATES (_NTO_TIMEOUT_SEND | _NTO_TIMEOUT_RECEIVE | _NTO_TIMEOUT_REPLY | \
		    _NTO_TIMEOUT_SIGSUSPEND | _NTO_TIMEOUT_SIGWAITINFO | \
		    _NTO_TIMEOUT_NANOSLEEP | _NTO_TIMEOUT_MUTEX | _NTO_TIMEOUT_CONDVAR | \
		    _NTO_TIMEOUT_JOIN | _NTO_TIMEOUT_INTR | _NTO_TIMEOUT_SEM)

static uint32_t state_bit(int state)
{
	return state >= 0 && state < 32 ? 1u << state : 0;
}

/* The states td's call may block in from now on that the timeout applies to: the
 * covered states, and SEND when REPLY is covered (SEND leads to REPLY). */
static uint32_t reach(const struct tmo *to)
{
	uint32_t f = to->to_flags;
	return (f & _NTO_TIMEOUT_REPLY) ? f | _NTO_TIMEOUT_SEND : f;
}

/*
 * Expiry: the thread's hart, work thread, interrupts off, a critical section. The
 * thread may have finished the wait meanwhile (it is then not blocked in a covered
 * state, and nothing happens), or be anywhere in its call.
 */
static void tmo_expire(struct ktimer *kt)
{
	struct tmo *to = container_of(kt, struct tmo, to_kt);
	struct thread *td = to->to_td;
	if (!(td->td_flags & TDF_TMO))
		return;
	if (to->to_ev.sigev_notify != SIGEV_UNBLOCK) {
		if (state_bit(thread_state(td)) & reach(to))
			event_deliver(td->td_proc->p_pid, td, &to->to_ev);
		return;
	}
	if (td->td_ipc) {
		msg_timeout(td, to->to_flags);
		return;
	}
	struct twait *tw = td->td_wait;
	if (tw && !tw->tw_done && (state_bit(tw->tw_state) & to->to_flags))
		tw->tw_cancel(tw, ETIMEDOUT);
}

/* td's hart, interrupts off. */
static void tmo_disarm(struct thread *td)
{
	if (!(td->td_flags & TDF_TMO))
		return;
	struct tmo *to = td->td_tmo;
	ktimer_cancel(&to->to_kt);
	to->to_started = false;
	to->to_flags = 0;
	td->td_flags &= ~TDF_TMO;
	td->td_gd->gd_tmo_armed--;
}

/* Start the timeout's timer for this call, once. td's hart, interrupts off. */
static void tmo_start(struct tmo *to)
{
	if (!to->to_started) {
		to->to_started = true;
		ktimer_arm(&to->to_kt, to->to_deadline, 0);
	}
}

int tmo_block_slow(struct thread *td, int state, uint32_t later)
{
	KASSERT(td == curthread() && !local_irq_enabled(), "tmo_block context");
	struct tmo *to = td->td_tmo;
	uint32_t bit = state_bit(state);
	if (!(to->to_flags & (bit | later)))
		return 0;
	if ((to->to_flags & bit) && to->to_ev.sigev_notify == SIGEV_UNBLOCK &&
	    cpu_time() >= to->to_deadline)
		return -ETIMEDOUT;
	tmo_start(to);
	return 0;
}

int tmo_reply_slow(struct thread *td, struct channel *ch)
{
	struct tmo *to = td->td_tmo;
	if (!(to->to_flags & _NTO_TIMEOUT_REPLY))
		return 0;
	if (td == curthread())
		tmo_start(to);		/* the client itself found a receiver */
	/* Else it is SEND-blocked, and its timer runs since it queued (tmo_block). */
	if (to->to_ev.sigev_notify != SIGEV_UNBLOCK || cpu_time() < to->to_deadline)
		return 0;
	return (ch->ch_flags & _NTO_CHF_UNBLOCK) ? 1 : -ETIMEDOUT;
}

void tmo_kcall_return(void)
{
	struct thread *td = curthread();
	if (!(td->td_flags & TDF_TMO))
		return;
	if (td->td_tmo->to_keep) {
		td->td_tmo->to_keep = false;
		return;
	}
	tmo_disarm(td);
}

void tmo_thread_reaped(struct thread *td)
{
	if (td->td_tmo == NULL)
		return;
	tmo_disarm(td);
	kfree(td->td_tmo);
	td->td_tmo = NULL;
}

/* Time left to the deadline, in ns (0 once it has passed). */
static uint64_t tmo_left(const struct tmo *to)
{
	uint64_t now = cpu_time();
	return to->to_deadline > now ? ticks_to_ns(to->to_deadline - now) : 0;
}

/*
 * TimerTimeout(clockid, flags, event, ntime, otime). flags: _NTO_TIMEOUT_* states (0
 * clears an armed timeout), optionally TIMER_ABSTIME. event NULL means SIGEV_UNBLOCK.
 * ntime NULL, or a relative 0, times out at once. _NTO_TIMEOUT_NANOSLEEP blocks at once
 * in STATE_NANOSLEEP until the timeout (ETIMEDOUT) or a signal (EINTR; only with
 * SIGEV_UNBLOCK). otime gets the time that was left: of the sleep, or of a timeout
 * armed before this call. Returns the previous timeout's flags (0: none).
 */
long kcall_timer_timeout(const uint64_t *a)
{
	int id = (int)a[0];
	uint32_t flags = (uint32_t)a[1];
	uint64_t uev = a[2], untime = a[3], uotime = a[4], ntime = 0;
	struct sigevent ev;
	struct thread *td = curthread();
	if (!clock_valid(id) || (flags & ~(TMO_STATES | TIMER_ABSTIME)))
		return -EINVAL;
	if (uev) {
		if (copyin(&ev, uev, sizeof ev))
			return -EFAULT;
		if (ev.sigev_notify != SIGEV_UNBLOCK && event_check(&ev))
			return -EINVAL;
	} else {
		memset(&ev, 0, sizeof ev);
		SIGEV_UNBLOCK_INIT(&ev);
	}
	if (untime && copyin(&ntime, untime, sizeof ntime))
		return -EFAULT;
	if (uotime && !user_range_ok(uotime, sizeof(uint64_t)))
		return -EFAULT;
	if ((flags & _NTO_TIMEOUT_NANOSLEEP) && ev.sigev_notify != SIGEV_UNBLOCK)
		return -EINVAL;
	if (td->td_tmo == NULL) {
		struct tmo *to = kmalloc(sizeof *to);
		if (to == NULL)
			return -EAGAIN;
		memset(to, 0, sizeof *to);
		ktimer_init(&to->to_kt, tmo_expire, td->td_gd->gd_cpuid);
		to->to_td = td;
		td->td_tmo = to;
	}
	struct tmo *to = td->td_tmo;
	uint64_t deadline = untime == 0 ? 0 :
			    (flags & TIMER_ABSTIME) ? clock_abs_to_ticks(id, ntime) :
			    cpu_time() + ns_to_ticks(ntime);

	unsigned long s = local_irq_save();
	long ret = (td->td_flags & TDF_TMO) ? (long)to->to_flags : 0;
	uint64_t left = ret ? tmo_left(to) : 0;
	tmo_disarm(td);
	if (flags & TMO_STATES) {
		to->to_flags = flags & TMO_STATES;
		to->to_deadline = deadline;
		to->to_ev = ev;
		to->to_started = false;
		to->to_keep = !(flags & _NTO_TIMEOUT_NANOSLEEP);	/* for the next call */
		td->td_flags |= TDF_TMO;
		td->td_gd->gd_tmo_armed++;
	}
	local_irq_restore(s);

	if (flags & _NTO_TIMEOUT_NANOSLEEP) {
		ret = clock_sleep_until(UINT64_MAX);	/* ended by the timeout, or a signal */
		s = local_irq_save();
		left = tmo_left(to);
		local_irq_restore(s);
	}
	if (uotime && copyout(uotime, &left, sizeof left))
		return -EFAULT;
	return ret;
}
