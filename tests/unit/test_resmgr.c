/* Host tests of lib/resmgr: a small in-memory server driven through resmgr_msg/resmgr_pulse,
 * with the kernel calls replaced by a mock that records each reply (status, data, errno)
 * and serves MsgRead from the "client's" message. */
/* SOURCES: tests/unit/host/rm_mock.c lib/resmgr/resmgr.c lib/resmgr/rm_connect.c lib/resmgr/rm_io.c lib/resmgr/rm_ocb.c lib/resmgr/rm_cred.c lib/resmgr/rm_util.c */
/* CFLAGS: -Iabi/include -Ilib/resmgr */
#include "test.h"
#include "rm_mock.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include "../../lib/resmgr/rm_priv.h"

/* The kernel: tests/unit/host/rm_mock.c (replies recorded in k). */
pid_t rm_self_pid(void) { return 7; }

/* --- The server: files "a" (uid 100, 0644, "hello"), "secret" (root, 0600), "dir" --- */
struct node {
	struct rm_attr attr;
	const char *name;
	char data[200000];
};
static struct node nodes[3];
static int closes, unblocked_rcvid, last_close_pid;
static char last_rename[2][64];

static struct node *lookup(const char *path)
{
	for (int i = 0; i < 3; i++)
		if (strcmp(nodes[i].name, path) == 0)
			return &nodes[i];
	return NULL;
}

static int s_open(struct rm_ctx *ctx, struct _io_connect *msg, const char *path, void *handle,
		  struct rm_attr **attr)
{
	struct node *n = lookup(path);
	if (!n)
		return -ENOENT;
	int r = rm_open_access(ctx, msg, &n->attr);
	if (r < 0)
		return r;
	*attr = &n->attr;
	return 0;
}
static int s_read(struct rm_ctx *ctx, struct rm_ocb *ocb, size_t nbytes)
{
	struct node *n = (struct node *)ocb->attr;
	size_t left = ocb->offset < (int64_t)n->attr.size ? n->attr.size - (size_t)ocb->offset : 0;
	if (nbytes > left)
		nbytes = left;
	rm_reply_data(ctx, n->data + ocb->offset, nbytes);
	ocb->offset += (int64_t)nbytes;
	return (int)nbytes;
}
static int s_write(struct rm_ctx *ctx, struct rm_ocb *ocb, size_t nbytes, const void *data,
		   size_t datalen)
{
	struct node *n = (struct node *)ocb->attr;
	if ((size_t)ocb->offset + nbytes > sizeof n->data)
		return -ENOSPC;
	memcpy(n->data + ocb->offset, data, datalen);
	if (nbytes > datalen) {
		ssize_t got = rm_read_msg(ctx, n->data + ocb->offset + datalen, nbytes - datalen,
					  sizeof(struct _io_write) + datalen);
		if (got < 0)
			return (int)got;
		nbytes = datalen + (size_t)got;
	}
	ocb->offset += (int64_t)nbytes;
	if ((uint64_t)ocb->offset > n->attr.size)
		n->attr.size = (uint64_t)ocb->offset;
	return (int)nbytes;
}
static void s_close(struct rm_ctx *ctx, struct rm_ocb *ocb)
{
	closes++;
	last_close_pid = ctx->info.pid;
}
static void s_unblock(struct rm_ctx *ctx, int rcvid)
{
	unblocked_rcvid = rcvid;
}
static int s_rename(struct rm_ctx *ctx, struct _io_connect *msg, const char *to,
		    const char *from, void *handle)
{
	snprintf(last_rename[0], sizeof last_rename[0], "%s", to);
	snprintf(last_rename[1], sizeof last_rename[1], "%s", from);
	return 0;
}

/* Credentials: pid 10 is uid 100 (its child 11 too), pid 12 is uid 200 and a child of
 * pid 1, pid 20 is root. */
static int s_getcred(pid_t pid, struct _proc_getid_reply *out)
{
	memset(out, 0, sizeof *out);
	out->pid = pid;
	out->ppid = pid == 11 ? 10 : 1;
	out->uid = out->euid = pid == 20 ? 0 : pid == 12 ? 200 : 100;
	out->gid = out->egid = out->uid;
	return 0;
}

