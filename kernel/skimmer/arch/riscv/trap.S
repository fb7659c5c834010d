/*
 * Trap entry and exit.
 *
 * sscratch design: while a hart runs kernel code sscratch is 0 and tp holds the
 * hart's globaldata; while it runs user code sscratch holds the globaldata and
 * tp is the user's. The entry swaps tp and sscratch:
 *  - zero: we came from the kernel; tp is recovered from sscratch and the frame
 *    goes on the current stack;
 *  - non-zero: we came from user mode; the frame goes at the top of the current
 *    thread's kernel stack (gd_kstack_top), the user's sp and tp are saved into
 *    it, and gp is reloaded (user code may use it for anything).
 * trap_return goes back to the mode the frame's sstatus.SPP names; on the way
 * to user mode it puts the globaldata back in sscratch. The sstatus it writes
 * carries the user's FP state bits (FS): the lazy FP code (fpu.c) keeps them On
 * in the FPU owner's frame only, so no FP work is needed here.
 */
#include <arch/frame.h>
#include <kcall_nums.h>

#define GD_KSTACK_TOP 8		/* offsets in struct globaldata (static-asserted there) */
#define GD_USCRATCH   16
#define GD_REQFLAGS   40
#define GD_AST        56
#define TD_NKCALLS    8		/* offset in struct thread (static-asserted there) */
#define EXC_ECALL_U   8
#define SSTATUS_SIE   2

	/* Every register but sp (x2), tp (x4), which each path saves itself, and the
	 * callee-saved s1..s11: a kernel call's C handler keeps those for us. */
	.macro SAVE_SCRATCH
	sd	x1, TF_REG(1)(sp)
	sd	x3, TF_REG(3)(sp)
	sd	x5, TF_REG(5)(sp)
	sd	x6, TF_REG(6)(sp)
	sd	x7, TF_REG(7)(sp)
	sd	x8, TF_REG(8)(sp)
	sd	x10, TF_REG(10)(sp)
	sd	x11, TF_REG(11)(sp)
	sd	x12, TF_REG(12)(sp)
	sd	x13, TF_REG(13)(sp)
	sd	x14, TF_REG(14)(sp)
	sd	x15, TF_REG(15)(sp)
	sd	x16, TF_REG(16)(sp)
	sd	x17, TF_REG(17)(sp)
	sd	x28, TF_REG(28)(sp)
	sd	x29, TF_REG(29)(sp)
	sd	x30, TF_REG(30)(sp)
	sd	x31, TF_REG(31)(sp)
	.endm

	/* s1..s11 (x9, x18..x27): saved for every trap but a kernel call. */
	.macro SAVE_CALLEE
	sd	x9, TF_REG(9)(sp)
	sd	x18, TF_REG(18)(sp)
	sd	x19, TF_REG(19)(sp)
	sd	x20, TF_REG(20)(sp)
	sd	x21, TF_REG(21)(sp)
	sd	x22, TF_REG(22)(sp)
	sd	x23, TF_REG(23)(sp)
	sd	x24, TF_REG(24)(sp)
	sd	x25, TF_REG(25)(sp)
	sd	x26, TF_REG(26)(sp)
	sd	x27, TF_REG(27)(sp)
	.endm

	/* Every register but sp and tp. */
	.macro SAVE_REGS
	SAVE_SCRATCH
	SAVE_CALLEE
	.endm

	/* The registers SAVE_SCRATCH saved (kernel calls restore only these). */
	.macro RESTORE_SCRATCH
	ld	x1, TF_REG(1)(sp)
	ld	x3, TF_REG(3)(sp)
	ld	x5, TF_REG(5)(sp)
	ld	x6, TF_REG(6)(sp)
	ld	x7, TF_REG(7)(sp)
	ld	x8, TF_REG(8)(sp)
	ld	x10, TF_REG(10)(sp)
	ld	x11, TF_REG(11)(sp)
	ld	x12, TF_REG(12)(sp)
	ld	x13, TF_REG(13)(sp)
	ld	x14, TF_REG(14)(sp)
	ld	x15, TF_REG(15)(sp)
	ld	x16, TF_REG(16)(sp)
	ld	x17, TF_REG(17)(sp)
	ld	x28, TF_REG(28)(sp)
	ld	x29, TF_REG(29)(sp)
	ld	x30, TF_REG(30)(sp)
	ld	x31, TF_REG(31)(sp)
	.endm

	.section .text
	.balign 4
	.globl trap_entry
trap_entry:
	csrrw	tp, sscratch, tp
	bnez	tp, trap_from_user
	csrrw	tp, sscratch, zero		/* tp = globaldata, sscratch = 0 */
	addi	sp, sp, -TF_SIZE
	SAVE_REGS
	sd	tp, TF_REG(4)(sp)
	addi	t0, sp, TF_SIZE
	sd	t0, TF_REG(2)(sp)		/* the interrupted sp */
	j	trap_common

trap_from_user:
	/* tp = globaldata, sscratch = the user's tp */
	sd	sp, GD_USCRATCH(tp)
	ld	sp, GD_KSTACK_TOP(tp)
	addi	sp, sp, -TF_SIZE
	SAVE_SCRATCH
	ld	t0, GD_USCRATCH(tp)
	sd	t0, TF_REG(2)(sp)		/* the user's sp */
	csrrw	t0, sscratch, zero		/* sscratch = 0: we are in the kernel now */
	sd	t0, TF_REG(4)(sp)		/* the user's tp */
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	csrr	t2, scause
	li	t3, EXC_ECALL_U
	beq	t2, t3, kcall_entry
	SAVE_CALLEE				/* anything else may want the whole frame */

