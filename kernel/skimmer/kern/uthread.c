/*
 * User threads: ThreadCreate and ThreadDestroy, thread ids and stacks, the end of a
 * thread and of its process, and killing a process's threads.
 *
 * Design. A process's threads are on its p_threads (p_lock) from creation until they
 * call proc_thread_exit. The one that takes p_nlive to 0 ends the process: its
 * channels and connections go (channel_proc_exit), and the address space goes once
 * every thread has been reaped (p_nthreads, proc.c). Tids count up from 1 (the main
 * thread) and are never reused, so a stale tid never names a new thread. The n-th
 * thread of a process is placed n-1 harts after its main thread's, within the
 * creator's inherit mask (kern/sched.c), so a process's threads spread over the
 * harts; a thread changes hart only by asking for it (its runmask).
 *
 * Joining. Every thread has a join record (struct tjoin, on p_joins) from creation
 * (allocated before anything else is made, so its end never needs memory) until it
 * is joined, or it ends detached, or the process ends. A joinable thread that ends
 * leaves its record as a zombie holding its exit value; ThreadJoin takes the value and
 * frees the record, blocking first (STATE_JOIN, a twait on p_lock) if the thread has
 * not ended. One join at a time owns a record (tj_busy).
 *
 * Thread-local storage. Every thread starts with tp pointing at its own struct
 * _thread_local_storage (sys/neutrino.h), 128 bytes at the top of its stack, which
 * the kernel fills in (tid, pid, errno pointer, argument, exit function); its sp
 * starts just below. The kernel never reads the block again.
 *
 * Killing. A fault in one thread ends the whole process, and ThreadDestroy can end
 * another thread or all of them. A victim is marked TDF_KILLED on its own hart, in
 * thread context: a short-lived kernel thread there (kill_on_hart) runs at the top
 * priority, so the victim is not running at that moment. It ends the message call
 * the victim is blocked in, if any (thread_unblock: EINTR), and the victim ends itself
 * at its next return to user mode, which comes soon: it is now runnable, or running
 * user code that the next trap interrupts. A call that has not yet queued sees the
 * flag under its channel lock and does not block (msg.c, killed_locked). gd_ast
 * counts a hart's killed threads not yet reaped, so the return paths test one word
 * and only pay more while a kill is in progress; the reaper gives a thread's share
 * back, since a victim may be marked even while it is already on its way out. (No IPIQ handler does this work:
 * those must never take a channel lock, since the hart holding it may be spinning
 * on a full ring towards us.)
 */
#include <skimmer/proc.h>
#include <skimmer/thread2.h>
#include <skimmer/kmem.h>
#include <skimmer/errno.h>
#include <skimmer/usercopy.h>
#include <skimmer/channel.h>
#include <skimmer/ptimer.h>
#include <skimmer/wait.h>
#include <skimmer/intr.h>
#include <skimmer/signal.h>
#include <arch/frame.h>
#include <sys/neutrino.h>

#define UTHREAD_MIN_STACK       256	/* bytes: a caller-provided stack at least this big */


struct tjoin *uthread_record_alloc(void)
{
	return kmalloc(sizeof(struct tjoin));	/* zero-filled: joinable, running */
}

void uthread_proc_init(struct proc *p, struct thread *td, struct tjoin *tj)
{
	list_init(&p->p_joins);
	tj->tj_tid = 1;
	list_insert_tail(&p->p_joins, &tj->tj_link);
	p->p_njoins = 1;
	td->td_join = tj;
	td->td_policy = SCHED_RR;
	td->td_runmask = td->td_inherit_mask = sched_online_mask();
	list_init(&p->p_threads);
	list_insert_tail(&p->p_threads, &td->td_plink);
	sig_proc_init(p);
	sig_thread_init(td, 0);
	p->p_nlive = 1;
	p->p_next_tid = 2;
	p->p_stack_busy = p->p_stack_mapped = 1;	/* slot 0: the main thread's */
	p->p_killed = false;
	p->p_home_cpu = td->td_gd->gd_cpuid;
	p->p_vmlock = (struct spinlock)SPINLOCK_INIT("proc vm");
	td->td_tid = 1;
	td->td_stack_slot = 0;
}

