/* Process timers (TimerCreate and friends, kern/ptimer.c): what the process code calls. */
#ifndef SKIMMER_PTIMER_H
#define SKIMMER_PTIMER_H

#include <skimmer/proc.h>

void timer_proc_init(struct proc *p);	/* proc_spawn: an empty timer table */
/* The process's last thread is ending: destroy its timers (none fires after this).
 * Thread context, interrupts on, no spinlock held. */
void timer_proc_exit(struct proc *p);
int timer_live_count(void);		/* process timers that exist, all processes (tests) */

#endif
