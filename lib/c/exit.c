/* _exit: the end of the process, with its status for the parent's wait. */
#include <unistd.h>
#include <stdlib.h>
#include "libc.h"

/* ThreadDestroy(-1, ...) ends every thread of the process; the status is the exit code
 * taskman reports to wait (WEXITSTATUS keeps its low 8 bits). */
void _exit(int status)
{
	for (;;)
		ThreadDestroy_r(-1, -1, (void *)(intptr_t)status);
}

void _Exit(int status)
{
	_exit(status);
}
