/* Host tests for the kernel-neutral ABI: every qnx-api.md constant, the struct layouts, the
 * SETIOV/SIGEV macros and the single-buffer wrappers of <sys/neutrino.h>; and the kernel-call
 * generator: reproducible, refuses broken tables, and its output builds for the host and
 * assembles for RISC-V. Runs shell commands from the repository root. */
/* SOURCES: */
#include "test.h"
#include <stdarg.h>
#include <unistd.h>
/* no <sys/wait.h>: it brings glibc's <signal.h>, whose sigevent clashes with ours;
 * glibc's <stdlib.h> has WIFEXITED and WEXITSTATUS */
#include "../../abi/include/sys/neutrino.h"
#include "../../abi/include/sys/iomsg.h"

#define GEN	"/usr/bin/python3 tools/kcallgen.py"
#define HOST_CC	"gcc -std=c11 -Wall -Wextra -pedantic -Werror"
#define CROSS_CC "riscv64-unknown-elf-gcc -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany " \
		"-ffreestanding -std=c11 -Wall -Wextra -pedantic -Werror"

static const char *const gen_files[] = {
	"kcall_nums.h", "kcall_stubs.S", "kcall_errno.c", "kcall_table.h", "kcall_names.c",
};

/* Runs a shell command built from fmt; returns its exit status, or -1 if it did not exit.
 * Unless quiet, a failure prints the command (for the log). */
static int vrun(int quiet, const char *fmt, va_list ap)
{
	char cmd[2048];
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	int st = system(cmd);
	st = st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	if (st != 0 && !quiet)
		printf("note: exit status %d from: %s\n", st, cmd);
	return st;
}

static int run(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int st = vrun(0, fmt, ap);
	va_end(ap);
	return st;
}

static int run_quiet(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int st = vrun(1, fmt, ap);
	va_end(ap);
	return st;
}

