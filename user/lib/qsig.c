/* Signals for user programs until libc: the sigstub and SignalAction helpers. */
#include "qsig.h"

/* Entered by the kernel with a0 = signo, a1 = the frame (its siginfo first), a2 = its
 * context, a3 = the handler, sp = the frame. s1 keeps the frame across the handler
 * (callee-saved); SignalReturn restores every register from the frame. */
__asm__(
	"	.text\n"
	"	.globl	qs_sigstub\n"
	"	.type	qs_sigstub, @function\n"
	"	.balign	4\n"
	"qs_sigstub:\n"
	"	mv	s1, a1\n"
	"	jalr	a3\n"
	"	mv	a0, s1\n"
	"	call	SignalReturn_r\n"
	"1:	j	1b\n"		/* SignalReturn does not come back */
	"	.size	qs_sigstub, . - qs_sigstub\n");

int qs_sigaction(int signo, void (*handler)(int, siginfo_t *, void *), int flags,
		 unsigned long long mask)
{
	struct sigaction sa;
	sa.sa_sigaction = handler;
	sa.sa_flags = flags;
	sa.sa_mask.__bits[0] = (uint32_t)mask;
	sa.sa_mask.__bits[1] = (uint32_t)(mask >> 32);
	return SignalAction_r(0, qs_sigstub, signo, &sa, NULL);
}

int qs_sigdefault(int signo, void (*what)(int))
{
	struct sigaction sa = { 0 };
	sa.sa_handler = what;
	return SignalAction_r(0, qs_sigstub, signo, &sa, NULL);
}

int qs_sigmask(int how, const sigset_t *set, sigset_t *old)
{
	return SignalProcmask_r(0, 0, how, set, old);
}
