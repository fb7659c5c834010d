/*
 * crash: proves the panic path. A thread on another hart (if there is one)
 * loads from an unmapped address; the kernel must stop the other harts, print
 * the registers, a backtrace and the trace rings, and reset with a failure.
 * This test "passes" by panicking; its scenario expects exactly that.
 */
#include <skimmer/thread2.h>
#include <skimmer/selftest.h>

static void crasher(void *arg)
{
	trace(TR_TEST, 0xc0ffee, 0);
	volatile uint64_t *bad = (volatile uint64_t *)(uintptr_t)bootarg_num("crash.addr", 8);
	kprintf("crash: loading from %p on cpu %d\n", (void *)bad, mycpu()->gd_cpuid);
	(void)*bad;
	kprintf("crash: the load did not fault, FAIL\n");
	selftest_report(arg, NULL);
}

bool crash_run(void)
{
	lwkt_create(crasher, &curthread()->td_msgport, 100, ncpus > 1 ? 1 : 0, "crasher");
	selftest_collect();	/* only reached if the load did not fault */
	return false;
}
