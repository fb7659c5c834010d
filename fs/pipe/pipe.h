/* pipe.h: the pipe server's handler table (pipe.c), used by its main and the host tests. */
#ifndef FS_PIPE_H
#define FS_PIPE_H

#include <resmgr.h>

#define PIPE_CAP	(64 * 1024)	/* bytes a pipe holds (a power of two) */
#define PIPE_ATOMIC	4096		/* PIPE_BUF: writes up to this size are never split */

extern const struct rm_funcs pipe_funcs;
/* Forget every pipe (none has an open left) and set up /dev/pipe's own attr. */
void pipe_init(void);

#endif
