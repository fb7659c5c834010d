/* Path resolution: taskman names the servers for a path, and the request goes to each in turn. */
/*
 * qnx-api.md's steps. libc sends the _IO_CONNECT to the path manager (taskman, handle
 * 0), which answers with a link reply: the servers whose prefixes match, longest first.
 * libc connects to each, resends the request with the server's prefix stripped and the
 * entry's handle, and moves on for ENOENT, ENXIO, ESRCH, EROFS and ENOSYS. A server may
 * answer with a redirect (a link reply with a new path: a symbolic link): resolution
 * starts over with that path, at most LIBC_SYMLOOP_MAX times (ELOOP). The first error
 * that is not "not mine" (ENOENT, ESRCH, ENOSYS) is what the caller gets.
 */
#include <limits.h>
#include <string.h>
#include <fcntl.h>
#include "libc.h"

#define LINK_MAX_BYTES (sizeof(struct _io_connect_link_reply) + \
			_IO_CONNECT_ENTRY_MAX * sizeof(struct _io_connect_entry) + PATH_MAX)

static int not_mine(int e)
{
	return e == ENOENT || e == ENXIO || e == ESRCH || e == EROFS || e == ENOSYS;
}

/* Send hdr + path + extra on coid; the reply lands in buf. Status or -1/errno. */
static int send_connect(int coid, struct _io_connect *hdr, const char *path,
			const struct __connreq *rq, void *buf, int bytes)
{
	size_t plen = strlen(path) + 1;
	hdr->path_len = (uint16_t)plen;
	hdr->reply_max = (uint16_t)(bytes > 0xffff ? 0xffff : bytes);
	iov_t s[3];
	SETIOV(&s[0], hdr, sizeof *hdr);
	SETIOV(&s[1], path, plen);
	SETIOV(&s[2], rq->extra, rq->extra_len);
	return MsgSendv(coid, s, rq->extra_len ? 3 : 2, _MSG_OUT(buf), -bytes);
}

/* A redirect's new path into cur: absolute as it is, relative against cur's directory. */
static int redirect(char *cur, const struct _io_connect_link_reply *lr, size_t got)
{
	size_t off = sizeof *lr + (size_t)lr->nentries * sizeof(struct _io_connect_entry);
	if (lr->path_len == 0 || off + lr->path_len > got)
		return EIO;
	const char *np = (const char *)lr + off;
	size_t nlen = strnlen(np, lr->path_len);
	if (nlen == 0)
		return ENOENT;
	if (nlen >= PATH_MAX)
		return ENAMETOOLONG;
	char tmp[PATH_MAX * 2];
	if (np[0] == '/') {
		memcpy(tmp, np, nlen);
		tmp[nlen] = 0;
	} else {
		char *slash = strrchr(cur, '/');
		size_t dlen = (size_t)(slash - cur) + 1;
		memcpy(tmp, cur, dlen);
		memcpy(tmp + dlen, np, nlen);
		tmp[dlen + nlen] = 0;
	}
	if (strlen(tmp) >= PATH_MAX)
		return ENAMETOOLONG;
	int isdir;
	return __path_abs(tmp, cur, &isdir);
}

int __path_connect(const char *path, const struct __connreq *rq, void *reply, int rbytes,
		   int *fdp)
{
	char cur[PATH_MAX];
	int isdir = 0;
	int e = __path_abs(path, cur, &isdir);
	if (e)
		return __seterr(e);
	if (rbytes < 0 || (rbytes && reply == NULL))
		return __seterr(EINVAL);
	int tm = __libc_tmcoid();
	if (tm < 0)
		return -1;
	union {
		struct _io_connect_link_reply lr;
		char bytes[LINK_MAX_BYTES];
	} *lbuf, lstore;
	lbuf = &lstore;

	for (int loops = 0; loops <= LIBC_SYMLOOP_MAX; loops++) {
		struct _io_connect hdr = {
			.type = _IO_CONNECT, .subtype = rq->subtype, .file_type = rq->file_type,
			.entry_max = _IO_CONNECT_ENTRY_MAX, .ioflag = rq->ioflag, .mode = rq->mode,
			.eflag = isdir ? _IO_CONNECT_EFLAG_DIR : 0, .extra_type = rq->extra_type,
			.extra_len = rq->extra_len,
		};
		int st = send_connect(tm, &hdr, cur, rq, lbuf, sizeof *lbuf);
		if (st == -1)	/* a link reply's status has the top bit set: negative */
			return -1;
		if (!((unsigned)st & _IO_CONNECT_RET_FLAG) || !((unsigned)st & _IO_CONNECT_RET_LINK))
			return __seterr(EIO);	/* the path manager always lists servers */
		struct _io_connect_link_reply lr = lbuf->lr;
		if (lr.nentries == 0) {
			if ((e = redirect(cur, &lbuf->lr, sizeof *lbuf)) != 0)
				return __seterr(e);
			continue;
		}
		if (lr.nentries > _IO_CONNECT_ENTRY_MAX)
			return __seterr(EIO);
		struct _io_connect_entry ents[_IO_CONNECT_ENTRY_MAX];
		memcpy(ents, lbuf->bytes + sizeof lr, lr.nentries * sizeof ents[0]);

		int err = ENOENT, again = 0;
		size_t curlen = strlen(cur);
		for (int i = 0; i < lr.nentries && !again; i++) {
			const struct _io_connect_entry *en = &ents[i];
			if (en->prefix_len > curlen)
				continue;
			int fd = __fd_attach(en->nd, en->pid, en->chid, 0,
					     rq->ioflag & (O_ACCMODE | O_APPEND | O_NONBLOCK), rq->cloexec);
			if (fd < 0) {
				if (errno == EMFILE)
					return -1;
				if (err == ENOENT && !not_mine(errno))
					err = errno;
				continue;
			}
			hdr.handle = en->handle;
			hdr.key = en->key;
			/* The server's reply: into lbuf (it may be a redirect), then the caller's. */
			st = send_connect(fd, &hdr, cur + en->prefix_len, rq, lbuf, sizeof *lbuf);
			if (st == -1) {
				int se = errno;
				__fd_detach(fd);
				if (!not_mine(se))
					return __seterr(se);
				if (err == ENOENT && se != ESRCH && se != ENOSYS)
					err = se;
				continue;
			}
			if ((unsigned)st & _IO_CONNECT_RET_FLAG) {
				__fd_detach(fd);
				if (!((unsigned)st & _IO_CONNECT_RET_LINK))
					return __seterr(ENOSYS);
				if ((e = redirect(cur, &lbuf->lr, sizeof *lbuf)) != 0)
					return __seterr(e);
				again = 1;
				break;
			}
			if (rbytes)
				memcpy(reply, lbuf, (size_t)rbytes < sizeof *lbuf ? (size_t)rbytes :
										   sizeof *lbuf);
			if (rq->keep && fdp)
				*fdp = fd;
			else
				__fd_detach(fd);
			return st;
		}
		if (!again)
			return __seterr(err);
	}
	return __seterr(ELOOP);
}
