/*
 * QNX message passing: channels, connections, MsgSend/MsgReceive/MsgReply.
 *
 * Design. A channel is an lwkt port (seed 003 v0.5) with three queues under one
 * spinlock (ch_lock): SEND-blocked threads and pulses in priority order,
 * RECEIVE-blocked server threads, and REPLY-blocked clients. Each call is an
 * ipc_wait on its thread's kernel stack, whose first member is an lwkt message:
 * MsgSend is lwkt_domsg of it to the channel port, MsgReceive is lwkt_waitport on
 * the channel port, MsgReply is lwkt_replymsg of the client's message. The port's
 * putport does the rendezvous: whoever finds its partner waiting does the copy,
 * with ch_lock held across it (a sender that finds a receiver copies its message
 * into the receiver's buffers, a receiver that finds a sender copies it out, a
 * replier copies into the client's reply buffers). Copies go through the page
 * tables of both address spaces (physical memory is identity-mapped), so the
 * copier may be any thread on any hart and never faults: an unmapped or
 * read-only page just ends the copy with an error.
 *
 * Blocking and waking are the msgport substrate's: a call's message is replied to
 * its thread's own port (lwkt_domsg's convention), on that thread's hart (through
 * the IPIQ from elsewhere), which marks it done and wakes the thread. Priority
 * inheritance rides on the reply too (ms_pri), so a receiver's priority changes on
 * its own hart, before it is woken.
 *
 * The fast path (send_fast) is a chain of guards in front of lwkt_domsg: when a
 * receiver of this hart is blocked on the channel, the sender hands it the message
 * and the hart at once (lwkt_reply_handoff); when any guard fails, nothing has
 * changed and the port does the work. msg.fast=0 turns it off (test=fastpath
 * checks that the results are the same).
 *
 * Lifetimes: a channel is freed when its last reference goes (its owner, each
 * connection, each call in progress). A REPLY-blocked client is named by an
 * rcvid in the server process's p_rcvids, removed when it is replied to or
 * released, so a second reply fails with ESRCH.
 *
 * Connections: one struct conn per (client process, channel), shared by all the
 * client's coids there. Its scoid is an id in the server's p_side (side-channel
 * space), so the server can ConnectDetach it. The client side (coids) and the
 * server side (scoid) end separately: with _NTO_CHF_DISCONNECT the server gets a
 * DISCONNECT pulse when the client side ends and keeps the scoid until it detaches
 * it; a dying channel ends every server side and sends COIDDEATH pulses to clients
 * that have a COID_DISCONNECT channel (one such "death channel" per process).
 * Kernel pulses go through the same pulse_queue_locked as MsgSendPulse's.
 *
 * Lock order: proc_lock -> p_lock (a process's connection tables), then an idtable's
 * own lock last; ch_lock is taken with neither proc_lock nor p_lock held (and takes
 * only idtable locks inside). Paths that need both a process and a channel (coid
 * death pulses, channel_kill's death-slot release) drop one before taking the other.
 *
 * Every call copies in and checks its arguments before it changes anything.
 * Kernel-call handlers return the result, or -errno.
 *
 * Threads: any thread of the receiving process may reply; a killed thread's call ends
 * with EINTR (msg_unblock) and it blocks in no new one (killed_locked, uthread.c).
 * ConnectDetach ends the caller's own SEND-blocked calls on that coid (EBADF) and,
 * on _NTO_CHF_UNBLOCK channels, asks for its REPLY-blocked ones with an UNBLOCK pulse.
 *
 * Not yet: kernel timeouts and signals (issue 4), which will unblock through the
 * same two hooks.
 */
#include <skimmer/channel.h>
#include <skimmer/timeout.h>
#include <skimmer/event.h>
#include <skimmer/proc.h>
#include <skimmer/thread2.h>
#include <skimmer/kmem.h>
#include <skimmer/errno.h>
#include <skimmer/usercopy.h>

/* The fast path (on unless booted with msg.fast=0; the results must be the same
 * either way, only the instruction counts differ). */
bool msg_fastpath = true;

/* --- Locking --------------------------------------------------------------------------------
 * A channel lock is always taken inside a critical section: waking a partner on this
 * hart must not preempt us while we hold the lock (the partner would spin on it). */

static unsigned long chan_lock(struct channel *ch)
{
	crit_enter();
	return spin_lock_irqsave(&ch->ch_lock);
}

static void chan_unlock(struct channel *ch, unsigned long s)
{
	spin_unlock_irqrestore(&ch->ch_lock, s);
	crit_exit();
}

/*
 * A process's p_side holds two kinds of side-channel id: its own side-channel coids
 * (a struct conn it holds as a client) and the scoids of its channels' clients (the
 * conn, tagged with bit 0). The tag lets ConnectDetach tell a server detaching a
 * scoid from a client detaching a coid, and keeps MsgSend off scoids.
 */
#define SCOID_TAG ((uintptr_t)1)

static void *scoid_obj(struct conn *cn)
{
	return (void *)((uintptr_t)cn | SCOID_TAG);
}

static bool is_scoid_obj(void *obj)
{
	return ((uintptr_t)obj & SCOID_TAG) != 0;
}

static bool is_coid_obj(void *obj)
{
	return !is_scoid_obj(obj);
}

/* --- References and lookups -------------------------------------------------------- */

/* chan_unref's last reference (channel.h). */
void chan_free(struct channel *ch)
{
	KASSERT(ch->ch_dead && list_empty(&ch->ch_sendq) && list_empty(&ch->ch_recvq) &&
			list_empty(&ch->ch_replyq) && list_empty(&ch->ch_conns),
		"freeing a live channel %d", ch->ch_chid);
	kfree(ch);
}

/* The connection coid names in p, or NULL. p_lock held. */
static struct conn *conn_lookup_locked(struct proc *p, int coid)
{
	if (coid & _NTO_SIDE_CHANNEL)
		return idtable_lookup_if(&p->p_side, coid & ~_NTO_SIDE_CHANNEL, is_coid_obj);
	if (coid < 0 || coid >= p->p_ncoids)
		return NULL;
	return p->p_coids[coid];
}

/*
 * The live connection behind coid, referenced (conn_unref; it keeps its channel
 * alive); NULL if the coid is bad or dead. A connection whose server side has ended
 * (channel dead, or the server detached the scoid) is dead. cn_scoid is read here
 * without ch_lock, so callers check again under it (conn_live_locked) before they
 * queue or deliver anything: a send racing with the server's detach fails EBADF.
 */
static struct conn *coid_conn(int coid, int *scoid)
{
	struct proc *p = curproc();
	unsigned long s = spin_lock_irqsave(&p->p_lock);
	struct conn *cn = conn_lookup_locked(p, coid);
	int sc = cn ? __atomic_load_n(&cn->cn_scoid, __ATOMIC_RELAXED) : 0;
	if (sc) {
		__atomic_fetch_add(&cn->cn_refs, 1, __ATOMIC_RELAXED);
		*scoid = sc;
	} else {
		cn = NULL;
	}
	spin_unlock_irqrestore(&p->p_lock, s);
	return cn;
}

/* conn_unref's last reference (channel.h): frees cn and drops its channel reference. */
void conn_free(struct conn *cn)
{
	struct channel *ch = cn->cn_chan;
	kfree(cn);
	chan_unref(ch);
}

/* idtable_lookup_if: take a reference to the connection behind a scoid. */
static bool conn_hold_scoid(void *obj)
{
	if (!is_scoid_obj(obj))
		return false;
	struct conn *cn = (struct conn *)((uintptr_t)obj & ~SCOID_TAG);
	__atomic_fetch_add(&cn->cn_refs, 1, __ATOMIC_RELAXED);
	return true;
}

/* --- Copying between address spaces --------------------------------------------------- */


struct iovcur {
	struct pmap *pm;
	const iov_t *iov;
	int parts, i;
	size_t off;		/* within iov[i] */
};

static void iovcur_init(struct iovcur *c, struct pmap *pm, const iov_t *iov, int parts)
{
	c->pm = pm;
	c->iov = iov;
	c->parts = parts;
	c->i = 0;
	c->off = 0;
	while (c->i < c->parts && c->iov[c->i].iov_len == 0)
		c->i++;
}

/* Kernel address and contiguous length at the cursor (within one page and one iov),
 * or NULL if the page is not accessible. *len 0 means the iovs are used up. */
static char *iovcur_span(struct iovcur *c, bool write, size_t *len)
{
	if (c->i >= c->parts) {
		*len = 0;
		return (char *)1;
	}
	uint64_t va = (uint64_t)(uintptr_t)c->iov[c->i].iov_base + c->off;
	*len = MIN(c->iov[c->i].iov_len - c->off, PAGE_SIZE - (va & (PAGE_SIZE - 1)));
	if (c->pm == NULL)	/* a kernel buffer (pulses) */
		return (char *)(uintptr_t)va;
	return pmap_user_addr(c->pm, va, write);
}

