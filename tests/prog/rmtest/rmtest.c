/* rmtest: lib/resmgr and taskman's path manager in QEMU, through their raw messages. */
/*
 * Run as `run=rmtest`: prints `check NAME: PASS|FAIL` lines and `rmtest: N failures`.
 * It resolves paths and talks to servers with the messages of sys/iomsg.h itself (not
 * libc's open/read), so it tests the path manager and the library alone: taskman's files
 * (/proc, /proc/boot, /dev/null, /dev/zero, implied directories), then rmsrv (a lib/resmgr
 * server it spawns): I/O, errors, malformed requests, dup and inheritance, permissions,
 * clean-up when a client dies, and a server killed while clients are blocked on it.
 * Children are rmtest again with a role in argv[1]. `rmtest bench` prints the benchmark.
 */
#include <sys/neutrino.h>	/* first: before picolibc's time.h */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <sys/iomsg.h>
#include <sys/procmsg.h>

#define DCMD_RMSRV_STATS	0x7701
#define SIGKILL_		9
#define SIGTERM_		15

static int failures;
static int tm = -1;
static pid_t mypid;

static void check(const char *name, int ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void check(const char *name, int ok, const char *fmt, ...)
{
	char detail[200] = "";
	if (fmt && !ok) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(detail, sizeof detail, fmt, ap);
		va_end(ap);
	}
	printf("check %s: %s%s%s\n", name, ok ? "PASS" : "FAIL", detail[0] ? " " : "", detail);
	if (!ok)
		failures++;
}

/* --- taskman's process messages --------------------------------------------------------- */
static int tmsend(const void *m, int len, void *r, int rlen)
{
	if (tm < 0)
		tm = ConnectAttach(0, SYSMGR_PID, SYSMGR_CHID, _NTO_SIDE_CHANNEL, 0);
	return MsgSend(tm, m, len, r, rlen);
}

static int spawn(char *const argv[])
{
	static char buf[4096];
	struct _proc_spawn *h = (void *)buf;
	memset(h, 0, sizeof *h);
	size_t off = sizeof *h;
	int argc = 0;
	strcpy(buf + off, argv[0]);
	off += strlen(argv[0]) + 1;
	for (; argv[argc]; argc++) {
		strcpy(buf + off, argv[argc]);
		off += strlen(argv[argc]) + 1;
	}
	strcpy(buf + off, "/");
	off += 2;
	h->type = _PROC_SPAWN;
	h->argc = argc;
	h->strings_len = (uint32_t)(off - sizeof *h);
	off = (off + 7) & ~(size_t)7;
	int r = tmsend(buf, (int)off, NULL, 0);
	return r < 0 ? -errno : r;
}

static int waitp(int pid, int *status)
{
	struct _proc_wait w = { .type = _PROC_WAIT, .pid = pid };
	struct _proc_wait_reply r = { 0 };
	if (tmsend(&w, sizeof w, &r, sizeof r) < 0)
		return -errno;
	*status = r.status;
	return r.pid;
}

/* Spawn argv and wait: its exit code, 128 + signal, or -errno. */
static int run(char *const argv[])
{
	int st, pid = spawn(argv);
	if (pid < 0)
		return pid;
	int w = waitp(pid, &st);
	if (w != pid)
		return w < 0 ? w : -ECHILD;
	return (st & 0x7f) ? 128 + (st & 0x7f) : (st >> 8) & 0xff;
}

static int tmkill(int pid, int signo)
{
	struct _proc_kill k = { .type = _PROC_KILL, .pid = pid, .signo = signo };
	return tmsend(&k, sizeof k, NULL, 0) < 0 ? -errno : 0;
}

static void sleep_ms(int ms)
{
	uint64_t ns = (uint64_t)ms * 1000000;
	ClockNanosleep(CLOCK_MONOTONIC, 0, &ns, NULL);
}

/* --- Path resolution and I/O, as libc does them ------------------------------------------- */
static struct {
	struct _io_connect_link_reply lr;
	struct _io_connect_entry e[_IO_CONNECT_ENTRY_MAX];
	char more[1024];
} link;

/* A redirect's new path: after the header and its (no) entries. */
static const char *redirect_path(void)
{
	return (const char *)&link + sizeof link.lr + link.lr.nentries * sizeof link.e[0];
}

