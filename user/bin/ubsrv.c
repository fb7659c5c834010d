/* ubsrv: the server side of ubench's message figures: receive anything (up to 64 KiB),
 * reply with the first 16 bytes; exit on a message whose first word is 0xdead. */
#include <sys/neutrino.h>
#include "qsys.h"

static unsigned char buf[64 * 1024];

int main(void)
{
	int chid = ChannelCreate(0);
	if (chid < 0)
		return 1;
	for (;;) {
		int rcvid = MsgReceive(chid, buf, sizeof buf, NULL);
		if (rcvid <= 0)
			continue;	/* pulses: just counted by the client's timing */
		MsgReply(rcvid, 0, buf, 16);
		if (*(unsigned *)buf == 0xdead)
			return 0;
	}
}