static void iovcur_advance(struct iovcur *c, size_t n)
{
	c->off += n;
	while (c->i < c->parts && c->off >= c->iov[c->i].iov_len) {
		c->i++;
		c->off = 0;
	}
}

/* Skip the first off bytes (MsgRead/MsgWrite offsets). */
static void iovcur_skip(struct iovcur *c, size_t off)
{
	while (off && c->i < c->parts) {
		size_t n = MIN(off, c->iov[c->i].iov_len - c->off);
		iovcur_advance(c, n);
		off -= n;
	}
}

/* The common case: one flat buffer on each side. Page by page, no cursors. */
static __attribute__((noinline)) int copy_flat(struct pmap *dpm, uint64_t dva, struct pmap *spm, uint64_t sva,
		     size_t n, size_t *done)
{
	*done = 0;
	while (*done < n) {
		size_t chunk = MIN(n - *done, MIN(PAGE_SIZE - (dva & (PAGE_SIZE - 1)),
						  PAGE_SIZE - (sva & (PAGE_SIZE - 1))));
		char *sp = spm ? pmap_user_addr(spm, sva, false) : (char *)(uintptr_t)sva;
		if (sp == NULL)
			return COPY_SRC_FAULT;
		char *dp = pmap_user_addr(dpm, dva, true);
		if (dp == NULL)
			return COPY_DST_FAULT;
		memcpy(dp, sp, chunk);
		dva += chunk;
		sva += chunk;
		*done += chunk;
	}
	return 0;
}

/* Copy up to max bytes from the source iovs (from byte soff) to the destination iovs
 * (from byte doff). Returns 0 or COPY_SRC_FAULT / COPY_DST_FAULT; *done counts the
 * bytes copied. */
static int iov_copy_at(struct pmap *dpm, const iov_t *diov, int dparts, size_t doff,
		       struct pmap *spm, const iov_t *siov, int sparts, size_t soff, size_t max,
		       size_t *done)
{
	if (dparts == 1 && sparts == 1) {
		size_t dl = diov->iov_len > doff ? diov->iov_len - doff : 0;
		size_t sl = siov->iov_len > soff ? siov->iov_len - soff : 0;
		return copy_flat(dpm, (uint64_t)(uintptr_t)diov->iov_base + doff, spm,
				 (uint64_t)(uintptr_t)siov->iov_base + soff, MIN(max, MIN(dl, sl)),
				 done);
	}
	struct iovcur d, s;
	iovcur_init(&d, dpm, diov, dparts);
	iovcur_init(&s, spm, siov, sparts);
	iovcur_skip(&d, doff);
	iovcur_skip(&s, soff);
	*done = 0;
	while (*done < max) {
		size_t dl, sl;
		char *dp = iovcur_span(&d, true, &dl);
		char *sp = iovcur_span(&s, false, &sl);
		if (dl == 0 || sl == 0)
			break;
		if (sp == NULL)
			return COPY_SRC_FAULT;
		if (dp == NULL)
			return COPY_DST_FAULT;
		size_t n = MIN(MIN(dl, sl), max - *done);
		memcpy(dp, sp, n);
		iovcur_advance(&d, n);
		iovcur_advance(&s, n);
		*done += n;
	}
	return 0;
}

/* n bytes from sva in spm (NULL: a kernel address) to dva in dpm, both flat. Returns 0
 * or COPY_SRC_FAULT / COPY_DST_FAULT (*done counts the bytes copied). The common short
 * message (both pages in pm_xlat, whole words, up to 64 bytes) is copied here, in
 * words, without calls. */
int msg_copy_flat(struct pmap *dpm, uint64_t dva, struct pmap *spm, uint64_t sva, size_t n,
		  size_t *done)
{
	/* Whole words, within one page on each side: one translation each, from pm_xlat. */
	if (n != 0 && n <= 64 && ((dva | sva | n) & 7) == 0 &&
	    ((dva ^ (dva + n - 1)) | (sva ^ (sva + n - 1))) < PAGE_SIZE) {
		const uint64_t *sp = spm ? pmap_user_addr_cached(spm, sva, false)
					 : (const uint64_t *)(uintptr_t)sva;
		uint64_t *dp = pmap_user_addr_cached(dpm, dva, true);
		if (likely(sp && dp)) {
			for (size_t i = 0; i < n / 8; i++)
				dp[i] = sp[i];
			*done = n;
			return 0;
		}
	}
	return copy_flat(dpm, dva, spm, sva, n, done);
}

static int iov_copy(struct pmap *dpm, const iov_t *diov, int dparts, struct pmap *spm,
		    const iov_t *siov, int sparts, size_t max, size_t *done)
{
	if (dparts == 1 && sparts == 1)
		return msg_copy_flat(dpm, (uint64_t)(uintptr_t)diov->iov_base, spm,
				     (uint64_t)(uintptr_t)siov->iov_base,
				     MIN(max, MIN(diov->iov_len, siov->iov_len)), done);
	return iov_copy_at(dpm, diov, dparts, 0, spm, siov, sparts, 0, max, done);
}

/* iov_fetch's general case: an array of n iovs (0..IPC_MAXIOV) at uiov. */
static int iov_fetch_array(uint64_t uiov, int n, iov_t *iov, size_t *total)
{
	if (n < 0 || n > IPC_MAXIOV)
		return EINVAL;
	if (n && copyin(iov, uiov, (size_t)n * sizeof(iov_t)))
		return EFAULT;
	*total = 0;
	for (int i = 0; i < n; i++) {
		uint64_t base = (uint64_t)(uintptr_t)iov[i].iov_base;
		if (iov[i].iov_len && !user_range_ok(base, iov[i].iov_len))
			return EFAULT;
		*total += iov[i].iov_len;
	}
	return 0;
}

/*
 * Fetch a caller's message buffers into iov[] and check that every part lies in user
 * space. *parts >= 0 counts the iovs at uiov; *parts < 0 means one flat buffer of
 * -*parts bytes at uiov (how MsgSend and friends pass theirs, as QNX does: no iov
 * array to copy in; INT32_MIN is invalid). On return *parts is the number of iovs
 * filled. Inline: the flat case is a handful of instructions on the hot path.
 */
static inline int iov_fetch(uint64_t uiov, int *parts, iov_t *iov, size_t *total)
{
	int n = *parts;
	if (n >= 0 || n == INT32_MIN)
		return iov_fetch_array(uiov, n, iov, total);
	iov[0].iov_base = (void *)(uintptr_t)uiov;
	iov[0].iov_len = (size_t)-n;
	*parts = 1;
	*total = iov[0].iov_len;
	return user_range_ok(uiov, iov[0].iov_len) ? 0 : EFAULT;
}

/* --- Completion ---------------------------------------------------------------------------- */

/* End w's call with `status` (>= 0 or -errno): reply its message, which wakes its thread
 * on the thread's own hart. w is off every queue. ch_lock held. */
void ipc_complete(struct ipc_wait *w, long status)
{
	w->iw_state = IPC_DONE;
	lwkt_replymsg(&w->iw_msg, (int)status);
}

/* Queue a sender (or pulse) by priority, FIFO among equals. ch_lock held. */
static void sendq_insert(struct channel *ch, struct ipc_wait *w)
{
	struct list *it;
	list_foreach(it, &ch->ch_sendq)
		if (list_entry(it, struct ipc_wait, iw_link)->iw_pri < w->iw_pri)
			break;
	list_insert_before(it, &w->iw_link);
}

/*
 * Priority inheritance at send time (qnx-api.md): a sender that has to queue because
 * no server thread is receiving raises the channel's server (ch_srv) to its own
 * priority, so a busy low-priority server cannot be starved by medium work while a
 * high-priority client waits for it. Decided under ch_lock; returns the priority to
 * boost to (0: none), and the caller boosts after unlocking.
 */
static int send_boost_locked(struct channel *ch, struct ipc_wait *w)
{
	if ((ch->ch_flags & _NTO_CHF_FIXED_PRIORITY) || ch->ch_srv == NULL ||
	    w->iw_pri <= ch->ch_srv_pri)
		return 0;
	ch->ch_srv_pri = w->iw_pri;
	return w->iw_pri;
}

/* The _msg_info of client s's message on ch (for MsgReceive's info and MsgInfo). */
void msg_info_fill(struct channel *ch, const struct ipc_wait *s, struct _msg_info *mi)
{
	memset(mi, 0, sizeof *mi);
	mi->pid = (pid_t)s->iw_td->td_proc->p_pid;
	mi->tid = (int32_t)s->iw_td->td_tid;
	mi->chid = ch->ch_chid;
	mi->scoid = s->iw_scoid;
	mi->coid = s->iw_coid;
	mi->msglen = (int32_t)s->iw_msglen;
	mi->srcmsglen = (int32_t)s->iw_slen;
	mi->dstmsglen = (int32_t)s->iw_rlen;
	mi->priority = (int16_t)s->iw_pri;
	mi->flags = s->iw_unblock_req ? _NTO_MI_UNBLOCK_REQ : 0;
}

