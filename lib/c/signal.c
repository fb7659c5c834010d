/* Signals: sigaction and friends on the kernel's Signal* calls, raise, pause, alarm, timers. */
/*
 * Handlers run through the seam's trampoline (__libc_sigstub), which SignalAction
 * registers with every action. Blocking calls interrupted by a handler fail with EINTR
 * (no SA_RESTART). alarm() is a per-process timer (TimerCreate) made on first use.
 */
#include <signal.h>
#include <string.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include "libc.h"

void __libc_sigstub(void);

static int sig_ok(int sig)
{
	return sig >= _SIGMIN && sig <= _SIGMAX;
}

int sigaction(int sig, const struct sigaction *act, struct sigaction *oact)
{
	if (!sig_ok(sig))
		return __seterr(EINVAL);
	if (act && (sig == SIGKILL || sig == SIGSTOP) && act->sa_handler != SIG_DFL)
		return __seterr(EINVAL);
	int r = SignalAction_r(0, __libc_sigstub, sig, act, oact);
	return r < 0 ? __seterr(-r) : 0;
}

_sig_func_ptr signal(int sig, _sig_func_ptr func)
{
	struct sigaction sa, old;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = func;
	if (sigaction(sig, &sa, &old) < 0)
		return SIG_ERR;
	return old.sa_handler;
}

int raise(int sig)
{
	if (!sig_ok(sig) && sig != 0)
		return __seterr(EINVAL);
	int r = SignalKill_r(0, __libc_pid(), __libc_tid(), sig, SI_USER, 0);
	return r < 0 ? __seterr(-r) : 0;
}

int pthread_kill(pthread_t thread, int sig)
{
	if (!sig_ok(sig) && sig != 0)
		return EINVAL;
	int r = SignalKill_r(0, __libc_pid(), thread, sig, SI_USER, 0);
	return r < 0 ? -r : 0;
}

int sigprocmask(int how, const sigset_t *set, sigset_t *oset)
{
	if (set && how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
		return __seterr(EINVAL);
	int r = SignalProcmask_r(0, 0, set ? how : SIG_BLOCK, set, oset);
	return r < 0 ? __seterr(-r) : 0;
}

int pthread_sigmask(int how, const sigset_t *set, sigset_t *oset)
{
	return sigprocmask(how, set, oset) < 0 ? errno : 0;
}

int sigpending(sigset_t *set)
{
	if (set == NULL)
		return __seterr(EFAULT);
	int r = SignalProcmask_r(0, 0, SIG_PENDING, NULL, set);
	return r < 0 ? __seterr(-r) : 0;
}

int sigsuspend(const sigset_t *set)
{
	if (set == NULL)
		return __seterr(EFAULT);
	int r = SignalSuspend_r(set);
	return __seterr(r < 0 ? -r : EINTR);
}

int pause(void)
{
	sigset_t cur;
	SignalProcmask_r(0, 0, SIG_BLOCK, NULL, &cur);
	return sigsuspend(&cur);
}

int sigwaitinfo(const sigset_t *set, siginfo_t *info)
{
	if (set == NULL)
		return __seterr(EFAULT);
	siginfo_t si;
	int r = SignalWaitinfo_r(set, info ? info : &si);
	return r < 0 ? __seterr(-r) : r;
}

int sigtimedwait(const sigset_t *set, siginfo_t *info, const struct timespec *timeout)
{
	if (set == NULL)
		return __seterr(EFAULT);
	if (timeout == NULL)
		return sigwaitinfo(set, info);
	if (timeout->tv_sec < 0 || timeout->tv_nsec < 0 || timeout->tv_nsec >= 1000000000L)
		return __seterr(EINVAL);
	uint64_t ns = (uint64_t)timeout->tv_sec * 1000000000ull + (uint64_t)timeout->tv_nsec;
	TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_SIGWAITINFO, NULL, &ns, NULL);
	siginfo_t si;
	int r = SignalWaitinfo_r(set, info ? info : &si);
	if (r == -ETIMEDOUT)
		return __seterr(EAGAIN);
	return r < 0 ? __seterr(-r) : r;
}

int sigwait(const sigset_t *set, int *sig)
{
	if (set == NULL || sig == NULL)
		return EINVAL;
	for (;;) {
		siginfo_t si;
		int r = SignalWaitinfo_r(set, &si);
		if (r == -EINTR)
			continue;	/* POSIX: sigwait never fails with EINTR */
		if (r < 0)
			return -r;
		*sig = r;
		return 0;
	}
}

int siginterrupt(int sig, int flag)
{
	return sig_ok(sig) ? 0 : __seterr(EINVAL);	/* calls are always interrupted */
}

/* --- Sets ------------------------------------------------------------------------------------ */
int sigemptyset(sigset_t *set)
{
	if (set == NULL)
		return __seterr(EFAULT);
	set->__bits[0] = set->__bits[1] = 0;
	return 0;
}

int sigfillset(sigset_t *set)
{
	if (set == NULL)
		return __seterr(EFAULT);
	set->__bits[0] = set->__bits[1] = ~0u;
	return 0;
}

