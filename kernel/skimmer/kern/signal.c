/*
 * Signals: SignalKill, SignalAction, SignalProcmask, SignalSuspend, SignalWaitinfo,
 * SignalReturn, and delivery at the return to user mode.
 *
 * Design. Everything a process's signals need is under its p_lock: the actions
 * (p_sigacts), the process's pending set and records (p_sigpend, p_sigq), and each
 * thread's mask, pending set and records (td_sigmask, td_sigpend, td_sigq) and wait
 * (td_sigwait). A pending signal always has at least one record (struct sigq) with its
 * siginfo; a second instance of an ordinary signal coalesces with the first, while a
 * queued one (SIGRTMIN..SIGRTMAX, or SA_SIGINFO set) gets a record of its own, in
 * arrival order. A process holds at most SIGQUEUE_MAX records (EAGAIN).
 *
 * Posting (sig_send) runs in the sender's thread context: a thread in SignalWaitinfo
 * for the signal takes it at once (twait_wake); otherwise the record is queued, and a
 * thread that does not block it (the named one, or for the process: the sender if it
 * is one of its threads, else one in SignalSuspend, else the first) is "kicked" on its
 * own hart, with interrupts off: kick_local sets TDF_SIGNAL (and raises the hart's
 * gd_ast, so the return paths look) and ends the call it is blocked in with EINTR
 * (thread_unblock, force=false: the _NTO_CHF_UNBLOCK rules). A kick for another hart is
 * a hartwork item (the hart's top-priority work thread, so the target is not running
 * then); the target is found by (pointer, id) there, as kill_on_hart does. A call
 * about to block checks TDF_BREAK (KILLED or SIGNAL) on the same hart with interrupts
 * off (twait_prepare, killed_locked, the fast paths), so a signal posted just before
 * it blocks is never missed.
 *
 * Delivery (sig_ast, from uthread_ast at the return to user mode): take the lowest
 * pending signal the thread does not block (its own or the process's); ignore it, end
 * the process (default action: PEXIT_SIGNAL), or push a frame (arch_sig_push) with the
 * whole user context and the mask to restore, block sa_mask and the signal, and enter
 * the process's sigstub, which calls the handler and then SignalReturn. Stop signals
 * are ignored until job control (issue 5).
 *
 * One file for all of it (longer than most): posting, the waits and delivery share the
 * pending-set helpers and the kick, which would otherwise need an internal header.
 */
#include <skimmer/signal.h>
#include <skimmer/proc.h>
#include <skimmer/thread2.h>
#include <skimmer/kmem.h>
#include <skimmer/errno.h>
#include <skimmer/usercopy.h>
#include <arch/frame.h>

#define SA_KNOWN (SA_NOCLDSTOP | SA_SIGINFO | SA_RESETHAND | SA_NODEFER)

/* Ignored by default (stop signals too, until job control). */
static const uint64_t default_ignore = SIGBIT(SIGCHLD) | SIGBIT(SIGPWR) | SIGBIT(SIGWINCH) |
	SIGBIT(SIGURG) | SIGBIT(SIGCONT) | SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP) | SIGBIT(SIGTTIN) |
	SIGBIT(SIGTTOU);

static uint64_t set_in(const sigset_t *s)
{
	return ((uint64_t)s->__bits[0] | (uint64_t)s->__bits[1] << 32) & SIG_ALL;
}

static void set_out(sigset_t *s, uint64_t m)
{
	s->__bits[0] = (uint32_t)m;
	s->__bits[1] = (uint32_t)(m >> 32);
}

void sig_proc_init(struct proc *p)
{
	p->p_sigacts = NULL;
	p->p_sigstub = 0;
	p->p_sigpend = 0;
	list_init(&p->p_sigq);
	p->p_nsigq = 0;
}

struct sigacts *sig_acts_ignoring(uint64_t ignore)
{
	struct sigacts *sa = kmalloc(sizeof *sa);	/* zero-filled: every action SIG_DFL */
	if (sa == NULL)
		return NULL;
	for (int sig = 1; sig <= SIGRTMAX; sig++)
		if ((ignore & SIGBIT(sig)) && sig != SIGKILL && sig != SIGSTOP)
			sa->ac[sig].ac_handler = (uint64_t)(uintptr_t)SIG_IGN;
	return sa;
}

void sig_thread_init(struct thread *td, uint64_t mask)
{
	td->td_sigmask = mask & ~SIG_CANTMASK;
	td->td_sigpend = 0;
	list_init(&td->td_sigq);
	td->td_sigwait = NULL;
}

