/*
 * usched: threads and scheduling from user mode (ThreadJoin, ThreadDetach, thread-local
 * storage, SchedGet/SchedSet/SchedYield, FIFO and RR, runmasks). The kernel's
 * test=threads runs it by argument:
 *   0  conformance checks, one line per rule; exits 0 when all pass. Every ordering
 *      check runs with all threads on one hart (the creator's inherit mask), where
 *      priorities decide who runs: no timing is assumed, except that a FIFO thread
 *      spins for ten time slices (rdtime) to show it is never sliced. Leaves 1000-odd
 *      unjoined zombies for the process's end to free (the no-leaks check counts them).
 *   1  a joiner blocked on a spinner, zombies, a thread hopping between harts, then
 *      ThreadDestroy(-1, .., 9): the process must end with 9 and leave nothing.
 *   2  benchmarks: ThreadCreate + ThreadJoin, SchedYield (alone, and between two
 *      threads); prints "bench NAME N insns" lines, returns how many.
 */
#include <sys/neutrino.h>
#include <stdint.h>
#include "qsys.h"
#include "qthread.h"
#include "kcall_nums.h"
#include "qbench.h"

#define ESRCH   3
#define EINTR   4
#define EAGAIN  11
#define EBUSY   16
#define EDEADLK 45

/* Priorities: main runs at 100 (the kernel spawns it there). LOW threads run only
 * when main blocks, HIGH ones preempt it at once; LOW is above the kernel's kstress
 * (90), which runs beside the tests and would otherwise starve them on a hart. */
#define LOW  95
#define HIGH 110

static int fails;
static int home;			/* the hart this process works on */
static int nharts;

#define CHECK(name, got, want) ({ int _ok = CHECK_EQ(name, got, want); fails += !_ok; _ok; })

/* --- Thread bodies ------------------------------------------------------------------------ */

static volatile int done_flag;

static void *ret_arg(void *a)		/* ends at once with its argument */
{
	done_flag = 1;
	return a;
}

static void *spin_on(void *a)		/* spins until *a != 0, ends with it */
{
	volatile int *f = a;
	while (!*f)
		;
	return (void *)(long)*f;
}

static void *joiner(void *a)		/* joins thread a, ends with its status + 1 */
{
	void *st = 0;
	int r = ThreadJoin_r((int)(long)a, &st);
	return r ? (void *)(long)(1000 - r) : (void *)((long)st + 1);
}

static void *setter(void *a)		/* sets *a = 1 */
{
	*(volatile int *)a = 1;
	return 0;
}

static volatile int self_detach_result = -1;
static void *self_detacher(void *a)
{
	self_detach_result = ThreadDetach_r(0);
	return 0;
}

/* --- Join and detach ------------------------------------------------------------------------- */

