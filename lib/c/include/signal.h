/* <signal.h>: POSIX signals on QNX's numbers and layouts (sys/neutrino.h), replacing picolibc's. */
/*
 * sys/neutrino.h is the one definition of sigset_t, siginfo_t, struct sigaction,
 * struct sigevent, union sigval and the signal numbers, because the kernel copies them;
 * this header adds the POSIX functions over them (lib/c/signal.c, lib/c/sigset.c).
 */
#ifndef _SIGNAL_H_
#define _SIGNAL_H_
#define _SYS_SIGNAL_H		/* picolibc's own: never wanted beside ours */

#include <sys/neutrino.h>
#include <sys/types.h>
#include <sys/_timespec.h>

typedef int sig_atomic_t;
typedef void (*_sig_func_ptr)(int);
typedef _sig_func_ptr sighandler_t;
typedef _sig_func_ptr sig_t;

#define NSIG		(_SIGMAX + 1)
#define _NSIG		NSIG
#define SA_RESTART	0	/* accepted: calls interrupted by handlers fail EINTR */
#define SA_ONSTACK	0	/* accepted: no alternate stacks */
#define SA_NOCLDWAIT	0	/* accepted */

#define CLD_EXITED	1
#define CLD_KILLED	2
#define CLD_DUMPED	3
#define CLD_TRAPPED	4
#define CLD_STOPPED	5
#define CLD_CONTINUED	6

_sig_func_ptr signal(int sig, _sig_func_ptr func);
int	raise(int sig);
int	kill(pid_t pid, int sig);
int	killpg(pid_t pgrp, int sig);
int	sigaction(int sig, const struct sigaction *act, struct sigaction *oact);
int	sigprocmask(int how, const sigset_t *set, sigset_t *oset);
int	pthread_sigmask(int how, const sigset_t *set, sigset_t *oset);
int	pthread_kill(pthread_t thread, int sig);
int	sigemptyset(sigset_t *set);
int	sigfillset(sigset_t *set);
int	sigaddset(sigset_t *set, int sig);
int	sigdelset(sigset_t *set, int sig);
int	sigismember(const sigset_t *set, int sig);
int	sigpending(sigset_t *set);
int	sigsuspend(const sigset_t *set);
int	sigwait(const sigset_t *set, int *sig);
int	sigwaitinfo(const sigset_t *set, siginfo_t *info);
int	sigtimedwait(const sigset_t *set, siginfo_t *info, const struct timespec *timeout);
int	sigqueue(pid_t pid, int sig, const union sigval value);
int	siginterrupt(int sig, int flag);
void	psignal(int sig, const char *s);
#define SIG2STR_MAX	32
int	sig2str(int sig, char *str);
int	str2sig(const char *__restrict str, int *__restrict sig);
extern const char *const sys_siglist[];

#endif
