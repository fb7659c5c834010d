/* The path manager: registrations (_PATH_ATTACH/_DETACH), resolution of opens, and taskman's own files. */
/*
 * An _IO_CONNECT with handle 0 is a question: which servers own this path? The answer is
 * a link reply listing the matching registrations longest prefix first (pathtab.c); the
 * client then asks each in turn. A path that is not normalised (//, /./, /../) gets a
 * redirect to its normalised form instead, so every prefix length in a list refers to the
 * bytes the client holds. Connects with a nonzero handle, and every I/O message on an
 * open of taskman's own files, go to lib/resmgr (tm_rm), whose handlers here dispatch on
 * the node kind; the trees that make the nodes are in procfs.c and devfiles.c, and the
 * implied directories ("/", "/dev" from "/dev/ser1") at the end of this file.
 */
#include "tmfs.h"	/* first: sys/neutrino.h before picolibc's time.h */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "pathtab.h"

#define PM_REGS_MAX		1024	/* registrations in all */

static struct resmgr *tm_rm;

struct resmgr *tm_resmgr(void)
{
	return tm_rm;
}

/* --- Nodes ---------------------------------------------------------------------------- */
struct tm_node *tm_node_new(enum tm_kind kind, uint32_t mode, uint64_t ino)
{
	struct tm_node *n = calloc(1, sizeof *n);
	if (!n)
		return NULL;
	rm_attr_init(&n->attr, mode, 0, 0);
	n->attr.ino = ino;
	n->kind = kind;
	n->ephemeral = 1;
	return n;
}

void tm_node_free(struct tm_node *n)
{
	for (int i = 0; i < n->nents; i++)
		free(n->ents[i].name);
	free(n->ents);
	free(n->owned);
	free(n);
}

int tm_dir_add(struct tm_node *dir, const char *name, int type, uint64_t ino)
{
	struct tm_dirent *e = realloc(dir->ents, (size_t)(dir->nents + 1) * sizeof *e);
	if (!e)
		return -ENOMEM;
	dir->ents = e;
	char *copy = strdup(name);
	if (!copy)
		return -ENOMEM;
	e[dir->nents].name = copy;
	e[dir->nents].type = (uint8_t)type;
	e[dir->nents].ino = ino;
	dir->nents++;
	return 0;
}

void tm_text_printf(struct tm_text *t, const char *fmt, ...)
{
	if (t->failed)
		return;
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(t->buf ? t->buf + t->len : NULL, t->buf ? t->cap - t->len : 0,
				  fmt, ap);
		va_end(ap);
		if (n < 0) {
			t->failed = 1;
			return;
		}
		if (t->buf && t->len + (size_t)n < t->cap) {
			t->len += (size_t)n;
			return;
		}
		size_t cap = t->cap ? t->cap * 2 : 512;
		while (cap < t->len + (size_t)n + 1)
			cap *= 2;
		char *b = realloc(t->buf, cap);
		if (!b) {
			t->failed = 1;
			return;
		}
		t->buf = b;
		t->cap = cap;
	}
}

/* FNV-1a: stable inode numbers for nodes that are made afresh on each open. */
uint64_t tm_ino(const char *s, uint64_t salt)
{
	uint64_t h = 14695981039346656037ull ^ salt;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	return h >> 1 ? h >> 1 : 1;
}

int tm_open_check(struct rm_ctx *ctx, struct _io_connect *msg, struct tm_node *n)
{
	uint32_t acc = msg->ioflag & O_ACCMODE;
	if (msg->subtype == _IO_CONNECT_OPEN && acc != O_RDONLY) {
		if (S_ISDIR(n->attr.mode))
			return -EISDIR;
		if (n->readonly_err)
			return -n->readonly_err;
	}
	if (msg->subtype != _IO_CONNECT_OPEN && n->readonly_err &&
	    (ctx->combine_type == _IO_WRITE || ctx->combine_type == _IO_SPACE))
		return -n->readonly_err;
	return rm_open_access(ctx, msg, &n->attr);
}

/* --- The handlers of taskman's resmgr ---------------------------------------------------- */
static int h_open(struct rm_ctx *ctx, struct _io_connect *msg, const char *path, void *handle,
		  struct rm_attr **attr)
{
	const struct tm_tree *t = handle;
	struct tm_node *n = NULL;
	int r = t->open(ctx, msg, path, &n);
	if (r < 0)
		return r;
	r = n->just_created ? 0 : tm_open_check(ctx, msg, n);
	n->just_created = 0;
	if (r < 0) {
		if (n->ephemeral && n->attr.nopens == 0)
			tm_node_free(n);
		return r;
	}
	*attr = &n->attr;
	return 0;
}

