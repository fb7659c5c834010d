/*
 * sched: checks of the scheduler and msgport semantics that other tests only
 * exercise: strict priority, FIFO within a level, immediate and deferred
 * preemption, time slicing, cross-hart wakeup, sleep, error propagation,
 * asynchronous message order, and thread create/exit without leaks.
 * The harness thread runs at priority 150 on cpu 0.
 */
#include <skimmer/thread2.h>
#include <skimmer/kmem.h>
#include <skimmer/selftest.h>

static volatile int order[8];
static volatile int norder;
static volatile int flag;
static volatile int stop;
static volatile uint64_t spins[2];

static void record(void *arg)
{
	order[norder++] = (int)(uintptr_t)arg;
}

static void set_flag(void *arg)
{
	flag = 1;
}

static void spinner(void *arg)
{
	volatile uint64_t *ctr = arg;
	while (!stop)
		(*ctr)++;
}

/* Poll `cond` once per tick for up to `ticks`. */
static bool wait_for(volatile int *cond, int ticks)
{
	for (int i = 0; i < ticks && !*cond; i++)
		lwkt_sleep(1);
	return *cond != 0;
}

static void wait_threads(uint32_t count)
{
	for (int i = 0; i < 500 && lwkt_thread_count() != count; i++)
		lwkt_sleep(1);
}

static bool check_priority_order(void)
{
	static const int pris[3] = { 50, 70, 60 };
	norder = 0;
	crit_enter();
	for (int i = 0; i < 3; i++)
		lwkt_create(record, (void *)(uintptr_t)pris[i], pris[i], 0, "prio");
	crit_exit();
	lwkt_sleep(2);
	return selftest_check("priority-order", norder == 3 && order[0] == 70 && order[1] == 60 &&
			      order[2] == 50, "(ran %d %d %d)", order[0], order[1], order[2]);
}

static bool check_fifo_level(void)
{
	norder = 0;
	for (int i = 1; i <= 4; i++)
		lwkt_create(record, (void *)(uintptr_t)i, 50, 0, "fifo");
	lwkt_sleep(2);
	return selftest_check("fifo-within-level", norder == 4 && order[0] == 1 && order[1] == 2 &&
			      order[2] == 3 && order[3] == 4, NULL);
}

static bool check_preempt_now(void)
{
	flag = 0;
	lwkt_create(set_flag, NULL, 180, 0, "hi");
	bool now = flag;	/* the higher thread must have run inside lwkt_create */
	return selftest_check("preempt-on-wakeup", now, NULL);
}

static bool check_crit_defers(void)
{
	flag = 0;
	crit_enter();
	lwkt_create(set_flag, NULL, 180, 0, "hi");
	bool during = flag;
	crit_exit();
	bool after = flag;
	return selftest_check("critical-section-defers", !during && after,
			      "(during %d, after %d)", during, after);
}

static bool check_timeslice(int cpu)
{
	stop = 0;
	spins[0] = spins[1] = 0;
	lwkt_create(spinner, (void *)&spins[0], 50, cpu, "spin0");
	lwkt_create(spinner, (void *)&spins[1], 50, cpu, "spin1");
	lwkt_sleep(30);
	uint64_t a = spins[0], b = spins[1];
	stop = 1;
	lwkt_sleep(2);
	/* 30 ticks at 2-tick slices: each spinner got several slices. */
	bool ok = a > 0 && b > 0 && a < 8 * b && b < 8 * a;
	return selftest_check("round-robin-slices", ok, "(spins %lu and %lu)", (unsigned long)a,
			      (unsigned long)b);
}

static void sleeper_then_flag(void *arg)
{
	lwkt_sleep(3);
	flag = 1;
	stop = 1;
}

static bool check_tick_preempt(int cpu)
{
	flag = 0;
	stop = 0;
	spins[0] = 0;
	lwkt_create(spinner, (void *)&spins[0], 50, cpu, "spin");
	lwkt_create(sleeper_then_flag, NULL, 120, cpu, "sleeper");
	bool ok = wait_for(&flag, 200);
	stop = 1;
	lwkt_sleep(2);
	return selftest_check("timer-wakeup-preempts", ok, NULL);
}

static bool check_strict_starve(int cpu)
{
	stop = 0;
	flag = 0;
	spins[0] = 0;
	lwkt_create(spinner, (void *)&spins[0], 60, cpu, "spin60");
	lwkt_sleep(1);
	lwkt_create(set_flag, NULL, 50, cpu, "low50");
	lwkt_sleep(10);
	bool starved = !flag;
	stop = 1;
	bool ran = wait_for(&flag, 50);
	return selftest_check("strict-priority", starved && ran, "(starved %d, ran after %d)",
			      starved, ran);
}

struct echo_msg {
	struct lwkt_msg em_msg;
	int em_seq;
};

