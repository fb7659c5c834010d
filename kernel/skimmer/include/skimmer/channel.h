/* QNX channels and connections: the objects behind MsgSend/MsgReceive/MsgReply. */
#ifndef SKIMMER_CHANNEL_H
#define SKIMMER_CHANNEL_H

#include <skimmer/types.h>
#include <skimmer/list.h>
#include <skimmer/spinlock.h>
#include <skimmer/msgport.h>
#include <sys/neutrino.h>
#include <skimmer/proc.h>
#include <skimmer/thread2.h>

struct proc;
struct thread;

#define IPC_MAXIOV 16		/* parts per message; more gets EINVAL (for now) */
#define MAX_COIDS  1024
#define RCVID_KEEP 1024		/* rcvid slots used in turn before one is reused: how
				 * long a replied rcvid stays good for MsgDeliverEvent */		/* fd-space connections per process (EMFILE beyond) */

struct channel {
	struct lwkt_port ch_port;	/* the channel as an lwkt port (msg.c): putport
					 * is the three-queue rendezvous */
	struct spinlock ch_lock;	/* guards everything below, and the ipc_wait of
					 * every thread queued here */
	uint32_t ch_flags;		/* _NTO_CHF_* */
	int ch_chid;
	struct proc *ch_owner;
	bool ch_dead;			/* destroyed: waiters released, new calls fail */
	int ch_refs;			/* owner + connections + calls in progress (atomic) */
	struct list ch_sendq;		/* SEND-blocked threads and pulses, by priority */
	struct list ch_recvq;		/* RECEIVE-blocked threads, FIFO */
	struct list ch_replyq;		/* REPLY-blocked threads */
	struct list ch_conns;		/* connections whose scoid is live (cn_chlink) */
	/* The thread that last received here, or before any receive the one that made
	 * the channel (a hint for the send-time boost: it may have exited since, so
	 * lwkt_boost looks it up by id), and the priority it was given then or boosted
	 * to since (chan_note_server). */
	struct thread *ch_srv;
	uint32_t ch_srv_id;
	int ch_srv_cpu, ch_srv_pri;
};

/* The channel flags that make a process's one death channel (EBUSY for a second). */
#define CHF_DEATH (_NTO_CHF_COID_DISCONNECT | _NTO_CHF_THREAD_DEATH)

/*
 * One client process's connection to one channel, shared by all its coids there.
 * It has two sides that end separately: the client's (its coids; cn_users) and the
 * server's (the scoid, an id in the channel owner's p_side). With
 * _NTO_CHF_DISCONNECT the server's side outlives the client's until the server
 * detaches the scoid. cn_refs counts the sides still open plus temporary holds; the
 * last one frees the connection and drops its channel reference.
 */
struct conn {
	struct channel *cn_chan;	/* holds a channel reference */
	int cn_refs;			/* open sides + holds (atomic) */
	uint32_t cn_client_pid;		/* for coid-death pulses (pids are never reused) */
	int cn_users;			/* coids naming this connection (client's p_lock) */
	struct list cn_link;		/* on the client's p_conns (client's p_lock) */
	/* ch_lock guards these (cn_scoid is also read without it, atomically): */
	int cn_scoid;			/* the server's id for us, 0 once the server side ended */
	bool cn_client_gone;		/* the client's last coid here has gone */
	struct list cn_chlink;		/* on ch_conns while cn_scoid != 0 */
	struct conn *cn_next;		/* channel_kill's private list */
};

/* A blocked thread's side of a message call; lives on that thread's kernel stack. */
enum ipc_state { IPC_NONE, IPC_SEND, IPC_RECEIVE, IPC_REPLY, IPC_DONE };

/* ms_cmd of an ipc_wait's message on a channel port */
#define IPC_CMD_SEND    1
#define IPC_CMD_RECEIVE 2

struct ipc_wait {
	struct lwkt_msg iw_msg;		/* the call as an lwkt message (first member): sent
					 * to the channel port, replied with the result */
	struct list iw_link;		/* on ch_sendq / ch_recvq / ch_replyq */
	enum ipc_state iw_state;
	int iw_pri;
	bool iw_is_pulse;
	bool iw_keep_pri;		/* pulse: the receiver keeps its priority */
	struct thread *iw_td;
	struct channel *iw_chan;
	struct conn *iw_conn;		/* sender: the connection it sends on (held) */
	struct pmap *iw_pmap;		/* the thread's address space */
	/* sender */
	iov_t iw_siov[IPC_MAXIOV], iw_riov[IPC_MAXIOV];
	int iw_sparts, iw_rparts;
	size_t iw_slen, iw_rlen;
	int iw_coid, iw_scoid;
	int iw_rcvid;			/* while REPLY-blocked */
	bool iw_unblock_req;		/* REPLY-blocked: the server was sent an UNBLOCK pulse */
	size_t iw_msglen;		/* bytes the receiver got */
	/* receiver */
	bool iw_want_info;		/* MsgReceive was given an info pointer */
	struct _msg_info iw_info;	/* filled in by whoever hands us a message, if wanted */
	struct _pulse iw_pulse;		/* for a queued pulse (iw_is_pulse) */
};

void msg_init(void);			/* boot: reads msg.fast= */
extern bool msg_fastpath;		/* msg.fast=: every fast path on (the default) or off */
void channel_proc_init(struct proc *p);
int msg_first_chid(struct proc *p);	/* lowest-index live chid of p, or 0 (tests) */
int msg_sendq_len(struct proc *p, int chid);	/* queued senders and pulses, -1: no chid (tests) */
void channel_proc_exit(struct proc *p);	/* destroys channels, drops connections */
/* Thread tid of p has ended (not its last): a THREAD_DEATH pulse on p's death channel
 * if it asked for them. No spinlock held. */