/* Free every record on q. p_lock held. */
static int free_queue_locked(struct list *q)
{
	int n = 0;
	struct list *l;
	while ((l = list_first(q)) != NULL) {
		list_remove(l);
		kfree(list_entry(l, struct sigq, sq_link));
		n++;
	}
	return n;
}

void sig_thread_exit_locked(struct thread *td)
{
	td->td_proc->p_nsigq -= free_queue_locked(&td->td_sigq);
	td->td_sigpend = 0;
}

void sig_proc_exit_locked(struct proc *p)
{
	p->p_nsigq -= free_queue_locked(&p->p_sigq);
	p->p_sigpend = 0;
	kfree(p->p_sigacts);
	p->p_sigacts = NULL;
}

/* --- Actions and pending sets (p_lock held) -------------------------------------------- */

static struct sigact action_locked(const struct proc *p, int sig)
{
	if (p->p_sigacts)
		return p->p_sigacts->ac[sig];
	return (struct sigact){ 0, 0, 0 };
}

static bool ignored_locked(const struct proc *p, int sig)
{
	uint64_t h = action_locked(p, sig).ac_handler;
	return sig != SIGKILL && ((uint64_t)SIG_IGN == h || (h == 0 && (default_ignore & SIGBIT(sig))));
}

static bool queues_locked(const struct proc *p, int sig)
{
	return sig >= SIGRTMIN || (action_locked(p, sig).ac_flags & SA_SIGINFO);
}

/* What td would have delivered now: pending for it or its process, not blocked. */
static uint64_t deliverable_locked(const struct thread *td)
{
	return (td->td_sigpend | td->td_proc->p_sigpend) & ~td->td_sigmask;
}

static struct thread *find_tid_locked(struct proc *p, int tid)
{
	struct list *it;
	list_foreach(it, &p->p_threads) {
		struct thread *t = list_entry(it, struct thread, td_plink);
		if (t->td_tid == tid)
			return t;
	}
	return NULL;
}

static bool is_thread_of_locked(struct proc *p, const struct thread *td)
{
	struct list *it;
	list_foreach(it, &p->p_threads)
		if (list_entry(it, struct thread, td_plink) == td)
			return true;
	return false;
}

/* A thread of p in SignalWaitinfo for bit (td NULL: any thread), or NULL. */
static struct thread *waiter_locked(struct proc *p, struct thread *td, uint64_t bit)
{
	if (td)
		return td->td_sigwait && (td->td_sigwait->sw_set & bit) ? td : NULL;
	struct list *it;
	list_foreach(it, &p->p_threads) {
		struct thread *t = list_entry(it, struct thread, td_plink);
		if (t->td_sigwait && (t->td_sigwait->sw_set & bit))
			return t;
	}
	return NULL;
}

/* The thread of p that should take a process signal bit: the caller if it is one of
 * p's and does not block it, else one in SignalSuspend, else the first that does not
 * block it; NULL if every thread blocks it. */
static struct thread *taker_locked(struct proc *p, uint64_t bit)
{
	struct thread *self = curthread(), *any = NULL;
	if (self->td_proc == p && !(self->td_sigmask & bit))
		return self;
	struct list *it;
	list_foreach(it, &p->p_threads) {
		struct thread *t = list_entry(it, struct thread, td_plink);
		if (t->td_sigmask & bit)
			continue;
		if (t->td_sigwait)
			return t;
		if (any == NULL)
			any = t;
	}
	return any;
}

/* Take the first record of signal sig off q (pending set *pend). p_lock held. */
static struct sigq *dequeue_locked(struct proc *p, struct list *q, uint64_t *pend, int sig)
{
	struct sigq *found = NULL;
	bool more = false;
	struct list *it;
	list_foreach(it, q) {
		struct sigq *r = list_entry(it, struct sigq, sq_link);
		if (r->sq_info.si_signo != sig)
			continue;
		if (found) {
			more = true;
			break;
		}
		found = r;
	}
	KASSERT(found != NULL, "signal %d pending without a record", sig);
	list_remove(&found->sq_link);
	p->p_nsigq--;
	if (!more)
		*pend &= ~SIGBIT(sig);
	return found;
}

/* The lowest pending signal of td (its own or its process's) in allow, taken off its
 * queue; NULL if none. p_lock held. */
static struct sigq *take_locked(struct thread *td, uint64_t allow)
{
	struct proc *p = td->td_proc;
	uint64_t cand = (td->td_sigpend | p->p_sigpend) & allow;
	if (cand == 0)
		return NULL;
	int sig = __builtin_ctzll(cand) + 1;
	if (td->td_sigpend & SIGBIT(sig))
		return dequeue_locked(p, &td->td_sigq, &td->td_sigpend, sig);
	return dequeue_locked(p, &p->p_sigq, &p->p_sigpend, sig);
}

