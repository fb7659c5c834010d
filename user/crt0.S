/* User program entry: set up gp, call main, and end the thread with its return value. */
	.section .text.start, "ax"
	.globl _start
_start:
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	mv	s0, zero
	call	main
	mv	a2, a0			/* ThreadDestroy(0, -1, status) */
	li	a1, -1
	li	a0, 0
	call	ThreadDestroy_r
1:	j	1b
