/* System calls for taskman and its tools: thread information, counters, shutdown. */
#include <skimmer/proc.h>
#include <skimmer/thread2.h>
#include <skimmer/kmem.h>
#include <skimmer/errno.h>
#include <skimmer/usercopy.h>
#include <skimmer/channel.h>
#include <skimmer/selftest.h>
#include <skimmer/kproc.h>
#include <sys/neutrino.h>

/* What td is doing, as pidin shows it. p_lock held: td stays on p_threads, but the
 * call it is in may end while we look, so this is a snapshot (every pointer followed is
 * kernel memory that stays mapped, at worst reused). */
static void thread_info_locked(struct thread *td, struct _qsoe_thread_info *ti)
{
	ti->tid = td->td_tid;
	ti->priority = td->td_pri;
	ti->base_priority = td->td_basepri;
	ti->policy = td->td_policy;
	ti->last_cpu = td->td_gd->gd_cpuid;
	struct ipc_wait *w = __atomic_load_n(&td->td_ipc, __ATOMIC_ACQUIRE);
	struct twait *tw = __atomic_load_n(&td->td_wait, __ATOMIC_ACQUIRE);
	if (w) {
		enum ipc_state st = w->iw_state;
		struct channel *ch = w->iw_chan;
		ti->state = st == IPC_SEND ? STATE_SEND : st == IPC_RECEIVE ? STATE_RECEIVE :
			    st == IPC_REPLY ? STATE_REPLY : STATE_READY;
		if (ch && ti->state != STATE_READY) {
			ti->blocked_id = ch->ch_chid;
			if (st != IPC_RECEIVE && ch->ch_owner)
				ti->blocked_pid = (int32_t)ch->ch_owner->p_pid;
		}
	} else if (tw) {
		ti->state = tw->tw_state;
		ti->blocked_addr = (uint64_t)(uintptr_t)tw->tw_obj;
	} else {
		ti->state = td->td_gd->gd_curthread == td ? STATE_RUNNING : STATE_READY;
	}
}

/*
 * KerThreadInfo(pid, after, info): the thread of process pid (0: the caller's) with the
 * smallest tid greater than after, into *info; returns 0. Errors: ESRCH no such process;
 * ENOENT no thread after that one; EFAULT info unwritable.
 */
long kcall_thread_info(const uint64_t *a)
{
	uint32_t pid = (uint32_t)a[0];
	int after = (int)a[1];
	struct _qsoe_thread_info ti = { 0 };
	struct kproc *kp = kproc_get(pid);
	struct proc *p = kp ? kproc_proc(kp) : NULL;
	if (p == NULL && (pid == 0 || pid == curproc()->p_pid))
		p = curproc();		/* a process the kernel's self-tests started */
	if (p == NULL)
		return -ESRCH;
	struct thread *best = NULL;
	struct list *it;
	unsigned long s = spin_lock_irqsave(&p->p_lock);
	list_foreach(it, &p->p_threads) {
		struct thread *td = list_entry(it, struct thread, td_plink);
		if (td->td_tid > after && (best == NULL || td->td_tid < best->td_tid))
			best = td;
	}
	if (best)
		thread_info_locked(best, &ti);
	spin_unlock_irqrestore(&p->p_lock, s);
	if (kp)
		kproc_put(kp);
	if (best == NULL)
		return -ENOENT;
	return copyout(a[2], &ti, sizeof ti) ? -EFAULT : 0;
}

/* KerSysInfo(info): the machine's counters into *info (the heap's cached slabs are
 * returned first, so free_pages is comparable before and after). Errors: EFAULT. */
long kcall_sys_info(const uint64_t *a)
{
	kmalloc_trim();
	struct _qsoe_sysinfo si = {
		.page_size = PAGE_SIZE, .total_pages = page_total_count(),
		.free_pages = page_free_count(), .heap_objects = kmalloc_live(),
		.threads = lwkt_thread_count(), .procs = proc_count(), .ncpus = (uint64_t)ncpus,
	};
	return copyout(a[0], &si, sizeof si) ? -EFAULT : 0;
}

/* KerShutdown(failure): stop the machine, printing "skimmer: shutdown (ok)" or
 * "(failure)" as the self-tests do. Errors: EPERM not pid 1. */
long kcall_shutdown(const uint64_t *a)
{
	if (curproc()->p_pid != TASKMAN_PID)
		return -EPERM;
	selftest_finish(a[0] == 0);
}
