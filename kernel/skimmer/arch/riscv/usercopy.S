/*
 * int __usercopy(void *dst, const void *src, size_t len, uintptr_t *onfault)
 * Copy len bytes with sstatus.SUM set so S-mode may touch user pages. Before
 * the first access it stores its recovery address in *onfault (the current
 * thread's td_onfault); a fault on a user page makes the trap handler resume
 * there, and we return EFAULT (14). a3 survives the loop, so recovery can clear
 * *onfault again.
 */
	.section .text
	.globl __usercopy
__usercopy:
	la	t0, 3f
	sd	t0, 0(a3)
	li	t1, 0x40000			/* SSTATUS_SUM */
	csrs	sstatus, t1
	or	t2, a0, a1
	or	t2, t2, a2
	andi	t2, t2, 7
	bnez	t2, 2f
1:	beqz	a2, 4f				/* 8 bytes at a time when all is aligned */
	ld	t2, 0(a1)
	sd	t2, 0(a0)
	addi	a0, a0, 8
	addi	a1, a1, 8
	addi	a2, a2, -8
	j	1b
2:	beqz	a2, 4f
	lbu	t2, 0(a1)
	sb	t2, 0(a0)
	addi	a0, a0, 1
	addi	a1, a1, 1
	addi	a2, a2, -1
	j	2b
3:	li	a0, 14				/* EFAULT; the trap handler brought us here */
	j	5f
4:	li	a0, 0
5:	csrc	sstatus, t1
	sd	zero, 0(a3)
	ret
