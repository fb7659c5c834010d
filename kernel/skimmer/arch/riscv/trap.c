/* Trap dispatch: interrupts (IPI, timer, devices) and kernel exceptions, and the preemption
 * point. */
#include <skimmer/thread2.h>
#include <skimmer/ipiq.h>
#include <skimmer/proc.h>
#include <arch/frame.h>
#include <arch/csr.h>
#include <arch/fpu.h>
#include <arch/plic.h>
#include <skimmer/signal.h>
#include <skimmer/timeout.h>

void timer_intr(void);	/* timer.c */
extern void trap_entry(void);

static const char *const exc_names[] = {
	[0] = "instruction misaligned", [1] = "instruction access fault",
	[2] = "illegal instruction",	[3] = "breakpoint",
	[4] = "load misaligned",	[5] = "load access fault",
	[6] = "store misaligned",	[7] = "store access fault",
	[8] = "ecall from U",		[9] = "ecall from S",
	[12] = "instruction page fault", [13] = "load page fault",
	[15] = "store page fault",
};

void trap_init_hart(void)
{
	csr_write(stvec, (uintptr_t)trap_entry);
	csr_write(sscratch, 0);
	csr_write(scounteren, 7);	/* user mode may read cycle, time and instret */
	csr_set(sie, SIE_SSIE | SIE_STIE);
	plic_init_hart();	/* sie.SEIE too, if this hart has a PLIC context */
}

static void panic_park(void)
{
	/* Another hart is panicking: stay out of its way until it resets the machine. */
	local_irq_disable();
	for (;;)
		cpu_wfi();
}

static const char *exc_name(uint64_t cause)
{
	uint64_t code = cause & 0xff;
	return code < ARRAY_SIZE(exc_names) && exc_names[code] ? exc_names[code] : "unknown exception";
}

static bool is_memory_fault(uint64_t cause)
{
	return cause == EXC_LOAD_PAGE || cause == EXC_STORE_PAGE || cause == EXC_LOAD_ACCESS ||
	       cause == EXC_STORE_ACCESS;
}

/* The end of a kernel call that left a reschedule pending, on a hart with killed
 * threads still to end, or with threads that armed a TimerTimeout (trap.S kcall_entry).
 * Interrupts off. */
void trap_kcall_resched(void)
{
	if (unlikely(mycpu()->gd_tmo_armed))
		tmo_kcall_return();	/* a TimerTimeout lasts for one kernel call */
	lwkt_preempt_check();
	if (unlikely(mycpu()->gd_ast))
		uthread_ast();
}

/* The signal a user-mode exception raises, and its si_code. */
static int fault_signal(uint64_t cause, int *code)
{
	switch (cause) {
	case EXC_ILLEGAL:
		*code = ILL_ILLOPC;
		return SIGILL;
	case EXC_BREAKPOINT:
		*code = TRAP_BRKPT;
		return SIGTRAP;
	case EXC_INST_MISALIGNED:
	case 4:				/* load misaligned */
	case 6:				/* store misaligned */
		*code = BUS_ADRALN;
		return SIGBUS;
	case EXC_INST_ACCESS:
	case EXC_LOAD_ACCESS:
	case EXC_STORE_ACCESS:
		*code = SEGV_ACCERR;
		return SIGSEGV;
	default:			/* the page faults, and anything else */
		*code = SEGV_MAPERR;
		return SIGSEGV;
	}
}

/* An exception in user mode other than a kernel call (trap.S takes those): the
 * process's handler for its signal runs (kern/signal.c), or else it ends the process. */
static void user_exception(struct trapframe *tf)
{
	struct thread *td = curthread();
	int code, sig = fault_signal(tf->tf_scause, &code);
	if (sig_fault(tf, sig, code))
		return;
	kprintf("skimmer: pid %u (%s) killed: %s at pc %#lx, address %#lx\n",
		td->td_proc ? td->td_proc->p_pid : 0, td->td_name, exc_name(tf->tf_scause),
		(unsigned long)tf->tf_sepc, (unsigned long)tf->tf_stval);
	local_irq_enable();
	proc_thread_exit(PEXIT_FAULT, (long)tf->tf_scause);
}

