/*
 * Signal frames on RISC-V: what a handler's frame holds (struct _sighandler_info,
 * sys/neutrino.h) and how SignalReturn resumes from one.
 *
 * The frame goes below the interrupted sp, 16-byte aligned. It holds every integer
 * register and the pc as the trap frame had them (a kernel call's frame has s1..s11
 * too: trap.S saves them before the return-to-user work), and, for a thread that has
 * used FP, f0..f31 and fcsr (the lazy FP state, fpu.c: in the hart's FPU while the
 * thread owns it, else in td_fpu). The handler is entered through the process's
 * sigstub with a0 = signo, a1 = &frame->siginfo, a2 = &frame->context, a3 = the
 * handler, sp = the frame; the stub calls a3 and then SignalReturn(frame).
 */
#include <skimmer/signal.h>
#include <skimmer/thread2.h>
#include <skimmer/kmem.h>
#include <skimmer/usercopy.h>
#include <skimmer/proc.h>
#include <arch/frame.h>
#include <arch/fpu.h>
#include <arch/csr.h>

_Static_assert(sizeof(((mcontext_t *)0)->__fpregs) == sizeof(((struct fpstate *)0)->fps_f),
	       "mcontext_t holds the FP save area");

/* Copy td's FP registers into mc if it has any. Interrupts on or off. */
static void fp_to_context(struct thread *td, struct trapframe *tf, mcontext_t *mc)
{
	unsigned long s = local_irq_save();
	if (td->td_gd->gd_fpowner == td && (tf->tf_sstatus & SSTATUS_FS) == SSTATUS_FS_DIRTY) {
		fpu_save(td->td_fpu);		/* the area matches the FPU again: Clean */
		tf->tf_sstatus = (tf->tf_sstatus & ~SSTATUS_FS) | SSTATUS_FS_CLEAN;
	}
	if (td->td_fpu) {
		memcpy(mc->__fpregs, td->td_fpu->fps_f, sizeof mc->__fpregs);
		mc->__fcsr = (uint32_t)td->td_fpu->fps_fcsr;
		mc->__fpvalid = 1;
	}
	local_irq_restore(s);
}

bool arch_sig_push(struct thread *td, struct trapframe *tf, const siginfo_t *info,
		   uint64_t handler, uint64_t stub, uint64_t oldmask)
{
	struct _sighandler_info fr;
	memset(&fr, 0, sizeof fr);
	fr.siginfo = *info;
	fr.context.uc_sigmask.__bits[0] = (uint32_t)oldmask;
	fr.context.uc_sigmask.__bits[1] = (uint32_t)(oldmask >> 32);
	mcontext_t *mc = &fr.context.uc_mcontext;
	mc->__gregs[0] = tf->tf_sepc;
	for (int i = 1; i < 32; i++)
		mc->__gregs[i] = tf->tf_x[i];
	fp_to_context(td, tf, mc);
	uint64_t sp = (tf->tf_x[2] - sizeof fr) & ~15ULL;
	if (tf->tf_x[2] < sizeof fr || !user_range_ok(sp, sizeof fr) || copyout(sp, &fr, sizeof fr))
		return false;
	tf->tf_sepc = stub;
	tf->tf_x[2] = sp;
	tf->tf_x[10] = (uint64_t)info->si_signo;
	tf->tf_x[11] = sp + offsetof(struct _sighandler_info, siginfo);
	tf->tf_x[12] = sp + offsetof(struct _sighandler_info, context);
	tf->tf_x[13] = handler;
	return true;
}

bool arch_sig_restore(struct thread *td, struct trapframe *tf, const mcontext_t *mc)
{
	if (mc->__fpvalid && td->td_fpu == NULL &&
	    (td->td_fpu = kmalloc(sizeof *td->td_fpu)) == NULL)
		return false;
	tf->tf_sepc = mc->__gregs[0];
	for (int i = 1; i < 32; i++)
		tf->tf_x[i] = mc->__gregs[i];
	if (mc->__fpvalid) {
		unsigned long s = local_irq_save();
		memcpy(td->td_fpu->fps_f, mc->__fpregs, sizeof mc->__fpregs);
		td->td_fpu->fps_fcsr = mc->__fcsr & 0xff;	/* frm and fflags only */
		if (td->td_gd->gd_fpowner == td) {
			fpu_load(td->td_fpu);	/* FPU and area agree: Clean */
			tf->tf_sstatus = (tf->tf_sstatus & ~SSTATUS_FS) | SSTATUS_FS_CLEAN;
		}
		local_irq_restore(s);
	}
	return true;
}

void arch_return_to_user(struct trapframe *tf)
{
	local_irq_disable();
	lwkt_preempt_check();
	if (mycpu()->gd_ast)
		uthread_ast();
	__asm__ __volatile__("mv sp, %0\n\tj trap_return" :: "r"(tf) : "memory");
	__builtin_unreachable();
}
