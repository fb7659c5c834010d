/* pipe.c: the pipe server's handlers: pipe() pairs with blocking, EOF and EPIPE (see pipe.h). */
/*
 * How a pipe is made (libc's pipe(), lib/c/pipe.c; docs/pipe.md):
 *   1. open("/dev/pipe", O_RDONLY) makes a new pipe; that fd is its read end, and its
 *      fstat st_ino is the pipe's id.
 *   2. open("/dev/pipe/ID", O_WRONLY) by the same process opens its write end, once:
 *      after that (or for anyone else) the name does not exist. More writers and
 *      readers come only from dup and inheritance (_IO_DUP: the same OCB).
 * Each end is its own attr, so the library's per-attr open counts (nopens) are the
 * numbers of read and write opens, however they were made (open, _IO_OPENFD).
 *
 * A pipe holds PIPE_CAP bytes in a ring. Reads and writes that cannot go on now are
 * queued with their rcvid (RM_NOREPLY) and answered by pump() when the other side
 * moves: readers first come first served with whatever is there, writers in order, a
 * write of at most PIPE_BUF bytes only when all of it fits (never interleaved). Data
 * of a queued write stays in the writer's buffer until it fits (MsgRead). A reply that
 * fails (the client died) consumes nothing. Signals: the unblock handler answers a
 * queued client EINTR (or a writer the bytes it already wrote). No reader left: EPIPE
 * and SIGPIPE to the writing process through taskman (_PROC_KILL).
 */
#include <resmgr.h>	/* first: sys/neutrino.h before picolibc's <time.h> */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/procmsg.h>
#include "pipe.h"


struct pipe;

/* One end of a pipe (or the /dev/pipe directory itself: pipe NULL). */
struct pend {
	struct rm_attr	attr;		/* first: what the library's OCBs point at */
	struct pipe	*pipe;
	int		writer;
};

/* A read or write that waits. */
struct waiter {
	struct waiter	*next;
	int		rcvid;
	pid_t		pid;
	struct rm_ocb	*ocb;
	size_t		nbytes;		/* asked for */
	size_t		done;		/* writes: bytes already in the ring */
	int		base;		/* writes: the data's offset in the client's message */
};

struct pipe {
	struct pend	r, w;		/* r.attr.nopens readers, w.attr.nopens writers */
	struct pipe	*next;		/* all pipes */
	uint64_t	id;
	pid_t		creator;
	int		w_opened;	/* the write end has been opened by its name */
	uint32_t	head, tail;	/* free-running: head - tail bytes buffered */
	uint8_t		*buf;
	struct waiter	*rq, **rq_tail;	/* waiting readers, in arrival order */
	struct waiter	*wq, **wq_tail;	/* waiting writers */
};

static struct pipe *pipes;
static uint64_t next_id = 1;
static struct pend dev;			/* /dev/pipe itself */

#define PEND(attr)	((struct pend *)(attr))

static uint32_t buffered(const struct pipe *p)
{
	return p->head - p->tail;
}

/* The iovs of len bytes of the ring from position pos (one or two parts). */
static int ring_iov(struct pipe *p, uint32_t pos, size_t len, iov_t *iov)
{
	uint32_t at = pos & (PIPE_CAP - 1);
	size_t first = PIPE_CAP - at < len ? PIPE_CAP - at : len;
	SETIOV(&iov[0], p->buf + at, first);
	if (first == len)
		return 1;
	SETIOV(&iov[1], p->buf, len - first);
	return 2;
}

static void ring_put(struct pipe *p, const void *data, size_t len)
{
	iov_t iov[2];
	int parts = ring_iov(p, p->head, len, iov);
	memcpy(iov[0].iov_base, data, iov[0].iov_len);
	if (parts == 2)
		memcpy(iov[1].iov_base, (const uint8_t *)data + iov[0].iov_len, iov[1].iov_len);
	p->head += (uint32_t)len;
}

/* Fetch len bytes of a writer's data (at offset off of its message) into the ring.
 * Bytes fetched, or -errno (the writer went away). */
static ssize_t ring_fetch(struct pipe *p, int rcvid, int off, size_t len)
{
	iov_t iov[2];
	int parts = ring_iov(p, p->head, len, iov);
	ssize_t n = MsgReadv(rcvid, iov, parts, off);
	if (n < 0)
		return -errno;
	p->head += (uint32_t)n;
	return n;
}

