/* taskman (pid 1): the receive loop that hands each message to the part that owns it. */
#include <errno.h>
#include <stdio.h>
#include "taskman.h"

static union {
	uint16_t type;
	struct _pulse pulse;
	char buf[4096];
} msg;

int main(int argc, char **argv)
{
	int chid = ChannelCreate(_NTO_CHF_UNBLOCK | _NTO_CHF_DISCONNECT);
	if (chid != SYSMGR_CHID) {
		printf("taskman: channel %d is not SYSMGR_CHID\n", chid);
		return 1;
	}
	procmgr_init();
	pathmgr_init();
	for (;;) {
		struct _msg_info info;
		int rcvid = MsgReceive(chid, &msg, sizeof msg, &info);
		if (rcvid <= 0)
			continue;	/* pulses: none handled yet */
		if (msg.type >= _IO_BASE && msg.type <= _IO_MAX)
			pathmgr_msg(rcvid, &msg, (size_t)info.msglen, &info);
		else if (msg.type >= _PATH_ATTACH && msg.type <= 0x7f)
			pathmgr_msg(rcvid, &msg, (size_t)info.msglen, &info);
		else
			procmgr_msg(rcvid, &msg, (size_t)info.msglen, &info);
	}
}
