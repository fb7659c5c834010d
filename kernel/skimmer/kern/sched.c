/*
 * Scheduling calls for user threads: SchedGet, SchedSet, SchedYield, SchedInfo, and the
 * runmask commands of ThreadCtl.
 *
 * Design. A thread's policy (td_policy) and base priority (td_basepri) are written
 * under its process's p_lock, so SchedGet reads a consistent pair. The priority it
 * runs at (td_pri) belongs to its hart's scheduler: SchedSet changes it there (at once
 * for the caller itself, else through the IPIQ), and keeps an inherited priority
 * (message, mutex or pulse inheritance) that is above the new base, so that the boost
 * ends where it would have: at the thread's next MsgReceive, which drops it to the new
 * base. Policies: SCHED_FIFO runs until it blocks, yields or is preempted (lwkt_tick
 * never rotates it); SCHED_RR and SCHED_OTHER rotate among equal priority at the end of
 * their slice (CONFIG_TIMESLICE_TICKS).
 *
 * Runmasks. td_runmask says where a thread may run and td_inherit_mask what the threads
 * it creates start with (both its own: only it writes them). A thread whose new runmask
 * leaves out its hart moves itself to the lowest hart in the mask (lwkt_setcpu_self);
 * setting another thread's runmask is not supported (ThreadCtl acts on the caller).
 */
#include <skimmer/proc.h>
#include <skimmer/thread2.h>
#include <skimmer/errno.h>
#include <skimmer/usercopy.h>
#include <skimmer/ipiq.h>
#include <sys/neutrino.h>

uint32_t sched_online_mask(void)
{
	return ncpus >= 32 ? ~0U : (1U << ncpus) - 1;
}

int sched_place(struct thread *creator, int want, uint32_t *mask)
{
	uint32_t m = creator->td_inherit_mask & sched_online_mask();
	*mask = creator->td_inherit_mask;
	if (m == 0)		/* a kernel thread's: anywhere */
		m = sched_online_mask(), *mask = ~0U;
	for (int i = 0; i < ncpus; i++) {
		int c = (want + i) % ncpus;
		if (m & (1U << c))
			return c;
	}
	return want;	/* not reached: m names an online hart */
}

/* --- Finding the thread a call names -------------------------------------------------------- */

struct target {
	struct proc *t_p;
	struct thread *t_td;
	bool t_other;			/* another process: proc_lock is held too */
	unsigned long t_s, t_ps;	/* saved interrupt state of p_lock, proc_lock */
};

/* Thread tid of process pid (0: ours; tid 0: the caller, or thread 1 of another
 * process). On success (0) p_lock is held, and proc_lock too for another process, and
 * the thread cannot end until target_done. Else ESRCH, nothing held. */
static int target_get(uint32_t pid, int tid, struct target *t)
{
	struct thread *self = curthread();
	t->t_p = self->td_proc;
	t->t_other = pid != 0 && pid != t->t_p->p_pid;
	if (t->t_other) {
		t->t_ps = spin_lock_irqsave(&proc_lock);
		if ((t->t_p = proc_find(pid)) == NULL) {
			spin_unlock_irqrestore(&proc_lock, t->t_ps);
			return ESRCH;
		}
	}
	if (tid == 0)
		tid = t->t_other ? 1 : self->td_tid;
	t->t_s = spin_lock_irqsave(&t->t_p->p_lock);
	struct list *it;
	list_foreach(it, &t->t_p->p_threads) {
		struct thread *td = list_entry(it, struct thread, td_plink);
		if (td->td_tid == tid) {
			t->t_td = td;
			return 0;
		}
	}
	spin_unlock_irqrestore(&t->t_p->p_lock, t->t_s);
	if (t->t_other)
		spin_unlock_irqrestore(&proc_lock, t->t_ps);
	return ESRCH;
}

static void target_done(struct target *t)
{
	spin_unlock_irqrestore(&t->t_p->p_lock, t->t_s);
	if (t->t_other)
		spin_unlock_irqrestore(&proc_lock, t->t_ps);
}

/* --- SchedGet / SchedSet / SchedYield ---------------------------------------------------------- */

/*
 * SchedGet(pid, tid, param): the policy of thread tid of process pid (0: ours; tid 0:
 * the caller), as the return value; param->sched_priority gets its base priority and
 * sched_curpriority the one it runs at now. Errors: ESRCH no such process or thread;
 * EFAULT param not writable.
 */
