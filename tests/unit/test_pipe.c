/* Host tests of the pipe server (fs/pipe/pipe.c) on the real resmgr library, with the kernel
 * calls mocked per rcvid: a reply or error is recorded for each client request, MsgRead
 * serves that request's message, and a "dead" client's rcvid fails with ESRCH. Covers
 * making pipes, data order, blocking and wake-ups, EOF, EPIPE with SIGPIPE, PIPE_BUF
 * atomicity, large writes fetched with MsgRead, O_NONBLOCK, unblock (EINTR, partial
 * writes), dead readers, and disconnects; ASan checks nothing leaks. */
/* SOURCES: fs/pipe/pipe.c lib/resmgr/resmgr.c lib/resmgr/rm_connect.c lib/resmgr/rm_io.c lib/resmgr/rm_ocb.c lib/resmgr/rm_cred.c lib/resmgr/rm_util.c */
/* CFLAGS: -Iabi/include -Ilib/resmgr -Ifs/pipe */
#include "test.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include "../../lib/resmgr/rm_priv.h"
#include "pipe.h"

/* --- The mock kernel: one record per rcvid ------------------------------------------- */
#define NRCV 64
static struct client {
	int	state;			/* 0 waiting, 1 replied, 2 error */
	int	replies;		/* how many answers it got (must be 1) */
	int	status, err;
	uint8_t	*data;
	size_t	len;
	uint8_t	*msg;			/* its message, for MsgRead */
	size_t	msglen;
	int	dead;
} cl[NRCV];
static int kill_pid, kill_sig, nkills;

pid_t rm_self_pid(void) { return 7; }

static int answer(int rcvid, int state, int status, int err, const iov_t *iov, int parts)
{
	struct client *c = &cl[rcvid];
	if (c->dead) {
		errno = ESRCH;
		return -1;
	}
	c->replies++;
	c->state = state;
	c->status = status;
	c->err = err;
	free(c->data);
	c->data = malloc(70000);
	c->len = 0;
	if (parts < 0) {
		memcpy(c->data, iov, (size_t)-parts);
		c->len = (size_t)-parts;
	}
	for (int i = 0; i < parts; i++) {
		memcpy(c->data + c->len, iov[i].iov_base, iov[i].iov_len);
		c->len += iov[i].iov_len;
	}
	return 0;
}
int MsgReplyv(int rcvid, int status, const iov_t *iov, int parts)
{
	return answer(rcvid, 1, status, 0, iov, parts);
}
int MsgError(int rcvid, int err) { return answer(rcvid, 2, -1, err, NULL, 0); }

static int readv_common(int rcvid, const iov_t *iov, int parts, int offset)
{
	struct client *c = &cl[rcvid];
	if (c->dead) {
		errno = ESRCH;
		return -1;
	}
	iov_t flat;
	if (parts < 0) {
		SETIOV(&flat, (void *)iov, -parts);
		iov = &flat;
		parts = 1;
	}
	size_t off = (size_t)offset, got = 0;
	for (int i = 0; i < parts; i++) {
		size_t n = off < c->msglen ? c->msglen - off : 0;
		if (n > iov[i].iov_len)
			n = iov[i].iov_len;
		memcpy(iov[i].iov_base, c->msg + off, n);
		off += n;
		got += n;
	}
	return (int)got;
}
int MsgReadv(int rcvid, const iov_t *iov, int parts, int offset)
{
	return readv_common(rcvid, iov, parts, offset);
}
int MsgReadv_r(int rcvid, const iov_t *iov, int parts, int offset)
{
	return readv_common(rcvid, iov, parts, offset);
}
int MsgSendv(int coid, const iov_t *s, int sp, const iov_t *r, int rp)
{
	const struct _proc_kill *k = (const void *)s;
	if (sp < 0 && (size_t)-sp >= sizeof *k && k->type == _PROC_KILL) {
		kill_pid = k->pid;
		kill_sig = k->signo;
		nkills++;
		return 0;
	}
	errno = ENOSYS;
	return -1;
}
int ConnectDetach(int coid) { return 0; }
int ConnectAttach(uint32_t nd, pid_t pid, int chid, unsigned index, int flags) { return 99; }
int ChannelCreate(unsigned flags) { return 5; }
int ChannelDestroy(int chid) { return 0; }
int MsgReceivev(int chid, const iov_t *riov, int rparts, struct _msg_info *info) { errno = ESRCH; return -1; }
int ClockTime(clockid_t id, const uint64_t *n, uint64_t *old) { *old = 1234; return 0; }

