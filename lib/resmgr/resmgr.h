/* <resmgr.h>: the resource-manager library: a server is a table of handlers and a loop. */
/*
 * A server creates a resmgr, attaches one or more path prefixes, and runs the dispatch
 * loop. The library receives every message, keeps the open control blocks (OCBs: one
 * per open, shared by dups and inherited fds) keyed by the client's connection, answers
 * what it can by default (lseek, stat, chmod/chown on the attr, dup, close, unknown
 * messages with ENOSYS), and calls the server's handlers for the rest. Malformed
 * messages get an error reply; the server never sees them.
 *
 * Handler results: >= 0 is the reply status (with the reply data set through
 * rm_reply_data, or none); a negative value -errno becomes MsgError(errno);
 * RM_NOREPLY means the handler keeps ctx->rcvid to reply later (a read that must wait).
 * A server that holds rcvids must answer them when their client asks to be unblocked
 * (the unblock handler) or goes away.
 *
 * Single-threaded: handlers run one at a time on the dispatch thread. A server may
 * also take pulses of its own (rm_pulse_attach), e.g. from its interrupt.
 */
#ifndef _RESMGR_H
#define _RESMGR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/neutrino.h>
#include <sys/iomsg.h>
#include <sys/procmsg.h>	/* _RESMGR_FLAG_* for resmgr_attach */

#define RM_NOREPLY		(-0x10000)	/* the handler replies later (or has replied) */
#define RM_MSG_MAX		(64 * 1024)	/* largest message received in one piece: write
						 * data beyond it is fetched with rm_read_msg */

struct rm_attr;
struct rm_ocb;
struct resmgr;

/* What a handler is told about the message it is answering. */
struct rm_ctx {
	struct resmgr	*rm;
	int		rcvid;
	struct _msg_info info;		/* the client: pid, tid, scoid, coid, priority */
	void		*msg;		/* the received message (the library's buffer) */
	size_t		msglen;		/* bytes of it received */
	/* Reply data: what rm_reply_data set, sent with a status >= 0. */
	const void	*reply;
	size_t		replylen;
	/* Set by the library (extensions; servers only read them): */
	size_t		msgoff;		/* where msg starts in the client's message (an I/O
					 * message appended to a COMBINE connect lies after the
					 * path); rm_read_msg offsets are from msg */
	struct _io_connect *connect;	/* the connect being served (open, and the I/O part
					 * of a COMBINE), else NULL */
	uint16_t	combine_type;	/* a COMBINE's appended message type, else 0 */
	int		ngroups;	/* the client's supplementary groups, once its */
	int32_t		groups[_PROC_NGROUPS_MAX];	/* credentials were asked for */
};

/* Per-node attributes (QNX's iofunc_attr_t): the file, directory or device itself.
 * Servers embed it at the start of their own node structs. */
struct rm_attr {
	uint32_t	mode;		/* S_IFMT | permissions */
	uint32_t	nlink;
	uint32_t	uid, gid;
	uint64_t	ino;
	uint64_t	size;
	uint64_t	rdev;
	uint64_t	atime_ns, mtime_ns, ctime_ns;
	uint32_t	nopens;		/* OCBs on it (the library counts) */
	uint32_t	flags;
};

/* One open (QNX's iofunc_ocb_t). Servers may ask for more bytes per OCB (ocb_size)
 * and use what follows this struct. */
struct rm_ocb {
	struct rm_attr	*attr;
	uint32_t	ioflag;		/* O_* of the open (O_ACCMODE bits + O_APPEND, ...) */
	int32_t		refs;		/* connections that share it (dup, inheritance) */
	int64_t		offset;
	void		*data;		/* the server's */
};

/* The handlers. Any may be NULL: then the default applies (see each). path is relative
 * to the prefix the server attached ("" for the prefix itself; no leading, trailing or
 * doubled '/', no "." components), handle is the attach's. */
struct rm_funcs {
	/* open (and the open half of stat/COMBINE): find or create the node, check access
	 * for ctx->info's client, and return its attr in *attr (the library makes the
	 * OCB). Default: ENOENT. */
	int (*open)(struct rm_ctx *ctx, struct _io_connect *msg, const char *path,
		    void *handle, struct rm_attr **attr);
	int (*unlink)(struct rm_ctx *ctx, struct _io_connect *msg, const char *path,
		      void *handle);		/* also rmdir (msg->mode has S_IFDIR). ENOSYS */
	/* rename and link: the connect names the new path (to); its extra names the other
	 * one (from, target). An absolute extra path (the client's, made absolute) is made
	 * relative to this attach's prefix by the library, EXDEV if it lies outside it; a
	 * relative one is passed as it is. A symlink is a link whose msg->mode is S_IFLNK:
	 * its target is the link's text, passed exactly as the client sent it. */
	int (*rename)(struct rm_ctx *ctx, struct _io_connect *msg, const char *to,
		      const char *from, void *handle);	/* ENOSYS (EXDEV across servers) */
	int (*mknod)(struct rm_ctx *ctx, struct _io_connect *msg, const char *path,
		     void *handle);		/* mkdir: msg->mode = S_IFDIR | perm. ENOSYS */
	int (*readlink)(struct rm_ctx *ctx, struct _io_connect *msg, const char *path,
			void *handle);		/* ENOSYS */
	int (*link)(struct rm_ctx *ctx, struct _io_connect *msg, const char *path,
		    const char *target, void *handle);	/* ENOSYS */

