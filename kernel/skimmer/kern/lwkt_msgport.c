/*
 * Messages and thread ports.
 *
 * A thread port belongs to one thread and so to one hart. Its queue and the
 * flags of messages sitting on it are touched only on that hart with interrupts
 * off: a sender or replier on another hart does not write into the port, it
 * ships the operation there through the IPIQ (the *_remote functions run on
 * the owner's hart, in its IPI handler). That is why there is no lock here.
 *
 * Ownership of a message moves with it: the sender owns it until putport, the
 * receiver from getport/waitport until replymsg, the sender again once it is
 * DONE. Each hand-off crosses the IPIQ ring's release/acquire pair.
 */
#include <skimmer/thread2.h>
#include <skimmer/ipiq.h>

/* Wake the port's owner if it waits for this message (or for any, msg NULL).
 * Owner's hart, interrupts off. */
static void port_wake(struct lwkt_port *port, struct lwkt_msg *msg)
{
	if ((port->mp_flags & MSGPORTF_WAITING) &&
	    (port->mp_waitmsg == NULL || port->mp_waitmsg == msg)) {
		port->mp_flags &= ~MSGPORTF_WAITING;
		lwkt_schedule_local(port->mp_td);
	}
}

static void port_enqueue(struct lwkt_port *port, struct lwkt_msg *msg)
{
	list_insert_tail(&port->mp_msgq, &msg->ms_node);
	msg->ms_flags |= MSGF_QUEUED;
}

static struct lwkt_msg *port_dequeue(struct lwkt_port *port)
{
	struct lwkt_msg *msg = list_first_entry(&port->mp_msgq, struct lwkt_msg, ms_node);
	if (msg) {
		list_remove(&msg->ms_node);
		msg->ms_flags &= ~MSGF_QUEUED;
	}
	return msg;
}

/* putport, owner's hart, interrupts off. */
static void thread_putport_local(struct lwkt_port *port, struct lwkt_msg *msg)
{
	port_enqueue(port, msg);
	port_wake(port, NULL);
}

static void thread_putport_remote(void *port, void *msg)
{
	thread_putport_local(port, msg);
}

/* replyport, owner's hart, interrupts off. A synchronous message is just marked
 * DONE (its sender waits on it); an asynchronous one is queued on the port. */
static void thread_replyport_local(struct lwkt_port *port, struct lwkt_msg *msg)
{
	if (!(msg->ms_flags & MSGF_SYNC))
		port_enqueue(port, msg);
	msg->ms_flags |= MSGF_DONE;
	if (msg->ms_pri && msg->ms_pri != port->mp_td->td_pri)
		lwkt_setpri_local(port->mp_td, msg->ms_pri);	/* before it is woken */
	port_wake(port, msg);
}

static void thread_replyport_remote(void *port, void *msg)
{
	thread_replyport_local(port, msg);
}

/* Run op on the port owner's hart: directly if that is us, else through the IPIQ. */
static void port_on_owner(struct lwkt_port *port, struct lwkt_msg *msg,
			  void (*local)(struct lwkt_port *, struct lwkt_msg *), ipiq_func_t remote)
{
	struct globaldata *target = port->mp_td->td_gd;
	if (target == mycpu()) {
		unsigned long s = local_irq_save();
		local(port, msg);
		local_irq_restore(s);
		lwkt_preempt_check();
	} else {
		ipiq_send(target, remote, port, msg);
	}
}

static void thread_putport(struct lwkt_port *port, struct lwkt_msg *msg)
{
	trace(TR_PUTPORT, (uintptr_t)msg, port->mp_td->td_id);
	port_on_owner(port, msg, thread_putport_local, thread_putport_remote);
}

static void thread_replyport(struct lwkt_port *port, struct lwkt_msg *msg)
{
	trace(TR_REPLY, (uintptr_t)msg, (uint64_t)msg->ms_error);
	port_on_owner(port, msg, thread_replyport_local, thread_replyport_remote);
}

/* Mark the port as waited on for `waitfor` (NULL: any message) and take the owner
 * off its run queue. Owner's hart, interrupts off; the caller then switches away
 * and rechecks its condition when woken. */
static void thread_port_block(struct lwkt_port *port, struct lwkt_msg *waitfor)
{
	port->mp_flags |= MSGPORTF_WAITING;
	port->mp_waitmsg = waitfor;
	lwkt_deschedule_self();
}

static int thread_waitmsg(struct lwkt_port *port, struct lwkt_msg *msg)
{
	KASSERT(port->mp_td == curthread(), "waitmsg on another thread's port");
	crit_enter();
	for (;;) {
		unsigned long s = local_irq_save();
		if (msg->ms_flags & MSGF_DONE) {
			if (msg->ms_flags & MSGF_QUEUED) {
				list_remove(&msg->ms_node);
				msg->ms_flags &= ~MSGF_QUEUED;
			}
			port->mp_flags &= ~MSGPORTF_WAITING;
			local_irq_restore(s);
			break;
		}
		thread_port_block(port, msg);
		local_irq_restore(s);
		lwkt_switch();
	}
	crit_exit();
	return msg->ms_error;
}

static struct lwkt_msg *thread_waitport(struct lwkt_port *port)
{
	struct lwkt_msg *msg;
	KASSERT(port->mp_td == curthread(), "waitport on another thread's port");
	crit_enter();
	for (;;) {
		unsigned long s = local_irq_save();
		if ((msg = port_dequeue(port)) != NULL) {
			port->mp_flags &= ~MSGPORTF_WAITING;
			local_irq_restore(s);
			break;
		}
		thread_port_block(port, NULL);
		local_irq_restore(s);
		lwkt_switch();
	}
	crit_exit();
	return msg;
}

