/* The I/O messages on an open: checks, the server's handlers, and the defaults. */
/*
 * Each message is checked for its full header length and sane arguments, and for the
 * open's access mode (reads need O_RDONLY/O_RDWR, writes and _IO_SPACE O_WRONLY/O_RDWR:
 * EBADF otherwise), before the server's handler runs. Handlers the server left NULL get
 * the defaults, which work on ocb->attr the way QNX's iofunc_*_default do.
 */
#include "rm_priv.h"	/* first: sys/neutrino.h before picolibc's time.h */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#define NEED(type) do { if (ctx->msglen < sizeof(type)) return -EINVAL; } while (0)

static int is_owner_or_root(struct rm_ctx *ctx, struct rm_attr *attr)
{
	int uid;
	int r = rm_client_cred(ctx, &uid, NULL);
	if (r < 0)
		return r;
	return uid == 0 || (uint32_t)uid == attr->uid ? 0 : -EPERM;
}

static int default_lseek(struct rm_ocb *ocb, int whence, int64_t off, int64_t *newoff)
{
	int64_t base;
	switch (whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = ocb->offset; break;
	case SEEK_END: base = ocb->attr ? (int64_t)ocb->attr->size : 0; break;
	default: return -EINVAL;
	}
	int64_t n;
	if (__builtin_add_overflow(base, off, &n) || n < 0)
		return -EINVAL;
	ocb->offset = n;
	*newoff = n;
	return 0;
}

/* DCMD_ALL_SETFLAGS and DCMD_ALL_GETFLAGS, for every server: the open's O_APPEND and
 * O_NONBLOCK (fcntl F_SETFL), which the handlers then find in ocb->ioflag. */
static int do_flags(struct rm_ctx *ctx, struct rm_ocb *ocb, struct _io_devctl *d)
{
	const uint32_t mask = O_APPEND | O_NONBLOCK;
	int32_t fl;
	if (d->dcmd == DCMD_ALL_SETFLAGS) {
		if (d->nbytes < (int32_t)sizeof fl || ctx->msglen < sizeof *d + sizeof fl)
			return -EINVAL;
		memcpy(&fl, d + 1, sizeof fl);
		ocb->ioflag = (ocb->ioflag & ~mask) | ((uint32_t)fl & mask);
		return 0;
	}
	fl = (int32_t)(ocb->ioflag & mask);
	struct _io_devctl_reply rep = { .nbytes = (int32_t)sizeof fl };
	rm_replyv2(ctx->rcvid, 0, &rep, sizeof rep, &fl, sizeof fl);
	return RM_NOREPLY;
}

static int do_devctl(struct rm_ctx *ctx, struct rm_ocb *ocb)
{
	const struct rm_funcs *f = ctx->rm->funcs;
	NEED(struct _io_devctl);
	struct _io_devctl *d = ctx->msg;
	if (d->dcmd == DCMD_ALL_SETFLAGS || d->dcmd == DCMD_ALL_GETFLAGS)
		return do_flags(ctx, ocb, d);
	if (!f->devctl)
		return -ENOTTY;
	if (d->nbytes < 0 || d->nbytes > RM_MSG_MAX)
		return -EINVAL;
	/* One buffer for the data in and the data out: as big as either. */
	size_t in = (size_t)d->nbytes;
	size_t out = ctx->info.dstmsglen > (int)sizeof(struct _io_devctl_reply) ?
		(size_t)ctx->info.dstmsglen - sizeof(struct _io_devctl_reply) : 0;
	size_t cap = in > out ? in : out;
	if (cap > RM_MSG_MAX)
		cap = RM_MSG_MAX;
	void *buf = calloc(1, cap ? cap : 1);
	if (!buf)
		return -ENOMEM;
	size_t have = ctx->msglen - sizeof *d;
	if (have > in)
		have = in;
	memcpy(buf, d + 1, have);
	if (have < in) {
		ssize_t n = rm_read_msg(ctx, (char *)buf + have, in - have, sizeof *d + have);
		if (n < 0) {
			free(buf);
			return (int)n;
		}
	}
	int ret_val = 0;
	int r = f->devctl(ctx, ocb, d->dcmd, buf, cap, &ret_val);
	if (r >= 0 && r != RM_NOREPLY) {
		struct _io_devctl_reply rep = { .ret_val = ret_val,
						.nbytes = r > (int)cap ? (int)cap : r };
		rm_replyv2(ctx->rcvid, 0, &rep, sizeof rep, buf, (size_t)rep.nbytes);
		r = RM_NOREPLY;
	}
	free(buf);
	return r;
}