/* Drop every pending instance of sig in p (it is ignored now) onto *junk. p_lock held. */
static void discard_locked(struct proc *p, int sig, struct list *junk)
{
	uint64_t bit = SIGBIT(sig);
	while (p->p_sigpend & bit) {
		struct sigq *r = dequeue_locked(p, &p->p_sigq, &p->p_sigpend, sig);
		list_insert_tail(junk, &r->sq_link);
	}
	struct list *it;
	list_foreach(it, &p->p_threads) {
		struct thread *t = list_entry(it, struct thread, td_plink);
		while (t->td_sigpend & bit) {
			struct sigq *r = dequeue_locked(p, &t->td_sigq, &t->td_sigpend, sig);
			list_insert_tail(junk, &r->sq_link);
		}
	}
}

/*
 * Post *recp's signal to p (td NULL) or to its thread td. p_lock held, p live. Returns
 * 0 or EAGAIN (p's queue is full). *recp becomes NULL if the record was kept; *kick is
 * the thread to kick (once p_lock is dropped), or NULL.
 */
static int post_locked(struct proc *p, struct thread *td, struct sigq **recp,
		       struct thread **kick)
{
	struct sigq *rec = *recp;
	int sig = rec->sq_info.si_signo;
	uint64_t bit = SIGBIT(sig);
	*kick = NULL;
	struct thread *w = waiter_locked(p, td, bit);
	if (w) {				/* SignalWaitinfo takes it: no handler runs */
		struct sigwaiter *sw = w->td_sigwait;
		sw->sw_info = rec->sq_info;
		w->td_sigwait = NULL;
		twait_wake(&sw->sw_tw, sig);
		return 0;
	}
	struct thread *t = td ? (td->td_sigmask & bit ? NULL : td) : taker_locked(p, bit);
	if (t && ignored_locked(p, sig))
		return 0;			/* discarded: nobody blocks it */
	uint64_t *pend = td ? &td->td_sigpend : &p->p_sigpend;
	if ((*pend & bit) && !queues_locked(p, sig))
		return 0;			/* coalesces with the pending one */
	if (p->p_nsigq >= SIGQUEUE_MAX)
		return EAGAIN;
	list_insert_tail(td ? &td->td_sigq : &p->p_sigq, &rec->sq_link);
	p->p_nsigq++;
	*pend |= bit;
	*recp = NULL;
	*kick = t;
	return 0;
}

/* --- Kicks ------------------------------------------------------------------------------ */

struct sigkick {
	struct hartwork sk_hw;
	struct thread *sk_td;		/* maybe gone by the time it runs: checked by id */
	uint32_t sk_id;
};

/* On td's hart, interrupts off, no spinlock held; td is the current thread or is not
 * running. If td has a signal to deliver, make its return to user mode look, and end
 * the call it is blocked in (EINTR, the _NTO_CHF_UNBLOCK rules). */
static void kick_local(struct thread *td)
{
	struct proc *p = td->td_proc;
	KASSERT(!local_irq_enabled() && td->td_gd == mycpu(), "kick_local context");
	spin_lock(&p->p_lock);
	bool want = deliverable_locked(td) != 0;
	spin_unlock(&p->p_lock);
	if (!want)
		return;
	if (!(td->td_flags & TDF_SIGNAL)) {
		td->td_flags |= TDF_SIGNAL;
		mycpu()->gd_ast++;		/* given back by sig_ast or the reaper */
	}
	if (td != curthread())
		thread_unblock(td, EINTR, false);
}

/* hartwork: on the target's hart, thread context. */
static void kick_remote(struct hartwork *hw)
{
	struct sigkick *k = container_of(hw, struct sigkick, sk_hw);
	unsigned long s = local_irq_save();
	if (lwkt_thread_alive(k->sk_td, k->sk_id)) {
		struct globaldata *tgd = __atomic_load_n(&k->sk_td->td_gd, __ATOMIC_ACQUIRE);
		if (tgd != mycpu()) {
			/* It moved (its runmask) since the kick was queued: follow it. */
			hartwork_queue(&k->sk_hw, tgd->gd_cpuid);
			local_irq_restore(s);
			return;
		}
		kick_local(k->sk_td);
	}
	local_irq_restore(s);
	kfree(k);
}

/* Kick td (chosen under p_lock, which is dropped now; interrupts still off since, so a
 * td of this hart cannot have been reaped), using *kp for another hart (then *kp =
 * NULL: the work item owns it). */