static const struct rm_funcs funcs = {
	.open = s_open, .read = s_read, .write = s_write, .close_ocb = s_close,
	.unblock = s_unblock, .rename = s_rename,
};
static struct resmgr *rm;
static uint32_t handle;

static void teardown(void)
{
	if (rm)
		resmgr_destroy(rm);
	rm = NULL;
}
__attribute__((destructor)) static void teardown_last(void) { teardown(); }

static void setup(void)
{
	teardown();
	memset(nodes, 0, sizeof nodes);
	nodes[0].name = "a";
	rm_attr_init(&nodes[0].attr, S_IFREG | 0644, 100, 100);
	memcpy(nodes[0].data, "hello", 5);
	nodes[0].attr.size = 5;
	nodes[1].name = "secret";
	rm_attr_init(&nodes[1].attr, S_IFREG | 0600, 0, 0);
	nodes[2].name = "dir";
	rm_attr_init(&nodes[2].attr, S_IFDIR | 0755, 0, 0);
	closes = unblocked_rcvid = last_close_pid = 0;
	struct resmgr_attr a = { .flags = RESMGR_ATTR_CHID, .chid = 1, .getcred = s_getcred };
	rm = resmgr_create(&funcs, &a);
	handle = resmgr_handle_add(rm, NULL);
	rm->handles[handle - 1].path = strdup("/srv");
}

/* Send len bytes of m from (pid, scoid, coid), as if received whole (srcmsglen = len,
 * msglen = min(len, rcvd)). */
static void sendr(pid_t pid, int scoid, int coid, const void *m, size_t len, size_t rcvd)
{
	struct _msg_info info;
	memset(&info, 0, sizeof info);
	info.pid = pid;
	info.scoid = scoid;
	info.coid = coid;
	info.srcmsglen = (int)len;
	info.msglen = (int)(len < rcvd ? len : rcvd);
	info.dstmsglen = 4096;
	k.replied = 0;
	k.client_msg = m;
	k.client_len = len;
	static uint8_t buf[RM_MSG_MAX];
	memcpy(buf, m, (size_t)info.msglen);
	resmgr_msg(rm, 42, buf, (size_t)info.msglen, &info);
}
static void send(pid_t pid, int scoid, int coid, const void *m, size_t len)
{
	sendr(pid, scoid, coid, m, len, RM_MSG_MAX);
}

static size_t mkconnect(void *buf, int subtype, uint32_t ioflag, const char *path,
			const void *extra, size_t elen)
{
	struct _io_connect *c = buf;
	memset(c, 0, sizeof *c);
	c->type = _IO_CONNECT;
	c->subtype = (uint16_t)subtype;
	c->handle = handle;
	c->ioflag = ioflag;
	c->path_len = (uint16_t)(strlen(path) + 1);
	c->extra_len = (uint16_t)elen;
	memcpy(c + 1, path, c->path_len);
	if (elen)
		memcpy((char *)(c + 1) + c->path_len, extra, elen);
	return sizeof *c + c->path_len + elen;
}

/* Open path from (pid, scoid, coid): the reply's errno, or 0. */
static int do_open(pid_t pid, int scoid, int coid, const char *path, uint32_t ioflag)
{
	uint8_t m[512];
	size_t n = mkconnect(m, _IO_CONNECT_OPEN, ioflag, path, NULL, 0);
	send(pid, scoid, coid, m, n);
	return k.replied == 2 ? k.err : k.status;
}
static int do_read(pid_t pid, int scoid, int coid, int nbytes)
{
	struct _io_read r = { .type = _IO_READ, .nbytes = nbytes };
	send(pid, scoid, coid, &r, sizeof r);
	return k.replied == 2 ? -k.err : k.status;
}
static int do_simple(pid_t pid, int scoid, int coid, uint16_t type)
{
	struct _io_close c = { .type = type };
	send(pid, scoid, coid, &c, sizeof c);
	return k.replied == 2 ? -k.err : k.status;
}