static void join_checks(void)
{
	void *st = 0;
	CHECK("join-self-edeadlk", ThreadJoin_r(1, &st), -EDEADLK);
	CHECK("join-zero-edeadlk", ThreadJoin_r(0, &st), -EDEADLK);
	CHECK("join-no-such-thread-esrch", ThreadJoin_r(9999, &st), -ESRCH);
	CHECK("join-negative-esrch", ThreadJoin_r(-5, &st), -ESRCH);

	/* A thread above us on our hart runs to its end inside ThreadCreate. */
	done_flag = 0;
	int t = qt_create(ret_arg, (void *)42, HIGH, SCHED_NOCHANGE, 0);
	CHECK("join-ended-thread-had-ended", done_flag, 1);
	CHECK("join-bad-status-pointer-efault", ThreadJoin_r(t, (void **)0x80200000UL), -EFAULT);
	st = 0;
	CHECK("join-ended-thread", ThreadJoin_r(t, &st), 0);
	CHECK("join-ended-thread-status", (long)st, 42);
	CHECK("join-twice-esrch", ThreadJoin_r(t, &st), -ESRCH);
	t = qt_create(ret_arg, (void *)1, HIGH, SCHED_NOCHANGE, 0);
	CHECK("join-null-status", ThreadJoin_r(t, NULL), 0);

	/* Join while it runs: t spins (on another hart if there is one) until s, below us
	 * on ours, runs, which is once we block in the join. Equal RR priorities, so one
	 * hart works too. */
	static volatile int go;
	go = 0;
	qt_inherit((home + 1) % nharts);
	t = qt_create(spin_on, (void *)&go, LOW, SCHED_RR, 0);
	qt_inherit(home);
	int s = qt_create(setter, (void *)&go, LOW, SCHED_RR, 0);
	st = 0;
	CHECK("join-running-thread", ThreadJoin_r(t, &st), 0);
	CHECK("join-running-thread-status", (long)st, 1);
	CHECK("join-setter", ThreadJoin_r(s, NULL), 0);

	/* A second join of a thread being joined: EBUSY, and ThreadDetach too. */
	static volatile int go2;
	go2 = 0;
	t = qt_create(spin_on, (void *)&go2, LOW, SCHED_RR, 0);
	int j = qt_create(joiner, (void *)(long)t, HIGH, SCHED_NOCHANGE, 0);	/* blocks */
	CHECK("join-being-joined-ebusy", ThreadJoin_r(t, &st), -EBUSY);
	CHECK("detach-being-joined-ebusy", ThreadDetach_r(t), -EBUSY);
	go2 = 2;
	st = 0;
	CHECK("join-the-joiner", ThreadJoin_r(j, &st), 0);
	CHECK("joiner-got-status", (long)st, 3);
	CHECK("join-after-other-joined-esrch", ThreadJoin_r(t, &st), -ESRCH);

	/* A join ended by a kill leaves the thread joinable. */
	static volatile int go3;
	go3 = 0;
	t = qt_create(spin_on, (void *)&go3, LOW, SCHED_RR, 0);
	j = qt_create(joiner, (void *)(long)t, HIGH, SCHED_NOCHANGE, 0);	/* blocks */
	CHECK("destroy-blocked-joiner", ThreadDestroy_r(j, -1, (void *)66), 0);
	st = 0;
	CHECK("join-killed-joiner", ThreadJoin_r(j, &st), 0);
	CHECK("killed-joiner-status-is-destroys", (long)st, 66);
	go3 = 5;
	st = 0;
	CHECK("join-after-cancelled-join", ThreadJoin_r(t, &st), 0);
	CHECK("join-after-cancelled-join-status", (long)st, 5);

	/* ThreadDestroy(tid, .., status): the join gets status. */
	static volatile int never;
	t = qt_create(spin_on, (void *)&never, LOW, SCHED_RR, 0);
	CHECK("destroy-spinner", ThreadDestroy_r(t, -1, (void *)77), 0);
	st = 0;
	CHECK("join-destroyed-thread", ThreadJoin_r(t, &st), 0);
	CHECK("join-destroyed-thread-status", (long)st, 77);

	/* Detached threads. */
	static volatile int go4;
	go4 = 0;
	t = qt_create(spin_on, (void *)&go4, LOW, SCHED_RR, PTHREAD_CREATE_DETACHED);
	CHECK("create-detached", t > 0, 1);
	CHECK("join-detached-einval", ThreadJoin_r(t, &st), -EINVAL);
	CHECK("detach-detached-einval", ThreadDetach_r(t), -EINVAL);
	go4 = 1;			/* it ends on its own, leaving nothing */
	t = qt_create(ret_arg, 0, HIGH, SCHED_NOCHANGE, PTHREAD_CREATE_DETACHED);
	CHECK("join-ended-detached-esrch", ThreadJoin_r(t, &st), -ESRCH);

	CHECK("detach-no-such-thread-esrch", ThreadDetach_r(9999), -ESRCH);
	static volatile int go5;
	go5 = 0;
	t = qt_create(spin_on, (void *)&go5, LOW, SCHED_RR, 0);
	CHECK("detach-running", ThreadDetach_r(t), 0);
	CHECK("join-after-detach-einval", ThreadJoin_r(t, &st), -EINVAL);
	CHECK("detach-twice-einval", ThreadDetach_r(t), -EINVAL);
	go5 = 1;
	t = qt_create(ret_arg, 0, HIGH, SCHED_NOCHANGE, 0);	/* a zombie now */
	CHECK("detach-zombie-frees-it", ThreadDetach_r(t), 0);
	CHECK("join-freed-zombie-esrch", ThreadJoin_r(t, &st), -ESRCH);
	t = qt_create(self_detacher, 0, HIGH, SCHED_NOCHANGE, 0);
	CHECK("detach-self", self_detach_result, 0);
	CHECK("join-self-detached-ended-esrch", ThreadJoin_r(t, &st), -ESRCH);

}