/* --- Killing ------------------------------------------------------------------------------ */

struct kill_req {
	struct thread *kr_td;		/* maybe gone by the time we look: checked by id */
	uint32_t kr_id;
};

static int kill_thread(struct thread *td, uint32_t id, int cpu);

/* On the victim's hart, in a kernel thread of its own (see the design note). A victim
 * that has moved to another hart meanwhile (its runmask) is followed there. */
static void kill_on_hart(void *arg)
{
	struct kill_req k = *(struct kill_req *)arg;
	int moved = -1;
	unsigned long s = local_irq_save();
	if (lwkt_thread_alive(k.kr_td, k.kr_id) && !(k.kr_td->td_flags & TDF_KILLED)) {
		struct globaldata *tgd = __atomic_load_n(&k.kr_td->td_gd, __ATOMIC_ACQUIRE);
		if (tgd != mycpu()) {
			moved = tgd->gd_cpuid;
		} else {
			k.kr_td->td_flags |= TDF_KILLED;
			mycpu()->gd_ast++;
			thread_unblock(k.kr_td, EINTR, true);
		}
	}
	local_irq_restore(s);
	kfree(arg);
	if (moved >= 0 && kill_thread(k.kr_td, k.kr_id, moved))
		kprintf("skimmer: no memory to kill thread %u\n", k.kr_id);
}

/* Start killing thread (td, id), which lives on hart cpu. No spinlock held. Returns 0,
 * or ENOMEM when there is no memory for the kernel thread that does it. */
static int kill_thread(struct thread *td, uint32_t id, int cpu)
{
	struct kill_req *k = kmalloc(sizeof *k);
	if (k == NULL)
		return ENOMEM;
	k->kr_td = td;
	k->kr_id = id;
	if (lwkt_create(kill_on_hart, k, TDPRI_MAX, cpu, "kill") == NULL) {
		kfree(k);
		return ENOMEM;
	}
	return 0;
}

struct victim {
	struct thread *v_td;
	uint32_t v_id;
	int v_cpu;
};

/* Note td as a victim in *v unless a killer is already on its way to it (one per
 * victim, however often ThreadDestroy names it). p_lock held. */
static int victim_locked(struct thread *td, struct victim *v)
{
	if (td->td_kill_sent)
		return 0;
	td->td_kill_sent = true;
	*v = (struct victim){ td, td->td_id, td->td_gd->gd_cpuid };
	return 1;
}

/* Note every thread of p but the caller, for kill_all. p_lock held. */
static int victims_locked(struct proc *p, struct victim *v)
{
	int n = 0;
	struct list *it;
	list_foreach(it, &p->p_threads) {
		struct thread *td = list_entry(it, struct thread, td_plink);
		if (td != curthread() && n < UTHREAD_MAX)
			n += victim_locked(td, &v[n]);
	}
	return n;
}

static void kill_all(struct victim *v, int n)
{
	for (int i = 0; i < n; i++)
		if (kill_thread(v[i].v_td, v[i].v_id, v[i].v_cpu))
			kprintf("skimmer: no memory to kill thread %u\n", v[i].v_id);
}

void uthread_ast(void)
{
	struct thread *td = curthread();
	if (td->td_proc == NULL)
		return;
	if (td->td_flags & TDF_KILLED) {
		local_irq_enable();
		proc_thread_exit(PEXIT_NORMAL, 0);	/* the killer set the process's end */
	}
	if (td->td_flags & TDF_SIGNAL)
		sig_ast(user_frame(td));
}

void uthread_kill_process(struct proc *p, int how, long status, unsigned long ps)
{
	struct victim v[UTHREAD_MAX];
	int nv = 0;
	spin_lock(&p->p_lock);
	if (!p->p_killed && p->p_nlive > 0) {
		p->p_killed = true;
		p->p_how = how;
		p->p_status = status;
		nv = victims_locked(p, v);
	}
	spin_unlock(&p->p_lock);
	/* The killers start without proc_lock: an IPI towards a hart spinning on it with
	 * interrupts off could wait for ever. v holds only (thread, id, hart). */
	spin_unlock_irqrestore(&proc_lock, ps);
	kill_all(v, nv);
}

/* --- Join records ------------------------------------------------------------------------- */

