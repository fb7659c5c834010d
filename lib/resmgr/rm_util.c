/* Helpers for handlers: replies, message reads, attributes, stat records and dirents. */
#include "rm_priv.h"

/* Before picolibc's <time.h> (through <sys/stat.h>) redefines CLOCK_REALTIME with its
 * own value: the kernel's clock ids are sys/neutrino.h's. */
uint64_t rm_now_ns(void)
{
	uint64_t t = 0;
	ClockTime(CLOCK_REALTIME, NULL, &t);
	return t;
}

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

void rm_reply_data(struct rm_ctx *ctx, const void *data, size_t len)
{
	ctx->reply = data;
	ctx->replylen = data ? len : 0;
}

ssize_t rm_read_msg(struct rm_ctx *ctx, void *buf, size_t len, size_t offset)
{
	if (len > INT32_MAX || offset > INT32_MAX - ctx->msgoff)
		return -EINVAL;
	int n = MsgRead_r(ctx->rcvid, buf, (int)len, (int)(ctx->msgoff + offset));
	return n;	/* bytes, or -errno */
}

int rm_reply(int rcvid, int status, const void *data, size_t len)
{
	return MsgReply(rcvid, status, data, (int)len);
}

int rm_error(int rcvid, int err)
{
	return MsgError(rcvid, err);
}

void rm_stat_fill(struct rm_attr *attr, struct _io_stat_reply *st)
{
	memset(st, 0, sizeof *st);
	st->st_ino = attr->ino;
	st->st_size = attr->size;
	st->st_dev = (uint64_t)(uint32_t)rm_self_pid() << 32;
	st->st_rdev = attr->rdev;
	st->st_atime_ns = attr->atime_ns;
	st->st_mtime_ns = attr->mtime_ns;
	st->st_ctime_ns = attr->ctime_ns;
	st->st_blocks = (attr->size + 511) / 512;
	st->st_mode = attr->mode;
	st->st_nlink = attr->nlink;
	st->st_uid = attr->uid;
	st->st_gid = attr->gid;
	st->st_blksize = 4096;
}

/* Inode numbers unique within the server (the server may set its own instead). */
void rm_attr_init(struct rm_attr *attr, uint32_t mode, int uid, int gid)
{
	static uint64_t next_ino = 1;
	memset(attr, 0, sizeof *attr);
	attr->mode = mode;
	attr->nlink = S_ISDIR(mode) ? 2 : 1;
	attr->uid = (uint32_t)uid;
	attr->gid = (uint32_t)gid;
	attr->ino = next_ino++;
	attr->atime_ns = attr->mtime_ns = attr->ctime_ns = rm_now_ns();
}

int rm_dtype(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR: return DT_DIR;
	case S_IFREG: return DT_REG;
	case S_IFCHR: return DT_CHR;
	case S_IFBLK: return DT_BLK;
	case S_IFIFO: return DT_FIFO;
	case S_IFLNK: return DT_LNK;
	case S_IFSOCK: return DT_SOCK;
	default: return DT_UNKNOWN;
	}
}

size_t rm_dirent_put(void *buf, size_t cap, uint64_t ino, int64_t next_offset, int d_type,
		     const char *name)
{
	size_t nlen = strlen(name);
	if (nlen > 0xffff - sizeof(struct _io_dirent) - 8)
		return 0;
	size_t reclen = (sizeof(struct _io_dirent) + nlen + 1 + 7) & ~(size_t)7;
	if (reclen > cap)
		return 0;
	struct _io_dirent *d = buf;
	memset(d, 0, reclen);
	d->d_ino = ino;
	d->d_offset = next_offset;
	d->d_reclen = (uint16_t)reclen;
	d->d_namelen = (uint16_t)nlen;
	d->d_type = (uint8_t)d_type;
	memcpy(d->d_name, name, nlen + 1);
	return reclen;
}