/* Zombies are kept until joined, up to a limit; joining one makes room. Last: it leaves
 * the process at the limit. */
static void zombie_checks(void)
{
	void *st;
	int made = 0, r, first = 0, last = 0;
	while ((r = qt_create(ret_arg, 0, HIGH, SCHED_NOCHANGE, 0)) > 0 && made < 2000) {
		if (!first)
			first = r;
		last = r;
		made++;
	}
	CHECK("zombie-limit-eagain", r, -EAGAIN);
	CHECK("zombie-limit-over-1000", made > 1000 && made <= 1024, 1);
	CHECK("join-a-zombie", ThreadJoin_r(first, &st), 0);
	r = qt_create(ret_arg, 0, HIGH, SCHED_NOCHANGE, 0);
	CHECK("create-after-zombie-joined", r > 0, 1);
	CHECK("detached-create-at-limit-eagain",
	      qt_create(ret_arg, 0, HIGH, SCHED_NOCHANGE, PTHREAD_CREATE_DETACHED), -EAGAIN);
	CHECK("join-last-zombie", ThreadJoin_r(last, &st), 0);
	/* The rest stay zombies: the process's end frees them. */
}

/* --- Thread-local storage -------------------------------------------------------------------- */

struct tls_rec {
	struct _thread_local_storage *tls;
	int tid, errno_ok;
	void *sp;
};

static struct tls_rec recs[4];

static void *tls_worker(void *a)
{
	struct tls_rec *r = &recs[(long)a];
	int local;
	r->tls = __tls();
	r->tid = __tls()->__tid;
	r->sp = &local;
	errno = 1000 + (int)(long)a;
	for (int i = 0; i < 4; i++)
		SchedYield();		/* the others set theirs meanwhile */
	r->errno_ok = errno == 1000 + (int)(long)a && __tls()->__errptr == &errno;
	return a;
}

static char own_stack[8192] __attribute__((aligned(16)));
static struct _thread_local_storage *own_tls;
static void *own_worker(void *a)
{
	own_tls = __tls();
	return 0;
}

static void tls_checks(void)
{
	struct _thread_local_storage *t = __tls();
	int local;
	CHECK("tls-main-tid", t->__tid, 1);
	CHECK("tls-main-pid", t->__pid > 1, 1);
	CHECK("tls-main-errptr", t->__errptr == &t->__errval, 1);
	CHECK("tls-main-aligned", (uintptr_t)t & 15, 0);
	CHECK("tls-main-above-sp", (uintptr_t)&local < (uintptr_t)t &&
	      (uintptr_t)t - (uintptr_t)&local < 65536, 1);
	CHECK("tls-main-stackaddr-below", (uintptr_t)t->__stackaddr < (uintptr_t)&local, 1);

	errno = 7;
	int tid[4];
	for (long i = 0; i < 4; i++)
		tid[i] = qt_create(tls_worker, (void *)i, LOW, SCHED_FIFO, 0);
	for (int i = 0; i < 4; i++)
		ThreadJoin_r(tid[i], NULL);
	int ok = 1, distinct = 1, errs = 1;
	for (int i = 0; i < 4; i++) {
		ok &= recs[i].tid == tid[i];
		ok &= recs[i].tls->__tid == tid[i] && recs[i].tls->__arg == (void *)(long)i;
		ok &= recs[i].tls->__exitfunc == qs_thread_exit;
		ok &= (uintptr_t)recs[i].sp < (uintptr_t)recs[i].tls;
		errs &= recs[i].errno_ok;
		for (int k = 0; k < i; k++)
			distinct &= recs[k].tls != recs[i].tls;
	}
	CHECK("tls-thread-fields", ok, 1);
	CHECK("tls-distinct-per-thread", distinct, 1);
	CHECK("errno-per-thread", errs, 1);
	CHECK("errno-main-untouched", errno, 7);
	errno = 0;
	CHECK("errno-set-by-failing-call", ThreadJoin(9999, NULL) == -1 && errno == ESRCH, 1);

	struct _thread_attr at = { 0 };
	at.__exitfunc = qs_thread_exit;
	at.__stackaddr = own_stack;
	at.__stacksize = sizeof own_stack;
	at.__flags = PTHREAD_EXPLICIT_SCHED;
	at.__policy = SCHED_RR;
	at.__priority = HIGH;
	int o = ThreadCreate_r(0, own_worker, 0, &at);
	ThreadJoin_r(o, NULL);
	CHECK("tls-own-stack-at-top", own_tls == (void *)(own_stack + sizeof own_stack -
						       sizeof(struct _thread_local_storage)), 1);
	CHECK("tls-own-stack-stackaddr", own_tls && own_tls->__stackaddr == own_stack, 1);
}