long kcall_sched_get(const uint64_t *a)
{
	struct target t;
	struct sched_param sp = { 0 };
	if (a[2] == 0)
		return -EFAULT;
	int err = target_get((uint32_t)a[0], (int)a[1], &t);
	if (err)
		return -err;
	int policy = t.t_td->td_policy ? t.t_td->td_policy : SCHED_RR;
	sp.sched_priority = t.t_td->td_basepri;
	sp.sched_curpriority = __atomic_load_n(&t.t_td->td_pri, __ATOMIC_RELAXED);
	target_done(&t);
	if (copyout(a[2], &sp, sizeof sp))
		return -EFAULT;
	return policy;
}

/* On td's hart, interrupts off: its base priority went from old to pri. It runs at pri
 * now unless it runs above both (an inherited priority: kept until it drops; a mutex
 * boost, td_mtxpri, is kept by lwkt_setpri_local either way). */
static void setpri_apply_local(struct thread *td, int old, int pri)
{
	if (td->td_msgpri == old || td->td_msgpri < pri)
		lwkt_setpri_local(td, pri);	/* the message level: a mutex boost stays */
}

static void setpri_remote(void *a, void *b);

/* On the hart td was on when SchedSet looked (interrupts off): apply the change here,
 * or follow td to the hart it has moved to. td may have ended: found by id first. */
static void setpri_local(struct thread *td, uintptr_t v)
{
	uint32_t id = (uint32_t)(v >> 16);
	if (!lwkt_thread_alive(td, id))
		return;
	struct globaldata *tgd = __atomic_load_n(&td->td_gd, __ATOMIC_ACQUIRE);
	if (tgd != mycpu())
		ipiq_send(tgd, setpri_remote, td, (void *)v);
	else
		setpri_apply_local(td, (int)((v >> 8) & 0xff), (int)(v & 0xff));
}

static void setpri_remote(void *a, void *b)
{
	setpri_local(a, (uintptr_t)b);
}

/*
 * SchedSet(pid, tid, policy, param): thread tid of process pid (0: ours; tid 0: the
 * caller) gets policy (SCHED_NOCHANGE: keeps its own) and base priority
 * param->sched_priority (1..255). It runs at the new priority at once unless it
 * inherits a higher one, which it keeps until that ends. Errors: EINVAL bad policy or
 * priority; EFAULT param unreadable; ESRCH no such process or thread.
 */
long kcall_sched_set(const uint64_t *a)
{
	int policy = (int)a[2];
	struct sched_param sp;
	if (policy != SCHED_NOCHANGE && policy != SCHED_FIFO && policy != SCHED_RR &&
	    policy != SCHED_OTHER)
		return -EINVAL;
	if (a[3] == 0 || copyin(&sp, a[3], sizeof sp))
		return -EFAULT;
	int pri = sp.sched_priority;
	if (pri < _NTO_PRIO_MIN || pri > _NTO_PRIO_MAX)
		return -EINVAL;

	struct target t;
	int err = target_get((uint32_t)a[0], (int)a[1], &t);
	if (err)
		return -err;
	struct thread *td = t.t_td;
	int old = td->td_basepri;
	td->td_basepri = pri;
	if (policy != SCHED_NOCHANGE)
		__atomic_store_n(&td->td_policy, policy, __ATOMIC_RELAXED);
	uint32_t id = td->td_id;
	struct globaldata *tgd = __atomic_load_n(&td->td_gd, __ATOMIC_ACQUIRE);
	target_done(&t);

	uintptr_t v = ((uintptr_t)id << 16) | ((uintptr_t)old << 8) | (uintptr_t)pri;
	unsigned long s = local_irq_save();
	if (td == curthread())
		setpri_apply_local(td, old, pri);
	else if (tgd == mycpu())
		setpri_local(td, v);
	else
		ipiq_send(tgd, setpri_remote, td, (void *)v);
	local_irq_restore(s);
	lwkt_preempt_check();		/* we may have lowered ourselves, or raised another */
	return 0;
}

/* SchedYield(): the caller goes behind the other ready threads of its priority on its
 * hart (whatever its policy), and runs again when they have had their turn. */
long kcall_sched_yield(const uint64_t *a)
{
	lwkt_yield();
	return 0;
}

