/*
 * Kernel timeouts (TimerTimeout, kern/timeout.c): a thread arms one for its next kernel
 * call; it covers the blocking states named by its flags and ends with that call.
 *
 * The deadline is fixed when TimerTimeout is called (a relative time counts from
 * then). The timeout's timer runs on the thread's hart and is started at the first
 * point where the call blocks in a covered state, or in a state that leads to one
 * (MsgSend's SEND when only REPLY is covered). At expiry, in the hart's work thread
 * with interrupts off:
 *  - SIGEV_UNBLOCK (or a NULL event): if the thread is blocked in a covered state, its
 *    wait ends with ETIMEDOUT (thread_unblock's rules: a REPLY-blocked client of an
 *    _NTO_CHF_UNBLOCK channel stays blocked and the server gets an UNBLOCK pulse);
 *  - any other event: delivered (event_deliver) if the thread is blocked in a covered
 *    state; the thread stays blocked.
 * A covered state entered after the deadline (ntime NULL or 0: at once) fails with
 * ETIMEDOUT instead of blocking (SIGEV_UNBLOCK), or delivers the event at once.
 *
 * Blocking points call the inline hooks below; each costs one flags test when no
 * timeout is armed. twait_prepare (wait.c) calls tmo_block for every twait state, so
 * mutexes, condvars, semaphores, joins and interrupt waits get timeouts for free.
 */
#ifndef SKIMMER_TIMEOUT_H
#define SKIMMER_TIMEOUT_H

#include <skimmer/thread2.h>

struct channel;

/* td (the current thread, interrupts off, the object's lock held) is about to block in
 * `state` (STATE_*). `later`: _NTO_TIMEOUT_* bits of states this wait may lead to in the
 * same call. Returns 0 (block; the timeout's timer runs if it covers state or later) or
 * -ETIMEDOUT (do not block: the covered state's deadline has passed). */
int tmo_block_slow(struct thread *td, int state, uint32_t later);
static inline int tmo_block(struct thread *td, int state, uint32_t later)
{
	if (likely(!(td->td_flags & TDF_TMO)))
		return 0;
	return tmo_block_slow(td, state, later);
}

/* Client td is about to become REPLY-blocked on ch (it or its server moves it there;
 * any hart, ch_lock held, td inside its call). Returns 0, -ETIMEDOUT (its REPLY timeout
 * has passed: fail the send instead), or 1 (it has passed and ch has _NTO_CHF_UNBLOCK:
 * go on, then send the UNBLOCK pulse). */
int tmo_reply_slow(struct thread *td, struct channel *ch);
static inline int tmo_reply(struct thread *td, struct channel *ch)
{
	if (likely(!(td->td_flags & TDF_TMO)))
		return 0;
	return tmo_reply_slow(td, ch);
}

/* The kernel-call return of a thread on a hart with armed timeouts (trap.c), interrupts
 * off: the current thread's timeout ends, unless this was the TimerTimeout call that
 * armed it. */
void tmo_kcall_return(void);
/* The reaper (proc.c), on td's hart with interrupts off: td's timeout state goes. */
void tmo_thread_reaped(struct thread *td);

/* msg.c: end td's message call with ETIMEDOUT if it is blocked in one of `states`
 * (_NTO_TIMEOUT_* bits), by msg_unblock's rules. td's hart, interrupts off. */
void msg_timeout(struct thread *td, uint32_t states);

/* kern/clock.c: block the current thread in STATE_NANOSLEEP until deadline (timebase;
 * UINT64_MAX: until something else ends the wait: an armed timeout, a signal).
 * Returns 0 (the deadline came) or -errno (-EINTR, -ETIMEDOUT). Thread context. */
int clock_sleep_until(uint64_t deadline);

#endif
