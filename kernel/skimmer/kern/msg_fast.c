/*
 * The message fast paths: MsgSend, MsgReceive and MsgReply between threads of one hart.
 *
 * Each is a chain of guards inline in its kernel call (kcall_msg_sendv and friends, at
 * the end of this file, run it first when msg.fast is on and call msg.c's slow path if
 * it misses). A guard that fails returns MSG_FAST_MISS with nothing changed (at
 * most bytes copied into a buffer that the slow path then copies again, identically),
 * and the slow path in msg.c does the whole call: it defines the semantics, and
 * test=fastpath checks that both give the same results. Once the guards pass, each
 * path does what the slow path would, in the same order and under the same locks
 * (one exception: the reply holds the rcvid table's lock across the call, and only
 * tries ch_lock inside it), only without the general machinery: flat buffers only, no
 * lwkt_domsg / putport / waitmsg layers, and the partner's wakeup and the switch done
 * inline.
 *
 *  - send: a server thread of this hart is RECEIVE-blocked on the channel, with one
 *    receive buffer, and the connection is live. The client copies its message, takes the rcvid, goes on the reply
 *    queue (REPLY-blocked), marks the receive done and gives the hart straight to the
 *    server (lwkt_handoff: no run-queue search; if something queued here outranks the
 *    server at the priority it inherits, it is scheduled and the hart switches as
 *    usual, which is what the slow path's hand-off does too).
 *  - receive: nothing is queued on a live channel, so the server blocks RECEIVE; it
 *    queues itself, drops what it inherited, and switches (lwkt_block_switch, whose
 *    run-queue pick is O(1) when the client it just replied to is all there is).
 *  - reply: the rcvid's client heads the reply queue and waits on this hart with one
 *    reply buffer; the reply is copied and the client made runnable in place (no
 *    port dispatch).
 * Per-hart counters (gd_fast_send/receive/reply) count the calls each path finished
 * (for send: with the direct switch).
 *
 * Interrupts stay off from the channel lock to the switch, as in the slow path's
 * hand-off, so a reply from another hart (an IPI) cannot overtake it.
 */
#include <skimmer/channel.h>
#include <skimmer/proc.h>
#include <skimmer/thread2.h>
#include <skimmer/errno.h>
#include <skimmer/usercopy.h>
#include <skimmer/kmem.h>

/* A flat buffer (parts = -bytes, as MsgSend passes it) inside user space. */
static inline bool flat_buf(uint64_t va, int parts, size_t *len)
{
	if (parts >= 0 || parts == INT32_MIN)
		return false;
	*len = (size_t)-(long)parts;
	return user_range_ok(va, *len);
}

/* Is w's thread, a thread of this hart, stopped and waiting on its own port for w's
 * reply? (What lwkt_reply_handoff's msg_waiter_here and lwkt_handoff check.) Interrupts
 * off. */
static inline bool waits_here(struct ipc_wait *w, struct globaldata *gd)
{
	struct thread *td = w->iw_td;
	struct lwkt_port *port = &td->td_msgport;
	return td->td_gd == gd && w->iw_msg.ms_reply_port == port &&
	       (w->iw_msg.ms_flags & (MSGF_SYNC | MSGF_REPLY | MSGF_DONE)) == MSGF_SYNC &&
	       (port->mp_flags & MSGPORTF_WAITING) &&
	       (port->mp_waitmsg == &w->iw_msg || port->mp_waitmsg == NULL) &&
	       !(td->td_flags & (TDF_RUNQ | TDF_IDLE | TDF_EXITING | TDF_SLEEPING));
}

/* Reply w's message with `error` as its thread port would (thread_replyport_local),
 * without waking the thread: that is the caller's. Interrupts off, w waits_here(). */
static inline void reply_in_place(struct ipc_wait *w, long error)
{
	struct thread *td = w->iw_td;
	w->iw_state = IPC_DONE;
	w->iw_msg.ms_error = (int)error;
	w->iw_msg.ms_flags |= MSGF_REPLY | MSGF_DONE;
	td->td_msgport.mp_flags &= ~MSGPORTF_WAITING;
}

/* Make the caller's own sync message w the one its port waits for (thread_port_block's
 * flags; lwkt_handoff / lwkt_block_switch take it off the run queue). Interrupts off. */