static int h_unlink(struct rm_ctx *ctx, struct _io_connect *msg, const char *path, void *handle)
{
	const struct tm_tree *t = handle;
	return t->unlink ? t->unlink(ctx, msg, path) : -EROFS;
}

static int h_mknod(struct rm_ctx *ctx, struct _io_connect *msg, const char *path, void *handle)
{
	return -EROFS;
}

/* Directory records from index ocb->offset on, as many whole ones as fit. */
static int dir_read(struct rm_ctx *ctx, struct rm_ocb *ocb, struct tm_node *n, size_t nbytes)
{
	static uint64_t buf[8192 / 8];
	size_t cap = nbytes < sizeof buf ? nbytes : sizeof buf;
	size_t used = 0;
	int64_t i = ocb->offset;
	for (; i >= 0 && i < n->nents; i++) {
		size_t len = rm_dirent_put((char *)buf + used, cap - used, n->ents[i].ino, i + 1,
					   n->ents[i].type, n->ents[i].name);
		if (!len)
			break;
		used += len;
	}
	if (used == 0 && i >= 0 && i < n->nents)
		return -EINVAL;		/* not even one record fits */
	ocb->offset = i;
	rm_reply_data(ctx, buf, used);
	return (int)used;
}

static int h_read(struct rm_ctx *ctx, struct rm_ocb *ocb, size_t nbytes)
{
	struct tm_node *n = (struct tm_node *)ocb->attr;
	switch (n->kind) {
	case TMN_DIR:
		return dir_read(ctx, ocb, n, nbytes);
	case TMN_MEM: {
		uint64_t off = (uint64_t)ocb->offset;
		size_t left = off < n->attr.size ? (size_t)(n->attr.size - off) : 0;
		if (nbytes > left)
			nbytes = left;
		if (nbytes > INT32_MAX)
			nbytes = INT32_MAX;
		rm_reply_data(ctx, n->data + off, nbytes);
		ocb->offset += (int64_t)nbytes;
		return (int)nbytes;
	}
	case TMN_NULL:
		return 0;
	case TMN_ZERO: {
		static const uint8_t zeros[4096];
		iov_t iov[16];
		size_t left = nbytes < sizeof iov / sizeof iov[0] * sizeof zeros ?
			nbytes : sizeof iov / sizeof iov[0] * sizeof zeros;
		size_t total = left;
		int parts = 0;
		while (left) {
			size_t k = left < sizeof zeros ? left : sizeof zeros;
			SETIOV(&iov[parts], zeros, k);
			parts++;
			left -= k;
		}
		MsgReplyv(ctx->rcvid, (int)total, iov, parts);
		return RM_NOREPLY;
	}
	default:
		return -ENOSYS;
	}
}

static int h_write(struct rm_ctx *ctx, struct rm_ocb *ocb, size_t nbytes, const void *data,
		   size_t datalen)
{
	struct tm_node *n = (struct tm_node *)ocb->attr;
	if (n->kind == TMN_NULL || n->kind == TMN_ZERO)
		return nbytes > INT32_MAX ? INT32_MAX : (int)nbytes;
	return -ENOSYS;
}

static int h_stat(struct rm_ctx *ctx, struct rm_ocb *ocb, struct _io_stat_reply *st)
{
	struct tm_node *n = (struct tm_node *)ocb->attr;
	if (n->kind == TMN_SHM) {
		n->attr.size = memmgr_shm_size(n->shm);
		st->st_size = n->attr.size;
		st->st_blocks = (n->attr.size + 511) / 512;
	}
	return 0;
}

/* ftruncate: only shared memory objects have a size to change. ALLOCSP with len 0 and
 * FREESP with len 0 both set the size to start (ftruncate's two directions); ALLOCSP
 * with a len grows to start + len; FREESP of a tail shrinks to start. */