static int do_space(struct rm_ctx *ctx, struct rm_ocb *ocb)
{
	const struct rm_funcs *f = ctx->rm->funcs;
	NEED(struct _io_space);
	struct _io_space *s = ctx->msg;
	if (!rm_can_write(ocb->ioflag))
		return -EBADF;
	if (s->subtype != _IO_SPACE_FREESP && s->subtype != _IO_SPACE_ALLOCSP)
		return -EINVAL;
	int64_t base;
	switch (s->whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = ocb->offset; break;
	case SEEK_END: base = ocb->attr ? (int64_t)ocb->attr->size : 0; break;
	default: return -EINVAL;
	}
	int64_t start;
	if (__builtin_add_overflow(base, s->start, &start) || start < 0 || s->len < 0)
		return -EINVAL;
	if (!f->space)
		return -ENOSYS;
	uint64_t newsize = 0;
	int r = f->space(ctx, ocb, s->subtype, start, s->len, &newsize);
	if (r < 0 || r == RM_NOREPLY)
		return r;
	ctx->rm->scratch.off = (int64_t)newsize;
	rm_reply_data(ctx, &ctx->rm->scratch.off, sizeof(int64_t));
	return 0;
}

static int do_utime(struct rm_ctx *ctx, struct rm_ocb *ocb)
{
	const struct rm_funcs *f = ctx->rm->funcs;
	NEED(struct _io_utime);
	struct _io_utime *u = ctx->msg;
	uint64_t at = u->atime_ns, mt = u->mtime_ns;
	if (u->cur_flag)
		at = mt = rm_now_ns();
	if (f->utime)
		return f->utime(ctx, ocb, u->cur_flag, at, mt);
	struct rm_attr *attr = ocb->attr;
	if (!attr)
		return -ENOSYS;
	int r = is_owner_or_root(ctx, attr);
	if (r == -EPERM && u->cur_flag)
		r = rm_check_access(ctx, attr, 2);
	if (r < 0)
		return r;
	attr->atime_ns = at;
	attr->mtime_ns = mt;
	attr->ctime_ns = rm_now_ns();
	return 0;
}

static int do_chmod(struct rm_ctx *ctx, struct rm_ocb *ocb)
{
	NEED(struct _io_chmod);
	struct _io_chmod *m = ctx->msg;
	if (ctx->rm->funcs->chmod)
		return ctx->rm->funcs->chmod(ctx, ocb, m->mode);
	struct rm_attr *attr = ocb->attr;
	if (!attr)
		return -ENOSYS;
	int r = is_owner_or_root(ctx, attr);
	if (r < 0)
		return r;
	attr->mode = (attr->mode & S_IFMT) | (m->mode & 07777);
	attr->ctime_ns = rm_now_ns();
	return 0;
}

/* chown: root may give anything away; an owner may only change the group (to what it
 * likes: supplementary groups are not known here). -1 leaves an id alone. */
static int do_chown(struct rm_ctx *ctx, struct rm_ocb *ocb)
{
	NEED(struct _io_chown);
	struct _io_chown *m = ctx->msg;
	if (ctx->rm->funcs->chown)
		return ctx->rm->funcs->chown(ctx, ocb, m->uid, m->gid);
	struct rm_attr *attr = ocb->attr;
	if (!attr)
		return -ENOSYS;
	int uid;
	int r = rm_client_cred(ctx, &uid, NULL);
	if (r < 0)
		return r;
	if (uid != 0) {
		if ((uint32_t)uid != attr->uid)
			return -EPERM;
		if (m->uid != -1 && (uint32_t)m->uid != attr->uid)
			return -EPERM;
	}
	if (m->uid != -1)
		attr->uid = (uint32_t)m->uid;
	if (m->gid != -1)
		attr->gid = (uint32_t)m->gid;
	if (uid != 0)
		attr->mode &= ~(uint32_t)(S_ISUID | S_ISGID);
	attr->ctime_ns = rm_now_ns();
	return 0;
}

