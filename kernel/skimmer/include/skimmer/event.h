/* Events (struct sigevent): how the kernel tells a process something happened. */
#ifndef SKIMMER_EVENT_H
#define SKIMMER_EVENT_H

#include <skimmer/types.h>
#include <sys/neutrino.h>

struct proc;
struct thread;

/* Is ev an event a process may ask the kernel to deliver later (TimerCreate,
 * InterruptAttachEvent, MsgDeliverEvent)? 0 or -EINVAL. A pulse's priority 0, or a
 * code outside -128..127, is invalid; SIGEV_PULSE_PRIO_INHERIT is resolved at delivery. */
int event_check(const struct sigevent *ev);

/*
 * Deliver ev to process pid on behalf of thread td (its hart; the thread an
 * interrupt or a timeout belongs to, or NULL): SIGEV_PULSE on the process's own
 * connection ev->sigev_coid; SIGEV_INTR to td (live, and a thread of process pid, else
 * EINVAL), for its InterruptWait; SIGEV_SIGNAL, _CODE and _THREAD through sig_event
 * (signal.h: _THREAD goes to td when td is a thread of pid); SIGEV_NONE does nothing.
 * Thread context, no spinlock held.
 * Returns 0 or -errno (see msg_event_pulse, channel.h).
 */
long event_deliver(uint32_t pid, struct thread *td, const struct sigevent *ev);

#endif
