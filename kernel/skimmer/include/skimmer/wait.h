/*
 * Kernel blocking states other than the message calls, and ending any blocked
 * thread's wait early (a kill, a signal, a timeout).
 *
 * A kernel call that blocks on an object (a mutex, a condvar, a semaphore, a join, an
 * interrupt, a sleep, a signal wait) describes the wait with a struct twait on its own
 * kernel stack:
 *
 *	twait_init(&tw, STATE_MUTEX, mutex_cancel);
 *	s = spin_lock_irqsave(&obj->lock);
 *	... not available: queue &tw on the object ...
 *	if ((err = twait_prepare(&tw)) != 0) { dequeue; unlock; return err; }
 *	err = twait_block(&tw, &obj->lock, s);	  // drops the lock, returns tw_result
 *
 * and whoever satisfies the wait (any hart) takes the object's lock, dequeues the
 * waiter and calls twait_wake(tw, result). thread_unblock ends a wait early: it calls
 * the wait's tw_cancel, which takes the object's lock and, if the thread still waits
 * there, dequeues it and calls twait_wake(tw, -err); if it does not (it was woken
 * meanwhile), it does nothing.
 *
 * thread_unblock runs on the blocked thread's own hart with interrupts off, in thread
 * context (the per-hart work thread, hartwork_queue, or a kill): twait_prepare runs
 * there too, with interrupts off, so each sees the other's work. twait_prepare refuses
 * to block a thread that has been killed (-EINTR), and is where a pending signal
 * (-EINTR) and an armed TimerTimeout for this state are looked at.
 *
 * Message calls keep their own record (td_ipc, struct ipc_wait, channel.h);
 * thread_unblock covers both.
 */
#ifndef SKIMMER_WAIT_H
#define SKIMMER_WAIT_H

#include <skimmer/types.h>
#include <skimmer/list.h>
#include <skimmer/spinlock.h>

struct thread;
struct twait;

typedef void (*twait_cancel_t)(struct twait *tw, int err);

struct twait {
	int tw_state;			/* STATE_* (sys/neutrino.h): what pidin shows */
	int tw_result;			/* 0 or -errno, set by twait_wake */
	bool tw_done;			/* woken (the object's lock, then read after) */
	struct thread *tw_td;
	twait_cancel_t tw_cancel;	/* ends the wait early with -err; see above */
	void *tw_obj;			/* the object waited on, for the cancel function */
	struct list tw_link;		/* free for the object's queue */
	int tw_pri;			/* free for the object: e.g. the waiter's priority */
};

void twait_init(struct twait *tw, int state, twait_cancel_t cancel, void *obj);
/* The object's lock held with interrupts off (spin_lock_irqsave), tw queued: record tw
 * as the current thread's wait. Returns 0, or -errno when the thread must not block
 * (then tw is not recorded: the caller dequeues it and returns the error). */
int twait_prepare(struct twait *tw);
/* Block until twait_wake, having released lk (taken with spin_lock_irqsave, saved
 * state s). Returns tw_result. */
int twait_block(struct twait *tw, struct spinlock *lk, unsigned long s);
/* End tw with result: the object's lock held, tw dequeued. Any hart, any context. */
void twait_wake(struct twait *tw, int result);

/* End whatever td is blocked in, with -err: a message call (msg_unblock; force=false
 * follows the _NTO_CHF_UNBLOCK rules for a REPLY-blocked client, qnx-api.md) or a
 * twait. force: a kill, which ends every state at once. td's hart, interrupts off,
 * thread context, no spinlock held. */
void thread_unblock(struct thread *td, int err, bool force);
/* The state td is blocked in (STATE_*), or STATE_RUNNING/STATE_READY. */
int thread_state(const struct thread *td);

/*
 * Per-hart deferred work: a kernel thread on each hart, at the top priority, runs work
 * items queued for that hart, in thread context with interrupts on. Timer expiries and
 * signal deliveries that must touch a thread (thread_unblock) go through it, since
 * interrupt and IPIQ handlers may take no object lock (docs/skimmer.md).
 */
struct hartwork {
	struct list hw_link;
	void (*hw_func)(struct hartwork *hw);
	bool hw_queued;			/* owned by the target hart, interrupts off */
};
void hartwork_init(struct hartwork *hw, void (*func)(struct hartwork *));
/* Run hw->hw_func(hw) soon on hart cpu, once (queueing it again while it is still
 * queued does nothing). Any hart, any context; never blocks. */
void hartwork_queue(struct hartwork *hw, int cpu);
/* Take hw off its queue if it has not run yet: call on hw's hart, interrupts off.
 * Returns true if it was dequeued. */
bool hartwork_cancel(struct hartwork *hw);
void hartwork_start(void);	/* boot: one work thread per hart */

#endif
