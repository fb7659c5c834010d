/* panic: stop the other harts, print registers, a backtrace and the trace rings, reset. */
#include <skimmer/globaldata.h>
#include <skimmer/kern.h>
#include <arch/frame.h>
#include <arch/sbi.h>

void arch_print_frame(const struct trapframe *tf);
void arch_backtrace(uintptr_t pc, uintptr_t fp, uintptr_t lo, uintptr_t hi);
void arch_send_ipi(struct globaldata *target);

volatile int panicking;

static void __noreturn panic_common(struct trapframe *tf, const char *fmt, va_list ap)
{
	struct globaldata *gd = mycpu();
	struct thread *td = gd ? gd->gd_curthread : NULL;
	char msg[256];

	local_irq_disable();
	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_SEQ_CST)) {
		/* Someone panicked first (or we panicked while panicking): let it finish. */
		for (;;)
			cpu_wfi();
	}
	for (int c = 0; gd && c < ncpus; c++)	/* park the others (trap_handler) */
		if (c != gd->gd_cpuid && globaldata_find(c)->gd_online)
			arch_send_ipi(globaldata_find(c));

	kvsnprintf(msg, sizeof msg, fmt, ap);
	kprintf("\nPANIC on cpu %d (hart %lu) in thread %u (%s): %s\n", gd ? gd->gd_cpuid : -1,
		gd ? gd->gd_hartid : 0UL, td ? td->td_id : 0, td ? td->td_name : "-", msg);
	uintptr_t lo = td ? (uintptr_t)td->td_kstack : 0;
	uintptr_t hi = td ? lo + td->td_kstack_size : 0;
	if (tf) {
		arch_print_frame(tf);
		arch_backtrace(tf->tf_sepc, tf->tf_x[8], lo, hi);
	} else {
		arch_backtrace(0, cpu_frame_pointer(), lo, hi);
	}
	if (gd)
		trace_dump(CONFIG_TRACE_DUMP_LAST);
	kprintf("skimmer: shutdown (failure)\n");
	sbi_shutdown(true);
}

void panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	panic_common(NULL, fmt, ap);
}

void panic_frame(struct trapframe *tf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	panic_common(tf, fmt, ap);
}
