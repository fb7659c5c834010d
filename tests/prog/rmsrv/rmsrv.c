/* rmsrv: a lib/resmgr test server for rmtest: files, a blocking device, and a stats devctl. */
/*
 * `rmsrv [PATH]` attaches PATH (default /dev/rmtest) as a directory holding:
 *   file    S_IFREG 0644 root: read/write/lseek/stat, grows to 256 KiB
 *   secret  S_IFREG 0600 root
 *   hold    S_IFCHR 0666: a read waits (a held rcvid) until someone writes to hold; a
 *           signal to the reader (UNBLOCK pulse) ends it with EINTR
 * and answers DCMD_RMSRV_STATS on any open with {live opens, closes so far, held reads}.
 */
#include "resmgr.h"	/* first: sys/neutrino.h before picolibc's time.h */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DCMD_RMSRV_STATS	0x7701
#define FILE_MAX		(256 * 1024)
#define HOLD_MAX		16

struct node {
	struct rm_attr	attr;
	const char	*name;
	char		*data;
};

static struct node root, file, secret, hold;
static struct node *const files[] = { &file, &secret, &hold };
static int closes;
static struct {
	int		rcvid;
	struct rm_ocb	*ocb;
	size_t		nbytes;
} held[HOLD_MAX];
static int nheld;

static int h_open(struct rm_ctx *ctx, struct _io_connect *msg, const char *path, void *handle,
		  struct rm_attr **attr)
{
	struct node *n = NULL;
	if (path[0] == 0)
		n = &root;
	for (unsigned i = 0; !n && i < sizeof files / sizeof files[0]; i++)
		if (strcmp(path, files[i]->name) == 0)
			n = files[i];
	if (!n)
		return -ENOENT;
	int r = rm_open_access(ctx, msg, &n->attr);
	if (r < 0)
		return r;
	if (msg->subtype == _IO_CONNECT_OPEN && (msg->ioflag & O_TRUNC) && n == &file)
		file.attr.size = 0;
	*attr = &n->attr;
	return 0;
}

static int h_read(struct rm_ctx *ctx, struct rm_ocb *ocb, size_t nbytes)
{
	struct node *n = (struct node *)ocb->attr;
	if (n == &root) {
		static uint64_t buf[512];
		size_t used = 0;
		int64_t i = ocb->offset;
		for (; i < (int64_t)(sizeof files / sizeof files[0]); i++) {
			size_t len = rm_dirent_put((char *)buf + used,
						   (nbytes < sizeof buf ? nbytes : sizeof buf) - used,
						   files[i]->attr.ino, i + 1,
						   rm_dtype(files[i]->attr.mode), files[i]->name);
			if (!len)
				break;
			used += len;
		}
		ocb->offset = i;
		rm_reply_data(ctx, buf, used);
		return (int)used;
	}
	if (n == &hold) {
		if (nheld == HOLD_MAX)
			return -EAGAIN;
		held[nheld].rcvid = ctx->rcvid;
		held[nheld].ocb = ocb;
		held[nheld].nbytes = nbytes;
		nheld++;
		return RM_NOREPLY;
	}
	uint64_t off = (uint64_t)ocb->offset;
	size_t left = off < n->attr.size ? (size_t)(n->attr.size - off) : 0;
	if (nbytes > left)
		nbytes = left;
	rm_reply_data(ctx, n->data + off, nbytes);
	ocb->offset += (int64_t)nbytes;
	return (int)nbytes;
}

static int h_write(struct rm_ctx *ctx, struct rm_ocb *ocb, size_t nbytes, const void *data,
		   size_t datalen)
{
	struct node *n = (struct node *)ocb->attr;
	if (n == &hold) {
		/* Wake every held reader with (up to) these bytes. */
		for (int i = 0; i < nheld; i++)
			rm_reply(held[i].rcvid, (int)(datalen < held[i].nbytes ? datalen : held[i].nbytes),
				 data, datalen < held[i].nbytes ? datalen : held[i].nbytes);
		nheld = 0;
		return (int)nbytes;
	}
	if (!n->data)
		return -ENOSPC;
	uint64_t off = (ocb->ioflag & O_APPEND) ? n->attr.size : (uint64_t)ocb->offset;
	if (off > FILE_MAX || nbytes > FILE_MAX - off)
		return -EFBIG;
	memcpy(n->data + off, data, datalen);
	size_t got = datalen;
	if (nbytes > datalen) {
		ssize_t r = rm_read_msg(ctx, n->data + off + datalen, nbytes - datalen,
					sizeof(struct _io_write) + datalen);
		if (r < 0)
			return (int)r;
		got += (size_t)r;
	}
	ocb->offset = (int64_t)(off + got);
	if (off + got > n->attr.size)
		n->attr.size = off + got;
	n->attr.mtime_ns = rm_now_ns();
	return (int)got;
}

static void forget(struct rm_ocb *ocb, int rcvid, int err)
{
	for (int i = 0; i < nheld; i++)
		if ((ocb && held[i].ocb == ocb) || (!ocb && held[i].rcvid == rcvid)) {
			if (err)
				rm_error(held[i].rcvid, err);
			held[i--] = held[--nheld];
		}
}

static void h_close(struct rm_ctx *ctx, struct rm_ocb *ocb)
{
	forget(ocb, 0, 0);	/* its client is gone: nobody to answer */
	closes++;
}

static void h_unblock(struct rm_ctx *ctx, int rcvid)
{
	forget(NULL, rcvid, EINTR);
}

static int h_devctl(struct rm_ctx *ctx, struct rm_ocb *ocb, int dcmd, void *data, size_t nbytes,
		    int *ret_val)
{
	if (dcmd != DCMD_RMSRV_STATS)
		return -ENOTTY;
	if (nbytes < 3 * sizeof(int32_t))
		return -EINVAL;
	int32_t *out = data;
	int live = (int)(root.attr.nopens + file.attr.nopens + secret.attr.nopens +
			 hold.attr.nopens);
	out[0] = live;
	out[1] = closes;
	out[2] = nheld;
	*ret_val = live;
	return 3 * sizeof(int32_t);
}

static const struct rm_funcs funcs = {
	.open = h_open, .read = h_read, .write = h_write, .close_ocb = h_close,
	.unblock = h_unblock, .devctl = h_devctl,
};

static void node(struct node *n, const char *name, uint32_t mode)
{
	rm_attr_init(&n->attr, mode, 0, 0);
	n->name = name;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/dev/rmtest";
	node(&root, "", S_IFDIR | 0755);
	node(&file, "file", S_IFREG | 0644);
	node(&secret, "secret", S_IFREG | 0600);
	node(&hold, "hold", S_IFCHR | 0666);
	file.data = malloc(FILE_MAX);
	secret.data = malloc(16);
	if (!file.data || !secret.data) {
		printf("rmsrv: no memory\n");
		return 1;
	}
	memcpy(secret.data, "top secret", 10);
	secret.attr.size = 10;
	struct resmgr *rm = resmgr_create(&funcs, NULL);
	if (!rm) {
		printf("rmsrv: resmgr_create: errno %d\n", errno);
		return 1;
	}
	if (resmgr_attach(rm, path, _FTYPE_ANY, _RESMGR_FLAG_DIR, NULL) < 0) {
		printf("rmsrv: attach %s: errno %d\n", path, errno);
		return 1;
	}
	resmgr_run(rm);
}