	/* I/O on an open. read/write move data with rm_reply_data / rm_read_msg and return
	 * the byte count; data beyond ctx->msglen (large writes) comes from rm_read_msg.
	 * Defaults: read EBADF unless opened for reading, then ENOSYS; same for write. */
	int (*read)(struct rm_ctx *ctx, struct rm_ocb *ocb, size_t nbytes);
	int (*write)(struct rm_ctx *ctx, struct rm_ocb *ocb, size_t nbytes,
		     const void *data, size_t datalen);	/* datalen <= nbytes received so far */
	int (*stat)(struct rm_ctx *ctx, struct rm_ocb *ocb, struct _io_stat_reply *st);
						/* default: from ocb->attr (rm_stat_fill) */
	int (*lseek)(struct rm_ctx *ctx, struct rm_ocb *ocb, int whence, int64_t off,
		     int64_t *newoff);		/* default: ocb->offset against attr->size */
	int (*devctl)(struct rm_ctx *ctx, struct rm_ocb *ocb, int dcmd, void *data,
		      size_t nbytes, int *ret_val);	/* data: in and out (nbytes <= 64 KiB);
						 * returns out bytes. Default ENOTTY */
	int (*chmod)(struct rm_ctx *ctx, struct rm_ocb *ocb, uint32_t mode);
	int (*chown)(struct rm_ctx *ctx, struct rm_ocb *ocb, int uid, int gid);
	/* The OCB's last reference went (close, or its client died). Default: nothing
	 * more; the library frees the OCB afterwards. */
	void (*close_ocb)(struct rm_ctx *ctx, struct rm_ocb *ocb);
	/* A client blocked on a rcvid we hold asked to be unblocked (a signal, a timeout):
	 * reply to it (usually MsgError(rcvid, EINTR)) if we still hold it. */
	void (*unblock)(struct rm_ctx *ctx, int rcvid);
	/* A message the library has no handler for: types it does not know (< _IO_BASE or
	 * > _IO_MAX), and _IO_MSG, _IO_NOTIFY, _IO_PATHCONF, _IO_MMAP. rm_ocb_of(ctx) finds
	 * the sender's OCB, if any. Default: ENOSYS. */
	int (*other)(struct rm_ctx *ctx);

	/* Extensions (after the original fields, so designated initialisers still work): */
	/* _IO_SPACE (ftruncate): subtype _IO_SPACE_FREESP/ALLOCSP, start already made
	 * absolute from whence (SEEK_SET/CUR/END against ocb->offset/attr->size) and checked
	 * >= 0; set *newsize. The library checks write access first. Default: ENOSYS. */
	int (*space)(struct rm_ctx *ctx, struct rm_ocb *ocb, int subtype, int64_t start,
		     int64_t len, uint64_t *newsize);
	/* _IO_UTIME: times already chosen (now if cur_flag). Default: owner, root, or
	 * (cur_flag) write permission may set attr's times. */
	int (*utime)(struct rm_ctx *ctx, struct rm_ocb *ocb, int cur_flag, uint64_t atime_ns,
		     uint64_t mtime_ns);
	/* _IO_SYNC: default 0 (nothing buffered). */
	int (*sync)(struct rm_ctx *ctx, struct rm_ocb *ocb, int flag);
};

struct _proc_getid_reply;
struct resmgr_attr {
	size_t		ocb_size;	/* bytes per OCB (>= sizeof(struct rm_ocb)); 0: default */
	int		chflags;	/* extra ChannelCreate flags */
	/* Extensions: */
	unsigned	flags;		/* RESMGR_ATTR_* */
	int		chid;		/* RESMGR_ATTR_CHID: receive on this channel instead of
					 * creating one (a caller with its own receive loop that
					 * hands messages to resmgr_msg/resmgr_pulse) */
	/* The client's credentials: instead of asking taskman (_PROC_GETID), the path
	 * manager (taskman itself) answers from its process table. 0 or -errno. */
	int (*getcred)(pid_t pid, struct _proc_getid_reply *out);
};
#define RESMGR_ATTR_CHID	0x1

/* Create a resmgr with its own channel. NULL with errno on failure. */
struct resmgr *resmgr_create(const struct rm_funcs *funcs, const struct resmgr_attr *attr);
int resmgr_chid(struct resmgr *rm);
/* Close every open (close_ocb runs for each), destroy the channel if we made it, and
 * free the resmgr. Attached paths stay registered until the process ends. */