/* Answer a reader with up to nbytes (0: EOF); the bytes leave the ring only if the
 * reply went through. */
static int reply_read(struct pipe *p, int rcvid, size_t nbytes)
{
	iov_t iov[2];
	size_t n = buffered(p) < nbytes ? buffered(p) : nbytes;
	int parts = n ? ring_iov(p, p->tail, n, iov) : 0;
	if (MsgReplyv(rcvid, (int)n, iov, parts) == -1)
		return -errno;
	p->tail += (uint32_t)n;
	return 0;
}

static int tm_coid = -1;

/* SIGPIPE to the process that wrote to a pipe with no reader. */
static void send_sigpipe(pid_t pid)
{
	struct _proc_kill k = { .type = _PROC_KILL, .pid = pid, .signo = SIGPIPE };
	if (tm_coid < 0)
		tm_coid = ConnectAttach(0, SYSMGR_PID, SYSMGR_CHID, _NTO_SIDE_CHANNEL, 0);
	if (tm_coid >= 0)
		MsgSend(tm_coid, &k, sizeof k, NULL, 0);
}

static void enqueue(struct waiter ***tail, struct waiter *w)
{
	w->next = NULL;
	**tail = w;
	*tail = &w->next;
}

static struct waiter *dequeue(struct waiter **head, struct waiter ***tail)
{
	struct waiter *w = *head;
	if (w && !(*head = w->next))
		*tail = head;
	return w;
}

/* The writer at the head of the queue is finished (replied or gone). */
static void writer_done(struct pipe *p)
{
	free(dequeue(&p->wq, &p->wq_tail));
}

/* Let waiting readers and writers go on as far as they can now. */
static void pump(struct pipe *p)
{
	int moved;
	do {
		moved = 0;
		/* readers: data, or EOF once no writer is left */
		while (p->rq && (buffered(p) || p->w.attr.nopens == 0)) {
			struct waiter *w = p->rq;
			reply_read(p, w->rcvid, w->nbytes);	/* a dead reader takes nothing */
			free(dequeue(&p->rq, &p->rq_tail));
			moved = 1;
		}
		/* no reader: every waiting writer fails (or keeps what it wrote) */
		while (p->wq && p->r.attr.nopens == 0) {
			struct waiter *w = p->wq;
			if (w->done) {
				MsgReply(w->rcvid, (int)w->done, NULL, 0);
			} else {
				send_sigpipe(w->pid);
				MsgError(w->rcvid, EPIPE);
			}
			writer_done(p);
			moved = 1;
		}
		/* writers, in order: an atomic write only when all of it fits */
		while (p->wq) {
			struct waiter *w = p->wq;
			size_t room = PIPE_CAP - buffered(p), left = w->nbytes - w->done;
			size_t need = w->nbytes <= PIPE_ATOMIC ? left : 1;
			if (room < need)
				break;
			ssize_t n = ring_fetch(p, w->rcvid, w->base + (int)w->done,
					       left < room ? left : room);
			if (n <= 0) {
				/* the writer's buffer went bad, or the writer went away */
				if (w->done)
					MsgReply(w->rcvid, (int)w->done, NULL, 0);
				else
					MsgError(w->rcvid, n < 0 ? (int)-n : EFAULT);
				writer_done(p);
				continue;
			}
			w->done += (size_t)n;
			moved = 1;
			if (w->done == w->nbytes) {
				MsgReply(w->rcvid, (int)w->done, NULL, 0);
				writer_done(p);
			} else {
				break;		/* the ring is full: readers first */
			}
		}
	} while (moved);
}

static struct pipe *pipe_new(struct rm_ctx *ctx)
{
	int uid = 0, gid = 0;
	rm_client_cred(ctx, &uid, &gid);
	struct pipe *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	if (!(p->buf = malloc(PIPE_CAP))) {
		free(p);
		return NULL;
	}
	p->id = next_id++;
	p->creator = ctx->info.pid;
	rm_attr_init(&p->r.attr, S_IFIFO | 0600, uid, gid);
	rm_attr_init(&p->w.attr, S_IFIFO | 0600, uid, gid);
	p->r.attr.ino = p->w.attr.ino = p->id;
	p->r.pipe = p->w.pipe = p;
	p->w.writer = 1;
	p->rq_tail = &p->rq;
	p->wq_tail = &p->wq;
	p->next = pipes;
	pipes = p;
	return p;
}

