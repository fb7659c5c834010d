/*
 * The hart's timer: the periodic scheduler tick and the kernel timers' deadlines
 * (kern/ktimer.c) share the SBI timer, which is programmed for whichever comes first.
 */
#include <skimmer/globaldata.h>
#include <skimmer/ktimer.h>
#include <arch/sbi.h>

static uint64_t tick_period;		/* timebase ticks per scheduler tick */
static uint64_t programmed[MAXCPU];	/* what each hart's SBI timer is set for */

void timer_init(uint64_t hz)
{
	tick_period = hz / CONFIG_HZ;
	ktimer_boot(hz);
}

static void program(struct globaldata *gd, uint64_t when)
{
	programmed[gd->gd_cpuid] = when;
	sbi_set_timer(when);
}

/* Start this hart's tick. Called once per hart during bring-up. */
void timer_start_hart(void)
{
	struct globaldata *gd = mycpu();
	gd->gd_next_tick = cpu_time() + tick_period;
	program(gd, gd->gd_next_tick);
}

void timer_program_earlier(uint64_t deadline)
{
	struct globaldata *gd = mycpu();
	if (deadline < programmed[gd->gd_cpuid])
		program(gd, deadline);
}

/* Timer interrupt (interrupts off). Tick deadlines advance by whole periods, so the
 * tick does not drift however late the interrupt is taken; an interrupt that came for a
 * kernel timer (or early) leaves the tick alone. */
void timer_intr(void)
{
	struct globaldata *gd = mycpu();
	uint64_t now = cpu_time();
	bool tick = now >= gd->gd_next_tick;
	if (tick) {
		do
			gd->gd_next_tick += tick_period;
		while (gd->gd_next_tick <= now);
	}
	uint64_t next = ktimer_intr(now);
	program(gd, MIN(next, gd->gd_next_tick));
	if (tick) {
		trace(TR_TICK, gd->gd_ticks, 0);
		lwkt_tick();
	}
}
