/*
 * usignal: signal conformance (kern/signal.c, docs/signals.md). main's argument picks
 * the mode; test=signal (stress/signal.c) checks how each one ends:
 *   0  conformance: every call's errors, handlers (signo, code, value, mask), registers
 *      intact across a handler (integer and FP, at a kernel-call return and at an
 *      interrupt), nesting, pending while masked, queued vs coalesced, SignalWaitinfo,
 *      SignalSuspend, ignore, EINTR from MsgReceive/MsgSend (SEND, REPLY with and without
 *      _NTO_CHF_UNBLOCK), a caught fault, SIGEV_SIGNAL_CODE by MsgDeliverEvent; exit 0
 *   1  SIGTERM, default action: ends as PEXIT_SIGNAL 15
 *   2  SIGKILL cannot be caught or blocked: PEXIT_SIGNAL 9
 *   3  a handler that faults: killed by the fault (PEXIT_FAULT 15, a store page fault)
 *   4  SignalReturn of a forged frame with a kernel pc: killed by the fault (PEXIT_FAULT 12)
 *   5  SignalReturn of an unreadable frame: PEXIT_SIGNAL 11
 *   6  a process signal with the default action ends every thread (PEXIT_SIGNAL 15)
 *   7  stress: signals at threads in message calls across harts (arg >> 8: rounds); exit 0
 *   8  waits in SignalWaitinfo for the kernel's SIGUSR2 (code -7, value 1234); exit 0
 *   9  benchmarks (test=bench): prints "bench NAME N insns" rows; exits with their number
 */
#include <sys/neutrino.h>
#include "qsys.h"
#include "qsig.h"

#define ESRCH	3
#define EINTR	4
#define EAGAIN	11
#define EPERM	1
#define BAD	((void *)0x3000000000)	/* unmapped user address */

static int failures;
static volatile int my_pid;

static void check(const char *name, long got, long want)
{
	if (!qs_check(name, got == want, got, want))
		failures++;
}

static void spin(int n)
{
	for (int i = 0; i < n; i++)
		KerNop_r();
}

/* --- A thread that sends signo to thread tid until *done ----------------------------------- */
struct pester {
	int tid, signo;
	volatile int *done;
	volatile int *go;	/* if not NULL: start once *go is set */
	volatile int exited;
};

static void *pester_main(void *arg)
{
	struct pester *pe = arg;
	while (pe->go && !*pe->go)
		spin(10);
	while (!*pe->done) {
		SignalKill_r(0, 0, pe->tid, pe->signo, SI_USER, 0);
		spin(300);
	}
	pe->exited = 1;
	return 0;
}

static void pester_start(struct pester *pe, int tid, int signo, volatile int *done,
			 volatile int *go)
{
	pe->go = go;
	pe->tid = tid;
	pe->signo = signo;
	pe->done = done;
	pe->exited = 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (qs_thread_create(pester_main, pe) < 0)
		failures++;
}

static void pester_wait(struct pester *pe)
{
	while (!pe->exited)
		spin(10);
}

/* --- Handlers ---------------------------------------------------------------------------- */
static volatile int n_usr1, n_usr2, n_rt, usr1_signo, usr1_code, usr1_value, usr1_pid;
static volatile int usr2_nested, in_usr1, rt_values[8];
static volatile unsigned usr1_mask;

static void on_usr1(int signo, siginfo_t *info, void *ctx)
{
	sigset_t m;
	n_usr1++;
	usr1_signo = signo;
	usr1_code = info->si_code;
	usr1_value = info->si_value.sival_int;
	usr1_pid = info->si_pid;
	qs_sigmask(SIG_BLOCK, 0, &m);
	usr1_mask = m.__bits[0];
}

static void on_usr2(int signo, siginfo_t *info, void *ctx)
{
	n_usr2++;
	usr2_nested = in_usr1;
}

static void on_rt(int signo, siginfo_t *info, void *ctx)
{
	if (n_rt < 8)
		rt_values[n_rt] = info->si_value.sival_int;
	n_rt++;
}

/* SIGUSR1 handler that raises SIGUSR2 (nests) and SIGUSR1 again (pends: it is masked). */
static void on_usr1_nest(int signo, siginfo_t *info, void *ctx)
{
	n_usr1++;
	in_usr1 = 1;
	if (n_usr1 == 1) {
		SignalKill_r(0, 0, 0, SIGUSR2, 0, 0);	/* runs before SignalKill returns */
		SignalKill_r(0, 0, 0, SIGUSR1, 0, 0);	/* blocked here: after we return */
	}
	in_usr1 = n_usr1 == 1 ? 1 : 0;
	if (n_usr1 == 1 && n_usr2 == 1)
		in_usr1 = 0;
}

/* --- Registers across a handler ---------------------------------------------------------- */
/* regs_spin(flag): fill every register but sp, gp, tp and t6 (and f0..f31) with a
 * pattern, spin until *flag (set by a handler), then check them: 0, n for a bad xn,
 * 100 + n for a bad fn. regs_kcall(tid): the same around SignalKill(tid, SIGUSR1) made
 * by ecall (the handler runs at its return); a0 (the result) and a1..a7, t0..t6 (the
 * ABI's to change) not checked. clobber_all: what a handler may do to registers, and
 * s2..s11 as well. */