static void pipe_free(struct pipe *p)
{
	for (struct pipe **pp = &pipes; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	}
	free(p->buf);
	free(p);
}

static struct pipe *pipe_find(uint64_t id)
{
	for (struct pipe *p = pipes; p; p = p->next)
		if (p->id == id)
			return p;
	return NULL;
}

static int pp_open(struct rm_ctx *ctx, struct _io_connect *msg, const char *path, void *handle,
		   struct rm_attr **attr)
{
	int acc = msg->ioflag & O_ACCMODE;
	if (path[0] == 0) {
		/* stat or opendir of /dev/pipe is the directory; an open makes a pipe */
		if (msg->subtype != _IO_CONNECT_OPEN || (msg->ioflag & O_DIRECTORY) ||
		    (msg->eflag & _IO_CONNECT_EFLAG_DIR)) {
			*attr = &dev.attr;
			return 0;
		}
		if (acc != O_RDONLY)
			return -EINVAL;
		struct pipe *p = pipe_new(ctx);
		if (!p)
			return -ENOMEM;
		*attr = &p->r.attr;
		return 0;
	}
	char *end;
	unsigned long long id = strtoull(path, &end, 10);
	struct pipe *p = *end || path[0] < '1' || path[0] > '9' ? NULL : pipe_find(id);
	/* the write end's name is its creator's, for one open only */
	if (!p || p->w_opened || p->creator != ctx->info.pid || msg->subtype != _IO_CONNECT_OPEN)
		return -ENOENT;
	if (acc != O_WRONLY)
		return -EINVAL;
	p->w_opened = 1;
	*attr = &p->w.attr;
	return 0;
}

/* Drop (with an error reply) the waiters of an OCB that is going away. */
static void drop_waiters(struct waiter **head, struct waiter ***tail, struct rm_ocb *ocb)
{
	struct waiter **pp = head;
	while (*pp) {
		struct waiter *w = *pp;
		if (w->ocb == ocb) {
			MsgError(w->rcvid, EBADF);
			*pp = w->next;
			free(w);
		} else {
			pp = &w->next;
		}
	}
	*tail = head;
	while (**tail)
		*tail = &(**tail)->next;
}

static void pp_close_ocb(struct rm_ctx *ctx, struct rm_ocb *ocb)
{
	struct pipe *p = PEND(ocb->attr)->pipe;
	if (!p)
		return;
	drop_waiters(&p->rq, &p->rq_tail, ocb);
	drop_waiters(&p->wq, &p->wq_tail, ocb);
	if (p->r.attr.nopens == 0 && p->w.attr.nopens == 0) {
		pipe_free(p);
		return;
	}
	pump(p);	/* the last writer gone: EOF; the last reader: EPIPE */
}

static struct waiter *waiter_new(struct rm_ctx *ctx, struct rm_ocb *ocb, size_t nbytes)
{
	struct waiter *w = calloc(1, sizeof *w);
	if (w) {
		w->rcvid = ctx->rcvid;
		w->pid = ctx->info.pid;
		w->ocb = ocb;
		w->nbytes = nbytes;
	}
	return w;
}

static int pp_read(struct rm_ctx *ctx, struct rm_ocb *ocb, size_t nbytes)
{
	struct pend *e = PEND(ocb->attr);
	struct pipe *p = e->pipe;
	if (!p)
		return 0;			/* /dev/pipe lists nothing */
	if (e->writer)
		return -EBADF;
	if (nbytes == 0)
		return 0;
	if (nbytes > 0x7fffffff)
		nbytes = 0x7fffffff;
	if (!buffered(p) && p->w.attr.nopens > 0) {
		if (ocb->ioflag & O_NONBLOCK)
			return -EAGAIN;
		struct waiter *w = waiter_new(ctx, ocb, nbytes);
		if (!w)
			return -ENOMEM;
		enqueue(&p->rq_tail, w);
		return RM_NOREPLY;
	}
	if (p->rq) {
		/* others wait already (they are served first) */
		struct waiter *w = waiter_new(ctx, ocb, nbytes);
		if (!w)
			return -ENOMEM;
		enqueue(&p->rq_tail, w);
		pump(p);
		return RM_NOREPLY;
	}
	int r = reply_read(p, ctx->rcvid, nbytes);
	pump(p);				/* room for waiting writers */
	return r < 0 ? r : RM_NOREPLY;
}