/*
 * Hand sender s's message to receiver r: copy it into r's buffers, fill r's info,
 * and move s to the reply queue under a fresh rcvid. ch_lock held; r and s are off
 * every queue. Returns the rcvid (> 0), r's result, which the caller delivers (r is
 * not woken here); or 0: s has been failed (a fault in its buffers, or no rcvid
 * left) and r still waits; or < 0: both have been failed (a fault in r's buffers).
 */
static void unblock_pulse_locked(struct channel *ch, struct ipc_wait *w);

static long rendezvous_locked(struct channel *ch, struct ipc_wait *s, struct ipc_wait *r)
{
	size_t n;
	/* s goes REPLY-blocked now: its TimerTimeout may have run out for that already. */
	int tmo = tmo_reply(s->iw_td, ch);
	if (tmo < 0) {
		ipc_complete(s, tmo);
		return 0;
	}
	int f = iov_copy(r->iw_pmap, r->iw_siov, r->iw_sparts, s->iw_pmap, s->iw_siov,
			 s->iw_sparts, MIN(s->iw_slen, r->iw_slen), &n);
	if (f == COPY_SRC_FAULT) {
		ipc_complete(s, -EFAULT);
		return 0;
	}
	if (f == COPY_DST_FAULT) {
		ipc_complete(s, -ESRVRFAULT);
		ipc_complete(r, -EFAULT);
		return -EFAULT;
	}
	int rcvid = idtable_alloc_tagged(&ch->ch_owner->p_rcvids, ch, s->iw_td->td_proc->p_pid,
					 RCVID_KEEP);
	if (rcvid < 0) {
		ipc_complete(s, -EAGAIN);
		return 0;
	}
	s->iw_msglen = n;
	if (r->iw_want_info)
		msg_info_fill(ch, s, &r->iw_info);
	s->iw_rcvid = rcvid;
	s->iw_state = IPC_REPLY;
	list_insert_tail(&ch->ch_replyq, &s->iw_link);
	inherit(ch, r, s->iw_pri);
	if (tmo > 0)
		unblock_pulse_locked(ch, s);	/* timed out, and the server decides */
	return rcvid;
}

/* Hand a queued pulse to receiver r. ch_lock held. Returns 0 or -EFAULT (pulse lost). */
static long deliver_pulse(struct channel *ch, struct ipc_wait *pw, struct ipc_wait *r)
{
	iov_t kiov = { &pw->iw_pulse, sizeof pw->iw_pulse };
	size_t n;
	if (r->iw_slen < sizeof pw->iw_pulse)
		return -EFAULT;
	if (iov_copy(r->iw_pmap, r->iw_siov, r->iw_sparts, NULL, &kiov, 1, sizeof pw->iw_pulse, &n))
		return -EFAULT;
	if (!pw->iw_keep_pri)
		inherit(ch, r, pw->iw_pri);
	return 0;
}

/* --- Pulses -------------------------------------------------------------------------------- */

/* Fill in a pulse (kmalloc'd, not yet queued); done before taking ch_lock. */
static void pulse_init(struct ipc_wait *pw, int pri, int code, int value, int scoid)
{
	pw->iw_link.next = pw->iw_link.prev = NULL;
	pw->iw_is_pulse = true;
	pw->iw_keep_pri = false;
	pw->iw_pri = pri;
	memset(&pw->iw_pulse, 0, sizeof pw->iw_pulse);	/* no kernel heap bytes to user space */
	pw->iw_pulse.type = _PULSE_TYPE;
	pw->iw_pulse.subtype = _PULSE_SUBTYPE;
	pw->iw_pulse.code = (int8_t)code;
	pw->iw_pulse.value.sival_int = value;
	pw->iw_pulse.scoid = scoid;
}

/*
 * The one way pulses reach a channel, user and kernel ones alike: hand *pwp to a
 * waiting receiver, or queue it by priority. ch_lock held; never blocks. Returns 0,
 * or -EBADF if the channel is dead (the pulse is dropped). *pwp is set to NULL if
 * the channel kept the pulse; otherwise the caller frees it after unlocking.
 */
static long pulse_queue_locked(struct channel *ch, struct ipc_wait **pwp)
{
	struct ipc_wait *pw = *pwp;
	if (ch->ch_dead)
		return -EBADF;
	struct ipc_wait *r = list_first_entry(&ch->ch_recvq, struct ipc_wait, iw_link);
	if (r != NULL) {
		list_remove(&r->iw_link);
		ipc_complete(r, deliver_pulse(ch, pw, r));
	} else {
		sendq_insert(ch, pw);
		*pwp = NULL;
	}
	return 0;
}

/* Kernel pulses (DISCONNECT, COIDDEATH) go at the priority of the thread whose act
 * caused them (the detaching or exiting client, the destroying or exiting server), as
 * MsgSendPulse(-1) would: the receiver then handles them at that thread's priority. */
static int kernel_pulse_pri(void)
{
	return MAX(curthread()->td_pri, 1);
}

/* Send a kernel pulse to ch. Never blocks; lost if ch is dead or there is no memory
 * for it (as MsgSendPulse's EAGAIN, with nobody to tell). No spinlock held. */
static void kernel_pulse(struct channel *ch, int code, int value, int scoid)
{
	struct ipc_wait *pw = kmalloc(sizeof *pw);
	if (pw == NULL)
		return;
	pulse_init(pw, kernel_pulse_pri(), code, value, scoid);
	unsigned long s = chan_lock(ch);
	pulse_queue_locked(ch, &pw);
	chan_unlock(ch, s);
	kfree(pw);
}

/* --- Connection ends ----------------------------------------------------------------------
 * A connection's client side ends when the client's last coid on it goes (ConnectDetach,
 * or the client's exit); its server side ends when the scoid goes (the server detaches
 * it, or the channel dies). The server side of a channel with _NTO_CHF_DISCONNECT
 * outlives the client side: the server is told with a DISCONNECT pulse and detaches the
 * scoid when it has cleaned up. */

/* End cn's server side: its scoid goes, and the client's coids on it are dead from
 * now on. ch_lock held, cn_scoid != 0. The caller drops the server side's reference
 * (conn_unref) after unlocking. */
static void conn_server_end_locked(struct channel *ch, struct conn *cn)
{
	idtable_remove(&ch->ch_owner->p_side, cn->cn_scoid & ~_NTO_SIDE_CHANNEL);
	list_remove(&cn->cn_chlink);
	__atomic_store_n(&cn->cn_scoid, 0, __ATOMIC_RELAXED);
}

/*
 * cn's client side has ended (its last coid is gone, already unlinked from the
 * client). With _NTO_CHF_DISCONNECT and `pulse`, the server gets one DISCONNECT
 * pulse (value 0, scoid = cn's) and keeps the scoid until it detaches it; otherwise
 * the scoid goes now. Without memory for the pulse the scoid goes too, so that it
 * cannot linger unannounced. No lock held; drops the client side's reference.
 */
static void conn_client_end(struct conn *cn, bool pulse)
{
	struct channel *ch = cn->cn_chan;
	struct ipc_wait *pw = NULL;
	bool server_ended = false;
	if (pulse && (ch->ch_flags & _NTO_CHF_DISCONNECT) && (pw = kmalloc(sizeof *pw)) != NULL)
		pulse_init(pw, kernel_pulse_pri(), _PULSE_CODE_DISCONNECT, 0, 0);
	unsigned long s = chan_lock(ch);
	cn->cn_client_gone = true;
	if (cn->cn_scoid && pw) {		/* a live scoid means a live channel */
		pw->iw_pulse.scoid = cn->cn_scoid;
		pulse_queue_locked(ch, &pw);
	} else if (cn->cn_scoid) {
		conn_server_end_locked(ch, cn);
		server_ended = true;
	}
	chan_unlock(ch, s);
	kfree(pw);
	if (server_ended)
		conn_unref(cn);
	conn_unref(cn);
}

/* Drop one coid's use of cn. p_lock held. Returns true when that was the last coid:
 * cn has left p_conns and the caller, once unlocked, ends its client side
 * (conn_client_end). */
static bool conn_put_locked(struct proc *p, struct conn *cn)
{
	if (--cn->cn_users > 0)
		return false;
	list_remove(&cn->cn_link);
	return true;
}

