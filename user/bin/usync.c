/* usync: the sync objects' user side, run by test=sync (and test=bench). main's argument:
 * mode (bits 0..7) | the number of harts (bits 8..15) | a parameter (bits 16..):
 *   0: conformance: every Sync* call and errno, zero kernel entries for uncontended
 *      mutexes, hand-over, owner death (EOWNERDEAD), a killed waiter; exits 0 on PASS;
 *   1, 2: priority inversion on one hart: a low thread holds a mutex, a medium one
 *      spins, a high one waits for the mutex (2: a PTHREAD_PRIO_NONE mutex); exits 1 if
 *      the high thread finished first, 2 if the medium one did;
 *   3, 4: the same with the low thread REPLY-blocked on a server thread while it holds
 *      the mutex (4: a _NTO_CHF_FIXED_PRIORITY channel, so the chain stops there);
 *   5: stress: threads (parameter & 0xff) x rounds (parameter >> 8) on a checked
 *      counter under one mutex and a condvar producer/consumer queue; exits 0 on PASS;
 *   6: benchmarks (bench lines), exits 0;
 *   7, 8: a server thread blocked on a mutex that a low thread holds gets a high client's
 *      send-time boost, which must reach the low thread (8: a FIXED_PRIORITY channel, no
 *      boost); exits 1 if the client finished before the medium thread, 2 if after;
 *   9: kills under load: workers on a mutex and a condvar, one killed every 4 of
 *      `parameter` rounds; exits 0 on PASS. */
#include <sys/neutrino.h>
#include "qsys.h"
#include "qsync.h"
#include "qbench.h"

static int ncpus = 1;

static void spin(unsigned long n)
{
	for (volatile unsigned long i = 0; i < n; i++)
		;
}

/* --- Placement: thread k of a process runs on hart (main's + k - 1) % ncpus ------------ */

static int last_tid = 1;		/* the newest thread's: tids count up from main's 1 */

static void *nothing(void *arg)
{
	return NULL;
}

/* Start func(arg) at priority pri (0: ours) wherever its tid puts it. */
static int spawn(void *(*func)(void *), void *arg, int pri)
{
	int tid = qs_thread_create_pri(func, arg, pri);
	if (tid > 0)
		last_tid = tid;
	return tid;
}

/* The same on main's hart: threads that end at once take the tids that would land
 * elsewhere. Returns the tid or -errno. */
static int thread_here(void *(*func)(void *), void *arg, int pri)
{
	while (last_tid % ncpus != 0)	/* the next tid, last_tid + 1, is not ours */
		if (spawn(nothing, NULL, 0) < 0)
			return -1;
	return spawn(func, arg, pri);
}

/* --- Conformance ----------------------------------------------------------------------- */

static sync_t m1, m2, m3, s1, s2, cv1;
static volatile int flag;
static volatile int got_err;

static void *hold_m2(void *arg)		/* lock m2, tell main, wait, unlock */
{
	got_err = qs_mutex_lock(&m2);
	qs_sem_post(&s1);
	qs_sem_wait(&s2);
	qs_mutex_unlock(&m2);
	return NULL;
}

static void *wait_m1(void *arg)		/* wait for m1 (held by main), note, unlock */
{
	qs_sem_post(&s1);
	got_err = qs_mutex_lock(&m1);
	flag = (int)(m1.__owner & _NTO_SYNC_OWNER_MASK);
	qs_mutex_unlock(&m1);
	qs_sem_post(&s2);
	return NULL;
}

static void *lock_and_end(void *arg)	/* lock the mutex and end holding it */
{
	qs_mutex_lock(arg);
	qs_sem_post(&s1);
	return NULL;
}

static void *lock_wait_end(void *arg)	/* lock m3, let a waiter queue, end holding it */
{
	qs_mutex_lock(&m3);
	qs_sem_post(&s1);
	qs_sem_wait(&s2);
	return NULL;
}

static void *wait_m3(void *arg)
{
	qs_sem_post(&s1);
	got_err = qs_mutex_lock(&m3);
	flag = (int)(m3.__owner & _NTO_SYNC_OWNER_MASK) == qs_self();
	qs_mutex_unlock(&m3);
	qs_sem_post(&s2);
	return NULL;
}

static void *cond_waiter(void *arg)
{
	qs_mutex_lock(&m1);
	qs_sem_post(&s1);
	while (!flag)
		got_err = qs_cond_wait(&cv1, &m1);
	flag = 2;
	qs_mutex_unlock(&m1);
	qs_sem_post(&s2);
	return NULL;
}

