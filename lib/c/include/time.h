/* <time.h>: picolibc's, with QNX's clock ids and TIMER_ABSTIME (sys/neutrino.h's values). */
#ifndef _QSOE_TIME_H
#define _QSOE_TIME_H
#include <sys/features.h>
#include_next <time.h>
#include <sys/neutrino.h>
/* picolibc numbers its clocks its own way; the kernel's are these (spelled exactly as
 * sys/neutrino.h spells them, so either header may come first). */
#undef CLOCK_REALTIME
#undef CLOCK_MONOTONIC
#undef TIMER_ABSTIME
#undef CLOCK_PROCESS_CPUTIME_ID
#undef CLOCK_THREAD_CPUTIME_ID
#undef CLOCK_REALTIME_COARSE
#undef CLOCK_MONOTONIC_RAW
#undef CLOCK_MONOTONIC_COARSE
#undef CLOCK_BOOTTIME
#undef CLOCK_REALTIME_ALARM
#undef CLOCK_BOOTTIME_ALARM
#define CLOCK_REALTIME			0
#define CLOCK_MONOTONIC			2
#define TIMER_ABSTIME			0x80000000
#endif
