/*
 * threads: user threads and scheduling (kern/uthread.c, kern/sched.c), checked with
 * usched (user/bin/usched.c): its conformance run (join, detach, TLS, SchedGet/SchedSet/
 * SchedYield, FIFO vs RR on one hart, runmask moves with FP and messages, zombies left
 * for the process's end), once on the harness's neighbour hart and once on the last
 * hart, then a process that ends with ThreadDestroy(-1) while one thread joins, one
 * hops between harts and zombies wait. The no-leaks check after the test covers the
 * zombies' records and the threads that moved.
 */
#include <skimmer/thread2.h>
#include <skimmer/proc.h>
#include <skimmer/selftest.h>

/* Run usched mode `mode` on cpu; true if it ended normally with `status`. */
static bool run_usched(long mode, int cpu, long status, const char *check)
{
	struct lwkt_msg x;
	struct proc *p;
	int err = selftest_spawn("usched", cpu, mode, &x, &p);
	if (err)
		return selftest_check(check, false, "(spawn failed: error %d)", err);
	lwkt_waitmsg(&x);
	bool ok = p->p_how == PEXIT_NORMAL && p->p_status == status;
	selftest_check(check, ok, "(pid %u on cpu %d ended how %d status %ld)", p->p_pid, cpu,
		       p->p_how, p->p_status);
	proc_free(p);
	return ok;
}

bool threads_run(void)
{
	int pass = 0, total = 0;
	total++;
	pass += run_usched(0, 1 % ncpus, 0, "threads-usched-conformance");
	total++;
	pass += run_usched(0, ncpus - 1, 0, "threads-usched-conformance-last-hart");
	total++;
	pass += run_usched(1, 1 % ncpus, 9, "threads-destroy-all-while-joining-and-moving");
	kprintf("threads: %d/%d runs ended as expected, %s\n", pass, total,
		pass == total ? "PASS" : "FAIL");
	return pass == total;
}
