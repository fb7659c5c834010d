/* <sys/sysmgr.h>: asking taskman to stop the machine (_PROC_SHUTDOWN, sys/procmsg.h). */
#ifndef _SYS_SYSMGR_H
#define _SYS_SYSMGR_H

#define SYSMGR_POWEROFF	0	/* a clean power-off: the kernel says "shutdown (ok)" */
#define SYSMGR_FAILURE	1	/* stop, reporting a failure */

/* Only for euid 0 (EPERM); on success it does not return. -1 with errno otherwise. */
int	sysmgr_shutdown(int how);

#endif
