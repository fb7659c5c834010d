/*
 * crash: proves the panic path and the kernel's W^X map. A thread on another
 * hart (if there is one) does something forbidden, chosen by crash.what=:
 *   load  (default) load from an unmapped address (crash.addr=, default 8)
 *   text            store into the kernel's own text
 *   data            jump into a data page
 * The kernel must stop the other harts, print the registers, a backtrace and
 * the trace rings, and reset with a failure. This test "passes" by panicking;
 * its scenarios expect exactly that.
 */
#include <skimmer/thread2.h>
#include <skimmer/selftest.h>

static uint32_t data_code[2] = { 0x00008067, 0 };	/* "ret", in a data page */

static void crasher(void *arg)
{
	const char *what = bootarg("crash.what");
	trace(TR_TEST, 0xc0ffee, 0);
	if (what && strcmp(what, "text") == 0) {
		volatile uint32_t *text = (volatile uint32_t *)(uintptr_t)crasher;
		kprintf("crash: storing into kernel text at %p on cpu %d\n", (void *)text,
			mycpu()->gd_cpuid);
		*text = 0;
	} else if (what && strcmp(what, "data") == 0) {
		kprintf("crash: executing data at %p on cpu %d\n", (void *)data_code,
			mycpu()->gd_cpuid);
		((void (*)(void))(uintptr_t)data_code)();
	} else {
		volatile uint64_t *bad = (volatile uint64_t *)(uintptr_t)bootarg_num("crash.addr", 8);
		kprintf("crash: loading from %p on cpu %d\n", (void *)bad, mycpu()->gd_cpuid);
		(void)*bad;
	}
	kprintf("crash: the access did not fault, FAIL\n");
	selftest_report(arg, NULL);
}

bool crash_run(void)
{
	lwkt_create(crasher, &curthread()->td_msgport, 100, ncpus > 1 ? 1 : 0, "crasher");
	selftest_collect();	/* only reached if the load did not fault */
	return false;
}
