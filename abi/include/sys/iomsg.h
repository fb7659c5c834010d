/* <sys/iomsg.h>: numbers of the QNX I/O messages, connect subtypes and connect reply flags. */
/*
 * Kernel-neutral: the kernel never looks at these; libc's POSIX layer, taskman and the
 * resource managers speak them over MsgSend. Values are those of shared/docs/qnx-api.md.
 * Every message starts with a uint16_t type; every struct here is fixed-size, LP64, and
 * checked below. A request's variable part (a path, write data) follows its struct.
 * Replies: a plain reply's status is the result (bytes for read/write, 0 otherwise),
 * errors come as MsgError; a connect reply may instead carry _IO_CONNECT_RET_FLAG.
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
#define _IO_UTIME			0x10C
#define _IO_OPENFD			0x10D
#define _IO_SPACE			0x110	/* ftruncate, posix_fallocate */
#define _IO_MMAP			0x112
#define _IO_MSG				0x113	/* server-specific requests */
#define _IO_DUP				0x115
#define _IO_CLOSE			0x116
#define _IO_SYNC			0x119	/* fsync, fdatasync */
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

#include <stdint.h>

/* File types a path may name (struct _io_connect.file_type, _io_connect_entry.file_type). */
#define _FTYPE_ANY			0	/* any server: files, devices, directories */
#define _FTYPE_FILE			1
#define _FTYPE_LINK			2	/* the path manager itself (redirect replies) */
#define _FTYPE_PIPE			3
#define _FTYPE_SHMEM			4
#define _FTYPE_MOUNT			5	/* a filesystem's mount point */
#define _FTYPE_NAME			6	/* name_attach names (/dev/name/...) */

/*
 * _IO_CONNECT: every path-based request (open, stat, unlink, rename, mkdir, readlink,
 * link). The path (path_len bytes, NUL included) follows the struct, then extra_len bytes
 * of extra data: for RENAME and LINK the other path (NUL-terminated), for COMBINE and
 * COMBINE_CLOSE the I/O message to run on the opened file (stat, chmod, ...).
 * Sent first to the path manager (pid PATHMGR_PID, chid SYSMGR_CHID, handle 0), which
 * answers with a link reply; then to each server it names, path relative to the
 * server's prefix and handle set to that registration's handle.
 */
struct _io_connect {
	uint16_t	type;		/* _IO_CONNECT */
	uint16_t	subtype;	/* _IO_CONNECT_* */
	uint32_t	file_type;	/* _FTYPE_* the caller wants (_FTYPE_ANY) */
	uint16_t	reply_max;	/* the caller's reply buffer size */
	uint16_t	entry_max;	/* most link entries it can take */
	uint32_t	key;
	uint32_t	handle;		/* 0 at the path manager; else the registration's */
	uint32_t	ioflag;		/* open(): O_* flags (O_RDONLY 0, O_WRONLY 1, O_RDWR 2...) */
	uint32_t	mode;		/* open(O_CREAT)/mkdir: permissions; MKNOD: S_IFDIR|perm */
	uint16_t	sflag;
	uint16_t	access;
	uint16_t	zero;
	uint16_t	path_len;	/* bytes of path, NUL included */
	uint8_t		eflag;		/* _IO_CONNECT_EFLAG_* */
	uint8_t		extra_type;	/* _IO_CONNECT_EXTRA_* */
	uint16_t	extra_len;
	/* char path[path_len]; then uint8_t extra[extra_len] */
};
_Static_assert(sizeof(struct _io_connect) == 40, "struct _io_connect is ABI");

#define _IO_CONNECT_EFLAG_DIR		0x01	/* the path ended in '/': must be a directory */
#define _IO_CONNECT_EXTRA_NONE		0
#define _IO_CONNECT_EXTRA_LINK		1	/* LINK: extra is the existing path */
#define _IO_CONNECT_EXTRA_RENAME	3	/* RENAME: extra is the old path */
#define _IO_CONNECT_EXTRA_MSG		4	/* COMBINE(_CLOSE): extra is an I/O message */

/*
 * The path manager's answer: status _IO_CONNECT_RET_FLAG | _IO_CONNECT_RET_LINK, and
 * this header followed by nentries entries, longest matching prefix first. A server may
 * answer the same way to redirect (a symlink: path_len bytes of new path follow the
 * entries, and the client starts over at the path manager with it).
 */
