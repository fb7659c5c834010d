/*
 * Device interrupts for user drivers: InterruptAttachEvent/AttachThread/Detach/Wait/
 * Mask/Unmask, the kernel's interrupt service, and what else a driver needs: KerMapPhys for
 * device registers, KerMemPhys for DMA addresses, KerDeviceTree for finding its device.
 *
 * Design (docs/interrupts.md has the whole story).
 * - A source (a PLIC interrupt) is enabled in exactly one hart's S-mode context: the hart
 *   of the thread that attached it first, until its last attachment goes. Masking is the
 *   source's PLIC priority: 0 masked, 1 open. The source is open exactly when it has
 *   attachments, none of them holds a mask (is_mask == 0) and no taken interrupt waits
 *   for delivery (is_pending == 0).
 * - The trap handler (intr_handle, under arch plic_intr) takes no lock: it counts the
 *   interrupt in is_pending, writes priority 0, and queues the source's hartwork on its
 *   own hart; the PLIC claim is completed after it. The hartwork (thread context,
 *   intr_lock) turns the pending interrupt into one mask per attachment (the driver
 *   unmasks, QNX style) and delivers: SIGEV_INTR to the attaching thread (intr_post, on
 *   that thread's hart with interrupts off, no lock), SIGEV_PULSE through event_deliver
 *   once intr_lock is dropped.
 * - The fast path: a source whose one attachment is a SIGEV_INTR thread of the hart it
 *   is routed to has that thread published in is_fast. The handler then posts to it
 *   itself (it is a thread of this hart, alive: see intr_handle) and counts the mask in
 *   is_kmask instead; whoever next takes intr_lock for the source settles is_kmask into
 *   that attachment's masks (intr_settle) before it looks at them.
 * - Priority writes race only with the handler's "pending, then priority 0": intr_apply
 *   opens the source, then looks at is_pending again and closes it if an interrupt came
 *   meanwhile, so the source never stays open under a pending interrupt.
 * - A thread's SIGEV_INTR state is td_intr_pending and its InterruptWait twait, both
 *   touched only on its own hart with interrupts off (what stands in for an object lock
 *   in the twait contract): intr_post and the cancel function run there.
 * - Attachments belong to the attaching thread (or, _NTO_INTR_FLAGS_PROCESS on a
 *   non-SIGEV_INTR event, to its process) and go when it ends (intr_thread_exit), their
 *   masks undone. Ids come from one system-wide id table, checked against the caller's
 *   process.
 *
 * Locks: intr_lock (interrupts off) guards the sources' attachment lists, is_mask,
 * is_cpu, the PLIC enable bits and every attachment's fields; it nests outside the id
 * table's lock and is never taken by an interrupt or IPIQ handler.
 */
#include <skimmer/intr.h>
#include <skimmer/thread2.h>
#include <skimmer/proc.h>
#include <skimmer/wait.h>
#include <skimmer/event.h>
#include <skimmer/ipiq.h>
#include <skimmer/kmem.h>
#include <skimmer/idtable.h>
#include <skimmer/errno.h>
#include <skimmer/usercopy.h>
#include <skimmer/fdt.h>
#include <arch/plic.h>
#include <arch/pmap.h>
#include <sys/neutrino.h>

extern struct fdt_info bootinfo;

struct intr_src {
	uint32_t is_irq;
	/* intr_lock must be held to touch these: */
	struct list is_attach;		/* struct intr_attach, by ia_link */
	int is_nattach;
	int is_cpu;			/* the hart whose context enables it, -1: none */
	int is_mask;			/* masks the attachments hold, summed */
	/* Atomics: */
	uint32_t is_pending;		/* taken by the handler, masked, not yet delivered */
	uint32_t is_kmask;		/* delivered by the fast path, mask not yet settled */
	/* The fast path's thread and its hart, written under intr_lock inside is_fast_seq
	 * (odd while they change), read by the handler without a lock: */
	uint32_t is_fast_seq;
	struct thread *is_fast;
	int is_fast_cpu;
	uint64_t is_count;		/* interrupts taken */
	struct hartwork is_work;	/* delivery, on the hart that took it */
};

