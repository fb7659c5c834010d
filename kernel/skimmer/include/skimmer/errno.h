/* Error numbers the kernel returns: picolibc's values (QSOE's libc), plus QNX's ESRVRFAULT. */
#ifndef SKIMMER_ERRNO_H
#define SKIMMER_ERRNO_H

#define EOK        0
#define EPERM      1
#define ENOENT     2
#define ESRCH      3
#define EINTR      4
#define E2BIG      7
#define ENOEXEC    8
#define EBADF      9
#define EAGAIN     11
#define ENOMEM     12
#define EACCES     13
#define EFAULT     14
#define EBUSY      16
#define EEXIST     17
#define EINVAL     22
#define EMFILE     24
#define EDEADLK    45
#define ENOSYS     88
#define ETIMEDOUT  116
#define EOVERFLOW  139
#define EOWNERDEAD 142
#define ENOTSUP    134	/* picolibc's value */
#define ESRVRFAULT 312	/* QNX: fault in the server's buffers */

#endif
