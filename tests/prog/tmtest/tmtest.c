/* tmtest: taskman's process and memory managers, through their messages (spawn, wait, ids, kill, mmap). */
/*
 * Run as `run=tmtest`: prints `check NAME: PASS|FAIL` lines and `tmtest: N failures`.
 * It talks to taskman with the raw messages of sys/procmsg.h (not libc's wrappers), so it
 * tests taskman alone. Children are tmtest again with a role in argv[1].
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/devtree.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/neutrino.h>
#include <sys/procmsg.h>
#include "counters.h"

#define SIGSEGV_ 11
#define SIGTERM_ 15
#define SIGKILL_ 9
#define SIGUSR1_ 16

static int failures;
static int tm = -1;

static void check(const char *name, int ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#include <stdarg.h>
static void check(const char *name, int ok, const char *fmt, ...)
{
	char detail[160] = "";
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(detail, sizeof detail, fmt, ap);
		va_end(ap);
	}
	printf("check %s: %s%s%s\n", name, ok ? "PASS" : "FAIL", detail[0] ? " " : "", detail);
	if (!ok)
		failures++;
}

static int tmsend(const void *m, int len, void *r, int rlen)
{
	if (tm < 0)
		tm = ConnectAttach(0, SYSMGR_PID, SYSMGR_CHID, _NTO_SIDE_CHANNEL, 0);
	return MsgSend(tm, m, len, r, rlen);
}

/* Spawn path with argv (NULL-ended); flags/pgroup as _PROC_SPAWN. pid or -errno. */
static int spawn_ex(const char *path, char *const argv[], uint16_t flags, int pgroup,
		    uint64_t sigignore)
{
	static char buf[4096];
	struct _proc_spawn *h = (void *)buf;
	memset(h, 0, sizeof *h);
	size_t off = sizeof *h;
	int argc = 0;
	strcpy(buf + off, path);
	off += strlen(path) + 1;
	for (; argv[argc]; argc++) {
		strcpy(buf + off, argv[argc]);
		off += strlen(argv[argc]) + 1;
	}
	strcpy(buf + off, "/");		/* no environment; cwd / */
	off += 2;
	h->type = _PROC_SPAWN;
	h->flags = flags;
	h->argc = argc;
	h->strings_len = (uint32_t)(off - sizeof *h);
	h->pgroup = pgroup;
	h->sigignore = sigignore;
	off = (off + 7) & ~(size_t)7;
	int r = tmsend(buf, (int)off, NULL, 0);
	return r < 0 ? -errno : r;
}

static int spawn(char *const argv[])
{
	return spawn_ex("tmtest", argv, 0, 0, 0);
}

/* waitpid: pid or 0 (WNOHANG) or -errno, with *status. */
static int waitp(int pid, int options, int *status)
{
	struct _proc_wait w = { .type = _PROC_WAIT, .pid = pid, .options = options };
	struct _proc_wait_reply r = { 0 };
	if (tmsend(&w, sizeof w, &r, sizeof r) < 0)
		return -errno;
	if (status)
		*status = r.status;
	return r.pid;
}

