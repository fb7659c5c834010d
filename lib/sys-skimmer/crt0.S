/* Process entry on Skimmer: gp, then the C start-up (lib/c/start.c) with the start-up block in a0. */
	.section .text.start, "ax"
	.globl	_start
_start:
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	mv	s0, zero
	call	__qsoe_start		/* never returns */
1:	j	1b
