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
 * to the prefix the server attached ("" for the prefix itself), handle is the attach's. */
struct rm_funcs {
	/* open (and the open half of stat/COMBINE): find or create the node, check access
	 * for ctx->info's client, and return its attr in *attr (the library makes the
	 * OCB). Default: ENOENT. */
	int (*open)(struct rm_ctx *ctx, struct _io_connect *msg, const char *path,
		    void *handle, struct rm_attr **attr);
	int (*unlink)(struct rm_ctx *ctx, struct _io_connect *msg, const char *path,
		      void *handle);		/* also rmdir (msg->mode has S_IFDIR). ENOSYS */
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
	/* A message type the library does not know (>= _IO_MAX or < _IO_BASE): default
	 * ENOSYS. */
	int (*other)(struct rm_ctx *ctx);
};

struct resmgr_attr {
	size_t		ocb_size;	/* bytes per OCB (>= sizeof(struct rm_ocb)); 0: default */
	int		chflags;	/* extra ChannelCreate flags */
};

/* Create a resmgr with its own channel. NULL with errno on failure. */
struct resmgr *resmgr_create(const struct rm_funcs *funcs, const struct resmgr_attr *attr);
int resmgr_chid(struct resmgr *rm);
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

/* For handlers. */
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

/* Directory listings: append one struct _io_dirent to buf (cap bytes, 8-byte aligned
 * records); returns its length, or 0 if it does not fit. */
size_t rm_dirent_put(void *buf, size_t cap, uint64_t ino, int64_t next_offset, int d_type,
		     const char *name);

#endif
