/*
 * Process timers: TimerCreate, TimerSettime, TimerInfo, TimerDestroy.
 *
 * A timer belongs to its process (ids in p_timers, with generations, so a destroyed
 * timer's id fails EINVAL) and lives on the hart of the thread that created it: its
 * ktimer and every field marked "hart" below are touched only there, with interrupts
 * off, by the calls (through ktimer_run_on from other harts) and by the expiry
 * callback, which delivers the timer's event (event_deliver) from the hart's work
 * thread. No lock is held across any of it, so a call never waits for a hart that
 * waits for it.
 *
 * Lifetime: pt_refs counts the id table's reference and each call in progress. Destroy
 * (the call, or the process's end) removes the id, then marks the timer dead and
 * cancels it on its hart: a call that looked it up before then finds it dead there and
 * fails EINVAL, and the callback, which runs only for an armed timer, cannot run again.
 * The last reference frees it.
 */
#include <skimmer/ptimer.h>
#include <skimmer/ktimer.h>
#include <skimmer/thread2.h>
#include <skimmer/event.h>
#include <skimmer/usercopy.h>
#include <skimmer/kmem.h>
#include <skimmer/errno.h>
#include <sys/neutrino.h>

#define TIMER_MAX          64		/* ids per process (63 timers: index 0 is unused) */
#define TIMER_MIN_INTERVAL 100000	/* ns: shorter periods are raised to this */

struct ptimer {
	struct ktimer pt_kt;		/* hart */
	struct sigevent pt_ev;		/* fixed at TimerCreate */
	uint32_t pt_pid;
	int pt_clock;
	int pt_tid;			/* the creating thread */
	int pt_refs;			/* atomic */
	bool pt_dead;			/* hart: destroyed */
	bool pt_abs;			/* hart: armed with TIMER_ABSTIME */
	bool pt_expired;		/* hart: fired since last armed */
};

static int ptimers_live;		/* atomic: for the tests' leak check */

static void pt_unref(struct ptimer *pt)
{
	if (__atomic_sub_fetch(&pt->pt_refs, 1, __ATOMIC_ACQ_REL) == 0) {
		kfree(pt);
		__atomic_fetch_sub(&ptimers_live, 1, __ATOMIC_RELAXED);
	}
}

static bool pt_hold(void *obj)		/* idtable_lookup_if's take */
{
	__atomic_fetch_add(&((struct ptimer *)obj)->pt_refs, 1, __ATOMIC_RELAXED);
	return true;
}

/* Expiry: the timer's hart, work thread, interrupts off, critical section. A periodic
 * timer has been put back for its next period already. */
static void pt_expire(struct ktimer *kt)
{
	struct ptimer *pt = container_of(kt, struct ptimer, pt_kt);
	pt->pt_expired = true;
	event_deliver(pt->pt_pid, NULL, &pt->pt_ev);
}

void timer_proc_init(struct proc *p)
{
	idtable_init(&p->p_timers, TIMER_MAX);
}

int timer_live_count(void)
{
	return __atomic_load_n(&ptimers_live, __ATOMIC_RELAXED);
}

/* TimerCreate(clockid, event): event NULL means SIGEV_SIGNAL SIGALRM, as POSIX says
 * (EINVAL until signals exist, like any event event_check refuses). */
long kcall_timer_create(const uint64_t *a)
{
	int id = (int)a[0];
	struct sigevent ev;
	if (!clock_valid(id))
		return -EINVAL;
	if (a[1]) {
		if (copyin(&ev, a[1], sizeof ev))
			return -EFAULT;
	} else {
		memset(&ev, 0, sizeof ev);
		SIGEV_SIGNAL_INIT(&ev, 14);	/* SIGALRM */
	}
	if (event_check(&ev))
		return -EINVAL;
	struct thread *td = curthread();
	struct ptimer *pt = kmalloc(sizeof *pt);
	if (pt == NULL)
		return -EAGAIN;
	memset(pt, 0, sizeof *pt);
	ktimer_init(&pt->pt_kt, pt_expire, td->td_gd->gd_cpuid);
	pt->pt_ev = ev;
	pt->pt_pid = td->td_proc->p_pid;
	pt->pt_clock = id;
	pt->pt_tid = td->td_tid;
	pt->pt_refs = 1;
	int tid = idtable_alloc(&td->td_proc->p_timers, pt, 1);
	if (tid < 0) {
		kfree(pt);
		return -EAGAIN;
	}
	__atomic_fetch_add(&ptimers_live, 1, __ATOMIC_RELAXED);
	return tid;
}

