/*
 * The self-test harness: runs the tests named by test=NAME[,NAME...] in a kernel
 * thread, with kstress beside them unless a test needs a quiet machine (or the
 * boot says kstress=0), checks that no thread, page or heap object leaked, and
 * shuts the machine down with the verdict.
 */
#include <skimmer/thread2.h>
#include <skimmer/kmem.h>
#include <skimmer/selftest.h>
#include <arch/sbi.h>
#include <skimmer/kproc.h>

static const struct selftest selftests[] = {
#ifdef CONFIG_SELFTEST_MSGSTORM
	{ "msgstorm", msgstorm_run, false },
#endif
#ifdef CONFIG_SELFTEST_KSTRESS
	{ "kstress", kstress_run, true },
#endif
#ifdef CONFIG_SELFTEST_SCHED
	{ "sched", sched_run, true },
#endif
#ifdef CONFIG_SELFTEST_BENCH
	{ "bench", bench_run, true },
#endif
	{ "user", user_run, false },
	{ "ustorm", ustorm_run, false },
	{ "chanstorm", chanstorm_run, false },
	{ "fastpath", fastpath_run, true },
	{ "boost", boost_run, true },
	{ "sync", sync_run, true },
	{ "time", time_run, true },	/* timing: no kstress beside it */
#ifdef CONFIG_SELFTEST_FPU
	{ "fpu", fpu_run, false },
#endif
	{ "threads", threads_run, false },
	{ "signal", signal_run, false },
	{ "crash", crash_run, true },
	{ "intr", intr_run, false },
	{ "waits", waits_run, true },	/* timing: no kstress beside it */
};

bool selftest_check(const char *name, bool ok, const char *fmt, ...)
{
	char detail[160] = "";
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		kvsnprintf(detail, sizeof detail, fmt, ap);
		va_end(ap);
	}
	kprintf("check %s: %s%s%s\n", name, ok ? "PASS" : "FAIL", detail[0] ? " " : "", detail);
	return ok;
}

struct report_msg {
	struct lwkt_msg rm_msg;
	void *rm_ctx;
};

void selftest_report(struct lwkt_port *collector, void *ctx)
{
	struct report_msg m;
	lwkt_initmsg(&m.rm_msg, NULL, 0);
	m.rm_ctx = ctx;
	lwkt_domsg(collector, &m.rm_msg);
}

void *selftest_collect(void)
{
	struct report_msg *m = (struct report_msg *)lwkt_waitport(&curthread()->td_msgport);
	void *ctx = m->rm_ctx;
	lwkt_replymsg(&m->rm_msg, 0);
	return ctx;
}

static const struct selftest *selftest_find(const char *name, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(selftests); i++)
		if (strlen(selftests[i].st_name) == len &&
		    strncmp(selftests[i].st_name, name, len) == 0)
			return &selftests[i];
	return NULL;
}

static void list_valid(const char *prefix)
{
	char buf[128];
	size_t n = 0;
	for (size_t i = 0; i < ARRAY_SIZE(selftests); i++)
		n += (size_t)ksnprintf(buf + n, sizeof buf - n, " %s", selftests[i].st_name);
	kprintf("%s; valid tests:%s none\n", prefix, buf);
}

void selftest_finish(bool ok)
{
	for (int c = 0; c < ncpus; c++) {
		struct globaldata *gd = globaldata_find(c);
		kprintf("skimmer: cpu %d: %lu ticks, %lu IPIs sent, %lu received, %lu ring-full waits\n",
			c, (unsigned long)gd->gd_ticks, (unsigned long)gd->gd_ipis_sent,
			(unsigned long)gd->gd_ipis_recv, (unsigned long)gd->gd_ipiq_full);
	}
	kprintf("skimmer: shutdown (%s)\n", ok ? "ok" : "failure");
	sbi_shutdown(!ok);
}

/* Wait (up to ~2 s) for the test's threads to be gone, then compare with the baseline. */
static bool leak_check(uint32_t threads0, size_t pages0, size_t heap0)
{
	for (int i = 0; i < 200 && lwkt_thread_count() != threads0; i++)
		lwkt_sleep(1);
	uint32_t threads = lwkt_thread_count();
	kmalloc_trim();
	size_t pages = page_free_count(), heap = kmalloc_live();
	if (threads != threads0)
		lwkt_dump_threads();
	uint32_t ast = 0;	/* killed threads not yet reaped, on all harts: none now */
	for (int c = 0; c < ncpus; c++)
		ast += __atomic_load_n(&globaldata_find(c)->gd_ast, __ATOMIC_RELAXED);
	return selftest_check("no-leaks",
			      threads == threads0 && pages == pages0 && heap == heap0 && ast == 0,
			      "(threads %u/%u, free pages %lu/%lu, heap objects %lu/%lu, "
			      "kills pending %u)", threads, threads0, (unsigned long)pages,
			      (unsigned long)pages0, (unsigned long)heap, (unsigned long)heap0, ast);
}

static void harness(void *arg)
{
	const struct selftest *run[8];
	int nrun = 0;
	const char *spec = bootarg("test");

	if (spec == NULL && kproc_boot_taskman())
		return;			/* taskman (pid 1) runs the system now */
	if (spec == NULL) {
		list_valid("skimmer: no self-test chosen (boot with test=NAME)");
		kprintf("skimmer: all harts idle; leave QEMU with Ctrl-A X\n");
		return;
	}
	for (const char *p = spec; *p;) {	/* check every name before running any */
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		const struct selftest *st = selftest_find(p, len);
		if (len == 4 && strncmp(p, "none", 4) == 0) {
			/* boot only */
		} else if (st == NULL || nrun == (int)ARRAY_SIZE(run)) {
			char bad[40];
			strlcpy(bad, p, MIN(len + 1, sizeof bad));
			char msg[80];
			ksnprintf(msg, sizeof msg, "skimmer: unknown test '%s'", bad);
			list_valid(msg);
			selftest_finish(true);
		} else {
			run[nrun++] = st;
		}
		p += len + (comma ? 1 : 0);
	}

	bool beside = bootarg_num("kstress", 1) != 0;
	for (int i = 0; i < nrun; i++)
		beside = beside && !run[i]->st_quiet;
#ifndef CONFIG_SELFTEST_KSTRESS
	beside = false;
#endif
	uint32_t threads0 = lwkt_thread_count();
	kmalloc_trim();
	size_t pages0 = page_free_count(), heap0 = kmalloc_live();
	bool ok = true;

	if (beside && nrun)
		kstress_background_start();
	for (int i = 0; i < nrun; i++)
		ok = run[i]->st_run() && ok;
	if (beside && nrun)
		ok = kstress_background_stop() && ok;
	if (nrun)
		ok = leak_check(threads0, pages0, heap0) && ok;
	selftest_finish(ok);
}

void selftest_start(void)
{
	if (lwkt_create(harness, NULL, 150, 0, "selftest") == NULL)
		panic("cannot create the self-test thread");
}
