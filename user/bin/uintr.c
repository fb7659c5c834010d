/*
 * uintr: a user-mode driver for QEMU virt's goldfish RTC, and the interrupt calls'
 * conformance checks. The self-test (kernel stress/intr.c) passes main's argument as
 *	mode (bits 0..3) | irq (4..13) | rtc base >> 12 (14..37) | RAM base >> 21 (38..63)
 * so that no board address is written here. Modes:
 *	0 conformance: every call's errnos, mask nesting, detach twice, KerMapPhys checks
 *	1 driver, SIGEV_INTR: ROUNDS alarms, each waited for with InterruptWait
 *	2 driver, SIGEV_PULSE: ROUNDS alarms, each received as a pulse with MsgReceive
 *	3 kill: a second thread blocks in InterruptWait, main ends the process (status 9)
 *	4 bench: interrupt-to-thread latency in instructions (both event kinds)
 *	5 shared: main attaches SIGEV_NONE (the source is routed to its hart), a second
 *	  thread (on the next hart) takes ROUNDS alarms as SIGEV_INTR, unmasking both ids
 *	6 fuzz: FUZZ_CALLS random interrupt calls with hostile arguments, with privilege
 *	8 unblock: InterruptWait, ended by the harness as a signal would end it (EINTR)
 *	7 bench, blocked: BENCH_N alarms 1 ms ahead, each waited for in InterruptWait (the
 *	  kernel's probe measures them: stress/intr.c)
 * Exit status: the number of failed checks (mode 3: 9).
 */
#include <sys/neutrino.h>
#include "qsys.h"
#include "qintr.h"

#define EPERM  1
#define EINTR  4
#define ENOMEM 12
#define ROUNDS 20
#define ALARM_NS 2000000	/* 2 ms ahead */
#define PULSE_CODE 7
#define PULSE_VALUE 0x1234

static int irq;
static uint64_t rtc_pa, ram_pa;
static volatile uint32_t *rtc;