/* The caller's timer `id`, held; NULL if there is none. */
static struct ptimer *pt_lookup(int id)
{
	return idtable_lookup_if(&curproc()->p_timers, id, pt_hold);
}

/* Destroy, on the timer's hart. */
static void pt_kill_local(void *arg)
{
	struct ptimer *pt = arg;
	pt->pt_dead = true;
	ktimer_cancel(&pt->pt_kt);
}

static void pt_destroy(struct ptimer *pt)
{
	ktimer_run_on(pt->pt_kt.kt_cpu, pt_kill_local, pt);
	pt_unref(pt);		/* the id table's reference */
}

long kcall_timer_destroy(const uint64_t *a)
{
	struct ptimer *pt = idtable_remove(&curproc()->p_timers, (int)a[0]);
	if (pt == NULL)
		return -EINVAL;
	pt_destroy(pt);
	return 0;
}

static void drain_timer(void *obj, int id, void *arg)
{
	pt_destroy(obj);
}

void timer_proc_exit(struct proc *p)
{
	idtable_drain(&p->p_timers, drain_timer, NULL);
	idtable_fini(&p->p_timers);
}

/* A TimerSettime or TimerInfo, carried to the timer's hart. */
struct pt_op {
	struct ptimer *op_pt;
	bool op_set;			/* settime: arm with these (nsec 0: disarm) */
	bool op_abs;
	bool op_reset_overruns;		/* info: _NTO_TIMER_RESET_OVERRUNS */
	uint64_t op_deadline, op_interval;	/* timebase */
	/* out */
	int op_err;
	uint64_t op_left, op_old_interval;	/* ns */
	uint64_t op_deadline_ns;		/* absolute, monotonic ns (0: disarmed) */
	uint32_t op_overruns;
	bool op_armed, op_was_abs, op_expired;
};

static void pt_op_local(void *arg)
{
	struct pt_op *op = arg;
	struct ptimer *pt = op->op_pt;
	struct ktimer *kt = &pt->pt_kt;
	if (pt->pt_dead) {
		op->op_err = EINVAL;
		return;
	}
	uint64_t now = cpu_time();
	op->op_armed = kt->kt_state != KT_IDLE;
	op->op_left = op->op_armed && kt->kt_deadline > now ? ticks_to_ns(kt->kt_deadline - now) : 0;
	if (op->op_armed && op->op_left == 0)
		op->op_left = 1;	/* due now: still armed, never "0 = disarmed" */
	op->op_old_interval = op->op_armed ? ticks_to_ns(kt->kt_interval) : 0;
	op->op_deadline_ns = op->op_armed ? ticks_to_ns(kt->kt_deadline) : 0;
	op->op_overruns = kt->kt_overruns;
	op->op_was_abs = pt->pt_abs;
	op->op_expired = pt->pt_expired;
	if (op->op_reset_overruns)
		kt->kt_overruns = 0;
	if (!op->op_set)
		return;
	ktimer_cancel(kt);
	kt->kt_overruns = 0;
	pt->pt_expired = false;
	pt->pt_abs = op->op_abs;
	if (op->op_deadline)
		ktimer_arm(kt, op->op_deadline, op->op_interval);
}

/* TimerSettime(id, flags, itime, oitime): arm for itime->nsec (relative, or absolute on
 * the timer's clock with TIMER_ABSTIME), then every itime->interval_nsec (0: once);
 * nsec 0 disarms. oitime gets what was left of the previous setting. */