static sync_t cvp;
static volatile int first_woken;

static void *cond_prio_waiter(void *arg)
{
	qs_mutex_lock(&m1);
	qs_sem_post(&s1);		/* main preempts us, then waits for m1 */
	qs_cond_wait(&cvp, &m1);	/* releases m1 to main */
	if (!first_woken)
		first_woken = (int)(long)arg;
	qs_mutex_unlock(&m1);
	qs_sem_post(&s2);
	return NULL;
}

/* Queue a waiter at pri on cvp (on our hart, so it runs only when we block). */
static void cond_queue(int pri)
{
	thread_here(cond_prio_waiter, (void *)(long)pri, pri);
	qs_sem_wait(&s1);
	qs_mutex_lock(&m1);		/* ours once it waits */
	qs_mutex_unlock(&m1);
}

static void *block_forever(void *arg)
{
	qs_sem_post(&s1);
	qs_mutex_lock(arg);
	return NULL;
}

/* Wait until a thread has queued on m (it may run on another hart, or on ours at our
 * priority, given a time slice). */
static void queued(sync_t *m)
{
	while (!(__atomic_load_n(&m->__owner, __ATOMIC_ACQUIRE) & _NTO_SYNC_WAITING))
		;
}

/* Wait until tid's THREAD_DEATH pulse arrives on chid. */
static int death_of(int chid, int tid)
{
	struct _pulse p;
	for (;;) {
		int r = MsgReceive_r(chid, &p, sizeof p, NULL);
		if (r != 0)
			return r;
		if (p.code == _PULSE_CODE_THREADDEATH && p.value.sival_int == tid)
			return 0;
	}
}