#define PAT(n) (0x5a5a000000000000 + ((n) << 8) + (n))
__asm__(
	"	.text\n"
	"	.balign 4\n"
	"	.globl regs_spin\n"
	"regs_spin:\n"
	"	addi	sp, sp, -128\n"
	"	sd	ra, 0(sp)\n"
	"	sd	s0, 8(sp)\n	sd	s1, 16(sp)\n	sd	s2, 24(sp)\n	sd	s3, 32(sp)\n"
	"	sd	s4, 40(sp)\n	sd	s5, 48(sp)\n	sd	s6, 56(sp)\n	sd	s7, 64(sp)\n"
	"	sd	s8, 72(sp)\n	sd	s9, 80(sp)\n	sd	s10, 88(sp)\n	sd	s11, 96(sp)\n"
	"	sd	a0, 104(sp)\n"
	"	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"	li	t6, (0x3ff0000000000000 + \\n)\n"
	"	fmv.d.x	f\\n, t6\n"
	"	.endr\n"
	"	.irp n, 1,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30\n"
	"	li	x\\n, (0x5a5a000000000000 + (\\n << 8) + \\n)\n"
	"	.endr\n"
	"1:	ld	t6, 104(sp)\n"
	"	lw	t6, 0(t6)\n"
	"	beqz	t6, 1b\n"
	"	.irp n, 1,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30\n"
	"	li	t6, (0x5a5a000000000000 + (\\n << 8) + \\n)\n"
	"	beq	x\\n, t6, 2f\n"
	"	li	a0, \\n\n"
	"	j	9f\n"
	"2:\n"
	"	.endr\n"
	"	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"	li	a0, 100 + \\n\n"
	"	li	t6, (0x3ff0000000000000 + \\n)\n"
	"	fmv.x.d	t5, f\\n\n"
	"	bne	t5, t6, 9f\n"
	"	.endr\n"
	"	li	a0, 0\n"
	"9:	ld	ra, 0(sp)\n"
	"	ld	s0, 8(sp)\n	ld	s1, 16(sp)\n	ld	s2, 24(sp)\n	ld	s3, 32(sp)\n"
	"	ld	s4, 40(sp)\n	ld	s5, 48(sp)\n	ld	s6, 56(sp)\n	ld	s7, 64(sp)\n"
	"	ld	s8, 72(sp)\n	ld	s9, 80(sp)\n	ld	s10, 88(sp)\n	ld	s11, 96(sp)\n"
	"	addi	sp, sp, 128\n"
	"	ret\n"
	"\n"
	"	.globl regs_kcall\n"
	"regs_kcall:\n"
	"	addi	sp, sp, -112\n"
	"	sd	ra, 0(sp)\n"
	"	sd	s0, 8(sp)\n	sd	s1, 16(sp)\n	sd	s2, 24(sp)\n	sd	s3, 32(sp)\n"
	"	sd	s4, 40(sp)\n	sd	s5, 48(sp)\n	sd	s6, 56(sp)\n	sd	s7, 64(sp)\n"
	"	sd	s8, 72(sp)\n	sd	s9, 80(sp)\n	sd	s10, 88(sp)\n	sd	s11, 96(sp)\n"
	"	mv	a2, a0\n"
	"	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"	li	t6, (0x3ff0000000000000 + \\n)\n"
	"	fmv.d.x	f\\n, t6\n"
	"	.endr\n"
	"	.irp n, 1,8,9,18,19,20,21,22,23,24,25,26,27\n"
	"	li	x\\n, (0x5a5a000000000000 + (\\n << 8) + \\n)\n"
	"	.endr\n"
	"	li	a0, 0\n	li	a1, 0\n	li	a3, 16\n	li	a4, 0\n	li	a5, 0\n"
	"	li	a7, 60\n"		/* __KER_SIGNAL_KILL */
	"	ecall\n"
	"	.irp n, 1,8,9,18,19,20,21,22,23,24,25,26,27\n"
	"	li	t6, (0x5a5a000000000000 + (\\n << 8) + \\n)\n"
	"	beq	x\\n, t6, 2f\n"
	"	li	a0, \\n\n"
	"	j	9f\n"
	"2:\n"
	"	.endr\n"
	"	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"	li	a0, 100 + \\n\n"
	"	li	t6, (0x3ff0000000000000 + \\n)\n"
	"	fmv.x.d	t5, f\\n\n"
	"	bne	t5, t6, 9f\n"
	"	.endr\n"
	"	li	a0, 0\n"
	"9:	ld	ra, 0(sp)\n"
	"	ld	s0, 8(sp)\n	ld	s1, 16(sp)\n	ld	s2, 24(sp)\n	ld	s3, 32(sp)\n"
	"	ld	s4, 40(sp)\n	ld	s5, 48(sp)\n	ld	s6, 56(sp)\n	ld	s7, 64(sp)\n"
	"	ld	s8, 72(sp)\n	ld	s9, 80(sp)\n	ld	s10, 88(sp)\n	ld	s11, 96(sp)\n"
	"	addi	sp, sp, 112\n"
	"	ret\n"
	"\n"
	"	.globl clobber_all\n"
	"clobber_all:\n"
	"	.irp n, 5,6,7,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"	li	x\\n, 0xdead\n"
	"	.endr\n"
	"	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"	fmv.d.x	f\\n, zero\n"
	"	.endr\n"
	"	csrw	fcsr, zero\n"
	"	ret\n");
long regs_spin(volatile int *flag);
long regs_kcall(int tid);
void clobber_all(void);

static volatile int regs_flag, regs_count, regs_target;
static void on_usr1_clobber(int signo, siginfo_t *info, void *ctx)
{
	if (++regs_count >= regs_target)
		regs_flag = 1;
	clobber_all();
}

struct spinner {
	volatile int done;
	long result;
};

static void *spinner_main(void *arg)
{
	struct spinner *sp = arg;
	sp->result = regs_spin(&regs_flag);
	sp->done = 1;
	return 0;
}