int sigaddset(sigset_t *set, int sig)
{
	if (set == NULL || !sig_ok(sig))
		return __seterr(EINVAL);
	set->__bits[(sig - 1) / 32] |= 1u << ((sig - 1) % 32);
	return 0;
}

int sigdelset(sigset_t *set, int sig)
{
	if (set == NULL || !sig_ok(sig))
		return __seterr(EINVAL);
	set->__bits[(sig - 1) / 32] &= ~(1u << ((sig - 1) % 32));
	return 0;
}

int sigismember(const sigset_t *set, int sig)
{
	if (set == NULL || !sig_ok(sig))
		return __seterr(EINVAL);
	return (set->__bits[(sig - 1) / 32] >> ((sig - 1) % 32)) & 1;
}

/* --- Names ------------------------------------------------------------------------------------ */
const char *const sys_siglist[NSIG] = {
	[SIGHUP] = "Hangup", [SIGINT] = "Interrupt", [SIGQUIT] = "Quit",
	[SIGILL] = "Illegal instruction", [SIGTRAP] = "Trace trap", [SIGABRT] = "Abort",
	[SIGEMT] = "EMT trap", [SIGFPE] = "Floating point exception", [SIGKILL] = "Killed",
	[SIGBUS] = "Bus error", [SIGSEGV] = "Segmentation fault", [SIGSYS] = "Bad system call",
	[SIGPIPE] = "Broken pipe", [SIGALRM] = "Alarm clock", [SIGTERM] = "Terminated",
	[SIGUSR1] = "User signal 1", [SIGUSR2] = "User signal 2", [SIGCHLD] = "Child exited",
	[SIGPWR] = "Power failure", [SIGWINCH] = "Window changed", [SIGURG] = "Urgent I/O",
	[SIGPOLL] = "I/O possible", [SIGSTOP] = "Stopped (signal)", [SIGTSTP] = "Stopped",
	[SIGCONT] = "Continued", [SIGTTIN] = "Stopped (tty input)",
	[SIGTTOU] = "Stopped (tty output)", [SIGVTALRM] = "Virtual timer expired",
	[SIGPROF] = "Profiling timer expired", [SIGXCPU] = "CPU time limit exceeded",
	[SIGXFSZ] = "File size limit exceeded",
};

/* Names without "SIG", as kill -l and sig2str give them. */
static const char *const signames[NSIG] = {
	[SIGHUP] = "HUP", [SIGINT] = "INT", [SIGQUIT] = "QUIT", [SIGILL] = "ILL",
	[SIGTRAP] = "TRAP", [SIGABRT] = "ABRT", [SIGEMT] = "EMT", [SIGFPE] = "FPE",
	[SIGKILL] = "KILL", [SIGBUS] = "BUS", [SIGSEGV] = "SEGV", [SIGSYS] = "SYS",
	[SIGPIPE] = "PIPE", [SIGALRM] = "ALRM", [SIGTERM] = "TERM", [SIGUSR1] = "USR1",
	[SIGUSR2] = "USR2", [SIGCHLD] = "CHLD", [SIGPWR] = "PWR", [SIGWINCH] = "WINCH",
	[SIGURG] = "URG", [SIGPOLL] = "POLL", [SIGSTOP] = "STOP", [SIGTSTP] = "TSTP",
	[SIGCONT] = "CONT", [SIGTTIN] = "TTIN", [SIGTTOU] = "TTOU", [SIGVTALRM] = "VTALRM",
	[SIGPROF] = "PROF", [SIGXCPU] = "XCPU", [SIGXFSZ] = "XFSZ",
};

/* POSIX.1-2024: sig's name without "SIG" into str[SIG2STR_MAX]; real-time signals are
 * "RTMIN", "RTMIN+n" (lower half), "RTMAX-n", "RTMAX". 0, or -1 for no such signal. */
int sig2str(int sig, char *str)
{
	if (sig > 0 && sig < NSIG && signames[sig])
		strcpy(str, signames[sig]);
	else if (sig == SIGRTMIN || sig == SIGRTMAX)
		strcpy(str, sig == SIGRTMIN ? "RTMIN" : "RTMAX");
	else if (sig > SIGRTMIN && sig <= (SIGRTMIN + SIGRTMAX) / 2)
		snprintf(str, SIG2STR_MAX, "RTMIN+%d", sig - SIGRTMIN);
	else if (sig > SIGRTMIN && sig < SIGRTMAX)
		snprintf(str, SIG2STR_MAX, "RTMAX-%d", SIGRTMAX - sig);
	else
		return -1;
	return 0;
}

/* A decimal number (no sign) in [0, limit]: its value, or -1. */
static int sig_number(const char *s, int limit)
{
	int n = 0;
	if (*s == 0)
		return -1;
	for (; *s >= '0' && *s <= '9'; s++)
		if ((n = n * 10 + (*s - '0')) > limit)
			return -1;
	return *s ? -1 : n;
}