struct _io_connect_link_reply {
	uint32_t	reserved1;
	uint32_t	file_type;
	uint8_t		eflag;
	uint8_t		reserved2[3];
	uint32_t	umask;
	uint16_t	nentries;
	uint16_t	path_len;	/* a redirect's new path after the entries, or 0 */
	/* struct _io_connect_entry entries[nentries]; char path[path_len] */
};
_Static_assert(sizeof(struct _io_connect_link_reply) == 20, "ABI");

struct _io_connect_entry {
	uint32_t	nd;		/* node: 0, this one */
	int32_t		pid;		/* the server's process */
	int32_t		chid;		/* and channel */
	uint32_t	handle;		/* put in the resent _io_connect */
	uint32_t	key;
	uint32_t	file_type;	/* _FTYPE_* it registered as */
	uint16_t	prefix_len;	/* leading bytes of the path it owns: strip them */
	uint16_t	flags;		/* _RESMGR_FLAG_* it registered with */
	uint32_t	zero;
};
_Static_assert(sizeof(struct _io_connect_entry) == 32, "ABI");
#define _IO_CONNECT_ENTRY_MAX		16

/* The I/O messages on an open file (an fd is a connection to the server). combine_len is
 * 0 unless the message is the appended part of a COMBINE connect. */
struct _io_read {
	uint16_t	type;		/* _IO_READ; reply: the data, status = bytes */
	uint16_t	combine_len;
	int32_t		nbytes;
	uint32_t	xtype;
	uint32_t	zero;
};
struct _io_write {
	uint16_t	type;		/* _IO_WRITE; the data follows; reply status = bytes */
	uint16_t	combine_len;
	int32_t		nbytes;
	uint32_t	xtype;
	uint32_t	zero;
};
_Static_assert(sizeof(struct _io_read) == 16 && sizeof(struct _io_write) == 16, "ABI");

struct _io_lseek {
	uint16_t	type;		/* _IO_LSEEK; reply: int64_t new offset, status 0 */
	uint16_t	combine_len;
	int16_t		whence;		/* SEEK_SET 0, SEEK_CUR 1, SEEK_END 2 */
	uint16_t	zero;
	int64_t		offset;
};
_Static_assert(sizeof(struct _io_lseek) == 16, "ABI");

/* _IO_STAT: reply is a struct _io_stat_reply. Our own fixed layout, not any libc's. */
struct _io_stat {
	uint16_t	type;
	uint16_t	combine_len;
	uint32_t	zero;
};
struct _io_stat_reply {
	uint64_t	st_ino;
	uint64_t	st_size;
	uint64_t	st_dev;		/* the server's pid in the upper 32 bits, its own below */
	uint64_t	st_rdev;
	uint64_t	st_atime_ns;	/* CLOCK_REALTIME, ns since 1970 */
	uint64_t	st_mtime_ns;
	uint64_t	st_ctime_ns;
	uint64_t	st_blocks;	/* 512-byte blocks */
	uint32_t	st_mode;	/* S_IFMT bits and permissions, the POSIX values */
	uint32_t	st_nlink;
	uint32_t	st_uid;
	uint32_t	st_gid;
	uint32_t	st_blksize;
	uint32_t	zero[3];
};
_Static_assert(sizeof(struct _io_stat_reply) == 96, "ABI");

struct _io_close {
	uint16_t	type;		/* _IO_CLOSE; reply status 0 */
	uint16_t	combine_len;
	uint32_t	zero;
};

/* _IO_DUP: the sender's coid (the message's own connection) is to share the open file
 * that process info.pid holds as info.coid (fd inheritance at spawn, and dup across
 * processes). The server finds that open and adds a reference. */
struct _io_dup {
	uint16_t	type;
	uint16_t	combine_len;
	uint32_t	zero;
	struct {
		int32_t	pid;		/* the process that holds the open */
		int32_t	coid;		/* its fd */
	} info;
	uint32_t	reserved;
	uint32_t	key;
};
_Static_assert(sizeof(struct _io_dup) == 24, "ABI");

/* _IO_DEVCTL: dcmd and nbytes of data follow; reply: struct _io_devctl_reply then data. */
struct _io_devctl {
	uint16_t	type;
	uint16_t	combine_len;
	int32_t		dcmd;
	int32_t		nbytes;
	int32_t		zero;
};
struct _io_devctl_reply {
	uint32_t	zero;
	int32_t		ret_val;	/* the command's result (devctl's *dev_info_ptr) */
	int32_t		nbytes;		/* data bytes that follow */
	int32_t		zero2;
};
_Static_assert(sizeof(struct _io_devctl) == 16 && sizeof(struct _io_devctl_reply) == 16, "ABI");