/*
 * cn's channel has died: if its client has a COID_DISCONNECT channel, send that one
 * COIDDEATH pulse (value = coid, scoid = -1) for each of its coids on cn. We hold a
 * reference to cn; no lock held. The client is found again by pid under proc_lock for
 * each coid (it may be exiting meanwhile; a dying process gets nothing), then its
 * p_lock (order: proc_lock -> p_lock), and the pulse is queued after both are dropped.
 */
static void coid_death_notify(struct conn *cn)
{
	uint32_t fd = 0, side = 1;
	for (;;) {
		struct channel *dch = NULL;
		int coid = 0;
		unsigned long s = spin_lock_irqsave(&proc_lock);
		struct proc *p = proc_find(cn->cn_client_pid);
		if (p != NULL) {
			unsigned long s2 = spin_lock_irqsave(&p->p_lock);
			dch = p->p_deathch;
			if (dch && (dch->ch_flags & _NTO_CHF_COID_DISCONNECT) && cn->cn_users > 0) {
				while (fd < (uint32_t)p->p_ncoids && p->p_coids[fd] != cn)
					fd++;
				if (fd < (uint32_t)p->p_ncoids)
					coid = (int)fd++;
				else if ((coid = idtable_find_next(&p->p_side, cn, &side)) != 0)
					coid |= _NTO_SIDE_CHANNEL;
				else
					coid = -1;
			} else {
				coid = -1;
			}
			if (coid >= 0)
				chan_ref(dch);
			spin_unlock_irqrestore(&p->p_lock, s2);
		}
		spin_unlock_irqrestore(&proc_lock, s);
		if (p == NULL || coid < 0)
			return;
		kernel_pulse(dch, _PULSE_CODE_COIDDEATH, coid, -1);
		chan_unref(dch);
	}
}

/* --- Channels ------------------------------------------------------------------------------ */

static void channel_kill(struct channel *ch);
static void channel_port_init(struct lwkt_port *port);

/* ChannelCreate(flags). A process has at most one death channel (COID_DISCONNECT or
 * THREAD_DEATH): a second gets EBUSY until the first is destroyed. */
long kcall_channel_create(const uint64_t *a)
{
	uint32_t flags = (uint32_t)a[0];
	struct proc *p = curproc();
	struct channel *ch = kmalloc(sizeof *ch);
	if (ch == NULL)
		return -EAGAIN;
	channel_port_init(&ch->ch_port);
	ch->ch_lock = (struct spinlock)SPINLOCK_INIT("channel");
	ch->ch_flags = flags;
	ch->ch_chid = 0;
	ch->ch_owner = p;
	ch->ch_dead = false;
	ch->ch_refs = 1;
	list_init(&ch->ch_sendq);
	list_init(&ch->ch_recvq);
	list_init(&ch->ch_replyq);
	list_init(&ch->ch_conns);
	/* Until some thread receives here, the one that made the channel is taken for
	 * its server (the send-time boost's candidate). */
	chan_note_server(ch, curthread(), curthread()->td_basepri);
	if (flags & CHF_DEATH) {
		unsigned long s = spin_lock_irqsave(&p->p_lock);
		bool busy = p->p_deathch != NULL;
		if (!busy)
			p->p_deathch = ch;
		spin_unlock_irqrestore(&p->p_lock, s);
		if (busy) {
			kfree(ch);
			return -EBUSY;
		}
	}
	int chid = idtable_alloc(&p->p_chids, ch, 1);
	if (chid < 0) {
		channel_kill(ch);	/* p_deathch may have been seen: undo it the long way */
		return -EAGAIN;
	}
	ch->ch_chid = chid;
	return chid;
}

/*
 * Destroy ch, which is already out of the owner's chid table. In three steps:
 * mark it dead and end the server side of every connection (scoids go, clients'
 * coids go dead); send the clients their COIDDEATH pulses; then release every
 * waiter with ESRCH and drop the owner's reference. The pulses go before the
 * releases so that a client woken with ESRCH finds them already queued. While the
 * channel is dead but not yet drained, new calls on it fail and queued waiters
 * just wait a little longer.
 */
static void channel_kill(struct channel *ch)
{
	struct proc *owner = ch->ch_owner;
	struct conn *ended = NULL, *cn;
	unsigned long s;
	if (ch->ch_flags & CHF_DEATH) {
		s = spin_lock_irqsave(&owner->p_lock);
		if (owner->p_deathch == ch)
			owner->p_deathch = NULL;
		spin_unlock_irqrestore(&owner->p_lock, s);
	}

	s = chan_lock(ch);
	ch->ch_dead = true;
	while ((cn = list_first_entry(&ch->ch_conns, struct conn, cn_chlink)) != NULL) {
		conn_server_end_locked(ch, cn);
		cn->cn_next = ended;	/* the server side's reference comes along */
		ended = cn;
	}
	chan_unlock(ch, s);

	while ((cn = ended) != NULL) {
		ended = cn->cn_next;
		coid_death_notify(cn);
		conn_unref(cn);
	}

	s = chan_lock(ch);
	struct ipc_wait *w;
	while ((w = list_first_entry(&ch->ch_sendq, struct ipc_wait, iw_link)) != NULL) {
		if (w->iw_is_pulse) {
			list_remove(&w->iw_link);
			kfree(w);
		} else {
			list_remove(&w->iw_link);
			ipc_complete(w, -ESRCH);
		}
	}
	while ((w = list_first_entry(&ch->ch_recvq, struct ipc_wait, iw_link)) != NULL) {
		list_remove(&w->iw_link);
		ipc_complete(w, -ESRCH);
	}
	while ((w = list_first_entry(&ch->ch_replyq, struct ipc_wait, iw_link)) != NULL) {
		idtable_remove(&ch->ch_owner->p_rcvids, w->iw_rcvid);
		list_remove(&w->iw_link);
		ipc_complete(w, -ESRCH);
	}
	chan_unlock(ch, s);
	chan_unref(ch);
}

long kcall_channel_destroy(const uint64_t *a)
{
	struct channel *ch = idtable_remove(&curproc()->p_chids, (int)a[0]);
	if (ch == NULL)
		return -EINVAL;
	channel_kill(ch);
	return 0;
}

/* --- Connections --------------------------------------------------------------------------- */

/* Lowest free fd-space coid >= index; p_lock held. -EMFILE if none. */
static int coid_slot(struct proc *p, int index)
{
	for (int i = index; i < p->p_ncoids; i++)
		if (p->p_coids[i] == NULL)
			return i;
	return -EMFILE;
}

/* Give cn a new coid in p: a side-channel id, or the lowest free fd slot >= index.
 * p_lock held. Returns the coid or -errno. */
static int coid_install_locked(struct proc *p, struct conn *cn, bool side, int index)
{
	if (side) {
		int id = idtable_alloc(&p->p_side, cn, 1);
		if (id < 0)
			return id == -EAGAIN ? -EMFILE : id;
		return id | _NTO_SIDE_CHANNEL;
	}
	int coid = coid_slot(p, index);
	if (coid >= 0)
		p->p_coids[coid] = cn;
	return coid;
}

/* p's connection to ch that the server still knows, to share; NULL if none. p_lock held. */
static struct conn *conn_find_locked(struct proc *p, struct channel *ch)
{
	struct list *it;
	list_foreach(it, &p->p_conns) {
		struct conn *c = list_entry(it, struct conn, cn_link);
		if (c->cn_chan == ch && __atomic_load_n(&c->cn_scoid, __ATOMIC_RELAXED))
			return c;
	}
	return NULL;
}

/*
 * ConnectAttach. A second attach to the same channel shares the connection (and so
 * the scoid). A new connection gets its server side first, under ch_lock, so that
 * none is made on a dead channel and channel_kill finds them all; then its coid. If
 * there is no coid for it, it is undone as a client that left at once (no pulse).
 */
