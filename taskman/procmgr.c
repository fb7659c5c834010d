/* The process manager: placeholder until the tmproc branch lands (ENOSYS for every request). */
#include <errno.h>
#include "taskman.h"

void procmgr_init(void)
{
}

void procmgr_msg(int rcvid, void *msg, size_t len, const struct _msg_info *info)
{
	MsgError(rcvid, ENOSYS);
}

int procmgr_info(pid_t pid, struct tm_procinfo *out)
{
	return -ESRCH;
}

pid_t procmgr_next(pid_t after)
{
	return -1;
}