/* Reads a whole file into a NUL-terminated malloc'd buffer (size in *n); NULL if unreadable. */
static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0) {
		long len = ftell(f);
		rewind(f);
		buf = len >= 0 ? malloc((size_t)len + 1) : NULL;
		if (buf && fread(buf, 1, (size_t)len, f) == (size_t)len) {
			buf[len] = '\0';
			*n = (size_t)len;
		} else {
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	return buf;
}

static char *mktmp(char buf[32])
{
	strcpy(buf, "/tmp/test_abi_XXXXXX");
	return mkdtemp(buf);
}

static int have_cross(void)
{
	return run_quiet("command -v riscv64-unknown-elf-gcc >/dev/null 2>&1") == 0;
}

/* --- constants (qnx-api.md's table) ------------------------------------------------------ */
TEST(channel_and_connection_constants)
{
	CHECK_EQ(_NTO_CHF_FIXED_PRIORITY, 0x1);
	CHECK_EQ(_NTO_CHF_UNBLOCK, 0x2);
	CHECK_EQ(_NTO_CHF_THREAD_DEATH, 0x4);
	CHECK_EQ(_NTO_CHF_DISCONNECT, 0x8);
	CHECK_EQ(_NTO_CHF_SENDER_LEN, 0x20);
	CHECK_EQ(_NTO_CHF_COID_DISCONNECT, 0x40);
	CHECK_EQ(_NTO_CHF_REPLY_LEN, 0x80);
	CHECK_EQ(_NTO_CHF_PRIVATE, 0x1000);
	CHECK_EQ(_NTO_SIDE_CHANNEL, 0x40000000);
	CHECK_EQ(_NTO_MI_UNBLOCK_REQ, 0x100);
	CHECK_EQ(PATHMGR_PID, 1);
	CHECK_EQ(SYSMGR_PID, 1);
	CHECK_EQ(SYSMGR_CHID, 1);
}

TEST(pulse_codes)
{
	CHECK_EQ(_PULSE_CODE_UNBLOCK, -32);
	CHECK_EQ(_PULSE_CODE_DISCONNECT, -33);
	CHECK_EQ(_PULSE_CODE_THREADDEATH, -34);
	CHECK_EQ(_PULSE_CODE_COIDDEATH, -35);
	CHECK_EQ(_PULSE_CODE_MINAVAIL, 0);
	CHECK_EQ(_PULSE_CODE_MAXAVAIL, 127);
	struct _pulse p = { .code = _PULSE_CODE_COIDDEATH };	/* every code fits int8_t code */
	CHECK_EQ(p.code, -35);
	p.code = _PULSE_CODE_MAXAVAIL;
	CHECK_EQ(p.code, 127);
}

TEST(io_message_constants)
{
	CHECK_EQ(_IO_CONNECT, 0x100);
	CHECK_EQ(_IO_READ, 0x101);
	CHECK_EQ(_IO_WRITE, 0x102);
	CHECK_EQ(_IO_STAT, 0x104);
	CHECK_EQ(_IO_NOTIFY, 0x105);
	CHECK_EQ(_IO_DEVCTL, 0x106);
	CHECK_EQ(_IO_PATHCONF, 0x108);
	CHECK_EQ(_IO_LSEEK, 0x109);
	CHECK_EQ(_IO_CHMOD, 0x10A);
	CHECK_EQ(_IO_CHOWN, 0x10B);
	CHECK_EQ(_IO_OPENFD, 0x10D);
	CHECK_EQ(_IO_DUP, 0x115);
	CHECK_EQ(_IO_CLOSE, 0x116);
	CHECK_EQ(_IO_CONNECT_COMBINE, 0);
	CHECK_EQ(_IO_CONNECT_COMBINE_CLOSE, 1);
	CHECK_EQ(_IO_CONNECT_OPEN, 2);
	CHECK_EQ(_IO_CONNECT_UNLINK, 3);
	CHECK_EQ(_IO_CONNECT_RENAME, 4);
	CHECK_EQ(_IO_CONNECT_MKNOD, 5);
	CHECK_EQ(_IO_CONNECT_READLINK, 6);
	CHECK_EQ(_IO_CONNECT_LINK, 7);
	CHECK_EQ(_IO_CONNECT_MOUNT, 9);
	CHECK_EQ(_IO_CONNECT_RET_FLAG, 0x80000000u);
	CHECK_EQ(_IO_CONNECT_RET_LINK, 0x10000);
	CHECK_EQ(_IO_CONNECT_RET_FTYPE, 0x8000);
	CHECK_EQ(_IO_CONNECT_RET_MSG, 0x100000);
	/* a connect reply status is an int: the flag is its sign bit */
	CHECK((int)(_IO_CONNECT_RET_FLAG | _IO_CONNECT_RET_LINK) < 0);
}

TEST(timeouts_scheduling_priorities)
{
	const int t[] = { _NTO_TIMEOUT_SEND, _NTO_TIMEOUT_RECEIVE, _NTO_TIMEOUT_REPLY,
		_NTO_TIMEOUT_SIGSUSPEND, _NTO_TIMEOUT_SIGWAITINFO, _NTO_TIMEOUT_NANOSLEEP,
		_NTO_TIMEOUT_MUTEX, _NTO_TIMEOUT_CONDVAR, _NTO_TIMEOUT_JOIN, _NTO_TIMEOUT_INTR,
		_NTO_TIMEOUT_SEM, _NTO_TIMEOUT_ACTIVE };
	int all = 0;
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		CHECK(t[i] > 0 && (t[i] & (t[i] - 1)) == 0);	/* one bit each */
		CHECK((all & t[i]) == 0);			/* all distinct */
		all |= t[i];
	}
	CHECK_EQ(_NTO_TIMEOUT_SEND, 1 << STATE_SEND);
	CHECK_EQ(_NTO_TIMEOUT_RECEIVE, 0x20);
	CHECK_EQ(_NTO_TIMEOUT_REPLY, 0x40);
	CHECK_EQ(SCHED_FIFO, 1);
	CHECK_EQ(SCHED_RR, 2);
	CHECK_EQ(SCHED_OTHER, 3);
	CHECK_EQ(_NTO_PRIO_IDLE, 0);
	CHECK_EQ(_NTO_PRIO_MIN, 1);
	CHECK_EQ(_NTO_PRIO_MAX, 255);
}

