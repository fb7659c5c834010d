/*
 * Blocking on kernel objects (struct twait), ending a blocked thread's wait early, and
 * the per-hart work threads. The contract is in skimmer/wait.h.
 *
 * Why a wait is ended on the blocked thread's own hart: the twait lives on that
 * thread's kernel stack and the thread leaves twait_block only once tw_done is set,
 * which only its own hart does (twait_wake from another hart goes through the IPIQ).
 * So tw and its thread stay valid for every waker and canceller, and thread_unblock,
 * running there with interrupts off, never races with the thread entering or leaving
 * a wait.
 */
#include <skimmer/wait.h>
#include <skimmer/thread2.h>
#include <skimmer/ipiq.h>
#include <skimmer/channel.h>
#include <skimmer/timeout.h>
#include <skimmer/errno.h>
#include <sys/neutrino.h>

void twait_init(struct twait *tw, int state, twait_cancel_t cancel, void *obj)
{
	tw->tw_state = state;
	tw->tw_result = 0;
	tw->tw_done = false;
	tw->tw_td = curthread();
	tw->tw_cancel = cancel;
	tw->tw_obj = obj;
	tw->tw_link.next = tw->tw_link.prev = NULL;
	tw->tw_pri = tw->tw_td->td_pri;
}

int twait_prepare(struct twait *tw)
{
	struct thread *td = tw->tw_td;
	KASSERT(!local_irq_enabled() && td == curthread(), "twait_prepare context");
	if (td->td_flags & TDF_BREAK)		/* killed, or a signal to deliver */
		return -EINTR;
	int err = tmo_block(td, tw->tw_state, 0);	/* a TimerTimeout for this state */
	if (err)
		return err;
	td->td_wait = tw;
	return 0;
}

int twait_block(struct twait *tw, struct spinlock *lk, unsigned long s)
{
	struct thread *td = tw->tw_td;
	KASSERT(!local_irq_enabled() && td == curthread() && td->td_wait == tw,
		"twait_block context");
	crit_enter();
	while (!__atomic_load_n(&tw->tw_done, __ATOMIC_ACQUIRE)) {
		/* Interrupts stay off from here to the switch, so a wakeup for us (ours
		 * is the only hart that sets tw_done) cannot run before we are off the
		 * run queue: it finds us blocked and schedules us. */
		if (lk) {
			spin_unlock(lk);
			lk = NULL;
		}
		lwkt_block_switch();
	}
	if (lk)
		spin_unlock(lk);
	td->td_wait = NULL;
	local_irq_restore(s);
	crit_exit();
	return tw->tw_result;
}

/* On the waiter's hart: the wait is over. Interrupts off. */
static void twait_done_local(struct twait *tw, int result)
{
	struct thread *td = tw->tw_td;
	tw->tw_result = result;
	__atomic_store_n(&tw->tw_done, true, __ATOMIC_RELEASE);
	lwkt_schedule_local(td);	/* tw may be gone from here on */
}

static void twait_done_remote(void *a, void *b)
{
	twait_done_local(a, (int)(intptr_t)b);
}

void twait_wake(struct twait *tw, int result)
{
	struct globaldata *gd = tw->tw_td->td_gd;
	unsigned long s = local_irq_save();
	if (gd == mycpu())
		twait_done_local(tw, result);
	else
		ipiq_send(gd, twait_done_remote, tw, (void *)(intptr_t)result);
	local_irq_restore(s);
}

void thread_unblock(struct thread *td, int err, bool force)
{
	KASSERT(!local_irq_enabled() && td->td_gd == mycpu(), "thread_unblock context");
	if (td->td_ipc) {
		msg_unblock(td, err, force);
		return;
	}
	struct twait *tw = td->td_wait;
	if (tw && !tw->tw_done)
		tw->tw_cancel(tw, err);
}

int thread_state(const struct thread *td)
{
	const struct twait *tw = td->td_wait;
	if (tw && !tw->tw_done)
		return tw->tw_state;
	const struct ipc_wait *w = td->td_ipc;
	if (w) {
		switch (w->iw_state) {
		case IPC_SEND:
			return STATE_SEND;
		case IPC_RECEIVE:
			return STATE_RECEIVE;
		case IPC_REPLY:
			return STATE_REPLY;
		default:
			break;
		}
	}
	return td == td->td_gd->gd_curthread ? STATE_RUNNING : STATE_READY;
}

/* --- Per-hart work threads ----------------------------------------------------------------- */

void hartwork_init(struct hartwork *hw, void (*func)(struct hartwork *))
{
	hw->hw_link.next = hw->hw_link.prev = NULL;
	hw->hw_func = func;
	hw->hw_queued = false;
}

/* On the target hart, interrupts off. */
static void hartwork_queue_local(struct hartwork *hw)
{
	struct globaldata *gd = mycpu();
	if (hw->hw_queued)
		return;
	hw->hw_queued = true;
	list_insert_tail(&gd->gd_hwq, &hw->hw_link);
	if (gd->gd_hwtd)
		lwkt_schedule_local(gd->gd_hwtd);
}

static void hartwork_queue_remote(void *a, void *b)
{
	hartwork_queue_local(a);
}

void hartwork_queue(struct hartwork *hw, int cpu)
{
	unsigned long s = local_irq_save();
	if (cpu == mycpu()->gd_cpuid)
		hartwork_queue_local(hw);
	else
		ipiq_send(globaldata_find(cpu), hartwork_queue_remote, hw, NULL);
	local_irq_restore(s);
}

bool hartwork_cancel(struct hartwork *hw)
{
	KASSERT(!local_irq_enabled(), "hartwork_cancel context");
	if (!hw->hw_queued)
		return false;
	list_remove(&hw->hw_link);
	hw->hw_queued = false;
	return true;
}

static void hartwork_main(void *arg)
{
	struct globaldata *gd = mycpu();
	for (;;) {
		local_irq_disable();
		struct list *l;
		while ((l = list_first(&gd->gd_hwq)) != NULL) {
			struct hartwork *hw = list_entry(l, struct hartwork, hw_link);
			list_remove(l);
			hw->hw_queued = false;
			local_irq_enable();
			hw->hw_func(hw);	/* may free hw */
			local_irq_disable();
		}
		crit_enter();
		lwkt_block_switch();	/* hartwork_queue_local schedules us again */
		crit_exit();
		local_irq_enable();
	}
}

void hartwork_start(void)
{
	for (int c = 0; c < ncpus; c++) {
		struct globaldata *gd = globaldata_find(c);
		struct thread *td = lwkt_create_stopped(hartwork_main, NULL, TDPRI_MAX, c, "hartwork");
		if (td == NULL)
			panic("no memory for the hart work threads");
		__atomic_store_n(&gd->gd_hwtd, td, __ATOMIC_RELEASE);
		lwkt_schedule(td);
	}
}
