/* What tmtest compares before and after many spawns (the kernel's counters). */
#ifndef TMTEST_COUNTERS_H
#define TMTEST_COUNTERS_H
#include <stdint.h>
struct counters {
	uint64_t free_pages, heap_objects, threads, procs;
};
int counters_read(struct counters *c);	/* 0 or -1 */
#endif