static int conformance(void)
{
	int fails = 0;
	struct sigevent ev;
	uint64_t t = 1;

	/* Without I/O privilege, everything is EPERM. */
	fails += !CHECK_EQ("intr-attach-thread-eperm", InterruptAttachThread_r(irq, 0), -EPERM);
	SIGEV_INTR_INIT(&ev);
	fails += !CHECK_EQ("intr-attach-event-eperm", InterruptAttachEvent_r(irq, &ev, 0), -EPERM);
	fails += !CHECK_EQ("intr-detach-eperm", InterruptDetach_r(1), -EPERM);
	fails += !CHECK_EQ("intr-wait-eperm", InterruptWait_r(0, NULL), -EPERM);
	fails += !CHECK_EQ("intr-mask-eperm", InterruptMask_r(irq, 1), -EPERM);
	fails += !CHECK_EQ("intr-unmask-eperm", InterruptUnmask_r(irq, 1), -EPERM);
	fails += !CHECK_EQ("mapphys-eperm", KerMapPhys_r(rtc_pa, 4096), -EPERM);
	fails += !CHECK_EQ("threadctl-io", ThreadCtl_r(_NTO_TCTL_IO, 0), 0);

	/* Bad sources, flags and events. */
	fails += !CHECK_EQ("intr-attach-irq0-einval", InterruptAttachThread_r(0, 0), -EINVAL);
	fails += !CHECK_EQ("intr-attach-negative-einval", InterruptAttachThread_r(-1, 0), -EINVAL);
	fails += !CHECK_EQ("intr-attach-huge-einval", InterruptAttachThread_r(100000, 0), -EINVAL);
	fails += !CHECK_EQ("intr-attach-flags-einval", InterruptAttachThread_r(irq, 0x100), -EINVAL);
	fails += !CHECK_EQ("intr-attach-event-null-efault", InterruptAttachEvent_r(irq, NULL, 0),
			   -EFAULT);
	fails += !CHECK_EQ("intr-attach-event-kernel-efault",
			   InterruptAttachEvent_r(irq, (const struct sigevent *)0x80200000, 0), -EFAULT);
	ev.sigev_notify = 99;
	fails += !CHECK_EQ("intr-attach-event-kind-einval", InterruptAttachEvent_r(irq, &ev, 0),
			   -EINVAL);
	SIGEV_PULSE_INIT(&ev, 1, 0, 1, 0);	/* pulse priority 0 */
	fails += !CHECK_EQ("intr-attach-event-prio0-einval", InterruptAttachEvent_r(irq, &ev, 0),
			   -EINVAL);

	/* Mask nesting through an id. */
	int id = InterruptAttachThread_r(irq, _NTO_INTR_FLAGS_TRK_MSK);
	fails += !qs_check("intr-attach-thread", id > 0, id, 1);
	fails += !CHECK_EQ("intr-mask-1", InterruptMask_r(irq, id), 1);
	fails += !CHECK_EQ("intr-mask-2", InterruptMask_r(irq, id), 2);
	fails += !CHECK_EQ("intr-unmask-1", InterruptUnmask_r(irq, id), 1);
	fails += !CHECK_EQ("intr-unmask-0", InterruptUnmask_r(irq, id), 0);
	fails += !CHECK_EQ("intr-unmask-below-zero-einval", InterruptUnmask_r(irq, id), -EINVAL);
	fails += !CHECK_EQ("intr-mask-wrong-irq-einval", InterruptMask_r(irq + 1, id), -EINVAL);
	fails += !CHECK_EQ("intr-mask-bad-id-einval", InterruptMask_r(irq, 12345), -EINVAL);
	fails += !CHECK_EQ("intr-mask-negative-id-einval", InterruptMask_r(irq, -1), -EINVAL);
	fails += !CHECK_EQ("intr-wait-flags-einval", InterruptWait_r(1, NULL), -EINVAL);
	fails += !CHECK_EQ("intr-wait-timeout-einval", InterruptWait_r(0, &t), -EINVAL);

	/* A second attachment to the same source; each id keeps its own masks, and
	 * detaching undoes them. */
	SIGEV_NONE_INIT(&ev);
	int id2 = InterruptAttachEvent_r(irq, &ev, 0);
	fails += !qs_check("intr-attach-event-none", id2 > 0 && id2 != id, id2, 1);
	fails += !CHECK_EQ("intr-mask-id2", InterruptMask_r(irq, id2), 1);
	fails += !CHECK_EQ("intr-mask-id-too", InterruptMask_r(irq, id), 2);
	fails += !CHECK_EQ("intr-detach-id2", InterruptDetach_r(id2), 0);
	fails += !CHECK_EQ("intr-detach-undoes-masks", InterruptUnmask_r(irq, id), 0);
	fails += !CHECK_EQ("intr-detach-twice-einval", InterruptDetach_r(id2), -EINVAL);
	fails += !CHECK_EQ("intr-mask-detached-einval", InterruptMask_r(irq, id2), -EINVAL);
	fails += !CHECK_EQ("intr-detach", InterruptDetach_r(id), 0);
	fails += !CHECK_EQ("intr-detach-again-einval", InterruptDetach_r(id), -EINVAL);
	fails += !CHECK_EQ("intr-detach-zero-einval", InterruptDetach_r(0), -EINVAL);

	/* KerMapPhys. */
	fails += !CHECK_EQ("mapphys-unaligned-einval", KerMapPhys_r(rtc_pa + 1, 4096), -EINVAL);
	fails += !CHECK_EQ("mapphys-zero-einval", KerMapPhys_r(rtc_pa, 0), -EINVAL);
	fails += !CHECK_EQ("mapphys-short-einval", KerMapPhys_r(rtc_pa, 100), -EINVAL);
	fails += !CHECK_EQ("mapphys-wraps-einval", KerMapPhys_r(0xfffffffffffff000UL, 0x2000),
			   -EINVAL);
	fails += !CHECK_EQ("mapphys-beyond-pa-einval", KerMapPhys_r(1UL << 56, 4096), -EINVAL);
	fails += !CHECK_EQ("mapphys-ram-eperm", KerMapPhys_r(ram_pa, 4096), -EPERM);
	fails += !CHECK_EQ("mapphys-kernel-eperm", KerMapPhys_r(ram_pa + 0x200000, 4096), -EPERM);
	fails += !CHECK_EQ("mapphys-into-ram-eperm", KerMapPhys_r(ram_pa - 4096, 8192), -EPERM);
	fails += !CHECK_EQ("mapphys-bigger-than-window-enomem",
			   KerMapPhys_r(0x1000000000UL, 0x80000000UL), -ENOMEM);
	long va = KerMapPhys_r(rtc_pa, 4096);
	fails += !qs_check("mapphys-rtc-in-window", va >= 0x3f00000000L && va < 0x3f40000000L, va,
			   0x3f00000000L);
	long va2 = KerMapPhys_r(rtc_pa, 4096);
	fails += !CHECK_EQ("mapphys-again-next-page", va2, va + 4096);
	if (va > 0 && va2 > 0) {
		volatile uint32_t *r1 = (volatile uint32_t *)va, *r2 = (volatile uint32_t *)va2;
		uint64_t t1 = rtc_now(r1), t2 = rtc_now(r2);
		fails += !qs_check("mapphys-registers-read", t1 > 0 && t2 >= t1, (long)t1, 1);
	}
	return fails;
}