/*
 * SchedInfo(pid, policy, info): the priorities policy allows (1..255 for every policy:
 * no privilege is needed yet) and its time slice in ns (0 for FIFO, which has none).
 * pid 0 is ours; the answer is the same for every process. Errors: EINVAL bad policy;
 * ESRCH no such process; EFAULT info not writable.
 */
long kcall_sched_info(const uint64_t *a)
{
	uint32_t pid = (uint32_t)a[0];
	int policy = (int)a[1];
	struct _sched_info si = { 0 };
	if (policy != SCHED_FIFO && policy != SCHED_RR && policy != SCHED_OTHER)
		return -EINVAL;
	if (pid != 0) {
		unsigned long s = spin_lock_irqsave(&proc_lock);
		bool exists = proc_find(pid) != NULL;
		spin_unlock_irqrestore(&proc_lock, s);
		if (!exists)
			return -ESRCH;
	}
	si.priority_min = _NTO_PRIO_MIN;
	si.priority_max = _NTO_PRIO_MAX;
	si.priority_priv = _NTO_PRIO_MAX;
	si.interval = policy == SCHED_FIFO ? 0 :
		      (uint64_t)CONFIG_TIMESLICE_TICKS * (1000000000ULL / CONFIG_HZ);
	if (a[2] == 0 || copyout(a[2], &si, sizeof si))
		return -EFAULT;
	return 0;
}

/* --- Runmasks ----------------------------------------------------------------------------- */

/* The caller's masks become run and inherit; it moves if its hart is not in run. */
static long runmask_set(uint32_t run, uint32_t inherit)
{
	struct thread *td = curthread();
	uint32_t on = sched_online_mask();
	if (!(run & on) || !(inherit & on))
		return -EINVAL;
	td->td_runmask = run;
	td->td_inherit_mask = inherit;
	int cpu = mycpu()->gd_cpuid;
	if (run & (1U << cpu))
		return 0;
	int target = __builtin_ctz(run & on);
	/* Nothing after this may use a globaldata read before it: we return on target. */
	return lwkt_setcpu_self(globaldata_find(target)) ? 0 : -EINTR;
}

/*
 * ThreadCtl's scheduling commands, for the calling thread:
 *  _NTO_TCTL_RUNMASK (data: the mask): runmask and inherit mask both become it;
 *  _NTO_TCTL_RUNMASK_GET_AND_SET (data: unsigned *): the runmask becomes *data unless
 *   that is 0, and *data gets the old one;
 *  _NTO_TCTL_RUNMASK_GET_AND_SET_INHERIT (data: struct _thread_runmask *): the same for
 *   both masks;
 *  _NTO_TCTL_QSOE_HART: returns the hart the caller runs on.
 * A mask must name an online hart (EINVAL). Returns 0 (or the hart); EFAULT bad data;
 * EINTR the caller is being killed (it has not moved).
 */
long sched_thread_ctl(int cmd, uint64_t data)
{
	struct thread *td = curthread();
	switch (cmd) {
	case _NTO_TCTL_RUNMASK:
		return runmask_set((uint32_t)data, (uint32_t)data);
	case _NTO_TCTL_RUNMASK_GET_AND_SET: {
		unsigned m, old = td->td_runmask;
		if (copyin(&m, data, sizeof m))
			return -EFAULT;
		if (m != 0 && !(m & sched_online_mask()))
			return -EINVAL;
		if (copyout(data, &old, sizeof old))
			return -EFAULT;
		return m ? runmask_set(m, td->td_inherit_mask) : 0;
	}
	case _NTO_TCTL_RUNMASK_GET_AND_SET_INHERIT: {
		struct _thread_runmask rm, old = { td->td_runmask, td->td_inherit_mask };
		uint32_t on = sched_online_mask();
		if (copyin(&rm, data, sizeof rm))
			return -EFAULT;
		if ((rm.runmask && !(rm.runmask & on)) || (rm.inherit_mask && !(rm.inherit_mask & on)))
			return -EINVAL;
		if (copyout(data, &old, sizeof old))
			return -EFAULT;
		return runmask_set(rm.runmask ? rm.runmask : old.runmask,
				   rm.inherit_mask ? rm.inherit_mask : old.inherit_mask);
	}
	case _NTO_TCTL_QSOE_HART:
		return mycpu()->gd_cpuid;
	default:
		return -EINVAL;
	}
}
