/*
 * void cpu_switch(uintptr_t *save_sp, uintptr_t new_sp)
 * Save the callee-saved registers on the current stack, store sp in *save_sp,
 * load new_sp and restore the new thread's registers. Called only from
 * lwkt_switch with interrupts off and td_critcount >= 1.
 * Frame (112 bytes): ra, s0..s11, pad. lwkt_create builds the same frame.
 */
	.section .text
	.globl cpu_switch
cpu_switch:
	addi	sp, sp, -112
	sd	ra, 0(sp)
	sd	s0, 8(sp)
	sd	s1, 16(sp)
	sd	s2, 24(sp)
	sd	s3, 32(sp)
	sd	s4, 40(sp)
	sd	s5, 48(sp)
	sd	s6, 56(sp)
	sd	s7, 64(sp)
	sd	s8, 72(sp)
	sd	s9, 80(sp)
	sd	s10, 88(sp)
	sd	s11, 96(sp)
	sd	sp, 0(a0)
	mv	sp, a1
	ld	ra, 0(sp)
	ld	s0, 8(sp)
	ld	s1, 16(sp)
	ld	s2, 24(sp)
	ld	s3, 32(sp)
	ld	s4, 40(sp)
	ld	s5, 48(sp)
	ld	s6, 56(sp)
	ld	s7, 64(sp)
	ld	s8, 72(sp)
	ld	s9, 80(sp)
	ld	s10, 88(sp)
	ld	s11, 96(sp)
	addi	sp, sp, 112
	ret

/* A new thread's first "return" from cpu_switch lands here with s1 = its thread. */
	.globl lwkt_trampoline
lwkt_trampoline:
	mv	a0, s1
	call	lwkt_thread_start
6:	j	6b