static int map_rtc(void)
{
	int fails = !CHECK_EQ("threadctl-io", ThreadCtl_r(_NTO_TCTL_IO, 0), 0);
	long va = KerMapPhys_r(rtc_pa, 4096);
	fails += !qs_check("mapphys-rtc", va > 0, va, 1);
	rtc = va > 0 ? (volatile uint32_t *)va : NULL;
	if (rtc) {
		rtc_write(rtc, RTC_CLEAR_ALARM, 1);
		rtc_write(rtc, RTC_CLEAR_INTERRUPT, 1);
		rtc_write(rtc, RTC_IRQ_ENABLED, 1);
	}
	return fails;
}

/* The end of one alarm: the interrupt line down, the source open again (the kernel
 * masked it once when it delivered). True if the unmask did that. */
static int alarm_done(int id)
{
	rtc_write(rtc, RTC_CLEAR_INTERRUPT, 1);
	return InterruptUnmask_r(irq, id) == 0;
}

static int driver_intr(void)
{
	int fails = map_rtc(), ok = 0;
	if (!rtc)
		return fails;
	int id = InterruptAttachThread_r(irq, 0);
	fails += !qs_check("intr-driver-attach", id > 0, id, 1);
	/* An interrupt that comes before InterruptWait is kept: the wait returns at once. */
	rtc_alarm(rtc, 0);
	for (int i = 0; i < 1000; i++)
		KerNop();
	fails += !CHECK_EQ("intr-wait-after-interrupt-returns", InterruptWait_r(0, NULL), 0);
	fails += !CHECK_EQ("intr-unmask-after-early", alarm_done(id), 1);
	for (int r = 0; r < ROUNDS; r++) {
		uint64_t at = rtc_now(rtc) + ALARM_NS;
		rtc_alarm(rtc, at);
		int w = InterruptWait_r(0, NULL);
		uint64_t now = rtc_now(rtc);
		ok += w == 0 && now >= at && rtc_read(rtc, RTC_ALARM_STATUS) == 0 && alarm_done(id);
	}
	fails += !CHECK_EQ("intr-driver-alarms", ok, ROUNDS);
	fails += !CHECK_EQ("intr-driver-detach", InterruptDetach_r(id), 0);
	qs_printf("uintr: SIGEV_INTR driver: %d/%d alarms, %d failures\n", ok, ROUNDS, fails);
	return fails;
}

