/* Per-hart trace rings: each hart writes only its own ring, so recording needs no lock. */
#include <skimmer/trace.h>
#include <skimmer/globaldata.h>
#include <skimmer/kern.h>

const char *const trace_names[TR_NEVENTS] = {
	[TR_NONE] = "none",	    [TR_SWITCH] = "switch",	[TR_SCHED] = "sched",
	[TR_DESCHED] = "desched",   [TR_PUTPORT] = "putport",	[TR_REPLY] = "reply",
	[TR_IPIQ_SEND] = "ipiq-send", [TR_IPIQ_RECV] = "ipiq-recv", [TR_IRQ] = "irq",
	[TR_TICK] = "tick",	    [TR_EXIT] = "exit",		[TR_TEST] = "test",
	[TR_FPU] = "fpu",	    [TR_MIGRATE] = "migrate",
};

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
