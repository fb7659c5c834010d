/* _IO_CONNECT: decode a path-based request and hand it to the server's handler. */
/*
 * The message is checked whole before any handler runs: the path must be NUL-terminated
 * with no NUL inside it, path and extra data must lie within what the client sent, and
 * the handle must name a live attach. An open makes an OCB and binds it to the sender's
 * connection; COMBINE does that and then runs the appended I/O message on the new open;
 * COMBINE_CLOSE runs it on an open that is never bound and closes it after the reply.
 */
#include "rm_priv.h"	/* first: sys/neutrino.h before picolibc's time.h */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Make an open of what the server's open handler finds. bind: give it to the sender's
 * connection (dropping a stale open left on that coid). *out the OCB, or -errno. */
static int do_open(struct rm_ctx *ctx, struct _io_connect *c, const char *path, void *handle,
		   int bind, struct rm_ocb **out)
{
	struct resmgr *rm = ctx->rm;
	uint32_t acc = c->ioflag & O_ACCMODE;
	if (acc == 3)
		return -EINVAL;
	if (!rm->funcs->open)
		return -ENOENT;
	struct rm_attr *attr = NULL;
	int r = rm->funcs->open(ctx, c, path, handle, &attr);
	if (r < 0)
		return r;
	if (r == RM_NOREPLY)
		return RM_NOREPLY;	/* the server answers the open itself (later) */
	if (!attr)
		return -ENOENT;
	int isdir = S_ISDIR(attr->mode);
	if (!isdir && ((c->eflag & _IO_CONNECT_EFLAG_DIR) || (c->ioflag & O_DIRECTORY)))
		return -ENOTDIR;
	if (isdir && c->subtype == _IO_CONNECT_OPEN && acc != O_RDONLY)
		return -EISDIR;
	struct rm_ocb *ocb = rm_ocb_new(rm, attr, c->ioflag);
	if (!ocb)
		return -ENOMEM;
	if (bind) {
		struct rm_bind *old = rm_bind_find(rm, ctx->info.scoid, ctx->info.coid);
		if (old)
			rm_bind_drop(rm, ctx, old);
		r = rm_bind_add(rm, ctx->info.scoid, ctx->info.coid, ctx->info.pid, ocb);
		if (r < 0) {
			rm_ocb_unref(rm, ctx, ocb);	/* refs 0: closes it */
			return r;
		}
	} else {
		ocb->refs = 1;
	}
	*out = ocb;
	return 0;
}

/* rename's and link's other path, relative to the attach's prefix (see resmgr.h). */
static int other_path(struct resmgr *rm, uint32_t h, const char *extra, size_t len,
		      const char **out)
{
	if (len == 0 || extra[len - 1] != 0 || strlen(extra) != len - 1)
		return -EINVAL;
	const char *prefix = rm->handles[h - 1].path;
	if (extra[0] != '/' || !prefix) {
		*out = extra;
		return 0;
	}
	size_t plen = strlen(prefix);
	if (plen == 1) {			/* attached at "/" */
		plen = 0;
	} else if (strncmp(extra, prefix, plen) != 0 ||
		   (extra[plen] != 0 && extra[plen] != '/')) {
		return -EXDEV;
	}
	extra += plen;
	while (*extra == '/')
		extra++;
	*out = extra;
	return 0;
}

static int do_combine(struct rm_ctx *ctx, struct _io_connect *c, const char *path,
		      void *handle, const uint8_t *extra)
{
	struct resmgr *rm = ctx->rm;
	size_t elen = c->extra_len;
	if (elen < 4)
		return -EINVAL;
	/* The appended message follows the path unaligned: copy it out. */
	void *m = malloc(elen);
	if (!m)
		return -ENOMEM;
	memcpy(m, extra, elen);
	uint16_t type = *(uint16_t *)m;
	if (type <= _IO_BASE || type > _IO_MAX || type == _IO_CLOSE || type == _IO_DUP ||
	    type == _IO_OPENFD) {
		free(m);
		return -EINVAL;
	}
	ctx->combine_type = type;
	int closing = c->subtype == _IO_CONNECT_COMBINE_CLOSE;
	struct rm_ocb *ocb = NULL;
	int r = do_open(ctx, c, path, handle, !closing, &ocb);
	if (r < 0 || r == RM_NOREPLY) {
		free(m);
		return r;
	}
	ctx->msgoff = sizeof *c + c->path_len;
	ctx->msg = m;
	ctx->msglen = elen;
	r = rm_do_io(ctx, ocb);
	rm_finish(ctx, r);
	if (closing) {
		rm_ocb_unref(rm, ctx, ocb);
	} else if (r < 0) {
		struct rm_bind *b = rm_bind_find(rm, ctx->info.scoid, ctx->info.coid);
		if (b && b->ocb == ocb)
			rm_bind_drop(rm, ctx, b);
	}
	free(m);
	return RM_NOREPLY;
}

