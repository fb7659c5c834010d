/* The resmgr dispatch loop: create, attach paths, receive, and hand each message to its part. */
/*
 * resmgr_msg is the one entry for a received message: it checks the header, then sends
 * connects to rm_connect.c and every I/O message on an open to rm_io.c, and replies with
 * what the handler returned (data set by rm_reply_data; -errno as MsgError; RM_NOREPLY
 * keeps the rcvid). resmgr_pulse handles the kernel's pulses: DISCONNECT (a client's
 * last connection went: its opens are dropped) and UNBLOCK (the server's unblock
 * handler), and the server's own pulse codes.
 */
#include "rm_priv.h"	/* first: sys/neutrino.h before picolibc's time.h */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct resmgr *resmgr_create(const struct rm_funcs *funcs, const struct resmgr_attr *attr)
{
	static const struct rm_funcs none;
	struct resmgr *rm = calloc(1, sizeof *rm);
	if (!rm) {
		errno = ENOMEM;
		return NULL;
	}
	rm->funcs = funcs ? funcs : &none;
	rm->ocb_size = sizeof(struct rm_ocb);
	rm->self_coid = -1;
	if (attr && attr->ocb_size > rm->ocb_size)
		rm->ocb_size = attr->ocb_size;
	if (attr)
		rm->getcred = attr->getcred;
	if (attr && (attr->flags & RESMGR_ATTR_CHID)) {
		rm->chid = attr->chid;
	} else {
		rm->buf = malloc(RM_MSG_MAX);
		if (!rm->buf) {
			free(rm);
			errno = ENOMEM;
			return NULL;
		}
		int chid = ChannelCreate(_NTO_CHF_UNBLOCK | _NTO_CHF_DISCONNECT |
					 (attr ? (unsigned)attr->chflags : 0));
		if (chid < 0) {
			int e = errno;
			free(rm->buf);
			free(rm);
			errno = e;
			return NULL;
		}
		rm->chid = chid;
		rm->own_channel = 1;
	}
	return rm;
}

void resmgr_destroy(struct resmgr *rm)
{
	struct rm_ctx ctx;
	memset(&ctx, 0, sizeof ctx);
	ctx.rm = rm;
	for (int i = 0; i < RM_BIND_BUCKETS; i++)
		while (rm->binds[i]) {
			ctx.info.pid = rm->binds[i]->pid;
			ctx.info.scoid = rm->binds[i]->scoid;
			ctx.info.coid = rm->binds[i]->coid;
			rm_bind_drop(rm, &ctx, rm->binds[i]);
		}
	for (int i = 0; i < rm->nhandles; i++)
		free(rm->handles[i].path);
	free(rm->handles);
	if (rm->own_channel)
		ChannelDestroy(rm->chid);
	if (rm->self_coid >= 0)
		ConnectDetach(rm->self_coid);
	free(rm->buf);
	free(rm);
}

int resmgr_chid(struct resmgr *rm)
{
	return rm->chid;
}

uint32_t resmgr_handle_add(struct resmgr *rm, void *handle)
{
	struct rm_handle *h = realloc(rm->handles, (size_t)(rm->nhandles + 1) * sizeof *h);
	if (!h)
		return 0;
	rm->handles = h;
	h[rm->nhandles].handle = handle;
	h[rm->nhandles].path = NULL;
	h[rm->nhandles].regid = 0;
	h[rm->nhandles].live = 1;
	return (uint32_t)++rm->nhandles;
}

int resmgr_attach(struct resmgr *rm, const char *path, unsigned file_type, unsigned flags,
		  void *handle)
{
	size_t len = path ? strlen(path) : 0;
	if (!path || path[0] != '/' || len >= 1024) {
		errno = path && len >= 1024 ? ENAMETOOLONG : EINVAL;
		return -1;
	}
	char *copy = strdup(path);
	if (!copy) {
		errno = ENOMEM;
		return -1;
	}
	/* The path as the path manager will keep it: no trailing '/' (rename's and link's
	 * absolute extra paths are made relative against it). */
	while (len > 1 && copy[len - 1] == '/')
		copy[--len] = 0;
	uint32_t h = resmgr_handle_add(rm, handle);
	if (!h) {
		free(copy);
		errno = ENOMEM;
		return -1;
	}
	int coid = rm_taskman_coid();
	if (coid < 0) {
		free(copy);
		rm->handles[h - 1].live = 0;
		return -1;
	}
	struct {
		struct _path_attach a;
		char path[1024];
	} m;
	memset(&m.a, 0, sizeof m.a);
	m.a.type = _PATH_ATTACH;
	m.a.path_len = (uint16_t)(len + 1);
	m.a.chid = rm->chid;
	m.a.handle = h;
	m.a.file_type = file_type;
	m.a.flags = flags;
	memcpy(m.path, copy, len + 1);
	int id = MsgSend(coid, &m, (int)(sizeof m.a + len + 1), NULL, 0);
	if (id <= 0) {
		int e = id == 0 ? EIO : errno;
		free(copy);
		rm->handles[h - 1].live = 0;
		errno = e;
		return -1;
	}
	rm->handles[h - 1].path = copy;
	rm->handles[h - 1].regid = id;
	return id;
}

