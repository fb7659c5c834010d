/*
 * bench: instruction counts of the core paths. Run under qemu -icount shift=0
 * (make bench), where rdcycle counts guest instructions exactly, so figures are
 * the same every run. Each figure is the median of 5 batches of 1000.
 */
#include <skimmer/thread2.h>
#include <skimmer/selftest.h>
#include <skimmer/proc.h>

#define BATCHES 5
#define PER_BATCH 1000

static uint64_t median(uint64_t *v, int n)
{
	for (int i = 1; i < n; i++)	/* insertion sort: n is tiny */
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

static void bench_server(void *arg)
{
	for (;;) {
		struct lwkt_msg *m = lwkt_waitport(&curthread()->td_msgport);
		uint32_t cmd = m->ms_cmd;
		lwkt_replymsg(m, 0);
		if (cmd == 1)
			return;
	}
}

struct bench_job {
	struct thread *bj_server;
	struct lwkt_port *bj_report;	/* the harness's port */
	uint64_t bj_result;
};

/* Client side of a round-trip figure; runs on cpu 0 at the server's priority. */
static void bench_client(void *arg)
{
	struct bench_job *j = arg;
	struct lwkt_msg m;
	uint64_t batch[BATCHES];
	for (int w = 0; w < 100; w++) {	/* warm up */
		lwkt_initmsg(&m, NULL, 0);
		lwkt_domsg(&j->bj_server->td_msgport, &m);
	}
	for (int b = 0; b < BATCHES; b++) {
		uint64_t t0 = cpu_cycles();
		for (int i = 0; i < PER_BATCH; i++) {
			lwkt_initmsg(&m, NULL, 0);
			lwkt_domsg(&j->bj_server->td_msgport, &m);
		}
		batch[b] = (cpu_cycles() - t0) / PER_BATCH;
	}
	lwkt_initmsg(&m, NULL, 1);
	lwkt_domsg(&j->bj_server->td_msgport, &m);
	j->bj_result = median(batch, BATCHES);
	selftest_report(j->bj_report, j);
}

static uint64_t run_roundtrip(int server_cpu)
{
	struct bench_job j;
	j.bj_server = lwkt_create(bench_server, NULL, 100, server_cpu, "bench-srv");
	j.bj_report = &curthread()->td_msgport;
	lwkt_create(bench_client, &j, 100, 0, "bench-cli");
	selftest_collect();
	return j.bj_result;
}

struct yield_job {
	uint64_t yj_result;
	struct lwkt_port *yj_report;
};

static void yielder(void *arg)
{
	for (int i = 0; i < BATCHES * PER_BATCH + 100; i++)
		lwkt_yield();
}

/* Two threads at one level yielding to each other: cost of one lwkt_yield + switch. */
static void yield_timer(void *arg)
{
	struct yield_job *j = arg;
	uint64_t batch[BATCHES];
	for (int w = 0; w < 100; w++)
		lwkt_yield();
	for (int b = 0; b < BATCHES; b++) {
		uint64_t t0 = cpu_cycles();
		for (int i = 0; i < PER_BATCH; i++)
			lwkt_yield();
		/* each iteration is two switches: to the partner and back */
		batch[b] = (cpu_cycles() - t0) / (2 * PER_BATCH);
	}
	j->yj_result = median(batch, BATCHES);
	selftest_report(j->yj_report, j);
}

static uint64_t run_switch(void)
{
	struct yield_job j;
	j.yj_report = &curthread()->td_msgport;
	crit_enter();	/* start both before either runs */
	lwkt_create(yield_timer, &j, 100, 0, "yield-a");
	lwkt_create(yielder, &j, 100, 0, "yield-b");
	crit_exit();
	selftest_collect();
	return j.yj_result;
}

/* Cost of one trace record: the hot paths above make several per round trip. */
static uint64_t run_trace(void)
{
	uint64_t batch[BATCHES];
	for (int b = 0; b < BATCHES; b++) {
		uint64_t t0 = cpu_cycles();
		for (int i = 0; i < PER_BATCH; i++)
			trace(TR_TEST, (uint64_t)i, 0);
		batch[b] = (cpu_cycles() - t0) / PER_BATCH;
	}
	return median(batch, BATCHES);
}

/* Run ubench: server_cpu < 0 means no server (null call only); otherwise start ubsrv
 * on server_cpu and measure messages to it from cpu 0 (fp: the FPU hand-over figure
 * instead, server_cpu 0). Returns figures printed. */
static int run_user_bench(int server_cpu, int remote, int fp)
{
	struct lwkt_msg xs, xc;
	struct proc *ps = NULL, *pc;
	long arg = 0;
	int figures = 0;
	if (server_cpu >= 0) {
		int chid = selftest_spawn_server("ubsrv", server_cpu, fp, &xs, &ps);
		if (chid <= 0)
			goto out;
		arg = ((long)remote << 62) | ((long)fp << 61) | ((long)ps->p_pid << 32) | chid;
	}
	if (selftest_spawn("ubench", 0, arg, &xc, &pc) == 0) {
		lwkt_waitmsg(&xc);
		figures = pc->p_how == PEXIT_NORMAL ? (int)pc->p_status : 0;
		proc_free(pc);
	}
out:
	if (ps) {
		lwkt_waitmsg(&xs);
		proc_free(ps);
	}
	return figures;
}

/* usync's figures (mode 6, on cpu 0): uncontended mutex lock/unlock and its kernel
 * entries (0), semaphore post/wait, a wake and a mutex hand-over between two threads of
 * one hart. Returns figures printed. */
static int run_sync_bench(void)
{
	struct lwkt_msg x;
	struct proc *p;
	if (selftest_spawn("usync", 0, 6 | ((long)ncpus << 8), &x, &p))
		return 0;
	lwkt_waitmsg(&x);
	int n = p->p_how == PEXIT_NORMAL && p->p_status == 0 ? 5 : 0;
	proc_free(p);
	return n;
}

/* A program's benchmark mode `arg`, on cpu 0: it prints its own rows and ends with
 * their number as its status (usched: thread create + join, SchedYield; usignal: a
 * handled signal to oneself, with and without dirty FP registers, a mask change).
 * Returns the figures printed. */
static int run_prog_bench(const char *name, long arg)
{
	struct lwkt_msg x;
	struct proc *p;
	int figures = 0;
	if (selftest_spawn(name, 0, arg, &x, &p) == 0) {
		lwkt_waitmsg(&x);
		figures = p->p_how == PEXIT_NORMAL ? (int)p->p_status : 0;
		proc_free(p);
	}
	return figures;
}

bool bench_run(void)
{
	int n = 0;
	kprintf("bench lwkt_domsg_local %lu insns\n", (unsigned long)run_roundtrip(0));
	n++;
	if (ncpus > 1) {
		kprintf("bench lwkt_domsg_remote %lu insns\n", (unsigned long)run_roundtrip(1));
		n++;
	}
	kprintf("bench lwkt_switch %lu insns\n", (unsigned long)run_switch());
	n++;
	kprintf("bench trace_record %lu insns\n", (unsigned long)run_trace());
	n++;
	/* User-mode figures come from ubench in the boot image, which prints its own. */
	n += run_user_bench(-1, 0, 0);			/* the null kernel call */
	n += run_user_bench(0, 0, 0);			/* messages, both on cpu 0 */
	if (ncpus > 1)
		n += run_user_bench(1, 1, 0);		/* messages across harts */
	n += run_user_bench(0, 0, 1);			/* one FPU hand-over */
	n += intr_bench_run();				/* device interrupt to user thread */
	n += run_sync_bench();
	n += run_prog_bench("usched", 2);		/* threads and yields */
	n += run_prog_bench("usignal", 9);		/* signals */
	n += run_prog_bench("utbench", ncpus);		/* clocks, timers, timeouts */
	kprintf("bench: %d figures, PASS\n", n);
	return true;
}