static void test_registers(void)
{
	qs_sigaction(SIGUSR1, on_usr1_clobber, 0, 0);
	/* At a kernel call's return: our own SignalKill. */
	regs_flag = 0;
	regs_count = 0;
	regs_target = 1;
	check("regs-intact-after-handler-at-kcall-return", regs_kcall(1), 0);
	check("regs-handler-ran-at-kcall-return", regs_count, 1);
	/* At an interrupt: another thread signals a spinning one 20 times. */
	regs_flag = 0;
	regs_count = 0;
	regs_target = 20;
	static struct spinner sp;
	sp.done = 0;
	int tid = qs_thread_create(spinner_main, &sp);
	for (int i = 0; i < 20 && tid > 0; i++) {
		int before = regs_count;
		SignalKill_r(0, 0, tid, SIGUSR1, 0, 0);
		while (regs_count == before)
			spin(5);
	}
	while (!sp.done)
		spin(10);
	check("regs-intact-after-20-handlers-at-interrupts", sp.result, 0);
	check("regs-interrupt-handlers-ran", regs_count, 20);
	qs_sigdefault(SIGUSR1, SIG_DFL);
}

/* --- Errors -------------------------------------------------------------------------------- */
static void test_errors(void)
{
	struct sigaction sa = { 0 }, old;
	sigset_t set;
	qs_sigemptyset(&set);
	siginfo_t info;
	check("kill-bad-signo-65", SignalKill_r(0, 0, 0, 65, 0, 0), -EINVAL);
	check("kill-bad-signo-57", SignalKill_r(0, 0, 0, 57, 0, 0), -EINVAL);
	check("kill-bad-signo-neg", SignalKill_r(0, 0, 0, -1, 0, 0), -EINVAL);
	check("kill-bad-nd", SignalKill_r(1, 0, 0, SIGUSR1, 0, 0), -EINVAL);
	check("kill-bad-code", SignalKill_r(0, 0, 0, SIGUSR1, 1, 0), -EINVAL);
	check("kill-bad-tid-neg", SignalKill_r(0, 0, -1, SIGUSR1, 0, 0), -EINVAL);
	check("kill-no-pid", SignalKill_r(0, 999999, 0, SIGUSR1, 0, 0), -ESRCH);
	check("kill-pgrp", SignalKill_r(0, -5, 0, SIGUSR1, 0, 0), -ESRCH);
	check("kill-no-tid", SignalKill_r(0, 0, 500, SIGUSR1, 0, 0), -ESRCH);
	check("kill-signo-0-exists", SignalKill_r(0, my_pid, 1, 0, 0, 0), 0);
	check("action-bad-signo-0", SignalAction_r(0, qs_sigstub, 0, &sa, 0), -EINVAL);
	check("action-bad-signo-57", SignalAction_r(0, qs_sigstub, 57, &sa, 0), -EINVAL);
	check("action-sigkill", SignalAction_r(0, qs_sigstub, SIGKILL, &sa, 0), -EINVAL);
	check("action-sigstop", SignalAction_r(0, qs_sigstub, SIGSTOP, &sa, 0), -EINVAL);
	check("action-sigkill-query", SignalAction_r(0, qs_sigstub, SIGKILL, 0, &old), 0);
	check("action-bad-act", SignalAction_r(0, qs_sigstub, SIGUSR1, BAD, 0), -EFAULT);
	check("action-bad-oact", SignalAction_r(0, qs_sigstub, SIGUSR1, &sa, BAD), -EFAULT);
	sa.sa_flags = 0x8000;
	check("action-bad-flags", SignalAction_r(0, qs_sigstub, SIGUSR1, &sa, 0), -EINVAL);
	sa.sa_flags = 0;
	sa.sa_handler = (void (*)(int))0x1000;
	check("action-kernel-handler", SignalAction_r(0, qs_sigstub, SIGUSR1, &sa, 0), -EINVAL);
	sa.sa_sigaction = on_usr1;
	check("action-kernel-stub", SignalAction_r(0, (void (*)(void))0x80200000, SIGUSR1, &sa, 0),
	      -EINVAL);
	sa.sa_handler = SIG_HOLD;
	check("action-sig-hold", SignalAction_r(0, qs_sigstub, SIGUSR1, &sa, 0), -EINVAL);
	check("action-no-pid", SignalAction_r(999999, qs_sigstub, SIGUSR1, 0, &old), -ESRCH);
	check("procmask-bad-how", SignalProcmask_r(0, 0, 7, &set, 0), -EINVAL);
	check("procmask-bad-set", SignalProcmask_r(0, 0, SIG_BLOCK, BAD, 0), -EFAULT);
	check("procmask-bad-oldset", SignalProcmask_r(0, 0, SIG_BLOCK, &set, BAD), -EFAULT);
	check("procmask-no-tid", SignalProcmask_r(0, 500, SIG_BLOCK, &set, 0), -ESRCH);
	check("procmask-no-pid", SignalProcmask_r(999999, 1, SIG_BLOCK, &set, 0), -ESRCH);
	check("procmask-neg-tid", SignalProcmask_r(0, -2, SIG_BLOCK, &set, 0), -EINVAL);
	check("suspend-bad-set", SignalSuspend_r(BAD), -EFAULT);
	check("waitinfo-bad-set", SignalWaitinfo_r(BAD, &info), -EFAULT);
	check("waitinfo-bad-info", SignalWaitinfo_r(&set, (siginfo_t *)0x10), -EFAULT);
}

