/* <devctl.h>: QNX's devctl() and POSIX's posix_devctl(): _IO_DEVCTL on an fd. */
#ifndef _DEVCTL_H_
#define _DEVCTL_H_

#include <stddef.h>
#include <sys/iomsg.h>

/* Send nbytes of data with command dcmd, get up to nbytes back in the same buffer; the
 * server's result goes to *info. Returns EOK (0) or an errno value; errno is unchanged. */
int devctl(int fd, int dcmd, void *data, size_t nbytes, int *info);
int posix_devctl(int fd, int dcmd, void *__restrict data, size_t nbytes, int *__restrict info);

#endif