static inline void wait_for(struct thread *td, struct ipc_wait *w)
{
	w->iw_msg.ms_reply_port = &td->td_msgport;
	w->iw_msg.ms_flags = MSGF_SYNC;
	td->td_msgport.mp_flags |= MSGPORTF_WAITING;
	td->td_msgport.mp_waitmsg = &w->iw_msg;
}

/* Back from the switch with interrupts still off (s) and our critical section: end the
 * wait for w as thread_waitmsg would (it loops if woken before w is done). */
static inline int end_wait(struct ipc_wait *w, unsigned long s)
{
	if (likely(w->iw_msg.ms_flags & MSGF_DONE)) {
		w->iw_td->td_msgport.mp_flags &= ~MSGPORTF_WAITING;
		local_irq_restore(s);
		crit_exit();
		return w->iw_msg.ms_error;
	}
	local_irq_restore(s);
	crit_exit();
	return lwkt_waitmsg(&w->iw_msg);
}

static inline __attribute__((always_inline)) long msg_fast_send(const uint64_t *a)
{
	int coid = (int)a[0];
	size_t slen, rlen, n;
	if (!flat_buf(a[1], (int)a[2], &slen) || !flat_buf(a[3], (int)a[4], &rlen))
		return MSG_FAST_MISS;
	struct thread *td = curthread();
	struct proc *p = td->td_proc;
	struct globaldata *gd = td->td_gd;

	/* The connection behind an fd-space coid, held (as coid_conn). */
	unsigned long s = spin_lock_irqsave(&p->p_lock);
	struct conn *cn = coid >= 0 && coid < p->p_ncoids ? p->p_coids[coid] : NULL;
	int scoid = cn ? __atomic_load_n(&cn->cn_scoid, __ATOMIC_RELAXED) : 0;
	if (scoid == 0) {
		spin_unlock_irqrestore(&p->p_lock, s);
		return MSG_FAST_MISS;
	}
	__atomic_fetch_add(&cn->cn_refs, 1, __ATOMIC_RELAXED);
	spin_unlock(&p->p_lock);
	struct channel *ch = cn->cn_chan;

	crit_enter();
	spin_lock(&ch->ch_lock);
	struct ipc_wait *r = list_first_entry(&ch->ch_recvq, struct ipc_wait, iw_link);
	if (r == NULL || !conn_live_locked(cn, scoid) || r->iw_sparts != 1 ||
	    (td->td_flags & (TDF_BREAK | TDF_TMO)))	/* the slow path fails it EINTR, or
							 * runs the armed timeout */
		goto miss;
	struct ipc_wait w;
	ipc_wait_init(&w, IPC_CMD_SEND);
	if (msg_copy_flat(r->iw_pmap, (uint64_t)(uintptr_t)r->iw_siov[0].iov_base, w.iw_pmap,
			  a[1], MIN(slen, r->iw_slen), &n))
		goto miss;			/* the slow path fails it the same way */
	int rcvid = idtable_alloc_tagged_irqoff(&ch->ch_owner->p_rcvids, ch, p->p_pid, RCVID_KEEP);
	if (rcvid < 0)
		goto miss;

	/* Committed: from here on this is the slow path's rendezvous and hand-off. */
	w.iw_siov[0].iov_base = (void *)(uintptr_t)a[1];
	w.iw_siov[0].iov_len = slen;
	w.iw_riov[0].iov_base = (void *)(uintptr_t)a[3];
	w.iw_riov[0].iov_len = rlen;
	w.iw_sparts = w.iw_rparts = 1;
	w.iw_slen = slen;
	w.iw_rlen = rlen;
	w.iw_coid = coid;
	w.iw_scoid = scoid;
	w.iw_conn = cn;
	w.iw_chan = ch;
	w.iw_msglen = n;
	w.iw_rcvid = rcvid;
	w.iw_state = IPC_REPLY;
	w.iw_msg.ms_target_port = &ch->ch_port;
	td->td_ipc = &w;
	list_remove(&r->iw_link);
	if (r->iw_want_info)
		msg_info_fill(ch, &w, &r->iw_info);
	list_insert_tail(&ch->ch_replyq, &w.iw_link);
	inherit(ch, r, w.iw_pri);
	struct thread *ntd = r->iw_td;
	int ret;
	if (waits_here(r, gd)) {
		reply_in_place(r, rcvid);
		if (r->iw_msg.ms_pri)
			lwkt_setpri_stopped(ntd, r->iw_msg.ms_pri);	/* on no run queue */
		wait_for(td, &w);
		spin_unlock(&ch->ch_lock);
		/* The hart goes to ntd, unless something queued here outranks it (then it
		 * is scheduled and we switch as lwkt_switch would: the slow path's result). */
		if (lwkt_handoff(ntd))
			gd->gd_fast_send++;
		ret = end_wait(&w, s);
	} else {
		/* The receiver is another hart's (or not stopped yet): it is woken the
		 * ordinary way, as chan_send_locked does, and we wait as lwkt_domsg does. */
		lwkt_msg_prepare_sync(&w.iw_msg);
		ipc_complete(r, rcvid);
		spin_unlock_irqrestore(&ch->ch_lock, s);
		crit_exit();
		ret = lwkt_waitmsg(&w.iw_msg);
	}
	td->td_ipc = NULL;		/* w's frame ends here (msg_unblock reads td_ipc) */
	conn_unref(cn);
	return ret;

miss:
	spin_unlock_irqrestore(&ch->ch_lock, s);
	crit_exit();
	conn_unref(cn);
	return MSG_FAST_MISS;
}

