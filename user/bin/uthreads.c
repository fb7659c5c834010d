/*
 * uthreads: multi-threaded processes (ThreadCreate, ThreadDestroy, THREAD_DEATH
 * pulses, a process ended by its last thread or killed by one thread's fault). The
 * kernel's test=user runs it three times, by argument:
 *   0  conformance checks, printed one per rule; exits 0 when all pass;
 *   1  three threads (blocked in MsgReceive, blocked in MsgSend, spinning), then a
 *      fourth that faults: the whole process must end killed by the fault;
 *   2  the same three, then ThreadDestroy(-1, .., 7) from main: it must exit with 7;
 *   3  40 threads that end at once, and ThreadDestroy(-1, .., 5) while they do: kills
 *      land on threads already on their way out (the leak check counts pending kills).
 * Threads use the _r calls (errno is per thread now, in each thread's TLS block).
 */
#include <sys/neutrino.h>
#include <stdint.h>
#include "qsys.h"

#define ESRCH  3
#define EAGAIN 11
#define EPERM  1
#define EINTR  4
#define EBADF  9

#define WORKERS 8
#define ROUNDS  200

static int chid;			/* main's channel: messages and THREAD_DEATH pulses */
static int quiet_chid;			/* a channel nobody ever sends to */
static int deaf_chid;			/* a channel nobody ever receives on */
static volatile int spinning;
static int notify_coid;			/* side-channel coid to chid: "started" pulses */

#define PULSE_STARTED 1

/* A thread about to block (or spin) tells main, which waits in wait_started rather
 * than spinning: a spin could starve the thread on one hart, since main may be
 * running at a priority it inherited. */
static void started(void)
{
	MsgSendPulse_r(notify_coid, -1, PULSE_STARTED, 0);
}

static unsigned long deaths(int want);
static void wait_started(int n);

struct work {
	int id;
	int bad;			/* replies that were not what was sent + 1 */
};

static void *worker(void *arg)
{
	struct work *w = arg;
	int coid = ConnectAttach_r(0, 0, chid, 0, 0);
	if (coid < 0) {
		w->bad = ROUNDS;
		return (void *)1;
	}
	for (int i = 0; i < ROUNDS; i++) {
		int v = w->id * 1000 + i, r = -1;
		if (MsgSend_r(coid, &v, sizeof v, &r, sizeof r) != 0 || r != v + 1)
			w->bad++;
	}
	ConnectDetach_r(coid);
	return (void *)0;
}

static volatile int woke;		/* killed threads that got back to user code */

static void *receiver(void *arg)	/* blocks in MsgReceive for ever */
{
	char buf[8] = { 0 };
	started();
	MsgReceive_r(quiet_chid, buf, sizeof buf, NULL);
	__atomic_fetch_add(&woke, 1, __ATOMIC_RELAXED);
	return (void *)2;
}

static void *sender(void *arg)		/* blocks SEND on a channel nobody serves */
{
	int coid = ConnectAttach_r(0, 0, deaf_chid, 0, 0);
	started();
	MsgSend_r(coid, "x", 1, NULL, 0);
	__atomic_fetch_add(&woke, 1, __ATOMIC_RELAXED);
	return (void *)3;
}

static void *spinner(void *arg)		/* runs user code for ever */
{
	spinning = 1;
	started();
	for (volatile unsigned long i = 0;; i++)
		;
	return (void *)4;
}

static void *faulter(void *arg)
{
	for (volatile int i = 0; i < 200000; i++)	/* let the others block first */
		;
	volatile uintptr_t bad = 8;
	return (void *)(long)*(volatile int *)bad;	/* load page fault */
}

static void *returner(void *arg)
{
	return arg;
}

static void settle(void)	/* let other threads run into their blocking calls */
{
	for (volatile int i = 0; i < 300000; i++)
		;
}

/* Racing attaches: threads released together all ConnectAttach to one channel. */
static volatile int attach_go;
static int attach_chid;

static void *attacher(void *arg)
{
	while (!attach_go)
		;
	int coid = ConnectAttach_r(0, 0, attach_chid, 0, 0);
	int v = 0;
	MsgSend_r(coid, &v, sizeof v, NULL, 0);
	return (void *)0;
}