static int conformance(void)
{
	int ok = 1;
	struct _sync_attr at = { 0 };
	sync_t *bad = (sync_t *)0x10;	/* below user space */
	sync_t mis[2];

	/* SyncTypeCreate */
	ok &= CHECK_EQ("sync-create-bad-type", SyncTypeCreate_r(12345, &m1, NULL), -EINVAL);
	ok &= CHECK_EQ("sync-create-bad-attr-pointer",
		       SyncTypeCreate_r(_NTO_SYNC_MUTEX_FREE, &m1, (void *)0x10), -EFAULT);
	ok &= CHECK_EQ("sync-create-bad-sync-pointer",
		       SyncTypeCreate_r(_NTO_SYNC_MUTEX_FREE, bad, NULL), -EFAULT);
	ok &= CHECK_EQ("sync-create-misaligned",
		       SyncTypeCreate_r(_NTO_SYNC_MUTEX_FREE, (sync_t *)((char *)mis + 4), NULL),
		       -EINVAL);
	at.__protocol = PTHREAD_PRIO_PROTECT;
	ok &= CHECK_EQ("sync-create-prio-protect-unsupported",
		       SyncTypeCreate_r(_NTO_SYNC_MUTEX_FREE, &m1, &at), -EINVAL);
	at.__protocol = PTHREAD_PRIO_INHERIT;
	at.__flags = 0x1234;
	ok &= CHECK_EQ("sync-create-bad-flags", SyncTypeCreate_r(_NTO_SYNC_MUTEX_FREE, &m1, &at),
		       -EINVAL);
	ok &= CHECK_EQ("sync-create-mutex", qs_mutex_init(&m1, PTHREAD_PRIO_INHERIT, 0), 0);
	ok &= CHECK_EQ("sync-mutex-created-free", m1.__owner, 0);
	s1.__count = -1;
	ok &= CHECK_EQ("sync-create-sem-negative", SyncTypeCreate_r(_NTO_SYNC_SEM, &s1, NULL),
		       -EINVAL);
	ok &= CHECK_EQ("sync-create-sems", qs_sem_init(&s1, 0) | qs_sem_init(&s2, 0), 0);
	ok &= CHECK_EQ("sync-create-cond", qs_cond_init(&cv1), 0);

	/* Uncontended mutexes never enter the kernel. */
	qs_self();
	long k0 = KerThreadKcalls();
	int e = 0;
	for (int i = 0; i < 1000; i++) {
		e |= qs_mutex_lock(&m1);
		e |= qs_mutex_unlock(&m1);
	}
	long k1 = KerThreadKcalls();
	ok &= CHECK_EQ("sync-uncontended-lock-unlock-ok", e, 0);
	ok &= CHECK_EQ("sync-uncontended-zero-kernel-entries", k1 - k0 - 1, 0);
	sync_t stat = PTHREAD_MUTEX_INITIALIZER;
	ok &= CHECK_EQ("sync-static-mutex-first-lock", qs_mutex_lock(&stat), 0);
	ok &= CHECK_EQ("sync-static-mutex-owner", stat.__owner, qs_self());
	ok &= CHECK_EQ("sync-static-mutex-unlock", qs_mutex_unlock(&stat), 0);
	sync_t rec;
	qs_mutex_init(&rec, PTHREAD_PRIO_INHERIT, 1);
	k0 = KerThreadKcalls();
	e = qs_mutex_lock(&rec) | qs_mutex_lock(&rec) | qs_mutex_unlock(&rec) | qs_mutex_unlock(&rec);
	k1 = KerThreadKcalls();
	ok &= CHECK_EQ("sync-recursive-mutex", e, 0);
	ok &= CHECK_EQ("sync-recursive-zero-kernel-entries", k1 - k0 - 1, 0);
	ok &= CHECK_EQ("sync-recursive-free-after", rec.__owner, 0);

	/* Mutex errors */
	ok &= CHECK_EQ("sync-lock-bad-pointer", SyncMutexLock_r(bad), -EFAULT);
	ok &= CHECK_EQ("sync-lock-misaligned", SyncMutexLock_r((sync_t *)((char *)mis + 4)), -EINVAL);
	ok &= CHECK_EQ("sync-lock-on-a-semaphore", SyncMutexLock_r(&s1), -EINVAL);
	ok &= CHECK_EQ("sync-unlock-free-mutex-eperm", SyncMutexUnlock_r(&m1), -EPERM);
	ok &= CHECK_EQ("sync-unlock-on-a-condvar", SyncMutexUnlock_r(&cv1), -EINVAL);
	qs_mutex_lock(&m1);
	ok &= CHECK_EQ("sync-relock-edeadlk-user", qs_mutex_lock(&m1), EDEADLK);
	ok &= CHECK_EQ("sync-relock-edeadlk-kernel", SyncMutexLock_r(&m1), -EDEADLK);
	ok &= CHECK_EQ("sync-destroy-locked-ebusy", SyncDestroy_r(&m1), -EBUSY);
	ok &= CHECK_EQ("sync-trylock-self-nonrecursive-ebusy", qs_mutex_trylock(&m1), EBUSY);
	qs_mutex_unlock(&m1);

	/* Held by another thread: EPERM to unlock, EBUSY to try. */
	spawn(hold_m2, NULL, 0);
	qs_sem_wait(&s1);
	ok &= CHECK_EQ("sync-unlock-others-mutex-eperm", SyncMutexUnlock_r(&m2), -EPERM);
	ok &= CHECK_EQ("sync-unlock-others-mutex-eperm-user", qs_mutex_unlock(&m2), EPERM);
	ok &= CHECK_EQ("sync-trylock-held-ebusy", qs_mutex_trylock(&m2), EBUSY);
	qs_sem_post(&s2);
	ok &= CHECK_EQ("sync-lock-after-release", qs_mutex_lock(&m2), 0);
	qs_mutex_unlock(&m2);

	/* Contended: the waiter is handed the mutex when main unlocks. */
	qs_mutex_lock(&m1);
	flag = 0;
	int tid = spawn(wait_m1, NULL, 0);
	qs_sem_wait(&s1);
	queued(&m1);			/* (a kernel that never queues it hangs here) */
	ok &= CHECK_EQ("sync-waiter-sets-waiting-bit", (m1.__owner & _NTO_SYNC_WAITING) != 0, 1);
	ok &= CHECK_EQ("sync-destroy-with-waiters-ebusy", SyncDestroy_r(&m1), -EBUSY);
	ok &= CHECK_EQ("sync-unlock-hands-over", qs_mutex_unlock(&m1), 0);
	qs_sem_wait(&s2);
	ok &= CHECK_EQ("sync-waiter-got-it", got_err, 0);
	ok &= CHECK_EQ("sync-waiter-was-owner", flag, tid);
	ok &= CHECK_EQ("sync-free-after-hand-over", m1.__owner, 0);

	/* Condvars */
	ok &= CHECK_EQ("sync-condwait-mutex-not-owned", SyncCondvarWait_r(&cv1, &m1), -EPERM);
	qs_mutex_lock(&m1);
	ok &= CHECK_EQ("sync-condwait-on-a-semaphore", SyncCondvarWait_r(&s1, &m1), -EINVAL);
	ok &= CHECK_EQ("sync-condwait-bad-pointer", SyncCondvarWait_r(bad, &m1), -EFAULT);
	qs_mutex_unlock(&m1);
	sync_t zero = { 0, 0 };
	ok &= CHECK_EQ("sync-signal-uninitialised", SyncCondvarSignal_r(&zero, 0), -EINVAL);
	ok &= CHECK_EQ("sync-signal-no-waiters", qs_cond_signal(&cv1), 0);
	flag = 0;
	got_err = 0;
	spawn(cond_waiter, NULL, 0);
	qs_sem_wait(&s1);		/* it holds m1, then waits on cv1 releasing it */
	qs_mutex_lock(&m1);		/* so we get m1 once it waits */
	flag = 1;
	ok &= CHECK_EQ("sync-broadcast", qs_cond_broadcast(&cv1), 0);
	qs_mutex_unlock(&m1);
	qs_sem_wait(&s2);
	ok &= CHECK_EQ("sync-condwait-woken-with-mutex", flag, 2);
	ok &= CHECK_EQ("sync-condwait-result", got_err, 0);
	/* Signal wakes by priority: 20 queues first, then 30; one signal wakes 30. */
	qs_cond_init(&cvp);
	first_woken = 0;
	cond_queue(20);
	cond_queue(30);
	qs_mutex_lock(&m1);
	ok &= CHECK_EQ("sync-signal-one", qs_cond_signal(&cvp), 0);
	qs_mutex_unlock(&m1);
	qs_sem_wait(&s2);
	ok &= CHECK_EQ("sync-signal-wakes-highest-first", first_woken, 30);
	qs_cond_signal(&cvp);
	qs_sem_wait(&s2);
	sync_t scv = PTHREAD_COND_INITIALIZER;
	ok &= CHECK_EQ("sync-static-cond-signal", qs_cond_signal(&scv), 0);
	ok &= CHECK_EQ("sync-static-cond-became-cond", scv.__owner, _NTO_SYNC_COND);

	/* Semaphores */
	ok &= CHECK_EQ("sync-sem-tryonly-eagain", qs_sem_trywait(&s1), EAGAIN);
	ok &= CHECK_EQ("sync-sem-post", qs_sem_post(&s1), 0);
	ok &= CHECK_EQ("sync-sem-value-1", s1.__count, 1);
	ok &= CHECK_EQ("sync-sem-trywait", qs_sem_trywait(&s1), 0);
	ok &= CHECK_EQ("sync-sem-value-0", s1.__count, 0);
	ok &= CHECK_EQ("sync-sem-wait-uninitialised", SyncSemWait_r(&zero, 0), -EINVAL);
	ok &= CHECK_EQ("sync-sem-post-on-a-mutex", SyncSemPost_r(&m1), -EINVAL);
	ok &= CHECK_EQ("sync-sem-bad-pointer", SyncSemPost_r(bad), -EFAULT);
	sync_t big;
	big.__count = (int)_NTO_SYNC_COUNTMASK;
	SyncTypeCreate_r(_NTO_SYNC_SEM, &big, NULL);
	ok &= CHECK_EQ("sync-sem-post-overflow", SyncSemPost_r(&big), -EOVERFLOW);
	ok &= CHECK_EQ("sync-sem-destroy", SyncDestroy_r(&big), 0);
	ok &= CHECK_EQ("sync-sem-destroyed-einval", SyncSemPost_r(&big), -EINVAL);

	/* Owner death: uncontended, then with a waiter. */
	qs_mutex_init(&m3, PTHREAD_PRIO_INHERIT, 0);
	sync_t md = { (int)_NTO_SYNC_NONRECURSIVE, 0 };
	int chid = ChannelCreate_r(_NTO_CHF_THREAD_DEATH);
	ok &= CHECK_EQ("sync-death-channel", chid > 0, 1);
	tid = spawn(lock_and_end, &md, 0);
	qs_sem_wait(&s1);
	death_of(chid, tid);
	ok &= CHECK_EQ("sync-dead-owner-eownerdead", qs_mutex_lock(&md), EOWNERDEAD);
	ok &= CHECK_EQ("sync-dead-owner-now-ours", md.__owner, qs_self());
	ok &= CHECK_EQ("sync-dead-owner-unlock", qs_mutex_unlock(&md), 0);
	flag = 0;
	got_err = 0;
	tid = spawn(lock_wait_end, NULL, 0);
	qs_sem_wait(&s1);		/* it holds m3 */
	spawn(wait_m3, NULL, 0);
	qs_sem_wait(&s1);
	queued(&m3);
	qs_sem_post(&s2);		/* the holder ends with a waiter queued */
	death_of(chid, tid);
	qs_sem_wait(&s2);
	ok &= CHECK_EQ("sync-dead-owner-waiter-eownerdead", got_err, EOWNERDEAD);
	ok &= CHECK_EQ("sync-dead-owner-waiter-was-owner", flag, 1);

	/* A killed waiter leaves the queue. */
	qs_mutex_lock(&m1);
	tid = spawn(block_forever, &m1, 0);
	qs_sem_wait(&s1);
	queued(&m1);
	ok &= CHECK_EQ("sync-kill-waiter", ThreadDestroy_r(tid, -1, NULL), 0);
	death_of(chid, tid);
	ok &= CHECK_EQ("sync-killed-waiter-gone-unlock", qs_mutex_unlock(&m1), 0);
	ok &= CHECK_EQ("sync-killed-waiter-gone-free", m1.__owner, 0);
	ok &= CHECK_EQ("sync-destroy-after-kill", qs_mutex_destroy(&m1), 0);
	ok &= CHECK_EQ("sync-destroyed-mutex-einval", SyncMutexLock_r(&m1), -EINVAL);
	ok &= CHECK_EQ("sync-destroy-twice-einval", SyncDestroy_r(&m1), -EINVAL);
	ok &= CHECK_EQ("sync-destroy-cond", qs_mutex_destroy(&cv1), 0);
	ChannelDestroy_r(chid);

	/* At most SYNC_MAX (1024) kernel objects per process: EAGAIN, until some go. */
	static sync_t many[1100];
	int made = 0, r = 0;
	while (made < 1100 && (r = SyncTypeCreate_r(_NTO_SYNC_MUTEX_FREE, &many[made], NULL)) == 0)
		made++;
	ok &= CHECK_EQ("sync-object-limit-eagain", r, -EAGAIN);
	ok &= CHECK_EQ("sync-object-limit-near-1024", made > 1000 && made <= 1024, 1);
	e = 0;
	for (int i = 0; i < made; i++)
		e |= SyncDestroy_r(&many[i]);
	ok &= CHECK_EQ("sync-object-limit-destroy-all", e, 0);
	ok &= CHECK_EQ("sync-object-after-limit", qs_sem_init(&many[0], 3), 0);
	/* m2, m3, s1, s2, many[0] stay: the process's end frees their kernel objects. */
	qs_printf("usync: conformance %s\n", ok ? "PASS" : "FAIL");
	return ok ? 0 : 1;
}

