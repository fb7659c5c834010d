/* Host driver for the generated kcall_table.h and kcall_names.c: builds a dispatch array the
 * way the kernel will and checks it against the numbers and names. Built and run by
 * tests/unit/test_abi.c. Exit status: the number of failed checks. */
#include <stdio.h>
#include <string.h>
#include "kcall_table.h"

extern const char *const kcall_names[__KER_COUNT];

struct kcall_desc {
	long (*fn)(void);
	int nargs;
	const char *name;
};

#define KCALL_DEFINE(n, name, fn, na)	static long fn(void) { return n; }
KCALL_TABLE(KCALL_DEFINE)
#define KCALL_ENTRY(n, name, fn, na)	[n] = { fn, na, #name },
static const struct kcall_desc kcalls[__KER_COUNT] = { KCALL_TABLE(KCALL_ENTRY) };

/* The calls issue 3 needs; a missing one fails to compile. */
static const struct { int num, nargs; const char *name; } required[] = {
	{ __KER_NOP, 0, "KerNop" }, { __KER_DEBUG_WRITE, 2, "KerDebugWrite" },
	{ __KER_CHANNEL_CREATE, 1, "ChannelCreate" }, { __KER_CHANNEL_DESTROY, 1, "ChannelDestroy" },
	{ __KER_CONNECT_ATTACH, 5, "ConnectAttach" }, { __KER_CONNECT_DETACH, 1, "ConnectDetach" },
	{ __KER_MSG_SENDV, 5, "MsgSendv" }, { __KER_MSG_RECEIVEV, 4, "MsgReceivev" },
	{ __KER_MSG_REPLYV, 4, "MsgReplyv" }, { __KER_MSG_ERROR, 2, "MsgError" },
	{ __KER_MSG_READV, 4, "MsgReadv" }, { __KER_MSG_WRITEV, 4, "MsgWritev" },
	{ __KER_MSG_INFO, 2, "MsgInfo" }, { __KER_MSG_SEND_PULSE, 4, "MsgSendPulse" },
	{ __KER_MSG_DELIVER_EVENT, 2, "MsgDeliverEvent" }, { __KER_THREAD_CREATE, 4, "ThreadCreate" },
	{ __KER_THREAD_DESTROY, 3, "ThreadDestroy" },
};

#define EXPECT(c, i) do { if (!(c)) { printf("table_driver: %d: %s\n", (i), #c); failed++; } } while (0)

int main(void)
{
	int failed = 0;

	for (int i = 0; i < __KER_COUNT; i++) {
		if (!kcalls[i].fn) {			/* a gap: no handler, no name */
			EXPECT(kcall_names[i] == NULL, i);
			continue;
		}
		EXPECT(kcalls[i].fn() == i, i);
		EXPECT(kcall_names[i] && strcmp(kcalls[i].name, kcall_names[i]) == 0, i);
		EXPECT(kcalls[i].nargs >= 0 && kcalls[i].nargs <= 6, i);
	}
	EXPECT(kcalls[__KER_COUNT - 1].fn != NULL, __KER_COUNT - 1);	/* the count is tight */
	for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
		int n = required[i].num;
		EXPECT(kcalls[n].fn && strcmp(kcalls[n].name, required[i].name) == 0, n);
		EXPECT(kcalls[n].nargs == required[i].nargs, n);
	}
	return failed;
}
