/* The scheduler tick: a periodic per-hart timer on the SBI timer extension. */
#include <skimmer/globaldata.h>
#include <arch/sbi.h>

static uint64_t tick_period;	/* timebase ticks per scheduler tick */

void timer_init(uint64_t timebase_hz)
{
	tick_period = timebase_hz / CONFIG_HZ;
}

/* Start this hart's tick. Called once per hart during bring-up. */
void timer_start_hart(void)
{
	struct globaldata *gd = mycpu();
	gd->gd_next_tick = cpu_time() + tick_period;
	sbi_set_timer(gd->gd_next_tick);
}

/* Timer interrupt (interrupts off). Deadlines advance by whole periods, so the
 * tick does not drift however late the interrupt is taken. */
void timer_intr(void)
{
	struct globaldata *gd = mycpu();
	uint64_t now = cpu_time();
	do
		gd->gd_next_tick += tick_period;
	while (gd->gd_next_tick <= now);
	sbi_set_timer(gd->gd_next_tick);
	trace(TR_TICK, gd->gd_ticks, 0);
	lwkt_tick();
}
