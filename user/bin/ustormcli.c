/* ustormcli: one client of the user-mode message storm. Argument: server pid << 32 |
 * chid << 8 | client index. Sends 1000 messages and checks every reply; exits with
 * the number of bad round trips. */
#include <sys/neutrino.h>
#include "qsys.h"

#define ROUNDS 1000

int main(long arg)
{
	int coid = ConnectAttach(0, (pid_t)(arg >> 32), (int)((arg >> 8) & 0xffffff), 0, 0);
	unsigned long me = (unsigned long)(arg & 0xff);
	int bad = 0;
	if (coid < 0)
		return ROUNDS;
	for (unsigned long r = 0; r < ROUNDS; r++) {
		unsigned long v[2] = { me << 32 | r, 0 }, got[2] = { 0, 0 };
		if (MsgSend(coid, v, sizeof v, got, sizeof got) != 0 || got[0] != v[0] ||
		    got[1] != v[0] * 3 + 1)
			bad++;
	}
	ConnectDetach(coid);
	return bad;
}