void channel_thread_death(struct proc *p, int tid);
/* End the message call td is blocked in, if any, with -err (thread_unblock, wait.h).
 * force (a dying thread): SEND-, RECEIVE- and REPLY-blocked alike, at once. Otherwise
 * (a signal, a timeout) a REPLY-blocked client of an _NTO_CHF_UNBLOCK channel stays
 * blocked and its server gets one UNBLOCK pulse (qnx-api.md). A call not yet queued is
 * not touched: a kill is caught as it queues (killed_locked). td's own hart,
 * interrupts off. */
struct thread;
void msg_unblock(struct thread *td, int err, bool force);
/* Queue a pulse (pri, code, value) on the channel that connection coid of process pid
 * reaches (an event: MsgDeliverEvent, timers, interrupts). keep_pri: the receiver keeps
 * its priority. Thread context, no spinlock held. Returns 0 or -errno: ESRCH (pid has
 * gone, or the channel's side of the connection), EINVAL (coid names no connection),
 * EAGAIN (no memory). */
long msg_event_pulse(uint32_t pid, int coid, int pri, int code, union sigval value, bool keep_pri);

/*
 * Shared by msg.c and the fast paths in msg_fast.c, nobody else. The fast paths return
 * MSG_FAST_MISS when a guard fails, having changed nothing; the slow path (msg.c) then
 * does the whole call and defines its semantics.
 */
#define MSG_FAST_MISS ((long)INT64_MIN)	/* never a kernel-call result */
#define COPY_SRC_FAULT 1
#define COPY_DST_FAULT 2
struct pmap;
long msg_send_slow(const uint64_t *a);		/* MsgSendv's arguments */
long msg_receive_slow(const uint64_t *a);	/* MsgReceivev's */
long msg_reply_slow(const uint64_t *a);		/* MsgReplyv's */
void ipc_complete(struct ipc_wait *w, long status);	/* end w's call; ch_lock held */
bool chan_receive_locked(struct channel *ch, struct ipc_wait *w, bool block,
			 struct ipc_wait **freep);
int msg_copy_flat(struct pmap *dpm, uint64_t dva, struct pmap *spm, uint64_t sva, size_t n,
		  size_t *done);
void msg_info_fill(struct channel *ch, const struct ipc_wait *s, struct _msg_info *mi);
/* Priority inheritance: the receiving thread runs at the priority of what it received
 * (at its own base priority on a FIXED_PRIORITY channel, so what it inherited before
 * ends either way). The priority rides on the reply to its receive request (ms_pri),
 * and is applied on its own hart before it is woken. */
/* td serves ch at priority pri: the send-time boost's candidate (ch_srv). ch_lock held,
 * or ch not yet shared. */
static inline void chan_note_server(struct channel *ch, struct thread *td, int pri)
{
	ch->ch_srv = td;
	ch->ch_srv_id = td->td_id;
	ch->ch_srv_cpu = td->td_gd->gd_cpuid;
	ch->ch_srv_pri = pri;
}
static inline void inherit(struct channel *ch, struct ipc_wait *r, int pri)
{
	r->iw_msg.ms_pri = (ch->ch_flags & _NTO_CHF_FIXED_PRIORITY) ? r->iw_td->td_basepri : pri;
	chan_note_server(ch, r->iw_td, r->iw_msg.ms_pri);
}
/* Is cn still the connection the server knows as scoid (not cut meanwhile), on a live
 * channel? ch_lock held. */
static inline bool conn_live_locked(struct conn *cn, int scoid)
{
	return !cn->cn_chan->ch_dead && cn->cn_scoid == scoid;
}
void conn_free(struct conn *cn);		/* conn_unref's last reference */
static inline void conn_unref(struct conn *cn)	/* drop one reference to cn */
{
	if (__atomic_sub_fetch(&cn->cn_refs, 1, __ATOMIC_ACQ_REL) == 0)
		conn_free(cn);
}
void chan_free(struct channel *ch);		/* chan_unref's last reference */
static inline void chan_ref(struct channel *ch)
{
	__atomic_fetch_add(&ch->ch_refs, 1, __ATOMIC_RELAXED);
}
static inline void chan_unref(struct channel *ch)
{
	if (__atomic_sub_fetch(&ch->ch_refs, 1, __ATOMIC_ACQ_REL) == 0)
		chan_free(ch);
}
static inline bool chan_hold(void *obj)		/* idtable_lookup_if's take: chan_ref */
{
	chan_ref(obj);
	return true;
}

/* A fresh ipc_wait for the calling thread. Only the header is cleared: the iov arrays
 * and info are written before they are read (clearing all ~650 bytes cost ~80 stores
 * per call). Inline: the fast paths then store only what they keep. */
static inline void ipc_wait_init(struct ipc_wait *w, uint32_t cmd)
{
	lwkt_initmsg(&w->iw_msg, NULL, cmd);
	w->iw_link.next = w->iw_link.prev = NULL;
	w->iw_state = IPC_NONE;
	w->iw_is_pulse = false;
	w->iw_td = curthread();
	w->iw_pri = w->iw_td->td_pri;
	w->iw_pmap = &w->iw_td->td_proc->p_pmap;
	w->iw_chan = NULL;
	w->iw_conn = NULL;
	w->iw_sparts = w->iw_rparts = 0;
	w->iw_slen = w->iw_rlen = 0;
	w->iw_coid = w->iw_scoid = w->iw_rcvid = 0;
	w->iw_unblock_req = false;
	w->iw_want_info = false;
}

#endif