static int h_space(struct rm_ctx *ctx, struct rm_ocb *ocb, int subtype, int64_t start,
		   int64_t len, uint64_t *newsize)
{
	struct tm_node *n = (struct tm_node *)ocb->attr;
	if (n->kind != TMN_SHM)
		return -EINVAL;
	uint64_t cur = memmgr_shm_size(n->shm), want = cur;
	if (len == 0)
		want = (uint64_t)start;
	else if (subtype == _IO_SPACE_ALLOCSP && (uint64_t)(start + len) > cur)
		want = (uint64_t)(start + len);
	else if (subtype == _IO_SPACE_FREESP && (uint64_t)(start + len) >= cur && (uint64_t)start < cur)
		want = (uint64_t)start;
	if (want != cur) {
		int r = memmgr_shm_resize(n->shm, want);
		if (r < 0)
			return r;
	}
	n->attr.size = memmgr_shm_size(n->shm);
	n->attr.mtime_ns = n->attr.ctime_ns = rm_now_ns();
	*newsize = n->attr.size;
	return 0;
}

static void h_close(struct rm_ctx *ctx, struct rm_ocb *ocb)
{
	struct tm_node *n = (struct tm_node *)ocb->attr;
	if (n->attr.nopens)
		return;
	if (n->kind == TMN_SHM) {
		if (n->unlinked) {
			memmgr_shm_unref(n->shm);
			tm_node_free(n);
		}
	} else if (n->ephemeral) {
		tm_node_free(n);
	}
}

static const struct rm_funcs tm_funcs = {
	.open = h_open, .unlink = h_unlink, .mknod = h_mknod, .read = h_read, .write = h_write,
	.stat = h_stat, .space = h_space, .close_ocb = h_close,
};

struct tm_shm *pathmgr_shm_of(pid_t pid, int coid)
{
	struct rm_ocb *ocb = resmgr_ocb_find(tm_rm, pid, coid);
	if (!ocb)
		return NULL;
	struct tm_node *n = (struct tm_node *)ocb->attr;
	return n->kind == TMN_SHM ? n->shm : NULL;
}

/* --- Credentials: from the process table, not a message to ourselves ---------------------- */
static int tm_getcred(pid_t pid, struct _proc_getid_reply *out)
{
	struct tm_procinfo pi;
	int r = procmgr_info(pid, &pi);
	if (r < 0)
		return r;
	memset(out, 0, sizeof *out);
	out->pid = pi.pid;
	out->ppid = pi.ppid;
	out->pgid = pi.pgid;
	out->sid = pi.sid;
	out->uid = pi.uid;
	out->euid = pi.euid;
	out->suid = pi.euid;
	out->gid = pi.gid;
	out->egid = pi.egid;
	out->sgid = pi.egid;
	return 0;
}

/* --- _PATH_ATTACH, _PATH_DETACH ---------------------------------------------------------- */
static void do_attach(int rcvid, void *msg, size_t len, const struct _msg_info *info)
{
	struct _path_attach *a = msg;
	if (len < sizeof *a || a->path_len == 0 || sizeof *a + a->path_len > len) {
		MsgError(rcvid, EINVAL);
		return;
	}
	char *path = (char *)(a + 1);
	if (path[a->path_len - 1] != 0 || a->handle == 0 || a->chid <= 0 ||
	    (a->flags & ~(uint32_t)(_RESMGR_FLAG_BEFORE | _RESMGR_FLAG_AFTER | _RESMGR_FLAG_DIR |
				    _RESMGR_FLAG_OPAQUE))) {
		MsgError(rcvid, EINVAL);
		return;
	}
	struct _proc_getid_reply id;
	if (tm_getcred(info->pid, &id) < 0 || id.euid != 0) {
		MsgError(rcvid, EPERM);		/* the pathname space is root's */
		return;
	}
	char norm[PT_PATH_MAX];
	int r = pt_normalise(path, norm, sizeof norm);
	if (r >= 0 && pt_count() >= PM_REGS_MAX)
		r = -ENOMEM;
	if (r >= 0)
		r = pt_add(norm, info->pid, a->chid, a->handle, a->file_type, a->flags);
	if (r < 0)
		MsgError(rcvid, -r);
	else
		MsgReply(rcvid, r, NULL, 0);
}

static void do_detach(int rcvid, void *msg, size_t len, const struct _msg_info *info)
{
	struct _path_detach *d = msg;
	if (len < sizeof *d) {
		MsgError(rcvid, EINVAL);
		return;
	}
	int r = pt_remove(d->id, info->pid);
	if (r < 0)
		MsgError(rcvid, -r);
	else
		MsgReply(rcvid, 0, NULL, 0);
}

