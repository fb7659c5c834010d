/* fs-ext2: the ext2 filesystem server (`fs-ext2 [-r] DEVICE MOUNTPOINT`). */
/*
 * The resmgr glue around the core (ext2.h): each handler takes the client's credentials
 * from the library, calls the core, and turns its -errno into the reply. A node starts
 * with its struct rm_attr, so the library's OCBs point at our nodes; an open holds a
 * reference on its node, dropped in close_ocb. A symbolic link met in a path is answered
 * with a redirect (a link reply carrying the new absolute path): the client starts over
 * with it, so links may point anywhere in the namespace. A timer pulse writes dirty
 * blocks back every 5 seconds.
 */
#include "ext2.h"
#include "blkdev.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/neutrino.h>
#include <resmgr.h>

#define NODE(a)		((struct ext2_node *)(a))
#define IO_CHUNK	(64 * 1024)
#define READ_MAX	(1024 * 1024)
#define CACHE_BYTES	(8 * 1024 * 1024)
#define PULSE_WRITEBACK	1
#define WRITEBACK_NS	(5 * 1000000000ull)

static struct ext2_fs fs;
static const char *mountpoint;
static uint8_t *iobuf;
static size_t iobuf_cap;

static int cred_of(struct rm_ctx *ctx, struct ext2_cred *cr)
{
	int uid, gid, r = rm_client_cred(ctx, &uid, &gid);
	if (r < 0)
		return r;
	cr->uid = (uint32_t)uid;
	cr->gid = (uint32_t)gid;
	r = rm_client_groups(ctx, cr->groups, (int)(sizeof cr->groups / sizeof cr->groups[0]));
	cr->ngroups = r < 0 ? 0 : r;
	return 0;
}

static uint8_t *iobuf_get(size_t n)
{
	if (n <= iobuf_cap)
		return iobuf;
	uint8_t *b = realloc(iobuf, n);
	if (!b)
		return NULL;
	iobuf = b;
	iobuf_cap = n;
	return b;
}

static uint32_t now_s(void)
{
	return (uint32_t)(rm_now_ns() / 1000000000ull);
}

/* Append s (n bytes) to p at *len, with a '/' between parts. -1 if it would not fit. */
static int path_add(char *p, size_t *len, const char *s, size_t n)
{
	if (n == 0)
		return 0;
	if (*len + n + 2 > PATH_MAX)
		return -1;
	if (*len && p[*len - 1] != '/')
		p[(*len)++] = '/';
	memcpy(p + *len, s, n);
	*len += n;
	p[*len] = 0;
	return 0;
}

/* Answer with a redirect to where the symlink points, followed by the rest of the path. */
static int reply_redirect(struct rm_ctx *ctx, const char *path, const struct ext2_redirect *rd)
{
	static union {
		struct _io_connect_link_reply lr;
		char b[sizeof(struct _io_connect_link_reply) + PATH_MAX];
	} rep;
	char *np = rep.b + sizeof rep.lr;
	size_t len = 0;
	int bad = 0;
	np[0] = 0;
	if (rd->target[0] != '/') {
		bad |= path_add(np, &len, mountpoint, strlen(mountpoint));
		bad |= path_add(np, &len, path, rd->dirlen);
	}
	bad |= path_add(np, &len, rd->target, strlen(rd->target));
	bad |= path_add(np, &len, rd->rest, strlen(rd->rest));
	if (bad)
		return -ENAMETOOLONG;
	memset(&rep.lr, 0, sizeof rep.lr);
	rep.lr.path_len = (uint16_t)(len + 1);
	rm_reply(ctx->rcvid, (int)(_IO_CONNECT_RET_FLAG | _IO_CONNECT_RET_LINK), &rep,
		 sizeof rep.lr + len + 1);
	return RM_NOREPLY;
}

/* A core result for a path request: a redirect is answered here. */
static int path_result(struct rm_ctx *ctx, const char *path, int r, struct ext2_redirect *rd)
{
	return r == EXT2_REDIRECT ? reply_redirect(ctx, path, rd) : r;
}