static struct lwkt_msg *thread_getport(struct lwkt_port *port)
{
	KASSERT(port->mp_td == curthread(), "getport on another thread's port");
	unsigned long s = local_irq_save();
	struct lwkt_msg *msg = port_dequeue(port);
	local_irq_restore(s);
	return msg;
}

static const struct lwkt_port_ops thread_port_ops = {
	.mp_putport = thread_putport,
	.mp_replyport = thread_replyport,
	.mp_waitmsg = thread_waitmsg,
	.mp_waitport = thread_waitport,
	.mp_getport = thread_getport,
};

void lwkt_initport_thread(struct lwkt_port *port, struct thread *td)
{
	port->mp_ops = &thread_port_ops;
	list_init(&port->mp_msgq);
	port->mp_flags = 0;
	port->mp_waitmsg = NULL;
	port->mp_td = td;
}

/* Generic entry points: dispatch through the port's function table. */

void lwkt_sendmsg(struct lwkt_port *port, struct lwkt_msg *msg)
{
	KASSERT(msg->ms_flags & MSGF_DONE, "message %p sent while in flight", msg);
	KASSERT(msg->ms_reply_port != NULL, "async message without a reply port");
	msg->ms_flags = 0;
	msg->ms_target_port = port;
	port->mp_ops->mp_putport(port, msg);
}

int lwkt_domsg(struct lwkt_port *port, struct lwkt_msg *msg)
{
	struct lwkt_port *rport = &curthread()->td_msgport;
	KASSERT(msg->ms_flags & MSGF_DONE, "message %p sent while in flight", msg);
	msg->ms_reply_port = rport;
	msg->ms_flags = MSGF_SYNC;
	msg->ms_target_port = port;
	port->mp_ops->mp_putport(port, msg);
	return rport->mp_ops->mp_waitmsg(rport, msg);
}

void lwkt_replymsg(struct lwkt_msg *msg, int error)
{
	KASSERT(!(msg->ms_flags & (MSGF_REPLY | MSGF_DONE)), "message %p replied twice", msg);
	msg->ms_error = error;
	msg->ms_flags |= MSGF_REPLY;
	msg->ms_reply_port->mp_ops->mp_replyport(msg->ms_reply_port, msg);
}

int lwkt_waitmsg(struct lwkt_msg *msg)
{
	return msg->ms_reply_port->mp_ops->mp_waitmsg(msg->ms_reply_port, msg);
}

struct lwkt_msg *lwkt_waitport(struct lwkt_port *port)
{
	return port->mp_ops->mp_waitport(port);
}

struct lwkt_msg *lwkt_getport(struct lwkt_port *port)
{
	return port->mp_ops->mp_getport(port);
}

/* --- The synchronous hand-off (message fast path) ------------------------------------- */

/* Is done's sender a thread of this hart, blocked waiting for it? Interrupts off. */
static bool msg_waiter_here(struct lwkt_msg *done)
{
	struct lwkt_port *port = done->ms_reply_port;
	return port != NULL && port->mp_ops == &thread_port_ops && (done->ms_flags & MSGF_SYNC) &&
	       (port->mp_flags & MSGPORTF_WAITING) && port->mp_td->td_gd == mycpu() &&
	       (port->mp_waitmsg == done || port->mp_waitmsg == NULL);
}

void lwkt_msg_prepare_sync(struct lwkt_msg *msg)
{
	KASSERT(msg->ms_flags & MSGF_DONE, "message %p prepared while in flight", msg);
	msg->ms_reply_port = &curthread()->td_msgport;
	msg->ms_flags = MSGF_SYNC;
}

int lwkt_reply_handoff(struct lwkt_msg *done, int error, struct lwkt_msg *waitfor)
{
	struct lwkt_port *myport = &curthread()->td_msgport;
	KASSERT(waitfor->ms_reply_port == myport && (waitfor->ms_flags & MSGF_SYNC),
		"hand-off waiting for a message that is not ours");
	crit_enter();
	unsigned long s = local_irq_save();
	if (!msg_waiter_here(done)) {
		local_irq_restore(s);
		crit_exit();
		lwkt_replymsg(done, error);
		return lwkt_waitmsg(waitfor);
	}
	/* The reply, as thread_replyport_local makes it, minus the wakeup. */
	struct lwkt_port *port = done->ms_reply_port;
	struct thread *ntd = port->mp_td;
	KASSERT(!(done->ms_flags & (MSGF_REPLY | MSGF_DONE)), "message %p replied twice", done);
	done->ms_error = error;
	done->ms_flags |= MSGF_REPLY | MSGF_DONE;
	port->mp_flags &= ~MSGPORTF_WAITING;
	if (done->ms_pri)
		lwkt_setpri_stopped(ntd, done->ms_pri);	/* blocked: on no run queue */
	trace(TR_REPLY, (uintptr_t)done, (uint64_t)error);
	/* Our own wait, then the hart goes to ntd (unless something more urgent came). */
	mycpu()->gd_handoffs++;
	if (!(waitfor->ms_flags & MSGF_DONE)) {
		thread_port_block(myport, waitfor);
		lwkt_handoff(ntd);
	} else {
		lwkt_schedule_local(ntd);
	}
	local_irq_restore(s);
	crit_exit();
	return lwkt_waitmsg(waitfor);
}
