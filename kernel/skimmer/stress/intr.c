/*
 * intr: device interrupts end to end. uintr (user/bin/uintr.c) is a user driver for the
 * goldfish RTC the device tree names: conformance of every interrupt call, then ROUNDS
 * real alarms taken with InterruptWait (SIGEV_INTR) and ROUNDS as pulses through
 * MsgReceive, then a process killed while a thread of it is blocked in InterruptWait.
 * After each, the RTC's source must be released: no attachment, masked (priority 0), no
 * mask count, routed nowhere. Then one source shared by two attachments, delivered to a
 * thread of another hart than the one it is routed to, and a fuzz of the calls. The
 * no-leaks check covers the attachments. Each run goes on another hart, so the source
 * is routed to different harts in turn.
 */
#include <skimmer/thread2.h>
#include <skimmer/proc.h>
#include <skimmer/selftest.h>
#include <skimmer/intr.h>
#include <skimmer/fdt.h>
#include <skimmer/errno.h>
#include <sys/neutrino.h>

extern struct fdt_info bootinfo;

#define ROUNDS 20	/* uintr's */

enum { M_CONFORM, M_INTR, M_PULSE, M_KILL, M_BENCH, M_SHARED, M_FUZZ, M_BENCH_BLOCKED, M_UNBLOCK };

/* main's argument for uintr: see there. */
static long uintr_arg(int mode)
{
	return (long)mode | (long)bootinfo.rtc_irq << 4 | (long)(bootinfo.rtc_base >> 12) << 14 |
	       (long)(bootinfo.mem[0].base >> 21) << 38;
}

static bool released(const char *name)
{
	struct intr_info ii;
	bool ok = intr_source_info(bootinfo.rtc_irq, &ii) && ii.ii_nattach == 0 &&
		  ii.ii_cpu == -1 && ii.ii_mask == 0 && ii.ii_prio == 0;
	return selftest_check(name, ok, "(attachments %d, cpu %d, masks %d, priority %u)",
			      ii.ii_nattach, ii.ii_cpu, ii.ii_mask, ii.ii_prio);
}

/* No source of the PLIC has an attachment left (the fuzz attaches to many). */
static bool all_released(const char *name)
{
	struct intr_info ii;
	uint32_t busy = 0;
	for (uint32_t irq = 1; intr_source_info(irq, &ii); irq++)
		if (ii.ii_nattach || ii.ii_mask || ii.ii_prio || ii.ii_cpu != -1)
			busy = busy ? busy : irq;
	return selftest_check(name, busy == 0, "(first busy source %u)", busy);
}

/* Run uintr in mode on cpu; true if it ended with status want. *waited: whether the
 * harness saw one of its threads blocked in InterruptWait on the RTC meanwhile; with
 * unblock, the harness then ends that wait with EINTR, as a signal would. */
static bool run_uintr_unblock(int mode, int cpu, long want, const char *name, bool *waited,
			      bool unblock)
{
	struct lwkt_msg exitmsg;
	struct proc *p;
	int err = selftest_spawn("uintr", cpu, uintr_arg(mode), &exitmsg, &p);
	if (err)
		return selftest_check(name, false, "(spawn failed: error %d)", err);
	while (!(__atomic_load_n(&exitmsg.ms_flags, __ATOMIC_ACQUIRE) & MSGF_DONE)) {
		struct intr_info ii;
		if (waited && intr_source_info(bootinfo.rtc_irq, &ii) && ii.ii_waiting > 0) {
			if (unblock && !*waited)
				intr_unblock_waiters(bootinfo.rtc_irq, EINTR);
			*waited = true;
		}
		/* Not every tick: a thread sharing our hart would have its time slice begun
		 * anew at each switch back, and never yield to its peers (lwkt_tick). */
		lwkt_sleep(4);
	}
	lwkt_waitmsg(&exitmsg);
	bool ok = p->p_how == PEXIT_NORMAL && p->p_status == want;
	selftest_check(name, ok, "(pid %u ended how %d status %ld)", p->p_pid, p->p_how,
		       p->p_status);
	proc_free(p);
	return ok;
}