/* --- Tests ----------------------------------------------------------------------------- */
TEST(open_read_lseek_stat_close)
{
	setup();
	CHECK_EQ(do_open(10, 3, 4, "a", O_RDONLY), 0);
	CHECK_EQ(nodes[0].attr.nopens, 1);
	CHECK_EQ(do_read(10, 3, 4, 3), 3);
	CHECK(memcmp(k.data, "hel", 3) == 0);
	CHECK_EQ(do_read(10, 3, 4, 100), 2);
	CHECK(memcmp(k.data, "lo", 2) == 0);
	CHECK_EQ(do_read(10, 3, 4, 100), 0);
	struct _io_lseek ls = { .type = _IO_LSEEK, .whence = SEEK_SET, .offset = 1 };
	send(10, 3, 4, &ls, sizeof ls);
	CHECK_EQ(k.replied, 1);
	CHECK_EQ(*(int64_t *)k.data, 1);
	ls.whence = SEEK_END; ls.offset = -6;
	send(10, 3, 4, &ls, sizeof ls);
	CHECK_EQ(k.err, EINVAL);
	ls.whence = 9; ls.offset = 0;
	send(10, 3, 4, &ls, sizeof ls);
	CHECK_EQ(k.err, EINVAL);
	CHECK_EQ(do_read(10, 3, 4, 100), 4);
	CHECK(memcmp(k.data, "ello", 4) == 0);
	CHECK_EQ(do_simple(10, 3, 4, _IO_STAT), 0);
	struct _io_stat_reply *st = (void *)k.data;
	CHECK_EQ(k.len, sizeof *st);
	CHECK_EQ(st->st_size, 5);
	CHECK_EQ(st->st_mode, S_IFREG | 0644);
	CHECK_EQ(st->st_uid, 100);
	CHECK_EQ(st->st_dev >> 32, 7);
	CHECK_EQ(st->st_blocks, 1);
	CHECK_EQ(do_simple(10, 3, 4, _IO_CLOSE), 0);
	CHECK_EQ(closes, 1);
	CHECK_EQ(nodes[0].attr.nopens, 0);
	CHECK_EQ(do_read(10, 3, 4, 1), -EBADF);		/* closed */
	CHECK_EQ(do_simple(10, 3, 4, _IO_CLOSE), -EBADF);
}

TEST(access_modes)
{
	setup();
	CHECK_EQ(do_open(10, 3, 4, "a", O_WRONLY), 0);
	CHECK_EQ(do_read(10, 3, 4, 1), -EBADF);
	uint8_t w[32] = { 0 };
	struct _io_write *wm = (void *)w;
	wm->type = _IO_WRITE;
	wm->nbytes = 3;
	memcpy(wm + 1, "XYZ", 3);
	send(10, 3, 4, w, sizeof *wm + 3);
	CHECK_EQ(k.status, 3);
	CHECK(memcmp(nodes[0].data, "XYZlo", 5) == 0);
	CHECK_EQ(do_open(10, 3, 5, "a", O_RDONLY), 0);
	send(10, 3, 5, w, sizeof *wm + 3);
	CHECK_EQ(k.err, EBADF);
	/* A write that claims more than it sent writes what it sent. */
	wm->nbytes = 1000;
	send(10, 3, 4, w, sizeof *wm + 3);
	CHECK_EQ(k.status, 3);
	wm->nbytes = -1;
	send(10, 3, 4, w, sizeof *wm + 3);
	CHECK_EQ(k.err, EINVAL);
	CHECK_EQ(do_open(10, 3, 6, "a", 3), EINVAL);
	CHECK_EQ(do_open(10, 3, 6, "dir", O_WRONLY), EISDIR);
	CHECK_EQ(do_open(10, 3, 6, "dir", O_RDONLY), 0);
	CHECK_EQ(do_open(10, 3, 7, "a", O_RDONLY | O_DIRECTORY), ENOTDIR);
	CHECK_EQ(do_open(10, 3, 7, "nope", O_RDONLY), ENOENT);
	CHECK_EQ(nodes[2].attr.nopens, 1);
}