/* --- Priority inversion ------------------------------------------------------------------ */

static sync_t pm, ps1, pdone;
static volatile int seq, high_at, med_at;
static int pchid, pcoid;

static void *pi_low(void *arg)
{
	qs_mutex_lock(&pm);
	if (arg) {			/* REPLY-blocked on the server while we hold pm */
		char r;
		MsgSend(pcoid, "x", 1, &r, 1);
	} else {
		qs_sem_post(&ps1);	/* main preempts us here */
		spin(500000);
	}
	qs_mutex_unlock(&pm);
	return NULL;
}

static void *pi_server(void *arg)
{
	char b[4];
	int rcvid = MsgReceive(pchid, b, sizeof b, NULL);
	qs_sem_post(&ps1);		/* the client is REPLY-blocked, holding pm */
	spin(500000);			/* the work */
	MsgReply(rcvid, 0, "y", 1);
	return NULL;
}

static void *pi_med(void *arg)
{
	spin(4000000);			/* longer than low's and the server's work */
	med_at = __atomic_add_fetch(&seq, 1, __ATOMIC_SEQ_CST);
	qs_sem_post(&pdone);
	return NULL;
}

static void *pi_high(void *arg)
{
	qs_mutex_lock(&pm);
	high_at = __atomic_add_fetch(&seq, 1, __ATOMIC_SEQ_CST);
	qs_mutex_unlock(&pm);
	qs_sem_post(&pdone);
	return NULL;
}