/* --- Handlers, masks, queues ----------------------------------------------------------------- */
static void test_handlers(void)
{
	sigset_t m, old;
	struct sigaction oa;
	check("action-set-usr1", qs_sigaction(SIGUSR1, on_usr1, SA_SIGINFO, 1ULL << (SIGUSR2 - 1)), 0);
	check("action-read-back", SignalAction_r(0, qs_sigstub, SIGUSR1, 0, &oa), 0);
	check("action-read-back-handler", (long)oa.sa_sigaction, (long)on_usr1);
	check("action-read-back-flags", oa.sa_flags, SA_SIGINFO);
	check("action-read-back-mask", oa.sa_mask.__bits[0], 1u << (SIGUSR2 - 1));
	n_usr1 = 0;
	check("kill-self-usr1", SignalKill_r(0, 0, 0, SIGUSR1, SI_QUEUE, 42), 0);
	check("handler-ran-before-return", n_usr1, 1);
	check("handler-signo", usr1_signo, SIGUSR1);
	check("handler-code", usr1_code, SI_QUEUE);
	check("handler-value", usr1_value, 42);
	check("handler-pid", usr1_pid, my_pid);
	check("handler-mask-has-signal-and-sa_mask", usr1_mask,
	      (1u << (SIGUSR1 - 1)) | (1u << (SIGUSR2 - 1)));
	qs_sigmask(SIG_BLOCK, 0, &m);
	check("mask-restored-after-handler", m.__bits[0], 0);

	/* Masked: pending until unblocked. */
	m = qs_sigset1(SIGUSR1);
	qs_sigmask(SIG_BLOCK, &m, 0);
	SignalKill_r(0, 0, 1, SIGUSR1, 0, 7);
	check("masked-not-delivered", n_usr1, 1);
	SignalProcmask_r(0, 0, SIG_PENDING, 0, &old);
	check("masked-is-pending", qs_sigismember(&old, SIGUSR1), 1);
	qs_sigmask(SIG_UNBLOCK, &m, 0);
	check("delivered-on-unblock", n_usr1, 2);
	check("delivered-on-unblock-value", usr1_value, 7);
	SignalProcmask_r(0, 0, SIG_PENDING, 0, &old);
	check("nothing-pending-after", old.__bits[0] | old.__bits[1], 0);

	/* SIGKILL and SIGSTOP cannot be blocked. */
	qs_sigfillset(&m);
	qs_sigmask(SIG_SETMASK, &m, 0);
	qs_sigmask(SIG_SETMASK, 0, &old);
	check("cannot-block-kill", qs_sigismember(&old, SIGKILL), 0);
	check("cannot-block-stop", qs_sigismember(&old, SIGSTOP), 0);
	check("can-block-rtmax", qs_sigismember(&old, SIGRTMAX), 1);
	qs_sigemptyset(&m);
	qs_sigmask(SIG_SETMASK, &m, 0);

	/* Queued (real-time) signals keep order and values; ordinary ones coalesce. */
	qs_sigaction(SIGRTMIN, on_rt, SA_SIGINFO, 0);
	qs_sigaction(SIGUSR2, on_usr2, 0, 0);
	n_rt = n_usr2 = 0;
	m = qs_sigset1(SIGRTMIN);
	qs_sigaddset(&m, SIGUSR2);
	qs_sigmask(SIG_BLOCK, &m, 0);
	for (int v = 1; v <= 3; v++) {
		SignalKill_r(0, 0, 0, SIGRTMIN, SI_QUEUE, v);
		SignalKill_r(0, 0, 0, SIGUSR2, SI_USER, v);
	}
	qs_sigmask(SIG_UNBLOCK, &m, 0);
	check("rt-queued-3", n_rt, 3);
	check("rt-order", rt_values[0] * 100 + rt_values[1] * 10 + rt_values[2], 123);
	check("ordinary-coalesced", n_usr2, 1);

	/* Nesting: SIGUSR2 runs inside SIGUSR1's handler; SIGUSR1 raised in its own handler
	 * waits until that returns. */
	qs_sigaction(SIGUSR1, on_usr1_nest, SA_SIGINFO, 0);
	n_usr1 = n_usr2 = 0;
	usr2_nested = 0;
	SignalKill_r(0, 0, 0, SIGUSR1, 0, 0);
	check("nested-usr2-inside-usr1", usr2_nested, 1);
	check("nested-usr2-ran", n_usr2, 1);
	check("self-masked-usr1-ran-after", n_usr1, 2);

	/* SA_NODEFER and SA_RESETHAND. */
	qs_sigaction(SIGUSR1, on_usr1, SA_SIGINFO | SA_NODEFER | SA_RESETHAND, 0);
	n_usr1 = 0;
	SignalKill_r(0, 0, 0, SIGUSR1, 0, 0);
	check("nodefer-ran", n_usr1, 1);
	check("nodefer-not-masked", usr1_mask & (1u << (SIGUSR1 - 1)), 0);
	SignalAction_r(0, qs_sigstub, SIGUSR1, 0, &oa);
	check("resethand-back-to-default", (long)oa.sa_handler, (long)SIG_DFL);

	/* Ignoring: SIG_IGN, SIGCHLD by default; SIG_IGN discards what is pending. */
	qs_sigdefault(SIGUSR1, SIG_IGN);
	check("ignored-usr1-sent", SignalKill_r(0, 0, 0, SIGUSR1, 0, 0), 0);
	check("default-ignore-chld", SignalKill_r(0, 0, 0, SIGCHLD, 0, 0), 0);
	qs_sigaction(SIGUSR2, on_usr2, 0, 0);
	m = qs_sigset1(SIGUSR2);
	qs_sigmask(SIG_BLOCK, &m, 0);
	SignalKill_r(0, 0, 0, SIGUSR2, 0, 0);
	qs_sigdefault(SIGUSR2, SIG_IGN);
	SignalProcmask_r(0, 0, SIG_PENDING, 0, &old);
	check("sig-ign-discards-pending", qs_sigismember(&old, SIGUSR2), 0);
	qs_sigmask(SIG_UNBLOCK, &m, 0);
	qs_sigdefault(SIGUSR1, SIG_DFL);
	qs_sigdefault(SIGUSR2, SIG_DFL);
}