static void kick(struct thread *td, uint32_t id, struct sigkick **kp)
{
	if (td->td_gd == mycpu()) {
		kick_local(td);
		return;
	}
	struct sigkick *k = *kp;
	*kp = NULL;
	hartwork_init(&k->sk_hw, kick_remote);
	k->sk_td = td;
	k->sk_id = id;
	hartwork_queue(&k->sk_hw, td->td_gd->gd_cpuid);
}

/* The current thread changed its own mask or pending set: look at the return to user
 * mode if something is deliverable now. p_lock held (interrupts off). */
static void self_check_locked(struct thread *td)
{
	if (deliverable_locked(td) && !(td->td_flags & TDF_SIGNAL)) {
		td->td_flags |= TDF_SIGNAL;
		mycpu()->gd_ast++;
	}
}

/* --- Sending ----------------------------------------------------------------------------- */

static void print_kill(const struct proc *p, int sig)
{
	kprintf("skimmer: pid %u (%s) killed: signal %d\n", p->p_pid, p->p_name, sig);
}

/*
 * Send info to process pid: to its thread tid (> 0), or to td if that is one of its
 * threads, else to the process. Thread context, no spinlock held. Returns 0 or
 * -errno: ESRCH no such process or thread, EAGAIN no memory or a full queue. SIGKILL
 * ends the whole process at once (the caller too, if it is one of its threads).
 */
static long sig_send(uint32_t pid, int tid, struct thread *tdp, const siginfo_t *info)
{
	struct sigq *rec = kmalloc(sizeof *rec);
	struct sigkick *k = kmalloc(sizeof *k);
	int sig = info->si_signo, err = 0;
	if (rec == NULL || k == NULL) {
		kfree(rec);
		kfree(k);
		return -EAGAIN;
	}
	rec->sq_info = *info;
	struct thread *kt = NULL;
	uint32_t kid = 0;
	unsigned long s = spin_lock_irqsave(&proc_lock);
	struct proc *p = proc_find(pid);
	if (p == NULL) {
		spin_unlock_irqrestore(&proc_lock, s);
		err = ESRCH;
		goto out;
	}
	spin_lock(&p->p_lock);
	struct thread *td = NULL;
	if (p->p_nlive == 0 || (tid > 0 && (td = find_tid_locked(p, tid)) == NULL)) {
		err = ESRCH;
	} else if (tid == 0 && tdp && is_thread_of_locked(p, tdp)) {
		td = tdp;
	}
	if (err || sig == 0 || p->p_killed) {	/* signal 0 only asks whether it exists */
		spin_unlock(&p->p_lock);
		spin_unlock_irqrestore(&proc_lock, s);
		goto out;
	}
	if (sig == SIGKILL) {
		bool self = curproc() == p;
		spin_unlock(&p->p_lock);
		print_kill(p, sig);
		uthread_kill_process(p, PEXIT_SIGNAL, SIGKILL, s);	/* drops proc_lock */
		kfree(rec);
		kfree(k);
		if (self)
			proc_thread_exit(PEXIT_SIGNAL, SIGKILL);
		return 0;
	}
	err = post_locked(p, td, &rec, &kt);
	kid = kt ? kt->td_id : 0;
	spin_unlock(&p->p_lock);
	spin_unlock(&proc_lock);
	if (kt)
		kick(kt, kid, &k);		/* interrupts still off */
	local_irq_restore(s);
out:
	kfree(rec);
	kfree(k);
	return -err;
}

long sig_event(uint32_t pid, struct thread *td, int signo, int code, union sigval value)
{
	siginfo_t info = { 0 };
	info.si_signo = signo;
	info.si_code = code;
	info.si_pid = (pid_t)(curproc() ? curproc()->p_pid : 0);
	info.si_value = value;
	return sig_send(pid, 0, td, &info);
}

/*
 * SignalKill(nd, pid, tid, signo, code, value): send signo to process pid (0: our own)
 * or, with tid > 0, to that thread of it; signo 0 only checks that it exists. The
 * receiver's siginfo has si_code = code, si_pid = ours, si_value.sival_int = value.
 * Errors: EINVAL nd not 0 (this node), signo outside 0..SIGRTMAX, code outside
 * SI_MINAVAIL..SI_MAXAVAIL, tid < 0; ESRCH no such process (pid < 0: process groups
 * come with job control) or thread; EAGAIN no memory or SIGQUEUE_MAX records queued.
 * taskman (pid 1) may also send the system's codes above SI_MAXAVAIL: SIGCHLD's CLD_*.
 */
