/*
 * fastpath: the message fast path may change instruction counts, never results.
 * ufast's client runs one deterministic workload against ufast's server (messages of
 * many sizes, some across pages, reply buffers shorter and longer than the replies,
 * MsgError, _msg_info, pulses queued ahead of sends) and exits with a digest of all
 * it saw. It runs four times: server and client on one hart, then on two, each with
 * the fast path on and then off. The digests must all be equal; with both on one
 * hart and the fast path on, the fast path must actually have been taken, and never
 * when it is off.
 */
#include <skimmer/thread2.h>
#include <skimmer/proc.h>
#include <skimmer/selftest.h>
#include <skimmer/channel.h>

extern bool msg_fastpath;

static uint64_t fast_hits(void)
{
	uint64_t n = 0;
	for (int c = 0; c < ncpus; c++)
		n += __atomic_load_n(&globaldata_find(c)->gd_handoffs, __ATOMIC_RELAXED);
	return n;
}

/* One run; returns the client's digest (>= 0) or -1, and the fast-path count. */
static long run_pair(int srv_cpu, int cli_cpu, uint64_t *hits)
{
	struct lwkt_msg xs, xc;
	struct proc *ps = NULL, *pc;
	long digest = -1;
	uint64_t before = fast_hits();
	int chid = selftest_spawn_server("ufast", srv_cpu, 0, &xs, &ps);
	if (chid > 0 &&
	    selftest_spawn("ufast", cli_cpu, ((long)ps->p_pid << 32) | chid, &xc, &pc) == 0) {
		lwkt_waitmsg(&xc);
		if (pc->p_how == PEXIT_NORMAL)
			digest = pc->p_status;
		proc_free(pc);
	}
	if (ps) {
		lwkt_waitmsg(&xs);
		if (ps->p_how != PEXIT_NORMAL || ps->p_status != 0)
			digest = -1;
		proc_free(ps);
	}
	*hits = fast_hits() - before;
	return digest;
}

bool fastpath_run(void)
{
	bool boot_setting = msg_fastpath, ok = true;
	int other = ncpus > 1 ? 1 : 0;
	long ref = -1;
	for (int cross = 0; cross < 2; cross++) {
		for (int on = 1; on >= 0; on--) {
			uint64_t hits;
			msg_fastpath = on;
			long d = run_pair(0, cross ? other : 0, &hits);
			if (ref < 0)
				ref = d;
			char name[48];
			ksnprintf(name, sizeof name, "fastpath-%s-%s-same-results",
				  cross ? "two-harts" : "one-hart", on ? "on" : "off");
			ok &= selftest_check(name, d >= 0 && d == ref, "(digest %#lx, first %#lx)", d,
					     ref);
			bool taken_ok = on && !cross ? hits > 0 : hits == 0;
			if (cross && ncpus == 1)
				taken_ok = on ? hits > 0 : hits == 0;
			ksnprintf(name, sizeof name, "fastpath-%s-%s-taken-as-expected",
				  cross ? "two-harts" : "one-hart", on ? "on" : "off");
			ok &= selftest_check(name, taken_ok, "(%lu hand-offs)", (unsigned long)hits);
		}
	}
	msg_fastpath = boot_setting;
	kprintf("fastpath: %s\n", ok ? "PASS" : "FAIL");
	return ok;
}