int rm_do_io(struct rm_ctx *ctx, struct rm_ocb *ocb)
{
	struct resmgr *rm = ctx->rm;
	const struct rm_funcs *f = rm->funcs;
	uint16_t type = *(uint16_t *)ctx->msg;
	int r;

	switch (type) {
	case _IO_READ: {
		NEED(struct _io_read);
		struct _io_read *m = ctx->msg;
		if (m->nbytes < 0)
			return -EINVAL;
		if (!rm_can_read(ocb->ioflag))
			return -EBADF;
		return f->read ? f->read(ctx, ocb, (size_t)m->nbytes) : -ENOSYS;
	}
	case _IO_WRITE: {
		NEED(struct _io_write);
		struct _io_write *m = ctx->msg;
		if (m->nbytes < 0)
			return -EINVAL;
		if (!rm_can_write(ocb->ioflag))
			return -EBADF;
		/* What the client really sent bounds what it claims (a COMBINE's message
		 * is all in our buffer). */
		size_t sent = ctx->connect ? ctx->msglen : (size_t)ctx->info.srcmsglen;
		size_t nbytes = (size_t)m->nbytes;
		if (nbytes > sent - sizeof *m)
			nbytes = sent - sizeof *m;
		size_t datalen = ctx->msglen - sizeof *m;
		if (datalen > nbytes)
			datalen = nbytes;
		return f->write ? f->write(ctx, ocb, nbytes, m + 1, datalen) : -ENOSYS;
	}
	case _IO_STAT: {
		NEED(struct _io_stat);
		struct _io_stat_reply *st = &rm->scratch.st;
		memset(st, 0, sizeof *st);
		if (ocb->attr)
			rm_stat_fill(ocb->attr, st);
		if (f->stat) {
			r = f->stat(ctx, ocb, st);
			if (r < 0 || r == RM_NOREPLY)
				return r;
		} else if (!ocb->attr) {
			return -ENOSYS;
		}
		rm_reply_data(ctx, st, sizeof *st);
		return 0;
	}
	case _IO_LSEEK: {
		NEED(struct _io_lseek);
		struct _io_lseek *m = ctx->msg;
		int64_t n = 0;
		r = f->lseek ? f->lseek(ctx, ocb, m->whence, m->offset, &n)
			     : default_lseek(ocb, m->whence, m->offset, &n);
		if (r < 0 || r == RM_NOREPLY)
			return r;
		rm->scratch.off = n;
		rm_reply_data(ctx, &rm->scratch.off, sizeof(int64_t));
		return 0;
	}
	case _IO_DEVCTL:
		return do_devctl(ctx, ocb);
	case _IO_CHMOD:
		return do_chmod(ctx, ocb);
	case _IO_CHOWN:
		return do_chown(ctx, ocb);
	case _IO_UTIME:
		return do_utime(ctx, ocb);
	case _IO_SPACE:
		return do_space(ctx, ocb);
	case _IO_SYNC:
		NEED(struct _io_sync);
		return f->sync ? f->sync(ctx, ocb, (int)((struct _io_sync *)ctx->msg)->flag) : 0;
	case _IO_CLOSE: {
		struct rm_bind *b = rm_bind_find(rm, ctx->info.scoid, ctx->info.coid);
		if (!b || b->ocb != ocb)
			return -EBADF;
		/* Answer first: the client need not wait for the server's clean-up. */
		MsgReply(ctx->rcvid, 0, NULL, 0);
		rm_bind_drop(rm, ctx, b);
		return RM_NOREPLY;
	}
	default:
		return f->other ? f->other(ctx) : -ENOSYS;
	}
}

/* _IO_DUP: the sender's connection is to share the open that process info.pid holds as
 * fd info.coid. Only that process itself or its child (inheritance at spawn) may ask. */
static int do_dup(struct rm_ctx *ctx)
{
	struct resmgr *rm = ctx->rm;
	NEED(struct _io_dup);
	struct _io_dup *m = ctx->msg;
	struct rm_bind *src = rm_bind_find_pid(rm, m->info.pid, m->info.coid);
	if (!src)
		return -EBADF;
	if (m->info.pid != ctx->info.pid) {
		struct _proc_getid_reply id;
		int r = rm_cred_get(ctx, &id);
		if (r < 0)
			return r;
		if (id.ppid != m->info.pid)
			return -EPERM;
	}
	struct rm_ocb *ocb = src->ocb;
	struct rm_bind *old = rm_bind_find(rm, ctx->info.scoid, ctx->info.coid);
	if (old == src)
		return 0;		/* dup onto itself */
	ocb->refs++;			/* hold it while an old open on this coid closes */
	if (old)
		rm_bind_drop(rm, ctx, old);
	int r = rm_bind_add(rm, ctx->info.scoid, ctx->info.coid, ctx->info.pid, ocb);
	ocb->refs--;
	return r;
}

/* _IO_OPENFD (the extended form, struct _io_openfd's coid): a new open of what the
 * sender's fd coid names, on the sender's connection, with access checked afresh. */
static int do_openfd(struct rm_ctx *ctx)
{
	struct resmgr *rm = ctx->rm;
	NEED(struct _io_openfd);
	struct _io_openfd *m = ctx->msg;
	uint32_t acc = m->ioflag & O_ACCMODE;
	if (acc == 3)
		return -EINVAL;
	struct rm_bind *src = rm_bind_find(rm, ctx->info.scoid, m->coid);
	if (!src || !src->ocb->attr)
		return -EBADF;
	struct rm_attr *attr = src->ocb->attr;
	int want = (acc == O_RDONLY || acc == O_RDWR ? 4 : 0) |
		   (acc == O_WRONLY || acc == O_RDWR ? 2 : 0);
	int r = rm_check_access(ctx, attr, want);
	if (r < 0)
		return r;
	struct rm_ocb *ocb = rm_ocb_new(rm, attr, m->ioflag);
	if (!ocb)
		return -ENOMEM;
	struct rm_bind *old = rm_bind_find(rm, ctx->info.scoid, ctx->info.coid);
	if (old)
		rm_bind_drop(rm, ctx, old);
	r = rm_bind_add(rm, ctx->info.scoid, ctx->info.coid, ctx->info.pid, ocb);
	if (r < 0)
		rm_ocb_unref(rm, ctx, ocb);
	return r;
}

int rm_do_io_unbound(struct rm_ctx *ctx)
{
	uint16_t type = *(uint16_t *)ctx->msg;
	return type == _IO_DUP ? do_dup(ctx) : do_openfd(ctx);
}
