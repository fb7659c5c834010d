/*
 * Sync objects: QNX's mutexes, condvars and semaphores (SyncTypeCreate, SyncDestroy,
 * SyncMutexLock/Unlock, SyncCondvarWait/Signal, SyncSemWait/Post). One file, longer than
 * most: the three kinds share the table, the waiter queues, blocking and cancelling, and
 * priority inheritance needs all of them in view. docs/sync.md has the whole story.
 *
 * Design. A sync_t lives in user memory (sys/neutrino.h). A mutex's __owner word is the
 * owner's tid, 0 when free, with _NTO_SYNC_WAITING set while the kernel has waiters:
 * user code locks with one compare-and-swap 0 -> tid and unlocks with tid -> 0 and never
 * enters the kernel unless a swap fails (user/lib/qsync.c). The kernel side of a sync_t
 * is a struct ksync in its process's sync table, keyed by the user address: made by
 * SyncTypeCreate (kept until SyncDestroy) or by the first wait on it (freed when it is
 * idle again). The kernel reads and swaps the user words through the kernel address of
 * their page (pmap_user_addr), so it never faults and may do it under a spinlock; a
 * sync_t must be 8-byte aligned (EINVAL) in writable memory (EFAULT).
 *
 * One spinlock per process (st_lock, sync.h) guards its table, every ksync, every
 * waiter queue and the sync fields of the process's threads. Lock order: st_lock, then
 * p_lock (to find an owner by tid), then idtable locks; nothing takes st_lock while
 * holding p_lock or a channel lock.
 *
 * Mutexes. A contended lock queues the caller (struct sync_wait, a twait in
 * STATE_MUTEX) by priority, FIFO within one, sets WAITING, and records the owner
 * (ks_owner, on the owner's td_owned list). The unlock of a mutex with waiters comes to
 * the kernel (WAITING makes the user swap fail), which hands the mutex to the highest
 * waiter: it writes the waiter's tid (with WAITING if more remain) and wakes it. No
 * thread can slip in between, so a woken waiter owns the mutex.
 *
 * Priority inheritance. A thread runs at td_pri = MAX(td_msgpri, td_mtxpri): td_msgpri
 * is what message passing gives it (its base priority, or a client's, lwkt_setpri_local)
 * and td_mtxpri the highest waiter of the mutexes it owns. pi_refresh_locked computes
 * the owner's td_mtxpri_want under st_lock and has it applied on the owner's hart
 * (priorities change only there: at once on this hart, else by an IPI sent once the
 * lock is dropped, which applies the latest want, so IPIs crossing each other do no
 * harm). Chains: an owner that is itself blocked on a mutex is requeued at its new
 * priority and passes it to that mutex's owner, up to SYNC_CHAIN_MAX owners; an owner
 * blocked in MsgSend (SEND- or REPLY-blocked) passes it to the channel's server thread
 * (ch_srv, as the send-time boost does) from its own hart's work thread (sync_chain_work:
 * an IPI handler may not take a channel lock). The server keeps that until its next
 * MsgReceive, as for any send-time boost. An unlock recomputes the old owner's
 * td_mtxpri from the mutexes it still holds, so it drops back to the highest remaining
 * boost, or to td_msgpri. PTHREAD_PRIO_NONE mutexes (_NTO_SYNC_PRIONONE) boost nobody.
 *
 * An owner that ends: its contended mutexes go to their highest waiters, whose
 * SyncMutexLock returns EOWNERDEAD (they own the mutex; what it guarded may be
 * inconsistent). A mutex it held without waiters still names its tid: the next
 * SyncMutexLock finds no such live thread, takes it and returns EOWNERDEAD too (tids
 * are never reused, so a stale tid never names another thread).
 *
 * Condvars and semaphores always enter the kernel. A condvar wait queues the caller,
 * releases the mutex (handing it on), blocks in STATE_CONDVAR, and takes the mutex
 * again (blocking in STATE_MUTEX if need be) before it returns, also when the wait was
 * ended by a signal or timeout (then it returns that error). A semaphore's value is its
 * __count, changed only by the kernel under st_lock; a post with waiters hands its unit
 * straight to the highest one.
 *
 * Every wait is a twait (wait.h) whose tw_cancel (sync_cancel) removes the waiter
 * cleanly, so kills, signals and timeouts end it (EINTR, ETIMEDOUT).
 */
#include <skimmer/sync.h>
#include <skimmer/proc.h>
#include <skimmer/thread2.h>
#include <skimmer/channel.h>
#include <skimmer/ipiq.h>
#include <skimmer/kmem.h>
#include <skimmer/errno.h>
#include <skimmer/usercopy.h>
#include <sys/neutrino.h>

#define OWNER_SPECIAL 0x7ffffff0u	/* __owner & MASK from here up names a kind */

static bool is_mutex_word(uint32_t v)
{
	return v == _NTO_SYNC_INITIALIZER || (v & _NTO_SYNC_OWNER_MASK) < OWNER_SPECIAL;
}

/* --- The table ------------------------------------------------------------------------------ */

/* Taken in a critical section, as channel locks are: waking a waiter of this hart must
 * not preempt the lock holder. */
