/* The path manager: placeholder until the pathmgr branch lands (ENOSYS for every request). */
#include <errno.h>
#include "taskman.h"

void pathmgr_init(void)
{
}

void pathmgr_msg(int rcvid, void *msg, size_t len, const struct _msg_info *info)
{
	MsgError(rcvid, ENOSYS);
}

void pathmgr_proc_gone(pid_t pid)
{
}

struct tm_shm *pathmgr_shm_of(pid_t pid, int coid)
{
	return NULL;
}
