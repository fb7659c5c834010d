/*
 * sync: mutexes, condvars and semaphores (kern/sync.c) through usync, one process per
 * part: the conformance checks (every call and errno, zero kernel entries for an
 * uncontended mutex, hand-over, owner death, a killed waiter); priority inversion with
 * a mutex and with a mutex held across a message call (REPLY-blocked on a server
 * thread), each also without inheritance (PTHREAD_PRIO_NONE, a FIXED_PRIORITY channel)
 * to show the check can fail; and a storm of sync.procs (4) processes x sync.threads (8)
 * threads x sync.rounds (500) hammering a mutex-guarded counter and a condvar queue
 * across the harts. Quiet: the inversion rounds need their hart to themselves (their
 * order is set by strict priority on one hart, not by timing). The no-leaks check after
 * it covers the kernel sync objects, which the processes' ends free.
 */
#include <skimmer/thread2.h>
#include <skimmer/proc.h>
#include <skimmer/selftest.h>

static long usync_arg(int mode, long param)
{
	return mode | ((long)ncpus << 8) | (param << 16);
}

/* Run usync(arg) on cpu and wait; *status gets its exit status. false: it did not end
 * normally. */
static bool run(long arg, int cpu, long *status)
{
	struct lwkt_msg x;
	struct proc *p;
	if (selftest_spawn("usync", cpu, arg, &x, &p))
		return false;
	lwkt_waitmsg(&x);
	bool ok = p->p_how == PEXIT_NORMAL;
	*status = p->p_status;
	proc_free(p);
	return ok;
}

static bool storm(void)
{
	int procs = (int)bootarg_num("sync.procs", 4);
	long threads = bootarg_num("sync.threads", 8), rounds = bootarg_num("sync.rounds", 500);
	struct lwkt_msg x[10];
	struct proc *p[10];
	int n = 0, good = 0;
	if (procs > 8)
		procs = 8;
	for (int i = 0; i < procs; i++)
		if (selftest_spawn("usync", (i + 1) % ncpus, usync_arg(5, threads | rounds << 8),
				   &x[n], &p[n]) == 0)
			n++;
	/* And two processes whose threads are killed while they contend. */
	int kills = 0;
	for (int i = 0; i < 2; i++)
		if (selftest_spawn("usync", (procs + i + 1) % ncpus, usync_arg(9, 200), &x[n],
				   &p[n]) == 0) {
			n++;
			kills++;
		}
	for (int i = 0; i < n; i++) {
		lwkt_waitmsg(&x[i]);
		good += p[i]->p_how == PEXIT_NORMAL && p[i]->p_status == 0;
		proc_free(p[i]);
	}
	return selftest_check("sync-storm", good == procs + 2 && kills == 2,
			      "(%d/%d processes of %ld threads x %ld rounds passed, with 2 killing "
			      "theirs)", good - kills, procs, threads, rounds);
}

bool sync_run(void)
{
	long st = -1;
	int cpu = 1 % ncpus;
	bool pass = true;
	bool ok = run(usync_arg(0, 0), cpu, &st);
	pass &= selftest_check("sync-conformance", ok && st == 0, "(status %ld)", st);
	static const struct { int mode; long want; const char *name; } inv[] = {
		{ 1, 1, "sync-inheritance-high-before-medium" },
		{ 2, 2, "sync-prio-none-medium-before-high" },
		{ 3, 1, "sync-inheritance-chain-through-reply" },
		{ 4, 2, "sync-chain-stops-at-fixed-priority-channel" },
		{ 7, 1, "sync-send-boost-through-mutex-waiter" },
		{ 8, 2, "sync-no-send-boost-fixed-priority" },
	};
	static const char *const said[] = { "?", "before", "after" };
	for (size_t i = 0; i < ARRAY_SIZE(inv); i++) {
		ok = run(usync_arg(inv[i].mode, 0), cpu, &st);
		pass &= selftest_check(inv[i].name, ok && st == inv[i].want,
				       "(the high thread or client finished %s the medium one)",
				       ok && st >= 1 && st <= 2 ? said[st] : "?");
	}
	pass &= storm();
	kprintf("sync: %s\n", pass ? "PASS" : "FAIL");
	return pass;
}
