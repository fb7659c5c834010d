/* Signals for user programs until libc (user/lib/qsig.c): sigsets and SignalAction with
 * the sigstub that runs handlers. */
#ifndef QSIG_H
#define QSIG_H
#include <sys/neutrino.h>

/* The trampoline the kernel enters a handler through: it calls the handler (a3) with
 * (signo, info, context) and then SignalReturn(frame). */
void qs_sigstub(void);

static inline void qs_sigemptyset(sigset_t *s) { s->__bits[0] = s->__bits[1] = 0; }
static inline void qs_sigfillset(sigset_t *s) { s->__bits[0] = s->__bits[1] = ~0u; }
static inline void qs_sigaddset(sigset_t *s, int n)
{
	s->__bits[(n - 1) / 32] |= 1u << ((n - 1) % 32);
}
static inline int qs_sigismember(const sigset_t *s, int n)
{
	return (s->__bits[(n - 1) / 32] >> ((n - 1) % 32)) & 1;
}
static inline sigset_t qs_sigset1(int n)
{
	sigset_t s;
	qs_sigemptyset(&s);
	qs_sigaddset(&s, n);
	return s;
}

/* SignalAction for this process with qs_sigstub; mask: signals also blocked while the
 * handler runs (a bit per signal, bit n-1 for signal n). Returns 0 or -errno. */
int qs_sigaction(int signo, void (*handler)(int, siginfo_t *, void *), int flags,
		 unsigned long long mask);
/* The same with SIG_DFL or SIG_IGN. */
int qs_sigdefault(int signo, void (*what)(int));
/* The caller's mask: SignalProcmask(0, 0, how, set, old). */
int qs_sigmask(int how, const sigset_t *set, sigset_t *old);
#endif