static size_t mkconnect(void *buf, int subtype, uint32_t ioflag, uint32_t handle,
			const char *path, const void *extra, size_t elen)
{
	struct _io_connect *c = buf;
	memset(c, 0, sizeof *c);
	c->type = _IO_CONNECT;
	c->subtype = (uint16_t)subtype;
	c->handle = handle;
	c->ioflag = ioflag;
	c->mode = 0644;
	c->reply_max = sizeof link;
	c->entry_max = _IO_CONNECT_ENTRY_MAX;
	c->path_len = (uint16_t)(strlen(path) + 1);
	c->extra_len = (uint16_t)elen;
	if (path[0] && path[strlen(path) - 1] == '/')
		c->eflag = _IO_CONNECT_EFLAG_DIR;	/* as libc marks "must be a directory" */
	memcpy(c + 1, path, c->path_len);
	if (elen)
		memcpy((char *)(c + 1) + c->path_len, extra, elen);
	return sizeof *c + c->path_len + elen;
}

/* Ask taskman: the number of entries in link, or -errno (0: a redirect in link.path). */
static int resolve(const char *path)
{
	static uint8_t m[1200];
	size_t n = mkconnect(m, _IO_CONNECT_OPEN, 0, 0, path, NULL, 0);
	int r = MsgSend(tm, m, (int)n, &link, sizeof link);
	if (r == -1)
		return -errno;
	if ((uint32_t)r != (_IO_CONNECT_RET_FLAG | _IO_CONNECT_RET_LINK))
		return -EIO;
	return link.lr.nentries;
}

/* open(): resolve, then each entry in turn; an fd (coid >= 3) or -errno. */
static int xconnect(const char *path, int subtype, uint32_t ioflag, const void *extra,
		    size_t elen, void *reply, int rlen)
{
	int n = resolve(path);
	if (n < 0)
		return n;
	if (n == 0 && link.lr.path_len) {
		static char again[1024];
		snprintf(again, sizeof again, "%s", redirect_path());
		return xconnect(again, subtype, ioflag, extra, elen, reply, rlen);
	}
	struct _io_connect_entry e[_IO_CONNECT_ENTRY_MAX];
	memcpy(e, link.e, sizeof e);
	int err = -ENOENT;
	for (int i = 0; i < n; i++) {
		int fd = ConnectAttach(0, e[i].pid, e[i].chid, 3, 0);
		if (fd < 0) {
			err = -errno;
			continue;
		}
		static uint8_t m[1200];
		size_t len = mkconnect(m, subtype, ioflag, e[i].handle, path + e[i].prefix_len,
				       extra, elen);
		int r = MsgSend(fd, m, (int)len, reply, rlen);
		if (r != -1) {
			if (subtype == _IO_CONNECT_COMBINE_CLOSE || subtype == _IO_CONNECT_UNLINK) {
				ConnectDetach(fd);
				return r;
			}
			return fd;
		}
		err = -errno;
		ConnectDetach(fd);
		if (err != -ENOENT && err != -ENXIO && err != -ESRCH && err != -EROFS &&
		    err != -ENOSYS)
			break;
	}
	return err;
}

static int xopen(const char *path, uint32_t ioflag)
{
	return xconnect(path, _IO_CONNECT_OPEN, ioflag, NULL, 0, NULL, 0);
}

static int xread(int fd, void *buf, int n)
{
	struct _io_read m = { .type = _IO_READ, .nbytes = n };
	int r = MsgSend(fd, &m, sizeof m, buf, n);
	return r == -1 ? -errno : r;
}

static int xwrite(int fd, const void *buf, int n)
{
	struct _io_write m = { .type = _IO_WRITE, .nbytes = n };
	iov_t iov[2];
	SETIOV(&iov[0], &m, sizeof m);
	SETIOV(&iov[1], buf, n);
	int r = MsgSendv(fd, iov, 2, NULL, 0);
	return r == -1 ? -errno : r;
}

static int64_t xlseek(int fd, int64_t off, int whence)
{
	struct _io_lseek m = { .type = _IO_LSEEK, .whence = (int16_t)whence, .offset = off };
	int64_t r = -1;
	if (MsgSend(fd, &m, sizeof m, &r, sizeof r) == -1)
		return -errno;
	return r;
}

static int xfstat(int fd, struct _io_stat_reply *st)
{
	struct _io_stat m = { .type = _IO_STAT };
	return MsgSend(fd, &m, sizeof m, st, sizeof *st) == -1 ? -errno : 0;
}

static int xstat(const char *path, struct _io_stat_reply *st)
{
	struct _io_stat m = { .type = _IO_STAT };
	int r = xconnect(path, _IO_CONNECT_COMBINE_CLOSE, O_RDONLY, &m, sizeof m, st, sizeof *st);
	return r < 0 ? r : 0;
}

static int xclose(int fd)
{
	struct _io_close m = { .type = _IO_CLOSE };
	int r = MsgSend(fd, &m, sizeof m, NULL, 0);
	int e = errno;
	ConnectDetach(fd);
	return r == -1 ? -e : 0;
}

static int xsimple(int fd, uint16_t type)
{
	uint32_t m[4] = { type };
	return MsgSend(fd, m, sizeof m, NULL, 0) == -1 ? -errno : 0;
}