/* --- SchedGet / SchedSet / SchedYield ------------------------------------------------------- */

static volatile int srv_chid;
static struct sched_param seen[3];

static void *boosted_server(void *a)	/* base LOW; receives one message from main */
{
	char buf[8];
	int rcvid = MsgReceive_r(srv_chid, buf, sizeof buf, NULL);
	struct sched_param sp = { 0 };
	SchedGet_r(0, 0, &seen[0]);
	sp.sched_priority = LOW + 2;
	SchedSet_r(0, 0, SCHED_NOCHANGE, &sp);	/* below its boost: keeps the boost */
	SchedGet_r(0, 0, &seen[1]);
	sp.sched_priority = 150;
	SchedSet_r(0, 0, SCHED_NOCHANGE, &sp);	/* above it: runs there at once */
	SchedGet_r(0, 0, &seen[2]);
	MsgReply_r(rcvid, 0, buf, sizeof buf);
	return 0;
}

static int ylog[16], ylen;
static void *yielder(void *a)
{
	for (int i = 0; i < 4; i++) {
		ylog[ylen++] = (int)(long)a;
		SchedYield_r();
	}
	return 0;
}

/* FIFO vs RR between two spinners of one priority on one hart. */
static volatile unsigned long cnt[2];
static volatile int fin[2];
static volatile int seen_other[2];
static volatile int fifo_saw_peer, fifo_peer_saw_done;

static void *rr_spinner(void *a)
{
	int me = (int)(long)a, other = 1 - me;
	unsigned long last = cnt[other], t0 = qt_time();
	while (seen_other[me] < 3 && !fin[other] && qt_time() - t0 < 20 * QT_TIMEBASE_HZ) {
		cnt[me]++;
		if (cnt[other] != last) {
			last = cnt[other];
			seen_other[me]++;
		}
	}
	fin[me] = 1;
	return 0;
}

static void *fifo_spinner(void *a)
{
	int me = (int)(long)a, other = 1 - me;
	if (me == 1) {
		fifo_peer_saw_done = fin[0];
		fin[1] = 1;
		return 0;
	}
	unsigned long t0 = qt_time();	/* ten time slices of 20 ms */
	while (qt_time() - t0 < QT_TIMEBASE_HZ / 5)
		if (cnt[other] || fin[other])
			fifo_saw_peer = 1;
	fin[0] = 1;
	return 0;
}