static struct tjoin *tjoin_find_locked(struct proc *p, int tid)
{
	struct list *it;
	list_foreach(it, &p->p_joins) {
		struct tjoin *tj = list_entry(it, struct tjoin, tj_link);
		if (tj->tj_tid == tid)
			return tj;
	}
	return NULL;
}

/* The join record of thread tid if it may still be joined or detached (*tjp), or why
 * not: ESRCH no such thread, EINVAL detached (or joined), EBUSY being joined. p_lock
 * held. */
static int tjoin_joinable_locked(struct proc *p, int tid, struct tjoin **tjp)
{
	struct tjoin *tj = *tjp = tjoin_find_locked(p, tid);
	if (tj == NULL)
		return ESRCH;
	if (tj->tj_detached)
		return EINVAL;
	return tj->tj_busy ? EBUSY : 0;
}

/* Take tj off p_joins if nothing needs it any more (it has ended, nobody may join it,
 * and no join is using it); returns it for the caller to free after unlocking, or
 * NULL. p_lock held. */
static struct tjoin *tjoin_put_locked(struct proc *p, struct tjoin *tj)
{
	if (!tj->tj_ended || !tj->tj_detached || tj->tj_busy)
		return NULL;
	list_remove(&tj->tj_link);
	p->p_njoins--;
	return tj;
}

/* td's join record at its end, with exit value status. p_lock held. Returns a record
 * to free, or NULL. */
static struct tjoin *tjoin_end_locked(struct proc *p, struct tjoin *tj, uint64_t status)
{
	tj->tj_ended = true;
	if (!tj->tj_status_set)
		tj->tj_status = status;
	if (tj->tj_joiner) {
		twait_wake(tj->tj_joiner, 0);	/* it takes tj_status under p_lock */
		tj->tj_joiner = NULL;
	}
	return tjoin_put_locked(p, tj);
}

/* --- The end of a thread ------------------------------------------------------------------ */

void proc_thread_exit(int how, long status)
{
	struct thread *td = curthread();
	struct proc *p = td->td_proc;
	struct victim v[UTHREAD_MAX];
	struct list dead;
	int nv = 0;
	KASSERT(p != NULL, "proc_thread_exit from a kernel thread");
	sync_thread_exit();		/* its contended mutexes go to their waiters */
	list_init(&dead);
	unsigned long s = spin_lock_irqsave(&p->p_lock);
	struct tjoin *tj = tjoin_end_locked(p, td->td_join, (uint64_t)status);
	td->td_join = NULL;
	list_remove(&td->td_plink);
	if (td->td_stack_slot >= 0)
		p->p_stack_busy &= ~(1ULL << td->td_stack_slot);	/* pages stay mapped */
	bool last = --p->p_nlive == 0;
	sig_thread_exit_locked(td);
	if (last)
		sig_proc_exit_locked(p);
	if (how != PEXIT_NORMAL && !p->p_killed) {	/* a fault or a signal ends them all */
		p->p_killed = true;
		p->p_how = how;
		p->p_status = status;
		nv = victims_locked(p, v);
	} else if (last && !p->p_killed) {
		p->p_how = how;
		p->p_status = status;
	}
	if (last) {
		/* Nobody is left to join: every record goes (zombies included). */
		struct list *l;
		while ((l = list_first(&p->p_joins)) != NULL) {
			list_remove(l);
			list_insert_tail(&dead, l);
		}
		p->p_njoins = 0;
	}
	spin_unlock_irqrestore(&p->p_lock, s);
	kfree(tj);
	struct list *l;
	while ((l = list_first(&dead)) != NULL) {
		list_remove(l);
		kfree(list_entry(l, struct tjoin, tj_link));
	}

	/* If we were killed (or are marked later, up to lwkt_exit), our share of the
	 * hart's gd_ast is given back when we are reaped (proc.c). */
	kill_all(v, nv);
	intr_thread_exit(td, last);	/* its interrupt attachments (all of p's if last) */
	if (last) {
		timer_proc_exit(p);	/* no timer fires for us from here on */
		channel_proc_exit(p);	/* release everyone waiting on us */
		sync_proc_exit(p);
	}
	else
		channel_thread_death(p, td->td_tid);
	lwkt_exit();
}