/* --- layouts --------------------------------------------------------------------------- */
TEST(pulse_layout)
{
	CHECK_EQ(sizeof(union sigval), 8);
	CHECK_EQ(sizeof(struct _pulse), 24);
	CHECK_EQ(offsetof(struct _pulse, type), 0);
	CHECK_EQ(offsetof(struct _pulse, subtype), 2);
	CHECK_EQ(offsetof(struct _pulse, code), 4);
	CHECK_EQ(offsetof(struct _pulse, zero), 5);
	CHECK_EQ(offsetof(struct _pulse, value), 8);
	CHECK_EQ(offsetof(struct _pulse, scoid), 16);
}

TEST(msg_info_layout)
{
	CHECK_EQ(sizeof(struct _msg_info), 48);
	CHECK_EQ(offsetof(struct _msg_info, nd), 0);
	CHECK_EQ(offsetof(struct _msg_info, srcnd), 4);
	CHECK_EQ(offsetof(struct _msg_info, pid), 8);
	CHECK_EQ(offsetof(struct _msg_info, tid), 12);
	CHECK_EQ(offsetof(struct _msg_info, chid), 16);
	CHECK_EQ(offsetof(struct _msg_info, scoid), 20);
	CHECK_EQ(offsetof(struct _msg_info, coid), 24);
	CHECK_EQ(offsetof(struct _msg_info, msglen), 28);
	CHECK_EQ(offsetof(struct _msg_info, srcmsglen), 32);
	CHECK_EQ(offsetof(struct _msg_info, dstmsglen), 36);
	CHECK_EQ(offsetof(struct _msg_info, priority), 40);
	CHECK_EQ(offsetof(struct _msg_info, flags), 42);
	CHECK_EQ(offsetof(struct _msg_info, reserved), 44);
	struct _msg_info mi = { .flags = _NTO_MI_UNBLOCK_REQ };
	CHECK_EQ(mi.flags, 0x100);
}

TEST(thread_attr_layout)
{
	CHECK_EQ(sizeof(pid_t), 4);
	CHECK_EQ(sizeof(struct _thread_attr), 40);
	CHECK_EQ(offsetof(struct _thread_attr, __flags), 0);
	CHECK_EQ(offsetof(struct _thread_attr, __policy), 4);
	CHECK_EQ(offsetof(struct _thread_attr, __priority), 8);
	CHECK_EQ(offsetof(struct _thread_attr, __stacksize), 16);
	CHECK_EQ(offsetof(struct _thread_attr, __stackaddr), 24);
	CHECK_EQ(offsetof(struct _thread_attr, __exitfunc), 32);
}

TEST(iov_and_setiov)
{
	static const char msg[] = "hello";
	iov_t iov[2];
	CHECK_EQ(sizeof(iov_t), 16);
	CHECK_EQ(offsetof(iov_t, iov_base), 0);
	CHECK_EQ(offsetof(iov_t, iov_len), 8);
	SETIOV(&iov[0], msg, sizeof msg);		/* a const buffer is fine */
	SETIOV(iov + 1, NULL, 0);
	CHECK(GETIOVBASE(&iov[0]) == (void *)msg);
	CHECK_EQ(GETIOVLEN(&iov[0]), 6);
	CHECK(iov[1].iov_base == NULL && iov[1].iov_len == 0);
}