static inline __attribute__((always_inline)) long msg_fast_receive(const uint64_t *a)
{
	size_t len;
	uint64_t uinfo = a[3];
	if (!flat_buf(a[1], (int)a[2], &len) ||
	    (uinfo && !user_range_ok(uinfo, sizeof(struct _msg_info))))
		return MSG_FAST_MISS;
	struct thread *td = curthread();
	crit_enter();
	unsigned long s = local_irq_save();	/* through the switch, as in the slow path */
	struct channel *ch = idtable_lookup_if_irqoff(&td->td_proc->p_chids, (int)a[0], chan_hold);
	if (ch == NULL) {
		local_irq_restore(s);
		crit_exit();
		return MSG_FAST_MISS;
	}

	struct ipc_wait w;
	ipc_wait_init(&w, IPC_CMD_RECEIVE);
	w.iw_siov[0].iov_base = (void *)(uintptr_t)a[1];
	w.iw_siov[0].iov_len = len;
	w.iw_sparts = 1;
	w.iw_slen = len;
	w.iw_want_info = uinfo != 0;
	w.iw_chan = ch;
	w.iw_msg.ms_target_port = &ch->ch_port;
	td->td_ipc = &w;
	long result;
	spin_lock(&ch->ch_lock);
	if (td->td_flags & TDF_BREAK) {	/* blocks in no call: as killed_locked */
		spin_unlock_irqrestore(&ch->ch_lock, s);
		crit_exit();
		result = -EINTR;
		goto out;
	}
	if (ch->ch_dead || !list_empty(&ch->ch_sendq) ||
	    (td->td_flags & (TDF_RUNQ | TDF_TMO)) != TDF_RUNQ) {
		/* Something to take (or the channel has died, or a TimerTimeout is armed):
		 * the slow path's own step, as chanport_putport and thread_waitmsg take it. */
		struct ipc_wait *pulse = NULL;
		lwkt_msg_prepare_sync(&w.iw_msg);
		chan_receive_locked(ch, &w, true, &pulse);
		spin_unlock_irqrestore(&ch->ch_lock, s);
		crit_exit();
		kfree(pulse);
		result = lwkt_waitmsg(&w.iw_msg);
		goto out;
	}
	/* Nothing queued: RECEIVE-blocked, as chan_receive_locked queues a receiver. */
	w.iw_state = IPC_RECEIVE;
	list_insert_tail(&ch->ch_recvq, &w.iw_link);
	/* Done with what we inherited, now that we block (chan_receive_locked). */
	if (td->td_pri != td->td_basepri)
		lwkt_setpri_local(td, td->td_basepri);
	wait_for(td, &w);
	spin_unlock(&ch->ch_lock);
	td->td_gd->gd_fast_receive++;
	lwkt_block_switch();
	result = end_wait(&w, s);
out:
	td->td_ipc = NULL;		/* w's frame ends here (msg_unblock reads td_ipc) */
	chan_unref(ch);
	/* With a pulse, info is left alone (qnx-api.md). */
	if (result > 0 && uinfo && copyout(uinfo, &w.iw_info, sizeof w.iw_info))
		return -EFAULT;
	return result;
}