long kcall_timer_settime(const uint64_t *a)
{
	uint32_t flags = (uint32_t)a[1];
	struct _itimer it, old;
	if (flags & ~TIMER_ABSTIME)
		return -EINVAL;
	if (a[2] == 0 || copyin(&it, a[2], sizeof it))
		return -EFAULT;
	if (a[3] && !user_range_ok(a[3], sizeof old))
		return -EFAULT;
	struct ptimer *pt = pt_lookup((int)a[0]);
	if (pt == NULL)
		return -EINVAL;
	struct pt_op op = { .op_pt = pt, .op_set = true, .op_abs = flags & TIMER_ABSTIME };
	if (it.nsec) {
		uint64_t iv = it.interval_nsec;
		if (iv && iv < TIMER_MIN_INTERVAL)
			iv = TIMER_MIN_INTERVAL;
		op.op_interval = ns_to_ticks(iv);
		op.op_deadline = op.op_abs ? clock_abs_to_ticks(pt->pt_clock, it.nsec)
					   : cpu_time() + ns_to_ticks(it.nsec);
		if (op.op_deadline == 0)
			op.op_deadline = 1;	/* long past, but armed */
	}
	ktimer_run_on(pt->pt_kt.kt_cpu, pt_op_local, &op);
	pt_unref(pt);
	if (op.op_err)
		return -op.op_err;
	old.nsec = op.op_left;
	old.interval_nsec = op.op_old_interval;
	if (a[3] && copyout(a[3], &old, sizeof old))
		return -EFAULT;
	return 0;
}

/* TimerInfo(pid, id, flags, info): pid 0 or the caller's own (ESRCH otherwise);
 * flags _NTO_TIMER_RESET_OVERRUNS. Returns id. */
long kcall_timer_info(const uint64_t *a)
{
	uint32_t pid = (uint32_t)a[0];
	int id = (int)a[1];
	uint32_t flags = (uint32_t)a[2];
	if (pid != 0 && pid != curproc()->p_pid)
		return -ESRCH;
	if (flags & ~_NTO_TIMER_RESET_OVERRUNS)
		return -EINVAL;
	if (a[3] == 0 || !user_range_ok(a[3], sizeof(struct _timer_info)))
		return -EFAULT;
	struct ptimer *pt = pt_lookup(id);
	if (pt == NULL)
		return -EINVAL;
	struct pt_op op = { .op_pt = pt, .op_reset_overruns = flags & _NTO_TIMER_RESET_OVERRUNS };
	ktimer_run_on(pt->pt_kt.kt_cpu, pt_op_local, &op);
	struct _timer_info ti;
	memset(&ti, 0, sizeof ti);
	if (op.op_armed) {
		uint64_t when = op.op_deadline_ns;
		if (pt->pt_clock == CLOCK_REALTIME)
			when += (uint64_t)clock_realtime_offset();
		ti.itime.nsec = when;
		ti.itime.interval_nsec = op.op_old_interval;
		ti.otime.nsec = op.op_left;
		ti.otime.interval_nsec = op.op_old_interval;
		ti.flags |= _NTO_TI_ACTIVE;
	}
	if (op.op_was_abs)
		ti.flags |= _NTO_TI_ABSOLUTE;
	if (op.op_expired)
		ti.flags |= _NTO_TI_EXPIRED;
	if (pt->pt_clock == CLOCK_REALTIME)
		ti.flags |= _NTO_TI_TOD_BASED;
	ti.tid = pt->pt_tid;
	ti.notify = pt->pt_ev.sigev_notify;
	ti.clockid = pt->pt_clock;
	ti.overruns = op.op_overruns;
	ti.event = pt->pt_ev;
	int err = op.op_err;
	pt_unref(pt);
	if (err)
		return -err;
	if (copyout(a[3], &ti, sizeof ti))
		return -EFAULT;
	return id;
}
