/* libc's connection to taskman (pid 1): a side channel made on first use and kept. */
#include "libc.h"

static int tmcoid = -1;

int __libc_tmcoid(void)
{
	int c = __atomic_load_n(&tmcoid, __ATOMIC_ACQUIRE);
	if (c >= 0)
		return c;
	c = ConnectAttach_r(0, SYSMGR_PID, SYSMGR_CHID, _NTO_SIDE_CHANNEL, 0);
	if (c < 0)
		return __seterr(-c);
	int none = -1;
	if (!__atomic_compare_exchange_n(&tmcoid, &none, c, 0, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE)) {
		ConnectDetach_r(c);	/* another thread made one first: share it */
		c = none;
	}
	return c;
}

int __libc_tmsend(const void *smsg, int sbytes, void *rmsg, int rbytes)
{
	int c = __libc_tmcoid();
	if (c < 0)
		return -1;
	return MsgSend(c, smsg, sbytes, rmsg, rbytes);
}
