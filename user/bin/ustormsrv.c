/* ustormsrv: the server of the user-mode message storm. Replies value * 3 + 1 to every
 * message and exits once it has served `expect` messages (its argument). */
#include <sys/neutrino.h>
#include "qsys.h"

int main(long expect)
{
	int chid = ChannelCreate(0);
	if (chid < 0)
		return 1;
	for (long served = 0; served < expect;) {
		unsigned long v[2];
		int rcvid = MsgReceive(chid, v, sizeof v, NULL);
		if (rcvid <= 0)
			continue;
		v[1] = v[0] * 3 + 1;
		MsgReply(rcvid, 0, v, sizeof v);
		served++;
	}
	return 0;
}