struct intr_attach {
	/* intr_lock must be held to touch these: */
	struct list ia_link;		/* on ia_src's is_attach */
	struct list ia_all;		/* on intr_all */
	struct intr_src *ia_src;
	int ia_id;
	int ia_masks;			/* masks taken through this id, not yet undone */
	struct thread *ia_td;		/* the attaching thread; NULL once a PROCESS
					 * attachment has outlived it */
	uint32_t ia_tdid;
	struct proc *ia_proc;
	uint32_t ia_pid;
	unsigned ia_flags;
	struct sigevent ia_ev;		/* PRIO_INHERIT resolved at attach time */
};

#define INTR_FLAGS (_NTO_INTR_FLAGS_END | _NTO_INTR_FLAGS_PROCESS | _NTO_INTR_FLAGS_TRK_MSK)

static struct spinlock intr_lock = SPINLOCK_INIT("intr");
static struct list intr_all = LIST_INIT_STATIC(intr_all);	/* intr_lock */
static struct idtable intr_ids;					/* filled under intr_lock */
static struct intr_src *srcs;	/* srcs[1..ndev]; set once at boot */
static uint32_t ndev;
static int srcs_order;

static void intr_work(struct hartwork *hw);

/* The bench probe (make bench): when the last device interrupt was taken, and for the
 * last INTR_PROBE waits that an interrupt ended, the instructions from there to
 * InterruptWait's return. Written by any hart, relaxed; read by the bench only, on a
 * quiet machine. */
#define INTR_PROBE 16
static uint64_t probe_stamp;
static uint64_t probe[INTR_PROBE];
static uint32_t probe_n;

void intr_init(void)
{
	uint32_t n = plic_ndev();
	if (n == 0)
		return;
	plic_init();
	size_t bytes = (n + 1) * sizeof(struct intr_src);
	while ((PAGE_SIZE << srcs_order) < bytes)
		srcs_order++;
	srcs = page_alloc(srcs_order);
	idtable_init(&intr_ids, INTR_MAX_ATTACH + 1);
	if (srcs == NULL || idtable_reserve(&intr_ids, INTR_MAX_ATTACH + 1) != 0)
		panic("intr: no memory for %u interrupt sources", n);
	for (uint32_t irq = 1; irq <= n; irq++) {
		struct intr_src *is = &srcs[irq];
		is->is_irq = irq;
		list_init(&is->is_attach);
		is->is_cpu = -1;
		is->is_fast_cpu = -1;
		hartwork_init(&is->is_work, intr_work);
	}
	ndev = n;
}

/* Set the source's priority from its state (see the design note). intr_lock held. */
static bool intr_taken(struct intr_src *is)
{
	return __atomic_load_n(&is->is_pending, __ATOMIC_SEQ_CST) != 0 ||
	       __atomic_load_n(&is->is_kmask, __ATOMIC_SEQ_CST) != 0;
}

static void intr_apply(struct intr_src *is)
{
	bool open = is->is_nattach > 0 && is->is_mask == 0 && !intr_taken(is);
	plic_set_priority(is->is_irq, open ? 1 : 0);
	/* The handler counts first and writes 0 after: if it counted after our look, its
	 * 0 lands after our 1; if before, we see it here. */
	if (open && intr_taken(is))
		plic_set_priority(is->is_irq, 0);
}

/* The fast path's masks become the masks of the attachment it delivered to (the only
 * one: is_fast is cleared, under this lock, before a second comes or it goes). intr_lock
 * held. */
static void intr_settle(struct intr_src *is)
{
	uint32_t n = __atomic_exchange_n(&is->is_kmask, 0, __ATOMIC_SEQ_CST);
	if (n == 0)
		return;
	struct intr_attach *ia = list_entry(list_first(&is->is_attach), struct intr_attach, ia_link);
	KASSERT(is->is_nattach == 1, "intr %u: fast-path masks with %d attachments", is->is_irq,
		is->is_nattach);
	ia->ia_masks += (int)n;
	is->is_mask += (int)n;
}

