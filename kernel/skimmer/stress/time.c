/*
 * time: kernel timers, clocks, process timers and TimerTimeout.
 *  - In the kernel: on every hart, timers armed out of order (through ktimer_run_on from
 *    this thread) must run in deadline order, never early; timers cancelled from
 *    another hart must not run; a periodic kernel timer's deadlines stay on its grid.
 *  - utime 0 (user/bin/utime.c): conformance of every call, expiry order, a periodic
 *    timer that does not drift, TimerTimeout on each blocking state; exits 0.
 *  - utime 1 exits with timers armed and threads blocked under timeouts: afterwards no
 *    process timer and no kernel timer may be left (and the harness's leak check).
 *  - utime 2: threads on every hart racing timers against timeouts.
 *  - utime 3: random calls of the time range with hostile arguments.
 */
#include <skimmer/thread2.h>
#include <skimmer/proc.h>
#include <skimmer/selftest.h>
#include <skimmer/ktimer.h>
#include <skimmer/ptimer.h>
#include <skimmer/kmem.h>

#define KT_PER_HART 8

struct kt_case {
	struct ktimer kc_kt;
	int kc_slot;			/* its place in deadline order */
	uint64_t kc_ran_at;
};

struct kt_hart {
	struct kt_case kh_case[KT_PER_HART];
	int kh_order[KT_PER_HART];	/* slots, in the order the callbacks ran */
	int kh_n;
	int kh_early;
	struct ktimer kh_cancelled;
	int kh_cancelled_ran;
	struct ktimer kh_periodic;
	uint64_t kh_p_first, kh_p_interval;
	int kh_p_runs, kh_p_offgrid;
};

static struct kt_hart *harts;

static int hart_of(struct ktimer *kt)
{
	return kt->kt_cpu;
}

/* Callbacks: the timer's hart, work thread, interrupts off. */
static void kc_expire(struct ktimer *kt)
{
	struct kt_case *kc = container_of(kt, struct kt_case, kc_kt);
	struct kt_hart *h = &harts[hart_of(kt)];
	kc->kc_ran_at = cpu_time();
	if (kc->kc_ran_at < kt->kt_deadline)
		h->kh_early++;
	if (h->kh_n < KT_PER_HART)
		h->kh_order[h->kh_n++] = kc->kc_slot;
}

static void cancelled_expire(struct ktimer *kt)
{
	harts[hart_of(kt)].kh_cancelled_ran++;
}

static void periodic_expire(struct ktimer *kt)
{
	struct kt_hart *h = &harts[hart_of(kt)];
	/* Reloaded already: the next deadline is first + (runs + 1 + overruns) periods. */
	h->kh_p_runs++;
	uint64_t want = h->kh_p_first + (uint64_t)(h->kh_p_runs + kt->kt_overruns) * h->kh_p_interval;
	if (kt->kt_deadline != want)
		h->kh_p_offgrid++;
	if (h->kh_p_runs == 10)
		ktimer_cancel(kt);
}

struct arm_req {
	struct kt_hart *h;
	uint64_t base;
};

static void arm_on_hart(void *arg)
{
	static const int slot[KT_PER_HART] = { 5, 2, 7, 0, 3, 6, 1, 4 };
	struct arm_req *r = arg;
	struct kt_hart *h = r->h;
	int cpu = mycpu()->gd_cpuid;
	for (int k = 0; k < KT_PER_HART; k++) {
		struct kt_case *kc = &h->kh_case[k];
		ktimer_init(&kc->kc_kt, kc_expire, cpu);
		kc->kc_slot = slot[k];
		ktimer_arm(&kc->kc_kt, r->base + (uint64_t)slot[k] * 997, 0);	/* ~0.1 ms apart */
	}
	ktimer_init(&h->kh_cancelled, cancelled_expire, cpu);
	ktimer_arm(&h->kh_cancelled, r->base + 500, 0);
	ktimer_init(&h->kh_periodic, periodic_expire, cpu);
	h->kh_p_interval = 1000;
	h->kh_p_first = r->base;
	ktimer_arm(&h->kh_periodic, r->base, h->kh_p_interval);
}

static void cancel_on_hart(void *arg)
{
	struct kt_hart *h = arg;
	ktimer_cancel(&h->kh_cancelled);
}

static void cancel_all_on_hart(void *arg)
{
	struct kt_hart *h = arg;
	for (int k = 0; k < KT_PER_HART; k++)
		ktimer_cancel(&h->kh_case[k].kc_kt);
	ktimer_cancel(&h->kh_cancelled);
	ktimer_cancel(&h->kh_periodic);
}