static void sched_checks(void)
{
	struct sched_param sp = { 0 }, g;
	int base = qt_prio();
	CHECK("schedget-default-policy-rr", SchedGet_r(0, 0, &g), SCHED_RR);
	CHECK("schedget-cur-is-base", g.sched_curpriority, g.sched_priority);
	CHECK("schedget-own-pid-and-tid", SchedGet_r(__tls()->__pid, 1, &g), SCHED_RR);
	CHECK("schedget-bad-pointer-efault", SchedGet_r(0, 0, (void *)0x80200000UL), -EFAULT);
	CHECK("schedget-null-efault", SchedGet_r(0, 0, NULL), -EFAULT);
	CHECK("schedget-no-such-tid-esrch", SchedGet_r(0, 9999, &g), -ESRCH);
	CHECK("schedget-no-such-pid-esrch", SchedGet_r(999999, 0, &g), -ESRCH);

	sp.sched_priority = LOW + 2;
	CHECK("schedset-self-fifo", SchedSet_r(0, 0, SCHED_FIFO, &sp), 0);
	CHECK("schedget-after-set-policy", SchedGet_r(0, 0, &g), SCHED_FIFO);
	CHECK("schedget-after-set-priority", g.sched_priority, LOW + 2);
	CHECK("schedget-after-set-curpriority", g.sched_curpriority, LOW + 2);
	sp.sched_priority = base;
	CHECK("schedset-nochange-keeps-policy", SchedSet_r(0, 0, SCHED_NOCHANGE, &sp) == 0 &&
	      SchedGet_r(0, 0, &g) == SCHED_FIFO && g.sched_priority == base, 1);
	CHECK("schedset-back-to-rr", SchedSet_r(0, 0, SCHED_RR, &sp), 0);
	CHECK("schedset-bad-policy-einval", SchedSet_r(0, 0, 7, &sp), -EINVAL);
	CHECK("schedset-negative-policy-einval", SchedSet_r(0, 0, -1, &sp), -EINVAL);
	sp.sched_priority = 0;
	CHECK("schedset-priority-0-einval", SchedSet_r(0, 0, SCHED_RR, &sp), -EINVAL);
	sp.sched_priority = 256;
	CHECK("schedset-priority-256-einval", SchedSet_r(0, 0, SCHED_RR, &sp), -EINVAL);
	sp.sched_priority = 30;
	CHECK("schedset-null-efault", SchedSet_r(0, 0, SCHED_RR, NULL), -EFAULT);
	CHECK("schedset-bad-pointer-efault", SchedSet_r(0, 0, SCHED_RR, (void *)0x80200000UL),
	      -EFAULT);
	CHECK("schedset-no-such-tid-esrch", SchedSet_r(0, 9999, SCHED_RR, &sp), -ESRCH);
	CHECK("schedset-no-such-pid-esrch", SchedSet_r(999999, 0, SCHED_RR, &sp), -ESRCH);
	CHECK("schedset-failures-changed-nothing", SchedGet_r(0, 0, &g) == SCHED_RR &&
	      g.sched_priority == base, 1);

	struct _sched_info si;
	CHECK("schedinfo-rr", SchedInfo_r(0, SCHED_RR, &si) == 0 && si.priority_min == 1 &&
	      si.priority_max == 255 && si.interval > 0, 1);
	CHECK("schedinfo-fifo-no-slice", SchedInfo_r(0, SCHED_FIFO, &si) == 0 && si.interval == 0, 1);
	CHECK("schedinfo-bad-policy-einval", SchedInfo_r(0, 9, &si), -EINVAL);
	CHECK("schedinfo-no-such-pid-esrch", SchedInfo_r(999999, SCHED_RR, &si), -ESRCH);
	CHECK("schedinfo-bad-pointer-efault", SchedInfo_r(0, SCHED_RR, (void *)0x80200000UL), -EFAULT);

	/* Another thread of ours (on our hart: applied before SchedSet returns). */
	static volatile int go;
	go = 0;
	int t = qt_create(spin_on, (void *)&go, LOW, SCHED_RR, 0);
	sp.sched_priority = LOW - 1;
	CHECK("schedset-other-thread", SchedSet_r(0, t, SCHED_FIFO, &sp), 0);
	CHECK("schedget-other-thread-policy", SchedGet_r(0, t, &g), SCHED_FIFO);
	CHECK("schedget-other-thread-priority", g.sched_priority == LOW - 1 &&
	      g.sched_curpriority == LOW - 1, 1);
	go = 1;
	ThreadJoin_r(t, NULL);
	CHECK("schedget-ended-thread-esrch", SchedGet_r(0, t, &g), -ESRCH);

	/* A boosted thread: a base below the boost keeps the boost, one above replaces it. */
	srv_chid = ChannelCreate_r(0);
	int coid = ConnectAttach_r(0, 0, srv_chid, 0, 0);
	int s = qt_create(boosted_server, 0, LOW, SCHED_RR, 0);
	char m[8] = "boost";
	CHECK("boost-send", MsgSend_r(coid, m, sizeof m, m, sizeof m), 0);
	ThreadJoin_r(s, NULL);
	CHECK("boosted-base-and-cur", seen[0].sched_priority == LOW &&
	      seen[0].sched_curpriority == base, 1);
	CHECK("schedset-below-boost-keeps-it", seen[1].sched_priority == LOW + 2 &&
	      seen[1].sched_curpriority == base, 1);
	CHECK("schedset-above-boost-takes-over", seen[2].sched_priority == 150 &&
	      seen[2].sched_curpriority == 150, 1);
	ConnectDetach_r(coid);
	ChannelDestroy_r(srv_chid);

	/* SchedYield between two FIFO threads of one priority: strict turns. */
	CHECK("schedyield-alone", SchedYield_r(), 0);
	ylen = 0;
	int y1 = qt_create(yielder, (void *)1, LOW, SCHED_FIFO, 0);
	int y2 = qt_create(yielder, (void *)2, LOW, SCHED_FIFO, 0);
	ThreadJoin_r(y1, NULL);
	ThreadJoin_r(y2, NULL);
	int alt = ylen == 8;
	for (int i = 0; i < ylen; i++)
		alt &= ylog[i] == 1 + (i & 1);
	CHECK("schedyield-fifo-threads-alternate", alt, 1);

	/* RR: two equal spinners each see the other make progress between their turns. */
	cnt[0] = cnt[1] = 0;
	fin[0] = fin[1] = 0;
	seen_other[0] = seen_other[1] = 0;
	int a = qt_create(rr_spinner, (void *)0, LOW, SCHED_RR, 0);
	int b = qt_create(rr_spinner, (void *)1, LOW, SCHED_RR, 0);
	ThreadJoin_r(a, NULL);
	ThreadJoin_r(b, NULL);
	if (!CHECK("rr-equal-spinners-alternate", seen_other[0] >= 3 || seen_other[1] >= 3, 1))
		qs_printf("usched: rr: seen %d %d, counts %lu %lu\n", seen_other[0], seen_other[1],
			  cnt[0], cnt[1]);

	/* FIFO: the first runs its ten slices to the end before the second starts. */
	cnt[0] = cnt[1] = 0;
	fin[0] = fin[1] = 0;
	fifo_saw_peer = 0;
	fifo_peer_saw_done = 0;
	a = qt_create(fifo_spinner, (void *)0, LOW, SCHED_FIFO, 0);
	b = qt_create(fifo_spinner, (void *)1, LOW, SCHED_FIFO, 0);
	ThreadJoin_r(a, NULL);
	ThreadJoin_r(b, NULL);
	CHECK("fifo-first-never-sliced", fifo_saw_peer, 0);
	CHECK("fifo-second-ran-after-first-ended", fifo_peer_saw_done, 1);
}