static int s_getcred(pid_t pid, struct _proc_getid_reply *out)
{
	memset(out, 0, sizeof *out);
	out->pid = pid;
	out->ppid = pid == 11 ? 10 : 1;
	out->uid = out->euid = pid == 20 ? 0 : 100;
	out->gid = out->egid = out->uid;
	return 0;
}

static struct resmgr *rm;
static uint32_t handle;
static int next_rcvid;

static void teardown(void)
{
	if (rm)
		resmgr_destroy(rm);
	rm = NULL;
	pipe_init();
	for (int i = 0; i < NRCV; i++) {
		free(cl[i].data);
		free(cl[i].msg);
	}
	memset(cl, 0, sizeof cl);
}
__attribute__((destructor)) static void teardown_last(void) { teardown(); }

static void setup(void)
{
	teardown();
	struct resmgr_attr a = { .flags = RESMGR_ATTR_CHID, .chid = 1, .getcred = s_getcred };
	rm = resmgr_create(&pipe_funcs, &a);
	handle = resmgr_handle_add(rm, NULL);
	next_rcvid = 1;
	nkills = kill_pid = kill_sig = 0;
}

/* Send m from (pid, scoid, coid) as a new request; returns its rcvid. */
static int sendm(pid_t pid, int scoid, int coid, const void *m, size_t len)
{
	int rcvid = next_rcvid++;
	struct client *c = &cl[rcvid];
	c->msg = malloc(len);
	memcpy(c->msg, m, len);
	c->msglen = len;
	struct _msg_info info;
	memset(&info, 0, sizeof info);
	info.pid = pid;
	info.scoid = scoid;
	info.coid = coid;
	info.srcmsglen = (int)len;
	info.msglen = (int)(len < RM_MSG_MAX ? len : RM_MSG_MAX);
	info.dstmsglen = 70000;
	static uint8_t buf[RM_MSG_MAX];
	memcpy(buf, m, (size_t)info.msglen);
	resmgr_msg(rm, rcvid, buf, (size_t)info.msglen, &info);
	return rcvid;
}

/* What a request got: its status, -errno, or 1000 while it waits. */
static int result(int rcvid)
{
	struct client *c = &cl[rcvid];
	return c->state == 0 ? 1000 : c->state == 2 ? -c->err : c->status;
}

static int op_open(pid_t pid, int coid, const char *path, uint32_t ioflag, int subtype)
{
	uint8_t m[512];
	struct _io_connect *c = (void *)m;
	memset(c, 0, sizeof *c);
	c->type = _IO_CONNECT;
	c->subtype = (uint16_t)subtype;
	c->handle = handle;
	c->ioflag = ioflag;
	c->path_len = (uint16_t)(strlen(path) + 1);
	memcpy(c + 1, path, c->path_len);
	size_t len = sizeof *c + c->path_len;
	if (subtype == _IO_CONNECT_COMBINE_CLOSE) {
		struct _io_stat s = { .type = _IO_STAT };
		memcpy(m + len, &s, sizeof s);
		c->extra_len = sizeof s;
		c->extra_type = _IO_CONNECT_EXTRA_MSG;
		len += sizeof s;
	}
	return sendm(pid, pid, coid, m, len);
}
static int op_read(pid_t pid, int coid, int nbytes)
{
	struct _io_read r = { .type = _IO_READ, .nbytes = nbytes };
	return sendm(pid, pid, coid, &r, sizeof r);
}
static uint8_t wbuf[300000];
static int op_write(pid_t pid, int coid, const void *data, size_t n)
{
	struct _io_write *w = (void *)wbuf;
	memset(w, 0, sizeof *w);
	w->type = _IO_WRITE;
	w->nbytes = (int32_t)n;
	memmove(wbuf + sizeof *w, data, n);
	return sendm(pid, pid, coid, wbuf, sizeof *w + n);
}
static int op_simple(pid_t pid, int coid, uint16_t type)
{
	struct _io_close c = { .type = type };
	return sendm(pid, pid, coid, &c, sizeof c);
}
static void pulse(int code, int value)
{
	struct _pulse p = { .code = (int8_t)code, .scoid = value };
	p.value.sival_int = value;
	resmgr_pulse(rm, &p);
}