static int ef_open(struct rm_ctx *ctx, struct _io_connect *msg, const char *path, void *handle,
		   struct rm_attr **attr)
{
	static struct ext2_redirect rd;
	struct ext2_cred cr;
	struct ext2_node *n;
	int flags = (msg->eflag & _IO_CONNECT_EFLAG_DIR) || (msg->ioflag & O_DIRECTORY) ?
		    EXT2_MUSTDIR : 0;
	int r = cred_of(ctx, &cr);
	if (r < 0)
		return r;
	if (msg->subtype == _IO_CONNECT_OPEN) {
		r = ext2_open(&fs, &cr, path, (int)msg->ioflag, msg->mode, flags, &n, &rd);
	} else {
		/* COMBINE (stat, chmod, truncate by path): only what its message needs */
		if (msg->ioflag & O_NOFOLLOW)
			flags |= EXT2_NOFOLLOW;
		r = ext2_lookup(&fs, &cr, path, flags, &n, &rd);
		if (r == 0 && (r = rm_open_access(ctx, msg, &n->attr)) < 0)
			ext2_iput(&fs, n);
	}
	if (r != 0)
		return path_result(ctx, path, r, &rd);
	*attr = &n->attr;
	return 0;
}

static void ef_close_ocb(struct rm_ctx *ctx, struct rm_ocb *ocb)
{
	ext2_iput(&fs, NODE(ocb->attr));
}

static int ef_unlink(struct rm_ctx *ctx, struct _io_connect *msg, const char *path, void *handle)
{
	static struct ext2_redirect rd;
	struct ext2_cred cr;
	int r = cred_of(ctx, &cr);
	if (r < 0)
		return r;
	return path_result(ctx, path, ext2_remove(&fs, &cr, path, S_ISDIR(msg->mode), &rd), &rd);
}

static int ef_mknod(struct rm_ctx *ctx, struct _io_connect *msg, const char *path, void *handle)
{
	static struct ext2_redirect rd;
	struct ext2_cred cr;
	int r = cred_of(ctx, &cr);
	if (r < 0)
		return r;
	if (!S_ISDIR(msg->mode))
		return -EINVAL;		/* only directories: no device or FIFO nodes */
	return path_result(ctx, path, ext2_mkdir(&fs, &cr, path, msg->mode, &rd), &rd);
}

static int ef_rename(struct rm_ctx *ctx, struct _io_connect *msg, const char *to,
		     const char *from, void *handle)
{
	static struct ext2_redirect rd;
	struct ext2_cred cr;
	int r = cred_of(ctx, &cr);
	if (r < 0)
		return r;
	return path_result(ctx, to, ext2_rename(&fs, &cr, from, to, &rd), &rd);
}

/* link, and symlink (mode S_IFLNK: target is the link's text, as the client sent it). */
static int ef_link(struct rm_ctx *ctx, struct _io_connect *msg, const char *path,
		   const char *target, void *handle)
{
	static struct ext2_redirect rd;
	struct ext2_cred cr;
	int r = cred_of(ctx, &cr);
	if (r < 0)
		return r;
	if (S_ISLNK(msg->mode))
		r = ext2_symlink(&fs, &cr, target, path, &rd);
	else
		r = ext2_link(&fs, &cr, target, path, &rd);
	return path_result(ctx, path, r, &rd);
}

static int ef_readlink(struct rm_ctx *ctx, struct _io_connect *msg, const char *path,
		       void *handle)
{
	static struct ext2_redirect rd;
	static char text[PATH_MAX + 1];
	struct ext2_cred cr;
	struct ext2_node *n;
	int r = cred_of(ctx, &cr);
	if (r < 0)
		return r;
	if ((r = ext2_lookup(&fs, &cr, path, EXT2_NOFOLLOW, &n, &rd)) != 0)
		return path_result(ctx, path, r, &rd);
	ssize_t len = ext2_readlink(&fs, n, text, sizeof text);
	ext2_iput(&fs, n);
	if (len < 0)
		return (int)len;
	rm_reply_data(ctx, text, (size_t)len);
	return (int)len;
}

struct dirfill {
	uint8_t	*buf;
	size_t	cap, len;
	int	full;
};

