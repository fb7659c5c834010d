/*
 * Save and load a thread's FP registers (lazy FP, see fpu.c). The kernel is built
 * without F and D, so these two routines are the only kernel code with FP
 * instructions: `.option arch, +d` allows them here alone. Each turns sstatus.FS on
 * (Dirty: any non-Off value permits access) for its own instructions and turns it
 * Off before returning; the FS a user thread runs with comes from its trap frame.
 * Called with interrupts off, so no trap can see FS on in between.
 */
#include <arch/fpu.h>

#define SSTATUS_FS 0x6000

	.option push
	.option arch, +d

	.section .text
	.balign 4

/* void fpu_save(struct fpstate *fs) */
	.globl fpu_save
fpu_save:
	li	t0, SSTATUS_FS
	csrs	sstatus, t0
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fsd	f\n, (\n * 8)(a0)
	.endr
	frcsr	t1
	sd	t1, FPS_FCSR(a0)
	csrc	sstatus, t0
	ret

/* void fpu_load(const struct fpstate *fs) */
	.globl fpu_load
fpu_load:
	li	t0, SSTATUS_FS
	csrs	sstatus, t0
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fld	f\n, (\n * 8)(a0)
	.endr
	ld	t1, FPS_FCSR(a0)
	fscsr	t1
	csrc	sstatus, t0
	ret

	.option pop
