/* LWKT messages and ports: synchronous and asynchronous messages between threads on any hart. */
#ifndef SKIMMER_MSGPORT_H
#define SKIMMER_MSGPORT_H

#include <skimmer/types.h>
#include <skimmer/list.h>

struct thread;
struct lwkt_port;

/* ms_flags */
#define MSGF_DONE    0x0001	/* replied and handed back to the sender */
#define MSGF_REPLY   0x0002	/* lwkt_replymsg has been called */
#define MSGF_QUEUED  0x0004	/* sitting on some port's mp_msgq */
#define MSGF_SYNC    0x0008	/* sent by lwkt_domsg: the sender waits on this message */

struct lwkt_msg {
	struct list ms_node;		/* on mp_msgq while MSGF_QUEUED */
	struct lwkt_port *ms_target_port;
	struct lwkt_port *ms_reply_port;
	uint32_t ms_flags;		/* MSGF_*: changed only on the owning port's hart */
	uint32_t ms_cmd;		/* meaning is up to the sender and receiver */
	int ms_error;			/* set by lwkt_replymsg */
	int ms_pri;			/* if non-zero, the priority the waiting sender
					 * takes when the reply reaches its thread port
					 * (priority inheritance through messages) */
};

/*
 * A port is a small table of functions over a queue. Each operation's contract:
 *  mp_putport:   queue msg for the port's receiver; any hart, never blocks.
 *  mp_replyport: hand a replied msg back to its sender; any hart, never blocks.
 *  mp_waitmsg:   block the caller until msg is DONE; caller owns the port.
 *  mp_waitport:  block until a msg is queued and return it; caller owns the port.
 *  mp_getport:   dequeue without blocking (NULL if empty); caller owns the port.
 * A backend that does not support an operation must still fill the slot, with a
 * function that panics loudly, never with NULL.
 */
struct lwkt_port_ops {
	void (*mp_putport)(struct lwkt_port *port, struct lwkt_msg *msg);
	void (*mp_replyport)(struct lwkt_port *port, struct lwkt_msg *msg);
	int (*mp_waitmsg)(struct lwkt_port *port, struct lwkt_msg *msg);
	struct lwkt_msg *(*mp_waitport)(struct lwkt_port *port);
	struct lwkt_msg *(*mp_getport)(struct lwkt_port *port);
};

#define MSGPORTF_WAITING 0x0001	/* owner is blocked in waitmsg/waitport */

struct lwkt_port {
	const struct lwkt_port_ops *mp_ops;
	struct list mp_msgq;		/* owner's hart only, interrupts off */
	uint32_t mp_flags;
	struct lwkt_msg *mp_waitmsg;	/* waitmsg target; NULL when waiting for any msg */
	struct thread *mp_td;		/* owning thread */
};

void lwkt_initport_thread(struct lwkt_port *port, struct thread *td);
static inline void lwkt_initmsg(struct lwkt_msg *msg, struct lwkt_port *reply_port, uint32_t cmd)
{
	msg->ms_node.next = msg->ms_node.prev = NULL;
	msg->ms_target_port = NULL;
	msg->ms_reply_port = reply_port;
	msg->ms_flags = MSGF_DONE;	/* a fresh message is the sender's */
	msg->ms_cmd = cmd;
	msg->ms_error = 0;
	msg->ms_pri = 0;
}

/* Send and wait for the reply; returns the replier's error. Thread context, blocks.
 * The reply goes to the message's reply port, or to the caller's own port if NULL. */
int lwkt_domsg(struct lwkt_port *port, struct lwkt_msg *msg);
/* Send without waiting; the reply lands on ms_reply_port. Any context. */
void lwkt_sendmsg(struct lwkt_port *port, struct lwkt_msg *msg);
/* Reply with error; any hart, any context, never blocks. */
void lwkt_replymsg(struct lwkt_msg *msg, int error);
/* Wait for a message sent with lwkt_sendmsg to come back; returns ms_error. */
int lwkt_waitmsg(struct lwkt_msg *msg);
struct lwkt_msg *lwkt_waitport(struct lwkt_port *port);
struct lwkt_msg *lwkt_getport(struct lwkt_port *port);

/*
 * Reply to `done` with `error` and wait for our own synchronous message `waitfor`
 * (sent with lwkt_domsg's conventions, its reply port our thread port). When done's
 * sender is a thread of this hart blocked waiting for it, that thread gets the hart
 * at once (lwkt_handoff): no run-queue search, no IPI. Otherwise this is
 * lwkt_replymsg followed by lwkt_waitmsg. Returns waitfor's error. Thread context;
 * the message fast path.
 */
int lwkt_reply_handoff(struct lwkt_msg *done, int error, struct lwkt_msg *waitfor);
/* Prepare msg for lwkt_reply_handoff's waitfor, as lwkt_domsg would, without sending it. */
void lwkt_msg_prepare_sync(struct lwkt_msg *msg);


#endif