/* --- Runmasks ----------------------------------------------------------------------------- */

/* Move to the harts in mask with f registers and fcsr full of a pattern, in one asm
 * statement so that the compiler keeps nothing of its own in them; true if they came
 * back intact. */
static int move_keeps_fp(unsigned mask, unsigned long v)
{
	register long a0 __asm__("a0") = _NTO_TCTL_RUNMASK;
	register long a1 __asm__("a1") = (long)mask;
	register long a7 __asm__("a7") = __KER_THREAD_CTL;
	unsigned long r0, r1, r2, r3, rc;
	__asm__ __volatile__(
		"fmv.d.x fs0, %[v]\n\t"
		"addi t0, %[v], 1\n\tfmv.d.x fs11, t0\n\t"
		"addi t0, %[v], 2\n\tfmv.d.x ft0, t0\n\t"
		"addi t0, %[v], 3\n\tfmv.d.x fa7, t0\n\t"
		"andi t0, %[v], 0x1f\n\tcsrw fflags, t0\n\t"
		"ecall\n\t"
		"fmv.x.d %[r0], fs0\n\tfmv.x.d %[r1], fs11\n\t"
		"fmv.x.d %[r2], ft0\n\tfmv.x.d %[r3], fa7\n\tcsrr %[rc], fflags"
		: "+r"(a0), [r0] "=&r"(r0), [r1] "=&r"(r1), [r2] "=&r"(r2), [r3] "=&r"(r3),
		  [rc] "=&r"(rc)
		: "r"(a1), "r"(a7), [v] "r"(v)
		: "t0", "fs0", "fs11", "ft0", "fa7", "memory");
	return a0 == 0 && r0 == v && r1 == v + 1 && r2 == v + 2 && r3 == v + 3 &&
	       rc == (v & 0x1f);
}