/* A pipe for pid: read end on coid r, write end on coid w (ioflag extra bits). */
static uint64_t make_pipe(pid_t pid, int r, int w, uint32_t extra)
{
	int rc = op_open(pid, r, "", O_RDONLY | extra, _IO_CONNECT_OPEN);
	if (result(rc) != 0)
		return 0;
	int st = op_simple(pid, r, _IO_STAT);
	if (result(st) != 0)
		return 0;
	uint64_t ino = ((struct _io_stat_reply *)cl[st].data)->st_ino;
	char path[32];
	snprintf(path, sizeof path, "%llu", (unsigned long long)ino);
	return result(op_open(pid, w, path, O_WRONLY | extra, _IO_CONNECT_OPEN)) == 0 ? ino : 0;
}

/* Bytes buffered in the pipe coid (an end of) holds: its stat size. */
static long pipe_size(pid_t pid, int coid)
{
	int st = op_simple(pid, coid, _IO_STAT);
	return result(st) == 0 ? (long)((struct _io_stat_reply *)cl[st].data)->st_size : -1;
}

static uint8_t pat(size_t i)
{
	return (uint8_t)(i * 7 + (i >> 9));
}

/* --- Tests ------------------------------------------------------------------------- */
TEST(make_pipe_names)
{
	setup();
	uint64_t id = make_pipe(10, 4, 5, 0);
	CHECK(id != 0);
	char path[32];
	snprintf(path, sizeof path, "%llu", (unsigned long long)id);
	/* the write end's name: once, and only for its creator */
	CHECK_EQ(result(op_open(10, 6, path, O_WRONLY, _IO_CONNECT_OPEN)), -ENOENT);
	CHECK_EQ(result(op_open(10, 7, "", O_WRONLY, _IO_CONNECT_OPEN)), -EINVAL);
	CHECK_EQ(result(op_open(10, 7, "abc", O_WRONLY, _IO_CONNECT_OPEN)), -ENOENT);
	CHECK_EQ(result(op_open(10, 7, "0", O_WRONLY, _IO_CONNECT_OPEN)), -ENOENT);
	uint64_t id2 = make_pipe(10, 8, 9, 0);
	CHECK(id2 != 0 && id2 != id);
	int rc = op_open(10, 10, "", O_RDONLY, _IO_CONNECT_OPEN);
	CHECK_EQ(result(rc), 0);
	int st = op_simple(10, 10, _IO_STAT);
	char p3[32];
	snprintf(p3, sizeof p3, "%llu", (unsigned long long)((struct _io_stat_reply *)cl[st].data)->st_ino);
	CHECK_EQ(result(op_open(11, 11, p3, O_WRONLY, _IO_CONNECT_OPEN)), -ENOENT);
	CHECK_EQ(result(op_open(10, 11, p3, O_RDWR, _IO_CONNECT_OPEN)), -EINVAL);
	/* stat of /dev/pipe itself is the directory, and makes no pipe */
	int s = op_open(10, 12, "", 0, _IO_CONNECT_COMBINE_CLOSE);
	CHECK_EQ(result(s), 0);
	CHECK(S_ISDIR(((struct _io_stat_reply *)cl[s].data)->st_mode));
	/* stat of an end: a FIFO, the pipe's id, the bytes buffered */
	CHECK_EQ(result(op_write(10, 5, "abc", 3)), 3);
	st = op_simple(10, 4, _IO_STAT);
	struct _io_stat_reply *sr = (void *)cl[st].data;
	CHECK(S_ISFIFO(sr->st_mode) && sr->st_ino == id && sr->st_size == 3);
	CHECK_EQ(result(op_simple(10, 4, _IO_LSEEK)), -EINVAL);	/* short message */
	struct _io_lseek ls = { .type = _IO_LSEEK, .whence = SEEK_SET };
	CHECK_EQ(result(sendm(10, 10, 4, &ls, sizeof ls)), -ESPIPE);
	/* wrong ends */
	CHECK_EQ(result(op_read(10, 5, 10)), -EBADF);
	CHECK_EQ(result(op_write(10, 4, "x", 1)), -EBADF);
	for (int c = 4; c <= 10; c++)
		op_simple(10, c, _IO_CLOSE);
}

