/*
 * fastpath: the message fast paths may change instruction counts, never results.
 * ufast's client runs one deterministic workload against ufast's server (messages of
 * many sizes, some across pages, reply buffers shorter and longer than the replies,
 * MsgError, _msg_info, pulses queued ahead of sends) and exits with a digest of all
 * it saw. It runs four times: server and client on one hart, then on two, each with
 * the fast path on and then off. The digests must all be equal, and each fast path
 * must be taken where it applies and nowhere else:
 *  - off (msg.fast=0): none is taken (msg_fast.c's three, nor the slow path's
 *    lwkt_reply_handoff hand-off);
 *  - on, one hart: the send, reply and receive fast paths each take most of the
 *    workload's calls (not all: a send right after a pulse finds the server busy with
 *    the pulse, MsgError and the server's receive of a queued message are slow-path
 *    only, and a time slice can come between any two calls);
 *  - on, two harts: partners are never on the same hart, so no send or reply goes
 *    fast, while the server still blocks in MsgReceive through its fast path.
 */
#include <skimmer/thread2.h>
#include <skimmer/proc.h>
#include <skimmer/selftest.h>
#include <skimmer/channel.h>

#define UFAST_N 3000		/* ufast.c's N: messages in the workload (plus one to quit) */

struct hits {
	uint64_t send, receive, reply, handoffs;
};

static void fast_hits(struct hits *h)
{
	*h = (struct hits){ 0 };
	for (int c = 0; c < ncpus; c++) {
		struct globaldata *gd = globaldata_find(c);
		h->send += __atomic_load_n(&gd->gd_fast_send, __ATOMIC_RELAXED);
		h->receive += __atomic_load_n(&gd->gd_fast_receive, __ATOMIC_RELAXED);
		h->reply += __atomic_load_n(&gd->gd_fast_reply, __ATOMIC_RELAXED);
		h->handoffs += __atomic_load_n(&gd->gd_handoffs, __ATOMIC_RELAXED);
	}
}

/* One run; returns the client's digest (>= 0) or -1, and the fast-path counts. */
static long run_pair(int srv_cpu, int cli_cpu, struct hits *hits)
{
	struct lwkt_msg xs, xc;
	struct proc *ps = NULL, *pc;
	long digest = -1;
	struct hits before;
	fast_hits(&before);
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
	fast_hits(hits);
	hits->send -= before.send;
	hits->receive -= before.receive;
	hits->reply -= before.reply;
	hits->handoffs -= before.handoffs;
	return digest;
}

bool fastpath_run(void)
{
	bool boot_setting = msg_fastpath, ok = true;
	int other = ncpus > 1 ? 1 : 0;
	long ref = -1;
	for (int cross = 0; cross < 2; cross++) {
		for (int on = 1; on >= 0; on--) {
			struct hits h;
			msg_fastpath = on;
			long d = run_pair(0, cross ? other : 0, &h);
			if (ref < 0)
				ref = d;
			bool apart = cross && ncpus > 1;	/* one hart: the pair shares it */
			const char *where = cross ? "two-harts" : "one-hart";
			char name[64];
			ksnprintf(name, sizeof name, "fastpath-%s-%s-same-results", where,
				  on ? "on" : "off");
			ok &= selftest_check(name, d >= 0 && d == ref, "(digest %#lx, first %#lx)", d,
					     ref);
			bool taken_ok;
			if (!on)
				taken_ok = h.send == 0 && h.receive == 0 && h.reply == 0 && h.handoffs == 0;
			else if (!apart)
				taken_ok = h.send > UFAST_N / 2 && h.reply > UFAST_N / 2 &&
					   h.receive > UFAST_N / 2 && h.send <= UFAST_N + 1 &&
					   h.reply <= UFAST_N + 1;
			else
				taken_ok = h.send == 0 && h.reply == 0 && h.receive > UFAST_N / 2;
			ksnprintf(name, sizeof name, "fastpath-%s-%s-taken-as-expected", where,
				  on ? "on" : "off");
			ok &= selftest_check(name, taken_ok,
					     "(fast sends %lu, receives %lu, replies %lu, hand-offs %lu)",
					     (unsigned long)h.send, (unsigned long)h.receive,
					     (unsigned long)h.reply, (unsigned long)h.handoffs);
		}
	}
	msg_fastpath = boot_setting;
	kprintf("fastpath: %s\n", ok ? "PASS" : "FAIL");
	return ok;
}