/* "RTMIN", "RTMIN+n", "RTMAX-n", "RTMAX" as a signal number, or -1. */
static int rt_name(const char *s)
{
	if (strncmp(s, "RTMIN", 5) != 0 && strncmp(s, "RTMAX", 5) != 0)
		return -1;
	int max = s[4] == 'X';
	if (s[5] == 0)
		return max ? SIGRTMAX : SIGRTMIN;
	int n = s[5] == (max ? '-' : '+') ? sig_number(s + 6, SIGRTMAX - SIGRTMIN) : -1;
	if (n < 0)
		return -1;
	return max ? SIGRTMAX - n : SIGRTMIN + n;
}

/* POSIX.1-2024: the signal named str (as sig2str writes it) or numbered str (decimal, not
 * 0) into *sig. 0, or -1 if there is none. */
int str2sig(const char *str, int *sig)
{
	int n = sig_number(str, NSIG - 1);
	for (int i = 1; n < 0 && i < NSIG; i++)
		if (signames[i] && strcmp(str, signames[i]) == 0)
			n = i;
	if (n < 0)
		n = rt_name(str);
	if (n <= 0)
		return -1;
	*sig = n;
	return 0;
}

char *strsignal(int sig)
{
	static __thread char buf[32];
	if (sig > 0 && sig < NSIG && sys_siglist[sig])
		return (char *)sys_siglist[sig];
	if (sig >= SIGRTMIN && sig <= SIGRTMAX)
		snprintf(buf, sizeof buf, "Real-time signal %d", sig - SIGRTMIN);
	else
		snprintf(buf, sizeof buf, "Unknown signal %d", sig);
	return buf;
}

void psignal(int sig, const char *s)
{
	if (s && *s)
		fprintf(stderr, "%s: %s\n", s, strsignal(sig));
	else
		fprintf(stderr, "%s\n", strsignal(sig));
}

/* --- alarm and POSIX timers -------------------------------------------------------------- */
static int alarm_timer = -1;
static sync_t alarm_lock = LIBC_LOCK_INIT;

unsigned alarm(unsigned seconds)
{
	__libc_lock(&alarm_lock);
	if (alarm_timer < 0) {
		struct sigevent ev;
		SIGEV_SIGNAL_INIT(&ev, SIGALRM);
		alarm_timer = TimerCreate_r(CLOCK_MONOTONIC, &ev);
	}
	int id = alarm_timer;
	__libc_unlock(&alarm_lock);
	if (id < 0)
		return 0;
	struct _itimer it = { .nsec = (uint64_t)seconds * 1000000000ull }, old = { 0 };
	if (TimerSettime_r(id, 0, &it, &old) < 0)
		return 0;
	return (unsigned)((old.nsec + 999999999ull) / 1000000000ull);
}

int timer_create(clockid_t clk, struct sigevent *ev, timer_t *id)
{
	if (id == NULL)
		return __seterr(EFAULT);
	struct sigevent def;
	if (ev == NULL) {
		SIGEV_SIGNAL_INIT(&def, SIGALRM);
		ev = &def;
	}
	int r = TimerCreate_r(clk, ev);
	if (r < 0)
		return __seterr(-r);
	*id = r;
	return 0;
}

int timer_delete(timer_t id)
{
	int r = TimerDestroy_r(id);
	return r < 0 ? __seterr(-r) : 0;
}

static uint64_t ts2ns(const struct timespec *t)
{
	return (uint64_t)t->tv_sec * 1000000000ull + (uint64_t)t->tv_nsec;
}

static void ns2ts(uint64_t ns, struct timespec *t)
{
	t->tv_sec = (time_t)(ns / 1000000000ull);
	t->tv_nsec = (long)(ns % 1000000000ull);
}

int timer_settime(timer_t id, int flags, const struct itimerspec *v, struct itimerspec *ov)
{
	if (v == NULL)
		return __seterr(EFAULT);
	if (v->it_value.tv_nsec < 0 || v->it_value.tv_nsec >= 1000000000L ||
	    v->it_interval.tv_nsec < 0 || v->it_interval.tv_nsec >= 1000000000L ||
	    v->it_value.tv_sec < 0 || v->it_interval.tv_sec < 0)
		return __seterr(EINVAL);
	struct _itimer it = { ts2ns(&v->it_value), ts2ns(&v->it_interval) }, old = { 0 };
	int r = TimerSettime_r(id, flags & TIMER_ABSTIME, &it, &old);
	if (r < 0)
		return __seterr(-r);
	if (ov) {
		ns2ts(old.nsec, &ov->it_value);
		ns2ts(old.interval_nsec, &ov->it_interval);
	}
	return 0;
}

int timer_gettime(timer_t id, struct itimerspec *v)
{
	if (v == NULL)
		return __seterr(EFAULT);
	struct _timer_info ti;
	int r = TimerInfo_r(0, id, 0, &ti);
	if (r < 0)
		return __seterr(-r);
	ns2ts((ti.flags & _NTO_TI_ACTIVE) ? ti.otime.nsec : 0, &v->it_value);
	ns2ts(ti.otime.interval_nsec, &v->it_interval);
	return 0;
}

int timer_getoverrun(timer_t id)
{
	struct _timer_info ti;
	int r = TimerInfo_r(0, id, 0, &ti);
	return r < 0 ? __seterr(-r) : (int)ti.overruns;
}