/* Modes 7, 8: the server thread is blocked on pm (held by low) when a high client
 * sends to its channel: the send-time boost must go on through the mutex to low. */
static volatile int client_at;

static void *pi_low_waits(void *arg)
{
	qs_mutex_lock(&pm);
	while (!(__atomic_load_n(&pm.__owner, __ATOMIC_RELAXED) & _NTO_SYNC_WAITING))
		;			/* the server queues on pm (on a time slice) */
	qs_sem_post(&ps1);		/* main preempts us here */
	spin(500000);
	qs_mutex_unlock(&pm);
	return NULL;
}

static void *pi_mutex_server(void *arg)
{
	char b[4];
	pchid = ChannelCreate((unsigned)(long)arg);	/* we are its server from now on */
	qs_mutex_lock(&pm);
	int rcvid = MsgReceive(pchid, b, sizeof b, NULL);
	MsgReply(rcvid, 0, "y", 1);
	qs_mutex_unlock(&pm);
	return NULL;
}

static void *pi_client(void *arg)
{
	char r;
	int coid = ConnectAttach(0, 0, pchid, 0, 0);
	MsgSend(coid, "x", 1, &r, 1);
	client_at = __atomic_add_fetch(&seq, 1, __ATOMIC_SEQ_CST);
	qs_sem_post(&pdone);
	return NULL;
}