static int driver_pulse(void)
{
	int fails = map_rtc(), ok = 0;
	if (!rtc)
		return fails;
	int chid = ChannelCreate_r(0);
	int coid = ConnectAttach_r(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
	struct sigevent ev;
	SIGEV_PULSE_INIT(&ev, coid, SIGEV_PULSE_PRIO_INHERIT, PULSE_CODE, PULSE_VALUE);
	int id = InterruptAttachEvent_r(irq, &ev, 0);
	fails += !qs_check("intr-pulse-attach", chid > 0 && coid > 0 && id > 0, id, 1);
	for (int r = 0; r < ROUNDS; r++) {
		struct _pulse p = { 0 };
		uint64_t at = rtc_now(rtc) + ALARM_NS;
		rtc_alarm(rtc, at);
		int rcvid = MsgReceive_r(chid, &p, sizeof p, NULL);
		uint64_t now = rtc_now(rtc);
		ok += rcvid == 0 && p.code == PULSE_CODE && p.value.sival_int == PULSE_VALUE &&
		      now >= at && alarm_done(id);
	}
	fails += !CHECK_EQ("intr-pulse-alarms", ok, ROUNDS);
	fails += !CHECK_EQ("intr-pulse-detach", InterruptDetach_r(id), 0);
	qs_printf("uintr: SIGEV_PULSE driver: %d/%d alarms, %d failures\n", ok, ROUNDS, fails);
	return fails;
}

static volatile int waiter_ready;

static void *waiter(void *arg)
{
	int id = InterruptAttachThread_r(irq, 0);	/* I/O privilege is inherited */
	if (id <= 0)
		qs_printf("uintr: waiter: attach failed (%d)\n", id);
	waiter_ready = 1;
	InterruptWait_r(0, NULL);			/* no alarm armed: until killed */
	qs_printf("uintr: waiter: InterruptWait returned\n");
	return NULL;
}

static int kill_waiter(void)
{
	int fails = map_rtc();
	if (qs_thread_create(waiter, NULL) <= 0)
		return fails + 1;
	while (!waiter_ready)
		KerNop();
	/* Give the waiter time to block, and the harness time to see it blocked. */
	for (int i = 0; i < 100000; i++)
		KerNop();
	ThreadDestroy_r(-1, 0, (void *)9);
	return 100;	/* not reached */
}

static int shared_id0, shared_fails, shared_ok;
static volatile int shared_done;

static void *shared_waiter(void *arg)
{
	int id = InterruptAttachThread_r(irq, 0);
	shared_fails += !qs_check("intr-shared-attach-thread", id > 0 && id != shared_id0, id, 1);
	for (int r = 0; r < ROUNDS && id > 0; r++) {
		uint64_t at = rtc_now(rtc) + ALARM_NS;
		rtc_alarm(rtc, at);
		int w = InterruptWait_r(0, NULL);
		uint64_t now = rtc_now(rtc);
		rtc_write(rtc, RTC_CLEAR_INTERRUPT, 1);
		/* The kernel masked once per attachment: still masked through id0. */
		int m1 = InterruptUnmask_r(irq, id);
		int m0 = InterruptUnmask_r(irq, shared_id0);
		shared_ok += w == 0 && now >= at && m1 == 1 && m0 == 0;
	}
	shared_fails += !CHECK_EQ("intr-shared-detach-thread", InterruptDetach_r(id), 0);
	shared_done = 1;
	return NULL;
}

static int shared(void)
{
	int fails = map_rtc();
	struct sigevent ev;
	SIGEV_NONE_INIT(&ev);
	shared_id0 = InterruptAttachEvent_r(irq, &ev, 0);
	fails += !qs_check("intr-shared-attach-none", shared_id0 > 0, shared_id0, 1);
	if (!rtc || shared_id0 <= 0 || qs_thread_create(shared_waiter, NULL) <= 0)
		return fails + 1;
	while (!shared_done)
		KerNop();
	fails += shared_fails;
	fails += !CHECK_EQ("intr-shared-alarms", shared_ok, ROUNDS);
	fails += !CHECK_EQ("intr-shared-detach-none", InterruptDetach_r(shared_id0), 0);
	qs_printf("uintr: shared source: %d/%d alarms, %d failures\n", shared_ok, ROUNDS, fails);
	return fails;
}

#define FUZZ_CALLS 20000

static uint64_t fuzz_state = 0x9e3779b97f4a7c15ULL;

static uint64_t next(void)
{
	fuzz_state ^= fuzz_state << 13;
	fuzz_state ^= fuzz_state >> 7;
	fuzz_state ^= fuzz_state << 17;
	return fuzz_state;
}

/* Random calls 36..42 with arguments from a hostile pool (and live ids and the real
 * irq now and then). InterruptWait is only made where it cannot block for ever. Every
 * call must return a result or an errno; the process must end normally and the harness
 * then finds the source released and nothing leaked. */
static int fuzz(void)
{
	int fails = map_rtc();
	static const uint64_t pool[] = {
		0, 1, 2, 10, 11, 95, 96, 97, 1023, 4096, 0x1000, 0x101000, 0x80000000,
		0x80200000, 0xc000000, 0x3000000000, 0x3f00000000, 0x3ffffffffc, 0x4000000000,
		0xffffffffffffff00, (uint64_t)-1, 0x100000000, 0x1000000000,
	};
	struct sigevent ev[4];
	SIGEV_INTR_INIT(&ev[0]);
	SIGEV_NONE_INIT(&ev[1]);
	SIGEV_PULSE_INIT(&ev[2], 1, 10, 1, 0);
	ev[3].sigev_notify = 42;
	int ids[8] = { 0 }, nids = 0;
	unsigned long results[3] = { 0 };	/* >= 0, EINVAL, other errno */
	for (int i = 0; i < FUZZ_CALLS; i++) {
		uint64_t a[3];
		for (int k = 0; k < 3; k++) {
			uint64_t c = next() % 8;
			a[k] = c == 0 ? next() : c == 1 ? (uint64_t)irq : c == 2 && nids ?
			       (uint64_t)ids[next() % nids] : pool[next() % (sizeof pool / sizeof pool[0])];
		}
		long r;
		switch (next() % 7) {
		case 0:
			r = InterruptAttachEvent_r((int)a[0], next() % 2 ? &ev[next() % 4] :
						   (const struct sigevent *)a[1], (unsigned)(next() % 4 ? 0 : a[2]));
			break;
		case 1:
			r = InterruptAttachThread_r((int)a[0], (unsigned)(next() % 4 ? 0 : a[1]));
			break;
		case 2:
			r = InterruptDetach_r((int)a[0]);
			break;
		case 3:
			if ((int)a[0] == 0 && a[1] == 0)
				a[0] = 1;	/* would block for ever */
			r = InterruptWait_r((int)a[0], (const uint64_t *)a[1]);
			break;
		case 4:
			r = InterruptMask_r((int)a[0], (int)a[1]);
			break;
		case 5:
			r = InterruptUnmask_r((int)a[0], (int)a[1]);
			break;
		default:
			r = KerMapPhys_r(a[0], (size_t)a[1]);
			break;
		}
		results[r >= 0 ? 0 : r == -EINVAL ? 1 : 2]++;
		if (r > 0 && r < 0x40000000 && nids < 8)	/* an attach: an id to reuse */
			ids[nids++] = (int)r;
	}
	qs_printf("uintr: fuzz: %d calls: %ld results, %ld EINVAL, %ld other errors\n", FUZZ_CALLS,
		  (long)results[0], (long)results[1], (long)results[2]);
	return fails;	/* attachments left behind go with the process */
}

static uint64_t median(uint64_t *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

#define BENCH_N 15

/* From the RTC write that raises the interrupt to the driver thread running after its
 * InterruptWait (or MsgReceive): instructions under -icount, so exact. The alarm time 0
 * is already past, so the write itself raises the line. */
static int bench(void)
{
	uint64_t lat[BENCH_N];
	int fails = map_rtc();
	if (!rtc)
		return fails;
	int id = InterruptAttachThread_r(irq, 0);
	for (int i = 0; i < BENCH_N; i++) {
		rtc_write(rtc, RTC_ALARM_HIGH, 0);
		uint64_t t0 = rdcycle();
		rtc_write(rtc, RTC_ALARM_LOW, 0);
		InterruptWait_r(0, NULL);
		lat[i] = rdcycle() - t0;
		fails += !alarm_done(id);
	}
	qs_printf("bench intr_to_thread_sigev_intr %ld insns\n", (long)median(lat, BENCH_N));
	InterruptDetach_r(id);

	int chid = ChannelCreate_r(0);
	int coid = ConnectAttach_r(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
	struct sigevent ev;
	SIGEV_PULSE_INIT(&ev, coid, SIGEV_PULSE_PRIO_INHERIT, PULSE_CODE, PULSE_VALUE);
	id = InterruptAttachEvent_r(irq, &ev, 0);
	for (int i = 0; i < BENCH_N; i++) {
		struct _pulse p;
		rtc_write(rtc, RTC_ALARM_HIGH, 0);
		uint64_t t0 = rdcycle();
		rtc_write(rtc, RTC_ALARM_LOW, 0);
		MsgReceive_r(chid, &p, sizeof p, NULL);
		lat[i] = rdcycle() - t0;
		fails += !alarm_done(id);
	}
	qs_printf("bench intr_to_thread_pulse %ld insns\n", (long)median(lat, BENCH_N));
	InterruptDetach_r(id);
	return fails;
}

/* The harness ends the wait (no alarm is armed); the thread goes on. */
static int unblocked(void)
{
	int fails = map_rtc();
	int id = InterruptAttachThread_r(irq, 0);
	fails += !CHECK_EQ("intr-wait-ended-eintr", InterruptWait_r(0, NULL), -EINTR);
	fails += !CHECK_EQ("intr-unblocked-detach", InterruptDetach_r(id), 0);
	return fails;
}

static int bench_blocked(void)
{
	int fails = map_rtc();
	int id = rtc ? InterruptAttachThread_r(irq, 0) : -1;
	for (int i = 0; i < BENCH_N && id > 0; i++) {
		rtc_alarm(rtc, rtc_now(rtc) + 1000000);
		fails += InterruptWait_r(0, NULL) != 0;
		fails += !alarm_done(id);
	}
	InterruptDetach_r(id);
	return fails;
}

int main(long arg)
{
	int mode = (int)(arg & 0xf);
	irq = (int)((arg >> 4) & 0x3ff);
	rtc_pa = ((uint64_t)arg >> 14 & 0xffffff) << 12;
	ram_pa = ((uint64_t)arg >> 38) << 21;
	int fails;
	switch (mode) {
	case 0:
		fails = conformance();
		qs_printf("uintr: conformance: %d failures\n", fails);
		return fails;
	case 1:
		return driver_intr();
	case 2:
		return driver_pulse();
	case 3:
		return kill_waiter();
	case 4:
		return bench();
	case 5:
		return shared();
	case 6:
		return fuzz();
	case 7:
		return bench_blocked();
	case 8:
		return unblocked();
	default:
		return 99;
	}
}
