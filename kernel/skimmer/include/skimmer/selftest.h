/* Built-in self-tests, chosen at boot with test=NAME[,NAME...]. */
#ifndef SKIMMER_SELFTEST_H
#define SKIMMER_SELFTEST_H

#include <skimmer/types.h>

struct selftest {
	const char *st_name;
	/* Runs in a kernel thread on cpu 0; returns true on PASS. Prints its own
	 * final line "NAME: ... PASS|FAIL" and may print "check X: PASS|FAIL" lines. */
	bool (*st_run)(void);
	bool st_quiet;		/* needs an otherwise idle machine: no kstress beside it */
};

/* kstress running beside other tests (kstress.c). */
void kstress_background_start(void);
bool kstress_background_stop(void);	/* prints the kstress line; true on PASS */

bool msgstorm_run(void);
bool kstress_run(void);
bool sched_run(void);
bool bench_run(void);
bool crash_run(void);
bool user_run(void);
bool ustorm_run(void);
bool chanstorm_run(void);
bool fastpath_run(void);
bool boost_run(void);
bool sync_run(void);
bool fpu_run(void);
bool intr_run(void);
int intr_bench_run(void);	/* make bench: figures printed */
bool threads_run(void);
bool signal_run(void);
bool waits_run(void);
bool time_run(void);

/* Report one check: prints "check NAME: PASS|FAIL[ detail]" and returns ok. */
bool selftest_check(const char *name, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Completion reports from test threads to the thread that started them. The
 * message lives on the reporter's stack: the collector may free the reporter's
 * state as soon as it has replied, before the reporter has seen the reply.
 */
struct lwkt_port;
void selftest_report(struct lwkt_port *collector, void *ctx);	/* blocks until collected */
void *selftest_collect(void);	/* on the collector's own port: the next ctx, replied */

/* Start the boot-image program `name` on cpu with main's argument arg (at priority
 * 100, or pri); its end is reported on *exitmsg (see proc_spawn). Returns 0 or an
 * errno. */
struct proc;
int selftest_spawn_pri(const char *name, int cpu, int pri, long arg, struct lwkt_msg *exitmsg,
		       struct proc **out);
int selftest_spawn(const char *name, int cpu, long arg, struct lwkt_msg *exitmsg,
		   struct proc **out);
/* Start a server program (main's argument arg) and wait (up to ~5 s) until it has
 * created a channel. Returns its chid, or 0 (if *out was set, the server is still
 * running: wait for it). */
int selftest_spawn_server(const char *name, int cpu, long arg, struct lwkt_msg *exitmsg,
			  struct proc **out);
int selftest_spawn_server_pri(const char *name, int cpu, int pri, long arg,
			      struct lwkt_msg *exitmsg, struct proc **out);

/* Print the harts' counters and "skimmer: shutdown (ok|failure)", and power off. */
void selftest_finish(bool ok) __noreturn;
void selftest_start(void);	/* kmain: start the harness thread */
#endif
