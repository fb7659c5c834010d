/* ufast: one deterministic message workload, run twice by test=fastpath (fast path on,
 * then off) so the kernel can check that both give the same results. With arg 0 it is
 * the server; with (server pid << 32 | chid) the client, which exits with a digest of
 * everything it saw: reply statuses, errnos, reply bytes and the server's view of each
 * message (_msg_info lengths, rcvid order), all folded together. */
#include <sys/neutrino.h>
#include "qsys.h"

#define N 3000
#define MAXMSG (3 * 4096 + 100)		/* some messages cross pages */

enum { OP_ECHO, OP_ERROR, OP_INFO, OP_QUIT };

struct hdr {
	uint32_t op, arg;
};

static unsigned char sbuf[MAXMSG], rbuf[MAXMSG], srv[MAXMSG];

static uint32_t rng = 12345;

static uint32_t next(void)
{
	rng = rng * 1103515245u + 12345u;
	return rng >> 8;
}

static uint64_t fold(uint64_t h, uint64_t v)
{
	return (h ^ v) * 0x100000001b3ull;
}

static int server(void)
{
	int chid = ChannelCreate(0);
	if (chid < 0)
		return 1;
	for (;;) {
		struct _msg_info info;
		int rcvid = MsgReceive(chid, srv, sizeof srv, &info);
		if (rcvid == 0)
			continue;			/* pulses: counted by the client's digest */
		if (rcvid < 0)
			return 2;
		struct hdr *h = (struct hdr *)srv;
		switch (h->op) {
		case OP_ECHO:
			/* Bytes back, each xor the message length: both must arrive intact. */
			for (int i = 0; i < info.msglen; i++)
				srv[i] ^= (unsigned char)info.msglen;
			MsgReply(rcvid, info.msglen, srv, info.msglen);
			break;
		case OP_ERROR:
			MsgError(rcvid, (int)h->arg);
			break;
		case OP_INFO: {
			int32_t v[4] = { info.msglen, info.srcmsglen, info.dstmsglen, rcvid };
			MsgReply(rcvid, 0, v, sizeof v);
			break;
		}
		case OP_QUIT:
			MsgReply(rcvid, 0, NULL, 0);
			return 0;
		}
	}
}

static int client(long arg)
{
	int coid = ConnectAttach(0, (pid_t)(arg >> 32), (int)(arg & 0xffffffff), 0, 0);
	if (coid < 0)
		return 1;
	uint64_t h = 0xcbf29ce484222325ull;
	for (int i = 0; i < N; i++) {
		uint32_t r = next();
		int slen = 8 + (int)(r % 200);
		if (r % 97 == 0)
			slen = 8 + (int)(r % (MAXMSG - 8));
		int rlen = (int)(next() % 220);
		struct hdr *hd = (struct hdr *)sbuf;
		hd->op = r % 11 == 0 ? OP_ERROR : r % 7 == 0 ? OP_INFO : OP_ECHO;
		hd->arg = 1 + r % 40;
		for (int k = 8; k < slen; k++)
			sbuf[k] = (unsigned char)(k * 31 + i);
		for (int k = 0; k < rlen + 8 && k < MAXMSG; k++)
			rbuf[k] = 0xee;
		if (r % 13 == 0)
			MsgSendPulse(coid, -1, (int)(r % 100), i);	/* queued before the send */
		int st = MsgSend_r(coid, sbuf, slen, rbuf, rlen);
		h = fold(h, (uint64_t)(int64_t)st);
		for (int k = 0; k < rlen + 8 && k < MAXMSG; k++)	/* guard bytes too */
			h = fold(h, rbuf[k]);
	}
	struct hdr q = { OP_QUIT, 0 };
	MsgSend(coid, &q, sizeof q, NULL, 0);
	qs_printf("ufast: digest %lx\n", (unsigned long)h);
	return (int)(h & 0x3fffffff);
}

int main(long arg)
{
	return arg ? client(arg) : server();
}
