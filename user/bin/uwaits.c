/*
 * uwaits: every kernel blocking state against the two things that must be able to end
 * it early, a TimerTimeout and a signal (qnx-api.md; kernel/skimmer/include/skimmer/wait.h).
 * For each of MUTEX, CONDVAR, SEM, JOIN, INTR, SIGSUSPEND, SIGWAITINFO, NANOSLEEP and
 * RECEIVE the main thread blocks twice:
 *  - with TimerTimeout(CLOCK_MONOTONIC, _NTO_TIMEOUT_<state>, NULL, 5 ms): the call must
 *    fail ETIMEDOUT no sooner than 5 ms after it began;
 *  - with a SIGUSR1 handler installed and a "pester" thread of lower priority on the
 *    same hart, which can only run once main has blocked, sending main SIGUSR1: the call
 *    must fail EINTR (a condvar wait may also return 0, a spurious wakeup POSIX allows)
 *    and the handler must have run once. A 2 s TimerTimeout guards each of these, so a
 *    missed signal fails the check instead of hanging the boot.
 * A condvar wait must hold the mutex again however it ends. main's argument is the
 * RTC's interrupt number (for STATE_INTR: nothing programs the alarm, so no interrupt
 * comes). Last, a process timer's SIGALRM ends a SignalSuspend. Exit status: the number of failed checks. Started by test=waits
 * (kernel/skimmer/stress/waits.c).
 */
#include <sys/neutrino.h>
#include "qsys.h"
#include "qsync.h"
#include "qsig.h"
#include "qthread.h"
#include "qtime.h"

#define TMO_NS    5000000ULL		/* the timeout under test: 5 ms */
#define GUARD_NS  2000000000ULL		/* the signal runs' guard: 2 s */
#define MAIN_PRI  20
#define LOW_PRI   10

enum wait_kind { W_MUTEX, W_CONDVAR, W_SEM, W_JOIN, W_INTR, W_SIGSUSPEND, W_SIGWAITINFO,
		 W_NANOSLEEP, W_RECEIVE, W_COUNT };

static const struct {
	const char *name;
	int flag;
} kinds[W_COUNT] = {
	[W_MUTEX] = { "mutex", _NTO_TIMEOUT_MUTEX },
	[W_CONDVAR] = { "condvar", _NTO_TIMEOUT_CONDVAR },
	[W_SEM] = { "sem", _NTO_TIMEOUT_SEM },
	[W_JOIN] = { "join", _NTO_TIMEOUT_JOIN },
	[W_INTR] = { "intr", _NTO_TIMEOUT_INTR },
	[W_SIGSUSPEND] = { "sigsuspend", _NTO_TIMEOUT_SIGSUSPEND },
	[W_SIGWAITINFO] = { "sigwaitinfo", _NTO_TIMEOUT_SIGWAITINFO },
	[W_NANOSLEEP] = { "nanosleep", _NTO_TIMEOUT_NANOSLEEP },
	[W_RECEIVE] = { "receive", _NTO_TIMEOUT_RECEIVE },
};

static sync_t held;		/* the holder thread keeps it locked: W_MUTEX waits for it */
static sync_t cv, cvm;		/* W_CONDVAR: nobody signals cv */
static sync_t zero;		/* a semaphore that stays at 0: W_SEM */
static sync_t holding, release;	/* holder and sleeper hand-shakes */
static int sleeper_tid;		/* W_JOIN joins it; it waits on `release` */
static int chid;		/* W_RECEIVE: a channel nobody sends to */
static int main_tid;
static volatile int hits;	/* SIGUSR1 handler runs */
static volatile int hit_signo;

/* "waits-<what>-<check>" in buf (64 bytes). */
static const char *check_name(char *buf, const char *what, const char *check)
{
	const char *parts[] = { "waits-", what, "-", check };
	int n = 0;
	for (unsigned i = 0; i < sizeof parts / sizeof parts[0]; i++)
		for (const char *c = parts[i]; *c && n < 63; c++)
			buf[n++] = *c;
	buf[n] = 0;
	return buf;
}

static void on_usr1(int signo, siginfo_t *info, void *ctx)
{
	hit_signo = signo;
	hits++;
}

