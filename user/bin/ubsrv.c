/* ubsrv: the server side of ubench's message figures: receive anything (up to 64 KiB),
 * reply with the first 16 bytes; exit on a message whose first word is 0xdead. With
 * main's argument 1 it also writes an FP register after each receive (fpu_handover). */
#include <sys/neutrino.h>
#include "qsys.h"

static unsigned char buf[64 * 1024];

/* The same service, writing an FP register after each receive (its own loop, so the
 * plain one stays as it was). */
static int serve_fp(int chid)
{
	for (;;) {
		int rcvid = MsgReceive(chid, buf, sizeof buf, NULL);
		if (rcvid <= 0)
			continue;
		__asm__ __volatile__("fmv.d.x ft0, %0" :: "r"(rcvid) : "ft0");
		MsgReply(rcvid, 0, buf, 16);
		if (*(unsigned *)buf == 0xdead)
			return 0;
	}
}

int main(long fp)
{
	int chid = ChannelCreate(0);
	if (chid < 0)
		return 1;
	if (fp)
		return serve_fp(chid);
	for (;;) {
		int rcvid = MsgReceive(chid, buf, sizeof buf, NULL);
		if (rcvid <= 0)
			continue;	/* pulses: just counted by the client's timing */
		MsgReply(rcvid, 0, buf, 16);
		if (*(unsigned *)buf == 0xdead)
			return 0;
	}
}