long kcall_connect_attach(const uint64_t *a)
{
	uint32_t nd = (uint32_t)a[0];
	uint32_t pid = (uint32_t)a[1];
	int chid = (int)a[2], index = (int)a[3], flags = (int)a[4];
	bool side = index & _NTO_SIDE_CHANNEL;
	struct proc *me = curproc();
	(void)flags;	/* _NTO_COF_CLOEXEC matters only once exec exists */

	if (nd != 0 || (!side && (index < 0 || index >= MAX_COIDS)))
		return -EINVAL;
	/* Find the channel and take a reference under proc_lock (processes stay put). */
	unsigned long s = spin_lock_irqsave(&proc_lock);
	struct proc *target = proc_find(pid);
	struct channel *ch = target ? idtable_lookup(&target->p_chids, chid) : NULL;
	if (ch && (ch->ch_flags & _NTO_CHF_PRIVATE) && target != me)
		ch = (struct channel *)-1;
	else if (ch)
		chan_ref(ch);
	spin_unlock_irqrestore(&proc_lock, s);
	if (ch == NULL)
		return -ESRCH;
	if (ch == (struct channel *)-1)
		return -EPERM;

	struct conn *cn = kmalloc(sizeof *cn);
	struct conn **table = side || me->p_coids ? NULL : kmalloc(MAX_COIDS * sizeof *table);
	int coid = 0, err = 0;
	if (cn == NULL || (!side && !me->p_coids && table == NULL)) {
		err = -EAGAIN;
		goto out;
	}
	s = spin_lock_irqsave(&me->p_lock);
	if (table && me->p_coids == NULL) {
		me->p_coids = table;
		me->p_ncoids = MAX_COIDS;
		table = NULL;
	}
	struct conn *found = conn_find_locked(me, ch);
	if (found && (coid = coid_install_locked(me, found, side, index)) >= 0)
		found->cn_users++;
	spin_unlock_irqrestore(&me->p_lock, s);
	if (found) {
		err = coid < 0 ? coid : 0;
		goto out;
	}

	cn->cn_chan = ch;
	cn->cn_refs = 2;		/* the client side and the server side */
	cn->cn_client_pid = me->p_pid;
	cn->cn_users = 0;
	cn->cn_client_gone = false;
	cn->cn_scoid = 0;
	cn->cn_next = NULL;
	s = chan_lock(ch);
	if (ch->ch_dead) {
		err = -ESRCH;
	} else {
		int id = idtable_alloc(&ch->ch_owner->p_side, scoid_obj(cn), 1);
		if (id < 0) {
			err = -EAGAIN;
		} else {
			cn->cn_scoid = id | _NTO_SIDE_CHANNEL;
			list_insert_tail(&ch->ch_conns, &cn->cn_chlink);
		}
	}
	chan_unlock(ch, s);
	if (err)
		goto out;
	/* Another thread of ours may have connected to ch meanwhile: then its connection
	 * is the one (one per process and channel) and ours, which nobody has used, ends
	 * without a pulse. The second look is under the p_lock the install takes. */
	s = spin_lock_irqsave(&me->p_lock);
	struct conn *other = conn_find_locked(me, ch);
	ch = NULL;		/* its reference now belongs to the connection */
	coid = coid_install_locked(me, other ? other : cn, side, index);
	if (coid >= 0 && other) {
		other->cn_users++;
	} else if (coid >= 0) {
		cn->cn_users = 1;
		list_insert_tail(&me->p_conns, &cn->cn_link);
	}
	spin_unlock_irqrestore(&me->p_lock, s);
	if (coid < 0)
		err = coid;
	if (coid < 0 || other)
		conn_client_end(cn, false);
	cn = NULL;
out:
	kfree(cn);
	kfree(table);
	if (ch)
		chan_unref(ch);
	return err ? err : coid;
}

/*
 * The server detaches a scoid (cn, held by the caller): its server side ends now.
 * After the DISCONNECT pulse that frees it; before it (the client is still
 * connected), as in QNX, it cuts the connection: the client's coids on it fail with
 * EBADF from now on, its threads SEND-blocked on it are released with EBADF, and no
 * DISCONNECT pulse comes. A scoid already ended gets EINVAL.
 */
static long scoid_detach(struct conn *cn, int scoid)
{
	struct channel *ch = cn->cn_chan;
	long ret = -EINVAL;
	unsigned long s = chan_lock(ch);
	if (cn->cn_scoid == scoid) {
		conn_server_end_locked(ch, cn);
		struct list *it = ch->ch_sendq.next;
		while (!cn->cn_client_gone && it != &ch->ch_sendq) {
			struct ipc_wait *w = list_entry(it, struct ipc_wait, iw_link);
			it = it->next;
			if (!w->iw_is_pulse && w->iw_scoid == scoid) {
				list_remove(&w->iw_link);
				ipc_complete(w, -EBADF);
			}
		}
		ret = 0;
	}
	chan_unlock(ch, s);
	if (ret == 0)
		conn_unref(cn);		/* the server side's */
	conn_unref(cn);			/* ours */
	return ret;
}

/* REPLY-blocked w on an _NTO_CHF_UNBLOCK channel is asked to unblock (ConnectDetach,
 * a signal, a timeout): the server gets one _PULSE_CODE_UNBLOCK (value = rcvid) and
 * MsgInfo shows _NTO_MI_UNBLOCK_REQ; w stays blocked until the server replies. Once
 * per call; with no memory for the pulse, w is not marked, so a later request retries.
 * ch_lock held. */
static void unblock_pulse_locked(struct channel *ch, struct ipc_wait *w)
{
	struct ipc_wait *pw;
	if (w->iw_unblock_req || (pw = kmalloc(sizeof *pw)) == NULL)
		return;
	pulse_init(pw, w->iw_pri, _PULSE_CODE_UNBLOCK, w->iw_rcvid, w->iw_scoid);
	w->iw_unblock_req = true;
	pulse_queue_locked(ch, &pw);
	kfree(pw);		/* NULL when queued; else delivered, a copy */
}

/*
 * After ConnectDetach(coid) by a client: its threads SEND-blocked on that coid fail
 * EBADF; for each one REPLY-blocked on it, a channel with _NTO_CHF_UNBLOCK gets one
 * UNBLOCK pulse (value = rcvid, at the client's priority; lost without memory, like
 * MsgSendPulse's EAGAIN) and MsgInfo shows _NTO_MI_UNBLOCK_REQ; the client stays
 * REPLY-blocked until the server replies (qnx-api.md). cn: still held by the caller.
 */
static void coid_detach_waiters(struct conn *cn, int coid)
{
	struct channel *ch = cn->cn_chan;
	unsigned long s = chan_lock(ch);
	struct list *it = ch->ch_sendq.next;
	while (it != &ch->ch_sendq) {
		struct ipc_wait *w = list_entry(it, struct ipc_wait, iw_link);
		it = it->next;
		if (!w->iw_is_pulse && w->iw_conn == cn && w->iw_coid == coid) {
			list_remove(&w->iw_link);
			ipc_complete(w, -EBADF);
		}
	}
	if (ch->ch_flags & _NTO_CHF_UNBLOCK) {
		list_foreach(it, &ch->ch_replyq) {
			struct ipc_wait *w = list_entry(it, struct ipc_wait, iw_link);
			if (w->iw_conn == cn && w->iw_coid == coid)
				unblock_pulse_locked(ch, w);
		}
	}
	chan_unlock(ch, s);
}

/* ConnectDetach(coid), or ConnectDetach(scoid) from the server (scoid_detach). */
long kcall_connect_detach(const uint64_t *a)
{
	int coid = (int)a[0];
	struct proc *p = curproc();
	struct conn *cn;
	bool last = false;
	unsigned long s;
	if (coid & _NTO_SIDE_CHANNEL) {
		int id = coid & ~_NTO_SIDE_CHANNEL;
		void *obj = idtable_lookup_if(&p->p_side, id, conn_hold_scoid);
		if (obj != NULL)
			return scoid_detach((struct conn *)((uintptr_t)obj & ~SCOID_TAG), coid);
		cn = idtable_remove_if(&p->p_side, id, is_coid_obj);
		s = spin_lock_irqsave(&p->p_lock);
	} else {
		s = spin_lock_irqsave(&p->p_lock);
		cn = coid >= 0 && coid < p->p_ncoids ? p->p_coids[coid] : NULL;
		if (cn)
			p->p_coids[coid] = NULL;
	}
	if (cn) {
		/* Our own reference for coid_detach_waiters: once p_lock is dropped, another
		 * thread detaching the last coid on cn may end it (conn_client_end) before we
		 * are done, even if this was not the last. */
		__atomic_fetch_add(&cn->cn_refs, 1, __ATOMIC_RELAXED);
		last = conn_put_locked(p, cn);
	}
	spin_unlock_irqrestore(&p->p_lock, s);
	if (cn == NULL)
		return -EINVAL;
	coid_detach_waiters(cn, coid);
	if (last)
		conn_client_end(cn, true);
	conn_unref(cn);
	return 0;
}

/* --- Unblocking ---------------------------------------------------------------------------
 * A killed thread (TDF_KILLED, kern/uthread.c) must not stay blocked in a message call.
 * msg_unblock ends the call it is blocked in now; killed_locked stops it from blocking
 * in a new one. Both run on the thread's own hart with interrupts off, so one of them
 * always sees the other's work: the flag is set before msg_unblock looks, and a call
 * checks it under ch_lock before it queues (putport and the fast path). */

/* The caller's own call w, in putport: if its thread has been killed, end the call with
 * EINTR instead of queueing it. ch_lock held. */
static bool killed_locked(struct ipc_wait *w)
{
	if (!(w->iw_td->td_flags & TDF_BREAK))	/* killed, or a signal to deliver */
		return false;
	ipc_complete(w, -EINTR);
	return true;
}