/* --- Waits ----------------------------------------------------------------------------------- */
static void test_waits(void)
{
	siginfo_t info;
	sigset_t m = qs_sigset1(SIGUSR1), old;
	struct pester pe;
	volatile int done = 0;
	qs_sigaction(SIGUSR1, on_usr1, SA_SIGINFO, 0);
	qs_sigmask(SIG_BLOCK, &m, 0);
	/* SignalWaitinfo takes a pending one, no handler. */
	n_usr1 = 0;
	SignalKill_r(0, 0, 0, SIGUSR1, -3, 99);
	check("waitinfo-pending", SignalWaitinfo_r(&m, &info), SIGUSR1);
	check("waitinfo-pending-value", info.si_value.sival_int, 99);
	check("waitinfo-pending-code", info.si_code, -3);
	check("waitinfo-no-handler", n_usr1, 0);
	/* ... and waits for one another thread sends. */
	pester_start(&pe, 1, SIGUSR1, &done, 0);
	check("waitinfo-blocking", SignalWaitinfo_r(&m, &info), SIGUSR1);
	done = 1;
	pester_wait(&pe);
	check("waitinfo-blocking-pid", info.si_pid, my_pid);
	check("waitinfo-blocking-no-handler", n_usr1, 0);
	while (SignalProcmask_r(0, 0, SIG_PENDING, 0, &old) == 0 && qs_sigismember(&old, SIGUSR1))
		SignalWaitinfo_r(&m, &info);		/* drain the pester's last one */
	/* An unblocked signal not in the set ends SignalWaitinfo with EINTR. */
	qs_sigaction(SIGUSR2, on_usr2, 0, 0);
	n_usr2 = 0;
	done = 0;
	pester_start(&pe, 1, SIGUSR2, &done, 0);
	check("waitinfo-eintr", SignalWaitinfo_r(&m, &info), -EINTR);
	done = 1;
	pester_wait(&pe);
	check("waitinfo-eintr-handler-ran", n_usr2 >= 1, 1);
	/* SignalSuspend: SIGUSR1 blocked, suspended with an empty mask. */
	sigset_t none;
	qs_sigemptyset(&none);
	n_usr1 = 0;
	done = 0;
	pester_start(&pe, 1, SIGUSR1, &done, 0);
	check("suspend-eintr", SignalSuspend_r(&none), -EINTR);
	done = 1;
	check("suspend-handler-ran", n_usr1 >= 1, 1);
	check("suspend-handler-mask", usr1_mask, 1u << (SIGUSR1 - 1));
	qs_sigmask(SIG_BLOCK, 0, &old);
	check("suspend-mask-restored", old.__bits[0], 1u << (SIGUSR1 - 1));
	pester_wait(&pe);
	while (SignalProcmask_r(0, 0, SIG_PENDING, 0, &old) == 0 && qs_sigismember(&old, SIGUSR1))
		SignalWaitinfo_r(&m, &info);
	qs_sigmask(SIG_UNBLOCK, &m, 0);
	qs_sigdefault(SIGUSR2, SIG_DFL);
}

/* --- Message calls ----------------------------------------------------------------------------- */
struct server {
	int chid, mode;		/* mode 0: receive, don't reply; 1: reply 5 after the unblock pulse */
	volatile int got_msg, got_pulse, exited, rcvid;
};

static void *server_main(void *arg)
{
	struct server *sv = arg;
	char buf[32];
	struct _pulse *pu = (struct _pulse *)buf;
	int rcvid = MsgReceive_r(sv->chid, buf, sizeof buf, 0);
	sv->rcvid = rcvid;
	sv->got_msg = rcvid > 0;
	if (sv->mode == 1) {
		for (;;) {
			int r = MsgReceive_r(sv->chid, buf, sizeof buf, 0);
			if (r == 0 && pu->code == _PULSE_CODE_UNBLOCK) {
				sv->got_pulse = pu->value.sival_int == rcvid;
				break;
			}
			if (r < 0)
				break;
		}
		MsgReply_r(rcvid, 5, 0, 0);
	}
	sv->exited = 1;
	return 0;
}

