/* tmpfs: the in-memory filesystem server (`tmpfs [-m MAXBYTES] [PATH]`, PATH default /tmp). */
/*
 * The resmgr glue around the core (tmpfs.c): each handler takes the client's
 * credentials from the library, calls the core, and turns its -errno into the reply.
 * Every node starts with its struct rm_attr, so the library's OCBs point at our nodes
 * and its default lseek reads the sizes the core keeps. A node's opens are counted by
 * the core (open handler +1, close_ocb -1) so an unlinked file lives until its last
 * close.
 */
#include "tmpfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/procmsg.h>
#include <unistd.h>
#include <resmgr.h>

static struct tmpfs fs;
static uint8_t *iobuf;		/* reply data of the current read */
static size_t iobuf_cap;

#define NODE(attr)	((struct tmpfs_node *)(attr))
#define WRITE_CHUNK	(64 * 1024)

static int cred_of(struct rm_ctx *ctx, struct tmpfs_cred *cr)
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

/* A buffer of at least n bytes for reply data (kept for the next read), or NULL. */
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

static int tf_open(struct rm_ctx *ctx, struct _io_connect *msg, const char *path, void *handle,
		   struct rm_attr **attr)
{
	struct tmpfs_cred cr;
	struct tmpfs_node *n;
	int created, r = cred_of(ctx, &cr);
	/* checked here, before the node counts an open the library would then refuse */
	int must_dir = (msg->eflag & _IO_CONNECT_EFLAG_DIR) || (msg->ioflag & O_DIRECTORY);
	if (r < 0)
		return r;
	if (msg->subtype == _IO_CONNECT_OPEN) {
		r = tmpfs_open(&fs, &cr, path, (int)msg->ioflag, msg->mode, must_dir, &n, &created);
		if (r < 0)
			return r;
	} else {
		/* COMBINE (stat, chmod, truncate by path...): only the access its message needs */
		if ((r = tmpfs_lookup(&fs, &cr, path, must_dir, &n)) < 0 ||
		    (r = rm_open_access(ctx, msg, &n->attr)) < 0)
			return r;
		n->opens++;
	}
	*attr = &n->attr;
	return 0;
}

static void tf_close_ocb(struct rm_ctx *ctx, struct rm_ocb *ocb)
{
	tmpfs_close(&fs, NODE(ocb->attr));
}

static int tf_unlink(struct rm_ctx *ctx, struct _io_connect *msg, const char *path, void *handle)
{
	struct tmpfs_cred cr;
	int r = cred_of(ctx, &cr);
	return r < 0 ? r : tmpfs_remove(&fs, &cr, path, S_ISDIR(msg->mode));
}

static int tf_mknod(struct rm_ctx *ctx, struct _io_connect *msg, const char *path, void *handle)
{
	struct tmpfs_cred cr;
	int r = cred_of(ctx, &cr);
	if (r < 0)
		return r;
	if (!S_ISDIR(msg->mode))
		return -EINVAL;		/* only directories: no device or FIFO nodes here */
	return tmpfs_mkdir(&fs, &cr, path, msg->mode);
}

static int tf_rename(struct rm_ctx *ctx, struct _io_connect *msg, const char *to, const char *from,
		     void *handle)
{
	struct tmpfs_cred cr;
	int r = cred_of(ctx, &cr);
	return r < 0 ? r : tmpfs_rename(&fs, &cr, from, to);
}

static int tf_link(struct rm_ctx *ctx, struct _io_connect *msg, const char *path,
		   const char *target, void *handle)
{
	if ((msg->mode & S_IFMT) == S_IFLNK)
		return -EPERM;		/* symbolic links: not in tmpfs (POSIX's EPERM) */
	struct tmpfs_cred cr;
	int r = cred_of(ctx, &cr);
	return r < 0 ? r : tmpfs_link(&fs, &cr, target, path);
}