static const uint32_t ipc_state_bit[IPC_DONE + 1] = {
	[IPC_SEND] = _NTO_TIMEOUT_SEND,
	[IPC_RECEIVE] = _NTO_TIMEOUT_RECEIVE,
	[IPC_REPLY] = _NTO_TIMEOUT_REPLY,
};

/* msg_unblock, for a call blocked in one of `states` (_NTO_TIMEOUT_* bits) only. */
static void msg_unblock_in(struct thread *td, int err, bool force, uint32_t states)
{
	KASSERT(!local_irq_enabled() && td->td_gd == mycpu(), "msg_unblock context");
	struct ipc_wait *w = td->td_ipc;	/* set only while td is inside a call */
	if (w == NULL || w->iw_chan == NULL)
		return;
	struct channel *ch = w->iw_chan;	/* referenced for the call's length */
	unsigned long s = chan_lock(ch);
	if (!(ipc_state_bit[w->iw_state] & states)) {
		chan_unlock(ch, s);	/* not queued, or in a state not asked for */
		return;
	}
	switch (w->iw_state) {
	case IPC_REPLY:
		if (!force && (ch->ch_flags & _NTO_CHF_UNBLOCK)) {
			unblock_pulse_locked(ch, w);	/* the server decides */
			break;
		}
		idtable_remove(&ch->ch_owner->p_rcvids, w->iw_rcvid);
		/* fall through */
	case IPC_SEND:
	case IPC_RECEIVE:
		list_remove(&w->iw_link);
		ipc_complete(w, -err);
		break;
	default:		/* not queued: done, or not yet in (killed_locked stops it) */
		break;
	}
	chan_unlock(ch, s);
}

void msg_unblock(struct thread *td, int err, bool force)
{
	msg_unblock_in(td, err, force, _NTO_TIMEOUT_SEND | _NTO_TIMEOUT_RECEIVE |
				       _NTO_TIMEOUT_REPLY);
}

/* A TimerTimeout ran out (kern/timeout.c): td's hart, interrupts off. */
void msg_timeout(struct thread *td, uint32_t states)
{
	msg_unblock_in(td, ETIMEDOUT, false, states);
}

void channel_thread_death(struct proc *p, int tid)
{
	unsigned long s = spin_lock_irqsave(&p->p_lock);
	struct channel *dch = p->p_deathch;
	if (dch && (dch->ch_flags & _NTO_CHF_THREAD_DEATH))
		chan_ref(dch);
	else
		dch = NULL;
	spin_unlock_irqrestore(&p->p_lock, s);
	if (dch) {
		kernel_pulse(dch, _PULSE_CODE_THREADDEATH, tid, 0);
		chan_unref(dch);
	}
}

/* --- The channel port ----------------------------------------------------------------------
 * putport takes a caller's ipc_wait message: IPC_CMD_SEND, a client's message, meets
 * a RECEIVE-blocked server thread or queues by priority; IPC_CMD_RECEIVE, a server
 * thread's receive request, takes the first queued pulse or message or queues. The
 * call ends when its message is replied (ipc_complete): the receive request with the
 * rcvid (0 for a pulse) or -errno, the client's message with MsgReply's status. */

static struct channel *port_channel(struct lwkt_port *port)
{
	return (struct channel *)((char *)port - offsetof(struct channel, ch_port));
}

/* A send on ch. ch_lock held. Returns the send-time boost to apply (0: none). */
static int chan_send_locked(struct channel *ch, struct ipc_wait *w)
{
	if (!conn_live_locked(w->iw_conn, w->iw_scoid)) {
		ipc_complete(w, -EBADF);
		return 0;
	}
	struct ipc_wait *r = list_first_entry(&ch->ch_recvq, struct ipc_wait, iw_link);
	if (r == NULL) {
		int err = tmo_block(w->iw_td, STATE_SEND, _NTO_TIMEOUT_REPLY);
		if (err) {
			ipc_complete(w, err);
			return 0;
		}
		w->iw_state = IPC_SEND;
		sendq_insert(ch, w);
		return send_boost_locked(ch, w);
	}
	list_remove(&r->iw_link);
	long rcvid = rendezvous_locked(ch, w, r);
	if (rcvid > 0)
		ipc_complete(r, rcvid);
	else if (rcvid == 0)
		list_insert_head(&ch->ch_recvq, &r->iw_link);	/* ours failed: r waits on */
	return 0;
}

/* A receive on ch: take what is queued (a pulse is freed through *freep, after the
 * unlock), or queue w if `block`. Returns false if nothing was queued and w was not
 * either. ch_lock held. */
bool chan_receive_locked(struct channel *ch, struct ipc_wait *w, bool block,
			 struct ipc_wait **freep)
{
	for (;;) {
		if (ch->ch_dead) {
			ipc_complete(w, -ESRCH);
			return true;
		}
		struct ipc_wait *q = list_first_entry(&ch->ch_sendq, struct ipc_wait, iw_link);
		if (q == NULL) {
			if (!block)
				return false;
			int err = tmo_block(w->iw_td, STATE_RECEIVE, 0);
			if (err) {
				ipc_complete(w, err);
				return true;
			}
			w->iw_state = IPC_RECEIVE;
			list_insert_tail(&ch->ch_recvq, &w->iw_link);
			/* Done with what we inherited: wait at our own priority (the next
			 * message sets it). Only now: dropping before a queued message is
			 * taken would let medium work run ahead of its sender. */
			KASSERT(w->iw_td == curthread(), "receive on behalf of another thread");
			if (w->iw_td->td_pri != w->iw_td->td_basepri)
				lwkt_setpri_local(w->iw_td, w->iw_td->td_basepri);
			return true;
		}
		list_remove(&q->iw_link);
		if (q->iw_is_pulse) {
			ipc_complete(w, deliver_pulse(ch, q, w));
			*freep = q;
			return true;
		}
		long rcvid = rendezvous_locked(ch, q, w);
		if (rcvid > 0)
			ipc_complete(w, rcvid);
		if (rcvid != 0)
			return true;
		/* That sender's buffer faulted (it has been failed): try the next. */
	}
}

static void chanport_putport(struct lwkt_port *port, struct lwkt_msg *msg)
{
	struct channel *ch = port_channel(port);
	struct ipc_wait *w = (struct ipc_wait *)msg, *pulse = NULL;
	int boost = 0;
	unsigned long s = chan_lock(ch);
	if (killed_locked(w))
		boost = 0;		/* ended with EINTR: a killed thread blocks in no call */
	else if (msg->ms_cmd == IPC_CMD_SEND)
		boost = chan_send_locked(ch, w);
	else
		chan_receive_locked(ch, w, true, &pulse);
	struct thread *srv = ch->ch_srv;
	uint32_t srv_id = ch->ch_srv_id;
	int srv_cpu = ch->ch_srv_cpu;
	chan_unlock(ch, s);
	kfree(pulse);
	if (boost)
		lwkt_boost(srv, srv_id, srv_cpu, boost);
}

/* Receive on the channel: the caller's receive request (curthread's td_ipc) goes in
 * and comes back replied with the rcvid, 0 for a pulse, or -errno. */
static struct lwkt_msg *chanport_waitport(struct lwkt_port *port)
{
	struct ipc_wait *w = curthread()->td_ipc;
	lwkt_domsg(port, &w->iw_msg);
	return &w->iw_msg;
}

/* The same without blocking: NULL when nothing is queued. */
static struct lwkt_msg *chanport_getport(struct lwkt_port *port)
{
	struct channel *ch = port_channel(port);
	struct ipc_wait *w = curthread()->td_ipc, *pulse = NULL;
	lwkt_msg_prepare_sync(&w->iw_msg);
	unsigned long s = chan_lock(ch);
	bool got = chan_receive_locked(ch, w, false, &pulse);
	chan_unlock(ch, s);
	kfree(pulse);
	if (!got) {
		w->iw_msg.ms_flags = MSGF_DONE;		/* never sent */
		return NULL;
	}
	lwkt_waitmsg(&w->iw_msg);
	return &w->iw_msg;
}

/* Replies to channel calls go to the callers' own thread ports, never here. */
static void chanport_replyport(struct lwkt_port *port, struct lwkt_msg *msg)
{
	panic("channel port %p: reply to message %p, which belongs on its sender's port", port, msg);
}

static int chanport_waitmsg(struct lwkt_port *port, struct lwkt_msg *msg)
{
	panic("channel port %p: waitmsg for %p, which is done on the sender's port", port, msg);
}

static const struct lwkt_port_ops channel_port_ops = {
	.mp_putport = chanport_putport,
	.mp_replyport = chanport_replyport,
	.mp_waitmsg = chanport_waitmsg,
	.mp_waitport = chanport_waitport,
	.mp_getport = chanport_getport,
};