void trap_handler(struct trapframe *tf)
{
	struct globaldata *gd = mycpu();
	uint64_t cause = tf->tf_scause;

	if (!(cause & SCAUSE_INTR)) {
		struct thread *td = gd->gd_curthread;
		if (!(tf->tf_sstatus & SSTATUS_SPP)) {
			/* With FS Off an FP instruction is illegal: the first one takes the
			 * FPU (fpu.c) and runs again. */
			if (cause != EXC_ILLEGAL || !fpu_trap(tf))
				user_exception(tf);
			lwkt_preempt_check();
			if (unlikely(gd->gd_ast))
				uthread_ast();
			return;
		} else if (td->td_onfault && is_memory_fault(cause)) {
			tf->tf_sepc = td->td_onfault;	/* a usercopy hit a bad user page */
		} else {
			panic_frame(tf, "kernel trap: %s (scause %#lx) at sepc %#lx, stval %#lx",
				    exc_name(cause), (unsigned long)cause,
				    (unsigned long)tf->tf_sepc, (unsigned long)tf->tf_stval);
		}
		lwkt_preempt_check();
		return;
	}
	if (unlikely(panicking))
		panic_park();

	gd->gd_intr_nesting++;
	switch (cause & ~SCAUSE_INTR) {
	case IRQ_S_SOFT:
		csr_clear(sip, SIP_SSIP);
		gd->gd_ipis_recv++;
		ipiq_process();
		break;
	case IRQ_S_TIMER:
		timer_intr();
		break;
	case IRQ_S_EXT:
		plic_intr();	/* device interrupts: kern/intr.c */
		break;
	default:
		panic_frame(tf, "unexpected interrupt, scause %#lx", (unsigned long)cause);
	}
	gd->gd_intr_nesting--;

	/* The preemption point: a higher-priority thread woke, or the slice ended. */
	lwkt_preempt_check();
	/* Back to user mode: a killed thread ends here instead (kern/uthread.c). */
	if (unlikely(gd->gd_ast) && !(tf->tf_sstatus & SSTATUS_SPP))
		uthread_ast();
}

/* Leave the kernel for user mode at pc with stack sp and a0 = arg, from the top
 * of the current thread's kernel stack. The thread's address space is live. */
/* The user's global pointer (gp) in the current thread's trap frame, saved at its
 * kernel-call entry: a new thread of the process starts with it (its code may reach
 * small data gp-relative, and only the program's crt0 sets gp). */
uint64_t arch_user_gp(void)
{
	return user_frame(curthread())->tf_x[3];
}

void __noreturn arch_enter_user(uint64_t pc, uint64_t sp, uint64_t arg, uint64_t ra, uint64_t gp,
			       uint64_t tp)
{
	struct thread *td = curthread();
	struct trapframe *tf = user_frame(td);
	local_irq_disable();
	KASSERT(td->td_gd->gd_fpowner != td, "td %u owns the FPU before entering user", td->td_id);
	memset(tf, 0, sizeof *tf);
	tf->tf_sepc = pc;
	tf->tf_x[2] = sp;
	tf->tf_x[10] = arg;
	tf->tf_x[1] = ra;
	tf->tf_x[3] = gp;
	tf->tf_x[4] = tp;
	/* User mode, interrupts on after sret, FS Off: its first FP instruction traps and
	 * takes the FPU (fpu.c). */
	tf->tf_sstatus = (csr_read(sstatus) & ~(SSTATUS_SPP | SSTATUS_SIE | SSTATUS_FS |
						SSTATUS_SUM)) | SSTATUS_SPIE;
	/* A new thread's pages (its stack) may have been mapped on another hart after
	 * this one last ran the address space, and a hart may keep invalid translations
	 * (ASIDs are never flushed here): forget them before the first user access. */
	__asm__ __volatile__("sfence.vma" ::: "memory");
	__asm__ __volatile__("mv sp, %0\n\tj trap_return" :: "r"(tf) : "memory");
	__builtin_unreachable();
}

void arch_print_frame(const struct trapframe *tf)
{
	static const char *const rn[32] = {
		"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1",
		"a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
		"s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
	};
	for (int i = 1; i < 32; i++)
		kprintf("%4s %016lx%s", rn[i], (unsigned long)tf->tf_x[i], i % 4 == 3 ? "\n" : "  ");
	kprintf("\nsepc %016lx  sstatus %016lx  scause %016lx  stval %016lx\n",
		(unsigned long)tf->tf_sepc, (unsigned long)tf->tf_sstatus,
		(unsigned long)tf->tf_scause, (unsigned long)tf->tf_stval);
}

/* Walk saved frame records (s0 chain: ra at fp-8, caller's fp at fp-16) while
 * they stay inside [lo, hi). */
void arch_backtrace(uintptr_t pc, uintptr_t fp, uintptr_t lo, uintptr_t hi)
{
	kprintf("backtrace (resolve with: addr2line -e build/skimmer.elf ADDR):\n");
	if (pc)
		kprintf("  #0 %#lx\n", (unsigned long)pc);
	for (int depth = 1; depth < 32; depth++) {
		if (fp < lo + 16 || fp > hi || (fp & 7))
			break;
		uintptr_t ra = ((uintptr_t *)fp)[-1];
		uintptr_t next = ((uintptr_t *)fp)[-2];
		if (ra == 0)
			break;
		kprintf("  #%d %#lx\n", depth, (unsigned long)ra);
		if (next <= fp)
			break;
		fp = next;
	}
}