static int attach_race(void)
{
	attach_chid = ChannelCreate_r(0);
	for (int i = 0; i < WORKERS; i++)
		qs_thread_create(attacher, NULL);
	settle();
	attach_go = 1;
	int first = 0, same = 0;
	for (int i = 0; i < WORKERS; i++) {
		struct _msg_info info;
		int v;
		int rcvid = MsgReceive_r(attach_chid, &v, sizeof v, &info);
		if (rcvid <= 0)
			continue;
		if (i == 0)
			first = info.scoid;
		same += info.scoid == first;
		MsgReply_r(rcvid, 0, NULL, 0);
	}
	deaths(WORKERS);
	ChannelDestroy_r(attach_chid);
	return !CHECK_EQ("racing-attaches-share-one-connection", same, WORKERS);
}

/* A client thread for the unblock checks: one MsgSend on *coid, its result kept. */
struct call {
	int coid;
	volatile int started, done, result;
	int tid;
};

static void *caller(void *arg)
{
	struct call *c = arg;
	int v = 1, r = 0;
	c->started = 1;
	started();
	int st = MsgSend_r(c->coid, &v, sizeof v, &r, sizeof r);
	c->result = st;
	c->done = 1;
	return (void *)0;
}

/* A server thread: receive one message on *chid, hand its rcvid to main, and end. */
struct handoff {
	int chid;
	volatile int rcvid;
	struct _msg_info info;
};

static void *receive_one(void *arg)
{
	struct handoff *h = arg;
	int v;
	h->rcvid = MsgReceive_r(h->chid, &v, sizeof v, &h->info);
	return (void *)0;
}

/* A thread at an explicit priority above ours (so it runs at once wherever it is). */
static int create_at(void *(*func)(void *), void *arg, int pri)
{
	struct _thread_attr at = { 0 };
	at.__flags = 0x2;	/* PTHREAD_EXPLICIT_SCHED */
	at.__policy = SCHED_FIFO;
	at.__priority = pri;
	at.__exitfunc = qs_thread_exit;
	return ThreadCreate_r(0, func, arg, &at);
}

struct tagged {
	int coid, tag;
	volatile int started, done, result;
};

static void *send_tag(void *arg)
{
	struct tagged *t = arg;
	t->started = 1;
	started();
	t->result = MsgSend_r(t->coid, &t->tag, sizeof t->tag, NULL, 0);
	t->done = 1;
	return (void *)0;
}

static void *receive_dead(void *arg)	/* MsgReceive on a channel that will die */
{
	struct tagged *t = arg;
	int v;
	t->started = 1;
	started();
	t->result = MsgReceive_r(t->coid, &v, sizeof v, NULL);
	t->done = 1;
	return (void *)0;
}