int resmgr_detach(struct resmgr *rm, int id)
{
	int coid = rm_taskman_coid();
	if (coid < 0)
		return -1;
	struct _path_detach d = { .type = _PATH_DETACH, .id = id };
	if (MsgSend(coid, &d, sizeof d, NULL, 0) < 0)
		return -1;
	/* Opens through it stay valid; new connects with its handle find nothing. */
	for (int i = 0; i < rm->nhandles; i++)
		if (rm->handles[i].regid == id) {
			rm->handles[i].regid = 0;
			rm->handles[i].live = 0;
			free(rm->handles[i].path);
			rm->handles[i].path = NULL;
		}
	return 0;
}

int rm_pulse_attach(struct resmgr *rm, int code,
		    void (*fn)(struct resmgr *rm, int code, int value, void *arg), void *arg)
{
	if (code < _PULSE_CODE_MINAVAIL || code > _PULSE_CODE_MAXAVAIL || !fn) {
		errno = EINVAL;
		return -1;
	}
	if (rm->self_coid < 0) {
		int coid = ConnectAttach(0, 0, rm->chid, _NTO_SIDE_CHANNEL, 0);
		if (coid < 0)
			return -1;
		rm->self_coid = coid;
	}
	rm->pulses[code].fn = fn;
	rm->pulses[code].arg = arg;
	return rm->self_coid;
}

void rm_replyv2(int rcvid, int status, const void *a, size_t alen, const void *b, size_t blen)
{
	iov_t iov[2];
	int n = 0;
	if (alen) {
		SETIOV(&iov[n], a, alen);	/* (SETIOV names its iov twice) */
		n++;
	}
	if (blen) {
		SETIOV(&iov[n], b, blen);
		n++;
	}
	MsgReplyv(rcvid, status, iov, n);
}

/* Send what a handler's result says. */
void rm_finish(struct rm_ctx *ctx, int r)
{
	if (r == RM_NOREPLY)
		return;
	if (r < 0) {
		MsgError(ctx->rcvid, r < -4095 ? EIO : -r);
		return;
	}
	rm_replyv2(ctx->rcvid, r, ctx->reply, ctx->replylen, NULL, 0);
}

void resmgr_msg(struct resmgr *rm, int rcvid, void *msg, size_t len,
		const struct _msg_info *info)
{
	struct rm_ctx ctx;
	memset(&ctx, 0, sizeof ctx);
	ctx.rm = rm;
	ctx.rcvid = rcvid;
	ctx.info = *info;
	ctx.msg = msg;
	ctx.msglen = len;
	if (len < 4) {
		MsgError(rcvid, EINVAL);
		return;
	}
	uint16_t type = *(uint16_t *)msg;
	int r;
	if (type == _IO_CONNECT)
		r = rm_do_connect(&ctx);
	else if (type == _IO_DUP || type == _IO_OPENFD)
		r = rm_do_io_unbound(&ctx);
	else {
		struct rm_bind *b = rm_bind_find(rm, info->scoid, info->coid);
		if (b)
			r = rm_do_io(&ctx, b->ocb);
		else if (type > _IO_BASE && type <= _IO_MAX)
			r = -EBADF;	/* an I/O message on a connection with no open */
		else
			r = rm->funcs->other ? rm->funcs->other(&ctx) : -ENOSYS;
	}
	rm_finish(&ctx, r);
}

int resmgr_pulse(struct resmgr *rm, const struct _pulse *p)
{
	struct rm_ctx ctx;
	memset(&ctx, 0, sizeof ctx);
	ctx.rm = rm;
	ctx.info.scoid = p->scoid;
	switch (p->code) {
	case _PULSE_CODE_DISCONNECT:
		rm_bind_drop_scoid(rm, p->scoid);
		rm_cred_forget(rm, p->scoid);
		ConnectDetach(p->scoid);
		return 1;
	case _PULSE_CODE_UNBLOCK:
		if (rm->funcs->unblock)
			rm->funcs->unblock(&ctx, p->value.sival_int);
		return 1;
	default:
		if (p->code >= _PULSE_CODE_MINAVAIL &&
		    rm->pulses[p->code].fn) {
			rm->pulses[p->code].fn(rm, p->code, p->value.sival_int,
					       rm->pulses[p->code].arg);
			return 1;
		}
		return 0;
	}
}

int resmgr_handle_one(struct resmgr *rm)
{
	if (!rm->own_channel) {
		errno = EINVAL;
		return -1;
	}
	struct _msg_info info;
	int rcvid = MsgReceive(rm->chid, rm->buf, RM_MSG_MAX, &info);
	if (rcvid < 0)
		return -1;
	if (rcvid == 0)
		resmgr_pulse(rm, (struct _pulse *)rm->buf);
	else
		resmgr_msg(rm, rcvid, rm->buf, (size_t)info.msglen, &info);
	return 0;
}

void resmgr_run(struct resmgr *rm)
{
	for (;;)
		if (resmgr_handle_one(rm) < 0 && errno != EINTR && errno != ETIMEDOUT) {
			/* The channel is gone (or was never ours): nothing to serve. */
			exit(1);
		}
}