static volatile int alarms;
static void on_alrm(int signo, siginfo_t *info, void *ctx)
{
	alarms += signo == SIGALRM;
}

/* A process timer made with no event sends SIGALRM (POSIX): one armed 3 ms ahead ends
 * a SignalSuspend that lets only SIGALRM through, through its handler. */
static int timer_signal(void)
{
	int fails = 0;
	fails += !CHECK_EQ("waits-alarm-handler", qs_sigaction(SIGALRM, on_alrm, 0, 0), 0);
	int t = TimerCreate_r(CLOCK_MONOTONIC, NULL);
	fails += !qs_check("waits-alarm-timer-create", t > 0, t, 1);
	/* Blocked until SignalSuspend lets it through, so an early expiry waits for it. */
	sigset_t alrm = qs_sigset1(SIGALRM), old, set;
	fails += !CHECK_EQ("waits-alarm-block", qs_sigmask(SIG_BLOCK, &alrm, &old), 0);
	struct _itimer it = { 3000000, 0 };
	fails += !CHECK_EQ("waits-alarm-timer-set", TimerSettime_r(t, 0, &it, NULL), 0);
	qs_sigfillset(&set);
	set.__bits[(SIGALRM - 1) / 32] &= ~(1u << ((SIGALRM - 1) % 32));
	uint64_t guard = GUARD_NS;
	TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_SIGSUSPEND, NULL, &guard, NULL);
	fails += !CHECK_EQ("waits-alarm-ends-sigsuspend", SignalSuspend_r(&set), -EINTR);
	fails += !CHECK_EQ("waits-alarm-handler-ran", alarms, 1);
	qs_sigmask(SIG_SETMASK, &old, NULL);
	fails += !CHECK_EQ("waits-alarm-timer-destroy", TimerDestroy_r(t), 0);
	return fails;
}

static void *holder(void *arg)
{
	qs_mutex_lock(&held);
	qs_sem_post(&holding);
	qs_sem_wait(&release);		/* until main is done */
	qs_mutex_unlock(&held);
	return NULL;
}

static void *sleeper(void *arg)
{
	qs_sem_wait(&release);
	return (void *)7;
}

/* Sends main SIGUSR1. At a lower priority than main on main's hart, it runs only once
 * main has blocked. */
static void *pester(void *arg)
{
	SignalKill_r(0, 0, main_tid, SIGUSR1, SI_USER, 0);
	return NULL;
}

/* Block once in kind k; returns the kernel call's result (a negative errno on failure). */
static long block_once(enum wait_kind k, int *fails, const char *run)
{
	char name[64];
	uint64_t forever = 3600ULL * 1000000000ULL;
	sigset_t set;
	siginfo_t si;
	char buf[16];
	long r;
	switch (k) {
	case W_MUTEX:
		r = SyncMutexLock_r(&held);
		if (r == 0)		/* it must not have been free: undo */
			SyncMutexUnlock_r(&held);
		return r;
	case W_CONDVAR:
		qs_mutex_lock(&cvm);
		r = SyncCondvarWait_r(&cv, &cvm);
		*fails += !CHECK_EQ(check_name(name, run, "condvar-mutex-held-again"),
				    cvm.__owner & _NTO_SYNC_OWNER_MASK, (unsigned)qs_self());
		qs_mutex_unlock(&cvm);
		return r;
	case W_SEM:
		return SyncSemWait_r(&zero, 0);
	case W_JOIN:
		return ThreadJoin_r(sleeper_tid, NULL);
	case W_INTR:
		return InterruptWait_r(0, NULL);
	case W_SIGSUSPEND:
		qs_sigfillset(&set);
		set.__bits[(SIGUSR1 - 1) / 32] &= ~(1u << ((SIGUSR1 - 1) % 32));	/* only it */
		return SignalSuspend_r(&set);
	case W_SIGWAITINFO:
		set = qs_sigset1(SIGUSR2);	/* SIGUSR1 is not waited for: it interrupts */
		return SignalWaitinfo_r(&set, &si);
	case W_NANOSLEEP:
		return ClockNanosleep_r(CLOCK_MONOTONIC, 0, &forever, NULL);
	case W_RECEIVE:
		return MsgReceive_r(chid, buf, sizeof buf, NULL);
	default:
		return -EINVAL;
	}
}