/* The path relative to the prefix, cleaned in place: no leading, trailing or doubled
 * '/', no "." components (the path manager has already removed "..", so a ".." here
 * is a name the server may refuse). */
static void rel_clean(char *path)
{
	char *w = path;
	const char *r = path;
	while (*r) {
		while (*r == '/')
			r++;
		const char *c = r;
		while (*r && *r != '/')
			r++;
		size_t n = (size_t)(r - c);
		if (n == 0 || (n == 1 && c[0] == '.'))
			continue;
		if (w != path)
			*w++ = '/';
		memmove(w, c, n);
		w += n;
	}
	*w = 0;
}

int rm_do_connect(struct rm_ctx *ctx)
{
	struct resmgr *rm = ctx->rm;
	if (ctx->msglen < sizeof(struct _io_connect))
		return -EINVAL;
	struct _io_connect *c = ctx->msg;
	size_t need = sizeof *c + (size_t)c->path_len + c->extra_len;
	if (c->path_len == 0 || need > (size_t)ctx->info.srcmsglen)
		return -EINVAL;
	if (need > ctx->msglen)
		return -ENAMETOOLONG;	/* more than our receive buffer holds */
	char *path = (char *)(c + 1);
	if (path[c->path_len - 1] != 0 || strlen(path) != (size_t)c->path_len - 1u)
		return -EINVAL;
	rel_clean(path);
	uint32_t h = c->handle;
	if (h == 0 || h > (uint32_t)rm->nhandles || !rm->handles[h - 1].live)
		return -ENOENT;		/* not (or no longer) ours: the client tries the next */
	void *handle = rm->handles[h - 1].handle;
	const uint8_t *extra = (const uint8_t *)path + c->path_len;
	const struct rm_funcs *f = rm->funcs;
	const char *other;
	int r;
	ctx->connect = c;

	switch (c->subtype) {
	case _IO_CONNECT_OPEN: {
		struct rm_ocb *ocb;
		r = do_open(ctx, c, path, handle, 1, &ocb);
		return r < 0 || r == RM_NOREPLY ? r : 0;
	}
	case _IO_CONNECT_COMBINE:
	case _IO_CONNECT_COMBINE_CLOSE:
		return do_combine(ctx, c, path, handle, extra);
	case _IO_CONNECT_UNLINK:
		return f->unlink ? f->unlink(ctx, c, path, handle) : -ENOSYS;
	case _IO_CONNECT_MKNOD:
		return f->mknod ? f->mknod(ctx, c, path, handle) : -ENOSYS;
	case _IO_CONNECT_READLINK:
		return f->readlink ? f->readlink(ctx, c, path, handle) : -ENOSYS;
	case _IO_CONNECT_RENAME:
		if (!f->rename)
			return -ENOSYS;
		r = other_path(rm, h, (const char *)extra, c->extra_len, &other);
		return r < 0 ? r : f->rename(ctx, c, path, other, handle);
	case _IO_CONNECT_LINK:
		if (!f->link)
			return -ENOSYS;
		if (S_ISLNK(c->mode)) {		/* symlink: the target is text, passed as sent */
			other = (const char *)extra;
			if (c->extra_len == 0 || other[c->extra_len - 1] != 0 ||
			    strlen(other) != (size_t)c->extra_len - 1u)
				return -EINVAL;
			return f->link(ctx, c, path, other, handle);
		}
		r = other_path(rm, h, (const char *)extra, c->extra_len, &other);
		return r < 0 ? r : f->link(ctx, c, path, other, handle);
	default:
		return -ENOSYS;
	}
}