/* --- ThreadCreate ------------------------------------------------------------------------- */

struct uthread_start {
	uint64_t us_pc, us_sp, us_lo, us_arg, us_ra, us_gp;	/* us_sp: the stack's top */
};

void uthread_enter_user(uint64_t pc, uint64_t top, uint64_t stacklo, uint64_t arg,
			uint64_t exitfunc, uint64_t gp)
{
	struct thread *td = curthread();
	struct _thread_local_storage tls = { 0 };
	uint64_t tp = (top - sizeof tls) & ~15ULL;
	tls.__exitfunc = (void (*)(void *))exitfunc;
	tls.__arg = (void *)arg;
	tls.__errptr = (int *)(tp + offsetof(struct _thread_local_storage, __errval));
	tls.__pid = (int)td->td_proc->p_pid;
	tls.__tid = td->td_tid;
	tls.__stackaddr = (void *)stacklo;
	/* A caller's stack that is not mapped: the thread faults on its first use of it,
	 * which ends the process as any bad stack does. */
	(void)copyout(tp, &tls, sizeof tls);
	arch_enter_user(pc, tp, arg, exitfunc, gp, tp);
}

static void uthread_entry(void *arg)
{
	struct uthread_start st = *(struct uthread_start *)arg;
	kfree(arg);
	if (curthread()->td_flags & TDF_KILLED)
		proc_thread_exit(PEXIT_NORMAL, 0);	/* killed before it ever ran */
	uthread_enter_user(st.us_pc, st.us_sp, st.us_lo, st.us_arg, st.us_ra, st.us_gp);
}

/* A free stack slot (its pages mapped) for a new thread of p, or -1 with *err set. */
static int stack_slot_get(struct proc *p, int *err)
{
	unsigned long s = spin_lock_irqsave(&p->p_lock);
	int k = p->p_stack_busy == ~0ULL ? -1 : __builtin_ctzll(~p->p_stack_busy);
	bool mapped = false;
	if (k >= 0) {
		p->p_stack_busy |= 1ULL << k;
		mapped = p->p_stack_mapped & (1ULL << k);
	}
	spin_unlock_irqrestore(&p->p_lock, s);
	if (k < 0) {
		*err = EAGAIN;
		return -1;
	}
	if (mapped)
		return k;
	/* Map it (p_vmlock: the threads of a process may do this at once). A slot whose
	 * mapping failed part-way stays busy until the process ends: the pages it has are
	 * freed with the address space. */
	s = spin_lock_irqsave(&p->p_vmlock);
	int e = 0;
	for (uint64_t va = USTACK_SLOT_LO(k); !e && va < USTACK_SLOT_TOP(k); va += PAGE_SIZE)
		e = pmap_enter_new(&p->p_pmap, va, PROT_R | PROT_W, NULL);
	spin_unlock_irqrestore(&p->p_vmlock, s);
	if (e) {
		*err = e;
		return -1;
	}
	s = spin_lock_irqsave(&p->p_lock);
	p->p_stack_mapped |= 1ULL << k;
	spin_unlock_irqrestore(&p->p_lock, s);
	return k;
}

static void stack_slot_put(struct proc *p, int k)
{
	unsigned long s = spin_lock_irqsave(&p->p_lock);
	p->p_stack_busy &= ~(1ULL << k);
	spin_unlock_irqrestore(&p->p_lock, s);
}

/*
 * ThreadCreate(pid, func, arg, attr): start func(arg) in a new thread of the caller's
 * process (pid 0 or its own). attr NULL: the caller's base priority and policy, a
 * kernel-made stack of USER_STACK_PAGES pages, joinable. PTHREAD_EXPLICIT_SCHED: the
 * attr's policy and priority; PTHREAD_CREATE_DETACHED: nothing is kept when it ends.
 * func returns into attr->__exitfunc (which gets func's return value), or faults if
 * there is none: libraries pass one. The thread starts on a hart of the caller's
 * inherit mask and with that mask as its runmask. Returns the new tid. Errors: EPERM
 * another process (ESRCH none); EFAULT attr unreadable; EINVAL func or exitfunc
 * outside user space, unknown flags, a bad policy or priority, a caller stack too
 * small or outside user space, a kernel-made stack bigger than USER_STACK_PAGES;
 * EAGAIN UTHREAD_MAX threads already, or UTHREAD_RECORDS_MAX join records (unjoined
 * zombies); ENOMEM; EINTR the process is being killed.
 */
