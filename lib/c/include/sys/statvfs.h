/* <sys/statvfs.h>: filesystem figures, from the server's DCMD_FSYS_STATVFS (sys/iomsg.h). */
#ifndef _SYS_STATVFS_H
#define _SYS_STATVFS_H

#include <sys/types.h>

#define ST_RDONLY	0x1	/* f_flag: mounted read-only */
#define ST_NOSUID	0x2

struct statvfs {
	unsigned long	f_bsize;	/* preferred I/O size */
	unsigned long	f_frsize;	/* the unit of the block counts */
	fsblkcnt_t	f_blocks, f_bfree, f_bavail;	/* total, free, free to non-root */
	fsfilcnt_t	f_files, f_ffree, f_favail;	/* inodes: the same */
	unsigned long	f_fsid;
	unsigned long	f_flag;		/* ST_* */
	unsigned long	f_namemax;	/* longest name */
	char		f_basetype[16];	/* QNX's: the filesystem's type, "ext2", "tmpfs" */
};

/* 0, or -1 with errno: ENOTSUP for a server that is no filesystem. statvfs opens path
 * for reading (so it needs read permission on it, unlike POSIX's). */
int	statvfs(const char *__restrict path, struct statvfs *__restrict buf);
int	fstatvfs(int fd, struct statvfs *buf);

#endif