TEST(data_blocking_eof)
{
	setup();
	CHECK(make_pipe(10, 4, 5, 0));
	CHECK_EQ(result(op_write(10, 5, "hello", 5)), 5);
	int r = op_read(10, 4, 100);
	CHECK_EQ(result(r), 5);
	CHECK(memcmp(cl[r].data, "hello", 5) == 0);
	r = op_read(10, 4, 100);
	CHECK_EQ(result(r), 1000);		/* empty: waits */
	int r2 = op_read(10, 4, 1);		/* a second reader queues behind */
	CHECK_EQ(result(op_write(10, 5, "ab", 2)), 2);
	CHECK_EQ(result(r), 2);
	CHECK(memcmp(cl[r].data, "ab", 2) == 0);
	CHECK_EQ(result(r2), 1000);
	CHECK_EQ(result(op_simple(10, 5, _IO_CLOSE)), 0);
	CHECK_EQ(result(r2), 0);		/* the last writer went: EOF */
	CHECK_EQ(cl[r2].replies, 1);
	CHECK_EQ(result(op_read(10, 4, 10)), 0);
	op_simple(10, 4, _IO_CLOSE);
}

TEST(epipe_and_sigpipe)
{
	setup();
	CHECK(make_pipe(10, 4, 5, 0));
	op_simple(10, 4, _IO_CLOSE);
	CHECK_EQ(result(op_write(10, 5, "x", 1)), -EPIPE);
	CHECK_EQ(nkills, 1);
	CHECK_EQ(kill_pid, 10);
	CHECK_EQ(kill_sig, SIGPIPE);
	/* a writer waiting on a full pipe when the last reader goes */
	CHECK(make_pipe(12, 6, 7, 0));
	static uint8_t big[PIPE_CAP];
	CHECK_EQ(result(op_write(12, 7, big, PIPE_CAP)), PIPE_CAP);
	int w = op_write(12, 7, "y", 1);
	CHECK_EQ(result(w), 1000);
	op_simple(12, 6, _IO_CLOSE);
	CHECK_EQ(result(w), -EPIPE);
	CHECK_EQ(kill_pid, 12);
	op_simple(10, 5, _IO_CLOSE);
	op_simple(12, 7, _IO_CLOSE);
}

TEST(atomic_writes_wait_for_room)
{
	setup();
	CHECK(make_pipe(10, 4, 5, 0));
	static uint8_t big[PIPE_CAP];
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = pat(i);
	CHECK_EQ(result(op_write(10, 5, big, PIPE_CAP - 10)), PIPE_CAP - 10);
	uint8_t rec[PIPE_ATOMIC];
	memset(rec, 'R', sizeof rec);
	int w = op_write(10, 5, rec, 100);	/* 10 bytes of room: all or nothing */
	CHECK_EQ(result(w), 1000);
	CHECK_EQ(pipe_size(10, 4), PIPE_CAP - 10);	/* none of it went in */
	int r = op_read(10, 4, 50);
	CHECK_EQ(result(r), 50);
	CHECK(memcmp(cl[r].data, big, 50) == 0);
	CHECK_EQ(result(w), 1000);		/* 60 bytes of room: still waits */
	CHECK_EQ(pipe_size(10, 4), PIPE_CAP - 60);
	r = op_read(10, 4, 60);
	CHECK_EQ(result(r), 60);
	CHECK_EQ(result(w), 100);		/* 120 bytes of room: in it goes */
	/* a later small write queues behind a waiting one, never ahead of it */
	int w2 = op_write(10, 5, rec, PIPE_ATOMIC);
	int w3 = op_write(10, 5, "S", 1);
	CHECK_EQ(result(w2), 1000);
	CHECK_EQ(result(w3), 1000);
	size_t got = 110;
	int ok = 1;
	while (got < PIPE_CAP - 10) {
		r = op_read(10, 4, 7000);
		CHECK(result(r) > 0);
		for (int i = 0; i < result(r) && got + (size_t)i < PIPE_CAP - 10; i++)
			ok &= cl[r].data[i] == pat(got + (size_t)i);
		got += (size_t)result(r);
	}
	CHECK(ok);
	CHECK_EQ(result(w2), PIPE_ATOMIC);
	CHECK_EQ(result(w3), 1);
	op_simple(10, 4, _IO_CLOSE);
	op_simple(10, 5, _IO_CLOSE);
}