/* Publish the fast path's thread, or none: after every change to the attachments, with
 * the masks settled. intr_lock held. */
static void intr_update_fast(struct intr_src *is)
{
	struct thread *td = NULL;
	if (is->is_nattach == 1) {
		struct intr_attach *ia = list_entry(list_first(&is->is_attach), struct intr_attach,
						    ia_link);
		if (ia->ia_ev.sigev_notify == SIGEV_INTR && ia->ia_td->td_gd->gd_cpuid == is->is_cpu)
			td = ia->ia_td;
	}
	__atomic_store_n(&is->is_fast_seq, is->is_fast_seq + 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&is->is_fast, td, __ATOMIC_SEQ_CST);
	__atomic_store_n(&is->is_fast_cpu, td ? is->is_cpu : -1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&is->is_fast_seq, is->is_fast_seq + 1, __ATOMIC_SEQ_CST);
}

/* The fast path's thread if it is one of this hart's, else NULL. The handler, interrupts
 * off. A thread of this hart cannot end while we run, and before it ends it takes
 * intr_lock, which clears is_fast or follows whoever cleared it: a consistent snapshot
 * naming this hart is a live thread. (A claim taken just before the source moved to
 * another hart may see that hart's thread: the snapshot's hart tells.) */
static struct thread *intr_fast_thread(struct intr_src *is)
{
	uint32_t seq = __atomic_load_n(&is->is_fast_seq, __ATOMIC_SEQ_CST);
	struct thread *td = __atomic_load_n(&is->is_fast, __ATOMIC_SEQ_CST);
	int cpu = __atomic_load_n(&is->is_fast_cpu, __ATOMIC_SEQ_CST);
	if ((seq & 1) || __atomic_load_n(&is->is_fast_seq, __ATOMIC_SEQ_CST) != seq)
		return NULL;
	return cpu == mycpu()->gd_cpuid ? td : NULL;
}

/* --- The interrupt path -------------------------------------------------------------------- */

/* On td's hart, interrupts off, td known to be live: the SIGEV_INTR arrives. */
static void intr_post_live(struct thread *td)
{
	struct twait *tw = td->td_wait;
	if (tw && !tw->tw_done && tw->tw_state == STATE_INTR)
		twait_wake(tw, 0);
	else
		td->td_intr_pending = true;
}


void intr_handle(uint32_t irq)
{
	if (unlikely(srcs == NULL || irq > ndev))
		return;
	struct intr_src *is = &srcs[irq];
	__atomic_store_n(&probe_stamp, cpu_cycles(), __ATOMIC_RELAXED);
	__atomic_fetch_add(&is->is_count, 1, __ATOMIC_RELAXED);
	struct thread *td = intr_fast_thread(is);
	if (td) {
		__atomic_fetch_add(&is->is_kmask, 1, __ATOMIC_SEQ_CST);
		plic_set_priority(irq, 0);
		intr_post_live(td);
		return;
	}
	__atomic_fetch_add(&is->is_pending, 1, __ATOMIC_SEQ_CST);
	plic_set_priority(irq, 0);
	hartwork_queue(&is->is_work, mycpu()->gd_cpuid);
}

/* The same for a td that may have ended meanwhile. */
static void intr_post_local(struct thread *td, uint32_t id)
{
	if (lwkt_thread_alive(td, id))
		intr_post_live(td);
}

static void intr_post_remote(void *a, void *b)
{
	intr_post_local(a, (uint32_t)(uintptr_t)b);
}

/* Post to (td, id) on hart gd, td's: td may be gone meanwhile (checked there). */
static void intr_post_to(struct globaldata *gd, struct thread *td, uint32_t id)
{
	unsigned long s = local_irq_save();
	if (gd == mycpu())
		intr_post_local(td, id);
	else
		ipiq_send(gd, intr_post_remote, td, (void *)(uintptr_t)id);
	local_irq_restore(s);
}