TEST(permissions)
{
	setup();
	CHECK_EQ(do_open(10, 3, 4, "secret", O_RDONLY), EACCES);
	CHECK_EQ(do_open(12, 8, 4, "a", O_WRONLY), EACCES);	/* other: r-- */
	CHECK_EQ(do_open(12, 8, 4, "a", O_RDONLY), 0);
	CHECK_EQ(do_open(20, 9, 4, "secret", O_RDWR), 0);	/* root */
	CHECK_EQ(nodes[1].attr.nopens, 1);
	/* chmod: only the owner or root. */
	struct _io_chmod cm = { .type = _IO_CHMOD, .mode = 0600 };
	send(12, 8, 4, &cm, sizeof cm);
	CHECK_EQ(k.err, EPERM);
	CHECK_EQ(nodes[0].attr.mode, S_IFREG | 0644);
	CHECK_EQ(do_open(10, 3, 4, "a", O_RDONLY), 0);
	send(10, 3, 4, &cm, sizeof cm);
	CHECK_EQ(k.replied, 1);
	CHECK_EQ(nodes[0].attr.mode, S_IFREG | 0600);
	/* chown: the owner may not give it away, root may. */
	struct _io_chown co = { .type = _IO_CHOWN, .uid = 300, .gid = -1 };
	send(10, 3, 4, &co, sizeof co);
	CHECK_EQ(k.err, EPERM);
	send(20, 9, 4, &co, sizeof co);		/* root's fd 4 is "secret" */
	CHECK_EQ(k.replied, 1);
	CHECK_EQ(nodes[1].attr.uid, 300);
	CHECK_EQ(nodes[1].attr.gid, 0);
}

TEST(unknown_and_malformed)
{
	setup();
	CHECK_EQ(do_simple(10, 3, 4, 0x1f0), -EBADF);	/* I/O type, no open */
	CHECK_EQ(do_simple(10, 3, 4, 0x50), -ENOSYS);	/* not an I/O message */
	CHECK_EQ(do_open(10, 3, 4, "a", O_RDONLY), 0);
	CHECK_EQ(do_simple(10, 3, 4, 0x1f0), -ENOSYS);
	CHECK_EQ(do_simple(10, 3, 4, _IO_NOTIFY), -ENOSYS);
	struct _io_devctl dc = { .type = _IO_DEVCTL, .dcmd = DCMD_CHR_ISATTY };
	send(10, 3, 4, &dc, sizeof dc);
	CHECK_EQ(k.err, ENOTTY);
	uint16_t tiny = _IO_READ;
	send(10, 3, 4, &tiny, sizeof tiny);
	CHECK_EQ(k.err, EINVAL);
	struct _io_read shortread = { .type = _IO_READ, .nbytes = 1 };
	send(10, 3, 4, &shortread, 8);
	CHECK_EQ(k.err, EINVAL);

	uint8_t m[512];
	size_t n = mkconnect(m, _IO_CONNECT_OPEN, O_RDONLY, "a", NULL, 0);
	send(10, 3, 5, m, 30);				/* shorter than the header */
	CHECK_EQ(k.err, EINVAL);
	send(10, 3, 5, m, n - 1);			/* path cut short */
	CHECK_EQ(k.err, EINVAL);
	((struct _io_connect *)m)->path_len = 0;
	send(10, 3, 5, m, n);
	CHECK_EQ(k.err, EINVAL);
	n = mkconnect(m, _IO_CONNECT_OPEN, O_RDONLY, "a", NULL, 0);
	m[sizeof(struct _io_connect) + 1] = 'x';	/* no NUL */
	send(10, 3, 5, m, n);
	CHECK_EQ(k.err, EINVAL);
	n = mkconnect(m, _IO_CONNECT_OPEN, O_RDONLY, "ab", NULL, 0);
	m[sizeof(struct _io_connect) + 1] = 0;		/* NUL inside */
	send(10, 3, 5, m, n);
	CHECK_EQ(k.err, EINVAL);
	n = mkconnect(m, _IO_CONNECT_OPEN, O_RDONLY, "a", NULL, 0);
	((struct _io_connect *)m)->extra_len = 200;	/* beyond the message */
	send(10, 3, 5, m, n);
	CHECK_EQ(k.err, EINVAL);
	n = mkconnect(m, _IO_CONNECT_OPEN, O_RDONLY, "a", NULL, 0);
	((struct _io_connect *)m)->handle = 77;
	send(10, 3, 5, m, n);
	CHECK_EQ(k.err, ENOENT);
	((struct _io_connect *)m)->handle = 0;
	send(10, 3, 5, m, n);
	CHECK_EQ(k.err, ENOENT);
	n = mkconnect(m, 42, O_RDONLY, "a", NULL, 0);
	send(10, 3, 5, m, n);
	CHECK_EQ(k.err, ENOSYS);
	n = mkconnect(m, _IO_CONNECT_UNLINK, O_RDONLY, "a", NULL, 0);
	send(10, 3, 5, m, n);
	CHECK_EQ(k.err, ENOSYS);
	CHECK_EQ(nodes[0].attr.nopens, 1);		/* only the good open */
	CHECK_EQ(do_read(10, 3, 4, 5), 5);		/* and it still works */
}