static void reply2(int rcvid, int status, const void *a, size_t alen, const void *b,
		   size_t blen)
{
	iov_t iov[2];
	SETIOV(&iov[0], a, alen);
	SETIOV(&iov[1], b, blen);
	MsgReplyv(rcvid, status, iov, 2);
}

/* --- Resolution ----------------------------------------------------------------------------- */
static void resolve(int rcvid, struct _io_connect *c, size_t len, const struct _msg_info *info)
{
	if (c->path_len == 0 || sizeof *c + c->path_len > len) {
		MsgError(rcvid, c->path_len > PT_PATH_MAX ? ENAMETOOLONG : EINVAL);
		return;
	}
	const char *path = (const char *)(c + 1);
	if (path[c->path_len - 1] != 0 || strlen(path) != (size_t)c->path_len - 1u) {
		MsgError(rcvid, EINVAL);
		return;
	}
	static char norm[PT_PATH_MAX];
	int r = pt_normalise(path, norm, sizeof norm);
	if (r < 0) {
		MsgError(rcvid, -r);
		return;
	}
	struct _io_connect_link_reply lr;
	memset(&lr, 0, sizeof lr);
	lr.file_type = c->file_type;
	lr.eflag = c->eflag;
	size_t room = c->reply_max ? c->reply_max : (size_t)info->dstmsglen;
	if (room > (size_t)info->dstmsglen)
		room = (size_t)info->dstmsglen;
	uint32_t status = _IO_CONNECT_RET_FLAG | _IO_CONNECT_RET_LINK;

	if (!pt_is_plain(path)) {
		/* A redirect to the normalised path: the client starts over with it. */
		lr.path_len = (uint16_t)(r + 1);
		if (room < sizeof lr + lr.path_len) {
			MsgError(rcvid, ENAMETOOLONG);
			return;
		}
		reply2(rcvid, (int)status, &lr, sizeof lr, norm, lr.path_len);
		return;
	}
	int max = c->entry_max ? c->entry_max : _IO_CONNECT_ENTRY_MAX;
	if (max > _IO_CONNECT_ENTRY_MAX)
		max = _IO_CONNECT_ENTRY_MAX;
	if (room < sizeof lr + sizeof(struct _io_connect_entry)) {
		MsgError(rcvid, EINVAL);	/* no room for even one entry */
		return;
	}
	if ((int)((room - sizeof lr) / sizeof(struct _io_connect_entry)) < max)
		max = (int)((room - sizeof lr) / sizeof(struct _io_connect_entry));
	struct pt_entry pe[_IO_CONNECT_ENTRY_MAX];
	int n = pt_resolve(norm, c->file_type, pe, max);
	if (n == 0) {
		MsgError(rcvid, ENOENT);
		return;
	}
	struct _io_connect_entry ents[_IO_CONNECT_ENTRY_MAX];
	memset(ents, 0, sizeof ents);
	for (int i = 0; i < n; i++) {
		ents[i].pid = pe[i].pid;
		ents[i].chid = pe[i].chid;
		ents[i].handle = pe[i].handle;
		ents[i].file_type = pe[i].file_type;
		ents[i].prefix_len = pe[i].prefix_len;
		ents[i].flags = pe[i].flags;
	}
	lr.nentries = (uint16_t)n;
	reply2(rcvid, (int)status, &lr, sizeof lr, ents, (size_t)n * sizeof ents[0]);
}

/* --- The parts taskman's loop calls ------------------------------------------------------- */
static void register_own(const char *path, const struct tm_tree *tree, uint32_t flags)
{
	uint32_t h = resmgr_handle_add(tm_rm, (void *)tree);
	if (!h || pt_add(path, PATHMGR_PID, SYSMGR_CHID, h, _FTYPE_ANY, flags) < 0)
		printf("taskman: cannot register %s\n", path);
}

void pathmgr_init(void)
{
	struct resmgr_attr a = { .flags = RESMGR_ATTR_CHID, .chid = SYSMGR_CHID,
				 .getcred = tm_getcred };
	tm_rm = resmgr_create(&tm_funcs, &a);
	if (!tm_rm) {
		printf("taskman: pathmgr: no memory\n");
		return;
	}
	register_own("/", &tm_root_tree,
		     _RESMGR_FLAG_DIR | _RESMGR_FLAG_AFTER | PT_FLAG_IMPLIED);
	/* taskman alone answers under /proc and /proc/boot (OPAQUE: an EROFS from the
	 * boot image is the answer, not a reason to ask a root filesystem too). */
	register_own("/proc", &tm_proc_tree, _RESMGR_FLAG_DIR | _RESMGR_FLAG_OPAQUE);
	register_own("/proc/boot", &tm_boot_tree, _RESMGR_FLAG_DIR | _RESMGR_FLAG_OPAQUE);
	register_own("/dev/null", &tm_null_tree, 0);
	register_own("/dev/zero", &tm_zero_tree, 0);
	register_own("/dev/shmem", &tm_shm_tree, _RESMGR_FLAG_DIR);
}

