/* The protocol between umsgsrv and umsgcli (the message-passing conformance pair). */
#ifndef UMSG_H
#define UMSG_H
#include <stdint.h>

enum {
	CMD_ECHO = 1,		/* reply: the bytes back, upper-cased; status = length */
	CMD_SMALL,		/* receive into 10 bytes; reply: struct small_reply */
	CMD_ERROR,		/* MsgError(rcvid, arg) */
	CMD_REPLY_CHECKS,	/* server checks reply-side errors, then replies 7 */
	CMD_BIG,		/* 64 KiB message: reply the sum of its bytes */
	CMD_LAST_PULSE,		/* reply: the last pulse seen (code, value) */
	CMD_READWRITE,		/* MsgRead/MsgWrite/MsgInfo checks on a 100-byte message */
	CMD_DESTROY,		/* destroy the channel without replying, then exit */
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
#endif