/* The rmsrv stats {live opens, closes, held reads} through fd. */
static int stats(int fd, int32_t out[3])
{
	struct {
		struct _io_devctl d;
		int32_t v[3];
	} m;
	memset(&m, 0, sizeof m);
	m.d.type = _IO_DEVCTL;
	m.d.dcmd = DCMD_RMSRV_STATS;
	struct {
		struct _io_devctl_reply r;
		int32_t v[3];
	} rep;
	if (MsgSend(fd, &m, sizeof m.d, &rep, sizeof rep) == -1)
		return -errno;
	memcpy(out, rep.v, sizeof rep.v);
	return 0;
}

/* A directory's names, each followed by a space. */
static const char *listing(const char *path)
{
	static char out[2048];
	static uint64_t buf[1024];
	out[0] = 0;
	int fd = xopen(path, O_RDONLY);
	if (fd < 0) {
		snprintf(out, sizeof out, "(open %d)", fd);
		return out;
	}
	int n;
	while ((n = xread(fd, buf, sizeof buf)) > 0)
		for (int off = 0; off < n;) {
			struct _io_dirent *d = (void *)((char *)buf + off);
			if (strlen(out) + d->d_namelen + 2 < sizeof out) {
				strcat(out, d->d_name);
				strcat(out, " ");
			}
			off += d->d_reclen;
		}
	xclose(fd);
	return out;
}

static int has_word(const char *list, const char *w)
{
	size_t n = strlen(w);
	for (const char *p = list; (p = strstr(p, w)); p++)
		if ((p == list || p[-1] == ' ') && p[n] == ' ')
			return 1;
	return 0;
}

/* Read a whole (small) file into buf; bytes or -errno. */
static int slurp(const char *path, char *buf, int cap)
{
	int fd = xopen(path, O_RDONLY);
	if (fd < 0)
		return fd;
	int got = 0, n;
	while (got < cap - 1 && (n = xread(fd, buf + got, cap - 1 - got)) > 0)
		got += n;
	buf[got] = 0;
	xclose(fd);
	return got;
}

/* Does the path manager name a server for path other than root filesystems ("/")? */
static int served(const char *path)
{
	int n = resolve(path);
	for (int i = 0; i < n; i++)
		if (link.e[i].prefix_len > 1)
			return 1;
	return 0;
}

/* No server for path but root filesystems ("/"): the path manager's ENOENT, or a link
 * reply naming only servers of "/" (a disk mounted as root). */
static int unserved(const char *path)
{
	int n = resolve(path);
	if (n == -ENOENT)
		return 1;
	for (int i = 0; i < n; i++)
		if (link.e[i].prefix_len > 1)
			return 0;
	return n > 0;
}

/* Wait until path resolves (a server attached it); 0 or -ETIMEDOUT. */
static int waitfor(const char *path)
{
	for (int i = 0; i < 500; i++) {
		if (served(path))
			return 0;
		sleep_ms(4);
	}
	return -ETIMEDOUT;
}