static int dir_put(void *arg, uint64_t ino, int64_t next, int dtype, const char *name)
{
	struct dirfill *df = arg;
	size_t n = rm_dirent_put(df->buf + df->len, df->cap - df->len, ino, next, dtype, name);
	if (n == 0) {
		df->full = 1;
		return 1;
	}
	df->len += n;
	return 0;
}

static int ef_read(struct rm_ctx *ctx, struct rm_ocb *ocb, size_t nbytes)
{
	struct ext2_node *n = NODE(ocb->attr);
	if (ocb->offset < 0)
		return -EINVAL;
	if (ext2_isdir(n)) {
		struct dirfill df = { NULL, nbytes > IO_CHUNK ? IO_CHUNK : nbytes, 0, 0 };
		if (!(df.buf = iobuf_get(df.cap ? df.cap : 1)))
			return -ENOMEM;
		int64_t next = ext2_readdir(&fs, n, ocb->offset, dir_put, &df);
		if (next < 0)
			return (int)next;
		if (df.len == 0 && df.full)
			return -EINVAL;
		ocb->offset = next;
		rm_reply_data(ctx, df.buf, df.len);
		return (int)df.len;
	}
	size_t want = nbytes > READ_MAX ? READ_MAX : nbytes;
	uint8_t *b = iobuf_get(want ? want : 1);
	if (!b)
		return -ENOMEM;
	ssize_t got = ext2_read(&fs, n, (uint64_t)ocb->offset, b, want);
	if (got < 0)
		return (int)got;
	ocb->offset += got;
	rm_reply_data(ctx, b, (size_t)got);
	return (int)got;
}

static int ef_write(struct rm_ctx *ctx, struct rm_ocb *ocb, size_t nbytes, const void *data,
		    size_t datalen)
{
	struct ext2_node *n = NODE(ocb->attr);
	if (nbytes > 0x7fffffff || ocb->offset < 0)
		return -EINVAL;
	if (ext2_isdir(n))
		return -EISDIR;
	uint64_t off = (ocb->ioflag & O_APPEND) ? ext2_size(n) : (uint64_t)ocb->offset;
	size_t done = 0;
	ssize_t w = 0;
	if (datalen > nbytes)
		datalen = nbytes;
	if (datalen) {
		if ((w = ext2_write(&fs, n, off, data, datalen)) < 0)
			return (int)w;
		done = (size_t)w;
	}
	/* the rest of a large write is still in the client's buffer */
	while (done == datalen && done < nbytes) {
		size_t chunk = nbytes - done > IO_CHUNK ? IO_CHUNK : nbytes - done;
		uint8_t *b = iobuf_get(chunk);
		if (!b)
			break;
		ssize_t got = rm_read_msg(ctx, b, chunk, sizeof(struct _io_write) + done);
		if (got <= 0)
			break;
		if ((w = ext2_write(&fs, n, off + done, b, (size_t)got)) <= 0)
			break;
		done += (size_t)w;
		datalen = done;
		if ((size_t)w < (size_t)got)
			break;
	}
	if (done == 0 && nbytes > 0)
		return w < 0 ? (int)w : -ENOSPC;
	ocb->offset = (int64_t)(off + done);
	return (int)done;
}

static int ef_stat(struct rm_ctx *ctx, struct rm_ocb *ocb, struct _io_stat_reply *st)
{
	struct ext2_node *n = NODE(ocb->attr);
	rm_stat_fill(ocb->attr, st);
	st->st_blocks = n->di.i_blocks;
	st->st_blksize = fs.bsize;
	return 0;
}

static int ef_chmod(struct rm_ctx *ctx, struct rm_ocb *ocb, uint32_t mode)
{
	struct ext2_cred cr;
	int r = cred_of(ctx, &cr);
	return r < 0 ? r : ext2_chmod(&fs, &cr, NODE(ocb->attr), mode);
}

static int ef_chown(struct rm_ctx *ctx, struct rm_ocb *ocb, int uid, int gid)
{
	struct ext2_cred cr;
	int r = cred_of(ctx, &cr);
	return r < 0 ? r : ext2_chown(&fs, &cr, NODE(ocb->attr), uid, gid);
}

