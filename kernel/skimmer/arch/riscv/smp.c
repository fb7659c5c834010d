/* Hart bring-up through SBI HSM, and IPIs. */
#include <skimmer/globaldata.h>
#include <skimmer/kern.h>
#include <arch/sbi.h>
#include <arch/pmap.h>

extern void secondary_entry(void);
void secondary_main(void) __noreturn;
uintptr_t secondary_sp;		/* idle stack top for the hart being started (head.S) */
int harts_entered_late;		/* harts that came in at _start (see head.S) */

void arch_send_ipi(struct globaldata *target)
{
	sbi_send_ipi(1, target->gd_hartid);
}

/*
 * Start the hart behind gd on the given idle stack and wait until it reports
 * online (it IPIs us, see arch_hart_online). Boot hart, interrupts off, software
 * and timer interrupts enabled in sie. The wait sleeps in wfi rather than
 * spinning: under qemu -icount a spinning hart is never descheduled, so the
 * hart being started would never run. An SBI timer bounds the wait.
 * Returns 0, an SBI error (< 0), or 1 when the hart did not report within timeout.
 */
long arch_start_hart(struct globaldata *gd, void *stack_top, uint64_t timeout)
{
	secondary_sp = (uintptr_t)stack_top;
	cpu_mb();
	long err = sbi_hart_start(gd->gd_hartid, (uintptr_t)secondary_entry, (uintptr_t)gd);
	if (err)
		return err;
	uint64_t deadline = cpu_time() + timeout;
	sbi_set_timer(deadline);
	for (;;) {
		csr_clear(sip, SIP_SSIP);
		if (__atomic_load_n(&gd->gd_online, __ATOMIC_ACQUIRE))
			return 0;
		if (cpu_time() >= deadline)
			return 1;
		cpu_wfi();
	}
}

/* A secondary hart is up: tell the boot hart, which may be asleep in arch_start_hart. */
void arch_hart_online(struct globaldata *gd)
{
	__atomic_store_n(&gd->gd_online, 1, __ATOMIC_RELEASE);
	arch_send_ipi(globaldata_find(0));
}

/*
 * A secondary hart that the firmware released at _start instead of at
 * secondary_entry (head.S explains the race). It is running on the stack the
 * boot hart prepared for it; find its globaldata by hart id and carry on.
 */
void __noreturn secondary_late(unsigned long hartid)
{
	for (int c = 1; c < ncpus; c++) {
		struct globaldata *gd = globaldata_find(c);
		if (gd->gd_hartid == hartid) {
			arch_set_mycpu(gd);
			__atomic_fetch_add(&harts_entered_late, 1, __ATOMIC_RELAXED);
			secondary_main();
		}
	}
	for (;;)	/* not a hart we started: stay parked */
		cpu_wfi();
}

