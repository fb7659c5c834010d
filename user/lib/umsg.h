/* The protocol between umsgsrv and umsgcli (the message-passing conformance pair). */
#ifndef UMSG_H
#define UMSG_H
#include <stdint.h>
#include <sys/neutrino.h>

enum {
	CMD_ECHO = 1,		/* reply: the bytes back, upper-cased; status = length */
	CMD_SMALL,		/* receive into 10 bytes; reply: struct small_reply */
	CMD_ERROR,		/* MsgError(rcvid, arg) */
	CMD_REPLY_CHECKS,	/* server checks reply-side errors, then replies 7 */
	CMD_BIG,		/* 64 KiB message: reply the sum of its bytes */
	CMD_LAST_PULSE,		/* reply: the last pulse seen (code, value) */
	CMD_READWRITE,		/* MsgRead/MsgWrite/MsgInfo checks on a 100-byte message */
	CMD_EVENT,		/* data: a struct sigevent; MsgDeliverEvent checks (see umsgsrv) */
	CMD_DESTROY,		/* destroy the channels without replying, then exit */
	CMD_DISC_OPEN,		/* make chid2 (DISCONNECT) and chid3 (no flags); reply both */
	CMD_SERVE_ONE,		/* reply, then serve one message on chid arg: reply its scoid */
	CMD_PULSES,		/* reply struct pulses: what is queued on chid arg */
	CMD_DETACH,		/* reply ConnectDetach_r(arg) (an int) */
};

struct cmd {
	uint32_t cmd;
	int32_t arg;
	char data[56];
};

struct small_reply {
	int32_t msglen, srcmsglen, dstmsglen, scoid;
};

#define BIG (64 * 1024)

/* Pulses found queued on a channel (kernel pulses are checked through this). */
struct pulses {
	int n;
	struct _pulse p[4];
};

#define SENTINEL_CODE 99

/*
 * Receive every pulse queued on chid now, without blocking on an empty channel: a
 * sentinel pulse sent through self (our own connection to chid, at our priority) goes
 * in behind them. Kernel pulses come at the priority of the thread that caused them,
 * which in these tests equals ours, so they are ahead of the sentinel. Fills in
 * out->p[] (up to 4) and out->n (all, -1 if a message turned up).
 */
static inline void drain_pulses(int chid, int self, struct pulses *out)
{
	struct _pulse p;
	out->n = 0;
	if (MsgSendPulse(self, -1, SENTINEL_CODE, 0) != 0) {
		out->n = -1;
		return;
	}
	for (;;) {
		if (MsgReceive(chid, &p, sizeof p, NULL) != 0) {
			out->n = -1;
			return;
		}
		if (p.code == SENTINEL_CODE)
			return;
		if (out->n < 4)
			out->p[out->n] = p;
		out->n++;
	}
}
#endif
