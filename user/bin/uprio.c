/* uprio: the three roles of test=boost (send-time priority inheritance), by argument:
 *   1: server: make a channel, stay busy a while (not receiving), then receive one
 *      message, reply and exit;  2 | flags << 8: the same with ChannelCreate(flags);
 *   3: hog: spin for a long time, then exit;
 *   (pid << 32) | chid: client: send one message and exit. */
#include <sys/neutrino.h>
#include "qsys.h"

static void spin(unsigned long n)
{
	for (volatile unsigned long i = 0; i < n; i++)
		;
}

static int server(unsigned flags)
{
	char buf[16];
	int chid = ChannelCreate(flags);
	if (chid < 0)
		return 1;
	spin(20000000);			/* busy: a client that sends now must queue */
	int rcvid = MsgReceive(chid, buf, sizeof buf, NULL);
	if (rcvid <= 0)
		return 2;
	MsgReply(rcvid, 0, NULL, 0);
	return 0;
}

int main(long arg)
{
	if (arg == 1)
		return server(0);
	if ((arg & 0xff) == 2)
		return server((unsigned)(arg >> 8));
	if (arg == 3) {
		spin(30000000);
		return 0;
	}
	int coid = ConnectAttach(0, (pid_t)(arg >> 32), (int)(arg & 0xffffffff), 0, 0);
	if (coid < 0)
		return 1;
	return MsgSend(coid, "x", 1, NULL, 0) == 0 ? 0 : 2;
}