/* --- taskman's files ----------------------------------------------------------------- */
static void test_taskman_files(void)
{
	char buf[2048], want[64];
	int n = slurp("/proc/self/status", buf, sizeof buf);
	snprintf(want, sizeof want, "pid %d\n", mypid);
	check("proc-self-status", n > 0 && strncmp(buf, want, strlen(want)) == 0 &&
	      strstr(buf, "\nname rmtest\n") && strstr(buf, "\nstate running\n"),
	      "(%d: %.60s)", n, n > 0 ? buf : "");
	snprintf(want, sizeof want, "/proc/%d/status", mypid);
	char buf2[2048];
	int n2 = slurp(want, buf2, sizeof buf2);
	check("proc-pid-status", n2 == n && memcmp(buf, buf2, (size_t)n) == 0, "(%d vs %d)", n2, n);

	const char *l = listing("/proc");
	snprintf(want, sizeof want, "%d", mypid);
	check("proc-listing", has_word(l, "1") && has_word(l, want) && has_word(l, "boot") &&
	      has_word(l, "self"), "(%s)", l);
	n = slurp("/proc/1/threads", buf, sizeof buf);
	int lines = 0, good = n > 0;
	for (char *p = buf; n > 0 && *p; lines++) {
		char *e = strchr(p, '\n');
		if (!e) {
			good = 0;
			break;
		}
		*e = 0;
		int tid, prio;
		char pol[16], st[16], bl[40];
		if (sscanf(p, "%d %d %15s %15s %39s", &tid, &prio, pol, st, bl) != 5)
			good = 0;
		p = e + 1;
	}
	check("proc-threads", good && lines >= 1, "(%d bytes, %d lines)", n, lines);
	check("proc-missing", xopen("/proc/99999/status", O_RDONLY) == -ENOENT &&
	      xopen("/proc/1/nothing", O_RDONLY) == -ENOENT, NULL);

	l = listing("/proc/boot");
	check("procboot-listing", has_word(l, "rmtest") && has_word(l, "taskman") &&
	      has_word(l, "rmsrv"), "(%s)", l);
	int fd = xopen("/proc/boot/rmtest", O_RDONLY);
	struct _io_stat_reply st = { 0 }, st2 = { 0 };
	n = fd >= 0 ? xread(fd, buf, 4) : fd;
	int sr = fd >= 0 ? xfstat(fd, &st) : fd;
	int64_t end = fd >= 0 ? xlseek(fd, 0, SEEK_END) : fd;
	check("procboot-read", n == 4 && memcmp(buf, "\177ELF", 4) == 0 && sr == 0 &&
	      S_ISREG(st.st_mode) && st.st_size > 4096 && end == (int64_t)st.st_size,
	      "(fd %d read %d stat %d size %llu end %lld)", fd, n, sr,
	      (unsigned long long)st.st_size, (long long)end);
	check("procboot-stat-combine", xstat("/proc/boot/rmtest", &st2) == 0 &&
	      st2.st_size == st.st_size && st2.st_ino == st.st_ino, NULL);
	if (fd >= 0)
		xclose(fd);
	check("procboot-readonly", xopen("/proc/boot/rmtest", O_WRONLY) == -EROFS &&
	      xopen("/proc/boot/new", O_WRONLY | O_CREAT) == -EROFS, NULL);

	fd = xopen("/dev/null", O_RDWR);
	check("dev-null", fd >= 0 && xwrite(fd, buf, 1000) == 1000 && xread(fd, buf, 100) == 0,
	      "(fd %d)", fd);
	if (fd >= 0)
		xclose(fd);
	fd = xopen("/dev/zero", O_RDONLY);
	memset(buf, 0x5a, sizeof buf);
	n = fd >= 0 ? xread(fd, buf, sizeof buf) : fd;
	int zero = n == (int)sizeof buf;
	for (int i = 0; zero && i < n; i++)
		zero = buf[i] == 0;
	check("dev-zero", zero && xwrite(fd, buf, 10) == -EBADF, "(read %d)", n);
	if (fd >= 0)
		xclose(fd);

	l = listing("/");
	check("root-listing", has_word(l, "dev") && has_word(l, "proc"), "(%s)", l);
	l = listing("/dev");
	check("dev-listing", has_word(l, "null") && has_word(l, "zero") && has_word(l, "shmem"),
	      "(%s)", l);
	check("implied-dir-stat", xstat("/dev", &st) == 0 && S_ISDIR(st.st_mode) &&
	      xstat("/", &st2) == 0 && S_ISDIR(st2.st_mode), NULL);
	check("resolve-errors", unserved("/nonexistent") && resolve("rel") == -EINVAL &&
	      unserved("/dev/nullx") && unserved("/dev/null/x"), NULL);
	check("resolve-redirect", resolve("//dev/./null") == 0 &&
	      strcmp(redirect_path(), "/dev/null") == 0, "(%s)", redirect_path());
	fd = xopen("//proc/../dev//null/", O_RDONLY);
	check("open-unnormalised", fd >= 0, "(%d)", fd);
	if (fd >= 0)
		xclose(fd);
}

/* --- rmsrv ---------------------------------------------------------------------------- */
static int srv_pid;

static void test_io(void)
{
	int fd = xopen("/dev/rmtest/file", O_RDWR | O_TRUNC);
	char buf[256];
	struct _io_stat_reply st = { 0 };
	int w = fd >= 0 ? xwrite(fd, "hello world", 11) : fd;
	int64_t o = fd >= 0 ? xlseek(fd, 0, SEEK_SET) : -1;
	int r = fd >= 0 ? xread(fd, buf, sizeof buf) : fd;
	check("io-write-read", w == 11 && o == 0 && r == 11 && memcmp(buf, "hello world", 11) == 0,
	      "(fd %d w %d o %lld r %d)", fd, w, (long long)o, r);
	o = xlseek(fd, -5, SEEK_END);
	r = xread(fd, buf, sizeof buf);
	check("io-lseek", o == 6 && r == 5 && memcmp(buf, "world", 5) == 0 &&
	      xlseek(fd, -100, SEEK_CUR) == -EINVAL && xlseek(fd, 0, 7) == -EINVAL, NULL);
	check("io-stat", xfstat(fd, &st) == 0 && st.st_size == 11 && S_ISREG(st.st_mode) &&
	      (st.st_dev >> 32) == (uint64_t)srv_pid, "(size %llu)", (unsigned long long)st.st_size);
	check("io-close", xclose(fd) == 0 && xread(fd, buf, 1) < 0, NULL);

	/* 100 KiB in one write: the server fetches most of it with MsgRead */
	static uint8_t big[100 * 1024], back[100 * 1024];
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)(i * 31 + (i >> 9));
	fd = xopen("/dev/rmtest/file", O_RDWR | O_TRUNC);
	w = xwrite(fd, big, sizeof big);
	xlseek(fd, 0, SEEK_SET);
	int got = 0;
	while (got < (int)sizeof back && (r = xread(fd, back + got, 7000)) > 0)
		got += r;
	check("io-large-write", w == (int)sizeof big && got == (int)sizeof big &&
	      memcmp(big, back, sizeof big) == 0, "(w %d got %d)", w, got);
	xclose(fd);

	const char *l = listing("/dev/rmtest");
	check("io-readdir", strcmp(l, "file secret hold ") == 0, "(%s)", l);
	l = listing("/dev");
	check("dev-listing-server", has_word(l, "rmtest"), "(%s)", l);
}