void resmgr_destroy(struct resmgr *rm);
/* Register `path` with the path manager (taskman) for this resmgr: file_type _FTYPE_*,
 * flags _RESMGR_FLAG_*. Returns the registration id (for resmgr_detach) or -1/errno. */
int resmgr_attach(struct resmgr *rm, const char *path, unsigned file_type, unsigned flags,
		  void *handle);
int resmgr_detach(struct resmgr *rm, int id);
/* Receive and handle one message (or pulse); returns 0, or -1 with errno on a receive
 * error. resmgr_run loops on it forever. */
int resmgr_handle_one(struct resmgr *rm);
void resmgr_run(struct resmgr *rm) __attribute__((noreturn));
/* Call fn(rm, code, value, arg) for pulses with this code (0.._PULSE_CODE_MAXAVAIL)
 * arriving on the resmgr's channel. Returns a coid connected to the channel (for
 * SIGEV_PULSE_INIT), or -1. */
int rm_pulse_attach(struct resmgr *rm, int code,
		    void (*fn)(struct resmgr *rm, int code, int value, void *arg), void *arg);

/* For a caller with its own receive loop (RESMGR_ATTR_CHID): handle one message it has
 * received (len bytes of it are in msg, which the library may keep using only until
 * this returns), or one pulse. resmgr_pulse returns 1 if the pulse was the library's
 * (disconnect, unblock, an rm_pulse_attach code), else 0. */
void resmgr_msg(struct resmgr *rm, int rcvid, void *msg, size_t len,
		const struct _msg_info *info);
int resmgr_pulse(struct resmgr *rm, const struct _pulse *pulse);
/* A handle number for `handle`, as a connect's handle field names it, without telling
 * the path manager (the path manager uses it for its own registrations). 0: ENOMEM. */
uint32_t resmgr_handle_add(struct resmgr *rm, void *handle);
/* Drop every OCB reference that process pid holds (it ended, and no DISCONNECT pulse
 * will say so: the path manager's own files). Returns the connections dropped. */
int resmgr_client_gone(struct resmgr *rm, pid_t pid);
/* The OCB that process pid holds as its fd coid, or NULL (e.g. memmgr's mmap of a
 * /dev/shmem fd). */
struct rm_ocb *resmgr_ocb_find(struct resmgr *rm, pid_t pid, int coid);

/* For handlers. */
/* The OCB of the message's sender connection (ctx->info scoid and coid), or NULL. */
struct rm_ocb *rm_ocb_of(struct rm_ctx *ctx);
/* For an open handler: the access the connect asks for, checked against attr (OPEN:
 * R for O_RDONLY/O_RDWR, W for O_WRONLY/O_RDWR and O_TRUNC; COMBINE: only what its
 * appended message needs: R for _IO_READ, W for _IO_WRITE/_IO_SPACE). 0 or -errno. */
int rm_open_access(struct rm_ctx *ctx, struct _io_connect *msg, struct rm_attr *attr);
void rm_reply_data(struct rm_ctx *ctx, const void *data, size_t len);
/* Copy len bytes of the client's message from offset (MsgRead); bytes or -errno. */
ssize_t rm_read_msg(struct rm_ctx *ctx, void *buf, size_t len, size_t offset);
/* Reply now to a rcvid kept earlier (RM_NOREPLY): status >= 0 with data, or an error. */
int rm_reply(int rcvid, int status, const void *data, size_t len);
int rm_error(int rcvid, int err);
/* Fill st from attr (st_dev from our pid). */
void rm_stat_fill(struct rm_attr *attr, struct _io_stat_reply *st);
/* Initialise an attr: mode (S_IFMT|perm), owner from the caller, times now, nlink 1. */
void rm_attr_init(struct rm_attr *attr, uint32_t mode, int uid, int gid);
/* May the client of ctx access attr for `want` (R_OK 4, W_OK 2, X_OK 1)? 0 or -EACCES.
 * Uses the client's effective credentials as taskman reports them. */
int rm_check_access(struct rm_ctx *ctx, struct rm_attr *attr, int want);
/* The client's credentials (taskman's _PROC_GETID about info.pid, cached per scoid). */
int rm_client_cred(struct rm_ctx *ctx, int *uid, int *gid);
/* The client's supplementary groups (at most max) into groups: their number, or -errno.
 * 0 when the credentials come from a getcred hook (taskman's own files). */
int rm_client_groups(struct rm_ctx *ctx, uint32_t *groups, int max);

/* Directory listings: append one struct _io_dirent to buf (cap bytes, 8-byte aligned
 * records); returns its length, or 0 if it does not fit. */
size_t rm_dirent_put(void *buf, size_t cap, uint64_t ino, int64_t next_offset, int d_type,
		     const char *name);
/* The DT_* type of a mode's S_IFMT bits. */
int rm_dtype(uint32_t mode);
/* CLOCK_REALTIME now, in ns. */
uint64_t rm_now_ns(void);

#endif
