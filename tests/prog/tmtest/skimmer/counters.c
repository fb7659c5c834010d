/* tmtest's leak counters on Skimmer: free pages, kernel heap objects, threads, processes. */
#include <sys/neutrino.h>
#include "../counters.h"

int counters_read(struct counters *c)
{
	struct _qsoe_sysinfo si;
	if (KerSysInfo(&si) < 0)
		return -1;
	c->free_pages = si.free_pages;
	c->heap_objects = si.heap_objects;
	c->threads = si.threads;
	c->procs = si.procs;
	return 0;
}
