/* Per-hart trace rings: each hart writes only its own ring, so recording needs no lock. */
#include <skimmer/trace.h>
#include <skimmer/globaldata.h>
#include <skimmer/kern.h>

const char *const trace_names[TR_NEVENTS] = {
	[TR_NONE] = "none",	    [TR_SWITCH] = "switch",	[TR_SCHED] = "sched",
	[TR_DESCHED] = "desched",   [TR_PUTPORT] = "putport",	[TR_REPLY] = "reply",
	[TR_IPIQ_SEND] = "ipiq-send", [TR_IPIQ_RECV] = "ipiq-recv", [TR_IRQ] = "irq",
	[TR_TICK] = "tick",	    [TR_EXIT] = "exit",		[TR_TEST] = "test",
};

/* Record an event on this hart's ring. Any context; a few dozen instructions. */
void trace(enum trace_event ev, uint64_t a, uint64_t b)
{
	unsigned long s = local_irq_save();	/* a trap must not interleave with our slot */
	struct globaldata *gd = mycpu();
	struct trace_ring *tr = &gd->gd_trace;
	struct trace_entry *e = &tr->tr_ent[tr->tr_next % TRACE_ENTRIES];
	e->te_time = cpu_time();
	e->te_event = ev;
	e->te_td = gd->gd_curthread ? gd->gd_curthread->td_id : 0;
	e->te_a = a;
	e->te_b = b;
	tr->tr_next++;
	local_irq_restore(s);
}

/* Print the last `last` entries of every online hart's ring. Only at quiescent
 * points (end of a test, panic): it takes the console for a long time. */
void trace_dump(int last)
{
	for (int c = 0; c < ncpus; c++) {
		struct trace_ring *tr = &globaldata_find(c)->gd_trace;
		uint64_t end = tr->tr_next;
		uint64_t n = MIN((uint64_t)last, MIN(end, (uint64_t)TRACE_ENTRIES));
		kprintf("trace hart-cpu %d: %lu events, last %lu:\n", c, (unsigned long)end,
			(unsigned long)n);
		for (uint64_t i = end - n; i < end; i++) {
			struct trace_entry *e = &tr->tr_ent[i % TRACE_ENTRIES];
			const char *name = e->te_event < TR_NEVENTS ? trace_names[e->te_event] : "?";
			kprintf("  %12lu td%-4u %-10s %#lx %#lx\n", (unsigned long)e->te_time,
				e->te_td, name, (unsigned long)e->te_a, (unsigned long)e->te_b);
		}
	}
}
