/* Hart bring-up through SBI HSM, and IPIs. */
#include <skimmer/globaldata.h>
#include <skimmer/kern.h>
#include <arch/sbi.h>

extern void secondary_entry(void);
uintptr_t secondary_sp;		/* idle stack top for the hart being started (head.S) */

void arch_send_ipi(struct globaldata *target)
{
	sbi_send_ipi(1, target->gd_hartid);
}

/*
 * Start the hart behind gd on the given idle stack and wait until it reports
 * online. Boot hart, thread context. Returns 0, or an SBI error / -1 on timeout.
 */
long arch_start_hart(struct globaldata *gd, void *stack_top)
{
	secondary_sp = (uintptr_t)stack_top;
	cpu_mb();
	long err = sbi_hart_start(gd->gd_hartid, (uintptr_t)secondary_entry, (uintptr_t)gd);
	if (err)
		return err;
	for (uint64_t t0 = cpu_time(); !__atomic_load_n(&gd->gd_online, __ATOMIC_ACQUIRE);)
		if (cpu_time() - t0 > 100000000ULL)	/* ~10 s at the usual 10 MHz timebase */
			return -1;
	return 0;
}