static int boost_through_mutex(int mode)
{
	qs_mutex_init(&pm, PTHREAD_PRIO_INHERIT, 0);
	qs_sem_init(&ps1, 0);
	qs_sem_init(&pdone, 0);
	if (thread_here(pi_low_waits, NULL, 10) < 0 ||
	    thread_here(pi_mutex_server, (void *)(long)(mode == 8 ? _NTO_CHF_FIXED_PRIORITY : 0),
			10) < 0)
		return 11;
	qs_sem_wait(&ps1);		/* low holds pm, the server waits for it */
	if (thread_here(pi_med, NULL, 50) < 0 || thread_here(pi_client, NULL, 80) < 0)
		return 12;
	qs_sem_wait(&pdone);
	qs_sem_wait(&pdone);
	qs_printf("usync: send boost through a mutex, mode %d: the client finished %s medium\n",
		  mode, client_at < med_at ? "before" : "after");
	return client_at < med_at ? 1 : 2;
}

/* main runs at 100 on its hart; low 10, medium 50, high 80 (the server 5) all there. */
static int inversion(int mode)
{
	int chain = mode >= 3;
	qs_mutex_init(&pm, mode == 2 ? PTHREAD_PRIO_NONE : PTHREAD_PRIO_INHERIT, 0);
	qs_sem_init(&ps1, 0);
	qs_sem_init(&pdone, 0);
	if (chain) {
		pchid = ChannelCreate(mode == 4 ? _NTO_CHF_FIXED_PRIORITY : 0);
		pcoid = ConnectAttach(0, 0, pchid, 0, 0);
		if (pchid < 0 || pcoid < 0 || thread_here(pi_server, NULL, 5) < 0)
			return 10;
	}
	if (thread_here(pi_low, (void *)(long)chain, 10) < 0)
		return 11;
	qs_sem_wait(&ps1);		/* low holds pm (and is REPLY-blocked for a chain) */
	if (thread_here(pi_med, NULL, 50) < 0 || thread_here(pi_high, NULL, 80) < 0)
		return 12;
	qs_sem_wait(&pdone);
	qs_sem_wait(&pdone);
	qs_printf("usync: inversion mode %d: high finished %s medium\n", mode,
		  high_at < med_at ? "before" : "after");
	return high_at < med_at ? 1 : 2;
}

/* --- Stress ------------------------------------------------------------------------------- */

#define QLEN 4
static sync_t sm, qm, qnotfull, qnotempty, sdone;
static volatile long counter;
static int queue[QLEN], qhead, qcount;
static long produced, consumed;
static int rounds;
static volatile int bad;

