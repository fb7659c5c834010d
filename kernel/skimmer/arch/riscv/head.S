/* Kernel entry: the RISC-V Linux-style image header, then boot-hart and secondary-hart entry. */
#include <generated/autoconf.h>

	.section .text.head, "ax"
	.option push
	.option norvc
	.globl _start
_start:
	/* Image header (Linux Documentation/riscv/boot-image-header layout). */
	j	boot_entry			/* code0 */
	.word	0				/* code1 */
	.dword	0x200000			/* text_offset: loaded 2 MiB into RAM */
	.dword	_end - _start			/* image_size, including .bss */
	.dword	0				/* flags: little-endian */
	.word	0x00000002			/* header version 0.2 */
	.word	0				/* res1 */
	.dword	0				/* res2 */
	.ascii	"RISCV\0\0\0"			/* magic (deprecated form) */
	.ascii	"RSC\x05"			/* magic2 */
	.word	0				/* res3 */
	.option pop

/*
 * OpenSBI enters here in S-mode: a0 = hart id, a1 = device tree. The boot
 * arguments must survive the BSS clear, so they live in s0/s1 until .bss is
 * zero and only then are stored (seed 003, v0.4).
 */
boot_entry:
	csrw	sie, zero
	csrw	sscratch, zero
	/*
	 * Only the first hart here is the boot hart. OpenSBI 1.1 publishes a hart's
	 * START_PENDING state before the start address, so a secondary hart woken
	 * early from its wait loop can arrive here, at the default next address,
	 * instead of at secondary_entry. It must not clear .bss under the running
	 * kernel: send it down the secondary path (smp.c, secondary_late).
	 */
	la	t0, boot_claimed
	li	t1, 1
	amoswap.w.aq t1, t1, (t0)
	bnez	t1, late_secondary
	mv	s0, a0
	mv	s1, a1
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	la	sp, boot_stack_top
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	la	t0, boot_hartid
	sd	s0, 0(t0)
	la	t0, boot_fdt
	sd	s1, 0(t0)
	mv	a0, s0
	mv	a1, s1
	mv	tp, zero
	mv	s0, zero			/* frame pointer: end of backtraces */
	call	kmain
3:	wfi
	j	3b

/*
 * Secondary harts start here through SBI HSM: a0 = hart id, a1 = opaque = the
 * hart's globaldata. Harts are started one at a time, so the boot hart hands
 * over the new hart's idle stack in the single variable secondary_sp.
 */
late_secondary:
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	la	t0, secondary_sp
1:	ld	sp, 0(t0)			/* set before the boot hart started us */
	beqz	sp, 1b
	mv	tp, zero
	mv	s0, zero
	call	secondary_late			/* a0 = hart id */
5:	wfi
	j	5b

	.globl secondary_entry
secondary_entry:
	csrw	sie, zero
	csrw	sscratch, zero
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	mv	tp, a1
	la	t0, secondary_sp
	ld	sp, 0(t0)
	mv	s0, zero
	call	secondary_main
4:	wfi
	j	4b

	.section .data
	.balign	4
boot_claimed:					/* in .data: must survive the .bss clear */
	.word	0

	.section .bss.boot_stack, "aw", @nobits
	.balign	4096
	.globl boot_stack
boot_stack:
	.space	CONFIG_KSTACK_PAGES * 4096
	.globl boot_stack_top
boot_stack_top:
