/*
 * waits: every kernel blocking state against TimerTimeout and signals (user/bin/uwaits.c,
 * which prints a check line for each). The RTC's interrupt is its STATE_INTR source:
 * nothing programs the alarm, so nothing fires. Runs on cpu 1 where there is one.
 */
#include <skimmer/thread2.h>
#include <skimmer/proc.h>
#include <skimmer/selftest.h>
#include <skimmer/fdt.h>

extern struct fdt_info bootinfo;

bool waits_run(void)
{
	struct lwkt_msg x;
	struct proc *p;
	if (!bootinfo.rtc_irq) {
		kprintf("waits: no RTC interrupt in the device tree, FAIL\n");
		return false;
	}
	int e = selftest_spawn("uwaits", ncpus > 1 ? 1 : 0, (long)bootinfo.rtc_irq, &x, &p);
	if (e) {
		kprintf("waits: cannot start uwaits (error %d), FAIL\n", e);
		return false;
	}
	lwkt_waitmsg(&x);
	bool ok = p->p_how == PEXIT_NORMAL && p->p_status == 0;
	kprintf("waits: uwaits ended %s %ld, %s\n", p->p_how == PEXIT_NORMAL ? "with status" :
		"by fault/signal", p->p_status, ok ? "PASS" : "FAIL");
	proc_free(p);
	return ok;
}