/* fcntl's F_SETFL and F_GETFL: the generic devctls change only O_APPEND and O_NONBLOCK. */
TEST(devctl_flags)
{
	setup();
	CHECK_EQ(do_open(10, 3, 4, "a", O_WRONLY | O_APPEND), 0);
	struct { struct _io_devctl d; int32_t fl; } m = {
		{ .type = _IO_DEVCTL, .dcmd = DCMD_ALL_GETFLAGS }, 0 };
	send(10, 3, 4, &m.d, sizeof m.d);
	CHECK_EQ(k.replied, 1);
	CHECK_EQ(k.len, sizeof(struct _io_devctl_reply) + sizeof(int32_t));
	CHECK_EQ(*(int32_t *)(k.data + sizeof(struct _io_devctl_reply)), O_APPEND);
	m.d.dcmd = DCMD_ALL_SETFLAGS;
	m.d.nbytes = sizeof m.fl;
	m.fl = O_NONBLOCK | O_RDWR | O_CREAT;		/* only O_NONBLOCK may change */
	send(10, 3, 4, &m, sizeof m);
	CHECK_EQ(k.replied, 1);
	m.d.dcmd = DCMD_ALL_GETFLAGS;
	m.d.nbytes = 0;
	send(10, 3, 4, &m.d, sizeof m.d);
	CHECK_EQ(*(int32_t *)(k.data + sizeof(struct _io_devctl_reply)), O_NONBLOCK);
	CHECK_EQ(do_read(10, 3, 4, 1), -EBADF);		/* still write-only */
	m.d.dcmd = DCMD_ALL_SETFLAGS;
	m.d.nbytes = sizeof m.fl;
	send(10, 3, 4, &m.d, sizeof m.d);		/* no flags word */
	CHECK_EQ(k.err, EINVAL);
}

TEST(dup_and_inheritance)
{
	setup();
	CHECK_EQ(do_open(10, 3, 4, "a", O_RDONLY), 0);
	CHECK_EQ(do_read(10, 3, 4, 2), 2);
	/* The child (pid 11, its own scoid 5) inherits fd 4 as its fd 0. */
	struct _io_dup d = { .type = _IO_DUP, .info = { .pid = 10, .coid = 4 } };
	send(11, 5, 0, &d, sizeof d);
	CHECK_EQ(k.replied, 1);
	CHECK_EQ(k.status, 0);
	CHECK_EQ(do_read(11, 5, 0, 2), 2);		/* the shared offset */
	CHECK(memcmp(k.data, "ll", 2) == 0);
	/* A process that is not the holder's child may not. */
	send(12, 8, 0, &d, sizeof d);
	CHECK_EQ(k.err, EPERM);
	d.info.coid = 9;
	send(11, 5, 1, &d, sizeof d);
	CHECK_EQ(k.err, EBADF);
	/* dup within a process */
	d.info.pid = 10;
	d.info.coid = 4;
	send(10, 3, 6, &d, sizeof d);
	CHECK_EQ(k.replied, 1);
	CHECK_EQ(nodes[0].attr.nopens, 1);		/* one open, three fds */
	CHECK_EQ(do_simple(10, 3, 4, _IO_CLOSE), 0);
	CHECK_EQ(do_simple(10, 3, 6, _IO_CLOSE), 0);
	CHECK_EQ(closes, 0);
	CHECK_EQ(do_read(11, 5, 0, 1), 1);
	CHECK_EQ(do_simple(11, 5, 0, _IO_CLOSE), 0);
	CHECK_EQ(closes, 1);
	CHECK_EQ(nodes[0].attr.nopens, 0);
}