static void *stress_thread(void *arg)
{
	long id = (long)arg;
	long sum = 0;
	for (int i = 0; i < rounds; i++) {
		if (qs_mutex_lock(&sm))
			bad = 1;
		long c = counter;
		if (i % 16 == 0)
			spin(50);	/* widen the window a little */
		counter = c + 1;
		if (qs_mutex_unlock(&sm))
			bad = 2;
		/* Even threads produce one item per round, odd ones consume one. */
		qs_mutex_lock(&qm);
		if (id % 2 == 0) {
			while (qcount == QLEN)
				qs_cond_wait(&qnotfull, &qm);
			queue[(qhead + qcount) % QLEN] = (int)(id * 100000 + i);
			qcount++;
			produced += id * 100000 + i;
			qs_cond_signal(&qnotempty);
		} else {
			while (qcount == 0)
				qs_cond_wait(&qnotempty, &qm);
			sum += queue[qhead];
			qhead = (qhead + 1) % QLEN;
			qcount--;
			qs_cond_signal(&qnotfull);
		}
		qs_mutex_unlock(&qm);
	}
	qs_mutex_lock(&qm);
	consumed += sum;
	qs_mutex_unlock(&qm);
	qs_sem_post(&sdone);
	return NULL;
}

static int stress(int nthreads, int nrounds)
{
	rounds = nrounds;
	nthreads &= ~1;			/* producers and consumers pair up */
	if (nthreads < 2)
		nthreads = 2;
	qs_mutex_init(&qm, PTHREAD_PRIO_INHERIT, 0);
	qs_cond_init(&qnotfull);
	qs_cond_init(&qnotempty);
	qs_sem_init(&sdone, 0);
	/* sm stays a zeroed (never created) mutex: its kernel object comes and goes with
	 * contention. */
	for (long i = 0; i < nthreads; i++)
		if (spawn(stress_thread, (void *)i, 0) < 0)
			return 3;
	for (int i = 0; i < nthreads; i++)
		qs_sem_wait(&sdone);
	long want = (long)nthreads * nrounds;
	int ok = counter == want && produced == consumed && qcount == 0 && !bad &&
		 sm.__owner == 0;
	qs_printf("usync: stress %d threads x %d rounds: counter %ld/%ld, queue %ld/%ld, %s\n",
		  nthreads, nrounds, (long)counter, want, consumed, produced, ok ? "PASS" : "FAIL");
	return ok ? 0 : 1;
}

/* --- Kills under load (mode 9) ------------------------------------------------------------
 * Workers hammer a mutex and wait on a condvar now and then while main broadcasts it and
 * kills a worker every few rounds (maybe holding the mutex, maybe queued on it or on the
 * condvar) and starts another. Every lock must succeed (EOWNERDEAD after a holder was
 * killed), and at the end the mutex must still work; then ThreadDestroy(-1) ends them all
 * wherever they are blocked. */
static sync_t km, kcv;
static volatile long kcount;
static volatile int kbad;

static void *kill_worker(void *arg)
{
	for (;;) {
		int r = qs_mutex_lock(&km);
		if (r && r != EOWNERDEAD)
			kbad = r;
		kcount++;
		if (kcount % 8 == 0 && (r = qs_cond_wait(&kcv, &km)) != 0 && r != EOWNERDEAD)
			kbad = 100 + r;
		if ((r = qs_mutex_unlock(&km)) != 0)
			kbad = 200 + r;
	}
	return NULL;
}

static int kills(int rounds)
{
	int tids[8];
	qs_mutex_init(&km, PTHREAD_PRIO_INHERIT, 0);
	qs_cond_init(&kcv);
	for (int i = 0; i < 8; i++)
		if ((tids[i] = spawn(kill_worker, NULL, 0)) < 0)
			return 3;
	int killed = 0;
	for (int r = 0; r < rounds; r++) {
		spin(100000);
		qs_cond_broadcast(&kcv);
		if (r % 4 == 3) {
			int i = (r / 4) % 8;
			if (ThreadDestroy_r(tids[i], -1, NULL) == 0)
				killed++;
			if ((tids[i] = spawn(kill_worker, NULL, 0)) < 0)
				return 4;
		}
	}
	long before = kcount;
	int r = qs_mutex_lock(&km);
	int ok = (r == 0 || r == EOWNERDEAD) && qs_mutex_unlock(&km) == 0 && !kbad;
	qs_printf("usync: kills: %d workers killed, %ld locks, last %d, bad %d, %s\n", killed,
		  before, r, kbad, ok ? "PASS" : "FAIL");
	return ok ? 0 : 1;
}

/* --- Benchmarks ---------------------------------------------------------------------------- */

#define BATCHES 5
#define PER_BATCH 1000

static sync_t bm, bsem, bsem2;
static volatile int bstop;

/* The partner of the mutex ping-pong: on each offer, say so, then take the mutex (it
 * waits for it: main holds it) and give it back. */