/* Queue order, channel death under blocked threads, a too-short pulse buffer. */
static int queue_checks(void)
{
	int fails = 0;
	/* Senders queue by priority, FIFO within a level: 110, 120a, 130, 120b, queued in
	 * that order while nobody receives, must be received as 130, 120a, 120b, 110.
	 * FIXED_PRIORITY: no send-time boost lifts us (the server) above the later
	 * senders, so each one, above our priority, queues as soon as it is made. */
	int q = ChannelCreate_r(_NTO_CHF_FIXED_PRIORITY);
	static struct tagged t[4];
	static const int pri[4] = { 110, 120, 130, 120 };
	/* They start on our hart (the inherit mask), so each one, above our priority, runs
	 * the moment it is made and is queued before we go on: no timing involved. */
	struct _thread_runmask rm = { 0, 1u << ThreadCtl_r(_NTO_TCTL_QSOE_HART, 0) };
	fails += !CHECK_EQ("sendq-senders-on-our-hart",
			   ThreadCtl_r(_NTO_TCTL_RUNMASK_GET_AND_SET_INHERIT, &rm), 0);
	for (int i = 0; i < 4; i++) {
		t[i].coid = ConnectAttach_r(0, 0, q, 0, 0);
		t[i].tag = i;
		create_at(send_tag, &t[i], pri[i]);
		wait_started(1);
	}
	struct _thread_runmask back = { 0, rm.inherit_mask };	/* as it was */
	ThreadCtl_r(_NTO_TCTL_RUNMASK_GET_AND_SET_INHERIT, &back);
	int order = 0;
	for (int i = 0; i < 4; i++) {
		int v = -1;
		int rcvid = MsgReceive_r(q, &v, sizeof v, NULL);
		order = order * 10 + v;
		MsgReply_r(rcvid, 0, NULL, 0);
	}
	fails += !CHECK_EQ("sendq-priority-order-fifo-within-level", order, 2130);
	deaths(4);
	ChannelDestroy_r(q);

	/* ChannelDestroy releases RECEIVE- and SEND-blocked threads with ESRCH. */
	static struct tagged rd, sd;
	rd.coid = ChannelCreate_r(0);		/* the receiver's chid */
	int dch = ChannelCreate_r(0);
	sd.coid = ConnectAttach_r(0, 0, dch, 0, 0);
	create_at(receive_dead, &rd, 120);
	create_at(send_tag, &sd, 120);
	wait_started(2);
	settle();
	fails += !CHECK_EQ("blocked-before-destroy", rd.done + sd.done, 0);
	ChannelDestroy_r(rd.coid);
	ChannelDestroy_r(dch);
	deaths(2);
	fails += !CHECK_EQ("destroy-releases-receive-blocked-esrch", rd.result, -ESRCH);
	fails += !CHECK_EQ("destroy-releases-send-blocked-esrch", sd.result, -ESRCH);
	ConnectDetach_r(sd.coid);

	/* A receive buffer shorter than a pulse: EFAULT, and that pulse is lost. */
	int pc = ChannelCreate_r(0);
	int self = ConnectAttach_r(0, 0, pc, _NTO_SIDE_CHANNEL, 0);
	MsgSendPulse_r(self, -1, 3, 0);
	char small[8];
	fails += !CHECK_EQ("short-pulse-buffer-efault", MsgReceive_r(pc, small, sizeof small, NULL), -EFAULT);
	MsgSendPulse_r(self, -1, 4, 0);
	struct _pulse p;
	fails += !CHECK_EQ("short-buffer-pulse-lost",
			   MsgReceive_r(pc, &p, sizeof p, NULL) == 0 && p.code == 4, 1);
	ConnectDetach_r(self);
	ChannelDestroy_r(pc);
	return fails;
}