long kcall_signal_kill(const uint64_t *a)
{
	uint32_t nd = (uint32_t)a[0];
	int pid = (int)a[1], tid = (int)a[2], sig = (int)a[3], code = (int)a[4];
	bool sys_code = code > SI_MAXAVAIL && curproc()->p_pid == 1;
	if (nd != 0 || sig < 0 || sig > SIGRTMAX || code < SI_MINAVAIL ||
	    (code > SI_MAXAVAIL && !sys_code) || tid < 0)
		return -EINVAL;
	if (pid < 0)
		return -ESRCH;
	siginfo_t info = { 0 };
	info.si_signo = sig;
	info.si_code = code;
	info.si_pid = (pid_t)curproc()->p_pid;
	info.si_value.sival_int = (int)a[5];
	return sig_send(pid ? (uint32_t)pid : curproc()->p_pid, tid, NULL, &info);
}

/* --- SignalAction ------------------------------------------------------------------------- */

/*
 * SignalAction(pid, sigstub, signo, act, oact): store the old action in *oact (if not
 * NULL), then set *act (if not NULL) for the caller's process (pid 0 or our own).
 * Handlers are entered through sigstub (user/lib/qsig.c), which the process passes
 * with every handler it sets. Setting SIG_IGN (or SIG_DFL for a signal ignored by
 * default) discards its pending instances. Errors: EINVAL signo outside 1..SIGRTMAX,
 * an action for SIGKILL or SIGSTOP, SIG_HOLD, unknown sa_flags, a handler or sigstub
 * outside user space; EFAULT act or oact unreadable/unwritable; EPERM another process
 * (ESRCH none); ENOMEM.
 */
long kcall_signal_action(const uint64_t *a)
{
	struct proc *p = curproc();
	uint32_t pid = (uint32_t)a[0];
	uint64_t stub = a[1], uact = a[3], uoact = a[4];
	int sig = (int)a[2];
	struct sigaction act;
	if (pid != 0 && pid != p->p_pid) {
		unsigned long s = spin_lock_irqsave(&proc_lock);
		bool exists = proc_find(pid) != NULL;
		spin_unlock_irqrestore(&proc_lock, s);
		return exists ? -EPERM : -ESRCH;
	}
	if (!SIG_VALID(sig))
		return -EINVAL;
	if (uact) {
		if (copyin(&act, uact, sizeof act))
			return -EFAULT;
		uint64_t h = (uint64_t)(uintptr_t)act.sa_handler;
		if (sig == SIGKILL || sig == SIGSTOP || (act.sa_flags & ~SA_KNOWN) ||
		    h == (uint64_t)SIG_HOLD)
			return -EINVAL;
		if (h > (uint64_t)SIG_IGN && (!user_range_ok(h, 4) || !user_range_ok(stub, 4)))
			return -EINVAL;
	}
	unsigned long s;
	if (uoact) {
		struct sigaction old = { 0 };
		s = spin_lock_irqsave(&p->p_lock);
		struct sigact sa = action_locked(p, sig);
		spin_unlock_irqrestore(&p->p_lock, s);
		old.sa_handler = (void (*)(int))(uintptr_t)sa.ac_handler;
		old.sa_flags = sa.ac_flags;
		set_out(&old.sa_mask, sa.ac_mask);
		if (copyout(uoact, &old, sizeof old))
			return -EFAULT;
	}
	if (!uact)
		return 0;
	struct sigacts *fresh = NULL;
	if (__atomic_load_n(&p->p_sigacts, __ATOMIC_RELAXED) == NULL &&
	    (fresh = kmalloc(sizeof *fresh)) == NULL)
		return -ENOMEM;

	/* Checked: now change it. */
	struct list junk = LIST_INIT_STATIC(junk);
	s = spin_lock_irqsave(&p->p_lock);
	if (p->p_sigacts == NULL) {
		p->p_sigacts = fresh;		/* zero-filled: every action SIG_DFL */
		fresh = NULL;
	}
	struct sigact *sa = &p->p_sigacts->ac[sig];
	sa->ac_handler = (uint64_t)(uintptr_t)act.sa_handler;
	sa->ac_flags = act.sa_flags;
	sa->ac_mask = set_in(&act.sa_mask) & ~SIG_CANTMASK;
	if (sa->ac_handler > (uint64_t)SIG_IGN)
		p->p_sigstub = stub;
	if (ignored_locked(p, sig))
		discard_locked(p, sig, &junk);
	spin_unlock_irqrestore(&p->p_lock, s);
	kfree(fresh);
	free_queue_locked(&junk);		/* ours alone: no lock needed */
	return 0;
}

