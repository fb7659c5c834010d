/* Thread helpers over ThreadCreate/ThreadJoin/SchedSet/ThreadCtl (user/lib/qthread.c). */
#ifndef QTHREAD_H
#define QTHREAD_H
#include <sys/neutrino.h>

/* Start func(arg) at priority pri (0: the caller's) and policy (SCHED_NOCHANGE: the
 * caller's), with extra attr flags (PTHREAD_CREATE_DETACHED); returns func's tid or
 * -errno. func's return value is its exit value (qs_thread_exit). */
int qt_create(void *(*func)(void *), void *arg, int pri, int policy, int flags);
/* The hart the caller runs on (ThreadCtl _NTO_TCTL_QSOE_HART). */
int qt_hart(void);
/* How many harts are online (probed with the inherit mask, which is left as it was). */
int qt_nharts(void);
/* Move the caller to hart h, and make the threads it creates start there too. Returns 0
 * or -errno. */
int qt_pin(int h);
/* Make the threads the caller creates start on hart h (its inherit mask); it stays. */
int qt_inherit(int h);
/* The caller's base priority (SchedGet). */
int qt_prio(void);
/* Set the caller's base priority, keeping its policy; returns 0 or -errno. */
int qt_setprio(int pri);
/* rdtime: the timebase (10 MHz on QEMU virt). */
unsigned long qt_time(void);
#define QT_TIMEBASE_HZ 10000000UL
#endif
