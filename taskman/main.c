/* taskman (pid 1): the receive loop that hands each message to the part that owns it. */
/*
 * chid 1 (SYSMGR_CHID) is our first channel: every process reaches taskman there. The
 * kernel glue reports process deaths as pulses on it too (through a side connection to
 * ourselves), so everything arrives in one loop on one thread and no part needs locks.
 * The boot script runs in a thread of its own (script.c) as an ordinary client, and so
 * does the loader (loader.c), which reads programs from filesystems.
 */
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include "taskman.h"
#include "glue.h"
#include "proc.h"

static union {
	uint16_t type;
	struct _pulse pulse;
	char buf[4096];
} msg;

static void pulse(const struct _pulse *p)
{
	if (procmgr_pulse(p))
		return;
	if (pathmgr_pulse(p))		/* a disconnect: closes the client's opens of our
					 * files and detaches the scoid */
		return;
	if (p->code == _PULSE_CODE_DISCONNECT)
		ConnectDetach(p->scoid);	/* the client side is gone: free our side */
}

int main(int argc, char **argv)
{
	int chid = ChannelCreate(_NTO_CHF_UNBLOCK | _NTO_CHF_DISCONNECT);
	if (chid != SYSMGR_CHID) {
		printf("taskman: channel %d is not SYSMGR_CHID\n", chid);
		return 1;
	}
	int self = ConnectAttach(0, SYSMGR_PID, chid, _NTO_SIDE_CHANNEL, 0);
	if (self < 0 || tm_proc_notify(self, TM_PULSE_DEATH) < 0) {
		printf("taskman: cannot ask for death pulses (errno %d)\n", errno);
		return 1;
	}
	memmgr_init();
	procmgr_init();
	pathmgr_init();
	if (loader_init() < 0) {
		printf("taskman: cannot start the program loader\n");
		return 1;
	}
	script_start(argc, argv);
	for (;;) {
		struct _msg_info info;
		int rcvid = MsgReceive(chid, &msg, sizeof msg, &info);
		if (rcvid == 0) {
			pulse(&msg.pulse);
			continue;
		}
		if (rcvid < 0)
			continue;
		size_t len = (size_t)info.msglen;
		if (len < sizeof(uint16_t)) {
			MsgError(rcvid, EINVAL);
			continue;
		}
		if (msg.type >= _IO_BASE && msg.type <= _IO_MAX)
			pathmgr_msg(rcvid, &msg, len, &info);
		else if (msg.type >= _PATH_ATTACH && msg.type <= 0x7f)
			pathmgr_msg(rcvid, &msg, len, &info);
		else
			procmgr_msg(rcvid, &msg, len, &info);
	}
}

/* taskman's own heap (libc's sbrk asks here: taskman cannot send itself a message). */
int __libc_heap_map(uintptr_t addr, size_t len)
{
	int e = tm_mem_map(0, addr, len, TM_PROT_R | TM_PROT_W);
	return e < 0 ? -e : 0;
}
