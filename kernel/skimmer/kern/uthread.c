/*
 * User threads: ThreadCreate and ThreadDestroy, thread ids and stacks, the end of a
 * thread and of its process, and killing a process's threads.
 *
 * Design. A process's threads are on its p_threads (p_lock) from creation until they
 * call proc_thread_exit. The one that takes p_nlive to 0 ends the process: its
 * channels and connections go (channel_proc_exit), and the address space goes once
 * every thread has been reaped (p_nthreads, proc.c). Tids count up from 1 (the main
 * thread) and are never reused, so a stale tid never names a new thread. A thread
 * belongs to one hart for its whole life (the scheduler never moves threads); the
 * n-th thread of a process is placed n-1 harts after its main thread's, so a
 * process's threads spread over the harts.
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
#include <sys/neutrino.h>

#define PTHREAD_CREATE_DETACHED 0x1	/* _thread_attr __flags (sys/neutrino.h) */
#define PTHREAD_EXPLICIT_SCHED  0x2
#define UTHREAD_MIN_STACK       256	/* bytes: a caller-provided stack at least this big */


void uthread_proc_init(struct proc *p, struct thread *td)
{
	list_init(&p->p_threads);
	list_insert_tail(&p->p_threads, &td->td_plink);
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

/* On the victim's hart, in a kernel thread of its own (see the design note). */
static void kill_on_hart(void *arg)
{
	struct kill_req k = *(struct kill_req *)arg;
	kfree(arg);
	unsigned long s = local_irq_save();
	if (lwkt_thread_alive(k.kr_td, k.kr_id) && !(k.kr_td->td_flags & TDF_KILLED)) {
		k.kr_td->td_flags |= TDF_KILLED;
		mycpu()->gd_ast++;
		thread_unblock(k.kr_td, EINTR, true);
	}
	local_irq_restore(s);
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
	if (td->td_proc != NULL && (td->td_flags & TDF_KILLED)) {
		local_irq_enable();
		proc_thread_exit(PEXIT_NORMAL, 0);	/* the killer set the process's end */
	}
}

/* --- The end of a thread ------------------------------------------------------------------ */

void proc_thread_exit(int how, long status)
{
	struct thread *td = curthread();
	struct proc *p = td->td_proc;
	struct victim v[UTHREAD_MAX];
	int nv = 0;
	KASSERT(p != NULL, "proc_thread_exit from a kernel thread");
	unsigned long s = spin_lock_irqsave(&p->p_lock);
	list_remove(&td->td_plink);
	if (td->td_stack_slot >= 0)
		p->p_stack_busy &= ~(1ULL << td->td_stack_slot);	/* pages stay mapped */
	bool last = --p->p_nlive == 0;
	if (how == PEXIT_FAULT && !p->p_killed) {
		p->p_killed = true;
		p->p_how = how;
		p->p_status = status;
		nv = victims_locked(p, v);
	} else if (last && !p->p_killed) {
		p->p_how = how;
		p->p_status = status;
	}
	spin_unlock_irqrestore(&p->p_lock, s);

	/* If we were killed (or are marked later, up to lwkt_exit), our share of the
	 * hart's gd_ast is given back when we are reaped (proc.c). */
	kill_all(v, nv);
	if (last) {
		timer_proc_exit(p);	/* no timer fires for us from here on */
		channel_proc_exit(p);	/* release everyone waiting on us */
	}
	else
		channel_thread_death(p, td->td_tid);
	lwkt_exit();
}

/* --- ThreadCreate ------------------------------------------------------------------------- */

struct uthread_start {
	uint64_t us_pc, us_sp, us_arg, us_ra, us_gp;
};

static void uthread_entry(void *arg)
{
	struct uthread_start st = *(struct uthread_start *)arg;
	kfree(arg);
	if (curthread()->td_flags & TDF_KILLED)
		proc_thread_exit(PEXIT_NORMAL, 0);	/* killed before it ever ran */
	arch_enter_user(st.us_pc, st.us_sp, st.us_arg, st.us_ra, st.us_gp);
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
 * process (pid 0 or its own). attr NULL: the caller's priority, a kernel-made stack of
 * USER_STACK_PAGES pages, joinable. func returns into attr->__exitfunc (which gets
 * func's return value), or faults if there is none: libraries pass one. Returns the
 * new tid. Errors: EPERM another process (ESRCH none); EFAULT attr unreadable; EINVAL
 * func or exitfunc outside user space, unknown flags, a bad policy or priority, a
 * caller stack too small or outside user space, a kernel-made stack bigger than
 * USER_STACK_PAGES; EAGAIN UTHREAD_MAX threads already; ENOMEM; EINTR the process is
 * being killed.
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
	int pri = curthread()->td_basepri;
	if (at.__flags & PTHREAD_EXPLICIT_SCHED) {
		if (at.__policy != SCHED_FIFO && at.__policy != SCHED_RR && at.__policy != SCHED_OTHER)
			return -EINVAL;
		if (at.__priority < _NTO_PRIO_MIN || at.__priority > _NTO_PRIO_MAX)
			return -EINVAL;
		pri = at.__priority;
	}
	uint64_t sp = 0;
	if (at.__stackaddr) {
		uint64_t lo = (uint64_t)at.__stackaddr;
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
	}
	struct uthread_start *st = kmalloc(sizeof *st);
	unsigned long s = spin_lock_irqsave(&p->p_lock);
	int tid = p->p_next_tid;
	spin_unlock_irqrestore(&p->p_lock, s);
	int cpu = (int)((p->p_home_cpu + (unsigned)tid - 1) % (unsigned)ncpus);
	struct thread *td = st ? lwkt_create_stopped(uthread_entry, st, pri, cpu, p->p_name) : NULL;
	if (td == NULL) {
		err = ENOMEM;
		goto undo;
	}
	*st = (struct uthread_start){ func, sp, arg, (uint64_t)at.__exitfunc, arch_user_gp() };
	td->td_proc = p;
	td->td_satp = p->p_pmap.pm_satp;
	td->td_reapfn = curthread()->td_reapfn;
	td->td_stack_slot = slot;
	td->td_flags |= curthread()->td_flags & TDF_IOPRIV;	/* not yet scheduled */

	s = spin_lock_irqsave(&p->p_lock);
	bool killed = p->p_killed;
	if (!killed) {
		td->td_tid = tid = p->p_next_tid++;
		list_insert_tail(&p->p_threads, &td->td_plink);
		p->p_nlive++;
		__atomic_fetch_add(&p->p_nthreads, 1, __ATOMIC_ACQ_REL);
	}
	spin_unlock_irqrestore(&p->p_lock, s);
	if (killed) {
		/* The process is dying (we will be killed too): the thread never runs. */
		lwkt_destroy_stopped(td);
		err = EINTR;
		goto undo;
	}
	lwkt_schedule(td);
	return tid;

undo:
	kfree(st);
	if (slot >= 0)
		stack_slot_put(p, slot);
	return -err;
}

/* --- ThreadDestroy ------------------------------------------------------------------------ */

/*
 * ThreadDestroy(tid, priority, status): tid 0 or the caller's own ends the caller
 * (with status as the process's if it is the last thread); tid -1 ends every thread of
 * the process, which exits with status; another tid ends that thread (it stops at its
 * next return to user mode; a message call it is blocked in fails EINTR first).
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

/* ThreadCtl(cmd, data). _NTO_TCTL_IO: the calling thread may attach interrupts and map
 * device registers; threads it creates inherit it. Every process may ask for now: the
 * credentials that will restrict it to root come with taskman (issue 5). */
long kcall_thread_ctl(const uint64_t *a)
{
	int cmd = (int)a[0];
	struct thread *td = curthread();
	switch (cmd) {
	case _NTO_TCTL_IO: {
		unsigned long s = local_irq_save();	/* td_flags: its hart, interrupts off */
		td->td_flags |= TDF_IOPRIV;
		local_irq_restore(s);
		return 0;
	}
	default:
		return -EINVAL;
	}
}
