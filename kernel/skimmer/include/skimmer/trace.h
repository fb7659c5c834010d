/* Per-hart lock-free trace rings: cheap records from hot paths, dumped at quiescent points. */
#ifndef SKIMMER_TRACE_H
#define SKIMMER_TRACE_H

#include <skimmer/types.h>
#include <generated/autoconf.h>

#define TRACE_ENTRIES CONFIG_TRACE_ENTRIES
_Static_assert((TRACE_ENTRIES & (TRACE_ENTRIES - 1)) == 0, "TRACE_ENTRIES: power of two");

/* Event ids; keep trace_names[] in trace.c (and tools/gdb) in step. */
enum trace_event {
	TR_NONE,
	TR_SWITCH,	/* a = from td_id, b = to td_id */
	TR_SCHED,	/* a = td_id scheduled, b = source cpu */
	TR_DESCHED,	/* a = td_id */
	TR_PUTPORT,	/* a = msg, b = target td_id */
	TR_REPLY,	/* a = msg, b = error */
	TR_IPIQ_SEND,	/* a = target cpu, b = ring depth */
	TR_IPIQ_RECV,	/* a = entries drained */
	TR_IRQ,		/* a = scause code */
	TR_TICK,	/* a = ticks */
	TR_EXIT,	/* a = td_id */
	TR_TEST,	/* free for self-tests */
	TR_FPU,		/* a = td_id given the FPU, b = previous owner's (0: none) | 1 << 32 if saved */
	TR_MIGRATE,	/* a = td_id leaving this hart, b = the cpu it moves to */
	TR_NEVENTS
};

struct trace_entry {
	uint64_t te_time;	/* rdtime */
	uint32_t te_event;
	uint32_t te_td;		/* current td_id */
	uint64_t te_a, te_b;
};

struct trace_ring {
	uint64_t tr_next;	/* total records ever written; slot = tr_next % TRACE_ENTRIES */
	struct trace_entry tr_ent[TRACE_ENTRIES];
};

/* trace(ev, a, b) records an event: an inline in globaldata.h, which this header's
 * ring type is part of. */
void trace_dump(int last_per_hart);	/* quiescent points and panic only */
extern const char *const trace_names[TR_NEVENTS];

#endif