/* ConnectDetach under blocked threads of our own, and two server threads. */
static int unblock_checks(void)
{
	int fails = 0;
	union {
		int v;
		struct _pulse p;
	} m;
	struct _msg_info info;

	/* _NTO_CHF_UNBLOCK: REPLY-blocked client on a detached coid -> one UNBLOCK pulse
	 * (value = rcvid), _NTO_MI_UNBLOCK_REQ, and the client waits for the reply. */
	int u = ChannelCreate_r(_NTO_CHF_UNBLOCK);
	static struct call c1;
	c1.coid = ConnectAttach_r(0, 0, u, 0, 0);
	c1.tid = qs_thread_create(caller, &c1);
	int rcvid = MsgReceive_r(u, &m, sizeof m, &info);
	fails += !CHECK_EQ("info-tid-is-the-client-thread", info.tid, c1.tid);
	fails += !CHECK_EQ("info-flags-no-unblock-req-yet", info.flags & _NTO_MI_UNBLOCK_REQ, 0);
	fails += !CHECK_EQ("detach-under-reply-blocked-thread", ConnectDetach_r(c1.coid), 0);
	fails += !CHECK_EQ("unblock-pulse-received", MsgReceive_r(u, &m, sizeof m, NULL), 0);
	fails += !CHECK_EQ("unblock-pulse-code", m.p.code, _PULSE_CODE_UNBLOCK);
	fails += !CHECK_EQ("unblock-pulse-value-is-rcvid", m.p.value.sival_int, rcvid);
	fails += !CHECK_EQ("msginfo-unblock-req", MsgInfo_r(rcvid, &info), 0);
	fails += !CHECK_EQ("msginfo-unblock-req-flag", info.flags & _NTO_MI_UNBLOCK_REQ,
			   _NTO_MI_UNBLOCK_REQ);
	settle();
	fails += !CHECK_EQ("unblock-client-still-reply-blocked", c1.done, 0);
	int r = 42;
	fails += !CHECK_EQ("reply-after-unblock-pulse", MsgReply_r(rcvid, 42, &r, sizeof r), 0);
	deaths(1);				/* it has its result when it ends */
	fails += !CHECK_EQ("unblock-client-gets-the-reply", c1.result, 42);

	/* Without _NTO_CHF_UNBLOCK: no pulse, no flag, the reply still gets through. */
	int nu = ChannelCreate_r(0);
	int marker = ConnectAttach_r(0, 0, nu, _NTO_SIDE_CHANNEL, 0);
	static struct call c2;
	c2.coid = ConnectAttach_r(0, 0, nu, 0, 0);
	qs_thread_create(caller, &c2);
	rcvid = MsgReceive_r(nu, &m, sizeof m, NULL);
	fails += !CHECK_EQ("detach-without-unblock-flag", ConnectDetach_r(c2.coid), 0);
	MsgSendPulse_r(marker, -1, 5, 0);
	fails += !CHECK_EQ("no-unblock-pulse-without-flag",
			   MsgReceive_r(nu, &m, sizeof m, NULL) == 0 && m.p.code == 5, 1);
	MsgInfo_r(rcvid, &info);
	fails += !CHECK_EQ("no-unblock-req-without-flag", info.flags & _NTO_MI_UNBLOCK_REQ, 0);
	fails += !CHECK_EQ("reply-after-detach", MsgReply_r(rcvid, 7, NULL, 0), 0);
	deaths(1);				/* it has its result when it ends */
	fails += !CHECK_EQ("client-gets-reply-after-detach", c2.result, 7);

	/* SEND-blocked on a coid another thread detaches: EBADF at once. */
	int deaf = ChannelCreate_r(0);
	static struct call c3;
	c3.coid = ConnectAttach_r(0, 0, deaf, 0, 0);
	qs_thread_create(caller, &c3);
	wait_started(1);
	settle();
	fails += !CHECK_EQ("send-blocked-not-done-before-detach", c3.done, 0);
	fails += !CHECK_EQ("detach-under-send-blocked-thread", ConnectDetach_r(c3.coid), 0);
	deaths(1);				/* it has its result when it ends */
	fails += !CHECK_EQ("send-blocked-on-detached-coid-ebadf", c3.result, -EBADF);

	/* Two server threads: one receives, another (main) replies to its rcvid. */
	static struct handoff h;
	static struct call c4;
	h.chid = ChannelCreate_r(0);
	c4.coid = ConnectAttach_r(0, 0, h.chid, 0, 0);
	qs_thread_create(receive_one, &h);
	qs_thread_create(caller, &c4);
	deaths(1);				/* the receiver ended after receiving */
	fails += !CHECK_EQ("another-thread-received", h.rcvid > 0, 1);
	fails += !CHECK_EQ("any-thread-may-reply", MsgReply_r(h.rcvid, 9, NULL, 0), 0);
	fails += !CHECK_EQ("reply-once-only-esrch", MsgReply_r(h.rcvid, 9, NULL, 0), -ESRCH);
	deaths(1);				/* it has its result when it ends */
	fails += !CHECK_EQ("client-of-two-thread-server", c4.result, 9);
	ConnectDetach_r(c4.coid);
	ConnectDetach_r(marker);
	ChannelDestroy_r(h.chid);
	ChannelDestroy_r(deaf);
	ChannelDestroy_r(nu);
	ChannelDestroy_r(u);
	return fails;
}

/* Receive on chid until `want` pulses with this code came, serving the workers'
 * messages meanwhile (reply: the value + 1); returns the OR of (1 << value) of those
 * that came. Other pulses are dropped. */
static unsigned long collect(int code, int want)
{
	unsigned long seen = 0;
	int n = 0;
	while (n < want) {
		union {
			int v;
			struct _pulse p;
		} m;
		int rcvid = MsgReceive_r(chid, &m, sizeof m, NULL);
		if (rcvid == 0 && m.p.code == code) {
			seen |= 1UL << (m.p.value.sival_int & 63);
			n++;
		} else if (rcvid > 0) {
			int r = m.v + 1;
			MsgReply_r(rcvid, 0, &r, sizeof r);
		} else if (rcvid < 0) {
			qs_printf("uthreads: MsgReceive failed %d\n", rcvid);
			return seen;
		}
	}
	return seen;
}