TEST(sigevent_layout_and_init_macros)
{
	struct sigevent ev;
	int x;

	CHECK_EQ(SIGEV_SIGNAL, 1);
	CHECK_EQ(SIGEV_PULSE, 4);
	CHECK_EQ(SIGEV_UNBLOCK, 5);
	CHECK_EQ(SIGEV_INTR, 6);
	CHECK_EQ(sizeof(struct sigevent), 32);
	CHECK_EQ(offsetof(struct sigevent, sigev_notify), 0);
	CHECK_EQ(offsetof(struct sigevent, sigev_signo), 8);
	CHECK_EQ(offsetof(struct sigevent, sigev_coid), 8);
	CHECK_EQ(offsetof(struct sigevent, sigev_value), 16);
	CHECK_EQ(offsetof(struct sigevent, sigev_code), 24);
	CHECK_EQ(offsetof(struct sigevent, sigev_priority), 26);

	memset(&ev, 0xa5, sizeof ev);
	SIGEV_PULSE_INIT(&ev, 7, 10, _PULSE_CODE_MINAVAIL + 3, -12345);	/* an int value */
	CHECK_EQ(ev.sigev_notify, SIGEV_PULSE);
	CHECK_EQ(ev.sigev_coid, 7);
	CHECK_EQ(ev.sigev_priority, 10);
	CHECK_EQ(ev.sigev_code, 3);
	CHECK_EQ(ev.sigev_value.sival_int, -12345);

	SIGEV_PULSE_INIT(&ev, 8, SIGEV_PULSE_PRIO_INHERIT, _PULSE_CODE_MAXAVAIL, &x);	/* a pointer */
	CHECK(ev.sigev_value.sival_ptr == &x);
	CHECK_EQ(ev.sigev_priority, -1);
	CHECK_EQ(ev.sigev_code, 127);

	SIGEV_PULSE_INT_INIT(&ev, 9, 21, 4, 99);
	CHECK(ev.sigev_notify == SIGEV_PULSE && ev.sigev_coid == 9 && ev.sigev_priority == 21);
	CHECK(ev.sigev_code == 4 && ev.sigev_value.sival_int == 99);

	SIGEV_SIGNAL_INIT(&ev, 15);
	CHECK(ev.sigev_notify == SIGEV_SIGNAL && ev.sigev_signo == 15);
	SIGEV_SIGNAL_CODE_INIT(&ev, 16, 5, 2);
	CHECK(ev.sigev_notify == SIGEV_SIGNAL_CODE && ev.sigev_signo == 16);
	CHECK(ev.sigev_value.sival_int == 5 && ev.sigev_code == 2);
	SIGEV_INTR_INIT(&ev);
	CHECK_EQ(ev.sigev_notify, SIGEV_INTR);
	SIGEV_UNBLOCK_INIT(&ev);
	CHECK_EQ(ev.sigev_notify, SIGEV_UNBLOCK);
	SIGEV_NONE_INIT(&ev);
	CHECK_EQ(ev.sigev_notify, SIGEV_NONE);
}

/* --- single-buffer wrappers over fake v calls ----------------------------------------------- */
static struct {
	const char *fn;
	int id, sparts, rparts, extra;
	iov_t s, r;
	const void *info;
} last;

static int record(const char *fn, int id, const iov_t *s, int sparts, const iov_t *r, int rparts,
		  int extra, const void *info)
{
	memset(&last, 0, sizeof last);
	last.fn = fn, last.id = id, last.sparts = sparts, last.rparts = rparts;
	last.extra = extra, last.info = info;
	/* A negative part count is one flat buffer of -parts bytes (neutrino.h). */
	if (sparts < 0 && sparts != INT32_MIN)
		last.s = (iov_t){ (void *)s, (size_t)-sparts };
	if (rparts < 0 && rparts != INT32_MIN)
		last.r = (iov_t){ (void *)r, (size_t)-rparts };
	return 42;
}