static int ef_utime(struct rm_ctx *ctx, struct rm_ocb *ocb, int cur_flag, uint64_t atime_ns,
		    uint64_t mtime_ns)
{
	struct ext2_cred cr;
	int r = cred_of(ctx, &cr);
	return r < 0 ? r : ext2_utime(&fs, &cr, NODE(ocb->attr), cur_flag,
				      (uint32_t)(atime_ns / 1000000000ull),
				      (uint32_t)(mtime_ns / 1000000000ull));
}

/* Zero [start, start+len) inside the file (FREESP short of the end). */
static int zero_range(struct ext2_node *n, uint64_t start, uint64_t len)
{
	uint8_t *z = iobuf_get(IO_CHUNK);
	if (!z)
		return -ENOMEM;
	memset(z, 0, IO_CHUNK);
	while (len) {
		size_t k = len > IO_CHUNK ? IO_CHUNK : (size_t)len;
		ssize_t w = ext2_write(&fs, n, start, z, k);
		if (w < 0)
			return (int)w;
		start += (uint64_t)w;
		len -= (uint64_t)w;
	}
	return 0;
}

static int ef_space(struct rm_ctx *ctx, struct rm_ocb *ocb, int subtype, int64_t start,
		    int64_t len, uint64_t *newsize)
{
	struct ext2_node *n = NODE(ocb->attr);
	uint64_t size = ext2_size(n);
	int r;
	if (start < 0 || len < 0)
		return -EINVAL;
	if (ext2_isdir(n))
		return -EISDIR;
	if (subtype == _IO_SPACE_FREESP) {
		if (len == 0 || (uint64_t)(start + len) >= size)
			r = ext2_truncate(&fs, n, (uint64_t)start);
		else
			r = zero_range(n, (uint64_t)start, (uint64_t)len);
	} else if (subtype == _IO_SPACE_ALLOCSP) {
		uint64_t want = (uint64_t)(start + len);
		r = want > size ? ext2_truncate(&fs, n, want) : 0;
	} else {
		return -EINVAL;
	}
	if (r < 0)
		return r;
	*newsize = ext2_size(n);
	return 0;
}

static int ef_sync(struct rm_ctx *ctx, struct rm_ocb *ocb, int flag)
{
	return ext2_sync(&fs);
}

/* References on nodes between requests: the opens. */
static uint32_t opens(void)
{
	uint32_t n = 0;
	for (size_t h = 0; h < sizeof fs.nhash / sizeof fs.nhash[0]; h++)
		for (struct ext2_node *e = fs.nhash[h]; e; e = e->hnext)
			n += e->refs;
	return n;
}

/* umount: write everything back, answer, and go (the path goes with the process). */
static int umount_now(struct rm_ctx *ctx, int force)
{
	struct ext2_cred cr;
	int e = cred_of(ctx, &cr);
	if (e < 0)
		return e;
	if (cr.uid != 0)
		return -EPERM;
	if (!force && opens() > 1)
		return -EBUSY;		/* more than the open this request came on */
	if (!force && ext2_sync(&fs) < 0)
		return -EIO;
	int r = ext2_unmount(&fs);
	struct _io_devctl_reply rep;
	memset(&rep, 0, sizeof rep);
	rm_reply(ctx->rcvid, 0, &rep, sizeof rep);
	blkdev_close(fs.dev);
	exit(r < 0 ? 1 : 0);
}

