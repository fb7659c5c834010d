/* Events: the kinds of struct sigevent, in one place for every source that sends them. */
#include <skimmer/event.h>
#include <skimmer/channel.h>
#include <skimmer/signal.h>
#include <skimmer/errno.h>
#include <skimmer/intr.h>
#include <skimmer/proc.h>
#include <skimmer/thread.h>

int event_check(const struct sigevent *ev)
{
	switch (ev->sigev_notify) {
	case SIGEV_NONE:
	case SIGEV_INTR:
		return 0;
	case SIGEV_PULSE:
		if (ev->sigev_priority != SIGEV_PULSE_PRIO_INHERIT &&
		    (ev->sigev_priority < 1 || ev->sigev_priority > 255))
			return -EINVAL;
		if (ev->sigev_code < -128 || ev->sigev_code > 127)
			return -EINVAL;
		return 0;
	case SIGEV_SIGNAL_CODE:
	case SIGEV_SIGNAL_THREAD:
		if (ev->sigev_code < SI_MINAVAIL || ev->sigev_code > SI_MAXAVAIL)
			return -EINVAL;
		/* fall through */
	case SIGEV_SIGNAL:
		return SIG_VALID(ev->sigev_signo) ? 0 : -EINVAL;
	default:
		return -EINVAL;
	}
}

long event_deliver(uint32_t pid, struct thread *td, const struct sigevent *ev)
{
	switch (ev->sigev_notify) {
	case SIGEV_NONE:
		return 0;
	case SIGEV_PULSE: {
		int pri = ev->sigev_priority;
		bool keep = pri == SIGEV_PULSE_PRIO_INHERIT;
		if (keep)
			pri = td ? td->td_pri : TDPRI_KERN;
		return msg_event_pulse(pid, ev->sigev_coid, pri, ev->sigev_code, ev->sigev_value,
				       keep);
	}
	case SIGEV_INTR:	/* to td itself: InterruptWait returns (kern/intr.c) */
		if (td == NULL || td->td_proc == NULL || td->td_proc->p_pid != pid)
			return -EINVAL;	/* e.g. MsgDeliverEvent's td is the server, not pid's */
		intr_post(td, td->td_id);
		return 0;
	case SIGEV_SIGNAL:	/* to the process; si_code SI_USER */
		return sig_event(pid, NULL, ev->sigev_signo, SI_USER, ev->sigev_value);
	case SIGEV_SIGNAL_CODE:
		return sig_event(pid, NULL, ev->sigev_signo, ev->sigev_code, ev->sigev_value);
	case SIGEV_SIGNAL_THREAD:	/* to td if it is a thread of pid, else the process */
		return sig_event(pid, td, ev->sigev_signo, ev->sigev_code, ev->sigev_value);
	default:
		return -EINVAL;
	}
}