static void test_errors(void)
{
	char buf[16];
	int fd = xopen("/dev/rmtest/file", O_RDONLY);
	check("err-write-rdonly", xwrite(fd, "x", 1) == -EBADF, NULL);
	check("err-unknown-msg", xsimple(fd, 0x1f0) == -ENOSYS, NULL);
	struct {
		struct _io_devctl d;
	} dc = { { .type = _IO_DEVCTL, .dcmd = DCMD_CHR_ISATTY } };
	check("err-devctl", MsgSend(fd, &dc, sizeof dc, NULL, 0) == -1 && errno == ENOTTY, NULL);
	xclose(fd);
	fd = xopen("/dev/rmtest/file", O_WRONLY);
	check("err-read-wronly", xread(fd, buf, 1) == -EBADF, NULL);
	xclose(fd);
	int o1 = xopen("/dev/rmtest", O_WRONLY), o2 = xopen("/dev/rmtest/file", 3);
	int o3 = xopen("/dev/rmtest/missing", O_RDONLY), o4 = xopen("/dev/rmtest/file/", O_RDONLY);
	check("err-open", o1 == -EISDIR && o2 == -EINVAL && o3 == -ENOENT && o4 == -ENOTDIR,
	      "(%d %d %d %d)", o1, o2, o3, o4);

	/* Malformed connects straight to the server; it answers and goes on serving. */
	int n = resolve("/dev/rmtest/file");
	int c = n > 0 ? ConnectAttach(0, link.e[0].pid, link.e[0].chid, 3, 0) : -1;
	uint32_t h = link.e[0].handle;
	static uint8_t m[256];
	size_t len = mkconnect(m, _IO_CONNECT_OPEN, O_RDONLY, h, "file", NULL, 0);
	int e1 = MsgSend(c, m, 20, NULL, 0) == -1 ? errno : 0;
	m[len - 1] = 'x';
	int e2 = MsgSend(c, m, (int)len, NULL, 0) == -1 ? errno : 0;
	len = mkconnect(m, _IO_CONNECT_OPEN, O_RDONLY, 999, "file", NULL, 0);
	int e3 = MsgSend(c, m, (int)len, NULL, 0) == -1 ? errno : 0;
	len = mkconnect(m, _IO_CONNECT_OPEN, O_RDONLY, h, "file", NULL, 0);
	((struct _io_connect *)m)->extra_len = 100;
	int e4 = MsgSend(c, m, (int)len, NULL, 0) == -1 ? errno : 0;
	int e5 = xsimple(c, _IO_READ);			/* no open on this connection */
	len = mkconnect(m, _IO_CONNECT_OPEN, O_RDONLY, h, "file", NULL, 0);
	int ok = MsgSend(c, m, (int)len, NULL, 0);
	check("err-malformed", e1 == EINVAL && e2 == EINVAL && e3 == ENOENT && e4 == EINVAL &&
	      e5 == -EBADF && ok == 0 && xread(c, buf, 4) >= 0,
	      "(%d %d %d %d %d %d)", e1, e2, e3, e4, e5, ok);
	xclose(c);
}