static void *echo_server(void *a)	/* replies v + 1 to each int; ends on -1 */
{
	for (;;) {
		int v = 0;
		int rcvid = MsgReceive_r((int)(long)a, &v, sizeof v, NULL);
		if (rcvid <= 0)
			return (void *)1;
		int r = v + 1;
		MsgReply_r(rcvid, 0, &r, sizeof r);
		if (v == -1)
			return 0;
	}
}

static void *report_hart(void *a)
{
	return (void *)(long)qt_hart();
}

static void runmask_checks(void)
{
	CHECK("runmask-zero-einval", ThreadCtl_r(_NTO_TCTL_RUNMASK, 0), -EINVAL);
	if (nharts < 32)
		CHECK("runmask-offline-hart-einval",
		      ThreadCtl_r(_NTO_TCTL_RUNMASK, (void *)(uintptr_t)(1U << 31)), -EINVAL);
	CHECK("runmask-get-and-set-efault",
	      ThreadCtl_r(_NTO_TCTL_RUNMASK_GET_AND_SET, (void *)0x80200000UL), -EFAULT);
	CHECK("runmask-inherit-efault",
	      ThreadCtl_r(_NTO_TCTL_RUNMASK_GET_AND_SET_INHERIT, (void *)0x80200000UL), -EFAULT);
	CHECK("hart-is-home", qt_hart(), home);

	/* A server on our hart; we go to every hart in turn and talk to it from there. */
	int chid = ChannelCreate_r(0);
	int srv = qt_create(echo_server, (void *)(long)chid, 0, SCHED_NOCHANGE, 0);
	int coid = ConnectAttach_r(0, 0, chid, 0, 0);
	int moved = 0, fp_ok = 0, msg_ok = 0, rounds = 3 * nharts + 20;
	for (int i = 0; i < rounds; i++) {
		int h = (home + 1 + i) % nharts;
		fp_ok += move_keeps_fp(1U << h, 0x1234500000UL + (unsigned long)i * 7);
		moved += qt_hart() == h;
		int v = i, r = -1;
		msg_ok += MsgSend_r(coid, &v, sizeof v, &r, sizeof r) == 0 && r == i + 1;
	}
	CHECK("runmask-moves-to-the-hart", moved, rounds);
	CHECK("runmask-move-keeps-fp-registers", fp_ok, rounds);
	CHECK("runmask-messages-after-move", msg_ok, rounds);
	int v = -1, r = 0;
	MsgSend_r(coid, &v, sizeof v, &r, sizeof r);
	CHECK("runmask-echo-server-ends", ThreadJoin_r(srv, NULL), 0);
	ConnectDetach_r(coid);
	ChannelDestroy_r(chid);

	/* The get-and-set forms return the old masks; new threads start where the inherit
	 * mask says. */
	qt_pin(home);
	unsigned m = 0;
	CHECK("runmask-get", ThreadCtl_r(_NTO_TCTL_RUNMASK_GET_AND_SET, &m) == 0 &&
	      m == 1U << home, 1);
	int other = (home + nharts - 1) % nharts;
	struct _thread_runmask rm = { 0, 1U << other };
	CHECK("runmask-set-inherit", ThreadCtl_r(_NTO_TCTL_RUNMASK_GET_AND_SET_INHERIT, &rm), 0);
	CHECK("runmask-inherit-old-masks", rm.runmask == 1U << home && rm.inherit_mask == 1U << home, 1);
	CHECK("runmask-inherit-stays", qt_hart(), home);
	int t = qt_create(report_hart, 0, 0, SCHED_NOCHANGE, 0);
	void *st = 0;
	ThreadJoin_r(t, &st);
	CHECK("runmask-new-thread-on-inherit-mask", (long)st, other);
	rm.runmask = 0;
	rm.inherit_mask = 0xffffffffU;
	ThreadCtl_r(_NTO_TCTL_RUNMASK_GET_AND_SET_INHERIT, &rm);
	rm.runmask = 0;
	rm.inherit_mask = 0;
	CHECK("runmask-inherit-get", ThreadCtl_r(_NTO_TCTL_RUNMASK_GET_AND_SET_INHERIT, &rm) == 0 &&
	      rm.inherit_mask == 0xffffffffU, 1);
	qt_pin(home);			/* back: everything after starts here */
}