void intr_post(struct thread *td, uint32_t id)
{
	intr_post_to(td->td_gd, td, id);	/* td is live: the caller knows */
}

/* The source's hartwork: thread context on the hart that took the interrupt. What is to
 * be delivered is noted under intr_lock and delivered after it: a post to another hart
 * may wait for room in an IPIQ ring, which must never happen with a lock held that a
 * hart could be spinning on with interrupts off. Only a SIGEV_INTR for a thread of this
 * hart is posted at once (interrupts are off under the lock, and the attachment keeps
 * the thread alive). */
static void intr_work(struct hartwork *hw)
{
	struct intr_src *is = container_of(hw, struct intr_src, is_work);
	struct delivery {
		struct sigevent ev;
		uint32_t pid, tdid;
		struct thread *td;		/* SIGEV_INTR: maybe gone by the post */
		struct globaldata *gd;		/* td's hart */
	} ev[INTR_MAX_PER_SRC];
	int nev = 0;
	unsigned long s = spin_lock_irqsave(&intr_lock);
	intr_settle(is);
	if (__atomic_exchange_n(&is->is_pending, 0, __ATOMIC_SEQ_CST) != 0) {
		struct list *it;
		list_foreach(it, &is->is_attach) {
			struct intr_attach *ia = list_entry(it, struct intr_attach, ia_link);
			ia->ia_masks++;		/* the kernel masks at delivery; the driver unmasks */
			is->is_mask++;
			if (ia->ia_ev.sigev_notify == SIGEV_INTR && ia->ia_td->td_gd == mycpu()) {
				/* A thread of this hart: live while attached, and no IPIQ. */
				intr_post_live(ia->ia_td);
				continue;
			}
			if (ia->ia_ev.sigev_notify == SIGEV_NONE || nev == INTR_MAX_PER_SRC)
				continue;
			ev[nev] = (struct delivery){ ia->ia_ev, ia->ia_pid, ia->ia_tdid, ia->ia_td,
						     ia->ia_td ? ia->ia_td->td_gd : NULL };
			nev++;
		}
	}
	intr_apply(is);
	spin_unlock_irqrestore(&intr_lock, s);
	for (int i = 0; i < nev; i++) {
		if (ev[i].ev.sigev_notify == SIGEV_INTR)
			intr_post_to(ev[i].gd, ev[i].td, ev[i].tdid);
		else
			event_deliver(ev[i].pid, NULL, &ev[i].ev);	/* a gone process: dropped */
	}
}

/* --- Attach and detach --------------------------------------------------------------------- */

static bool io_privileged(void)
{
	return curthread()->td_flags & TDF_IOPRIV;
}

/* The common part of both attach calls; ev is checked and copied in. */
static long intr_attach(int irq, const struct sigevent *ev, unsigned flags)
{
	struct thread *td = curthread();
	if (!io_privileged())
		return -EPERM;
	if (irq < 1 || (uint32_t)irq > ndev || (flags & ~INTR_FLAGS))
		return -EINVAL;
	if (!plic_cpu_ok(td->td_gd->gd_cpuid))
		return -EINVAL;		/* this hart has no PLIC context to route it to */
	struct intr_attach *ia = kmalloc(sizeof *ia);
	if (ia == NULL)
		return -ENOMEM;
	ia->ia_td = td;
	ia->ia_tdid = td->td_id;
	ia->ia_proc = td->td_proc;
	ia->ia_pid = td->td_proc->p_pid;
	ia->ia_flags = flags;
	ia->ia_ev = *ev;
	if (ev->sigev_notify == SIGEV_PULSE && ev->sigev_priority == SIGEV_PULSE_PRIO_INHERIT)
		ia->ia_ev.sigev_priority = (short)td->td_pri;
	struct intr_src *is = &srcs[irq];
	ia->ia_src = is;

	unsigned long s = spin_lock_irqsave(&intr_lock);
	int id = is->is_nattach < INTR_MAX_PER_SRC ? idtable_alloc(&intr_ids, ia, 1) : -EAGAIN;
	if (id < 0) {
		spin_unlock_irqrestore(&intr_lock, s);
		kfree(ia);
		return id;
	}
	ia->ia_id = id;
	intr_settle(is);	/* masks from before us are not ours */
	list_insert_tail(&is->is_attach, &ia->ia_link);
	list_insert_tail(&intr_all, &ia->ia_all);
	if (is->is_nattach++ == 0) {
		is->is_cpu = td->td_gd->gd_cpuid;
		plic_enable(is->is_irq, is->is_cpu, true);
	}
	intr_update_fast(is);
	intr_apply(is);
	spin_unlock_irqrestore(&intr_lock, s);
	return id;
}