static void *ping(void *arg)
{
	for (;;) {
		qs_sem_wait(&bsem);
		if (bstop)
			break;
		qs_sem_post(&bsem2);
		qs_mutex_lock(&bm);
		qs_mutex_unlock(&bm);
	}
	return NULL;
}

/* The partner of the semaphore ping-pong. */
static void *pong(void *arg)
{
	for (;;) {
		qs_sem_wait(&bsem);
		if (bstop)
			break;
		qs_sem_post(&bsem2);
	}
	return NULL;
}

static int bench(void)
{
	unsigned long b[BATCHES];
	qs_mutex_init(&bm, PTHREAD_PRIO_INHERIT, 0);
	qs_sem_init(&bsem, 0);
	qs_sem_init(&bsem2, 0);
	qs_self();
	long k0 = KerThreadKcalls();
	for (int j = 0; j < BATCHES; j++) {
		unsigned long t0 = cycles();
		for (int i = 0; i < PER_BATCH; i++) {
			qs_mutex_lock(&bm);
			qs_mutex_unlock(&bm);
		}
		b[j] = (cycles() - t0) / PER_BATCH;
	}
	long k = KerThreadKcalls() - k0 - 1;
	qs_printf("bench sync_mutex_uncontended %lu insns\n", median(b, BATCHES));
	qs_printf("bench sync_mutex_uncontended_kcalls %ld calls\n", k);
	/* A post and a wait that does not block (one kernel call each). */
	for (int j = 0; j < BATCHES; j++) {
		unsigned long t0 = cycles();
		for (int i = 0; i < PER_BATCH; i++) {
			qs_sem_post(&bsem2);
			qs_sem_wait(&bsem2);
		}
		b[j] = (cycles() - t0) / PER_BATCH;
	}
	qs_printf("bench sync_sem_post_wait_nowake %lu insns\n", median(b, BATCHES));
	/* Semaphore ping-pong with a partner on this hart at our priority: each half is a
	 * post that wakes a waiter, then a wait that blocks and switches to it. */
	if (thread_here(pong, NULL, 0) < 0)
		return 1;
	for (int j = 0; j < BATCHES; j++) {
		unsigned long t0 = cycles();
		for (int i = 0; i < PER_BATCH; i++) {
			qs_sem_post(&bsem);
			qs_sem_wait(&bsem2);
		}
		b[j] = (cycles() - t0) / (2 * PER_BATCH);
	}
	qs_printf("bench sync_sem_post_wait_wake %lu insns\n", median(b, BATCHES));
	bstop = 1;
	qs_sem_post(&bsem);
	spin(100000);
	bstop = 0;
	/* Mutex ping-pong: main holds bm while the partner queues on it; each unlock hands
	 * it over (kernel), each lock then waits for it. Per hand-over: a contended lock
	 * and unlock, a switch, and one semaphore post/wait pair. */
	if (thread_here(ping, NULL, 0) < 0)
		return 1;
	qs_mutex_lock(&bm);
	for (int j = 0; j < BATCHES; j++) {
		unsigned long t0 = cycles();
		for (int i = 0; i < PER_BATCH; i++) {
			qs_sem_post(&bsem);	/* offer */
			qs_sem_wait(&bsem2);	/* the partner runs, queues on bm */
			qs_mutex_unlock(&bm);	/* hand-over */
			qs_mutex_lock(&bm);	/* waits for the partner's unlock */
		}
		b[j] = (cycles() - t0) / (2 * PER_BATCH);
	}
	qs_mutex_unlock(&bm);
	qs_printf("bench sync_mutex_handover %lu insns\n", median(b, BATCHES));
	bstop = 1;
	qs_sem_post(&bsem);
	return 0;
}

int main(long arg)
{
	int mode = (int)(arg & 0xff);
	ncpus = (int)((arg >> 8) & 0xff);
	if (ncpus < 1)
		ncpus = 1;
	long param = arg >> 16;
	long status = 99;
	switch (mode) {
	case 0:
		status = conformance();
		break;
	case 1:
	case 2:
	case 3:
	case 4:
		status = inversion(mode);
		break;
	case 5:
		status = stress((int)(param & 0xff), (int)(param >> 8));
		break;
	case 6:
		status = bench();
		break;
	case 7:
	case 8:
		status = boost_through_mutex(mode);
		break;
	case 9:
		status = kills((int)param);
		break;
	}
	/* The process's status is its last thread's: end them all with ours. */
	ThreadDestroy(-1, -1, (void *)status);
	return (int)status;
}