static bool run_uintr(int mode, int cpu, long want, const char *name, bool *waited)
{
	return run_uintr_unblock(mode, cpu, want, name, waited, false);
}

bool intr_run(void)
{
	int pass = 0, n = 0;
	struct intr_info ii0, ii1;
	bool have = bootinfo.rtc_base && bootinfo.rtc_irq &&
		    intr_source_info(bootinfo.rtc_irq, &ii0);
#define CHECK(x) (n++, pass += (x))
	CHECK(selftest_check("intr-rtc-in-device-tree", have, "(base %#lx irq %u)",
			     (unsigned long)bootinfo.rtc_base, bootinfo.rtc_irq));
	if (!have) {
		kprintf("intr: no goldfish RTC, FAIL\n");
		return false;
	}
	CHECK(released("intr-rtc-masked-at-boot"));
	CHECK(run_uintr(M_CONFORM, 1 % ncpus, 0, "intr-conformance", NULL));
	CHECK(released("intr-released-after-conformance"));
	CHECK(run_uintr(M_INTR, 2 % ncpus, 0, "intr-sigev-intr-driver", NULL));
	intr_source_info(bootinfo.rtc_irq, &ii1);
	CHECK(selftest_check("intr-rtc-interrupts-taken", ii1.ii_count >= ii0.ii_count + ROUNDS + 1,
			     "(%lu)", (unsigned long)(ii1.ii_count - ii0.ii_count)));
	CHECK(released("intr-released-after-sigev-intr"));
	CHECK(run_uintr(M_PULSE, 3 % ncpus, 0, "intr-pulse-driver", NULL));
	CHECK(released("intr-released-after-pulses"));
	bool waited = false;
	CHECK(run_uintr(M_KILL, 1 % ncpus, 9, "intr-kill-while-in-interruptwait", &waited));
	CHECK(selftest_check("intr-waiter-was-blocked-in-state-intr", waited, NULL));
	CHECK(released("intr-released-after-kill"));
	waited = false;
	CHECK(run_uintr_unblock(M_UNBLOCK, 1 % ncpus, 0, "intr-wait-ended-like-a-signal", &waited,
				true));
	CHECK(selftest_check("intr-unblocked-waiter-was-in-state-intr", waited, NULL));
	/* Routed to the main thread's hart, delivered to a thread on the next one. */
	CHECK(run_uintr(M_SHARED, 2 % ncpus, 0, "intr-shared-source", NULL));
	CHECK(released("intr-released-after-shared"));
	CHECK(run_uintr(M_FUZZ, 3 % ncpus, 0, "intr-fuzz", NULL));
	CHECK(released("intr-released-after-fuzz"));
	CHECK(all_released("intr-every-source-released"));
#undef CHECK
	kprintf("intr: %d/%d checks, %s\n", pass, n, pass == n ? "PASS" : "FAIL");
	return pass == n;
}

static uint64_t median(uint64_t *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return n ? v[n / 2] : 0;
}

/* Run uintr in a bench mode on cpu 0; true if it ended with status 0. */
static bool bench_uintr(int mode)
{
	struct lwkt_msg exitmsg;
	struct proc *p;
	if (selftest_spawn("uintr", 0, uintr_arg(mode), &exitmsg, &p))
		return false;
	lwkt_waitmsg(&exitmsg);
	bool ok = p->p_how == PEXIT_NORMAL && p->p_status == 0;
	proc_free(p);
	return ok;
}

/* make bench: uintr's latency figures (it prints two), and the kernel probe's for a
 * driver blocked in InterruptWait when the alarm comes. Returns the number printed. */
int intr_bench_run(void)
{
	uint64_t v[16];
	int figures = 0;
	if (!bootinfo.rtc_base || !bootinfo.rtc_irq)
		return 0;
	if (bench_uintr(M_BENCH))
		figures += 2;
	intr_probe_take(v, 16);
	if (bench_uintr(M_BENCH_BLOCKED)) {
		int n = intr_probe_take(v, 16);
		kprintf("bench intr_claim_to_blocked_thread %lu insns\n", (unsigned long)median(v, n));
		figures++;
	}
	return figures;
}