static int timeout_run(enum wait_kind k)
{
	int fails = 0;
	char name[64];
	uint64_t ns = TMO_NS;
	uint64_t t0 = qs_now_ns();
	long r = TimerTimeout_r(CLOCK_MONOTONIC, kinds[k].flag, NULL, &ns, NULL);
	if (r == 0)
		r = block_once(k, &fails, "timeout");
	uint64_t took = qs_now_ns() - t0;
	fails += !CHECK_EQ(check_name(name, kinds[k].name, "timeout-etimedout"), r, -ETIMEDOUT);
	fails += !qs_check(check_name(name, kinds[k].name, "timeout-not-early"), took >= TMO_NS,
			   (long)took, (long)TMO_NS);
	return fails;
}

static int signal_run(enum wait_kind k)
{
	int fails = 0;
	char name[64];
	uint64_t ns = GUARD_NS;
	int before = hits;
	hit_signo = 0;
	int ptid = qt_create(pester, NULL, LOW_PRI, SCHED_NOCHANGE, 0);
	long r = TimerTimeout_r(CLOCK_MONOTONIC, kinds[k].flag, NULL, &ns, NULL);
	if (r == 0)
		r = block_once(k, &fails, "signal");
	if (k == W_CONDVAR && r == 0)
		r = -EINTR;		/* a spurious wakeup is a condvar's right */
	fails += !CHECK_EQ(check_name(name, kinds[k].name, "signal-eintr"), r, -EINTR);
	fails += !CHECK_EQ(check_name(name, kinds[k].name, "signal-handler-ran"), hits - before, 1);
	fails += !CHECK_EQ(check_name(name, kinds[k].name, "signal-handler-signo"), hit_signo,
			   SIGUSR1);
	if (ptid > 0)
		ThreadJoin_r(ptid, NULL);
	return fails;
}

int main(long arg)
{
	int fails = 0;
	int irq = (int)arg;
	main_tid = qs_self();
	fails += !CHECK_EQ("waits-setup-prio", qt_setprio(MAIN_PRI), 0);
	fails += !CHECK_EQ("waits-setup-pin", qt_pin(qt_hart()), 0);
	fails += !CHECK_EQ("waits-setup-io", ThreadCtl_r(_NTO_TCTL_IO, 0), 0);
	int iid = InterruptAttachThread_r(irq, 0);
	fails += !qs_check("waits-setup-intr-attach", iid > 0, iid, 1);
	fails += !CHECK_EQ("waits-setup-handler", qs_sigaction(SIGUSR1, on_usr1, 0, 0), 0);
	qs_mutex_init(&held, PTHREAD_PRIO_INHERIT, 0);
	qs_mutex_init(&cvm, PTHREAD_PRIO_INHERIT, 0);
	qs_cond_init(&cv);
	qs_sem_init(&zero, 0);
	qs_sem_init(&holding, 0);
	qs_sem_init(&release, 0);
	chid = ChannelCreate_r(0);
	fails += !qs_check("waits-setup-channel", chid > 0, chid, 1);
	int htid = qt_create(holder, NULL, LOW_PRI, SCHED_NOCHANGE, 0);
	sleeper_tid = qt_create(sleeper, NULL, LOW_PRI, SCHED_NOCHANGE, 0);
	fails += !qs_check("waits-setup-threads", htid > 0 && sleeper_tid > 0, htid, 1);
	qs_sem_wait(&holding);		/* the holder has `held` now */

	for (int k = 0; k < W_COUNT; k++) {
		fails += timeout_run(k);
		fails += signal_run(k);
	}

	fails += timer_signal();
	qs_sem_post(&release);		/* the holder and the sleeper end */
	qs_sem_post(&release);
	void *st = NULL;
	fails += !CHECK_EQ("waits-sleeper-joined", ThreadJoin_r(sleeper_tid, &st), 0);
	fails += !CHECK_EQ("waits-sleeper-status", (long)st, 7);
	fails += !CHECK_EQ("waits-holder-joined", ThreadJoin_r(htid, NULL), 0);
	if (iid > 0)
		fails += !CHECK_EQ("waits-intr-detach", InterruptDetach_r(iid), 0);
	qs_printf("uwaits: %d states, %d failures\n", W_COUNT, fails);
	return fails;
}