/*
 * InterruptAttachEvent(intr, event, flags): deliver event at each interrupt of source
 * intr (SIGEV_INTR: to the calling thread, for InterruptWait; SIGEV_PULSE: queued on the
 * process's connection sigev_coid; SIGEV_NONE: only masks). The kernel masks the source
 * at each delivery; the driver calls InterruptUnmask. Returns the attachment id.
 * Errors: EPERM no I/O privilege; EFAULT event unreadable; EINVAL a bad event, irq not a
 * source, unknown flags; EAGAIN too many attachments (INTR_MAX_*); ENOMEM.
 */
long kcall_interrupt_attach_event(const uint64_t *a)
{
	struct sigevent ev;
	if (!io_privileged())
		return -EPERM;
	if (a[1] == 0 || copyin(&ev, a[1], sizeof ev))
		return -EFAULT;
	if (event_check(&ev))
		return -EINVAL;
	return intr_attach((int)a[0], &ev, (unsigned)a[2]);
}

/* InterruptAttachThread(intr, flags): InterruptAttachEvent with SIGEV_INTR: the calling
 * thread takes each interrupt with InterruptWait. Errors as InterruptAttachEvent's. */
long kcall_interrupt_attach_thread(const uint64_t *a)
{
	struct sigevent ev = { .sigev_notify = SIGEV_INTR };
	return intr_attach((int)a[0], &ev, (unsigned)a[1]);
}

/* Take ia out of everything, undoing its masks; the caller frees it. intr_lock held. */
static void intr_release_locked(struct intr_attach *ia)
{
	struct intr_src *is = ia->ia_src;
	intr_settle(is);
	is->is_mask -= ia->ia_masks;
	KASSERT(is->is_mask >= 0, "intr %u: mask count %d", is->is_irq, is->is_mask);
	list_remove(&ia->ia_link);
	list_remove(&ia->ia_all);
	idtable_remove(&intr_ids, ia->ia_id);
	if (--is->is_nattach == 0) {
		plic_enable(is->is_irq, is->is_cpu, false);
		is->is_cpu = -1;
	}
	intr_update_fast(is);
	intr_apply(is);
}

/* The caller's attachment id, or NULL. intr_lock held. */
static struct intr_attach *attach_find_locked(int id)
{
	struct intr_attach *ia = idtable_lookup(&intr_ids, id);
	return ia && ia->ia_proc == curproc() ? ia : NULL;
}

/* InterruptDetach(id): end attachment id of the calling process, undoing the masks taken
 * through it; the last attachment of a source disables it. Errors: EPERM no I/O
 * privilege; EINVAL id is not an attachment of this process. */
long kcall_interrupt_detach(const uint64_t *a)
{
	if (!io_privileged())
		return -EPERM;
	unsigned long s = spin_lock_irqsave(&intr_lock);
	struct intr_attach *ia = attach_find_locked((int)a[0]);
	if (ia)
		intr_release_locked(ia);
	spin_unlock_irqrestore(&intr_lock, s);
	if (ia == NULL)
		return -EINVAL;
	kfree(ia);
	return 0;
}

