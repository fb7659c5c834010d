/* <sys/types.h>: picolibc's, with clockid_t and timer_t as the int that sys/neutrino.h uses. */
/*
 * sys/neutrino.h declares ClockTime(clockid_t ...) and TimerCreate's timer_t as int
 * unless a libc has typedef'd them first; picolibc's are unsigned long. Both headers key
 * on the same guards, so fixing them here makes every program see one type whichever
 * header it includes first.
 */
#ifndef _QSOE_SYS_TYPES_H
#define _QSOE_SYS_TYPES_H
#if !defined(_CLOCKID_T_DECLARED) && !defined(__clockid_t_defined)
#define _CLOCKID_T_DECLARED
#define __clockid_t_defined
typedef int clockid_t;
#endif
#if !defined(_TIMER_T_DECLARED) && !defined(__timer_t_defined)
#define _TIMER_T_DECLARED
#define __timer_t_defined
typedef int timer_t;
#endif
#ifndef _PTHREAD_T_DECLARED	/* QNX: a thread id */
#define _PTHREAD_T_DECLARED
typedef int pthread_t;
#endif
#endif
#include_next <sys/types.h>
