/*
 * boost: priority inheritance at send time (qnx-api.md: "A higher-priority sender
 * boosts the server at send time, not at receive"). On one hart: a server at
 * priority 10 that is busy (not receiving), a hog at 50 that spins for a long time,
 * and, on another hart where there is one, a client at 100 that sends to the server.
 * The client's send must raise the server above the hog, so the client ends first.
 * With _NTO_CHF_FIXED_PRIORITY there is no boost: the server runs only once the hog
 * has ended, so the hog ends first (which also shows the check can fail).
 */
#include <skimmer/thread2.h>
#include <skimmer/proc.h>
#include <skimmer/selftest.h>
#include <sys/neutrino.h>

/* One round; returns true if the client ended before the hog. *ok: all ended well. */
static bool client_first(unsigned chflags, bool *ok)
{
	struct lwkt_msg xs, xh, xc;
	struct proc *ps = NULL, *ph = NULL, *pc = NULL;
	int here = 1 % ncpus, there = 2 % ncpus;
	long sarg = chflags ? 2 | ((long)chflags << 8) : 1;
	int chid = selftest_spawn_server_pri("uprio", here, 10, sarg, &xs, &ps);
	*ok = chid > 0 && selftest_spawn_pri("uprio", here, 50, 3, &xh, &ph) == 0 &&
	      selftest_spawn_pri("uprio", there, 100, ((long)ps->p_pid << 32) | chid, &xc,
				 &pc) == 0;
	/* Exit messages are synchronous (done, not queued on our port): watch which of
	 * the client and the hog is done first, a tick at a time. The gap between them
	 * is hundreds of ticks either way; ending in the same tick counts as not first. */
	bool first = false;
	for (int i = 0; *ok && i < 3000; i++) {
		bool c = __atomic_load_n(&xc.ms_flags, __ATOMIC_ACQUIRE) & MSGF_DONE;
		bool h = __atomic_load_n(&xh.ms_flags, __ATOMIC_ACQUIRE) & MSGF_DONE;
		if (c || h) {
			first = c && !h;
			break;
		}
		lwkt_sleep(1);
	}
	if (pc)
		lwkt_waitmsg(&xc);
	if (ph)
		lwkt_waitmsg(&xh);
	if (ps)
		lwkt_waitmsg(&xs);
	struct proc *all[3] = { ps, ph, pc };
	for (int i = 0; i < 3; i++)
		if (all[i]) {
			*ok = *ok && all[i]->p_how == PEXIT_NORMAL && all[i]->p_status == 0;
			proc_free(all[i]);
		}
	return first;
}

bool boost_run(void)
{
	bool ok1, ok2;
	bool boosted = client_first(0, &ok1);
	bool fixed = client_first(_NTO_CHF_FIXED_PRIORITY, &ok2);
	bool pass = selftest_check("boost-programs-end-normally", ok1 && ok2, NULL);
	pass &= selftest_check("send-boosts-busy-server-above-medium-load", boosted,
			       "(the client ended %s the hog)", boosted ? "before" : "after");
	pass &= selftest_check("fixed-priority-channel-no-boost", !fixed,
			       "(the client ended %s the hog)", fixed ? "before" : "after");
	kprintf("boost: %s\n", pass ? "PASS" : "FAIL");
	return pass;
}