void intr_thread_exit(struct thread *td, bool last)
{
	struct list gone = LIST_INIT_STATIC(gone), *it, *next;
	if (srcs == NULL)
		return;
	unsigned long s = spin_lock_irqsave(&intr_lock);
	for (it = intr_all.next; it != &intr_all; it = next) {
		next = it->next;
		struct intr_attach *ia = list_entry(it, struct intr_attach, ia_all);
		bool keep = (ia->ia_flags & _NTO_INTR_FLAGS_PROCESS) &&
			    ia->ia_ev.sigev_notify != SIGEV_INTR;
		if ((ia->ia_td == td && !keep) || (last && ia->ia_proc == td->td_proc)) {
			intr_release_locked(ia);
			list_insert_tail(&gone, &ia->ia_all);
		} else if (ia->ia_td == td) {
			ia->ia_td = NULL;	/* a PROCESS pulse attachment outlives us */
		}
	}
	spin_unlock_irqrestore(&intr_lock, s);
	while ((it = list_first(&gone)) != NULL) {
		list_remove(it);
		kfree(list_entry(it, struct intr_attach, ia_all));
	}
}

/* --- Masking ------------------------------------------------------------------------------- */

/* InterruptMask(intr, id) and InterruptUnmask(intr, id): one more mask through attachment
 * id of source intr, or one fewer (each id tracks its own, and may not go below zero).
 * Return the source's mask count after the call. Errors: EPERM no I/O privilege; EINVAL
 * id is not this process's attachment to intr, or (unmask) holds no mask. */
static long intr_mask(int irq, int id, int delta)
{
	if (!io_privileged())
		return -EPERM;
	unsigned long s = spin_lock_irqsave(&intr_lock);
	struct intr_attach *ia = attach_find_locked(id);
	long r = -EINVAL;
	if (ia)
		intr_settle(ia->ia_src);
	if (ia && (int)ia->ia_src->is_irq == irq && ia->ia_masks + delta >= 0) {
		ia->ia_masks += delta;
		ia->ia_src->is_mask += delta;
		r = ia->ia_src->is_mask;
		intr_apply(ia->ia_src);
	}
	spin_unlock_irqrestore(&intr_lock, s);
	return r;
}

long kcall_interrupt_mask(const uint64_t *a)
{
	return intr_mask((int)a[0], (int)a[1], 1);
}

long kcall_interrupt_unmask(const uint64_t *a)
{
	return intr_mask((int)a[0], (int)a[1], -1);
}

/* --- InterruptWait ------------------------------------------------------------------------- */

/* Ends an InterruptWait early (thread_unblock: a kill, a signal, a timeout). The waiter's
 * hart, interrupts off. */
static void intr_wait_cancel(struct twait *tw, int err)
{
	if (!tw->tw_done)
		twait_wake(tw, -err);
}

/*
 * InterruptWait(flags, timeout): block in STATE_INTR until a SIGEV_INTR is posted to the
 * calling thread; one that came since the last InterruptWait makes it return at once
 * (several count as one). flags must be 0 and timeout NULL (reserved, as in QNX: a
 * timeout comes from TimerTimeout with _NTO_TIMEOUT_INTR). Returns 0. Errors: EPERM no
 * I/O privilege; EINVAL flags or timeout; EINTR a kill or a signal ended the wait.
 */
long kcall_interrupt_wait(const uint64_t *a)
{
	struct thread *td = curthread();
	struct twait tw;
	if (!io_privileged())
		return -EPERM;
	if ((int)a[0] != 0 || a[1] != 0)
		return -EINVAL;
	twait_init(&tw, STATE_INTR, intr_wait_cancel, NULL);
	unsigned long s = local_irq_save();
	if (td->td_intr_pending) {
		td->td_intr_pending = false;
		local_irq_restore(s);
		return 0;
	}
	int err = twait_prepare(&tw);
	if (err) {
		local_irq_restore(s);
		return err;
	}
	err = twait_block(&tw, NULL, s);
	if (err == 0) {
		uint32_t n = __atomic_fetch_add(&probe_n, 1, __ATOMIC_RELAXED);
		probe[n % INTR_PROBE] = cpu_cycles() - __atomic_load_n(&probe_stamp, __ATOMIC_RELAXED);
	}
	return err;
}