static void test_messages(void)
{
	struct pester pe;
	volatile int done;
	char buf[16] = "ping";
	qs_sigaction(SIGUSR1, on_usr1, SA_SIGINFO, 0);

	/* RECEIVE-blocked */
	int chid = ChannelCreate_r(0);
	n_usr1 = 0;
	done = 0;
	pester_start(&pe, 1, SIGUSR1, &done, 0);
	check("receive-eintr", MsgReceive_r(chid, buf, sizeof buf, 0), -EINTR);
	done = 1;
	pester_wait(&pe);
	check("receive-eintr-handler-ran", n_usr1 >= 1, 1);

	/* SEND-blocked: nobody receives */
	int coid = ConnectAttach_r(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
	n_usr1 = 0;
	done = 0;
	pester_start(&pe, 1, SIGUSR1, &done, 0);
	check("send-blocked-eintr", MsgSend_r(coid, buf, 4, buf, sizeof buf), -EINTR);
	done = 1;
	pester_wait(&pe);
	check("send-blocked-handler-ran", n_usr1 >= 1, 1);

	/* REPLY-blocked, no _NTO_CHF_UNBLOCK: EINTR at once */
	static struct server sv;
	sv = (struct server){ .chid = chid, .mode = 0 };
	qs_thread_create(server_main, &sv);
	done = 0;
	pester_start(&pe, 1, SIGUSR1, &done, &sv.got_msg);	/* once we are REPLY-blocked */
	check("reply-blocked-eintr", MsgSend_r(coid, buf, 4, buf, sizeof buf), -EINTR);
	done = 1;
	pester_wait(&pe);
	while (!sv.exited)
		spin(10);
	check("reply-blocked-server-got-it", sv.got_msg, 1);
	check("reply-to-unblocked-fails", MsgReply_r(sv.rcvid, 0, 0, 0) < 0, 1);
	ConnectDetach_r(coid);
	ChannelDestroy_r(chid);

	/* REPLY-blocked with _NTO_CHF_UNBLOCK: the server gets a pulse and decides */
	chid = ChannelCreate_r(_NTO_CHF_UNBLOCK);
	coid = ConnectAttach_r(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
	sv = (struct server){ .chid = chid, .mode = 1 };
	qs_thread_create(server_main, &sv);
	n_usr1 = 0;
	done = 0;
	pester_start(&pe, 1, SIGUSR1, &done, &sv.got_msg);
	check("reply-blocked-unblock-replied", MsgSend_r(coid, buf, 4, buf, sizeof buf), 5);
	done = 1;
	pester_wait(&pe);
	while (!sv.exited)
		spin(10);
	check("reply-blocked-unblock-pulse", sv.got_pulse, 1);
	check("reply-blocked-unblock-handler-ran", n_usr1 >= 1, 1);
	ConnectDetach_r(coid);
	ChannelDestroy_r(chid);
	qs_sigdefault(SIGUSR1, SIG_DFL);
}

/* --- MsgDeliverEvent with SIGEV_SIGNAL_CODE -------------------------------------------------- */
static volatile int ev_signo, ev_code, ev_value;
static void on_ev(int signo, siginfo_t *info, void *ctx)
{
	ev_signo = signo;
	ev_code = info->si_code;
	ev_value = info->si_value.sival_int;
}

struct evsrv {
	int chid;
	volatile int result, exited;
};

static void *evsrv_main(void *arg)
{
	struct evsrv *es = arg;
	char buf[16];
	int rcvid = MsgReceive_r(es->chid, buf, sizeof buf, 0);
	struct sigevent ev;
	SIGEV_SIGNAL_CODE_INIT(&ev, SIGUSR2, 77, -9);
	es->result = MsgDeliverEvent_r(rcvid, &ev);	/* the process: this thread takes it */
	struct sigevent bad;
	SIGEV_SIGNAL_CODE_INIT(&bad, 99, 77, -9);
	if (MsgDeliverEvent_r(rcvid, &bad) != -EINVAL)
		es->result = -1000;
	MsgReply_r(rcvid, 0, 0, 0);
	es->exited = 1;
	return 0;
}

static void test_event(void)
{
	static struct evsrv es;
	char buf[8] = "ev";
	qs_sigaction(SIGUSR2, on_ev, SA_SIGINFO, 0);
	es.chid = ChannelCreate_r(0);
	int coid = ConnectAttach_r(0, 0, es.chid, _NTO_SIDE_CHANNEL, 0);
	qs_thread_create(evsrv_main, &es);
	check("event-send", MsgSend_r(coid, buf, 2, buf, sizeof buf), 0);
	while (!es.exited)
		spin(10);
	check("event-deliver", es.result, 0);
	check("event-signo", ev_signo, SIGUSR2);
	check("event-code", ev_code, -9);
	check("event-value", ev_value, 77);
	ConnectDetach_r(coid);
	ChannelDestroy_r(es.chid);
	qs_sigdefault(SIGUSR2, SIG_DFL);
}

/* --- A caught fault ---------------------------------------------------------------------------- */
static volatile int segv_code, segv_fltno;
static volatile unsigned long segv_addr;
static void on_segv(int signo, siginfo_t *info, void *ctx)
{
	ucontext_t *uc = ctx;
	segv_code = info->si_code;
	segv_fltno = info->si_fltno;
	segv_addr = (unsigned long)info->si_addr;
	uc->uc_mcontext.__gregs[0] += 4;	/* skip the 4-byte load */
}

static void test_fault(void)
{
	qs_sigaction(SIGSEGV, on_segv, SA_SIGINFO, 0);
	long v = 1;
	__asm__ __volatile__(".option push\n.option norvc\n"
			     "ld %0, 0(%1)\n"
			     ".option pop\n" : "+r"(v) : "r"(BAD) : "memory");
	check("fault-caught-code", segv_code, SEGV_MAPERR);
	check("fault-caught-fltno", segv_fltno, 13);
	check("fault-caught-addr", (long)segv_addr, (long)BAD);
	check("fault-skipped", v, 1);
	qs_sigdefault(SIGSEGV, SIG_DFL);
}

/* --- The modes that end the process ---------------------------------------------------------- */
static void on_usr1_fault(int signo, siginfo_t *info, void *ctx)
{
	qs_puts("usignal: handler faulting\n");
	*(volatile int *)BAD = 1;
}

static void *blocker_main(void *arg)
{
	int chid = (int)(long)arg;
	char buf[8];
	for (;;)
		MsgReceive_r(chid, buf, sizeof buf, 0);
	return 0;
}

static int die(int mode)
{
	struct sigaction sa = { 0 };
	switch (mode) {
	case 1:
		SignalKill_r(0, 0, 0, SIGTERM, 0, 0);
		break;
	case 2: {
		sigset_t all;
		qs_sigfillset(&all);
		qs_sigmask(SIG_SETMASK, &all, 0);
		sa.sa_sigaction = on_usr1;
		qs_printf("usignal: SIGKILL catchable: %d\n",
			  SignalAction_r(0, qs_sigstub, SIGKILL, &sa, 0));
		SignalKill_r(0, 0, 0, SIGKILL, 0, 0);
		break;
	}
	case 3:
		qs_sigaction(SIGUSR1, on_usr1_fault, SA_SIGINFO, 0);
		SignalKill_r(0, 0, 0, SIGUSR1, 0, 0);
		break;
	case 4: {
		static struct _sighandler_info fr;
		fr.context.uc_mcontext.__gregs[0] = 0x80200000;	/* kernel text */
		fr.context.uc_mcontext.__gregs[2] = 0x80300000;
		fr.context.uc_mcontext.__gregs[4] = 0x80300000;
		qs_sigfillset(&fr.context.uc_sigmask);
		SignalReturn_r(&fr);
		break;
	}
	case 5:
		SignalReturn_r(BAD);
		break;
	case 6: {
		int chid = ChannelCreate_r(0);
		for (int i = 0; i < 3; i++)
			qs_thread_create(blocker_main, (void *)(long)chid);
		sigset_t m = qs_sigset1(SIGTERM);
		qs_sigmask(SIG_BLOCK, &m, 0);
		spin(2000);
		SignalKill_r(0, 0, 0, SIGTERM, 0, 0);	/* a blocked receiver takes it */
		for (;;)
			spin(100);
	}
	}
	qs_printf("usignal: mode %d survived, which is wrong\n", mode);
	return 1;
}

/* --- Stress: signals at threads in message calls, across harts -------------------------------- */
/* Targets: NCLIENT clients (MsgSend, SEND- and REPLY-blocked, half of them on a
 * _NTO_CHF_UNBLOCK channel), the 2 servers (RECEIVE-blocked), and the process itself.
 * Two senders (main and one more thread, on other harts) send queued signals whose value
 * names the target; every one sent must be handled exactly once. */
#define NCLIENT 4
#define NTARGET (NCLIENT + 3)
static volatile int stress_done, stress_sent[NTARGET], stress_got[NTARGET], stress_bad;
static volatile int target_tid[NTARGET], stress_exited, senders_done;
static int stress_chid[2];

static void on_stress(int signo, siginfo_t *info, void *ctx)
{
	int i = info->si_value.sival_int;
	if (i >= 0 && i < NTARGET)
		__atomic_fetch_add(&stress_got[i], 1, __ATOMIC_RELAXED);
	else
		__atomic_fetch_add(&stress_bad, 1, __ATOMIC_RELAXED);
}

static void *stress_server(void *arg)
{
	int chid = stress_chid[(long)arg];
	char buf[32];			/* room for an unblock pulse */
	for (;;) {
		int rcvid = MsgReceive_r(chid, buf, sizeof buf, 0);
		if (rcvid == -EINTR || rcvid == 0)	/* a signal, or an unblock pulse */
			continue;
		if (rcvid < 0) {
			if (rcvid != -ESRCH)
				qs_printf("usignal: stress: server receive %d\n", rcvid);
			break;
		}
		buf[0]++;
		MsgReply_r(rcvid, buf[1], buf, 2);
	}
	__atomic_fetch_add(&stress_exited, 1, __ATOMIC_RELAXED);
	return 0;
}

static void *stress_client(void *arg)
{
	int me = (int)(long)arg;
	int coid = ConnectAttach_r(0, 0, stress_chid[me & 1], _NTO_SIDE_CHANNEL, 0);
	char m[2], r[2];
	int n = 0;
	while (!stress_done) {
		m[0] = (char)n;
		m[1] = (char)me;
		r[0] = r[1] = 0;
		int st = MsgSend_r(coid, m, 2, r, 2);
		if (st == -EINTR)
			continue;
		if (st != me || r[0] != (char)(n + 1)) {
			qs_printf("usignal: stress: client %d send %d reply %d\n", me, st, r[0]);
			__atomic_fetch_add(&stress_bad, 1, __ATOMIC_RELAXED);
		}
		n++;
	}
	ConnectDetach_r(coid);
	__atomic_fetch_add(&stress_exited, 1, __ATOMIC_RELAXED);
	return 0;
}

static void send_signals(int rounds, int first)
{
	for (int k = 0; k < rounds; k++) {
		int i = (k + first) % NTARGET;
		int r = SignalKill_r(0, 0, target_tid[i], SIGRTMIN, SI_QUEUE, i);
		if (r == 0)
			__atomic_fetch_add(&stress_sent[i], 1, __ATOMIC_RELAXED);
		else if (r == -EAGAIN)
			spin(20);			/* the process's queue is full */
		else
			__atomic_fetch_add(&stress_bad, 1, __ATOMIC_RELAXED);
	}
}

static int stress_rounds;
static void *stress_sender(void *arg)
{
	send_signals(stress_rounds, 3);
	__atomic_fetch_add(&senders_done, 1, __ATOMIC_RELAXED);
	return 0;
}

static int stress(int rounds)
{
	qs_sigaction(SIGRTMIN, on_stress, SA_SIGINFO, 0);
	stress_chid[0] = ChannelCreate_r(0);
	stress_chid[1] = ChannelCreate_r(_NTO_CHF_UNBLOCK);
	for (long i = 0; i < 2; i++)
		target_tid[NCLIENT + i] = qs_thread_create(stress_server, (void *)i);
	for (int i = 0; i < NCLIENT; i++)
		target_tid[i] = qs_thread_create(stress_client, (void *)(long)i);
	target_tid[NCLIENT + 2] = 0;			/* the process */
	stress_rounds = rounds;
	qs_thread_create(stress_sender, 0);
	send_signals(rounds, 0);
	__atomic_fetch_add(&senders_done, 1, __ATOMIC_RELAXED);
	while (senders_done < 2)
		spin(10);
	/* Every queued signal is delivered: wait for the handlers to catch up. */
	for (int tries = 0; tries < 100000; tries++) {
		int all = 1;
		for (int i = 0; i < NTARGET; i++)
			all &= stress_got[i] == stress_sent[i];
		if (all)
			break;
		spin(5);
	}
	stress_done = 1;
	while (stress_exited < NCLIENT)
		spin(10);
	ChannelDestroy_r(stress_chid[0]);	/* the servers leave their receive */
	ChannelDestroy_r(stress_chid[1]);
	while (stress_exited < NCLIENT + 2)
		spin(10);
	int sent = 0, got = 0;
	for (int i = 0; i < NTARGET; i++) {
		sent += stress_sent[i];
		got += stress_got[i];
		if (stress_sent[i] != stress_got[i])
			qs_printf("usignal: stress: target %d: %d sent, %d handled\n", i,
				  stress_sent[i], stress_got[i]);
	}
	qs_printf("usignal: stress: %d signals sent, %d handled, %d errors\n", sent, got,
		  stress_bad);
	return sent != got || stress_bad != 0 || sent == 0;
}

/* --- The kernel's signal (mode 8) -------------------------------------------------------------- */
static int wait_kernel(void)
{
	siginfo_t info;
	sigset_t m = qs_sigset1(SIGUSR2);
	qs_sigmask(SIG_BLOCK, &m, 0);
	int r = SignalWaitinfo_r(&m, &info);
	qs_printf("usignal: waitinfo %d code %d value %d pid %d\n", r, info.si_code,
		  info.si_value.sival_int, info.si_pid);
	return !(r == SIGUSR2 && info.si_code == -7 && info.si_value.sival_int == 1234 &&
		 info.si_pid == 0);
}

/* --- Benchmarks (mode 9, under qemu -icount shift=0: rdcycle counts instructions) ------- */
static unsigned long cycles(void)
{
	unsigned long v;
	__asm__ __volatile__("rdcycle %0" : "=r"(v));
	return v;
}

static volatile int bench_hits;
static void on_bench(int signo, siginfo_t *info, void *ctx)
{
	bench_hits++;
}

/* Median over 5 batches of n calls of what (0: a handled signal to ourselves, 1: a
 * SignalProcmask that changes the mask, 2: 0 with dirty FP registers). */
static unsigned long bench_one(int what, int n)
{
	unsigned long b[5];
	sigset_t m = qs_sigset1(SIGUSR2);
	for (int k = 0; k < 5; k++) {
		unsigned long t0 = cycles();
		for (int i = 0; i < n; i++) {
			if (what == 1) {
				SignalProcmask_r(0, 0, (i & 1) ? SIG_UNBLOCK : SIG_BLOCK, &m, 0);
				continue;
			}
			if (what == 2)
				__asm__ __volatile__("fcvt.d.w ft0, %0" :: "r"(i) : "ft0");
			SignalKill_r(0, 0, 1, SIGUSR1, 0, 0);
		}
		b[k] = (cycles() - t0) / (unsigned long)n;
	}
	for (int i = 1; i < 5; i++)
		for (int j = i; j > 0 && b[j - 1] > b[j]; j--) {
			unsigned long t = b[j];
			b[j] = b[j - 1];
			b[j - 1] = t;
		}
	return b[2];
}

static int bench(void)
{
	qs_sigaction(SIGUSR1, on_bench, SA_SIGINFO, 0);
	qs_printf("bench signal_self_handler %lu insns\n", bench_one(0, 200));
	qs_printf("bench signal_procmask %lu insns\n", bench_one(1, 200));
	qs_printf("bench signal_self_handler_fp %lu insns\n", bench_one(2, 200));
	return bench_hits == 2000 ? 3 : 0;
}

int main(long arg)
{
	int mode = (int)(arg & 0xff);
	my_pid = 0;
	/* Our pid: what SignalKill puts in si_pid. */
	qs_sigaction(SIGUSR1, on_usr1, SA_SIGINFO, 0);
	SignalKill_r(0, 0, 0, SIGUSR1, 0, 0);
	my_pid = usr1_pid;
	qs_sigdefault(SIGUSR1, SIG_DFL);
	if (mode >= 1 && mode <= 6)
		return die(mode);
	if (mode == 7)
		return stress((int)(arg >> 8));
	if (mode == 8)
		return wait_kernel();
	if (mode == 9)
		return bench();
	test_errors();
	test_handlers();
	test_registers();
	test_waits();
	test_messages();
	test_event();
	test_fault();
	/* Leave queued records behind, the thread's and the process's: the kernel frees
	 * them when we end (test=signal's no-leaks check counts heap objects). */
	sigset_t rt = qs_sigset1(SIGRTMIN);
	qs_sigaction(SIGRTMIN, on_rt, SA_SIGINFO, 0);
	qs_sigmask(SIG_BLOCK, &rt, 0);
	for (int v = 0; v < 3; v++) {
		SignalKill_r(0, 0, 1, SIGRTMIN, SI_QUEUE, v);
		SignalKill_r(0, 0, 0, SIGRTMIN, SI_QUEUE, v);
	}
	qs_printf("usignal: %d failures\n", failures);
	return failures;
}