long kcall_thread_create(const uint64_t *a)
{
	struct proc *p = curproc();
	uint32_t pid = (uint32_t)a[0];
	uint64_t func = a[1], arg = a[2], uattr = a[3];
	struct _thread_attr at = { 0 };
	if (pid != 0 && pid != p->p_pid) {
		unsigned long s = spin_lock_irqsave(&proc_lock);
		bool exists = proc_find(pid) != NULL;
		spin_unlock_irqrestore(&proc_lock, s);
		return exists ? -EPERM : -ESRCH;
	}
	if (uattr && copyin(&at, uattr, sizeof at))
		return -EFAULT;
	if (!user_range_ok(func, 4) || (at.__exitfunc && !user_range_ok((uint64_t)at.__exitfunc, 4)))
		return -EINVAL;
	if (at.__flags & ~(PTHREAD_CREATE_DETACHED | PTHREAD_EXPLICIT_SCHED))
		return -EINVAL;
	struct thread *self = curthread();
	int pri = self->td_basepri, policy = self->td_policy;
	if (at.__flags & PTHREAD_EXPLICIT_SCHED) {
		if (at.__policy != SCHED_FIFO && at.__policy != SCHED_RR && at.__policy != SCHED_OTHER)
			return -EINVAL;
		if (at.__priority < _NTO_PRIO_MIN || at.__priority > _NTO_PRIO_MAX)
			return -EINVAL;
		pri = at.__priority;
		policy = at.__policy;
	}
	uint64_t sp = 0, lo = 0;
	if (at.__stackaddr) {
		lo = (uint64_t)at.__stackaddr;
		if (at.__stacksize < UTHREAD_MIN_STACK || !user_range_ok(lo, at.__stacksize))
			return -EINVAL;
		sp = (lo + at.__stacksize) & ~15ULL;
	} else if (at.__stacksize > USER_STACK_PAGES * PAGE_SIZE) {
		return -EINVAL;
	}

	/* Checked: now make it. Each failure below undoes what came before it. */
	int err = 0, slot = -1;
	if (sp == 0) {
		if ((slot = stack_slot_get(p, &err)) < 0)
			return -err;
		sp = USTACK_SLOT_TOP(slot);
		lo = USTACK_SLOT_LO(slot);
	}
	struct uthread_start *st = kmalloc(sizeof *st);
	struct tjoin *tj = uthread_record_alloc();
	unsigned long s = spin_lock_irqsave(&p->p_lock);
	int tid = p->p_next_tid;
	spin_unlock_irqrestore(&p->p_lock, s);
	uint32_t mask;
	int cpu = sched_place(self, (int)((p->p_home_cpu + (unsigned)tid - 1) % (unsigned)ncpus),
			      &mask);
	struct thread *td = st && tj ? lwkt_create_stopped(uthread_entry, st, pri, cpu, p->p_name)
				     : NULL;
	if (td == NULL) {
		err = ENOMEM;
		goto undo;
	}
	*st = (struct uthread_start){ func, sp, lo, arg, (uint64_t)at.__exitfunc, arch_user_gp() };
	td->td_proc = p;
	td->td_satp = p->p_pmap.pm_satp;
	td->td_reapfn = self->td_reapfn;
	td->td_stack_slot = slot;
	td->td_flags |= self->td_flags & TDF_IOPRIV;	/* not yet scheduled */
	td->td_policy = policy;
	td->td_runmask = td->td_inherit_mask = mask;
	td->td_join = tj;
	tj->tj_detached = (at.__flags & PTHREAD_CREATE_DETACHED) != 0;

	s = spin_lock_irqsave(&p->p_lock);
	err = p->p_killed ? EINTR : p->p_njoins >= UTHREAD_RECORDS_MAX ? EAGAIN : 0;
	if (!err) {
		sig_thread_init(td, self->td_sigmask);	/* the creator's mask */
		td->td_tid = tj->tj_tid = tid = p->p_next_tid++;
		list_insert_tail(&p->p_threads, &td->td_plink);
		list_insert_tail(&p->p_joins, &tj->tj_link);
		p->p_njoins++;
		p->p_nlive++;
		__atomic_fetch_add(&p->p_nthreads, 1, __ATOMIC_ACQ_REL);
	}
	spin_unlock_irqrestore(&p->p_lock, s);
	if (err) {
		/* The process is dying (we will be killed too), or keeps too many zombies:
		 * the thread never runs. */
		lwkt_destroy_stopped(td);
		goto undo;
	}
	lwkt_schedule(td);
	return tid;

undo:
	kfree(st);
	kfree(tj);
	if (slot >= 0)
		stack_slot_put(p, slot);
	return -err;
}