static void channel_port_init(struct lwkt_port *port)
{
	port->mp_ops = &channel_port_ops;
	list_init(&port->mp_msgq);	/* unused: the channel keeps its own queues */
	port->mp_flags = 0;
	port->mp_waitmsg = NULL;
	port->mp_td = NULL;
}

/*
 * The fast path, a chain of guards in front of the port: a receiver is blocked on
 * the channel and the connection is live (else false, nothing changed, and the port
 * does it all). Then the sender does the rendezvous itself and replies to the
 * receiver with lwkt_reply_handoff, whose own guards (the receiver is a thread of
 * this hart, blocked on its port, and nothing more urgent is queued here) give it
 * the hart at once, or else fall back to the ordinary reply and wait.
 */
static bool send_fast(struct channel *ch, struct ipc_wait *w)
{
	unsigned long s = chan_lock(ch);
	struct ipc_wait *r = list_first_entry(&ch->ch_recvq, struct ipc_wait, iw_link);
	if (r == NULL || !conn_live_locked(w->iw_conn, w->iw_scoid) ||
	    (w->iw_td->td_flags & TDF_BREAK)) {
		chan_unlock(ch, s);
		return false;
	}
	lwkt_msg_prepare_sync(&w->iw_msg);
	list_remove(&r->iw_link);
	long rcvid = rendezvous_locked(ch, w, r);
	if (rcvid <= 0) {			/* a fault, already settled as the port would */
		if (rcvid == 0)
			list_insert_head(&ch->ch_recvq, &r->iw_link);
		chan_unlock(ch, s);
		lwkt_waitmsg(&w->iw_msg);
		return true;
	}
	/* r's call is over (as ipc_complete would mark it): a msg_unblock on r's hart
	 * before r runs must not find it RECEIVE-queued, since it is on no queue now. */
	r->iw_state = IPC_DONE;
	/* Interrupts stay off from here through the switch, so a reply from another hart
	 * cannot overtake the hand-off: its IPI waits for them. */
	spin_unlock(&ch->ch_lock);
	lwkt_reply_handoff(&r->iw_msg, (int)rcvid, &w->iw_msg);
	local_irq_restore(s);
	crit_exit();
	return true;
}

/* --- Messages ------------------------------------------------------------------------------ */

/* The kernel calls' slow paths (channel.h): kcall_msg_sendv, _receivev and _replyv
 * (msg_fast.c) call them when the fast path misses or is off. */
long msg_send_slow(const uint64_t *a)
{
	struct ipc_wait w;
	int err;
	ipc_wait_init(&w, IPC_CMD_SEND);
	w.iw_sparts = (int)a[2];
	w.iw_rparts = (int)a[4];
	if ((err = iov_fetch(a[1], &w.iw_sparts, w.iw_siov, &w.iw_slen)) ||
	    (err = iov_fetch(a[3], &w.iw_rparts, w.iw_riov, &w.iw_rlen)))
		return -err;
	w.iw_coid = (int)a[0];
	struct conn *cn = coid_conn(w.iw_coid, &w.iw_scoid);
	if (cn == NULL)
		return -EBADF;
	w.iw_conn = cn;
	w.iw_chan = cn->cn_chan;
	w.iw_td->td_ipc = &w;
	if (!msg_fastpath || !send_fast(w.iw_chan, &w))
		lwkt_domsg(&w.iw_chan->ch_port, &w.iw_msg);
	w.iw_td->td_ipc = NULL;
	conn_unref(cn);
	return w.iw_msg.ms_error;
}

long msg_receive_slow(const uint64_t *a)
{
	struct ipc_wait w;
	struct thread *td = curthread();
	int err;
	uint64_t uinfo = a[3];
	ipc_wait_init(&w, IPC_CMD_RECEIVE);
	w.iw_sparts = (int)a[2];	/* the receive buffers, in iw_siov */
	if ((err = iov_fetch(a[1], &w.iw_sparts, w.iw_siov, &w.iw_slen)))
		return -err;
	if (uinfo && !user_range_ok(uinfo, sizeof(struct _msg_info)))
		return -EFAULT;
	w.iw_want_info = uinfo != 0;
	struct channel *ch = idtable_lookup(&curproc()->p_chids, (int)a[0]);
	if (ch == NULL)
		return -ESRCH;
	chan_ref(ch);
	w.iw_chan = ch;
	td->td_ipc = &w;
	long result = lwkt_waitport(&ch->ch_port)->ms_error;
	td->td_ipc = NULL;
	chan_unref(ch);
	/* With a pulse, info is left alone (qnx-api.md). */
	if (result > 0 && uinfo && copyout(uinfo, &w.iw_info, sizeof w.iw_info))
		return -EFAULT;
	return result;
}

/*
 * The REPLY-blocked client behind rcvid, found under its channel's lock. The rcvid
 * table names the channel (referenced here) and the client is looked for on that
 * channel's reply queue, so a call that another server thread, or the channel's
 * death, ended meanwhile is just not found: nothing of the client is touched before
 * the lock. Returns with ch_lock held (*chp, irq state *s; end with client_release),
 * or NULL with nothing held. `take` removes the rcvid (MsgReply and MsgError end the
 * call); otherwise it stays (MsgRead, MsgWrite, MsgInfo).
 */
static struct ipc_wait *find_client(int rcvid, bool take, struct channel **chp,
				    unsigned long *s)
{
	struct idtable *t = &curproc()->p_rcvids;
	struct channel *ch = idtable_lookup_if(t, rcvid, chan_hold);
	if (ch == NULL)
		return NULL;
	*s = chan_lock(ch);
	struct list *it;
	list_foreach(it, &ch->ch_replyq) {
		struct ipc_wait *cw = list_entry(it, struct ipc_wait, iw_link);
		if (cw->iw_rcvid == rcvid) {
			if (take)
				idtable_remove(t, rcvid);
			*chp = ch;
			return cw;
		}
	}
	chan_unlock(ch, *s);
	chan_unref(ch);
	return NULL;
}

static void client_release(struct channel *ch, unsigned long s)
{
	chan_unlock(ch, s);
	chan_unref(ch);
}

long msg_reply_slow(const uint64_t *a)
{
	iov_t siov[IPC_MAXIOV];
	size_t slen, n;
	int rcvid = (int)a[0], sparts = (int)a[3], err;
	long status = (long)(int)a[1];
	if ((err = iov_fetch(a[2], &sparts, siov, &slen)))
		return -err;
	if (status < 0 && status >= -4095)	/* would read as an errno: use MsgError */
		return -EINVAL;
	unsigned long s;
	struct channel *ch;
	struct ipc_wait *cw = find_client(rcvid, true, &ch, &s);
	if (cw == NULL)
		return -ESRCH;
	int f = iov_copy(cw->iw_pmap, cw->iw_riov, cw->iw_rparts, &curproc()->p_pmap, siov, sparts,
			 MIN(slen, cw->iw_rlen), &n);
	/* A bad buffer on either side fails the reply; the client learns whose it was. */
	list_remove(&cw->iw_link);
	ipc_complete(cw, f == 0 ? status : f == COPY_SRC_FAULT ? -ESRVRFAULT : -EFAULT);
	client_release(ch, s);
	return f ? -EFAULT : 0;
}

/*
 * MsgReadv(rcvid, riov, rparts, offset): more of the client's message, from offset.
 * MsgWritev(rcvid, siov, sparts, offset): into the client's reply buffer at offset.
 * The client stays REPLY-blocked; the count is clamped to what it has; offsets count
 * from the start of the whole message or reply buffer.
 */
static long msg_read_write(const uint64_t *a, bool write)
{
	iov_t iov[IPC_MAXIOV];
	size_t len, n;
	int rcvid = (int)a[0], parts = (int)a[2], err;
	long offset = (long)(int)a[3];
	if ((err = iov_fetch(a[1], &parts, iov, &len)))
		return -err;
	if (offset < 0)
		return -EINVAL;
	unsigned long s;
	struct channel *ch;
	struct ipc_wait *cw = find_client(rcvid, false, &ch, &s);
	if (cw == NULL)
		return -ESRCH;
	size_t have = write ? cw->iw_rlen : cw->iw_slen;
	size_t max = MIN(len, (size_t)offset < have ? have - (size_t)offset : 0);
	struct pmap *mine = &curproc()->p_pmap;
	int f = write ? iov_copy_at(cw->iw_pmap, cw->iw_riov, cw->iw_rparts, (size_t)offset, mine,
				    iov, parts, 0, max, &n)
		      : iov_copy_at(mine, iov, parts, 0, cw->iw_pmap, cw->iw_siov, cw->iw_sparts,
				    (size_t)offset, max, &n);
	client_release(ch, s);
	return f ? -EFAULT : (long)n;
}