int MsgSendv(int coid, const iov_t *siov, int sparts, const iov_t *riov, int rparts)
{ return record("MsgSendv", coid, siov, sparts, riov, rparts, 0, NULL); }
int MsgSendv_r(int coid, const iov_t *siov, int sparts, const iov_t *riov, int rparts)
{ return record("MsgSendv_r", coid, siov, sparts, riov, rparts, 0, NULL); }
int MsgReceivev(int chid, const iov_t *riov, int rparts, struct _msg_info *info)
{ return record("MsgReceivev", chid, NULL, 0, riov, rparts, 0, info); }
int MsgReceivev_r(int chid, const iov_t *riov, int rparts, struct _msg_info *info)
{ return record("MsgReceivev_r", chid, NULL, 0, riov, rparts, 0, info); }
int MsgReplyv(int rcvid, int status, const iov_t *siov, int sparts)
{ return record("MsgReplyv", rcvid, siov, sparts, NULL, 0, status, NULL); }
int MsgReplyv_r(int rcvid, int status, const iov_t *siov, int sparts)
{ return record("MsgReplyv_r", rcvid, siov, sparts, NULL, 0, status, NULL); }
int MsgReadv(int rcvid, const iov_t *riov, int rparts, int offset)
{ return record("MsgReadv", rcvid, NULL, 0, riov, rparts, offset, NULL); }
int MsgReadv_r(int rcvid, const iov_t *riov, int rparts, int offset)
{ return record("MsgReadv_r", rcvid, NULL, 0, riov, rparts, offset, NULL); }
int MsgWritev(int rcvid, const iov_t *siov, int sparts, int offset)
{ return record("MsgWritev", rcvid, siov, sparts, NULL, 0, offset, NULL); }
int MsgWritev_r(int rcvid, const iov_t *siov, int sparts, int offset)
{ return record("MsgWritev_r", rcvid, siov, sparts, NULL, 0, offset, NULL); }

#define CHECK_IOV(iov, base, len) CHECK((iov).iov_base == (void *)(base) && (iov).iov_len == (len))

TEST(single_buffer_wrappers)
{
	char sbuf[10], rbuf[20];
	struct _msg_info info;

	CHECK_EQ(MsgSend(3, sbuf, 10, rbuf, 20), 42);
	CHECK(strcmp(last.fn, "MsgSendv") == 0 && last.id == 3 && last.sparts == -10 && last.rparts == -20);
	CHECK_IOV(last.s, sbuf, 10);
	CHECK_IOV(last.r, rbuf, 20);
	CHECK_EQ(MsgSend_r(4, sbuf, 1, rbuf, 2), 42);
	CHECK(strcmp(last.fn, "MsgSendv_r") == 0 && last.id == 4);
	CHECK_IOV(last.r, rbuf, 2);

	MsgReceive(5, rbuf, 20, &info);
	CHECK(strcmp(last.fn, "MsgReceivev") == 0 && last.id == 5 && last.rparts == -20 && last.info == &info);
	CHECK_IOV(last.r, rbuf, 20);
	MsgReceive_r(6, rbuf, 7, NULL);
	CHECK(strcmp(last.fn, "MsgReceivev_r") == 0 && last.id == 6 && last.info == NULL);
	CHECK_IOV(last.r, rbuf, 7);

	MsgReply(7, -5, sbuf, 3);
	CHECK(strcmp(last.fn, "MsgReplyv") == 0 && last.id == 7 && last.extra == -5 && last.sparts == -3);
	CHECK_IOV(last.s, sbuf, 3);
	MsgReply_r(8, 0, NULL, 0);
	CHECK(strcmp(last.fn, "MsgReplyv_r") == 0 && last.id == 8 && last.sparts == 0);
	CHECK_IOV(last.s, NULL, 0);

	MsgRead(9, rbuf, 4, 100);
	CHECK(strcmp(last.fn, "MsgReadv") == 0 && last.id == 9 && last.extra == 100 && last.rparts == -4);
	CHECK_IOV(last.r, rbuf, 4);
	MsgRead_r(10, rbuf, 5, 6);
	CHECK(strcmp(last.fn, "MsgReadv_r") == 0 && last.extra == 6);

	MsgWrite(11, sbuf, 8, 12);
	CHECK(strcmp(last.fn, "MsgWritev") == 0 && last.id == 11 && last.extra == 12 && last.sparts == -8);
	CHECK_IOV(last.s, sbuf, 8);
	MsgWrite_r(12, sbuf, 9, 13);
	CHECK(strcmp(last.fn, "MsgWritev_r") == 0 && last.extra == 13);

	/* A negative byte count cannot pose as an iov count: it becomes INT32_MIN (EINVAL). */
	MsgSend(3, sbuf, -1, rbuf, 20);
	CHECK(last.sparts == INT32_MIN && last.rparts == -20);
	MsgReply(7, 0, sbuf, -16);
	CHECK(last.sparts == INT32_MIN);
}