struct _io_chmod {
	uint16_t	type;
	uint16_t	combine_len;
	uint32_t	mode;
};
struct _io_chown {
	uint16_t	type;
	uint16_t	combine_len;
	int32_t		uid;
	int32_t		gid;
	uint32_t	zero;
};

/* _IO_NOTIFY (select/poll readiness): servers may answer ENOSYS for now. */
struct _io_notify {
	uint16_t	type;
	uint16_t	combine_len;
	int32_t		action;
	int32_t		flags;
	uint32_t	zero;
};

/* _IO_OPENFD: open a new, independent open of what the sender's fd names (fdopen()-less
 * reopen); ioflag as for open. Sent on a new connection to the same server (which
 * becomes the new fd); coid names the existing fd (QSOE: the two fields after ioflag
 * were added by the resmgr library; lib/resmgr answers the 8-byte form with EINVAL). */
struct _io_openfd {
	uint16_t	type;
	uint16_t	combine_len;
	uint32_t	ioflag;
	int32_t		coid;
	uint32_t	zero;
};
_Static_assert(sizeof(struct _io_openfd) == 16, "ABI");

/* _IO_UTIME: set access and modification times (ns since 1970); cur_flag set: both now. */
struct _io_utime {
	uint16_t	type;
	uint16_t	combine_len;
	int32_t		cur_flag;
	uint64_t	atime_ns;
	uint64_t	mtime_ns;
};
/* _IO_SPACE: subtype F_FREESP (shrink to start) or F_ALLOCSP (grow to start + len) with
 * start from whence; ftruncate(fd, n) is F_ALLOCSP/F_FREESP at n with SEEK_SET, len 0.
 * Reply: int64_t the new size. */
struct _io_space {
	uint16_t	type;
	uint16_t	subtype;	/* _IO_SPACE_FREESP, _IO_SPACE_ALLOCSP */
	int16_t		whence;
	uint16_t	zero;
	int64_t		start;
	int64_t		len;
};
#define _IO_SPACE_FREESP		11
#define _IO_SPACE_ALLOCSP		10
/* _IO_SYNC: flag O_SYNC-like (0: fsync). */
struct _io_sync {
	uint16_t	type;
	uint16_t	combine_len;
	uint32_t	flag;
};
/* _IO_MSG: a server's own requests, identified by mgrid and subtype; data follows. */
struct _io_msg {
	uint16_t	type;
	uint16_t	combine_len;
	uint16_t	mgrid;
	uint16_t	subtype;
};

/*
 * Reading a directory: _IO_READ on an open directory returns whole records, never a
 * part of one, each 8-byte aligned; status 0 at the end. d_offset is what lseek(SEEK_SET)
 * takes to continue after this record.
 */
struct _io_dirent {
	uint64_t	d_ino;
	int64_t		d_offset;
	uint16_t	d_reclen;	/* this record, padding included */
	uint16_t	d_namelen;	/* without the NUL */
	uint8_t		d_type;		/* DT_* (DT_DIR 4, DT_REG 8, DT_CHR 2, DT_FIFO 1, DT_LNK 10) */
	uint8_t		zero[3];
	char		d_name[];	/* NUL-terminated */
};
_Static_assert(sizeof(struct _io_dirent) == 24, "ABI");
/* d_type values: the POSIX ones (a libc's <dirent.h> may have them already). */
#ifndef DT_UNKNOWN
#define DT_UNKNOWN	0
#define DT_FIFO		1
#define DT_CHR		2
#define DT_DIR		4
#define DT_BLK		6
#define DT_REG		8
#define DT_LNK		10
#define DT_SOCK		12
#endif

/* Device commands (_IO_DEVCTL dcmd). Data directions: GET: the server fills; SET: the
 * client sends. For every open (lib/resmgr serves them for each server): */
#define DCMD_ALL_SETFLAGS		0x0101	/* SET int32_t: the open's O_APPEND|O_NONBLOCK */
#define DCMD_ALL_GETFLAGS		0x0102	/* GET int32_t */
/* For character devices (terminals): */
#define DCMD_CHR_TCGETATTR		0x0401	/* GET struct termios */
#define DCMD_CHR_TCSETATTR		0x0402	/* SET struct termios, now */
#define DCMD_CHR_TCSETATTRD		0x0403	/* SET, after output drains */
#define DCMD_CHR_TCSETATTRF		0x0404	/* SET, drain and flush input */
#define DCMD_CHR_TCGETPGRP		0x0405	/* GET int32_t: the foreground process group */
#define DCMD_CHR_TCSETPGRP		0x0406	/* SET int32_t */
#define DCMD_CHR_TCGETSID		0x0407	/* GET int32_t: the session it controls */
#define DCMD_CHR_TCSETSID		0x0408	/* SET int32_t: make it the sender's session's
						 * controlling terminal (setsid + open) */