long kcall_msg_readv(const uint64_t *a)
{
	return msg_read_write(a, false);
}

long kcall_msg_writev(const uint64_t *a)
{
	return msg_read_write(a, true);
}

/* MsgInfo(rcvid, info): the _msg_info of a message being handled, again. */
long kcall_msg_info(const uint64_t *a)
{
	int rcvid = (int)a[0];
	uint64_t uinfo = a[1];
	struct _msg_info info;
	if (!user_range_ok(uinfo, sizeof info) || uinfo == 0)
		return -EFAULT;
	unsigned long s;
	struct channel *ch;
	struct ipc_wait *cw = find_client(rcvid, false, &ch, &s);
	if (cw == NULL)
		return -ESRCH;
	msg_info_fill(ch, cw, &info);
	client_release(ch, s);
	return copyout(uinfo, &info, sizeof info) ? -EFAULT : 0;
}

long kcall_msg_error(const uint64_t *a)
{
	int rcvid = (int)a[0], error = (int)a[1];
	unsigned long s;
	if (error < 0 || error > 4095)
		return -EINVAL;
	struct channel *ch;
	struct ipc_wait *cw = find_client(rcvid, true, &ch, &s);
	if (cw == NULL)
		return -ESRCH;
	list_remove(&cw->iw_link);
	ipc_complete(cw, error ? -error : 0);
	client_release(ch, s);
	return 0;
}

long kcall_msg_send_pulse(const uint64_t *a)
{
	int coid = (int)a[0], pri = (int)a[1], code = (int)a[2], value = (int)a[3], scoid;
	if (pri == -1)
		pri = curthread()->td_pri;
	if (pri < 1 || pri > 255 || code < -128 || code > 127)
		return -EINVAL;
	struct conn *cn = coid_conn(coid, &scoid);
	if (cn == NULL)
		return -EBADF;
	struct channel *ch = cn->cn_chan;
	struct ipc_wait *pw = kmalloc(sizeof *pw);
	if (pw == NULL) {
		conn_unref(cn);
		return -EAGAIN;
	}
	pulse_init(pw, pri, code, value, scoid);
	unsigned long s = chan_lock(ch);
	long ret = conn_live_locked(cn, scoid) ? pulse_queue_locked(ch, &pw) : -EBADF;
	chan_unlock(ch, s);
	kfree(pw);
	conn_unref(cn);
	return ret;
}

/*
 * MsgDeliverEvent(rcvid, event): a SIGEV_PULSE event (the client's own, passed to us in
 * a message) goes to the client: a pulse on its connection sigev_coid, with the
 * event's code, value and priority (SIGEV_PULSE_PRIO_INHERIT: queued at ours, and the
 * receiver keeps its priority). The rcvid stays good for this after the reply, until
 * its slot is used again (RCVID_KEEP). SIGEV_NONE delivers nothing. Other kinds need
 * signals and interrupts (later): EINVAL.
 */
long kcall_msg_deliver_event(const uint64_t *a)
{
	int rcvid = (int)a[0];
	struct sigevent ev;
	uint32_t pid;
	if (a[1] == 0 || copyin(&ev, a[1], sizeof ev))
		return -EFAULT;
	if (event_check(&ev))
		return -EINVAL;
	if (!idtable_tag(&curproc()->p_rcvids, rcvid, &pid))
		return -ESRCH;
	return event_deliver(pid, curthread(), &ev);
}

long msg_event_pulse(uint32_t pid, int coid, int pri, int code, union sigval value, bool keep_pri)
{
	/* The process's connection (order: proc_lock -> p_lock), held. */
	int scoid = 0;
	struct conn *cn = NULL;
	unsigned long s = spin_lock_irqsave(&proc_lock);
	struct proc *p = proc_find(pid);
	bool gone = p == NULL || p->p_dead;
	if (!gone) {
		unsigned long s2 = spin_lock_irqsave(&p->p_lock);
		cn = conn_lookup_locked(p, coid);
		scoid = cn ? __atomic_load_n(&cn->cn_scoid, __ATOMIC_RELAXED) : 0;
		if (scoid)
			__atomic_fetch_add(&cn->cn_refs, 1, __ATOMIC_RELAXED);
		else
			cn = NULL;
		spin_unlock_irqrestore(&p->p_lock, s2);
	}
	spin_unlock_irqrestore(&proc_lock, s);
	if (gone)
		return -ESRCH;			/* the process has gone */
	if (cn == NULL)
		return -EINVAL;			/* its event names no live connection */

	struct ipc_wait *pw = kmalloc(sizeof *pw);
	if (pw == NULL) {
		conn_unref(cn);
		return -EAGAIN;
	}
	pulse_init(pw, pri, code, 0, scoid);
	pw->iw_pulse.value = value;
	pw->iw_keep_pri = keep_pri;
	struct channel *ch = cn->cn_chan;
	s = chan_lock(ch);
	long ret = conn_live_locked(cn, scoid) ? pulse_queue_locked(ch, &pw) : -ESRCH;
	chan_unlock(ch, s);
	kfree(pw);
	conn_unref(cn);
	return ret == -EBADF ? -ESRCH : ret;
}

/* --- Process setup and teardown ------------------------------------------------------------ */

int msg_sendq_len(struct proc *p, int chid)
{
	struct channel *ch = idtable_lookup_if(&p->p_chids, chid, chan_hold);
	if (ch == NULL)
		return -1;
	int n = 0;
	struct list *it;
	unsigned long s = chan_lock(ch);
	list_foreach(it, &ch->ch_sendq)
		n++;
	chan_unlock(ch, s);
	chan_unref(ch);
	return n;
}

int msg_first_chid(struct proc *p)
{
	int chid = 0;
	unsigned long s = spin_lock_irqsave(&p->p_chids.it_lock);
	for (uint32_t k = 1; k < p->p_chids.it_size && chid == 0; k++)
		if (p->p_chids.it_slots[k].is_obj)
			chid = (int)((p->p_chids.it_slots[k].is_gen << IDT_INDEX_BITS) | k);
	spin_unlock_irqrestore(&p->p_chids.it_lock, s);
	return chid;
}

/* Boot: read msg.fast= (the fast path's switch, for the on/off comparison tests). */
void msg_init(void)
{
	msg_fastpath = bootarg_num("msg.fast", 1) != 0;
}

void channel_proc_init(struct proc *p)
{
	p->p_lock = (struct spinlock)SPINLOCK_INIT("proc");
	idtable_init(&p->p_chids, IDT_MAX_INDEX + 1);	/* grows by doubling: small processes stay small */
	idtable_init(&p->p_rcvids, IDT_MAX_INDEX + 1);
	idtable_init(&p->p_side, IDT_MAX_INDEX + 1);	/* side coids and scoids */
	if (p->p_pid == 1)	/* taskman: its first channel is chid 1 (SYSMGR_CHID) */
		(void)idtable_plain_first_id(&p->p_chids);
	p->p_coids = NULL;
	p->p_ncoids = 0;
	list_init(&p->p_conns);
	p->p_deathch = NULL;
}

static void drain_channel(void *obj, int id, void *arg)
{
	channel_kill(obj);
}

/* Our channels are gone by now, and with them every scoid in p_side: only our own
 * side-channel coids are left. */
static void drain_side(void *obj, int id, void *arg)
{
	struct proc *p = arg;
	KASSERT(is_coid_obj(obj), "scoid %d outlived its channel", id);
	unsigned long s = spin_lock_irqsave(&p->p_lock);
	bool last = conn_put_locked(p, obj);
	spin_unlock_irqrestore(&p->p_lock, s);
	if (last)
		conn_client_end(obj, true);
}

/* The last thread of p ends: its channels die (clients get ESRCH and COIDDEATH
 * pulses), then its connections go (servers get DISCONNECT pulses). */
void channel_proc_exit(struct proc *p)
{
	unsigned long s = spin_lock_irqsave(&proc_lock);
	p->p_dead = true;		/* no new connections to us, no coid-death pulses */
	spin_unlock_irqrestore(&proc_lock, s);
	idtable_drain(&p->p_chids, drain_channel, NULL);
	idtable_drain(&p->p_side, drain_side, p);
	for (int i = 0; i < p->p_ncoids; i++) {
		s = spin_lock_irqsave(&p->p_lock);
		struct conn *cn = p->p_coids[i];
		p->p_coids[i] = NULL;
		bool last = cn && conn_put_locked(p, cn);
		spin_unlock_irqrestore(&p->p_lock, s);
		if (last)
			conn_client_end(cn, true);
	}
	kfree(p->p_coids);
	p->p_coids = NULL;
	p->p_ncoids = 0;
	/* Our rcvids died with our channels. */
	idtable_fini(&p->p_chids);
	idtable_fini(&p->p_rcvids);
	idtable_fini(&p->p_side);
}