static unsigned long sync_lock(struct proc *p)
{
	crit_enter();
	return spin_lock_irqsave(&p->p_sync.st_lock);
}

static void sync_unlock(struct proc *p, unsigned long s)
{
	spin_unlock_irqrestore(&p->p_sync.st_lock, s);
	crit_exit();
}

void sync_proc_init(struct proc *p)
{
	p->p_sync.st_lock = (struct spinlock)SPINLOCK_INIT("sync");
	for (int i = 0; i < SYNC_HASH; i++)
		list_init(&p->p_sync.st_hash[i]);
	p->p_sync.st_count = 0;
}

static struct list *bucket(struct proc *p, uint64_t addr)
{
	return &p->p_sync.st_hash[(addr >> 3) % SYNC_HASH];
}

static struct ksync *ks_find(struct proc *p, uint64_t addr)
{
	struct list *it, *b = bucket(p, addr);
	list_foreach(it, b) {
		struct ksync *ks = list_entry(it, struct ksync, ks_hlink);
		if (ks->ks_addr == addr)
			return ks;
	}
	return NULL;
}

/* A new ksync for addr. st_lock held. 0, -EAGAIN (SYNC_MAX reached) or -ENOMEM. */
static int ks_new(struct proc *p, uint64_t addr, enum ksync_kind kind, struct ksync **out)
{
	if (p->p_sync.st_count >= SYNC_MAX)
		return -EAGAIN;
	struct ksync *ks = kmalloc(sizeof *ks);
	if (ks == NULL)
		return -ENOMEM;
	ks->ks_addr = addr;
	ks->ks_kind = kind;
	ks->ks_explicit = false;
	ks->ks_noinherit = false;
	list_init(&ks->ks_waiters);
	ks->ks_owner = NULL;
	list_insert_tail(bucket(p, addr), &ks->ks_hlink);
	p->p_sync.st_count++;
	*out = ks;
	return 0;
}

static void ks_free(struct proc *p, struct ksync *ks)
{
	KASSERT(list_empty(&ks->ks_waiters) && ks->ks_owner == NULL, "freeing a busy ksync");
	list_remove(&ks->ks_hlink);
	p->p_sync.st_count--;
	kfree(ks);
}

/* Free ks if it is idle and was made by a wait, not by SyncTypeCreate. st_lock held. */
static void ks_put(struct proc *p, struct ksync *ks)
{
	if (!ks->ks_explicit && list_empty(&ks->ks_waiters) && ks->ks_owner == NULL)
		ks_free(p, ks);
}

int sync_count(struct proc *p)
{
	unsigned long s = sync_lock(p);
	int n = p->p_sync.st_count;
	sync_unlock(p, s);
	return n;
}

void sync_proc_exit(struct proc *p)
{
	unsigned long s = sync_lock(p);
	for (int i = 0; i < SYNC_HASH; i++) {
		struct list *l;
		while ((l = list_first(&p->p_sync.st_hash[i])) != NULL)
			ks_free(p, list_entry(l, struct ksync, ks_hlink));
	}
	sync_unlock(p, s);
}

/* The kernel addresses of the sync_t at user addr: 0, -EFAULT or -EINVAL (misaligned).
 * Any context: never faults. */
static int sync_words(struct proc *p, uint64_t addr, int **cnt, uint32_t **own)
{
	if (!user_range_ok(addr, sizeof(sync_t)))
		return -EFAULT;
	if (addr & 7)
		return -EINVAL;
	void *k = pmap_user_addr(&p->p_pmap, addr, true);
	if (k == NULL)
		return -EFAULT;
	*cnt = k;
	*own = (uint32_t *)k + 1;
	return 0;
}