/* --- ThreadDestroy ------------------------------------------------------------------------ */

/*
 * ThreadDestroy(tid, priority, status): tid 0 or the caller's own ends the caller
 * (with status as the process's if it is the last thread); tid -1 ends every thread of
 * the process, which exits with status; another tid ends that thread (it stops at its
 * next return to user mode; a call it is blocked in fails EINTR first), with status
 * as the exit value a join gets (the first ThreadDestroy to name it sets it).
 * priority is QNX's and ignored. Errors: ESRCH no such thread (tid > 0); EINVAL tid < -1;
 * ENOMEM. Returns only for another tid, with 0.
 */
long kcall_thread_destroy(const uint64_t *a)
{
	int tid = (int)a[0];
	long status = (long)a[2];
	struct thread *self = curthread();
	struct proc *p = self->td_proc;
	if (tid < -1)
		return -EINVAL;
	if (tid == 0 || tid == self->td_tid)
		proc_thread_exit(PEXIT_NORMAL, status);
	struct victim v[UTHREAD_MAX];
	int nv = 0;
	bool found = false;
	unsigned long s = spin_lock_irqsave(&p->p_lock);
	if (tid == -1) {
		if (!p->p_killed) {
			p->p_killed = true;
			p->p_how = PEXIT_NORMAL;
			p->p_status = status;
			nv = victims_locked(p, v);
		}
	} else {
		struct list *it;
		list_foreach(it, &p->p_threads) {
			struct thread *td = list_entry(it, struct thread, td_plink);
			if (td->td_tid == tid) {
				found = true;
				nv = victim_locked(td, v);
				if (nv && !td->td_join->tj_status_set) {
					td->td_join->tj_status = (uint64_t)status;
					td->td_join->tj_status_set = true;
				}
				break;
			}
		}
	}
	spin_unlock_irqrestore(&p->p_lock, s);
	if (tid == -1) {
		kill_all(v, nv);
		proc_thread_exit(PEXIT_NORMAL, status);
	}
	if (!found)
		return -ESRCH;
	int err = nv ? kill_thread(v[0].v_td, v[0].v_id, v[0].v_cpu) : 0;
	if (err) {			/* no killer after all: let a later call try again */
		s = spin_lock_irqsave(&p->p_lock);
		struct list *it;
		list_foreach(it, &p->p_threads)
			if (list_entry(it, struct thread, td_plink) == v[0].v_td)
				v[0].v_td->td_kill_sent = false;
		spin_unlock_irqrestore(&p->p_lock, s);
	}
	return -err;
}

/* --- ThreadJoin and ThreadDetach ---------------------------------------------------------- */

/* tw_cancel of a join: a kill, signal or timeout ends it with -err (wait.h). The record
 * is ours (tj_busy) for as long as we wait, so it is still there. */
static void join_cancel(struct twait *tw, int err)
{
	struct proc *p = tw->tw_td->td_proc;
	struct tjoin *tj = tw->tw_obj;
	unsigned long s = spin_lock_irqsave(&p->p_lock);
	if (tj->tj_joiner == tw) {
		tj->tj_joiner = NULL;
		twait_wake(tw, -err);
	}
	spin_unlock_irqrestore(&p->p_lock, s);
}