static void test_dup(void)
{
	int fd = xopen("/dev/rmtest/file", O_RDWR | O_TRUNC);
	xwrite(fd, "abcdefgh", 8);
	xlseek(fd, 0, SEEK_SET);
	int n = resolve("/dev/rmtest/file");
	int d = n > 0 ? ConnectAttach(0, link.e[0].pid, link.e[0].chid, 3, 0) : -1;
	struct _io_dup m = { .type = _IO_DUP, .info = { .pid = mypid, .coid = fd } };
	int r = MsgSend(d, &m, sizeof m, NULL, 0);
	char a[4], b[4];
	int ra = xread(fd, a, 2), rb = xread(d, b, 2);
	check("dup-shares-offset", r == 0 && ra == 2 && rb == 2 && memcmp(a, "ab", 2) == 0 &&
	      memcmp(b, "cd", 2) == 0, "(dup %d)", r);
	int32_t s0[3], s1[3];
	stats(fd, s0);
	xclose(d);
	stats(fd, s1);
	check("dup-close-keeps-open", s1[0] == s0[0] && s1[1] == s0[1] && xread(fd, a, 2) == 2 &&
	      memcmp(a, "ef", 2) == 0, "(live %d->%d)", s0[0], s1[0]);

	/* A child inherits fd the way libc's start-up does it: connect, _IO_DUP. */
	char ppid[16], sfd[16];
	snprintf(ppid, sizeof ppid, "%d", mypid);
	snprintf(sfd, sizeof sfd, "%d", fd);
	char *av[] = { "rmtest", "dupchild", ppid, sfd, NULL };
	r = run(av);
	check("inherit-child", r == 0 && xread(fd, a, 2) == 0, "(child %d)", r);
	char *av2[] = { "rmtest", "dupgrand", ppid, sfd, NULL };
	r = run(av2);
	check("inherit-not-grandchild", r == 0, "(child %d)", r);
	xclose(fd);
}

static void test_perms(void)
{
	char *av[] = { "rmtest", "perm", NULL };
	int r = run(av);
	check("perm-refusals", r == 0, "(child %d)", r);
}

static void test_client_death(void)
{
	int fd = xopen("/dev/rmtest/file", O_RDONLY);
	int32_t s0[3] = { 0 }, s1[3] = { 0 };
	stats(fd, s0);
	char *av[] = { "rmtest", "holdopen", NULL };
	int r = run(av);
	for (int i = 0; i < 100; i++) {
		stats(fd, s1);
		if (s1[0] == s0[0])
			break;
		sleep_ms(5);
	}
	check("client-death-closes", r == 0 && s1[0] == s0[0] && s1[1] >= s0[1] + 2,
	      "(child %d live %d->%d closes %d->%d)", r, s0[0], s1[0], s0[1], s1[1]);

	/* A reader blocked in the server, killed: the server is told and lets go. */
	char *av2[] = { "rmtest", "blockread", "/dev/rmtest/hold", NULL };
	int pid = spawn(av2);
	for (int i = 0; i < 200 && stats(fd, s1) == 0 && s1[2] == 0; i++)
		sleep_ms(5);
	int blocked = s1[2];
	tmkill(pid, SIGTERM_);
	int st = 0;
	int w = waitp(pid, &st);
	for (int i = 0; i < 100 && stats(fd, s1) == 0 && s1[2] != 0; i++)
		sleep_ms(5);
	check("blocked-reader-killed", blocked == 1 && w == pid && (st & 0x7f) == SIGTERM_ &&
	      s1[2] == 0, "(held %d wait %d status %#x held after %d)", blocked, w, st, s1[2]);
	xclose(fd);
}

static void test_server_death(void)
{
	char *av[] = { "rmsrv", "/dev/rmkill", NULL };
	int spid = spawn(av);
	int ok = spid > 0 && waitfor("/dev/rmkill/file") == 0;
	int fd = ok ? xopen("/dev/rmkill/file", O_RDWR) : -1;
	char *c1[] = { "rmtest", "blockon", "/dev/rmkill/hold", NULL };
	int p1 = spawn(c1), p2 = spawn(c1);
	int32_t s[3] = { 0 };
	for (int i = 0; i < 200 && stats(fd, s) == 0 && s[2] < 2; i++)
		sleep_ms(5);
	int held = s[2];
	tmkill(spid, SIGKILL_);
	int st1 = -1, st2 = -1, st3 = -1;
	int w1 = waitp(p1, &st1), w2 = waitp(p2, &st2), w3 = waitp(spid, &st3);
	check("server-killed-clients-fail", ok && held == 2 && w1 == p1 && w2 == p2 &&
	      w3 == spid && st1 == 0 && st2 == 0 && (st3 & 0x7f) == SIGKILL_,
	      "(ok %d held %d status %#x %#x srv %#x)", ok, held, st1, st2, st3);
	char b[4];
	int r = xread(fd, b, 1);
	int gone = 0;
	for (int i = 0; i < 200 && !(gone = unserved("/dev/rmkill/file")); i++)
		sleep_ms(5);
	check("server-killed-cleanup", r < 0 && gone, "(read %d, registration gone %d)", r, gone);
	ConnectDetach(fd);
	fd = xopen("/dev/rmtest/file", O_RDONLY);
	check("system-goes-on", fd >= 0 && xread(fd, b, 1) >= 0 && slurp("/proc/self/status",
	      (char[64]){ 0 }, 64) > 0, "(%d)", fd);
	xclose(fd);
}

