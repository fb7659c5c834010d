/*
 * signal: runs usignal (user/bin/usignal.c) in each of its modes and checks how each
 * ends: the conformance run and the stress run exit 0, the others end by a signal's
 * default action (PEXIT_SIGNAL, the signal's number), SIGKILL, or a fault. Mode 8 waits
 * in SignalWaitinfo for a signal the kernel sends it from here (sig_event: the path
 * SIGEV_SIGNAL* events take). The no-leaks check after it covers queued siginfo records.
 */
#include <skimmer/thread2.h>
#include <skimmer/proc.h>
#include <skimmer/selftest.h>
#include <skimmer/signal.h>
#include <skimmer/wait.h>

struct sig_case {
	const char *what;
	long mode;
	int how;		/* expected PEXIT_* */
	long status;
};

static const struct sig_case cases[] = {
	{ "conformance", 0, PEXIT_NORMAL, 0 },
	{ "default-terminate", 1, PEXIT_SIGNAL, SIGTERM },
	{ "sigkill-uncatchable", 2, PEXIT_SIGNAL, SIGKILL },
	{ "faulting-handler-kills", 3, PEXIT_FAULT, 15 },		/* store page fault */
	{ "forged-frame-kernel-pc", 4, PEXIT_FAULT, 12 },		/* instruction page fault */
	{ "unreadable-frame-kills", 5, PEXIT_SIGNAL, SIGSEGV },
	{ "process-signal-ends-all-threads", 6, PEXIT_SIGNAL, SIGTERM },
	{ "stress-message-calls", 7, PEXIT_NORMAL, 0 },
	{ "kernel-signal-to-waitinfo", 8, PEXIT_NORMAL, 0 },
};

/* Mode 8: once usignal's main thread waits in SignalWaitinfo, send it SIGUSR2. */
static bool send_when_waiting(struct proc *p)
{
	for (int i = 0; i < 500; i++) {
		int state = STATE_DEAD;
		unsigned long s = spin_lock_irqsave(&p->p_lock);
		struct thread *td = list_first_entry(&p->p_threads, struct thread, td_plink);
		if (td)
			state = thread_state(td);
		spin_unlock_irqrestore(&p->p_lock, s);
		if (state == STATE_SIGWAITINFO)
			return sig_event(p->p_pid, NULL, SIGUSR2, -7,
					 (union sigval){ .sival_int = 1234 }) == 0;
		lwkt_sleep(1);
	}
	return false;
}

bool signal_run(void)
{
	int pass = 0, total = 0;
	long rounds = bootarg_num("signal.rounds", 3000);
	long only = bootarg_num("signal.only", -1);	/* one mode alone (stress runs) */
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct sig_case *c = &cases[i];
		if (only >= 0 && c->mode != only)
			continue;
		struct lwkt_msg exitmsg;
		struct proc *p;
		char check[64];
		ksnprintf(check, sizeof check, "signal-%s", c->what);
		long arg = c->mode == 7 ? c->mode | rounds << 8 : c->mode;
		total++;
		int err = selftest_spawn("usignal", (int)(i + 1) % ncpus, arg, &exitmsg, &p);
		if (err) {
			selftest_check(check, false, "(spawn failed: error %d)", err);
			continue;
		}
		bool sent = c->mode != 8 || send_when_waiting(p);
		lwkt_waitmsg(&exitmsg);
		bool ok = sent && p->p_how == c->how && p->p_status == c->status;
		pass += selftest_check(check, ok, "(pid %u ended how %d status %ld%s)", p->p_pid,
				       p->p_how, p->p_status, sent ? "" : ", never waited");
		proc_free(p);
	}
	kprintf("signal: %d/%d programs ended as expected, %s\n", pass, total,
		pass == total ? "PASS" : "FAIL");
	return pass == total;
}