#define DCMD_CHR_ISATTY			0x0409	/* no data; ret_val 1 for a terminal */
#define DCMD_CHR_TCFLUSH		0x040A	/* SET int32_t: TCIFLUSH 0, TCOFLUSH 1, TCIOFLUSH 2 */
#define DCMD_CHR_TCDRAIN		0x040B
#define DCMD_CHR_GETSIZE		0x040C	/* GET struct winsize-like: int32_t rows, cols */
#define DCMD_CHR_QSOE_STATS		0x0480	/* QSOE: GET struct _chr_stats */

/* A serial driver's counters (devc-ser8250; tests/prog/ttystat prints them). */
struct _chr_stats {
	uint64_t	rx_bytes;	/* received from the line */
	uint64_t	tx_bytes;	/* put into the transmitter */
	uint64_t	interrupts;
	uint64_t	rx_dropped;	/* input lost to full queues */
	uint64_t	first_wait;	/* the cycle counter when a reader first had to wait
					 * (on the console: the shell at its first prompt) */
	uint64_t	reserved[3];
};
_Static_assert(sizeof(struct _chr_stats) == 64, "ABI");

/*
 * Block devices (devb-*: /dev/nvme0n1, its partitions /dev/nvme0n1p1...). read/write
 * (pread/pwrite) at offsets and lengths that are multiples of the block size work as on
 * a file: the data travels in the messages, fine for small transfers and for tools.
 * Bulk transfers go through shared memory instead: the client makes a shared memory
 * object (shm_open + ftruncate), registers it with DCMD_BLK_SHM as its open's transfer
 * area, and each DCMD_BLK_IO moves blocks between the device and the area (the driver
 * maps the same object; the message carries only the request).
 */
#define DCMD_BLK_INFO		0x0501	/* GET struct _blk_info */
#define DCMD_BLK_SHM		0x0502	/* SET struct _blk_shm: the open's transfer area */
#define DCMD_BLK_IO		0x0503	/* SET struct _blk_io; ret_val 0, or the request fails
					 * with an errno (EINVAL range, EIO device error) */
#define DCMD_BLK_FLUSH		0x0504	/* the device's write cache to the medium */

struct _blk_info {
	uint32_t	block_size;	/* bytes (512 or 4096) */
	uint32_t	max_blocks;	/* most blocks one DCMD_BLK_IO may move */
	uint64_t	nblocks;	/* of this device or partition */
	uint64_t	start;		/* a partition's first block on its disk (0 for a disk) */
	char		model[40];	/* NUL-terminated */
};
_Static_assert(sizeof(struct _blk_info) == 64, "ABI");
struct _blk_shm {
	uint64_t	size;		/* bytes of the object to use, from its start */
	char		name[48];	/* as given to shm_open ("/NAME"), NUL-terminated */
};
_Static_assert(sizeof(struct _blk_shm) == 56, "ABI");
#define _BLK_READ		0
#define _BLK_WRITE		1
struct _blk_io {
	uint32_t	op;		/* _BLK_READ, _BLK_WRITE */
	uint32_t	nblocks;
	uint64_t	lba;		/* first block, relative to the device or partition */
	uint64_t	offset;		/* byte offset in the transfer area (block-aligned) */
};
_Static_assert(sizeof(struct _blk_io) == 24, "ABI");

/* Filesystem servers (fs-ext2, tmpfs): any open of a file or directory they serve. */
#define DCMD_FSYS_STATVFS	0x0601	/* GET struct _fsys_statvfs */
#define DCMD_FSYS_SYNC		0x0602	/* write back every dirty block; done when it replies */
#define DCMD_FSYS_UMOUNT	0x0603	/* SET int32_t force: sync, detach the mount point and
					 * exit; EBUSY if files are open and force is 0 */
struct _fsys_statvfs {
	uint64_t	f_bsize, f_frsize, f_blocks, f_bfree, f_bavail;
	uint64_t	f_files, f_ffree, f_favail, f_fsid, f_flag, f_namemax;
	char		f_basetype[16];	/* "ext2", "tmpfs" */
};
_Static_assert(sizeof(struct _fsys_statvfs) == 104, "ABI");

#endif
