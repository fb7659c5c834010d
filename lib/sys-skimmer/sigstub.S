/* The signal trampoline on Skimmer: the kernel enters it to run a handler, and it returns through SignalReturn. */
/*
 * Entered with a0 = signo, a1 = the frame (struct _sighandler_info: its siginfo first),
 * a2 = the context in it, a3 = the handler, sp = the frame. s1 keeps the frame across
 * the handler (callee-saved); SignalReturn restores every register from the frame and
 * never comes back. libc's sigaction passes this to SignalAction.
 */
	.text
	.globl	__libc_sigstub
	.type	__libc_sigstub, @function
	.balign	4
__libc_sigstub:
	mv	s1, a1
	jalr	a3
	mv	a0, s1
	call	SignalReturn_r
1:	j	1b
	.size	__libc_sigstub, . - __libc_sigstub
