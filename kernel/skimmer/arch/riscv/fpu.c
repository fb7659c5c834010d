/*
 * Lazy FP state for user threads.
 *
 * Design. The FPU of a hart belongs to at most one thread at a time, its owner
 * (gd_fpowner). A thread's FP registers live in one hart's FPU or in its save area,
 * never in two FPUs: a thread that moves to another hart (lwkt_setcpu_self) saves
 * them first (arch_thread_migrate). The owner is per-hart state touched only by that
 * hart, with interrupts off.
 *
 *  - sstatus.FS is part of the user trap frame: trap entry saves the user's
 *    sstatus (FS included) in the frame at the top of the thread's kernel stack,
 *    and trap_return / arch_enter_user write it back on the way to user mode. The
 *    invariant: only the owner's frame has FS on (Clean or Dirty); every other
 *    user thread's frame has FS Off, so it returns to user mode unable to touch
 *    the FPU. A new thread starts Off (arch_enter_user).
 *  - The first FP instruction of a thread without the FPU traps (illegal
 *    instruction with FS Off in its frame). fpu_trap then saves the previous
 *    owner's registers if its frame says Dirty, turns FS Off in that owner's frame
 *    (it is switched out, on this hart, with its frame at its stack top), loads the
 *    trapping thread's registers (zeros and fcsr 0 the first time), marks its
 *    frame Clean and makes it the owner; sepc is unchanged, so the instruction
 *    runs again. An illegal instruction with FS already on is really illegal and
 *    kills the process (trap.c): one grant at most, never a loop.
 *  - Dirtiness is the hardware's: the hart moves FS from Clean to Dirty on any FP
 *    register write, and trap entry records it in the frame. Registers are saved
 *    only when ownership changes and the frame says Dirty; a Clean owner's area
 *    still holds what its registers hold.
 *  - So context switches, kernel calls and interrupts do no FP work at all: a
 *    thread that never uses FP never pays, and neither does the one FP user of a
 *    hart. The cost is paid only when two threads of one hart take turns on FP.
 *  - The kernel is built without F and D and runs with whatever FS the trapped
 *    thread had; it executes no FP instruction but those in fpu.S, which turn FS
 *    on around their own work. An exiting owner just stops being the owner
 *    (arch_thread_exit): its registers are dead, and the next owner loads its own
 *    over them, so nothing leaks. Its area is freed when it is reaped.
 */
#include <skimmer/thread2.h>
#include <skimmer/kmem.h>
#include <skimmer/proc.h>
#include <arch/fpu.h>
#include <arch/frame.h>
#include <arch/csr.h>

bool fpu_trap(struct trapframe *tf)
{
	struct globaldata *gd = mycpu();
	struct thread *td = gd->gd_curthread;
	struct thread *old = gd->gd_fpowner;
	uint64_t saved = 0;

	KASSERT(!local_irq_enabled() && !(tf->tf_sstatus & SSTATUS_SPP), "fpu_trap context");
	if ((tf->tf_sstatus & SSTATUS_FS) != SSTATUS_FS_OFF)
		return false;		/* it had the FPU: the instruction is illegal itself */
	KASSERT(old != td, "td %u owns the FPU but ran with FS off", td->td_id);
	if (td->td_fpu == NULL && (td->td_fpu = kmalloc(sizeof *td->td_fpu)) == NULL) {
		kprintf("skimmer: pid %u (%s): no memory for its FP registers\n",
			td->td_proc ? td->td_proc->p_pid : 0, td->td_name);
		return false;
	}
	if (old != NULL) {
		struct trapframe *otf = user_frame(old);
		KASSERT(old->td_gd == gd && old->td_fpu != NULL, "bad FPU owner td %u", old->td_id);
		if ((otf->tf_sstatus & SSTATUS_FS) == SSTATUS_FS_DIRTY) {
			fpu_save(old->td_fpu);
			gd->gd_fpu_saves++;
			saved = 1ULL << 32;
		}
		otf->tf_sstatus &= ~SSTATUS_FS;	/* its next FP instruction traps */
	}
	fpu_load(td->td_fpu);
	gd->gd_fpowner = td;
	gd->gd_fpu_grants++;
	tf->tf_sstatus = (tf->tf_sstatus & ~SSTATUS_FS) | SSTATUS_FS_CLEAN;
	trace(TR_FPU, td->td_id, (old ? old->td_id : 0) | saved);
	return true;
}

/* lwkt_setcpu_self: td, running on this hart with interrupts off, is moving to another
 * one. If it owns this FPU, its registers go to its save area (when its frame says
 * Dirty) and its frame gets FS Off, so its first FP instruction on the new hart traps
 * and loads them there: a thread's registers are never in two FPUs. */
void arch_thread_migrate(struct thread *td)
{
	struct globaldata *gd = td->td_gd;
	KASSERT(!local_irq_enabled() && gd == mycpu(), "arch_thread_migrate context");
	if (gd->gd_fpowner != td)
		return;
	struct trapframe *tf = user_frame(td);
	if ((tf->tf_sstatus & SSTATUS_FS) == SSTATUS_FS_DIRTY) {
		fpu_save(td->td_fpu);
		gd->gd_fpu_saves++;
	}
	tf->tf_sstatus &= ~SSTATUS_FS;
	gd->gd_fpowner = NULL;
}

void arch_thread_arrived(struct thread *td)
{
	__asm__ __volatile__("sfence.vma" ::: "memory");
}

/* lwkt_exit: td is ending on its own hart, interrupts off. */
void arch_thread_exit(struct thread *td)
{
	if (td->td_gd->gd_fpowner == td)
		td->td_gd->gd_fpowner = NULL;	/* no save: nobody will read them */
}

/* lwkt_reap: td is gone for good. */
void arch_thread_free(struct thread *td)
{
	kfree(td->td_fpu);
	td->td_fpu = NULL;
}