trap_common:
	csrr	t0, sepc
	csrr	t1, sstatus
	csrr	t2, scause
	csrr	t3, stval
	sd	t0, TF_SEPC(sp)
	sd	t1, TF_SSTATUS(sp)
	sd	t2, TF_SCAUSE(sp)
	sd	t3, TF_STVAL(sp)
	/* A frame record so backtraces walk from the handler into the interrupted
	 * code (s0 = 0 from user mode ends the walk there). */
	andi	t1, t1, 0x100			/* SPP */
	mv	s0, sp
	bnez	t1, 1f
	mv	s0, zero
1:	mv	a0, sp
	call	trap_handler

	.globl trap_return
trap_return:
	/* SIE must be clear before sstatus is restored: an interrupt between the
	 * restore and sret would otherwise overwrite sepc/sstatus (QRV lesson). */
	csrci	sstatus, 2
	ld	t0, TF_SEPC(sp)
	ld	t1, TF_SSTATUS(sp)
	csrw	sepc, t0
	csrw	sstatus, t1
	andi	t1, t1, 0x100			/* SPP: back to the kernel? */
	bnez	t1, 2f
	csrw	sscratch, tp			/* to user mode: sscratch = globaldata */
2:
	ld	x1, TF_REG(1)(sp)
	ld	x3, TF_REG(3)(sp)
	ld	x4, TF_REG(4)(sp)
	ld	x5, TF_REG(5)(sp)
	ld	x6, TF_REG(6)(sp)
	ld	x7, TF_REG(7)(sp)
	ld	x8, TF_REG(8)(sp)
	ld	x9, TF_REG(9)(sp)
	ld	x10, TF_REG(10)(sp)
	ld	x11, TF_REG(11)(sp)
	ld	x12, TF_REG(12)(sp)
	ld	x13, TF_REG(13)(sp)
	ld	x14, TF_REG(14)(sp)
	ld	x15, TF_REG(15)(sp)
	ld	x16, TF_REG(16)(sp)
	ld	x17, TF_REG(17)(sp)
	ld	x18, TF_REG(18)(sp)
	ld	x19, TF_REG(19)(sp)
	ld	x20, TF_REG(20)(sp)
	ld	x21, TF_REG(21)(sp)
	ld	x22, TF_REG(22)(sp)
	ld	x23, TF_REG(23)(sp)
	ld	x24, TF_REG(24)(sp)
	ld	x25, TF_REG(25)(sp)
	ld	x26, TF_REG(26)(sp)
	ld	x27, TF_REG(27)(sp)
	ld	x28, TF_REG(28)(sp)
	ld	x29, TF_REG(29)(sp)
	ld	x30, TF_REG(30)(sp)
	ld	x31, TF_REG(31)(sp)
	ld	x2, TF_REG(2)(sp)
	sret

	/*
	 * A kernel call: the hot path, so straight to the handler. Only sepc and sstatus
	 * are saved (scause is known; stval is meaningless). The handler gets a pointer to
	 * the saved a0..a5 and runs with interrupts on; its result goes back in a0. On the
	 * way out, a reschedule requested meanwhile (gd_reqflags) is taken here, as at the
	 * end of every trap, and so is a killed thread's end (gd_ast) and the clearing of
	 * an armed TimerTimeout (gd_tmo_armed: threads of this hart that have one). s1..s11 are neither saved nor restored: the handler (and any
	 * switch inside it) preserves them by the calling convention, so they still hold the
	 * user's values when we sret, and their frame slots are stale (never read: nothing
	 * builds a kernel call's return from its frame but kcall_return).
	 */
kcall_entry:
	csrr	t0, sepc
	csrr	t1, sstatus
	addi	t0, t0, 4			/* return past the ecall */
	sd	t0, TF_SEPC(sp)
	sd	t1, TF_SSTATUS(sp)
	sd	t2, TF_SCAUSE(sp)
	mv	s0, zero			/* backtraces end at the user boundary */
	ld	t0, 0(tp)			/* gd_curthread->td_nkcalls++ (KerThreadKcalls) */
	ld	t1, TD_NKCALLS(t0)
	addi	t1, t1, 1
	sd	t1, TD_NKCALLS(t0)
	li	t0, __KER_COUNT
	bgeu	a7, t0, 1f
	la	t1, kcall_table
	slli	t0, a7, 3
	add	t1, t1, t0
	ld	t1, 0(t1)
	bnez	t1, 2f
1:	la	t1, kcall_enosys
2:	addi	a0, sp, TF_REG(10)
	csrsi	sstatus, SSTATUS_SIE		/* kernel calls run preemptibly */
	jalr	t1
	csrci	sstatus, SSTATUS_SIE
	sd	a0, TF_REG(10)(sp)
	lw	t0, GD_REQFLAGS(tp)
	ld	t1, GD_AST(tp)			/* gd_ast and gd_tmo_armed together */
	or	t0, t0, t1
	beqz	t0, kcall_return
	/* The slow way out: the return-to-user work may push a signal frame, which holds
	 * every register, so s1..s11 go into the frame and the whole frame comes back. */
	SAVE_CALLEE
	call	trap_kcall_resched
	j	trap_return
kcall_return:
	/* trap_return for a kernel call: back to user mode, SIE already clear. */
	ld	t0, TF_SEPC(sp)
	ld	t1, TF_SSTATUS(sp)
	csrw	sepc, t0
	csrw	sstatus, t1
	csrw	sscratch, tp			/* to user mode: sscratch = globaldata */
	RESTORE_SCRATCH
	ld	x4, TF_REG(4)(sp)
	ld	x2, TF_REG(2)(sp)
	sret