static inline __attribute__((always_inline)) long msg_fast_reply(const uint64_t *a)
{
	int rcvid = (int)a[0];
	long status = (long)(int)a[1];
	size_t len, n;
	if (!flat_buf(a[2], (int)a[3], &len) || (status < 0 && status >= -4095))
		return MSG_FAST_MISS;
	struct thread *td = curthread();
	struct proc *p = td->td_proc;
	struct globaldata *gd = td->td_gd;
	/* The rcvid's slot and the channel's lock together, one table lock: while the slot
	 * is live (its lock held) the call is in progress, so the client's connection keeps
	 * the channel alive (every path removes an rcvid, under ch_lock, before it ends the
	 * call). ch_lock comes after the table lock here, against the usual order, so it is
	 * only tried: if it is busy, this is a miss. */
	struct idtable *t = &p->p_rcvids;
	crit_enter();
	unsigned long s = local_irq_save();
	spin_lock(&t->it_lock);
	struct idslot *sl = idtable_slot_locked(t, rcvid);
	struct channel *ch = sl ? sl->is_obj : NULL;
	if (ch == NULL || !spin_trylock(&ch->ch_lock)) {
		spin_unlock(&t->it_lock);
		local_irq_restore(s);
		crit_exit();
		return MSG_FAST_MISS;
	}
	struct ipc_wait *cw = list_first_entry(&ch->ch_replyq, struct ipc_wait, iw_link);
	if (cw == NULL || cw->iw_rcvid != rcvid || cw->iw_rparts != 1 ||
	    msg_copy_flat(cw->iw_pmap, (uint64_t)(uintptr_t)cw->iw_riov[0].iov_base, &p->p_pmap,
			  a[2], MIN(len, cw->iw_rlen), &n)) {
		spin_unlock(&ch->ch_lock);
		spin_unlock(&t->it_lock);
		local_irq_restore(s);
		crit_exit();
		return MSG_FAST_MISS;
	}
	/* Committed: kcall_msg_replyv's find_client and ipc_complete, the client's thread
	 * port's reply (thread_replyport_local) and its wakeup, in place. */
	idtable_clear_slot_locked(t, sl);
	list_remove(&cw->iw_link);
	struct thread *ctd = cw->iw_td;
	if (waits_here(cw, gd)) {
		/* The client cannot run (and end its call) before our crit_exit: the channel
		 * stays alive to the unlock without a reference of ours. */
		spin_unlock(&t->it_lock);
		reply_in_place(cw, status);
		if (cw->iw_msg.ms_pri && cw->iw_msg.ms_pri != ctd->td_pri)
			lwkt_setpri_local(ctd, cw->iw_msg.ms_pri);
		lwkt_schedule_local_inline(ctd);
		gd->gd_fast_reply++;
		spin_unlock(&ch->ch_lock);
		local_irq_restore(s);
		crit_exit();		/* a more urgent client runs now */
		return 0;
	}
	/* Another hart's client may end its call as soon as it is woken: hold the channel
	 * for our unlock. */
	chan_ref(ch);
	spin_unlock(&t->it_lock);
	ipc_complete(cw, status);	/* through its IPIQ */
	spin_unlock_irqrestore(&ch->ch_lock, s);
	crit_exit();
	chan_unref(ch);
	return 0;
}

/*
 * The kernel calls: the fast path inline, then the slow path (msg.c) if it missed or
 * msg.fast is off. One frame for both (the fast path's): a call the fast path finishes
 * pays no dispatch frame, and the slow one's frame sits above it.
 */
long kcall_msg_sendv(const uint64_t *a)
{
	long ret;
	if (msg_fastpath && (ret = msg_fast_send(a)) != MSG_FAST_MISS)
		return ret;
	return msg_send_slow(a);
}

long kcall_msg_receivev(const uint64_t *a)
{
	long ret;
	if (msg_fastpath && (ret = msg_fast_receive(a)) != MSG_FAST_MISS)
		return ret;
	return msg_receive_slow(a);
}

long kcall_msg_replyv(const uint64_t *a)
{
	long ret;
	if (msg_fastpath && (ret = msg_fast_reply(a)) != MSG_FAST_MISS)
		return ret;
	return msg_reply_slow(a);
}
