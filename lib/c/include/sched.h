/* <sched.h>: POSIX scheduling on QNX's policies and struct sched_param (sys/neutrino.h). */
#ifndef _SCHED_H_
#define _SCHED_H_
#define _SYS_SCHED_H_		/* picolibc's own: replaced */

#include <sys/neutrino.h>
#include <sys/types.h>
#include <sys/_timespec.h>

int	sched_yield(void);
int	sched_get_priority_max(int policy);
int	sched_get_priority_min(int policy);
int	sched_getparam(pid_t pid, struct sched_param *param);
int	sched_setparam(pid_t pid, const struct sched_param *param);
int	sched_getscheduler(pid_t pid);
int	sched_setscheduler(pid_t pid, int policy, const struct sched_param *param);
int	sched_rr_get_interval(pid_t pid, struct timespec *interval);

#endif
