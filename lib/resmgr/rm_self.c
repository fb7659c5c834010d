/* Our own pid for st_dev: from the thread's TLS block (kept apart: the host tests stub it). */
#include "rm_priv.h"

pid_t rm_self_pid(void)
{
	return __tls()->__pid;
}