static bool kernel_timers(void)
{
	harts = kmalloc(sizeof *harts * (size_t)ncpus);
	if (harts == NULL)
		return selftest_check("time-kernel-timers", false, "(no memory)");
	memset(harts, 0, sizeof *harts * (size_t)ncpus);
	uint64_t base = cpu_time() + ns_to_ticks(500000000);	/* time for the cancels */
	for (int c = 0; c < ncpus; c++) {
		struct arm_req r = { &harts[c], base };
		ktimer_run_on(c, arm_on_hart, &r);
	}
	for (int c = 0; c < ncpus; c++)	/* from this hart, before they are due */
		ktimer_run_on(c, cancel_on_hart, &harts[c]);
	for (int i = 0; i < 300; i++) {
		bool all = true;
		for (int c = 0; c < ncpus; c++)
			all = all && __atomic_load_n(&harts[c].kh_n, __ATOMIC_RELAXED) == KT_PER_HART &&
			      __atomic_load_n(&harts[c].kh_p_runs, __ATOMIC_RELAXED) >= 10;
		if (all)
			break;
		lwkt_sleep(1);
	}
	int misordered = 0, early = 0, cancelled = 0, missing = 0, offgrid = 0;
	for (int c = 0; c < ncpus; c++) {
		struct kt_hart *h = &harts[c];
		missing += KT_PER_HART - h->kh_n + (h->kh_p_runs < 10);
		for (int k = 0; k < h->kh_n; k++)
			misordered += h->kh_order[k] != k;
		early += h->kh_early;
		cancelled += h->kh_cancelled_ran;
		offgrid += h->kh_p_offgrid;
	}
	bool ok = selftest_check("time-kernel-timers-in-order", misordered == 0 && missing == 0,
				 "(%d harts x %d: %d out of order, %d missing)", ncpus, KT_PER_HART,
				 misordered, missing);
	ok = selftest_check("time-kernel-timers-never-early", early == 0, "(%d early)", early) && ok;
	ok = selftest_check("time-kernel-timers-remote-cancel", cancelled == 0, "(%d ran)",
			    cancelled) && ok;
	ok = selftest_check("time-kernel-periodic-on-grid", offgrid == 0, "(%d off)", offgrid) && ok;
	for (int c = 0; c < ncpus; c++)
		ktimer_run_on(c, cancel_all_on_hart, &harts[c]);
	kfree(harts);
	harts = NULL;
	return ok;
}

static bool run_utime(long mode, int cpu, const char *name)
{
	struct lwkt_msg exitmsg;
	struct proc *p;
	int err = selftest_spawn("utime", cpu, mode, &exitmsg, &p);
	if (err)
		return selftest_check(name, false, "(spawn failed: error %d)", err);
	/* Wait (up to ~60 s, a tick at a time: ticks need no kernel timer) and report what
	 * the timers look like if it hangs. */
	for (int i = 0; i < 6000 && !(__atomic_load_n(&exitmsg.ms_flags, __ATOMIC_ACQUIRE) &
				      MSGF_DONE); i++)
		lwkt_sleep(1);
	if (!(__atomic_load_n(&exitmsg.ms_flags, __ATOMIC_ACQUIRE) & MSGF_DONE)) {
		kprintf("time: utime %ld has not ended after 60 s\n", mode);
		ktimer_dump();
		lwkt_dump_threads();
		return selftest_check(name, false, "(hung)");
	}
	lwkt_waitmsg(&exitmsg);
	bool ok = p->p_how == PEXIT_NORMAL && p->p_status == 0;
	selftest_check(name, ok, "(pid %u ended how %d status %ld)", p->p_pid, p->p_how,
		       p->p_status);
	proc_free(p);
	return ok;
}

/* Nothing armed and no process timer left (after the threads have been reaped). */
static bool none_left(const char *name)
{
	for (int i = 0; i < 200 && (timer_live_count() || ktimer_pending_count()); i++)
		lwkt_sleep(1);
	int live = timer_live_count();
	uint64_t armed = ktimer_pending_count();
	return selftest_check(name, live == 0 && armed == 0, "(%d process timers, %lu armed)",
			      live, (unsigned long)armed);
}

bool time_run(void)
{
	int cpu = 1 % ncpus;
	bool ok = kernel_timers();
	ok = run_utime(0, cpu, "time-utime-conformance") && ok;
	ok = none_left("time-nothing-left-after-conformance") && ok;
	ok = run_utime(1, cpu, "time-utime-exit-armed") && ok;
	ok = none_left("time-exit-frees-timers") && ok;
	ok = run_utime(2, (cpu + 1) % ncpus, "time-utime-storm") && ok;
	ok = none_left("time-nothing-left-after-storm") && ok;
	ok = run_utime(3, cpu, "time-utime-fuzz") && ok;
	ok = none_left("time-nothing-left-after-fuzz") && ok;
	kprintf("time: %s\n", ok ? "PASS" : "FAIL");
	return ok;
}