/*
 * ThreadJoin(tid, status): wait for thread tid of the caller's process to end, then
 * free what it left and store its exit value in *status (if status is not NULL).
 * Returns at once for a thread that has already ended. Errors: EDEADLK tid is the
 * caller (or 0); ESRCH no such thread (never was, or joined already); EINVAL it is
 * detached; EBUSY another thread is joining it; EFAULT status not writable; EINTR the
 * wait was ended (the caller is being killed, or a signal); ETIMEDOUT a kernel
 * timeout (STATE_JOIN). A join that fails leaves the thread joinable.
 */
long kcall_thread_join(const uint64_t *a)
{
	int tid = (int)a[0];
	uint64_t ustatus = a[1];
	struct thread *self = curthread();
	struct proc *p = self->td_proc;
	uint64_t v;
	if (tid == 0 || tid == self->td_tid)
		return -EDEADLK;
	if (tid < 0)
		return -ESRCH;
	/* Probe *status now (read it and write it back): a bad pointer must not cost the
	 * exit value after the wait. */
	if (ustatus && (copyin(&v, ustatus, sizeof v) || copyout(ustatus, &v, sizeof v)))
		return -EFAULT;

	struct twait tw;
	struct tjoin *tj;
	unsigned long s = spin_lock_irqsave(&p->p_lock);
	int err = tjoin_joinable_locked(p, tid, &tj);
	if (err) {
		spin_unlock_irqrestore(&p->p_lock, s);
		return -err;
	}
	tj->tj_busy = true;		/* ours until we are done: nothing frees it */
	if (!tj->tj_ended) {
		twait_init(&tw, STATE_JOIN, join_cancel, tj);
		tj->tj_joiner = &tw;
		err = -twait_prepare(&tw);
		if (err) {
			tj->tj_joiner = NULL;
		} else {
			err = -twait_block(&tw, &p->p_lock, s);	/* drops p_lock */
			s = spin_lock_irqsave(&p->p_lock);
		}
	}
	tj->tj_busy = false;
	if (!err) {
		v = tj->tj_status;
		tj->tj_detached = true;		/* joined: nothing more may use it */
	}
	/* Not joined (err): it stays joinable, or goes if it ended detached meanwhile. */
	struct tjoin *gone = tjoin_put_locked(p, tj);
	spin_unlock_irqrestore(&p->p_lock, s);
	kfree(gone);
	if (err)
		return -err;
	if (ustatus && copyout(ustatus, &v, sizeof v))
		return -EFAULT;
	return 0;
}

/*
 * ThreadDetach(tid): thread tid of the caller's process (0: the caller) becomes
 * detached: it cannot be joined, and nothing is kept when it ends (a thread that has
 * already ended is freed now). Errors: ESRCH no such thread; EINVAL already detached;
 * EBUSY another thread is joining it (QSOE).
 */
long kcall_thread_detach(const uint64_t *a)
{
	int tid = (int)a[0];
	struct thread *self = curthread();
	struct proc *p = self->td_proc;
	if (tid == 0)
		tid = self->td_tid;
	if (tid < 0)
		return -ESRCH;
	struct tjoin *tj, *gone = NULL;
	unsigned long s = spin_lock_irqsave(&p->p_lock);
	int err = tjoin_joinable_locked(p, tid, &tj);
	if (!err) {
		tj->tj_detached = true;
		gone = tjoin_put_locked(p, tj);
	}
	spin_unlock_irqrestore(&p->p_lock, s);
	kfree(gone);
	return -err;
}

/* ThreadCtl(cmd, data). _NTO_TCTL_IO: the calling thread may attach interrupts and map
 * device registers; threads it creates inherit it. Only in a process created with the
 * right to it (p_iopriv: taskman gives it to the children of root), else EPERM. The
 * runmask commands and _NTO_TCTL_QSOE_HART are kern/sched.c's. */
long kcall_thread_ctl(const uint64_t *a)
{
	int cmd = (int)a[0];
	struct thread *td = curthread();
	switch (cmd) {
	case _NTO_TCTL_IO: {
		if (!td->td_proc || !td->td_proc->p_iopriv)
			return -EPERM;
		unsigned long s = local_irq_save();	/* td_flags: its hart, interrupts off */
		td->td_flags |= TDF_IOPRIV;
		local_irq_restore(s);
		return 0;
	}
	default:
		return sched_thread_ctl(cmd, a[1]);
	}
}
