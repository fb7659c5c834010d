/* libctest: signals: sigaction and raise, kill of self, masks and pending, SIG_IGN, SIGCHLD. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "libctest.h"

static volatile sig_atomic_t hits, last_sig, last_code, mask_had_usr2;

static void on_sig(int sig)
{
	hits++;
	last_sig = sig;
}

static void on_info(int sig, siginfo_t *si, void *ctx)
{
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	mask_had_usr2 = sigismember(&now, SIGUSR2);
	hits++;
	last_sig = si->si_signo;
	last_code = si->si_code;
}

static void handle(int sig, void (*fn)(int))
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fn;
	sigaction(sig, &sa, NULL);
}

static void actions(void)
{
	struct sigaction sa, old;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sig;
	int a = sigaction(SIGUSR1, &sa, NULL);
	hits = 0;
	int r = raise(SIGUSR1);
	check("libc-signal-raise-runs-handler", a == 0 && r == 0 && hits == 1 &&
	      last_sig == SIGUSR1, "sigaction %d raise %d hits %d", a, r, (int)hits);

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_info;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	int b = sigaction(SIGUSR1, &sa, &old);
	hits = 0;
	mask_had_usr2 = 0;
	int k = kill(getpid(), SIGUSR1);
	for (int i = 0; i < 100 && !hits; i++)
		usleep(1000);
	check("libc-signal-kill-self-siginfo-samask", b == 0 && old.sa_handler == on_sig &&
	      k == 0 && hits == 1 && last_sig == SIGUSR1 && last_code == SI_USER &&
	      mask_had_usr2, "old handler ok %d kill %d hits %d code %d mask %d",
	      old.sa_handler == on_sig, k, (int)hits, (int)last_code, (int)mask_had_usr2);

	errno = 0;
	int bad = sigaction(SIGKILL, &sa, NULL);
	int e = errno;
	errno = 0;
	int bad2 = kill(getpid(), 999);
	int e2 = errno;
	check("libc-signal-sigkill-uncatchable-bad-signo", bad < 0 && e == EINVAL && bad2 < 0 &&
	      e2 == EINVAL, "sigaction %d/%d kill %d/%d", bad, e, bad2, e2);
	handle(SIGUSR1, SIG_DFL);
}

static void masks(void)
{
	sigset_t set, old, pend;
	handle(SIGUSR2, on_sig);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, &old);
	hits = 0;
	raise(SIGUSR2);
	int held = hits == 0;
	sigpending(&pend);
	int pending = sigismember(&pend, SIGUSR2);
	sigprocmask(SIG_SETMASK, &old, NULL);
	check("libc-signal-blocked-pending-then-delivered", held && pending == 1 && hits == 1,
	      "held %d pending %d hits %d", held, pending, (int)hits);

	handle(SIGUSR2, SIG_IGN);
	hits = 0;
	raise(SIGUSR2);
	sigpending(&pend);
	check("libc-signal-ignored", hits == 0 && !sigismember(&pend, SIGUSR2), "hits %d",
	      (int)hits);
	handle(SIGUSR2, SIG_DFL);

	sigfillset(&set);
	int full = sigismember(&set, SIGINT) && sigismember(&set, SIGCHLD);
	sigdelset(&set, SIGINT);
	errno = 0;
	int bad = sigaddset(&set, 0);
	check("libc-sigset-ops", full && !sigismember(&set, SIGINT) && bad < 0 &&
	      errno == EINVAL, "full %d bad %d", full, bad);
}

/* A child's end is announced with SIGCHLD; sigsuspend waits for it. */
static void sigchld(void)
{
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old);
	handle(SIGCHLD, on_sig);
	hits = 0;
	last_sig = 0;
	char *av[] = { "libctest", "exit", "3", NULL };
	pid_t pid = lt_spawn(av, -1, -1, -1);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	sigset_t wait_mask = old;
	sigdelset(&wait_mask, SIGCHLD);
	int r = pid > 0 ? sigsuspend(&wait_mask) : 0;
	int e = errno;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	sigprocmask(SIG_SETMASK, &old, NULL);
	int st = lt_wait(pid);
	check("libc-signal-sigchld-ends-sigsuspend", pid > 0 && r < 0 && e == EINTR &&
	      hits == 1 && last_sig == SIGCHLD && st == 3, "sigsuspend %d errno %d hits %d "
	      "sig %d child %d", r, e, (int)hits, (int)last_sig, st);
	handle(SIGCHLD, SIG_DFL);
}

void test_signals(void)
{
	actions();
	masks();
	sigchld();
}