void pathmgr_msg(int rcvid, void *msg, size_t len, const struct _msg_info *info)
{
	if (!tm_rm || len < 4) {
		MsgError(rcvid, tm_rm ? EINVAL : ENOMEM);
		return;
	}
	uint16_t type = *(uint16_t *)msg;
	switch (type) {
	case _PATH_ATTACH:
		do_attach(rcvid, msg, len, info);
		return;
	case _PATH_DETACH:
		do_detach(rcvid, msg, len, info);
		return;
	case _IO_CONNECT:
		if (len >= sizeof(struct _io_connect) && ((struct _io_connect *)msg)->handle == 0) {
			resolve(rcvid, msg, len, info);
			return;
		}
		break;
	default:
		if (type >= _PATH_ATTACH && type < _IO_BASE) {
			MsgError(rcvid, ENOSYS);	/* _PATH_CHDIR: libc keeps the cwd */
			return;
		}
		break;
	}
	resmgr_msg(tm_rm, rcvid, msg, len, info);
}

int pathmgr_pulse(const struct _pulse *pulse)
{
	return tm_rm ? resmgr_pulse(tm_rm, pulse) : 0;
}

void pathmgr_proc_gone(pid_t pid)
{
	pt_remove_pid(pid);
	if (tm_rm)
		resmgr_client_gone(tm_rm, pid);
}

/* --- The implied directories: "/" and the directories above registrations --------------- */
static int root_open(struct rm_ctx *ctx, struct _io_connect *msg, const char *path,
		     struct tm_node **out)
{
	static char dir[PT_PATH_MAX];
	if (strlen(path) + 2 > sizeof dir)
		return -ENAMETOOLONG;
	dir[0] = '/';
	strcpy(dir + 1, path);
	if (!pt_is_dir(dir))
		return msg->ioflag & O_CREAT ? -EROFS : -ENOENT;
	if ((msg->ioflag & O_CREAT) && (msg->ioflag & O_EXCL))
		return -EEXIST;
	static char names[8192];
	int n = pt_children(dir, names, sizeof names);
	if (n < 0)
		return n;
	struct tm_node *d = tm_node_new(TMN_DIR, S_IFDIR | 0555, tm_ino(dir, 0));
	if (!d)
		return -ENOMEM;
	d->readonly_err = EROFS;
	int r = tm_dir_add(d, ".", DT_DIR, d->attr.ino);
	if (!r)
		r = tm_dir_add(d, "..", DT_DIR, 1);
	const char *p = names;
	for (int i = 0; i < n && !r; i++, p += strlen(p) + 1) {
		static char child[PT_PATH_MAX + 256];
		if (snprintf(child, sizeof child, "%s/%s", dir[1] ? dir : "", p) >=
		    (int)sizeof child)
			continue;
		/* A child that is itself an implied directory or a directory registration
		 * lists as a directory; an exact registration as whatever it is (unknown). */
		struct pt_entry pe;
		int type = pt_is_dir(child) ? DT_DIR : DT_UNKNOWN;
		if (type == DT_UNKNOWN && pt_resolve(child, _FTYPE_ANY, &pe, 1) == 1 &&
		    (pe.flags & _RESMGR_FLAG_DIR))
			type = DT_DIR;
		r = tm_dir_add(d, p, type, tm_ino(child, 0));
	}
	if (r) {
		tm_node_free(d);
		return r;
	}
	d->attr.size = (uint64_t)d->nents;
	d->attr.nlink = 2;
	*out = d;
	return 0;
}

static int root_unlink(struct rm_ctx *ctx, struct _io_connect *msg, const char *path)
{
	static char dir[PT_PATH_MAX];
	if (strlen(path) + 2 > sizeof dir)
		return -ENAMETOOLONG;
	dir[0] = '/';
	strcpy(dir + 1, path);
	return pt_is_dir(dir) ? -EBUSY : -ENOENT;
}

const struct tm_tree tm_root_tree = { .open = root_open, .unlink = root_unlink };
