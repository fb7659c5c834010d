/* <devctl.h>: QNX's devctl() and POSIX's posix_devctl(): _IO_DEVCTL on an fd. */
#ifndef _DEVCTL_H_
#define _DEVCTL_H_

#include <stddef.h>
#include <sys/iomsg.h>

/* Generic commands any server may serve (others answer ENOSYS or ENOTTY). */
#define DCMD_ALL_SETFLAGS	0x0101	/* SET int32_t: the open's O_APPEND|O_NONBLOCK */
#define DCMD_ALL_GETFLAGS	0x0102	/* GET int32_t */

/* Send nbytes of data with command dcmd, get up to nbytes back in the same buffer; the
 * server's result goes to *info. Returns EOK (0) or an errno value; errno is unchanged. */
int devctl(int fd, int dcmd, void *data, size_t nbytes, int *info);
int posix_devctl(int fd, int dcmd, void *__restrict data, size_t nbytes, int *__restrict info);

#endif