/* Replies to each message with error = ms_cmd, in arrival order; quits on cmd 999. */
static void echo_server(void *arg)
{
	for (;;) {
		struct lwkt_msg *m = lwkt_waitport(&curthread()->td_msgport);
		uint32_t cmd = m->ms_cmd;
		lwkt_replymsg(m, (int)cmd);
		if (cmd == 999)
			return;
	}
}

static void echo_quit(struct thread *srv)
{
	struct lwkt_msg q;
	lwkt_initmsg(&q, NULL, 999);
	lwkt_domsg(&srv->td_msgport, &q);
}

static bool check_cross_hart(void)
{
	if (ncpus < 2)
		return true;
	stop = 0;
	spins[0] = 0;
	lwkt_create(spinner, (void *)&spins[0], 50, 1, "spin");
	lwkt_sleep(1);
	struct thread *srv = lwkt_create(echo_server, NULL, 120, 1, "echo");
	struct lwkt_msg m;
	lwkt_initmsg(&m, NULL, 7);
	int err = lwkt_domsg(&srv->td_msgport, &m);
	bool ok = err == 7 && !stop;
	stop = 1;
	echo_quit(srv);
	return selftest_check("cross-hart-wakeup-preempts", ok, "(error %d)", err);
}

static bool check_domsg_error(int cpu)
{
	struct thread *srv = lwkt_create(echo_server, NULL, 100, cpu, "echo");
	struct lwkt_msg m;
	lwkt_initmsg(&m, NULL, 42);
	int err = lwkt_domsg(&srv->td_msgport, &m);
	echo_quit(srv);
	return selftest_check("domsg-returns-reply-error", err == 42, "(got %d)", err);
}

static bool check_async_order(int cpu)
{
	struct lwkt_port *me = &curthread()->td_msgport;
	struct echo_msg msgs[10];
	struct thread *srv = lwkt_create(echo_server, NULL, 100, cpu, "echo");
	bool ok = true;
	for (int i = 0; i < 10; i++) {
		lwkt_initmsg(&msgs[i].em_msg, me, (uint32_t)(100 + i));
		msgs[i].em_seq = i;
		lwkt_sendmsg(&srv->td_msgport, &msgs[i].em_msg);
	}
	/* Wait for the last one specifically, then drain the rest in order. */
	ok = ok && lwkt_waitmsg(&msgs[9].em_msg) == 109;
	for (int i = 0; i < 9; i++) {
		struct echo_msg *e = (struct echo_msg *)lwkt_waitport(me);
		ok = ok && e->em_seq == i && e->em_msg.ms_error == 100 + i;
	}
	ok = ok && lwkt_getport(me) == NULL;
	echo_quit(srv);
	return selftest_check("async-replies-in-order", ok, NULL);
}

static bool check_sleep(void)
{
	uint64_t t0 = mycpu()->gd_ticks;
	lwkt_sleep(10);
	uint64_t dt = mycpu()->gd_ticks - t0;
	return selftest_check("sleep-ticks", dt >= 10 && dt <= 12, "(slept %lu ticks)",
			      (unsigned long)dt);
}

static void churn_child(void *arg)
{
	__atomic_fetch_add((int *)arg, 1, __ATOMIC_RELAXED);
}

static bool check_thread_churn(void)
{
	static int ran;
	uint32_t threads0 = lwkt_thread_count();
	kmalloc_trim();
	size_t pages0 = page_free_count(), heap0 = kmalloc_live();
	ran = 0;
	for (int i = 0; i < 2000; i++) {
		while (lwkt_create(churn_child, &ran, 100 + i % 100, i % ncpus, "churn") == NULL)
			lwkt_sleep(1);
		if (i % 64 == 63)
			lwkt_sleep(1);	/* let them run and be reaped */
	}
	wait_threads(threads0);
	kmalloc_trim();
	bool ok = ran == 2000 && lwkt_thread_count() == threads0 &&
		  page_free_count() == pages0 && kmalloc_live() == heap0;
	return selftest_check("thread-create-exit-2000", ok, "(ran %d, threads %u/%u)", ran,
			      lwkt_thread_count(), threads0);
}

bool sched_run(void)
{
	int other = ncpus > 1 ? 1 : 0;
	int pass = 0, total = 0;
#define RUN(c) do { total++; pass += (c) ? 1 : 0; } while (0)
	RUN(check_priority_order());
	RUN(check_fifo_level());
	RUN(check_preempt_now());
	RUN(check_crit_defers());
	RUN(check_timeslice(other));
	RUN(check_tick_preempt(other));
	RUN(check_strict_starve(other));
	RUN(check_cross_hart());
	RUN(check_domsg_error(other));
	RUN(check_async_order(other));
	RUN(check_sleep());
	RUN(check_thread_churn());
#undef RUN
	kprintf("sched: %d/%d checks, %s\n", pass, total, pass == total ? "PASS" : "FAIL");
	return pass == total;
}