static bool word_cas(uint32_t *w, uint32_t old, uint32_t new)
{
	return __atomic_compare_exchange_n(w, &old, new, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

/* --- Waiter queues ------------------------------------------------------------------------ */

static void waiter_insert(struct ksync *ks, struct sync_wait *sw)
{
	struct list *it;
	list_foreach(it, &ks->ks_waiters)
		if (list_entry(it, struct sync_wait, sw_tw.tw_link)->sw_tw.tw_pri < sw->sw_tw.tw_pri)
			break;
	list_insert_before(it, &sw->sw_tw.tw_link);
	sw->sw_queued = true;
}

static void waiter_remove(struct sync_wait *sw)
{
	list_remove(&sw->sw_tw.tw_link);
	sw->sw_queued = false;
}

static struct sync_wait *first_waiter(struct ksync *ks)
{
	return list_first_entry(&ks->ks_waiters, struct sync_wait, sw_tw.tw_link);
}

static void sync_cancel(struct twait *tw, int err);

/* Set up sw for the current thread waiting on ks in state; queued by its priority. */
static void waiter_init(struct sync_wait *sw, struct proc *p, struct ksync *ks, int state)
{
	struct thread *td = curthread();
	twait_init(&sw->sw_tw, state, sync_cancel, ks);
	sw->sw_proc = p;
	sw->sw_ownpri = td->td_msgpri;
	sw->sw_queued = false;
	sw->sw_ownerdead = false;
	sw->sw_tw.tw_pri = td->td_pri;
}

/* --- Priority inheritance ----------------------------------------------------------------- */

/* Threads of other harts whose td_mtxpri_want changed: told after st_lock is dropped. */
struct kicks {
	int n;
	struct {
		struct thread *td;
		uint32_t id;
		struct globaldata *gd;
	} k[2 * SYNC_CHAIN_MAX + 2];
};

/* On td's hart, interrupts off: td_mtxpri = td_mtxpri_want, run priority and all. A
 * raise reaches the server of a message call td is blocked in (sync_chain_work). */
static void pri_apply_local(struct thread *td)
{
	int want = __atomic_load_n(&td->td_mtxpri_want, __ATOMIC_RELAXED);
	if (want == td->td_mtxpri)
		return;
	bool up = want > td->td_mtxpri;
	td->td_mtxpri = want;
	int eff = MAX(td->td_msgpri, want);
	if (eff != td->td_pri && eff > TDPRI_IDLE)
		lwkt_setrunpri_local(td, eff);
	struct ipc_wait *w = td->td_ipc;
	if (up && w && (w->iw_state == IPC_SEND || w->iw_state == IPC_REPLY))
		hartwork_queue(&td->td_synchw, td->td_gd->gd_cpuid);
}

/* IPI handler on the hart td was on: td may have ended meanwhile (checked by id), or
 * moved to another hart (lwkt_setcpu_self), where the change follows it. */
static void pri_apply_remote(void *a, void *b)
{
	struct thread *td = a;
	if (!lwkt_thread_alive(td, (uint32_t)(uintptr_t)b))
		return;
	struct globaldata *tgd = __atomic_load_n(&td->td_gd, __ATOMIC_ACQUIRE);
	if (tgd != mycpu())
		ipiq_send(tgd, pri_apply_remote, a, b);
	else
		pri_apply_local(td);
}

/* td's want changed. st_lock held (interrupts off): this hart's threads at once. */
static void kick(struct thread *td, struct kicks *k)
{
	if (td->td_gd == mycpu()) {
		pri_apply_local(td);
	} else if (k->n < (int)ARRAY_SIZE(k->k)) {
		k->k[k->n].td = td;
		k->k[k->n].id = td->td_id;
		k->k[k->n].gd = td->td_gd;
		k->n++;
	}
}

/* After st_lock is dropped (interrupts may still be off). */
static void kicks_send(struct kicks *k)
{
	for (int i = 0; i < k->n; i++)
		ipiq_send(k->k[i].gd, pri_apply_remote, k->k[i].td, (void *)(uintptr_t)k->k[i].id);
	k->n = 0;
}

/* The highest waiter of the inheriting mutexes o owns (0: none). st_lock held. */
static int owner_want(struct thread *o)
{
	int want = 0;
	struct list *it;
	list_foreach(it, &o->td_owned) {
		struct ksync *ks = list_entry(it, struct ksync, ks_olink);
		struct sync_wait *sw = first_waiter(ks);
		if (!ks->ks_noinherit && sw && sw->sw_tw.tw_pri > want)
			want = sw->sw_tw.tw_pri;
	}
	return want;
}

/* What o owns or waits for changed: recompute its inherited priority and pass the
 * change along the chain of owners it waits for (at most SYNC_CHAIN_MAX). st_lock held. */
static void pi_refresh_locked(struct thread *o, struct kicks *k)
{
	for (int depth = 0; o && depth < SYNC_CHAIN_MAX; depth++) {
		int want = owner_want(o);
		if (want == o->td_mtxpri_want)
			return;
		__atomic_store_n(&o->td_mtxpri_want, want, __ATOMIC_RELAXED);
		kick(o, k);
		struct sync_wait *sw = o->td_syncwait;
		if (sw == NULL)
			return;
		int key = MAX(sw->sw_ownpri, want);
		if (key == sw->sw_tw.tw_pri)
			return;
		struct ksync *ks = sw->sw_tw.tw_obj;
		waiter_remove(sw);
		sw->sw_tw.tw_pri = key;
		waiter_insert(ks, sw);
		o = ks->ks_noinherit ? NULL : ks->ks_owner;
	}
}

/* ks's owner is now o (NULL: none, when it has no waiters). st_lock held. */
static void owner_set(struct ksync *ks, struct thread *o, struct kicks *k)
{
	struct thread *old = ks->ks_owner;
	if (old == o)
		return;
	if (old) {
		list_remove(&ks->ks_olink);
		ks->ks_owner = NULL;
		pi_refresh_locked(old, k);
	}
	if (o) {
		ks->ks_owner = o;
		list_insert_tail(&o->td_owned, &ks->ks_olink);
	}
}

/* ks's waiters changed: its owner's boost follows. st_lock held. */
static void mutex_waiters_changed(struct ksync *ks, struct kicks *k)
{
	if (list_empty(&ks->ks_waiters))
		owner_set(ks, NULL, k);
	else if (ks->ks_owner)
		pi_refresh_locked(ks->ks_owner, k);
}

/* td, blocked on a mutex, was raised by a send-time boost (lwkt_boost): requeue it at
 * its new priority and pass that on to the owner. Thread context. */
static void boosted_waiter(struct thread *td)
{
	struct proc *p = td->td_proc;
	struct kicks k = { 0 };
	unsigned long s = sync_lock(p);
	struct sync_wait *sw = td->td_syncwait;
	if (sw && sw->sw_queued && td->td_msgpri > sw->sw_ownpri) {
		struct ksync *ks = sw->sw_tw.tw_obj;
		sw->sw_ownpri = td->td_msgpri;
		int key = MAX(sw->sw_ownpri, td->td_mtxpri_want);
		if (key != sw->sw_tw.tw_pri) {
			waiter_remove(sw);
			sw->sw_tw.tw_pri = key;
			waiter_insert(ks, sw);
			if (!ks->ks_noinherit && ks->ks_owner)
				pi_refresh_locked(ks->ks_owner, &k);
		}
	}
	spin_unlock(&p->p_sync.st_lock);
	kicks_send(&k);
	local_irq_restore(s);
	crit_exit();
}

/* td_synchw, on td's hart in its work thread (td has not ended: sync_thread_exit takes
 * it off the queue). td was raised while blocked: in a message call by a mutex boost,
 * so the channel's server is raised too (the send-time boost's rule); or on a mutex by
 * a send-time boost, which goes on to the mutex's owner. */
void sync_chain_work(struct hartwork *hw)
{
	struct thread *td = container_of(hw, struct thread, td_synchw);
	struct thread *srv = NULL;
	uint32_t srv_id = 0;
	int srv_cpu = 0, pri = 0;
	crit_enter();			/* td does not run (nor end) until we are done */
	unsigned long s = local_irq_save();
	struct ipc_wait *w = td->td_ipc;
	bool on_mutex = td->td_wait && td->td_wait->tw_state == STATE_MUTEX && td->td_proc;
	if (!(td->td_flags & TDF_EXITING) && w && w->iw_chan &&
	    (w->iw_state == IPC_SEND || w->iw_state == IPC_REPLY)) {
		struct channel *ch = w->iw_chan;	/* held by the call in progress */
		pri = td->td_pri;
		spin_lock(&ch->ch_lock);
		if (!(ch->ch_flags & _NTO_CHF_FIXED_PRIORITY) && ch->ch_srv && pri > ch->ch_srv_pri &&
		    (w->iw_state == IPC_SEND || w->iw_state == IPC_REPLY)) {
			ch->ch_srv_pri = pri;
			srv = ch->ch_srv;
			srv_id = ch->ch_srv_id;
			srv_cpu = ch->ch_srv_cpu;
		}
		spin_unlock(&ch->ch_lock);
	}
	local_irq_restore(s);
	if (srv)
		lwkt_boost(srv, srv_id, srv_cpu, pri);
	if (on_mutex)
		boosted_waiter(td);
	crit_exit();
}

/* --- Mutexes ------------------------------------------------------------------------------- */

/* The live thread of p with this tid that has not ended, or NULL. st_lock held. */
static struct thread *thread_by_tid(struct proc *p, uint32_t tid)
{
	struct thread *found = NULL;
	struct list *it;
	spin_lock(&p->p_lock);
	list_foreach(it, &p->p_threads) {
		struct thread *td = list_entry(it, struct thread, td_plink);
		if ((uint32_t)td->td_tid == tid) {
			found = td;
			break;
		}
	}
	spin_unlock(&p->p_lock);
	return found && !found->td_sync_exited ? found : NULL;
}

/*
 * Take the mutex at addr (words cnt/own) for the current thread, or queue sw on it.
 * st_lock held. Returns 0 (ours), -EOWNERDEAD (ours, its owner had ended), 1 (queued:
 * the caller blocks), or -errno: EINVAL not a mutex, EDEADLK ours already, EAGAIN or
 * ENOMEM no kernel object for it.
 */
static int mutex_acquire_locked(struct proc *p, uint64_t addr, int *cnt, uint32_t *own,
				struct sync_wait *sw, struct kicks *k)
{
	struct thread *td = curthread();
	uint32_t me = (uint32_t)td->td_tid;
	for (;;) {
		uint32_t v = __atomic_load_n(own, __ATOMIC_ACQUIRE);
		uint32_t tid = v & _NTO_SYNC_OWNER_MASK;
		struct ksync *ks = ks_find(p, addr);
		if (ks && ks->ks_kind != KS_MUTEX && !list_empty(&ks->ks_waiters))
			return -EINVAL;
		if (!is_mutex_word(v))
			return -EINVAL;
		struct thread *o = NULL;
		if (v != _NTO_SYNC_INITIALIZER && tid != 0) {
			if (tid == me)
				return -EDEADLK;
			o = ks && ks->ks_owner && (uint32_t)ks->ks_owner->td_tid == tid ?
				    ks->ks_owner : thread_by_tid(p, tid);
		}
		if (o == NULL) {
			/* Free, or its owner has ended: ours. */
			bool waiters = ks && !list_empty(&ks->ks_waiters);
			if (!word_cas(own, v, me | (waiters ? _NTO_SYNC_WAITING : 0)))
				continue;
			if (ks)
				owner_set(ks, waiters ? td : NULL, k);
			if (waiters)
				pi_refresh_locked(td, k);
			return (v == _NTO_SYNC_INITIALIZER || tid == 0) ? 0 : -EOWNERDEAD;
		}
		if (ks == NULL) {
			int e = ks_new(p, addr, KS_MUTEX, &ks);
			if (e)
				return e;
			ks->ks_noinherit = (*cnt & _NTO_SYNC_PRIONONE) != 0;
		}
		ks->ks_kind = KS_MUTEX;
		if (!(v & _NTO_SYNC_WAITING) && !word_cas(own, v, v | _NTO_SYNC_WAITING)) {
			ks_put(p, ks);
			continue;
		}
		owner_set(ks, o, k);
		waiter_init(sw, p, ks, STATE_MUTEX);
		waiter_insert(ks, sw);
		td->td_syncwait = sw;
		pi_refresh_locked(o, k);
		return 1;
	}
}

/*
 * Give up the mutex at addr (words own), the current thread's: to its highest waiter,
 * or free. st_lock held. 0, or -EPERM (not ours), -EINVAL (not a mutex).
 */
static int mutex_release_locked(struct proc *p, uint64_t addr, uint32_t *own, struct kicks *k)
{
	struct thread *td = curthread();
	uint32_t v = __atomic_load_n(own, __ATOMIC_ACQUIRE);
	if (!is_mutex_word(v) || v == _NTO_SYNC_INITIALIZER)
		return v == _NTO_SYNC_INITIALIZER ? -EPERM : -EINVAL;
	if ((v & _NTO_SYNC_OWNER_MASK) != (uint32_t)td->td_tid)
		return -EPERM;
	struct ksync *ks = ks_find(p, addr);
	struct sync_wait *sw = ks && ks->ks_kind == KS_MUTEX ? first_waiter(ks) : NULL;
	if (sw == NULL) {
		__atomic_store_n(own, 0, __ATOMIC_RELEASE);
		if (ks) {
			owner_set(ks, NULL, k);
			ks_put(p, ks);
		}
		return 0;
	}
	waiter_remove(sw);
	struct thread *n = sw->sw_tw.tw_td;
	n->td_syncwait = NULL;
	bool more = !list_empty(&ks->ks_waiters);
	__atomic_store_n(own, (uint32_t)n->td_tid | (more ? _NTO_SYNC_WAITING : 0), __ATOMIC_RELEASE);
	owner_set(ks, more ? n : NULL, k);	/* our boost from it goes */
	if (more)
		pi_refresh_locked(n, k);
	twait_wake(&sw->sw_tw, 0);
	return 0;
}

/* Block in sw (queued, st_lock held and taken by sync_lock with saved state s) until it
 * is woken or cancelled; drops the lock and sends the kicks first. Returns tw_result. */
static int sync_block(struct proc *p, struct sync_wait *sw, unsigned long s, struct kicks *k)
{
	int r = twait_prepare(&sw->sw_tw);
	if (r) {
		struct ksync *ks = sw->sw_tw.tw_obj;
		waiter_remove(sw);
		if (sw->sw_tw.tw_state == STATE_MUTEX) {
			curthread()->td_syncwait = NULL;
			mutex_waiters_changed(ks, k);
		}
		ks_put(p, ks);
		spin_unlock(&p->p_sync.st_lock);
		kicks_send(k);
		local_irq_restore(s);
		crit_exit();
		return r;
	}
	/* Interrupts stay off until we are off the run queue: nothing on this hart (a
	 * wakeup, a cancel) runs in between, and another hart's wakeup waits in the IPIQ. */
	spin_unlock(&p->p_sync.st_lock);
	kicks_send(k);
	r = twait_block(&sw->sw_tw, NULL, s);
	crit_exit();
	return r;
}

/* SyncMutexLock's work, also the condvar wait's re-lock. Thread context. */
static long mutex_lock(struct proc *p, uint64_t addr)
{
	struct sync_wait sw;
	struct kicks k = { 0 };
	int *cnt;
	uint32_t *own;
	unsigned long s = sync_lock(p);
	int r = sync_words(p, addr, &cnt, &own);
	if (r == 0)
		r = mutex_acquire_locked(p, addr, cnt, own, &sw, &k);
	if (r != 1) {
		spin_unlock(&p->p_sync.st_lock);
		kicks_send(&k);
		local_irq_restore(s);
		crit_exit();
		return r;
	}
	r = sync_block(p, &sw, s, &k);
	if (r == 0 && sw.sw_ownerdead)
		r = -EOWNERDEAD;
	return r;
}

/* The twait's tw_cancel (thread_unblock): the waiter's hart, interrupts off. */
static void sync_cancel(struct twait *tw, int err)
{
	struct sync_wait *sw = container_of(tw, struct sync_wait, sw_tw);
	struct proc *p = sw->sw_proc;
	struct kicks k = { 0 };
	crit_enter();
	spin_lock(&p->p_sync.st_lock);
	if (sw->sw_queued) {
		struct ksync *ks = tw->tw_obj;
		waiter_remove(sw);
		if (tw->tw_state == STATE_MUTEX) {
			tw->tw_td->td_syncwait = NULL;
			mutex_waiters_changed(ks, &k);
		}
		ks_put(p, ks);
		twait_wake(tw, -err);
	}
	spin_unlock(&p->p_sync.st_lock);
	kicks_send(&k);
	crit_exit();
}

void sync_thread_exit(void)
{
	struct thread *td = curthread();
	struct proc *p = td->td_proc;
	struct kicks k = { 0 };
	unsigned long s = sync_lock(p);
	td->td_sync_exited = true;
	struct list *l;
	while ((l = list_first(&td->td_owned)) != NULL) {
		struct ksync *ks = list_entry(l, struct ksync, ks_olink);
		list_remove(l);
		ks->ks_owner = NULL;
		struct sync_wait *sw = first_waiter(ks);
		int *cnt;
		uint32_t *own;
		if (sw == NULL || sync_words(p, ks->ks_addr, &cnt, &own) != 0) {
			ks_put(p, ks);	/* (never: queued waiters, and its page stays) */
			continue;
		}
		waiter_remove(sw);
		struct thread *n = sw->sw_tw.tw_td;
		n->td_syncwait = NULL;
		sw->sw_ownerdead = true;
		bool more = !list_empty(&ks->ks_waiters);
		__atomic_store_n(own, (uint32_t)n->td_tid | (more ? _NTO_SYNC_WAITING : 0),
				 __ATOMIC_RELEASE);
		owner_set(ks, more ? n : NULL, &k);
		if (more)
			pi_refresh_locked(n, &k);
		twait_wake(&sw->sw_tw, 0);
	}
	td->td_mtxpri_want = 0;
	hartwork_cancel(&td->td_synchw);	/* our hart, interrupts off */
	spin_unlock(&p->p_sync.st_lock);
	kicks_send(&k);
	local_irq_restore(s);
	crit_exit();
}

/* --- Kernel calls ----------------------------------------------------------------------- */

/*
 * SyncTypeCreate(type, sync, attr): make *sync a free mutex (_NTO_SYNC_MUTEX_FREE; __count
 * = attr's __flags, _NTO_SYNC_NONRECURSIVE without attr, plus _NTO_SYNC_PRIONONE for
 * PTHREAD_PRIO_NONE), a semaphore (_NTO_SYNC_SEM; its value is the __count the caller
 * set, 0.._NTO_SYNC_COUNTMASK) or a condvar (_NTO_SYNC_COND; __count = attr's clock).
 * Its kernel object stays until SyncDestroy or the process's end. Errors: EFAULT attr
 * or sync unreadable/unwritable; EINVAL bad type, protocol or flags, a misaligned sync
 * or a bad semaphore value; EBUSY a sync object the kernel knows that is locked or
 * has waiters; EAGAIN SYNC_MAX objects already; ENOMEM.
 */
long kcall_sync_type_create(const uint64_t *a)
{
	unsigned type = (unsigned)a[0];
	uint64_t addr = a[1], uattr = a[2];
	struct _sync_attr at = { 0 };
	struct proc *p = curproc();
	if (uattr && copyin(&at, uattr, sizeof at))
		return -EFAULT;
	if (type != _NTO_SYNC_MUTEX_FREE && type != _NTO_SYNC_SEM && type != _NTO_SYNC_COND)
		return -EINVAL;
	if (at.__protocol != PTHREAD_PRIO_INHERIT && at.__protocol != PTHREAD_PRIO_NONE)
		return -EINVAL;
	if ((unsigned)at.__flags & ~(unsigned)(_NTO_SYNC_NONRECURSIVE | _NTO_SYNC_NOERRORCHECK))
		return -EINVAL;
	int *cnt;
	uint32_t *own;
	unsigned long s = sync_lock(p);
	int r = sync_words(p, addr, &cnt, &own);
	struct ksync *ks = r ? NULL : ks_find(p, addr);
	uint32_t v = r ? 0 : __atomic_load_n(own, __ATOMIC_ACQUIRE);
	if (r)
		goto out;
	if (ks && (!list_empty(&ks->ks_waiters) ||
		   (ks->ks_kind == KS_MUTEX && is_mutex_word(v) && v != _NTO_SYNC_INITIALIZER &&
		    (v & _NTO_SYNC_OWNER_MASK) != 0))) {
		r = -EBUSY;
		goto out;
	}
	if (type == _NTO_SYNC_SEM && (*cnt < 0 || *cnt > (int)_NTO_SYNC_COUNTMASK)) {
		r = -EINVAL;
		goto out;
	}
	if (ks == NULL && (r = ks_new(p, addr, KS_MUTEX, &ks)) != 0)
		goto out;
	ks->ks_explicit = true;
	ks->ks_noinherit = false;
	switch (type) {
	case _NTO_SYNC_MUTEX_FREE:
		ks->ks_kind = KS_MUTEX;
		ks->ks_noinherit = at.__protocol == PTHREAD_PRIO_NONE;
		*cnt = (uattr ? at.__flags : (int)_NTO_SYNC_NONRECURSIVE) |
		       (ks->ks_noinherit ? (int)_NTO_SYNC_PRIONONE : 0);
		__atomic_store_n(own, _NTO_SYNC_MUTEX_FREE, __ATOMIC_RELEASE);
		break;
	case _NTO_SYNC_SEM:
		ks->ks_kind = KS_SEM;
		__atomic_store_n(own, _NTO_SYNC_SEM, __ATOMIC_RELEASE);
		break;
	default:
		ks->ks_kind = KS_COND;
		*cnt = at.__clockid;
		__atomic_store_n(own, _NTO_SYNC_COND, __ATOMIC_RELEASE);
		break;
	}
out:
	sync_unlock(p, s);
	return r;
}

/*
 * SyncDestroy(sync): the object's kernel side goes and __owner becomes
 * _NTO_SYNC_DESTROYED (every later call on it fails EINVAL). Errors: EBUSY a locked
 * mutex or an object with waiters; EINVAL not a sync object (or destroyed already);
 * EFAULT.
 */
long kcall_sync_destroy(const uint64_t *a)
{
	uint64_t addr = a[0];
	struct proc *p = curproc();
	int *cnt;
	uint32_t *own;
	unsigned long s = sync_lock(p);
	int r = sync_words(p, addr, &cnt, &own);
	if (r == 0) {
		struct ksync *ks = ks_find(p, addr);
		uint32_t v = __atomic_load_n(own, __ATOMIC_ACQUIRE);
		if (ks && !list_empty(&ks->ks_waiters))
			r = -EBUSY;
		else if (v == _NTO_SYNC_SEM || v == _NTO_SYNC_COND || v == _NTO_SYNC_INITIALIZER)
			r = 0;
		else if (!is_mutex_word(v))
			r = -EINVAL;
		else if ((v & _NTO_SYNC_OWNER_MASK) != 0)
			r = -EBUSY;
		if (r == 0) {
			if (ks)
				ks_free(p, ks);
			__atomic_store_n(own, _NTO_SYNC_DESTROYED, __ATOMIC_RELEASE);
		}
	}
	sync_unlock(p, s);
	return r;
}

/* SyncMutexLock(sync): see mutex_acquire_locked for the results (0, EOWNERDEAD with the
 * mutex ours, EINVAL, EDEADLK, EAGAIN, ENOMEM), plus EFAULT and, when the wait is ended
 * early, EINTR or ETIMEDOUT. */
long kcall_sync_mutex_lock(const uint64_t *a)
{
	return mutex_lock(curproc(), a[0]);
}

/* SyncMutexUnlock(sync): 0, or EPERM not the caller's, EINVAL not a mutex, EFAULT. */
long kcall_sync_mutex_unlock(const uint64_t *a)
{
	struct proc *p = curproc();
	struct kicks k = { 0 };
	int *cnt;
	uint32_t *own;
	unsigned long s = sync_lock(p);
	int r = sync_words(p, a[0], &cnt, &own);
	if (r == 0)
		r = mutex_release_locked(p, a[0], own, &k);
	spin_unlock(&p->p_sync.st_lock);
	kicks_send(&k);
	local_irq_restore(s);
	crit_exit();
	return r;
}

/* A condvar's word: a condvar, or a static initializer (made one now)? st_lock held. */
static bool cond_word_ok(uint32_t *own)
{
	uint32_t v = __atomic_load_n(own, __ATOMIC_ACQUIRE);
	if (v == _NTO_SYNC_INITIALIZER)
		__atomic_store_n(own, _NTO_SYNC_COND, __ATOMIC_RELEASE);
	return v == _NTO_SYNC_COND || v == _NTO_SYNC_INITIALIZER;
}

/*
 * SyncCondvarWait(sync, mutex): mutex must be the caller's (EPERM; EINVAL not a mutex),
 * sync a condvar (EINVAL). Releases the mutex, waits, and holds the mutex again when it
 * returns 0, or EINTR/ETIMEDOUT if the wait was ended early (EOWNERDEAD if the mutex's
 * owner ended meanwhile). EFAULT, EAGAIN, ENOMEM as SyncMutexLock.
 */
long kcall_sync_condvar_wait(const uint64_t *a)
{
	uint64_t cv = a[0], m = a[1];
	struct proc *p = curproc();
	struct thread *td = curthread();
	struct sync_wait sw;
	struct kicks k = { 0 };
	int *ccnt, *mcnt;
	uint32_t *cown, *mown;
	unsigned long s = sync_lock(p);
	int r = sync_words(p, cv, &ccnt, &cown);
	if (r == 0)
		r = sync_words(p, m, &mcnt, &mown);
	struct ksync *ks = NULL;
	if (r == 0) {
		uint32_t mv = __atomic_load_n(mown, __ATOMIC_ACQUIRE);
		if (!is_mutex_word(mv))
			r = -EINVAL;
		else if (mv == _NTO_SYNC_INITIALIZER ||
			 (mv & _NTO_SYNC_OWNER_MASK) != (uint32_t)td->td_tid)
			r = -EPERM;
		else if (!cond_word_ok(cown))
			r = -EINVAL;
		else if ((ks = ks_find(p, cv)) == NULL)
			r = ks_new(p, cv, KS_COND, &ks);
		else if (ks->ks_kind != KS_COND)
			r = list_empty(&ks->ks_waiters) ? (ks->ks_kind = KS_COND, 0) : -EINVAL;
	}
	if (r) {
		sync_unlock(p, s);
		return r;
	}
	waiter_init(&sw, p, ks, STATE_CONDVAR);
	r = twait_prepare(&sw.sw_tw);
	if (r) {
		ks_put(p, ks);
		sync_unlock(p, s);
		return r;		/* (still holding the mutex) */
	}
	/* Queued only now, at the priority we keep without the mutex's boost (applied at
	 * once: we are on our own hart). Interrupts are off: no cancel comes in between. */
	mutex_release_locked(p, m, mown, &k);	/* checked above: cannot fail */
	sw.sw_ownpri = td->td_msgpri;
	sw.sw_tw.tw_pri = td->td_pri;
	waiter_insert(ks, &sw);
	spin_unlock(&p->p_sync.st_lock);
	kicks_send(&k);
	r = twait_block(&sw.sw_tw, NULL, s);
	crit_exit();
	if (td->td_flags & TDF_KILLED)
		return -EINTR;		/* ending: not worth the mutex */
	long e = mutex_lock(p, m);
	if (e && e != -EOWNERDEAD)
		return e;		/* killed meanwhile (EINTR): we end without it */
	return r ? r : e;
}

/* SyncCondvarSignal(sync, all): wake the highest waiter, or all. 0, or EINVAL not a
 * condvar, EFAULT. */
long kcall_sync_condvar_signal(const uint64_t *a)
{
	uint64_t cv = a[0];
	bool all = (int)a[1] != 0;
	struct proc *p = curproc();
	int *cnt;
	uint32_t *own;
	unsigned long s = sync_lock(p);
	int r = sync_words(p, cv, &cnt, &own);
	if (r == 0 && !cond_word_ok(own))
		r = -EINVAL;
	struct ksync *ks = r ? NULL : ks_find(p, cv);
	if (ks && ks->ks_kind == KS_COND) {
		struct sync_wait *sw;
		while ((sw = first_waiter(ks)) != NULL) {
			waiter_remove(sw);
			twait_wake(&sw->sw_tw, 0);
			if (!all)
				break;
		}
		ks_put(p, ks);
	}
	sync_unlock(p, s);
	return r;
}

/* SyncSemPost(sync): hand one to the highest waiter, or add one to the value. 0, or
 * EINVAL not a semaphore, EOVERFLOW at _NTO_SYNC_COUNTMASK, EFAULT. */
long kcall_sync_sem_post(const uint64_t *a)
{
	struct proc *p = curproc();
	int *cnt;
	uint32_t *own;
	unsigned long s = sync_lock(p);
	int r = sync_words(p, a[0], &cnt, &own);
	if (r == 0 && __atomic_load_n(own, __ATOMIC_ACQUIRE) != _NTO_SYNC_SEM)
		r = -EINVAL;
	if (r == 0) {
		struct ksync *ks = ks_find(p, a[0]);
		struct sync_wait *sw = ks && ks->ks_kind == KS_SEM ? first_waiter(ks) : NULL;
		int c = __atomic_load_n(cnt, __ATOMIC_RELAXED);
		if (sw) {
			waiter_remove(sw);
			twait_wake(&sw->sw_tw, 0);
			ks_put(p, ks);
		} else if (c >= (int)_NTO_SYNC_COUNTMASK) {
			r = -EOVERFLOW;
		} else {
			__atomic_store_n(cnt, c < 0 ? 1 : c + 1, __ATOMIC_RELEASE);
		}
	}
	sync_unlock(p, s);
	return r;
}

/* SyncSemWait(sync, tryonly): take one from the value, waiting (STATE_SEM) while it is
 * 0 unless tryonly (EAGAIN). 0, or EINVAL not a semaphore, EFAULT, EAGAIN/ENOMEM no kernel
 * object, EINTR/ETIMEDOUT the wait ended early. */
long kcall_sync_sem_wait(const uint64_t *a)
{
	uint64_t addr = a[0];
	bool tryonly = (int)a[1] != 0;
	struct proc *p = curproc();
	struct sync_wait sw;
	struct kicks k = { 0 };
	int *cnt;
	uint32_t *own;
	unsigned long s = sync_lock(p);
	int r = sync_words(p, addr, &cnt, &own);
	if (r == 0 && __atomic_load_n(own, __ATOMIC_ACQUIRE) != _NTO_SYNC_SEM)
		r = -EINVAL;
	struct ksync *ks = NULL;
	if (r == 0) {
		int c = __atomic_load_n(cnt, __ATOMIC_RELAXED);
		if (c > 0) {
			__atomic_store_n(cnt, c - 1, __ATOMIC_RELEASE);
			sync_unlock(p, s);
			return 0;
		}
		if (tryonly)
			r = -EAGAIN;
		else if ((ks = ks_find(p, addr)) == NULL)
			r = ks_new(p, addr, KS_SEM, &ks);
		else if (ks->ks_kind != KS_SEM)
			r = list_empty(&ks->ks_waiters) ? (ks->ks_kind = KS_SEM, 0) : -EINVAL;
	}
	if (r) {
		sync_unlock(p, s);
		return r;
	}
	waiter_init(&sw, p, ks, STATE_SEM);
	waiter_insert(ks, &sw);
	return sync_block(p, &sw, s, &k);
}

/* KerThreadSelf(): the caller's tid (user sync code keeps it as its owner value). */
long kcall_thread_self(const uint64_t *a)
{
	return curthread()->td_tid;
}

/* KerThreadKcalls(): the kernel calls the caller has made, this one included. */
long kcall_thread_kcalls(const uint64_t *a)
{
	return (long)curthread()->td_nkcalls;
}