TEST(large_write_through_msgread)
{
	setup();
	CHECK(make_pipe(10, 4, 5, 0));
	static uint8_t data[200000];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = pat(i);
	int w = op_write(10, 5, data, sizeof data);
	CHECK_EQ(result(w), 1000);		/* 64 KiB in, the rest waits in the client */
	size_t got = 0;
	int ok = 1, rounds = 0;
	while (got < sizeof data && rounds++ < 100) {
		int r = op_read(10, 4, 30000);
		int n = result(r);
		CHECK(n > 0 && n <= 30000);
		if (n <= 0 || n > 30000)
			break;
		for (int i = 0; i < n; i++)
			ok &= cl[r].data[i] == pat(got + (size_t)i);
		got += (size_t)n;
	}
	CHECK(ok);
	CHECK_EQ(got, sizeof data);
	CHECK_EQ(result(w), (int)sizeof data);
	CHECK_EQ(cl[w].replies, 1);
	op_simple(10, 4, _IO_CLOSE);
	op_simple(10, 5, _IO_CLOSE);
}

TEST(nonblock)
{
	setup();
	CHECK(make_pipe(10, 4, 5, O_NONBLOCK));
	CHECK_EQ(result(op_read(10, 4, 10)), -EAGAIN);
	static uint8_t big[PIPE_CAP + 5000];
	CHECK_EQ(result(op_write(10, 5, big, PIPE_CAP - 100)), PIPE_CAP - 100);
	CHECK_EQ(result(op_write(10, 5, big, 200)), -EAGAIN);		/* atomic: no room */
	CHECK_EQ(result(op_write(10, 5, big, 5000)), 100);		/* big: what fits */
	CHECK_EQ(result(op_write(10, 5, big, 5000)), -EAGAIN);
	CHECK_EQ(result(op_read(10, 4, 10)), 10);
	op_simple(10, 4, _IO_CLOSE);
	op_simple(10, 5, _IO_CLOSE);
}

TEST(unblock_eintr_partial)
{
	setup();
	CHECK(make_pipe(10, 4, 5, 0));
	int r = op_read(10, 4, 10);
	CHECK_EQ(result(r), 1000);
	pulse(_PULSE_CODE_UNBLOCK, r);
	CHECK_EQ(result(r), -EINTR);
	static uint8_t big[PIPE_CAP + 1000];
	int w = op_write(10, 5, big, sizeof big);
	CHECK_EQ(result(w), 1000);
	pulse(_PULSE_CODE_UNBLOCK, w);
	CHECK_EQ(result(w), PIPE_CAP);		/* what it wrote before the signal */
	w = op_write(10, 5, "x", 1);
	pulse(_PULSE_CODE_UNBLOCK, w);
	CHECK_EQ(result(w), -EINTR);
	pulse(_PULSE_CODE_UNBLOCK, 60);		/* a rcvid we do not hold: nothing */
	CHECK_EQ(cl[w].replies, 1);
	op_simple(10, 4, _IO_CLOSE);
	op_simple(10, 5, _IO_CLOSE);
}

TEST(dead_reader_takes_nothing)
{
	setup();
	CHECK(make_pipe(10, 4, 5, 0));
	/* the read end shared with process 11 (inheritance) */
	struct _io_dup d = { .type = _IO_DUP, .info = { 10, 4 } };
	int dr = sendm(11, 11, 4, &d, sizeof d);
	int ok_dup = result(dr);
	CHECK_EQ(ok_dup, 0);
	int r = op_read(11, 4, 10);
	CHECK_EQ(result(r), 1000);
	cl[r].dead = 1;
	CHECK_EQ(result(op_write(10, 5, "data", 4)), 4);
	r = op_read(10, 4, 10);
	CHECK_EQ(result(r), 4);
	CHECK(memcmp(cl[r].data, "data", 4) == 0);
	/* a client that dies while waiting: its connection's opens go, the pipe goes on */
	r = op_read(10, 4, 10);
	CHECK_EQ(result(r), 1000);
	pulse(_PULSE_CODE_DISCONNECT, 10);	/* scoid 10: all of process 10's opens */
	if (ok_dup == 0) {
		CHECK_EQ(result(op_read(11, 4, 10)), 0);	/* no writer left: EOF */
		op_simple(11, 4, _IO_CLOSE);
	}
}
