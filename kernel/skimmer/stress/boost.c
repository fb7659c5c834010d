/*
 * boost: priority inheritance at send time (qnx-api.md: "A higher-priority sender
 * boosts the server at send time, not at receive"). On one hart: a server at
 * priority 10 that is busy (spinning, not receiving). On another hart where there is
 * one, a client at 100 sends to it and must queue. Only then does a hog at 50 start
 * on the server's hart. The client's send must have raised the server above the hog,
 * so the client ends first. With _NTO_CHF_FIXED_PRIORITY there is no boost: the hog
 * runs to its end before the server gets the hart back, so the hog ends first (which
 * also shows the check can fail). The order of events is set by the harness, not by
 * timing; a round in which the server got to receive before the client had queued
 * (a host that starved the client's hart) proves nothing and is run again.
 */
#include <skimmer/thread2.h>
#include <skimmer/proc.h>
#include <skimmer/channel.h>
#include <skimmer/selftest.h>
#include <sys/neutrino.h>

enum outcome { CLIENT_FIRST, HOG_FIRST, UNDECIDED };

static bool done(struct lwkt_msg *m)
{
	return __atomic_load_n(&m->ms_flags, __ATOMIC_ACQUIRE) & MSGF_DONE;
}

/* One round. *ok: every program started and ended normally. */
static enum outcome round(unsigned chflags, bool *ok)
{
	struct lwkt_msg xs, xh, xc;
	struct proc *ps = NULL, *ph = NULL, *pc = NULL;
	int here = 1 % ncpus, there = 2 % ncpus;
	long sarg = chflags ? 2 | ((long)chflags << 8) : 1;
	enum outcome out = UNDECIDED;
	int chid = selftest_spawn_server_pri("uprio", here, 10, sarg, &xs, &ps);
	*ok = chid > 0 &&
	      selftest_spawn_pri("uprio", there, 100, ((long)ps->p_pid << 32) | chid, &xc, &pc) == 0;
	/* Wait (a tick at a time, up to 5 s) for the client to queue, or to be done. */
	bool queued = false;
	for (int i = 0; *ok && i < 500 && !queued && !done(&xc); i++) {
		queued = msg_sendq_len(ps, chid) > 0;
		if (!queued)
			lwkt_sleep(1);
	}
	if (queued) {
		*ok = selftest_spawn_pri("uprio", here, 50, 3, &xh, &ph) == 0;
		for (int i = 0; *ok && i < 3000 && out == UNDECIDED; i++) {
			bool c = done(&xc), h = done(&xh);
			if (c != h)
				out = c ? CLIENT_FIRST : HOG_FIRST;
			else if (!c)
				lwkt_sleep(1);
			else
				break;	/* both in one tick: the gap is hundreds of ticks either way */
		}
	}
	struct lwkt_msg *x[3] = { &xc, &xh, &xs };
	struct proc *all[3] = { pc, ph, ps };
	for (int i = 0; i < 3; i++)
		if (all[i]) {
			lwkt_waitmsg(x[i]);
			*ok = *ok && all[i]->p_how == PEXIT_NORMAL && all[i]->p_status == 0;
			proc_free(all[i]);
		}
	return out;
}

/* Rounds until one decides (at most 5). */
static enum outcome decide(unsigned chflags, bool *ok)
{
	enum outcome out = UNDECIDED;
	for (int i = 0; i < 5 && out == UNDECIDED; i++) {
		bool ok1;
		out = round(chflags, &ok1);
		*ok = *ok && ok1;
	}
	return out;
}

bool boost_run(void)
{
	bool ok = true;
	enum outcome boosted = decide(0, &ok), fixed = decide(_NTO_CHF_FIXED_PRIORITY, &ok);
	static const char *const said[] = { "before", "after", "undecided after 5 rounds" };
	bool pass = selftest_check("boost-programs-end-normally", ok, NULL);
	pass &= selftest_check("send-boosts-busy-server-above-medium-load", boosted == CLIENT_FIRST,
			       "(the client ended %s the hog)", said[boosted]);
	pass &= selftest_check("fixed-priority-channel-no-boost", fixed == HOG_FIRST,
			       "(the client ended %s the hog)", said[fixed]);
	kprintf("boost: %s\n", pass ? "PASS" : "FAIL");
	return pass;
}