static int ef_devctl(struct rm_ctx *ctx, struct rm_ocb *ocb, int dcmd, void *data,
		     size_t nbytes, int *ret_val)
{
	switch (dcmd) {
	case DCMD_FSYS_STATVFS: {
		struct _fsys_statvfs *sv = data;
		struct ext2_statvfs st;
		if (nbytes < sizeof *sv)
			return -EINVAL;
		ext2_statvfs(&fs, &st);
		memset(sv, 0, sizeof *sv);
		sv->f_bsize = sv->f_frsize = st.bsize;
		sv->f_blocks = st.blocks;
		sv->f_bfree = st.bfree;
		sv->f_bavail = st.bavail;
		sv->f_files = st.files;
		sv->f_ffree = sv->f_favail = st.ffree;
		sv->f_fsid = fs.sb.s_uuid[0] | (uint64_t)fs.sb.s_uuid[1] << 8 |
			     (uint64_t)fs.sb.s_uuid[2] << 16 | (uint64_t)fs.sb.s_uuid[3] << 24;
		sv->f_flag = fs.rdonly ? 1 : 0;		/* ST_RDONLY */
		sv->f_namemax = EXT2_NAME_MAX;
		strcpy(sv->f_basetype, "ext2");
		*ret_val = 0;
		return (int)sizeof *sv;
	}
	case DCMD_FSYS_SYNC:
		*ret_val = 0;
		return ext2_sync(&fs) < 0 ? -EIO : 0;
	case DCMD_FSYS_UMOUNT: {
		int32_t force = 0;
		if (nbytes >= sizeof force)
			memcpy(&force, data, sizeof force);
		return umount_now(ctx, force);
	}
	}
	return -ENOTTY;
}

/* Every WRITEBACK_NS the dirty blocks go to the disk, so a crash or a power-off without
 * sync loses at most that much. */
static void on_writeback(struct resmgr *rm, int code, int value, void *arg)
{
	if (fs.ndirty || fs.meta_dirty)
		ext2_sync(&fs);
}

static int start_writeback(struct resmgr *rm)
{
	struct sigevent ev;
	int coid = rm_pulse_attach(rm, PULSE_WRITEBACK, on_writeback, NULL);
	if (coid < 0)
		return -1;
	SIGEV_PULSE_INIT(&ev, coid, SIGEV_PULSE_PRIO_INHERIT, PULSE_WRITEBACK, 0);
	int id = TimerCreate(CLOCK_MONOTONIC, &ev);
	struct _itimer it = { WRITEBACK_NS, WRITEBACK_NS };
	if (id < 0 || TimerSettime(id, 0, &it, NULL) < 0)
		return -1;
	return 0;
}

static const struct rm_funcs funcs = {
	.open = ef_open,
	.unlink = ef_unlink,
	.rename = ef_rename,
	.mknod = ef_mknod,
	.readlink = ef_readlink,
	.link = ef_link,
	.read = ef_read,
	.write = ef_write,
	.stat = ef_stat,
	.devctl = ef_devctl,
	.chmod = ef_chmod,
	.chown = ef_chown,
	.close_ocb = ef_close_ocb,
	.space = ef_space,
	.utime = ef_utime,
	.sync = ef_sync,
};

static void usage(void)
{
	fprintf(stderr, "usage: fs-ext2 [-r] DEVICE MOUNTPOINT\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int rdonly = 0, i = 1;
	char why[160];
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-r") == 0)
			rdonly = 1;
		else
			usage();
	}
	if (argc - i != 2 || argv[i + 1][0] != '/')
		usage();
	const char *device = argv[i];
	mountpoint = argv[i + 1];

	struct ext2_dev *dev = blkdev_open(device, rdonly);
	if (!dev) {
		fprintf(stderr, "fs-ext2: %s: %s\n", device, strerror(errno));
		return 1;
	}
	int r = ext2_mount(&fs, dev, rdonly, CACHE_BYTES, now_s, why, sizeof why);
	if (r < 0) {
		fprintf(stderr, "fs-ext2: %s: %s\n", device, why);
		blkdev_close(dev);
		return 1;
	}
	struct resmgr *rm = resmgr_create(&funcs, NULL);
	if (!rm) {
		fprintf(stderr, "fs-ext2: resmgr_create: %s\n", strerror(errno));
		return 1;
	}
	if (!rdonly && start_writeback(rm) < 0) {
		fprintf(stderr, "fs-ext2: write-back timer: %s\n", strerror(errno));
		return 1;
	}
	if (resmgr_attach(rm, mountpoint, _FTYPE_ANY, _RESMGR_FLAG_DIR, &fs) < 0) {
		fprintf(stderr, "fs-ext2: attach %s: %s\n", mountpoint, strerror(errno));
		return 1;
	}
	resmgr_run(rm);
}