static int pp_write(struct rm_ctx *ctx, struct rm_ocb *ocb, size_t nbytes, const void *data,
		    size_t datalen)
{
	struct pend *e = PEND(ocb->attr);
	struct pipe *p = e->pipe;
	int nonblock = (ocb->ioflag & O_NONBLOCK) != 0;
	if (!p || !e->writer)
		return -EBADF;
	if (p->r.attr.nopens == 0) {
		send_sigpipe(ctx->info.pid);
		return -EPIPE;
	}
	if (nbytes == 0)
		return 0;
	if (nbytes > 0x7fffffff)
		return -EINVAL;
	size_t room = PIPE_CAP - buffered(p), done = 0;
	int base = (int)(ctx->msgoff + sizeof(struct _io_write));
	if (!p->wq && (nbytes > PIPE_ATOMIC || room >= nbytes) && room > 0) {
		/* what fits now: first from what we received, then from the client */
		size_t n = room < nbytes ? room : nbytes, now = datalen < n ? datalen : n;
		ring_put(p, data, now);
		done = now;
		if (done < n) {
			ssize_t got = ring_fetch(p, ctx->rcvid, base + (int)done, n - done);
			if (got < 0 && done == 0)
				return (int)got;
			if (got > 0)
				done += (size_t)got;
		}
		pump(p);
		if (done == nbytes || nonblock)
			return (int)done;
	} else if (nonblock) {
		return -EAGAIN;
	}
	struct waiter *w = waiter_new(ctx, ocb, nbytes);
	if (!w)
		return done ? (int)done : -ENOMEM;
	w->done = done;
	w->base = base;
	enqueue(&p->wq_tail, w);
	pump(p);
	return RM_NOREPLY;
}

/* A waiting client was signalled (or timed out): EINTR, or the bytes a writer wrote. */
static void pp_unblock(struct rm_ctx *ctx, int rcvid)
{
	for (struct pipe *p = pipes; p; p = p->next) {
		for (struct waiter **pp = &p->rq; *pp; pp = &(*pp)->next) {
			if ((*pp)->rcvid == rcvid) {
				struct waiter *w = *pp;
				MsgError(rcvid, EINTR);
				if (!(*pp = w->next))
					p->rq_tail = pp;
				free(w);
				return;
			}
		}
		for (struct waiter **pp = &p->wq; *pp; pp = &(*pp)->next) {
			if ((*pp)->rcvid == rcvid) {
				struct waiter *w = *pp;
				if (w->done)
					MsgReply(rcvid, (int)w->done, NULL, 0);
				else
					MsgError(rcvid, EINTR);
				if (!(*pp = w->next))
					p->wq_tail = pp;
				free(w);
				pump(p);	/* the next writer may fit now */
				return;
			}
		}
	}
}

static int pp_stat(struct rm_ctx *ctx, struct rm_ocb *ocb, struct _io_stat_reply *st)
{
	struct pipe *p = PEND(ocb->attr)->pipe;
	if (p)
		ocb->attr->size = buffered(p);
	rm_stat_fill(ocb->attr, st);
	st->st_blksize = PIPE_ATOMIC;
	st->st_blocks = 0;
	return 0;
}

static int pp_lseek(struct rm_ctx *ctx, struct rm_ocb *ocb, int whence, int64_t off,
		    int64_t *newoff)
{
	return -ESPIPE;
}

static int pp_space(struct rm_ctx *ctx, struct rm_ocb *ocb, int subtype, int64_t start,
		    int64_t len, uint64_t *newsize)
{
	return -EINVAL;			/* ftruncate on a pipe */
}

const struct rm_funcs pipe_funcs = {
	.open = pp_open,
	.read = pp_read,
	.write = pp_write,
	.stat = pp_stat,
	.lseek = pp_lseek,
	.close_ocb = pp_close_ocb,
	.unblock = pp_unblock,
	.space = pp_space,
};

void pipe_init(void)
{
	while (pipes)
		pipe_free(pipes);
	next_id = 1;
	rm_attr_init(&dev.attr, S_IFDIR | 0555, 0, 0);
}