/* --- Device registers ---------------------------------------------------------------------- */

extern char _kernel_start[], _end[];

/* May a user driver map [pa, pa + len)? Not RAM (which holds the kernel, its data and
 * every process's pages), not the PLIC (the kernel's own). */
static bool phys_is_device(uint64_t pa, uint64_t len)
{
	for (int i = 0; i < bootinfo.nmem; i++)
		if (pa < bootinfo.mem[i].base + bootinfo.mem[i].size && bootinfo.mem[i].base < pa + len)
			return false;
	if (pa < (uintptr_t)_end && (uintptr_t)_kernel_start < pa + len)
		return false;
	return !plic_overlaps(pa, len);
}

/*
 * KerMapPhys(paddr, len): map the device registers [paddr, paddr + len) read/write and
 * uncached into the caller's device window (DEVWIN_LO.., arch/pmap.h); returns the user
 * address. The mapping lasts as long as the address space. Errors: EPERM no I/O
 * privilege, or the range touches RAM, the kernel or the PLIC; EINVAL len 0, paddr or
 * len not page-aligned, the range wraps or lies beyond 56-bit physical addresses; ENOMEM
 * the window is full or no memory for page tables.
 */
long kcall_map_phys(const uint64_t *a)
{
	uint64_t pa = a[0], len = a[1];
	struct proc *p = curproc();
	if (!io_privileged())
		return -EPERM;
	if (len == 0 || ((pa | len) & (PAGE_SIZE - 1)) || pa + len < pa || pa + len > (1ULL << 56))
		return -EINVAL;
	if (!phys_is_device(pa, len))
		return -EPERM;
	unsigned long s = spin_lock_irqsave(&p->p_vmlock);
	uint64_t va = DEVWIN_LO + p->p_devwin_used;
	int err = len > DEVWIN_HI - va ? ENOMEM : pmap_enter_phys(&p->p_pmap, va, pa, len);
	if (!err)
		p->p_devwin_used += len;
	spin_unlock_irqrestore(&p->p_vmlock, s);
	return err ? -err : (long)va;
}

/*
 * KerMemPhys(va, len, paddr, contig): for DMA, the physical address of the caller's byte
 * at va into *paddr, and into *contig how many bytes from va, at most len, lie in mapped
 * pages that are physically contiguous. A page keeps its address while it is mapped
 * (Skimmer never pages out or moves memory), so a driver keeps its own mapping of what it
 * gives a device. Errors: EPERM no I/O privilege; EINVAL len 0 or va + len wraps; EFAULT
 * no page (or device registers) at va, or paddr/contig unwritable.
 */
long kcall_mem_phys(const uint64_t *a)
{
	uint64_t va = a[0], len = a[1];
	struct proc *p = curproc();
	if (!io_privileged())
		return -EPERM;
	if (len == 0 || va + len < va)
		return -EINVAL;
	int kind;
	uint64_t off = va & (PAGE_SIZE - 1), run = PAGE_SIZE - off;
	unsigned long s = spin_lock_irqsave(&p->p_vmlock);
	char *first = pmap_page_of(&p->p_pmap, va, &kind);
	for (char *pg = first; pg && run < len; run += PAGE_SIZE) {
		char *next = pmap_page_of(&p->p_pmap, va - off + run, &kind);
		if (next != pg + PAGE_SIZE)
			break;
		pg = next;
	}
	spin_unlock_irqrestore(&p->p_vmlock, s);
	if (first == NULL)
		return -EFAULT;
	uint64_t pa = (uintptr_t)first + off, n = MIN(run, len);
	if (copyout(a[2], &pa, sizeof pa) || copyout(a[3], &n, sizeof n))
		return -EFAULT;
	return 0;
}