struct dirfill {
	uint8_t	*buf;
	size_t	cap, len;
	int	full;		/* a record did not fit */
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

static int tf_read(struct rm_ctx *ctx, struct rm_ocb *ocb, size_t nbytes)
{
	struct tmpfs_node *n = NODE(ocb->attr);
	if (ocb->offset < 0)
		return -EINVAL;
	if (tmpfs_isdir(n)) {
		/* whole records only; the offset is the readdir cookie */
		struct dirfill df = { NULL, nbytes > WRITE_CHUNK ? WRITE_CHUNK : nbytes, 0, 0 };
		if (!(df.buf = iobuf_get(df.cap ? df.cap : 1)))
			return -ENOMEM;
		int64_t next = tmpfs_readdir(n, ocb->offset, dir_put, &df);
		if (df.len == 0 && df.full)
			return -EINVAL;		/* not even one record fits */
		ocb->offset = next;
		rm_reply_data(ctx, df.buf, df.len);
		return (int)df.len;
	}
	uint64_t size = n->attr.size, off = (uint64_t)ocb->offset;
	size_t want = off >= size ? 0 : (size - off < nbytes ? (size_t)(size - off) : nbytes);
	if (want > 0x7fffffff)
		want = 0x7fffffff;
	uint8_t *b = iobuf_get(want ? want : 1);
	while (!b && want > WRITE_CHUNK) {	/* no memory for all of it: a short read */
		want /= 2;
		b = iobuf_get(want);
	}
	if (!b)
		return -ENOMEM;
	ssize_t got = tmpfs_read(&fs, n, off, b, want);
	if (got < 0)
		return (int)got;
	ocb->offset += got;
	rm_reply_data(ctx, b, (size_t)got);
	return (int)got;
}

static int tf_write(struct rm_ctx *ctx, struct rm_ocb *ocb, size_t nbytes, const void *data,
		    size_t datalen)
{
	struct tmpfs_node *n = NODE(ocb->attr);
	if (nbytes > 0x7fffffff)
		return -EINVAL;
	if (ocb->offset < 0)
		return -EINVAL;
	uint64_t off = (ocb->ioflag & O_APPEND) ? n->attr.size : (uint64_t)ocb->offset;
	size_t done = 0;
	ssize_t w;
	if (datalen > nbytes)
		datalen = nbytes;
	if (datalen) {
		if ((w = tmpfs_write(&fs, n, off, data, datalen)) < 0)
			return (int)w;
		done = (size_t)w;
	}
	/* the rest of a large write is still in the client's buffer */
	while (done == datalen && done < nbytes) {
		size_t chunk = nbytes - done > WRITE_CHUNK ? WRITE_CHUNK : nbytes - done;
		uint8_t *b = iobuf_get(chunk);
		if (!b)
			break;
		ssize_t got = rm_read_msg(ctx, b, chunk, sizeof(struct _io_write) + done);
		if (got <= 0)
			break;
		if ((w = tmpfs_write(&fs, n, off + done, b, (size_t)got)) <= 0)
			break;
		done += (size_t)w;
		datalen = done;
		if ((size_t)w < (size_t)got)
			break;		/* ENOSPC part-way */
	}
	if (done == 0 && nbytes > 0)
		return -ENOSPC;
	ocb->offset = (int64_t)(off + done);
	return (int)done;
}

static int tf_stat(struct rm_ctx *ctx, struct rm_ocb *ocb, struct _io_stat_reply *st)
{
	struct tmpfs_node *n = NODE(ocb->attr);
	rm_stat_fill(ocb->attr, st);
	st->st_blocks = n->npages * (TMPFS_PAGE / 512);
	st->st_blksize = TMPFS_PAGE;
	return 0;
}

static int tf_chmod(struct rm_ctx *ctx, struct rm_ocb *ocb, uint32_t mode)
{
	struct tmpfs_cred cr;
	int r = cred_of(ctx, &cr);
	return r < 0 ? r : tmpfs_chmod(&fs, &cr, NODE(ocb->attr), mode);
}

static int tf_chown(struct rm_ctx *ctx, struct rm_ocb *ocb, int uid, int gid)
{
	struct tmpfs_cred cr;
	int r = cred_of(ctx, &cr);
	return r < 0 ? r : tmpfs_chown(&fs, &cr, NODE(ocb->attr), uid, gid);
}

static int tf_utime(struct rm_ctx *ctx, struct rm_ocb *ocb, int cur_flag, uint64_t atime_ns,
		    uint64_t mtime_ns)
{
	struct tmpfs_cred cr;
	int r = cred_of(ctx, &cr);
	return r < 0 ? r : tmpfs_utime(&fs, &cr, NODE(ocb->attr), cur_flag, atime_ns, mtime_ns);
}

/* ftruncate and friends: FREESP frees [start, start+len) (len 0: to the end, i.e. the
 * size becomes start), ALLOCSP makes the file at least start+len long. */
static int tf_space(struct rm_ctx *ctx, struct rm_ocb *ocb, int subtype, int64_t start, int64_t len,
		    uint64_t *newsize)
{
	struct tmpfs_node *n = NODE(ocb->attr);
	uint64_t size = n->attr.size;
	int r;
	if (start < 0 || len < 0 || (uint64_t)start + (uint64_t)len > TMPFS_MAX_FILE)
		return start < 0 || len < 0 ? -EINVAL : -EFBIG;
	if (tmpfs_isdir(n))
		return -EISDIR;
	if (subtype == _IO_SPACE_FREESP) {
		if (len == 0 || (uint64_t)(start + len) >= size)
			r = tmpfs_truncate(&fs, n, (uint64_t)start);
		else
			r = tmpfs_zero(&fs, n, (uint64_t)start, (uint64_t)len);
	} else if (subtype == _IO_SPACE_ALLOCSP) {
		uint64_t want = (uint64_t)(start + len);
		r = want > size ? tmpfs_truncate(&fs, n, want) : 0;
	} else {
		return -EINVAL;
	}
	if (r < 0)
		return r;
	*newsize = n->attr.size;
	return 0;
}

/* statvfs: 4 KiB blocks; the size is the -m limit, or without one what is in use plus
 * the system's free memory. Nodes cost no blocks and have no limit of their own: as many
 * more as there are free blocks are reported. DCMD_FSYS_SYNC: nothing to write back. */
static int tf_devctl(struct rm_ctx *ctx, struct rm_ocb *ocb, int dcmd, void *data,
		     size_t nbytes, int *ret_val)
{
	if (dcmd == DCMD_FSYS_SYNC)
		return 0;
	if (dcmd != DCMD_FSYS_STATVFS)
		return -ENOTTY;
	if (nbytes < sizeof(struct _fsys_statvfs))
		return -EINVAL;
	const uint64_t bs = TMPFS_PAGE;
	uint64_t used = fs.usedbytes / bs, free;
	if (fs.maxbytes)
		free = fs.maxbytes / bs > used ? fs.maxbytes / bs - used : 0;
	else
		free = (uint64_t)sysconf(_SC_AVPHYS_PAGES) * (uint64_t)sysconf(_SC_PAGESIZE) / bs;
	struct _fsys_statvfs sv = {
		.f_bsize = bs, .f_frsize = bs, .f_blocks = used + free, .f_bfree = free,
		.f_bavail = free, .f_files = fs.nnodes + free, .f_ffree = free,
		.f_favail = free, .f_fsid = (uint64_t)getpid(), .f_namemax = TMPFS_NAME_MAX,
	};
	strcpy(sv.f_basetype, "tmpfs");
	memcpy(data, &sv, sizeof sv);
	return sizeof sv;
}

static const struct rm_funcs funcs = {
	.open = tf_open,
	.unlink = tf_unlink,
	.rename = tf_rename,
	.mknod = tf_mknod,
	.link = tf_link,
	.read = tf_read,
	.write = tf_write,
	.stat = tf_stat,
	.chmod = tf_chmod,
	.chown = tf_chown,
	.close_ocb = tf_close_ocb,
	.space = tf_space,
	.utime = tf_utime,
	.devctl = tf_devctl,
};

/* "123", "64k", "16M", "1G". 0 on a bad number. */
static uint64_t parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (end == s)
		return 0;
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	}
	return *end ? 0 : (uint64_t)v;
}

static void usage(void)
{
	fprintf(stderr, "usage: tmpfs [-m MAXBYTES[k|M|G]] [PATH]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	uint64_t max = 0;
	const char *path = "/tmp";
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-m") == 0 && i + 1 < argc) {
			if (!(max = parse_size(argv[++i])))
				usage();
		} else {
			usage();
		}
	}
	if (i < argc)
		path = argv[i++];
	if (i < argc || path[0] != '/')
		usage();

	if (tmpfs_init(&fs, max, rm_now_ns, 01777, 0, 0) < 0) {
		fprintf(stderr, "tmpfs: out of memory\n");
		return 1;
	}
	struct resmgr *rm = resmgr_create(&funcs, NULL);
	if (!rm) {
		fprintf(stderr, "tmpfs: resmgr_create: %s\n", strerror(errno));
		return 1;
	}
	if (resmgr_attach(rm, path, _FTYPE_ANY, _RESMGR_FLAG_DIR, &fs) < 0) {
		fprintf(stderr, "tmpfs: attach %s: %s\n", path, strerror(errno));
		return 1;
	}
	resmgr_run(rm);
}