/* --- SignalProcmask ----------------------------------------------------------------------- */

/*
 * SignalProcmask(pid, tid, how, set, oldset): store thread tid's mask (tid 0: the
 * caller; pid 0: our process) in *oldset, then change it with *set: SIG_BLOCK adds,
 * SIG_UNBLOCK removes, SIG_SETMASK replaces (SIGKILL and SIGSTOP are never blocked).
 * how SIG_PENDING stores the thread's and its process's pending set in *oldset and
 * changes nothing. A signal the change unblocks is delivered before the call returns
 * to the thread. Errors: EINVAL an unknown how (with a set), tid 0 for another
 * process, tid < 0; EFAULT set unreadable, oldset unwritable; ESRCH no such process or
 * thread.
 */
long kcall_signal_procmask(const uint64_t *a)
{
	uint32_t pid = (uint32_t)a[0];
	int tid = (int)a[1], how = (int)a[2];
	uint64_t uset = a[3], uold = a[4];
	struct thread *self = curthread();
	sigset_t set;
	uint64_t m = 0;
	if (pid == self->td_proc->p_pid)
		pid = 0;
	if (tid < 0 || (pid != 0 && tid == 0))
		return -EINVAL;
	if (how != SIG_PENDING) {
		if (uset && how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
			return -EINVAL;
		if (uset && copyin(&set, uset, sizeof set))
			return -EFAULT;
		m = uset ? set_in(&set) & ~SIG_CANTMASK : 0;
	}
	if (uold && !user_range_ok(uold, sizeof(sigset_t)))
		return -EFAULT;
	struct sigkick *k = kmalloc(sizeof *k);	/* for a thread on another hart */
	if (k == NULL)
		return -ENOMEM;

	unsigned long s = spin_lock_irqsave(&proc_lock);
	struct proc *p = proc_find(pid);
	struct thread *td = NULL;
	if (p) {
		spin_lock(&p->p_lock);
		td = tid == 0 ? self : find_tid_locked(p, tid);
		if (td == NULL)
			spin_unlock(&p->p_lock);
	}
	if (td == NULL) {
		spin_unlock_irqrestore(&proc_lock, s);
		kfree(k);
		return -ESRCH;
	}
	uint64_t old = how == SIG_PENDING ? td->td_sigpend | p->p_sigpend : td->td_sigmask;
	bool unblocks = false;
	if (how != SIG_PENDING && uset) {
		uint64_t nm = how == SIG_BLOCK ? td->td_sigmask | m :
			      how == SIG_UNBLOCK ? td->td_sigmask & ~m : m;
		unblocks = (td->td_sigmask & ~nm) != 0;
		td->td_sigmask = nm;
	}
	uint32_t id = td->td_id;
	if (unblocks && td == self)
		self_check_locked(td);
	spin_unlock(&p->p_lock);
	spin_unlock(&proc_lock);
	if (unblocks && td != self)
		kick(td, id, &k);
	local_irq_restore(s);
	kfree(k);
	if (uold) {
		sigset_t o;
		set_out(&o, old);
		if (copyout(uold, &o, sizeof o))
			return -EFAULT;		/* range checked: only an unmapped page */
	}
	return 0;
}

/* --- SignalSuspend and SignalWaitinfo: twaits on p_lock ----------------------------------- */

/* tw_cancel: td's hart, interrupts off, no spinlock held. */
static void sigwait_cancel(struct twait *tw, int err)
{
	struct sigwaiter *sw = container_of(tw, struct sigwaiter, sw_tw);
	struct thread *td = tw->tw_td;
	struct proc *p = td->td_proc;
	spin_lock(&p->p_lock);
	if (td->td_sigwait == sw) {
		td->td_sigwait = NULL;
		twait_wake(tw, -err);
	}
	spin_unlock(&p->p_lock);
}

/* Wait on p_lock (held, saved state s) as sw describes; returns the twait's result. */
static int sigwait_block(struct thread *td, struct sigwaiter *sw, int state, unsigned long s)
{
	struct proc *p = td->td_proc;
	twait_init(&sw->sw_tw, state, sigwait_cancel, p);
	td->td_sigwait = sw;
	int err = twait_prepare(&sw->sw_tw);
	if (err) {
		td->td_sigwait = NULL;
		spin_unlock_irqrestore(&p->p_lock, s);
		return err;
	}
	return twait_block(&sw->sw_tw, &p->p_lock, s);
}

/*
 * SignalSuspend(set): replace the caller's mask with *set (SIGKILL and SIGSTOP stay
 * unblocked) until a signal is delivered, then restore it once the handler has
 * returned. Returns EINTR (always). Errors: EFAULT set unreadable.
 */
long kcall_signal_suspend(const uint64_t *a)
{
	struct thread *td = curthread();
	struct proc *p = td->td_proc;
	sigset_t set;
	if (copyin(&set, a[0], sizeof set))
		return -EFAULT;
	uint64_t m = set_in(&set) & ~SIG_CANTMASK;
	struct sigwaiter sw = { .sw_set = 0 };

	unsigned long s = spin_lock_irqsave(&p->p_lock);
	td->td_sigsave = td->td_sigmask;
	td->td_sigmask = m;
	td->td_flags |= TDF_SIGRESTORE;		/* sig_ast restores td_sigsave */
	if (deliverable_locked(td)) {
		self_check_locked(td);
		spin_unlock_irqrestore(&p->p_lock, s);
		return -EINTR;
	}
	int err = sigwait_block(td, &sw, STATE_SIGSUSPEND, s);
	/* Ended by a signal (TDF_SIGNAL: sig_ast restores the mask after the handler) or by
	 * something else (a kill, a timeout): then restore it here. */
	s = spin_lock_irqsave(&p->p_lock);
	if (!(td->td_flags & TDF_SIGNAL) && (td->td_flags & TDF_SIGRESTORE)) {
		td->td_sigmask = td->td_sigsave;
		td->td_flags &= ~TDF_SIGRESTORE;
	}
	spin_unlock_irqrestore(&p->p_lock, s);
	return err < 0 ? err : -EINTR;
}

/*
 * SignalWaitinfo(set, info): take the lowest pending signal in *set (the thread's or
 * its process's) without running its handler, waiting for one if none is pending; fill
 * *info (if not NULL) and return its number. The signals in set should be blocked: a
 * signal that is not, and that arrives first, ends the wait with EINTR (and runs its
 * handler). Errors: EFAULT set unreadable, info unwritable (the signal is then lost);
 * EINTR.
 */
long kcall_signal_waitinfo(const uint64_t *a)
{
	struct thread *td = curthread();
	struct proc *p = td->td_proc;
	uint64_t uinfo = a[1];
	sigset_t set;
	if (copyin(&set, a[0], sizeof set))
		return -EFAULT;
	if (uinfo && !user_range_ok(uinfo, sizeof(siginfo_t)))
		return -EFAULT;
	struct sigwaiter sw = { .sw_set = set_in(&set) & ~SIG_CANTMASK };

	unsigned long s = spin_lock_irqsave(&p->p_lock);
	struct sigq *r = take_locked(td, sw.sw_set);
	int sig;
	if (r) {
		spin_unlock_irqrestore(&p->p_lock, s);
		sw.sw_info = r->sq_info;
		kfree(r);
		sig = sw.sw_info.si_signo;
	} else if ((sig = sigwait_block(td, &sw, STATE_SIGWAITINFO, s)) < 0) {
		return sig;
	}
	if (uinfo && copyout(uinfo, &sw.sw_info, sizeof sw.sw_info))
		return -EFAULT;
	return sig;
}

/* --- Delivery ------------------------------------------------------------------------------ */

/* The default action ends the process. Interrupts on. */
static void __noreturn terminate(struct thread *td, int sig)
{
	print_kill(td->td_proc, sig);
	proc_thread_exit(PEXIT_SIGNAL, sig);
}

/* A handler's frame could not be written, or SignalReturn's read: the process ends as
 * if by SIGSEGV. Interrupts on. */
static void __noreturn bad_frame(struct thread *td, const char *what, uint64_t addr)
{
	kprintf("skimmer: pid %u (%s) killed: signal %d (%s at %#lx)\n", td->td_proc->p_pid,
		td->td_proc->p_name, SIGSEGV, what, (unsigned long)addr);
	proc_thread_exit(PEXIT_SIGNAL, SIGSEGV);
}

/* Block what a handler for sig blocks while it runs, and reset the action if asked.
 * p_lock held. */
static void enter_handler_locked(struct thread *td, int sig, const struct sigact *act)
{
	uint64_t add = act->ac_mask | ((act->ac_flags & SA_NODEFER) ? 0 : SIGBIT(sig));
	td->td_sigmask |= add & ~SIG_CANTMASK;
	if (act->ac_flags & SA_RESETHAND)
		td->td_proc->p_sigacts->ac[sig] = (struct sigact){ 0, 0, 0 };
}

/* Deliver one signal to the current thread td; false if none was deliverable.
 * Interrupts on. */
static bool deliver_one(struct thread *td, struct trapframe *tf)
{
	struct proc *p = td->td_proc;
	unsigned long s = spin_lock_irqsave(&p->p_lock);
	struct sigq *r = take_locked(td, ~td->td_sigmask);
	if (r == NULL) {
		/* A SignalSuspend whose signal ran no handler (taken by another thread, or
		 * ignored meanwhile): its mask comes back now, and may unblock more. */
		bool again = (td->td_flags & TDF_SIGRESTORE) != 0;
		if (again) {
			td->td_sigmask = td->td_sigsave;
			td->td_flags &= ~TDF_SIGRESTORE;
		}
		spin_unlock_irqrestore(&p->p_lock, s);
		return again;
	}
	int sig = r->sq_info.si_signo;
	struct sigact act = action_locked(p, sig);
	if (ignored_locked(p, sig)) {
		spin_unlock_irqrestore(&p->p_lock, s);
		kfree(r);
		return true;
	}
	if (act.ac_handler == 0) {
		spin_unlock_irqrestore(&p->p_lock, s);
		kfree(r);
		terminate(td, sig);
	}
	uint64_t old = (td->td_flags & TDF_SIGRESTORE) ? td->td_sigsave : td->td_sigmask;
	td->td_flags &= ~TDF_SIGRESTORE;
	enter_handler_locked(td, sig, &act);
	uint64_t stub = p->p_sigstub;
	spin_unlock_irqrestore(&p->p_lock, s);
	siginfo_t info = r->sq_info;
	kfree(r);
	if (!arch_sig_push(td, tf, &info, act.ac_handler, stub, old))
		bad_frame(td, "bad stack for a signal frame", tf->tf_x[2]);
	return true;
}

void sig_ast(struct trapframe *tf)
{
	struct thread *td = curthread();
	KASSERT(!local_irq_enabled(), "sig_ast context");
	while (td->td_flags & TDF_SIGNAL) {	/* a kick may come while we deliver */
		td->td_flags &= ~TDF_SIGNAL;
		mycpu()->gd_ast--;
		local_irq_enable();
		while (deliver_one(td, tf))
			;
		local_irq_disable();
	}
}

bool sig_fault(struct trapframe *tf, int sig, int code)
{
	struct thread *td = curthread();
	struct proc *p = td->td_proc;
	if (p == NULL)
		return false;
	unsigned long s = spin_lock_irqsave(&p->p_lock);
	struct sigact act = action_locked(p, sig);
	if (act.ac_handler <= (uint64_t)SIG_IGN || (td->td_sigmask & SIGBIT(sig))) {
		spin_unlock_irqrestore(&p->p_lock, s);
		return false;			/* not caught (or blocked): the fault kills */
	}
	uint64_t old = td->td_sigmask;
	enter_handler_locked(td, sig, &act);
	uint64_t stub = p->p_sigstub;
	spin_unlock_irqrestore(&p->p_lock, s);
	siginfo_t info = { 0 };
	info.si_signo = sig;
	info.si_code = code;
	info.si_fltno = (int)tf->tf_scause;
	info.si_fltip = (void *)(uintptr_t)tf->tf_sepc;
	info.si_addr = (void *)(uintptr_t)tf->tf_stval;
	local_irq_enable();
	bool ok = arch_sig_push(td, tf, &info, act.ac_handler, stub, old);
	local_irq_disable();
	return ok;
}

/*
 * SignalReturn(info): the end of a handler (its sigstub calls it with the frame the
 * kernel pushed): restore the context and mask it holds, as the handler may have
 * changed them, and resume there. sstatus stays the kernel's, so no frame gives more
 * than user mode; SIGKILL and SIGSTOP stay unblocked. A frame that cannot be read ends
 * the process (SIGSEGV). Does not return to its caller.
 */
long kcall_signal_return(const uint64_t *a)
{
	struct thread *td = curthread();
	struct proc *p = td->td_proc;
	struct trapframe *tf = user_frame(td);
	struct _sighandler_info fr;
	if (!user_range_ok(a[0], sizeof fr) || copyin(&fr, a[0], sizeof fr))
		bad_frame(td, "SignalReturn of an unreadable frame", a[0]);
	if (!arch_sig_restore(td, tf, &fr.context.uc_mcontext))
		bad_frame(td, "no memory for the FP state of a frame", a[0]);
	unsigned long s = spin_lock_irqsave(&p->p_lock);
	td->td_sigmask = set_in(&fr.context.uc_sigmask) & ~SIG_CANTMASK;
	self_check_locked(td);			/* what the old mask lets through now */
	spin_unlock_irqrestore(&p->p_lock, s);
	arch_return_to_user(tf);
}