/* A read held by the server, ended by a kernel timeout: the UNBLOCK pulse reaches the
 * server's unblock handler, which answers EINTR. */
static void test_unblock(void)
{
	int fd = xopen("/dev/rmtest/hold", O_RDONLY);
	uint64_t ns = 20 * 1000000ull;
	char b[4];
	int t = TimerTimeout(CLOCK_MONOTONIC, _NTO_TIMEOUT_REPLY, NULL, &ns, NULL);
	int r = xread(fd, b, 1);
	int32_t s[3] = { -1, -1, -1 };
	stats(fd, s);
	check("unblock-eintr", fd >= 0 && t == 0 && r == -EINTR && s[2] == 0,
	      "(fd %d timeout %d read %d held %d)", fd, t, r, s[2]);
	xclose(fd);
}

/* Map fd (an open of /dev/shmem/...) shared: the address, or 0. */
static void *xmap(int fd, size_t len)
{
	struct _mem_map m = { .type = _MEM_MAP, .prot = PROT_READ | PROT_WRITE,
			      .flags = MAP_SHARED, .fd = fd, .len = len };
	struct _mem_map_reply r = { 0 };
	return tmsend(&m, sizeof m, &r, sizeof r) == -1 ? NULL : (void *)(uintptr_t)r.addr;
}

static int xtruncate(int fd, int64_t size)
{
	struct _io_space m = { .type = _IO_SPACE, .subtype = _IO_SPACE_ALLOCSP,
			       .whence = SEEK_SET, .start = size };
	int64_t r = -1;
	if (MsgSend(fd, &m, sizeof m, &r, sizeof r) == -1)
		return -errno;
	return r == size ? 0 : -EIO;
}

static void test_shmem(void)
{
	xconnect("/dev/shmem/rmtest", _IO_CONNECT_UNLINK, 0, NULL, 0, NULL, 0);
	int fd = xopen("/dev/shmem/rmtest", O_RDWR | O_CREAT | O_EXCL);
	int ex = xopen("/dev/shmem/rmtest", O_RDWR | O_CREAT | O_EXCL);
	int tr = fd >= 0 ? xtruncate(fd, 8192) : fd;
	struct _io_stat_reply st = { 0 };
	xfstat(fd, &st);
	check("shm-create", fd >= 0 && ex == -EEXIST && tr == 0 && st.st_size == 8192 &&
	      has_word(listing("/dev/shmem"), "rmtest"), "(fd %d excl %d trunc %d size %llu)",
	      fd, ex, tr, (unsigned long long)st.st_size);
	char *p = fd >= 0 ? xmap(fd, 8192) : NULL;
	if (p)
		strcpy(p + 4096, "shared hello");
	char *av[] = { "rmtest", "shmread", NULL };
	int r = p ? run(av) : -1;
	check("shm-map-shared", p && r == 0 && strcmp(p + 4096, "child was here") == 0,
	      "(map %p child %d)", (void *)p, r);
	int u = xconnect("/dev/shmem/rmtest", _IO_CONNECT_UNLINK, 0, NULL, 0, NULL, 0);
	int again = xopen("/dev/shmem/rmtest", O_RDWR);
	check("shm-unlink", u == 0 && again == -ENOENT && p && strcmp(p + 4096, "child was here") == 0,
	      "(unlink %d open %d)", u, again);
	if (fd >= 0)
		xclose(fd);
}