/* THREAD_DEATH pulses: the OR of (1 << tid) of `want` threads that ended. */
static unsigned long deaths(int want)
{
	return collect(_PULSE_CODE_THREADDEATH, want);
}

/* n threads said they are about to block (started()). */
static void wait_started(int n)
{
	collect(PULSE_STARTED, n);
}

static void start_blockers(int *tids)
{
	quiet_chid = ChannelCreate_r(0);
	deaf_chid = ChannelCreate_r(0);
	tids[0] = qs_thread_create(receiver, NULL);
	tids[1] = qs_thread_create(sender, NULL);
	tids[2] = qs_thread_create(spinner, NULL);
	wait_started(3);
	settle();				/* the two blockers block */
}

static int conformance(void)
{
	int fails = 0;
	chid = ChannelCreate_r(_NTO_CHF_THREAD_DEATH);
	fails += !CHECK_EQ("thread-death-channel", chid > 0, 1);
	notify_coid = ConnectAttach_r(0, 0, chid, _NTO_SIDE_CHANNEL, 0);

	/* Workers on several harts send to main, which serves them and counts deaths. */
	static struct work w[WORKERS];
	int tids[WORKERS];
	unsigned long want = 0;
	for (int i = 0; i < WORKERS; i++) {
		w[i].id = i;
		tids[i] = qs_thread_create(worker, &w[i]);
		want |= 1UL << (tids[i] & 63);
	}
	fails += !CHECK_EQ("thread-create-tids-count-up", tids[WORKERS - 1] - tids[0], WORKERS - 1);
	fails += !CHECK_EQ("thread-create-first-tid-is-2", tids[0], 2);
	unsigned long got = deaths(WORKERS);
	fails += !CHECK_EQ("thread-death-pulse-per-thread-value-tid", got, want);
	int bad = 0;
	for (int i = 0; i < WORKERS; i++)
		bad += w[i].bad;
	fails += !CHECK_EQ("threads-message-round-trips", bad, 0);

	/* Argument checks: each fails and creates nothing. */
	struct _thread_attr at = { 0 };
	at.__exitfunc = qs_thread_exit;
	fails += !CHECK_EQ("thread-create-other-pid-esrch", ThreadCreate_r(999999, returner, 0, &at), -ESRCH);
	fails += !CHECK_EQ("thread-create-null-func-einval", ThreadCreate_r(0, NULL, 0, &at), -EINVAL);
	fails += !CHECK_EQ("thread-create-kernel-func-einval",
			   ThreadCreate_r(0, (void *(*)(void *))0x80200000UL, 0, &at), -EINVAL);
	fails += !CHECK_EQ("thread-create-bad-attr-efault",
			   ThreadCreate_r(0, returner, 0, (void *)0x80200000UL), -EFAULT);
	at.__flags = 0x100;
	fails += !CHECK_EQ("thread-create-unknown-flag-einval", ThreadCreate_r(0, returner, 0, &at), -EINVAL);
	at.__flags = 0x2;	/* PTHREAD_EXPLICIT_SCHED */
	at.__policy = SCHED_FIFO;
	at.__priority = 0;
	fails += !CHECK_EQ("thread-create-priority-0-einval", ThreadCreate_r(0, returner, 0, &at), -EINVAL);
	at.__priority = 256;
	fails += !CHECK_EQ("thread-create-priority-256-einval", ThreadCreate_r(0, returner, 0, &at), -EINVAL);
	at.__priority = 20;
	at.__policy = 99;
	fails += !CHECK_EQ("thread-create-bad-policy-einval", ThreadCreate_r(0, returner, 0, &at), -EINVAL);
	at.__flags = 0;
	at.__stacksize = 1 << 20;
	fails += !CHECK_EQ("thread-create-huge-stack-einval", ThreadCreate_r(0, returner, 0, &at), -EINVAL);
	static char own_stack[8192] __attribute__((aligned(16)));
	at.__stackaddr = own_stack;
	at.__stacksize = 16;
	fails += !CHECK_EQ("thread-create-tiny-own-stack-einval", ThreadCreate_r(0, returner, 0, &at), -EINVAL);
	fails += !CHECK_EQ("thread-destroy-no-such-tid-esrch", ThreadDestroy_r(1000, -1, 0), -ESRCH);
	fails += !CHECK_EQ("thread-destroy-tid-minus-2-einval", ThreadDestroy_r(-2, -1, 0), -EINVAL);

	/* A thread on a stack of our own, at an explicit priority. */
	at.__stacksize = sizeof own_stack;
	at.__flags = 0x2;
	at.__policy = SCHED_RR;
	at.__priority = 150;	/* not below ours: its death pulse sets our priority to its */
	int t = ThreadCreate_r(0, returner, (void *)5, &at);
	fails += !CHECK_EQ("thread-create-own-stack", t > 0, 1);
	fails += !CHECK_EQ("thread-own-stack-death-pulse", deaths(1), 1UL << (t & 63));

	/* At most 64 threads at once, main included; slots come back when threads end. */
	int made = 0;
	for (int i = 0; i < 100; i++) {
		int s = qs_thread_create(spinner, NULL);
		if (s > 0 && ThreadDestroy_r(s, -1, 0) == 0 && deaths(1) == 1UL << (s & 63))
			made++;
	}
	fails += !CHECK_EQ("thread-create-destroy-100-spinners", made, 100);
	/* Named again before it has ended: still 0 (one killer on its way), one death. */
	int sp = qs_thread_create(spinner, NULL);
	int twice = 0;
	for (int i = 0; i < 50; i++)
		twice += ThreadDestroy_r(sp, -1, 0) == 0;
	fails += !CHECK_EQ("thread-destroy-again-before-end-returns-0", twice > 0, 1);
	fails += !CHECK_EQ("thread-destroy-again-one-death", deaths(1), 1UL << (sp & 63));
	fails += !CHECK_EQ("thread-destroy-after-end-esrch", ThreadDestroy_r(sp, -1, 0), -ESRCH);
	quiet_chid = ChannelCreate_r(0);
	int many[64], n = 0;
	while (n < 64 && (many[n] = qs_thread_create(receiver, NULL)) > 0)
		n++;
	fails += !CHECK_EQ("thread-create-limit-eagain", many[n], -EAGAIN);
	fails += !CHECK_EQ("thread-create-limit-is-63-more", n, 63);
	for (int i = 0; i < n; i++)
		ThreadDestroy_r(many[i], -1, 0);
	deaths(n);

	fails += unblock_checks();
	fails += attach_race();
	fails += queue_checks();

	/* ThreadDestroy of another thread, whatever it is doing. */
	int b[3];
	start_blockers(b);
	for (int i = 0; i < 3; i++)
		fails += !CHECK_EQ("thread-destroy-other-returns-0", ThreadDestroy_r(b[i], -1, 0), 0);
	got = deaths(3);
	fails += !CHECK_EQ("thread-destroy-receive-send-running-threads",
			   got, (1UL << (b[0] & 63)) | (1UL << (b[1] & 63)) | (1UL << (b[2] & 63)));
	fails += !CHECK_EQ("thread-destroy-stale-tid-esrch", ThreadDestroy_r(b[0], -1, 0), -ESRCH);
	fails += !CHECK_EQ("killed-threads-never-return-to-user", woke, 0);

	qs_printf("uthreads: %d failures\n", fails);
	return fails ? 1 : 0;
}

int main(long arg)
{
	if (arg == 0)
		return conformance();
	if (arg == 3) {
		for (int i = 0; i < 40; i++)
			qs_thread_create(returner, NULL);
		ThreadDestroy_r(-1, -1, (void *)5);
		return 1;	/* never */
	}
	chid = ChannelCreate_r(_NTO_CHF_THREAD_DEATH);
	notify_coid = ConnectAttach_r(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
	int b[3];
	start_blockers(b);
	if (arg == 1) {
		qs_thread_create(faulter, NULL);
		deaths(100);		/* never: the fault ends us all */
		return 1;
	}
	ThreadDestroy_r(-1, -1, (void *)7);
	return 1;		/* never */
}
