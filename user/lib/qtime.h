/* Time for user programs until libc: ClockCycles, nanosleep and ns helpers (qtime.c). */
#ifndef QTIME_H
#define QTIME_H
#include <stdint.h>
#include <sys/neutrino.h>

/* QNX's free-running counter. Here it is rdtime: the RISC-V timebase, constant-rate
 * (10 MHz on QEMU virt; 10^9 / ClockPeriod's nsec per second), the same counter the
 * kernel's clocks and timers use. (rdcycle counts instructions under qemu -icount, and
 * cycles at no stated rate on hardware: benchmarks read it directly.) */
static inline uint64_t ClockCycles(void)
{
	uint64_t v;
	__asm__ __volatile__("rdtime %0" : "=r"(v));
	return v;
}

#ifndef _TIMESPEC_DECLARED	/* picolibc's guard */
#define _TIMESPEC_DECLARED
struct timespec {
	long tv_sec;
	long tv_nsec;
};
#endif

/* POSIX nanosleep over ClockNanosleep on CLOCK_MONOTONIC: 0, or -1 with errno (EINTR:
 * *rmtp gets what was left; EINVAL: tv_nsec outside 0..999999999). */
int nanosleep(const struct timespec *rqtp, struct timespec *rmtp);
/* The same in ns, _r style: 0 or -errno. */
int qs_sleep_ns(uint64_t ns, uint64_t *left);
uint64_t qs_now_ns(void);		/* CLOCK_MONOTONIC */
#endif