/* --- the headers on their own, strictly --------------------------------------------------- */
TEST(headers_compile_strictly)
{
	char d[32], path[64];
	CHECK(mktmp(d) != NULL);
	snprintf(path, sizeof path, "%s/h.c", d);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (!f)
		return;
	fputs("#include <sys/neutrino.h>\n#include <sys/iomsg.h>\n"
	      "int f(struct sigevent *e) { SIGEV_PULSE_INIT(e, 1, 10, 2, 3); return MsgSend(1, e, 1, e, 1); }\n", f);
	fclose(f);
	CHECK_EQ(run(HOST_CC " -Iabi/include -c %s/h.c -o %s/h.o", d, d), 0);
	if (have_cross())
		CHECK_EQ(run(CROSS_CC " -Iabi/include -c %s/h.c -o %s/h.o", d, d), 0);
	else
		printf("note: riscv64-unknown-elf-gcc not found; cross check of the headers skipped\n");
	run("rm -rf %s", d);
}

/* --- the generator ------------------------------------------------------------------------- */
TEST(generator_is_reproducible)
{
	char a[32], b[32];
	CHECK(access("tools/kcallgen.py", R_OK) == 0);	/* run from the repository root */
	CHECK(mktmp(a) != NULL && mktmp(b) != NULL);
	CHECK_EQ(run(GEN " abi/kcalls.tab %s", a), 0);
	CHECK_EQ(run(GEN " abi/kcalls.tab %s", b), 0);
	/* the table's location does not matter, only its contents */
	int st = run("mkdir %s/t && cp abi/kcalls.tab %s/t/ && "
		     GEN " --header abi/include/sys/neutrino.h %s/t/kcalls.tab %s/t", b, b, b, b);
	CHECK_EQ(st, 0);
	for (size_t i = 0; i < sizeof gen_files / sizeof gen_files[0]; i++) {
		char pa[96], pb[96], pc[96];
		size_t na = 0, nb = 1, nc = 2;
		snprintf(pa, sizeof pa, "%s/%s", a, gen_files[i]);
		snprintf(pb, sizeof pb, "%s/%s", b, gen_files[i]);
		snprintf(pc, sizeof pc, "%s/t/%s", b, gen_files[i]);
		char *x = slurp(pa, &na), *y = slurp(pb, &nb), *z = slurp(pc, &nc);
		CHECK(x && y && z && na > 100);
		CHECK(x && y && z && na == nb && na == nc && !memcmp(x, y, na) && !memcmp(x, z, na));
		free(x), free(y), free(z);
	}
	run("rm -rf %s %s", a, b);
}