TEST(openfd)
{
	setup();
	CHECK_EQ(do_open(10, 3, 4, "a", O_RDONLY), 0);
	struct _io_openfd o = { .type = _IO_OPENFD, .ioflag = O_RDWR, .coid = 4 };
	send(10, 3, 5, &o, sizeof o);
	CHECK_EQ(k.replied, 1);
	CHECK_EQ(nodes[0].attr.nopens, 2);		/* independent opens */
	CHECK_EQ(do_read(10, 3, 5, 5), 5);
	CHECK_EQ(do_read(10, 3, 4, 1), 1);		/* its own offset */
	o.coid = 8;
	send(10, 3, 6, &o, sizeof o);
	CHECK_EQ(k.err, EBADF);
	send(10, 3, 6, &o, 8);				/* the old 8-byte form */
	CHECK_EQ(k.err, EINVAL);
}

TEST(disconnect_and_client_gone)
{
	setup();
	CHECK_EQ(do_open(10, 3, 4, "a", O_RDONLY), 0);
	CHECK_EQ(do_open(10, 3, 5, "dir", O_RDONLY), 0);
	CHECK_EQ(do_open(12, 8, 4, "a", O_RDONLY), 0);
	struct _pulse p = { .code = _PULSE_CODE_DISCONNECT, .scoid = 3 };
	CHECK_EQ(resmgr_pulse(rm, &p), 1);
	CHECK_EQ(closes, 2);
	CHECK_EQ(k.detached_scoid, 3);
	CHECK_EQ(nodes[0].attr.nopens, 1);
	CHECK_EQ(nodes[2].attr.nopens, 0);
	CHECK_EQ(do_read(10, 3, 4, 1), -EBADF);
	CHECK_EQ(do_read(12, 8, 4, 1), 1);
	CHECK_EQ(resmgr_client_gone(rm, 12), 1);
	CHECK_EQ(closes, 3);
	CHECK_EQ(last_close_pid, 12);
	CHECK_EQ(nodes[0].attr.nopens, 0);
	p.code = _PULSE_CODE_UNBLOCK;
	p.value.sival_int = 1234;
	CHECK_EQ(resmgr_pulse(rm, &p), 1);
	CHECK_EQ(unblocked_rcvid, 1234);
	p.code = 5;					/* nobody's */
	CHECK_EQ(resmgr_pulse(rm, &p), 0);
}

