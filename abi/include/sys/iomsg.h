/* <sys/iomsg.h>: numbers of the QNX I/O messages, connect subtypes and connect reply flags. */
/*
 * Kernel-neutral: the kernel never looks at these; libc's POSIX layer, taskman and the
 * resource managers speak them over MsgSend. Values are those of shared/docs/qnx-api.md.
 * The message structs (struct _io_connect, _io_read, ...) will join this header.
 */
#ifndef _SYS_IOMSG_H
#define _SYS_IOMSG_H

/* Message types: the first uint16_t of every I/O message. */
#define _IO_BASE			0x100
#define _IO_CONNECT			0x100	/* open, unlink, rename, ...: a path-based request */
#define _IO_READ			0x101
#define _IO_WRITE			0x102
#define _IO_STAT			0x104
#define _IO_NOTIFY			0x105
#define _IO_DEVCTL			0x106
#define _IO_PATHCONF			0x108
#define _IO_LSEEK			0x109
#define _IO_CHMOD			0x10A
#define _IO_CHOWN			0x10B
#define _IO_OPENFD			0x10D
#define _IO_DUP				0x115
#define _IO_CLOSE			0x116
#define _IO_MAX				0x1FF

/* _IO_CONNECT subtypes. */
#define _IO_CONNECT_COMBINE		0	/* resolve the path, then do the appended I/O message */
#define _IO_CONNECT_COMBINE_CLOSE	1	/* the same, then close: stat() in one round trip */
#define _IO_CONNECT_OPEN		2
#define _IO_CONNECT_UNLINK		3
#define _IO_CONNECT_RENAME		4
#define _IO_CONNECT_MKNOD		5
#define _IO_CONNECT_READLINK		6
#define _IO_CONNECT_LINK		7
#define _IO_CONNECT_MOUNT		9

/* Bits of a connect reply's status: not a plain result, the reply body says what to do. */
#define _IO_CONNECT_RET_FLAG		0x80000000u	/* set on every such reply */
#define _IO_CONNECT_RET_FTYPE		0x8000		/* the body is a file type */
#define _IO_CONNECT_RET_LINK		0x10000		/* the body lists servers to try */
#define _IO_CONNECT_RET_MSG		0x100000	/* the body is a message to send */

#endif