TEST(generator_rejects_broken_tables)
{
	static const struct { const char *table, *expect; } cases[] = {
		{ "0 | KerNop | 0 | int | void | a\n0 | ChannelCreate | 1 | int | unsigned flags | b\n",
		  "broken.tab:2: duplicate number 0 (first at broken.tab:1)" },
		{ "0 | KerNop | 0 | int | void | a\n1 | KerNop | 0 | int | void | b\n",
		  "broken.tab:2: duplicate name KerNop" },
		{ "0 | MsgSendv | 7 | int | int a, int b, int c, int d, int e, int f, int g | a\n",
		  "broken.tab:1: MsgSendv: 7 arguments; at most 6" },
		{ "0 | ChannelCreate | 2 | int | unsigned flags | a\n",
		  "broken.tab:1: ChannelCreate: argument count 2, but the list has 1" },
		{ "0 | KerNop | 0 | int | void\n", "broken.tab:1: expected 6 fields" },
		{ "0 | MsgInfo | 2 | int | int rcvid, struct _msg_info info | a\n",
		  "broken.tab:1: argument 'struct _msg_info info': structs are passed by pointer" },
		{ "0 | KerFrobnicate | 0 | int | void | a\n", "broken.tab:1: KerFrobnicate has no prototype" },
		{ "# comment\n\n0 | MsgError | 2 | int | int rcvid, long error | a\n",
		  "prototype of MsgError differs from broken.tab:3" },
	};
	char d[32];
	CHECK(mktmp(d) != NULL);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char path[64], errpath[64], out[64], *err;
		size_t n = 0;
		snprintf(path, sizeof path, "%s/broken.tab", d);
		snprintf(errpath, sizeof errpath, "%s/err", d);
		snprintf(out, sizeof out, "%s/out", d);
		FILE *f = fopen(path, "w");
		CHECK(f != NULL);
		if (!f)
			break;
		fputs(cases[i].table, f);
		fclose(f);
		int st = run_quiet(GEN " --header abi/include/sys/neutrino.h %s %s 2>%s", path, out, errpath);
		err = slurp(errpath, &n);
		if (st != 1 || !err || !strstr(err, cases[i].expect))
			printf("note: broken table %zu: status %d, wanted '%s', stderr:\n%s", i, st,
			       cases[i].expect, err ? err : "(none)\n");
		CHECK_EQ(st, 1);
		CHECK(err && strstr(err, cases[i].expect));
		CHECK(access(out, F_OK) != 0);			/* nothing written */
		free(err);
	}
	run("rm -rf %s", d);
}

TEST(generated_c_builds_and_runs_on_host)
{
	char d[32];
	CHECK(mktmp(d) != NULL);
	int st = run(GEN " abi/kcalls.tab %s", d);
	CHECK_EQ(st, 0);
	if (st)
		goto out;
	/* the plain wrappers against the hand-written prototypes: a mismatch fails to compile */
	st = run(HOST_CC " -Iabi/include -ffunction-sections -Wl,--gc-sections -o %s/errno_driver "
		     "%s/kcall_errno.c tests/unit/abi/errno_driver.c && %s/errno_driver", d, d, d);
	CHECK_EQ(st, 0);
	st = run(HOST_CC " -I%s -o %s/table_driver tests/unit/abi/table_driver.c %s/kcall_names.c "
		 "&& %s/table_driver", d, d, d, d);
	CHECK_EQ(st, 0);
out:
	run("rm -rf %s", d);
}

TEST(generated_stubs_assemble_for_riscv)
{
	char d[32];
	if (!have_cross()) {
		printf("note: riscv64-unknown-elf-gcc not found; assembly check skipped\n");
		return;
	}
	CHECK(mktmp(d) != NULL);
	int st = run(GEN " abi/kcalls.tab %s", d);
	CHECK_EQ(st, 0);
	if (st)
		goto out;
	CHECK_EQ(run(CROSS_CC " -c %s/kcall_stubs.S -o %s/stubs.o", d, d), 0);
	CHECK_EQ(run(CROSS_CC " -Iabi/include -c %s/kcall_errno.c -o %s/errno.o", d, d), 0);
	CHECK_EQ(run(CROSS_CC " -c %s/kcall_names.c -o %s/names.o", d, d), 0);
	/* one global Foo_r per call, each with its ecall; MsgSendv_r loads its number */
	st = run("n=$(grep -c '] = \"' %s/kcall_names.c) && "
		     "test $(riscv64-unknown-elf-nm %s/stubs.o | grep -c ' T [A-Za-z]*_r$') -eq $n && "
		     "test $(riscv64-unknown-elf-objdump -d %s/stubs.o | grep -c 'ecall') -eq $n", d, d, d);
	CHECK_EQ(st, 0);
	st = run("riscv64-unknown-elf-objdump -d %s/stubs.o | grep -A1 '<MsgSendv_r>:' | "
		 "grep -q \"li.*a7,$(sed -n 's/^#define __KER_MSG_SENDV *//p' %s/kcall_nums.h)$\"", d, d);
	CHECK_EQ(st, 0);
out:
	run("rm -rf %s", d);
}