TEST(combine_close_stat)
{
	setup();
	struct _io_stat s = { .type = _IO_STAT };
	uint8_t m[512];
	/* A user who may not read "secret" may still stat it. */
	size_t n = mkconnect(m, _IO_CONNECT_COMBINE_CLOSE, O_RDONLY, "secret", &s, sizeof s);
	send(10, 3, 4, m, n);
	CHECK_EQ(k.replied, 1);
	CHECK_EQ(k.len, sizeof(struct _io_stat_reply));
	CHECK_EQ(((struct _io_stat_reply *)k.data)->st_mode, S_IFREG | 0600);
	CHECK_EQ(closes, 1);
	CHECK_EQ(nodes[1].attr.nopens, 0);
	CHECK_EQ(do_read(10, 3, 4, 1), -EBADF);		/* nothing left bound */
	/* but not read it in one */
	struct _io_read r = { .type = _IO_READ, .nbytes = 4 };
	n = mkconnect(m, _IO_CONNECT_COMBINE_CLOSE, O_RDONLY, "secret", &r, sizeof r);
	send(10, 3, 4, m, n);
	CHECK_EQ(k.err, EACCES);
	n = mkconnect(m, _IO_CONNECT_COMBINE_CLOSE, O_RDONLY, "a", &r, sizeof r);
	send(10, 3, 4, m, n);
	CHECK_EQ(k.status, 4);
	CHECK(memcmp(k.data, "hell", 4) == 0);
	/* A bad appended message */
	struct _io_close c = { .type = _IO_CLOSE };
	n = mkconnect(m, _IO_CONNECT_COMBINE_CLOSE, O_RDONLY, "a", &c, sizeof c);
	send(10, 3, 4, m, n);
	CHECK_EQ(k.err, EINVAL);
	n = mkconnect(m, _IO_CONNECT_COMBINE_CLOSE, O_RDONLY, "a", &c, 2);
	send(10, 3, 4, m, n);
	CHECK_EQ(k.err, EINVAL);
	CHECK_EQ(nodes[0].attr.nopens, 0);
	/* COMBINE keeps the open */
	n = mkconnect(m, _IO_CONNECT_COMBINE, O_RDONLY, "a", &s, sizeof s);
	send(10, 3, 4, m, n);
	CHECK_EQ(k.replied, 1);
	CHECK_EQ(nodes[0].attr.nopens, 1);
	CHECK_EQ(do_read(10, 3, 4, 5), 5);
}

TEST(large_write)
{
	setup();
	CHECK_EQ(do_open(10, 3, 4, "a", O_RDWR), 0);
	static uint8_t w[16 + 100000];
	struct _io_write *wm = (void *)w;
	wm->type = _IO_WRITE;
	wm->nbytes = 100000;
	for (int i = 0; i < 100000; i++)
		w[16 + i] = (uint8_t)(i * 7 + 3);
	sendr(10, 3, 4, w, sizeof w, 4096);		/* the rest is MsgRead */
	CHECK_EQ(k.status, 100000);
	CHECK(memcmp(nodes[0].data, w + 16, 100000) == 0);
	CHECK_EQ(nodes[0].attr.size, 100000);
}

TEST(rename_paths)
{
	setup();
	uint8_t m[512];
	size_t n = mkconnect(m, _IO_CONNECT_RENAME, 0, "new", "/srv/old/x", 11);
	send(10, 3, 4, m, n);
	CHECK_EQ(k.replied, 1);
	CHECK(strcmp(last_rename[0], "new") == 0);
	CHECK(strcmp(last_rename[1], "old/x") == 0);
	n = mkconnect(m, _IO_CONNECT_RENAME, 0, "new", "/srvx/old", 10);
	send(10, 3, 4, m, n);
	CHECK_EQ(k.err, EXDEV);
	n = mkconnect(m, _IO_CONNECT_RENAME, 0, "new", "rel", 4);
	send(10, 3, 4, m, n);
	CHECK(strcmp(last_rename[1], "rel") == 0);
	n = mkconnect(m, _IO_CONNECT_RENAME, 0, "new", "abc", 3);	/* no NUL */
	send(10, 3, 4, m, n);
	CHECK_EQ(k.err, EINVAL);
}

TEST(dirent_records)
{
	uint8_t buf[64];
	size_t n = rm_dirent_put(buf, sizeof buf, 5, 1, DT_REG, "abc");
	CHECK_EQ(n, 32);
	struct _io_dirent *d = (void *)buf;
	CHECK_EQ(d->d_reclen, 32);
	CHECK_EQ(d->d_namelen, 3);
	CHECK_EQ(d->d_type, DT_REG);
	CHECK(strcmp(d->d_name, "abc") == 0);
	CHECK_EQ(rm_dirent_put(buf, 31, 5, 1, DT_REG, "abc"), 0);
	CHECK_EQ(rm_dirent_put(buf, sizeof buf, 5, 1, DT_REG, "abcdefgh"), 40);
	CHECK_EQ(rm_dtype(S_IFDIR | 0755), DT_DIR);
	CHECK_EQ(rm_dtype(S_IFCHR), DT_CHR);
}