static struct _proc_getid_reply getid(int pid)
{
	struct _proc_getid g = { .type = _PROC_GETID, .pid = pid };
	struct _proc_getid_reply r = { 0 };
	if (tmsend(&g, sizeof g, &r, sizeof r) < 0)
		r.pid = -errno;
	return r;
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

static uint64_t mem_map(uint64_t addr, uint64_t len, int prot, int flags, int *err)
{
	struct _mem_map m = { .type = _MEM_MAP, .prot = prot, .flags = flags, .fd = -1,
			      .addr = addr, .len = len };
	struct _mem_map_reply r = { 0 };
	*err = tmsend(&m, sizeof m, &r, sizeof r) < 0 ? errno : 0;
	return r.addr;
}

static int mem_unmap(int type, uint64_t addr, uint64_t len, int prot)
{
	struct _mem_unmap m = { .type = (uint16_t)type, .prot = prot, .addr = addr, .len = len };
	return tmsend(&m, sizeof m, NULL, 0) < 0 ? errno : 0;
}

#define PROT_RW_ (0x100 | 0x200)
#define PROT_R_  0x100
#define MAP_ANONPRIV_ (0x80000 | 0x2)
#define MAP_FIXED_ 0x10

/* Children that must die of SIGSEGV: touching a page after munmap, or writing a page
 * made read-only. They exit 0 if the access wrongly worked. */
static int mmap_child(const char *what)
{
	int err;
	volatile char *p = (char *)(uintptr_t)mem_map(0, 8192, PROT_RW_, MAP_ANONPRIV_, &err);
	if (err)
		return 2;
	p[0] = 1;
	p[4096] = 2;
	if (strcmp(what, "unmapped") == 0) {
		if (mem_unmap(_MEM_UNMAP, (uintptr_t)p, 8192, 0))
			return 3;
		return p[4096];		/* must fault */
	}
	if (mem_unmap(_MEM_PROTECT, (uintptr_t)p, 8192, PROT_R_))
		return 3;
	if (p[0] != 1)
		return 4;
	p[4096] = 3;			/* must fault */
	return 0;
}

static int child(int argc, char **argv)
{
	/* Tell taskman we are set up (libc does it too; a second one is harmless). */
	struct _proc_spawn_done d = { .type = _PROC_SPAWN_DONE };
	tmsend(&d, sizeof d, NULL, 0);
	const char *role = argv[1];
	if (strcmp(role, "exit") == 0)
		return argc > 2 ? atoi(argv[2]) : 0;
	if (strcmp(role, "fault") == 0) {
		volatile uintptr_t bad = 16;
		return *(volatile int *)bad;
	}
	if (strcmp(role, "sleep") == 0) {	/* until killed (or 10 s) */
		sleep_ms(argc > 2 ? atoi(argv[2]) : 10000);
		return 0;
	}
	if (strcmp(role, "ppid") == 0) {	/* exit 0 iff getppid() is argv[2] */
		struct _proc_getid_reply r = getid(0);
		return r.ppid == atoi(argv[2]) ? 0 : 1;
	}
	if (strcmp(role, "orphaner") == 0) {	/* spawn a sleeper and exit at once */
		char *a[] = { "tmtest", "orphan", argv[2], NULL };
		int pid = spawn(a);
		return pid > 0 ? 0 : 1;
	}
	if (strcmp(role, "orphan") == 0) {	/* wait for the parent to go, then check ppid 1 */
		for (int i = 0; i < 500 && getid(0).ppid != 1; i++)
			sleep_ms(2);
		return getid(0).ppid == 1 ? 0 : 1;
	}
	if (strcmp(role, "unroot") == 0) {	/* drop root, then spawn a devmem-eperm child */
		char *a[] = { "tmtest", "devmem-eperm", NULL };
		int st = -1;
		if (setuid(100) != 0)
			return 98;
		int pid = spawn(a);
		return pid > 0 && waitp(pid, 0, &st) == pid ? st >> 8 : 97;
	}
	if (strcmp(role, "devmem-eperm") == 0) {	/* a non-root parent's child: no I/O */
		errno = 0;
		void *p = mmap_device_memory(NULL, 4096, PROT_READ | PROT_WRITE, 0, 0x10000000);
		int e1 = errno;
		int r = ThreadCtl(_NTO_TCTL_IO, 0);
		int e2 = errno;
		off64_t pa;
		int r2 = mem_offset64(&pa, NOFD, sizeof pa, &pa, NULL);
		int e3 = errno;
		return p == MAP_FAILED && e1 == EPERM && r == -1 && e2 == EPERM && r2 == -1 &&
		       e3 == EPERM ? 0 : 1;
	}
	if (strcmp(role, "mmap") == 0)		/* argv[2]: what to do with a mapping */
		return mmap_child(argv[2]);
	return 99;
}

static void test_exit_codes(void)
{
	int st = 0, ok = 1;
	for (int code = 0; code < 256; code += 51) {
		char c[8];
		snprintf(c, sizeof c, "%d", code);
		char *a[] = { "tmtest", "exit", c, NULL };
		int pid = spawn(a);
		int w = pid > 0 ? waitp(pid, 0, &st) : pid;
		if (w != pid || (st & 0x7f) != 0 || ((st >> 8) & 0xff) != code) {
			check("exit-codes", 0, "(code %d: spawn %d wait %d status %#x)", code, pid, w, st);
			return;
		}
	}
	check("exit-codes", ok, NULL);
}

/* --- The tests ---------------------------------------------------------------------------- */

static int is_signal(int st, int sig)
{
	return (st & 0x7f) == sig;
}

static void test_statuses(void)
{
	int st = 0;
	char *f[] = { "tmtest", "fault", NULL };
	int pid = spawn(f);
	int w = waitp(pid, 0, &st);
	check("status-fault-is-sigsegv", w == pid && is_signal(st, SIGSEGV_), "(status %#x)", st);
	char *s[] = { "tmtest", "sleep", NULL };
	pid = spawn(s);
	int k = tmkill(pid, SIGTERM_);
	w = waitp(pid, 0, &st);
	check("status-killed-by-sigterm", k == 0 && w == pid && is_signal(st, SIGTERM_),
	      "(kill %d, status %#x)", k, st);
	pid = spawn(s);
	k = tmkill(pid, SIGKILL_);
	w = waitp(pid, 0, &st);
	check("status-killed-by-sigkill", k == 0 && w == pid && is_signal(st, SIGKILL_),
	      "(kill %d, status %#x)", k, st);
	char *mu[] = { "tmtest", "mmap", "unmapped", NULL };
	pid = spawn(mu);
	w = waitp(pid, 0, &st);
	check("munmap-then-touch-faults", w == pid && is_signal(st, SIGSEGV_), "(status %#x)", st);
	char *mp[] = { "tmtest", "mmap", "readonly", NULL };
	pid = spawn(mp);
	w = waitp(pid, 0, &st);
	check("mprotect-readonly-write-faults", w == pid && is_signal(st, SIGSEGV_),
	      "(status %#x)", st);
}

static void test_wnohang(void)
{
	int st = 0;
	char *s[] = { "tmtest", "sleep", NULL };
	int pid = spawn(s);
	int w0 = waitp(pid, 1, &st);
	int k0 = tmkill(pid, 0);
	tmkill(pid, SIGKILL_);
	int w1 = waitp(pid, 0, &st);
	check("wnohang-running-child-is-0", w0 == 0, "(%d)", w0);
	check("kill-signal-0-checks", k0 == 0 && tmkill(pid, 0) == -ESRCH, "(%d)", k0);
	check("wait-after-wnohang", w1 == pid, "(%d)", w1);
}

static void test_echild(void)
{
	int w = waitp(-1, 0, NULL);
	check("echild-no-children", w == -ECHILD, "(%d)", w);
	w = waitp(99999, 0, NULL);
	check("echild-not-a-child", w == -ECHILD, "(%d)", w);
	w = waitp(1, 1, NULL);
	check("echild-pid-1", w == -ECHILD, "(%d)", w);
	struct _proc_wait bad = { .type = _PROC_WAIT, .pid = -1, .options = 0x40 };
	int r = tmsend(&bad, sizeof bad, NULL, 0);
	check("wait-bad-options-einval", r < 0 && errno == EINVAL, "(%d)", errno);
}

static void test_groups(void)
{
	char *s[] = { "tmtest", "sleep", NULL };
	int a = spawn_ex("tmtest", s, _PROC_SPAWN_SETPGROUP, 0, 0);
	int b = spawn_ex("tmtest", s, _PROC_SPAWN_SETPGROUP, a, 0);
	int c = spawn_ex("tmtest", s, _PROC_SPAWN_SETPGROUP, a, 0);
	int other = spawn(s);		/* stays in our group */
	struct _proc_getid_reply ra = getid(a), rb = getid(b), me = getid(0);
	check("pgroup-new-and-join", ra.pgid == a && rb.pgid == a && getid(c).pgid == a &&
	      getid(other).pgid == me.pgid, "(a %d: %d, b %d, me %d)", a, ra.pgid, rb.pgid, me.pgid);
	int bad = spawn_ex("tmtest", s, _PROC_SPAWN_SETPGROUP, 99999, 0);
	check("pgroup-missing-eperm", bad == -EPERM, "(%d)", bad);
	int k = tmkill(-a, SIGTERM_);
	int st, n = 0, ok = 1;
	for (int i = 0; i < 3; i++) {
		int w = waitp(-a, 0, &st);
		n += w > 0;
		ok = ok && is_signal(st, SIGTERM_);
	}
	int left = waitp(-a, 1, NULL);
	check("kill-pgid-ends-the-group", k == 0 && n == 3 && ok && left == -ECHILD,
	      "(kill %d, %d waited, left %d)", k, n, left);
	int w = waitp(other, 1, NULL);
	check("kill-pgid-spares-others", w == 0 && tmkill(other, 0) == 0, "(%d)", w);
	tmkill(other, SIGKILL_);
	waitp(other, 0, NULL);
	check("kill-missing-group-esrch", tmkill(-99999, SIGTERM_) == -ESRCH, NULL);
	check("kill-bad-signal-einval", tmkill(getid(0).pid, 99) == -EINVAL, NULL);
	check("kill-taskman-eperm", tmkill(1, SIGTERM_) == -EPERM, NULL);
	struct _proc_getid g = { .type = _PROC_SETSID };
	int r = tmsend(&g, sizeof g, NULL, 0);
	int r2 = tmsend(&g, sizeof g, NULL, 0);
	int sid_err = r2 < 0 ? errno : 0;
	check("setsid-then-leader", r == me.pid && getid(0).sid == me.pid && getid(0).pgid == me.pid,
	      "(%d)", r);
	check("setsid-as-leader-eperm", r2 < 0 && sid_err == EPERM, "(%d)", sid_err);
	int new_sid = spawn_ex("tmtest", s, _PROC_SPAWN_SETSID, 0, 0);
	struct _proc_getid_reply rs = getid(new_sid);
	check("setsid-spawn-new-session", rs.sid == new_sid && rs.pgid == new_sid, "(sid %d)", rs.sid);
	tmkill(new_sid, SIGKILL_);
	waitp(new_sid, 0, NULL);
}

/* Counters settle a little after the last wait (the kernel reaps threads on their harts). */
static int counters_settle(const struct counters *want, struct counters *got)
{
	for (int i = 0; i < 200; i++) {
		counters_read(got);
		if (got->free_pages == want->free_pages && got->heap_objects == want->heap_objects &&
		    got->threads == want->threads && got->procs == want->procs)
			return 1;
		sleep_ms(5);
	}
	return 0;
}

static void test_many(int sequential, int together)
{
	struct counters c0, c1;
	char *a[] = { "tmtest", "exit", "3", NULL };
	int st = 0, bad = 0;
	/* Warm up: the first spawns grow taskman's heap (it keeps what it has), so do a
	 * round of each kind before the baseline. */
	char *s[] = { "tmtest", "sleep", "200", NULL };
	for (int i = 0; i < together; i++)
		spawn(s);
	while (waitp(-1, 0, NULL) > 0)
		;
	for (int i = 0; i < 100; i++)
		waitp(spawn(a), 0, NULL);
	counters_read(&c0);
	uint64_t t0 = 0, t1 = 0;
	ClockTime(CLOCK_MONOTONIC, NULL, &t0);
	for (int i = 0; i < sequential; i++) {
		int pid = spawn(a);
		if (pid <= 0 || waitp(pid, 0, &st) != pid || st != 3 << 8)
			bad++;
	}
	ClockTime(CLOCK_MONOTONIC, NULL, &t1);
	int ok = counters_settle(&c0, &c1);
	check("spawn-wait-sequential", bad == 0, "(%d of %d bad, %llu us each)", bad, sequential,
	      (unsigned long long)((t1 - t0) / 1000 / (sequential ? sequential : 1)));
	check("spawn-wait-sequential-no-leaks", ok,
	      "(free pages %llu/%llu, heap %llu/%llu, threads %llu/%llu, procs %llu/%llu)",
	      (unsigned long long)c1.free_pages, (unsigned long long)c0.free_pages,
	      (unsigned long long)c1.heap_objects, (unsigned long long)c0.heap_objects,
	      (unsigned long long)c1.threads, (unsigned long long)c0.threads,
	      (unsigned long long)c1.procs, (unsigned long long)c0.procs);
	int pids[64], n = 0;
	bad = 0;
	for (int i = 0; i < together && i < 64; i++)
		if ((pids[n] = spawn(s)) > 0)
			n++;
	int seen = 0;
	for (int i = 0; i < n; i++) {
		int w = waitp(-1, 0, &st);
		seen += w > 0;
		bad += w <= 0 || st != 0;
	}
	ok = counters_settle(&c0, &c1);
	check("spawn-many-at-once", n == together && seen == n && bad == 0, "(%d spawned, %d waited)",
	      n, seen);
	check("spawn-many-at-once-no-leaks", ok,
	      "(free pages %llu/%llu, heap %llu/%llu, threads %llu/%llu, procs %llu/%llu)",
	      (unsigned long long)c1.free_pages, (unsigned long long)c0.free_pages,
	      (unsigned long long)c1.heap_objects, (unsigned long long)c0.heap_objects,
	      (unsigned long long)c1.threads, (unsigned long long)c0.threads,
	      (unsigned long long)c1.procs, (unsigned long long)c0.procs);
}

static void test_ids(void)
{
	struct _proc_getid_reply me = getid(0);
	char p[16];
	snprintf(p, sizeof p, "%d", me.pid);
	char *a[] = { "tmtest", "ppid", p, NULL };
	int st = -1, pid = spawn(a);
	int w = waitp(pid, 0, &st);
	check("getppid-is-parent", w == pid && st == 0, "(status %#x)", st);
	check("getid-missing-esrch", getid(99999).pid == -ESRCH, NULL);
	char *o[] = { "tmtest", "orphaner", "x", NULL };
	pid = spawn(o);
	w = waitp(pid, 0, &st);
	check("orphaner-exits", w == pid && st == 0, "(status %#x)", st);
	check("orphan-is-not-our-child", waitp(-1, 1, NULL) == -ECHILD, NULL);
}

static void test_spawn_errors(void)
{
	char *a[] = { "nosuch", NULL };
	int r = spawn_ex("nosuch-program", a, 0, 0, 0);
	check("spawn-missing-enoent", r == -ENOENT, "(%d)", r);
	r = spawn_ex("/proc/boot/tmtest-notelf", a, 0, 0, 0);
	check("spawn-not-elf-enoexec", r == -ENOEXEC, "(%d)", r);
	r = spawn_ex("/tmp/x/y", a, 0, 0, 0);
	check("spawn-other-path-enoent", r == -ENOENT, "(%d)", r);
	struct _proc_spawn h = { .type = _PROC_SPAWN, .argc = 5, .strings_len = 1000 };
	r = tmsend(&h, sizeof h, NULL, 0);
	check("spawn-malformed-einval", r < 0 && errno == EINVAL, "(%d)", errno);
}

static void test_mmap(void)
{
	int err;
	uint64_t a = mem_map(0, 3 * 4096, PROT_RW_, MAP_ANONPRIV_, &err);
	int ok = err == 0 && a != 0;
	volatile char *p = (char *)(uintptr_t)a;
	for (int i = 0; ok && i < 3 * 4096; i += 512)
		ok = p[i] == 0;		/* fresh pages are zero */
	for (int i = 0; ok && i < 3 * 4096; i += 512)
		p[i] = (char)i;
	for (int i = 0; ok && i < 3 * 4096; i += 512)
		ok = p[i] == (char)i;
	check("mmap-anon-zeroed-and-writable", ok, "(err %d addr %#llx)", err,
	      (unsigned long long)a);
	uint64_t b = mem_map(a + 4096, 4096, PROT_RW_, MAP_ANONPRIV_ | MAP_FIXED_, &err);
	check("mmap-fixed-replaces", err == 0 && b == a + 4096 && p[4096] == 0 && p[0] == 0,
	      "(err %d)", err);
	check("munmap", mem_unmap(_MEM_UNMAP, a, 3 * 4096, 0) == 0, NULL);
	mem_map(0x1000, 4096, PROT_RW_, MAP_ANONPRIV_ | MAP_FIXED_, &err);
	check("mmap-fixed-outside-einval", err == EINVAL, "(%d)", err);
	mem_map(0, 0, PROT_RW_, MAP_ANONPRIV_, &err);
	check("mmap-zero-length-einval", err == EINVAL, "(%d)", err);
	check("mprotect-unmapped-enomem", mem_unmap(_MEM_PROTECT, a, 4096, PROT_R_) == ENOMEM, NULL);
}

/* Device registers through mmap(MAP_PHYS): I/O privilege needed, never RAM; the 16550's
 * scratch register (QEMU virt's UART at 0x10000000, offset 7; the driver never uses it)
 * keeps what is written. A child of a process that gave up root gets neither. */
static void test_devmem(void)
{
	const uint64_t uart = 0x10000000;
	const int rw = PROT_READ | PROT_WRITE | PROT_NOCACHE;
	char *a[] = { "tmtest", "unroot", NULL };
	int st = -1, pid = spawn(a);
	int w = pid > 0 ? waitp(pid, 0, &st) : pid;
	check("devmem-and-io-privilege-root-only", w == pid && st == 0, "(%d, status %#x)", w, st);
	if (ThreadCtl(_NTO_TCTL_IO, 0) == -1) {
		check("devmem-io-privilege", 0, "(%d)", errno);
		return;
	}
	void *p = mmap_device_memory(NULL, 4096, rw, 0, 0x80000000);
	int e = errno;
	check("devmem-ram-eperm", p == MAP_FAILED && e == EPERM, "(%d)", e);
	p = mmap_device_memory(NULL, 4096, rw, 0, uart + 8);
	e = errno;
	check("devmem-unaligned-einval", p == MAP_FAILED && e == EINVAL, "(%d)", e);
	volatile uint8_t *r = mmap_device_memory(NULL, 4096, rw, 0, uart);
	int ok = r != MAP_FAILED;
	if (ok) {
		r[7] = 0x5a;
		ok = r[7] == 0x5a;
		r[7] = 0xa5;
		ok = ok && r[7] == 0xa5;
	}
	check("devmem-uart-scratch-register", ok, "(%p)", (void *)r);
}

/* DMA addresses (mem_offset64, KerMemPhys) and the device tree (KerDeviceTree). Runs
 * after test_devmem, which took I/O privilege. */
static void test_dma(void)
{
	const size_t pg = 4096;
	off64_t pa = -1, pb = -1, pc = -1;
	size_t n = 0;
	char *m = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, NOFD, 0);
	int ok = m != MAP_FAILED && mem_offset64(m + 100, NOFD, 2 * pg, &pa, &n) == 0 &&
		 mem_offset64(m + pg, NOFD, 1, &pb, NULL) == 0;
	check("dma-offset-of-own-pages", ok && (pa & 0xfff) == 100 && pa >= 0x80000000 &&
	      (pb & 0xfff) == 0 && pb / pg != pa / pg && n >= pg - 100 && n <= 2 * pg &&
	      (n == 2 * pg ? pb == pa - 100 + (off64_t)pg : n == pg - 100),
	      "(%#llx %#llx %zu)", (long long)pa, (long long)pb, n);
	errno = 0;
	check("dma-offset-unmapped-efault", mem_offset64((void *)0x3e00000000ULL, NOFD, 8, &pa,
	      NULL) == -1 && errno == EFAULT, "(%d)", errno);
	errno = 0;
	check("dma-offset-zero-length-einval", mem_offset64(m, NOFD, 0, &pa, NULL) == -1 &&
	      errno == EINVAL, "(%d)", errno);
	errno = 0;
	check("dma-offset-bad-out-pointer-efault",
	      KerMemPhys((uintptr_t)m, 8, (uint64_t *)0x3e00000000ULL, &n) == -1 && errno == EFAULT,
	      "(%d)", errno);
	/* One shm page mapped twice is one physical page. */
	int fd = shm_open("/tmtest-dma", O_RDWR | O_CREAT, 0600);
	char *s1 = MAP_FAILED, *s2 = MAP_FAILED;
	if (fd >= 0 && ftruncate(fd, pg) == 0) {
		s1 = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		s2 = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	}
	ok = s1 != MAP_FAILED && s2 != MAP_FAILED && s1 != s2 &&
	     mem_offset64(s1, NOFD, pg, &pa, NULL) == 0 && mem_offset64(s2, NOFD, pg, &pc, NULL) == 0;
	check("dma-offset-shm-mapped-twice-same-page", ok && pa == pc, "(%#llx %#llx)",
	      (long long)pa, (long long)pc);
	if (fd >= 0) {
	        close(fd);
	        shm_unlink("/tmtest-dma");
	}
	/* The device tree: a whole blob with the right magic and size. */
	size_t size = 0;
	uint8_t *dt = devtree_load(&size);
	uint32_t magic = dt ? (uint32_t)dt[0] << 24 | dt[1] << 16 | dt[2] << 8 | dt[3] : 0;
	uint32_t total = dt ? (uint32_t)dt[4] << 24 | dt[5] << 16 | dt[6] << 8 | dt[7] : 0;
	check("devtree-blob", dt && magic == 0xd00dfeed && total == size, "(%zu %#x %u)", size,
	      magic, total);
	free(dt);
	errno = 0;
	check("devtree-bad-buffer-efault", KerDeviceTree((void *)0x3e00000000ULL, 64) == -1 &&
	      errno == EFAULT, "(%d)", errno);
	if (m != MAP_FAILED)
		munmap(m, 2 * pg);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return child(argc, argv);
	test_exit_codes();
	test_statuses();
	test_wnohang();
	test_echild();
	test_groups();
	test_ids();
	test_spawn_errors();
	test_mmap();
	test_devmem();
	test_dma();
	test_many(1000, 50);
	printf("tmtest: %d failures\n", failures);
	return failures != 0;
}