/* --- Mode 1: the process ends while threads join, move and lie dead ---------------------------- */

/* Hops from hart to hart for ever; after 50 hops it tells main (a pulse on coid a). */
static void *mover(void *a)
{
	for (unsigned i = 0;; i++) {
		qt_pin((int)(i % (unsigned)nharts));
		if (i == 50)
			MsgSendPulse_r((int)(long)a, 100, 1, 0);
	}
	return 0;
}

static int destroy_all(void)
{
	static volatile int never;
	qt_pin(home);
	for (int i = 0; i < 5; i++)
		qt_create(ret_arg, 0, HIGH, SCHED_NOCHANGE, 0);	/* zombies */
	int t = qt_create(spin_on, (void *)&never, LOW - 1, SCHED_RR, 0);
	qt_create(joiner, (void *)(long)t, HIGH, SCHED_NOCHANGE, 0);	/* blocks */
	int chid = ChannelCreate_r(0);
	int coid = ConnectAttach_r(0, 0, chid, 0, 0);
	qt_create(mover, (void *)(long)coid, LOW, SCHED_RR, 0);
	struct _pulse pu;
	MsgReceive_r(chid, &pu, sizeof pu, NULL);	/* the mover has hopped 50 times */
	ThreadDestroy_r(-1, -1, (void *)9);
	return 1;		/* not reached */
}

/* --- Mode 2: benchmarks ------------------------------------------------------------------------- */

#define BATCHES 5

static volatile int ystop;
static void *bench_yielder(void *a)
{
	while (!ystop)
		SchedYield_r();
	return 0;
}

static int bench(void)
{
	unsigned long batch[BATCHES];
	qt_pin(home);
	/* Create a thread above us (it runs to its end at once) and join it. */
	for (int b = 0; b < BATCHES; b++) {
		unsigned long t0 = cycles();
		for (int i = 0; i < 50; i++)
			ThreadJoin_r(qt_create(ret_arg, 0, HIGH, SCHED_NOCHANGE, 0), NULL);
		batch[b] = (cycles() - t0) / 50;
	}
	qs_printf("bench thread_create_join %lu insns\n", median(batch, BATCHES));
	for (int b = 0; b < BATCHES; b++) {
		unsigned long t0 = cycles();
		for (int i = 0; i < 200; i++)
			SchedYield_r();
		batch[b] = (cycles() - t0) / 200;
	}
	qs_printf("bench sched_yield_alone %lu insns\n", median(batch, BATCHES));
	/* Two FIFO threads of our priority yielding to each other: one yield and one
	 * switch per turn. */
	struct sched_param sp = { 0 };
	sp.sched_priority = qt_prio();
	SchedSet_r(0, 0, SCHED_FIFO, &sp);
	ystop = 0;
	int t = qt_create(bench_yielder, 0, 0, SCHED_FIFO, 0);
	for (int w = 0; w < 20; w++)
		SchedYield_r();
	for (int b = 0; b < BATCHES; b++) {
		unsigned long t0 = cycles();
		for (int i = 0; i < 200; i++)
			SchedYield_r();
		batch[b] = (cycles() - t0) / 400;	/* ours and its: two turns a round */
	}
	ystop = 1;
	ThreadJoin_r(t, NULL);
	qs_printf("bench sched_yield_switch %lu insns\n", median(batch, BATCHES));
	return 3;
}

int main(long arg)
{
	nharts = qt_nharts();
	home = qt_hart();
	if (arg == 1)
		return destroy_all();
	if (arg == 2)
		return bench();
	qt_pin(home);		/* every thread below starts on our hart */
	tls_checks();
	join_checks();
	sched_checks();
	runmask_checks();
	zombie_checks();
	qs_printf("usched: %d harts, %d failures\n", nharts, fails);
	return fails;
}