/* --- Children ------------------------------------------------------------------------- */
static int child(int argc, char **argv)
{
	struct _proc_spawn_done done = { .type = _PROC_SPAWN_DONE };
	tmsend(&done, sizeof done, NULL, 0);
	const char *role = argv[1];
	char buf[16];
	if (strcmp(role, "dupchild") == 0 || strcmp(role, "dupperm") == 0) {
		/* _IO_DUP of fd argv[3] of process argv[2]: the child reads "gh" at the
		 * shared offset; a grandchild is refused. */
		if (resolve("/dev/rmtest/file") <= 0)
			return 10;
		int d = ConnectAttach(0, link.e[0].pid, link.e[0].chid, 3, 0);
		struct _io_dup m = { .type = _IO_DUP,
				     .info = { .pid = atoi(argv[2]), .coid = atoi(argv[3]) } };
		int r = MsgSend(d, &m, sizeof m, NULL, 0);
		if (strcmp(role, "dupperm") == 0)
			return r == -1 && errno == EPERM ? 0 : 11;
		if (r != 0)
			return 12;
		return xread(d, buf, 2) == 2 && memcmp(buf, "gh", 2) == 0 ? 0 : 13;
	}
	if (strcmp(role, "dupgrand") == 0) {
		char *av[] = { "rmtest", "dupperm", argv[2], argv[3], NULL };
		return run(av);
	}
	if (strcmp(role, "perm") == 0) {
		struct _proc_setcred c = { .type = _PROC_SETCRED, .ruid = 100, .euid = 100,
					   .suid = 100, .rgid = 100, .egid = 100, .sgid = 100 };
		if (tmsend(&c, sizeof c, NULL, 0) == -1)
			return 20;
		struct _io_stat_reply st;
		if (xopen("/dev/rmtest/secret", O_RDONLY) != -EACCES)
			return 21;
		if (xopen("/dev/rmtest/file", O_WRONLY) != -EACCES)
			return 22;
		int fd = xopen("/dev/rmtest/file", O_RDONLY);
		if (fd < 0)
			return 23;
		struct _io_chmod cm = { .type = _IO_CHMOD, .mode = 0666 };
		if (MsgSend(fd, &cm, sizeof cm, NULL, 0) != -1 || errno != EPERM)
			return 24;
		if (xstat("/dev/rmtest/secret", &st) != 0 || st.st_mode != (S_IFREG | 0600))
			return 25;		/* stat needs no read permission */
		struct _io_read rd = { .type = _IO_READ, .nbytes = 4 };
		if (xconnect("/dev/rmtest/secret", _IO_CONNECT_COMBINE_CLOSE, O_RDONLY, &rd,
			     sizeof rd, buf, 4) != -EACCES)
			return 26;
		struct _path_attach pa = { .type = _PATH_ATTACH, .path_len = 6, .chid = 1,
					   .handle = 1 };
		struct { struct _path_attach a; char p[8]; } at = { pa, "/evil" };
		if (tmsend(&at, sizeof at, NULL, 0) != -1 || errno != EPERM)
			return 27;		/* only root attaches */
		return 0;
	}
	if (strcmp(role, "shmread") == 0) {	/* map the parent's object, answer in it */
		int fd = xopen("/dev/shmem/rmtest", O_RDWR);
		char *p = fd >= 0 ? xmap(fd, 8192) : NULL;
		if (!p)
			return 60;
		if (strcmp(p + 4096, "shared hello") != 0)
			return 61;
		strcpy(p + 4096, "child was here");
		return 0;
	}
	if (strcmp(role, "holdopen") == 0) {	/* two opens, no close: exit */
		int a = xopen("/dev/rmtest/file", O_RDONLY), b = xopen("/dev/rmtest", O_RDONLY);
		return a >= 0 && b >= 0 ? 0 : 30;
	}
	if (strcmp(role, "blockread") == 0) {	/* blocks until killed */
		int fd = xopen(argv[2], O_RDONLY);
		xread(fd, buf, 1);
		return 40;
	}
	if (strcmp(role, "blockon") == 0) {	/* blocks until the server dies: 0 if it fails */
		int fd = xopen(argv[2], O_RDONLY);
		if (fd < 0)
			return 50;
		int r = xread(fd, buf, 1);
		return r < 0 ? 0 : 51;
	}
	return 99;
}

/* --- The benchmark ------------------------------------------------------------------------ */
static inline unsigned long cycles(void)
{
	unsigned long v;
	__asm__ __volatile__("rdcycle %0" : "=r"(v));
	return v;
}

static void bench(void)
{
	enum { N = 21 };
	unsigned long v[N];
	static char buf[4096];
	for (int i = 0; i < N; i++) {
		unsigned long t0 = cycles();
		int fd = xopen("/proc/boot/rmtest", O_RDONLY);
		int n = xread(fd, buf, sizeof buf);
		xclose(fd);
		v[i] = cycles() - t0;
		if (fd < 0 || n != (int)sizeof buf) {
			printf("rmtest: bench open/read failed (%d %d)\n", fd, n);
			return;
		}
	}
	for (int i = 1; i < N; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			unsigned long t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	printf("bench open_read_close_bootfs %lu insns\n", v[N / 2]);
}

int main(int argc, char **argv)
{
	mypid = __tls()->__pid;
	tm = ConnectAttach(0, SYSMGR_PID, SYSMGR_CHID, _NTO_SIDE_CHANNEL, 0);
	if (argc > 1 && strcmp(argv[1], "bench") == 0) {
		bench();
		return 0;
	}
	if (argc > 1)
		return child(argc, argv);
	test_taskman_files();
	test_shmem();
	char *av[] = { "rmsrv", NULL };
	srv_pid = spawn(av);
	if (srv_pid < 0 || waitfor("/dev/rmtest/file") < 0) {
		check("rmsrv-start", 0, "(spawn %d)", srv_pid);
	} else {
		test_io();
		test_errors();
		test_dup();
		test_perms();
		test_unblock();
		test_client_death();
		test_server_death();
		tmkill(srv_pid, SIGTERM_);
		int st;
		waitp(srv_pid, &st);
	}
	bench();
	printf("rmtest: %d failures\n", failures);
	return failures != 0;
}
