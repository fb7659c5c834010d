/* The resource-manager library's insides: the resmgr, its OCB bindings and credential cache. */
/*
 * Every open a client holds is a binding (scoid, coid) -> OCB: scoid is the kernel's
 * server connection (one per client process), coid the client's fd. Dups and inherited
 * fds are more bindings to the same OCB (its refs count them). Bindings also record the
 * client's pid, so _IO_DUP can find the parent's open by (pid, coid) and the path
 * manager can drop a dead process's opens by pid.
 *
 * Single-threaded: only the dispatch thread touches any of this.
 */
#ifndef RM_PRIV_H
#define RM_PRIV_H

#include "resmgr.h"
#include <sys/procmsg.h>

#define RM_BIND_BUCKETS		64
#define RM_CRED_SLOTS		32
#define RM_PULSE_CODES		(_PULSE_CODE_MAXAVAIL + 1)

struct rm_bind {
	struct rm_bind	*next;		/* in its hash bucket */
	int		scoid;
	int		coid;
	pid_t		pid;
	struct rm_ocb	*ocb;
};

struct rm_cred {
	int		scoid;		/* 0: free slot */
	pid_t		pid;
	struct _proc_getid_reply id;
	int		ngroups;	/* its supplementary groups */
	int32_t		groups[_PROC_NGROUPS_MAX];
};

struct rm_handle {
	void		*handle;	/* the server's, given to resmgr_attach */
	char		*path;		/* the attached path (normalised), or NULL */
	int		regid;		/* the path manager's registration id, or 0 */
	int		live;		/* connects with this handle are served */
};

struct resmgr {
	const struct rm_funcs *funcs;
	size_t		ocb_size;
	int		chid;
	int		own_channel;	/* we created chid (resmgr_handle_one receives) */
	int		(*getcred)(pid_t pid, struct _proc_getid_reply *out);
	void		*buf;		/* the receive buffer: RM_MSG_MAX bytes */
	struct rm_bind	*binds[RM_BIND_BUCKETS];
	struct rm_cred	creds[RM_CRED_SLOTS];
	unsigned	cred_next;	/* the slot to evict next */
	struct rm_handle *handles;	/* index h - 1 for handle number h */
	int		nhandles;
	struct {
		void	(*fn)(struct resmgr *rm, int code, int value, void *arg);
		void	*arg;
	} pulses[RM_PULSE_CODES];
	int		self_coid;	/* our connection to our own channel (pulses), or -1 */
	union {				/* reply bodies the library builds itself */
		struct _io_stat_reply st;
		int64_t		off;
	} scratch;
};

/* rm_ocb.c */
struct rm_bind *rm_bind_find(struct resmgr *rm, int scoid, int coid);
struct rm_bind *rm_bind_find_pid(struct resmgr *rm, pid_t pid, int coid);
int rm_bind_add(struct resmgr *rm, int scoid, int coid, pid_t pid, struct rm_ocb *ocb);
void rm_bind_drop(struct resmgr *rm, struct rm_ctx *ctx, struct rm_bind *b);
int rm_bind_drop_scoid(struct resmgr *rm, int scoid);
struct rm_ocb *rm_ocb_new(struct resmgr *rm, struct rm_attr *attr, uint32_t ioflag);
void rm_ocb_unref(struct resmgr *rm, struct rm_ctx *ctx, struct rm_ocb *ocb);

/* rm_connect.c */
int rm_do_connect(struct rm_ctx *ctx);

/* rm_io.c: one I/O message on ocb (which may be a COMBINE's, not bound). */
int rm_do_io(struct rm_ctx *ctx, struct rm_ocb *ocb);
int rm_do_io_unbound(struct rm_ctx *ctx);

/* rm_cred.c */
void rm_cred_forget(struct resmgr *rm, int scoid);
int rm_cred_get(struct rm_ctx *ctx, struct _proc_getid_reply *out);
int rm_taskman_coid(void);

/* rm_self.c */
pid_t rm_self_pid(void);

/* Send what a handler's result says (data, MsgError, or nothing for RM_NOREPLY). */
void rm_finish(struct rm_ctx *ctx, int r);
/* Reply with status and up to two parts of data; errors are the client's problem. */
void rm_replyv2(int rcvid, int status, const void *a, size_t alen, const void *b, size_t blen);

static inline int rm_can_read(uint32_t ioflag)
{
	return (ioflag & 3) == 0 || (ioflag & 3) == 2;
}
static inline int rm_can_write(uint32_t ioflag)
{
	return (ioflag & 3) == 1 || (ioflag & 3) == 2;
}

#endif