/* --- The device tree ----------------------------------------------------------------------- */

extern void *boot_fdt;

/*
 * KerDeviceTree(buf, len): copy the first min(len, size) bytes of the device tree the
 * firmware booted us with into buf (nothing when len is 0), so drivers find their
 * devices where the kernel found its own. Returns the blob's size. Anyone may read it:
 * it says what the board has, not who may use it. Errors: EFAULT buf unwritable.
 */
long kcall_device_tree(const uint64_t *a)
{
	uint64_t size = bootinfo.totalsize, n = MIN(a[1], size);
	if (n && copyout(a[0], boot_fdt, n))
		return -EFAULT;
	return (long)size;
}

/* --- For the self-tests -------------------------------------------------------------------- */

struct unblock_req {
	struct thread *ur_td;
	uint32_t ur_id;
	int ur_err;
};

/* On the waiter's hart, in a kernel thread of its own: what a signal will do. */
static void unblock_on_hart(void *arg)
{
	struct unblock_req r = *(struct unblock_req *)arg;
	kfree(arg);
	unsigned long s = local_irq_save();
	if (lwkt_thread_alive(r.ur_td, r.ur_id))
		thread_unblock(r.ur_td, r.ur_err, false);
	local_irq_restore(s);
}

int intr_unblock_waiters(uint32_t irq, int err)
{
	struct unblock_req *req[INTR_MAX_PER_SRC];
	int cpu[INTR_MAX_PER_SRC], n = 0, done = 0;
	if (srcs == NULL || irq < 1 || irq > ndev)
		return 0;
	for (int i = 0; i < INTR_MAX_PER_SRC; i++)
		req[i] = kmalloc(sizeof *req[i]);
	unsigned long s = spin_lock_irqsave(&intr_lock);
	struct list *it;
	list_foreach(it, &srcs[irq].is_attach) {
		struct intr_attach *ia = list_entry(it, struct intr_attach, ia_link);
		if (ia->ia_td && thread_state(ia->ia_td) == STATE_INTR && req[n]) {
			*req[n] = (struct unblock_req){ ia->ia_td, ia->ia_tdid, err };
			cpu[n++] = ia->ia_td->td_gd->gd_cpuid;
		}
	}
	spin_unlock_irqrestore(&intr_lock, s);
	for (int i = 0; i < INTR_MAX_PER_SRC; i++) {
		if (i < n && lwkt_create(unblock_on_hart, req[i], TDPRI_MAX, cpu[i], "unblock"))
			done++;
		else
			kfree(req[i]);
	}
	return done;
}

int intr_probe_take(uint64_t *out, int max)
{
	uint32_t n = __atomic_exchange_n(&probe_n, 0, __ATOMIC_RELAXED);
	int k = (int)MIN(n, (uint32_t)MIN(max, INTR_PROBE));
	for (int i = 0; i < k; i++)
		out[i] = probe[(n - k + i) % INTR_PROBE];
	return k;
}

bool intr_source_info(uint32_t irq, struct intr_info *ii)
{
	if (srcs == NULL || irq < 1 || irq > ndev)
		return false;
	struct intr_src *is = &srcs[irq];
	unsigned long s = spin_lock_irqsave(&intr_lock);
	intr_settle(is);
	ii->ii_nattach = is->is_nattach;
	ii->ii_cpu = is->is_cpu;
	ii->ii_mask = is->is_mask;
	ii->ii_prio = plic_priority(irq);
	ii->ii_count = __atomic_load_n(&is->is_count, __ATOMIC_RELAXED);
	ii->ii_waiting = 0;
	struct list *it;
	list_foreach(it, &is->is_attach) {
		struct intr_attach *ia = list_entry(it, struct intr_attach, ia_link);
		if (ia->ia_td && thread_state(ia->ia_td) == STATE_INTR)
			ii->ii_waiting++;
	}
	spin_unlock_irqrestore(&intr_lock, s);
	return true;
}
