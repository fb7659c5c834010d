/* Host tests of taskman's path manager as a whole: pathmgr_msg driven like libc drives it
 * (resolve, then connect to each entry with the prefix stripped), with the process table,
 * the boot image, shm objects and the kernel calls mocked: registrations, link replies and
 * redirects, implied directories, /proc, /proc/boot, /dev/null, /dev/zero, /dev/shmem. */
/* SOURCES: tests/unit/host/rm_mock.c taskman/pathmgr.c taskman/pathtab.c taskman/procfs.c taskman/devfiles.c lib/resmgr/resmgr.c lib/resmgr/rm_connect.c lib/resmgr/rm_io.c lib/resmgr/rm_ocb.c lib/resmgr/rm_cred.c lib/resmgr/rm_util.c */
/* CFLAGS: -Iabi/include -Ilib/resmgr -Itaskman */
#include "test.h"
#include "rm_mock.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include "tmfs.h"
#include "pathtab.h"

/* The kernel: tests/unit/host/rm_mock.c (replies recorded in k). */
pid_t rm_self_pid(void) { return 1; }

/* --- The mock rest of taskman ------------------------------------------------------------ */
/* Processes 1 (taskman), 5 (a root server) and 7 (uid 100, child of 5). */
int procmgr_info(pid_t pid, struct tm_procinfo *out)
{
	if (pid != 1 && pid != 5 && pid != 7)
		return -ESRCH;
	memset(out, 0, sizeof *out);
	out->pid = pid;
	out->ppid = pid == 7 ? 5 : pid == 5 ? 1 : 0;
	out->pgid = out->sid = pid;
	out->uid = out->euid = out->gid = out->egid = pid == 7 ? 100 : 0;
	out->nthreads = 2;
	out->mem_bytes = 65536;
	snprintf(out->name, sizeof out->name, "p%d", pid);
	snprintf(out->path, sizeof out->path, "/proc/boot/p%d", pid);
	snprintf(out->args, sizeof out->args, "p%d -x y", pid);
	return 0;
}
pid_t procmgr_next(pid_t after)
{
	return after < 1 ? 1 : after < 5 ? 5 : after < 7 ? 7 : -1;
}
int tm_thread_info(pid_t pid, int after, struct tm_threadinfo *out)
{
	if (procmgr_info(pid, &(struct tm_procinfo){ 0 }) < 0)
		return -ESRCH;
	memset(out, 0, sizeof *out);
	if (after == 0) {
		out->tid = 1; out->priority = 10; out->policy = SCHED_RR;
		out->state = STATE_RECEIVE; out->blocked_id = 1;
	} else if (after == 1) {
		out->tid = 3; out->priority = 12; out->policy = SCHED_FIFO;
		out->state = STATE_REPLY; out->blocked_pid = 5;
	} else if (after == 3) {
		out->tid = 4; out->priority = 9; out->policy = SCHED_OTHER;
		out->state = STATE_CONDVAR; out->blocked_addr = 0x1234;
	} else {
		return -ENOENT;
	}
	return 0;
}
static const char boot_a[] = "#!script\n";
static const char boot_b[5000] = "ELF";
int bootfs_entry(int i, const char **name, const void **data, size_t *size, unsigned *mode)
{
	if (i == 0) { *name = ".script"; *data = boot_a; *size = sizeof boot_a - 1; *mode = 0644; return 0; }
	if (i == 1) { *name = "qsh"; *data = boot_b; *size = sizeof boot_b; *mode = S_IFREG | 0755; return 0; }
	return -ENOENT;
}
int bootfs_find(const char *name, const void **data, size_t *size, unsigned *mode)
{
	const char *n;
	for (int i = 0; bootfs_entry(i, &n, data, size, mode) == 0; i++)
		if (strcmp(n, name) == 0)
			return 0;
	return -ENOENT;
}
struct tm_shm { uint64_t size; int refs; };
static int shm_live;
struct tm_shm *memmgr_shm_new(void)
{
	struct tm_shm *s = calloc(1, sizeof *s);
	s->refs = 1;
	shm_live++;
	return s;
}
int memmgr_shm_resize(struct tm_shm *s, uint64_t size) { s->size = size; return 0; }
uint64_t memmgr_shm_size(struct tm_shm *s) { return s->size; }
void memmgr_shm_ref(struct tm_shm *s) { s->refs++; }
void memmgr_shm_unref(struct tm_shm *s) { if (--s->refs == 0) { free(s); shm_live--; } }

/* --- A client ----------------------------------------------------------------------------- */
static void sendm(pid_t pid, int coid, const void *m, size_t len)
{
	struct _msg_info info;
	memset(&info, 0, sizeof info);
	info.pid = pid;
	info.scoid = 1000 + pid;
	info.coid = coid;
	info.srcmsglen = (int)len;
	info.msglen = (int)(len < 4096 ? len : 4096);	/* taskman's buffer */
	info.dstmsglen = 8192;
	k.replied = 0;
	k.client_msg = m;
	k.client_len = len;
	static _Alignas(8) uint8_t buf[4096];
	memcpy(buf, m, (size_t)info.msglen);
	pathmgr_msg(42, buf, (size_t)info.msglen, &info);
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
	c->mode = 0600;
	c->path_len = (uint16_t)(strlen(path) + 1);
	c->extra_len = (uint16_t)elen;
	memcpy(c + 1, path, c->path_len);
	if (elen)
		memcpy((char *)(c + 1) + c->path_len, extra, elen);
	return sizeof *c + c->path_len + elen;
}

static struct _io_connect_entry ents[16];
static int nents;

/* Ask the path manager: the entries (into ents), or -errno. */
static int resolve(pid_t pid, const char *path)
{
	uint8_t m[2048];
	size_t n = mkconnect(m, _IO_CONNECT_OPEN, 0, 0, path, NULL, 0);
	sendm(pid, 0x40000000, m, n);
	if (k.replied == 2)
		return -k.err;
	if ((uint32_t)k.status != (_IO_CONNECT_RET_FLAG | _IO_CONNECT_RET_LINK))
		return -EIO;
	struct _io_connect_link_reply *lr = (void *)k.data;
	nents = lr->nentries;
	memcpy(ents, lr + 1, (size_t)nents * sizeof ents[0]);
	return nents;
}

/* open() as libc does it: resolve, then try the entries that are taskman's. 0 or errno. */
static int do_open_sub(pid_t pid, int coid, const char *path, uint32_t ioflag, int subtype,
		       const void *extra, size_t elen)
{
	int r = resolve(pid, path);
	if (r < 0)
		return -r;
	int err = ENOENT;
	for (int i = 0; i < nents; i++) {
		if (ents[i].pid != 1)
			continue;
		uint8_t m[2048];
		size_t n = mkconnect(m, subtype, ioflag, ents[i].handle, path + ents[i].prefix_len,
				     extra, elen);
		sendm(pid, coid, m, n);
		if (k.replied == 1)
			return 0;
		err = k.err;
		if (err != ENOENT && err != ENXIO && err != ESRCH && err != EROFS && err != ENOSYS)
			break;
	}
	return err;
}
static int do_open(pid_t pid, int coid, const char *path, uint32_t ioflag)
{
	return do_open_sub(pid, coid, path, ioflag, _IO_CONNECT_OPEN, NULL, 0);
}
static int do_read(pid_t pid, int coid, int nbytes)
{
	struct _io_read r = { .type = _IO_READ, .nbytes = nbytes };
	sendm(pid, coid, &r, sizeof r);
	return k.replied == 2 ? -k.err : k.status;
}
static int do_close(pid_t pid, int coid)
{
	struct _io_close c = { .type = _IO_CLOSE };
	sendm(pid, coid, &c, sizeof c);
	return k.replied == 2 ? -k.err : k.status;
}
static struct _io_stat_reply do_fstat(pid_t pid, int coid)
{
	struct _io_stat s = { .type = _IO_STAT };
	sendm(pid, coid, &s, sizeof s);
	struct _io_stat_reply st;
	memcpy(&st, k.data, sizeof st);
	return st;
}
/* The names of a directory read in one go, joined by spaces. */
static const char *listing(pid_t pid, int coid)
{
	static char out[4096];
	out[0] = 0;
	int n = do_read(pid, coid, 8192);
	for (int off = 0; n > 0 && off < n;) {
		struct _io_dirent *d = (void *)(k.data + off);
		strcat(out, d->d_name);
		strcat(out, " ");
		off += d->d_reclen;
	}
	return out;
}

static int attach(pid_t pid, const char *path, uint32_t flags)
{
	struct {
		struct _path_attach a;
		char path[256];
	} m;
	memset(&m, 0, sizeof m);
	m.a.type = _PATH_ATTACH;
	m.a.path_len = (uint16_t)(strlen(path) + 1);
	m.a.chid = 3;
	m.a.handle = 1;
	m.a.flags = flags;
	strcpy(m.path, path);
	sendm(pid, 0x40000000, &m, sizeof m.a + m.a.path_len);
	return k.replied == 2 ? -k.err : k.status;
}

static int inited;
static void setup(void)
{
	if (!inited)
		pathmgr_init();
	inited = 1;
	pathmgr_proc_gone(5);
	pathmgr_proc_gone(7);
}

/* --- Tests ----------------------------------------------------------------------------- */
TEST(registrations_and_link_replies)
{
	setup();
	CHECK_EQ(resolve(7, "/dev/null"), 1);
	CHECK_EQ(ents[0].pid, 1);
	CHECK_EQ(ents[0].chid, 1);
	CHECK(ents[0].handle != 0);
	CHECK_EQ(ents[0].prefix_len, 9);
	CHECK_EQ(resolve(7, "/dev/ser1"), -ENOENT);
	int id = attach(5, "/dev/ser1", 0);
	CHECK(id > 0);
	CHECK_EQ(attach(7, "/dev/evil", 0), -EPERM);		/* not root */
	CHECK_EQ(resolve(7, "/dev/ser1"), 1);
	CHECK_EQ(ents[0].pid, 5);
	CHECK_EQ(ents[0].chid, 3);
	CHECK_EQ(ents[0].handle, 1);
	CHECK_EQ(resolve(7, "/dev/ser10"), -ENOENT);
	CHECK_EQ(resolve(7, "/dev/ser1/x"), -ENOENT);
	CHECK(attach(5, "/tmp/", _RESMGR_FLAG_DIR) > 0);	/* trailing '/' normalised */
	CHECK_EQ(resolve(7, "/tmp/a/b"), 1);
	CHECK_EQ(ents[0].prefix_len, 5);
	CHECK_EQ(resolve(7, "/tmp/"), 1);
	CHECK_EQ(ents[0].prefix_len, 4);
	/* "/dev" itself: only the implied-directory server */
	CHECK_EQ(resolve(7, "/dev"), 1);
	CHECK_EQ(ents[0].pid, 1);
	CHECK_EQ(ents[0].prefix_len, 1);
	/* a redirect for what is not normalised */
	CHECK_EQ(resolve(7, "//dev/./ser1"), 0);
	struct _io_connect_link_reply *lr = (void *)k.data;
	CHECK_EQ(lr->path_len, 10);
	CHECK(strcmp((char *)(lr + 1), "/dev/ser1") == 0);
	CHECK_EQ(resolve(7, "/tmp/../dev/null"), 0);
	CHECK(strcmp((char *)(lr + 1), "/dev/null") == 0);
	CHECK_EQ(resolve(7, "relative"), -EINVAL);
	/* detach: only the owner */
	struct _path_detach d = { .type = _PATH_DETACH, .id = id };
	sendm(7, 0x40000000, &d, sizeof d);
	CHECK_EQ(k.err, EPERM);
	sendm(5, 0x40000000, &d, sizeof d);
	CHECK_EQ(k.replied, 1);
	CHECK_EQ(resolve(7, "/dev/ser1"), -ENOENT);
	sendm(5, 0x40000000, &d, sizeof d);
	CHECK_EQ(k.err, ENOENT);
	/* a server's death takes its registrations */
	CHECK_EQ(resolve(7, "/tmp/x"), 1);
	pathmgr_proc_gone(5);
	CHECK_EQ(resolve(7, "/tmp/x"), -ENOENT);
}

TEST(malformed)
{
	setup();
	uint8_t m[512];
	size_t n = mkconnect(m, _IO_CONNECT_OPEN, 0, 0, "/dev/null", NULL, 0);
	sendm(7, 3, m, n - 1);
	CHECK_EQ(k.err, EINVAL);
	m[n - 1] = 'x';
	sendm(7, 3, m, n);
	CHECK_EQ(k.err, EINVAL);
	struct _path_attach a = { .type = _PATH_ATTACH, .path_len = 50, .chid = 3, .handle = 1 };
	sendm(5, 3, &a, sizeof a);
	CHECK_EQ(k.err, EINVAL);
	struct { struct _path_attach a; char p[8]; } a2 = {
		{ .type = _PATH_ATTACH, .path_len = 4, .chid = 3, .handle = 0 }, "/xy" };
	sendm(5, 3, &a2, sizeof a2);
	CHECK_EQ(k.err, EINVAL);				/* handle 0 */
	a2.a.handle = 1;
	a2.a.flags = PT_FLAG_IMPLIED;
	sendm(5, 3, &a2, sizeof a2);
	CHECK_EQ(k.err, EINVAL);				/* internal flag */
	uint16_t t = 0x6f;
	sendm(5, 3, &t, sizeof t);
	CHECK_EQ(k.err, EINVAL);
	uint32_t t4 = 0x6f;
	sendm(5, 3, &t4, sizeof t4);
	CHECK_EQ(k.err, ENOSYS);
	struct _io_read r = { .type = _IO_READ, .nbytes = 4 };
	sendm(7, 9, &r, sizeof r);
	CHECK_EQ(k.err, EBADF);					/* no open on coid 9 */
}

TEST(implied_directories)
{
	setup();
	CHECK(attach(5, "/dev/ser1", 0) > 0);
	CHECK(attach(5, "/dev/console", 0) > 0);
	CHECK(attach(5, "/tmp", _RESMGR_FLAG_DIR) > 0);
	CHECK_EQ(do_open(7, 3, "/", O_RDONLY), 0);
	CHECK(strcmp(listing(7, 3), ". .. dev proc tmp ") == 0);
	CHECK_EQ(do_read(7, 3, 8192), 0);			/* the end */
	struct _io_lseek ls = { .type = _IO_LSEEK, .whence = SEEK_SET, .offset = 3 };
	sendm(7, 3, &ls, sizeof ls);
	CHECK(strcmp(listing(7, 3), "proc tmp ") == 0);
	ls.offset = 0;
	sendm(7, 3, &ls, sizeof ls);
	CHECK_EQ(do_read(7, 3, 20), -EINVAL);			/* too small for one */
	CHECK_EQ(do_close(7, 3), 0);
	CHECK_EQ(do_open(7, 3, "/dev", O_RDONLY), 0);
	CHECK(strcmp(listing(7, 3), ". .. console null ser1 shmem zero ") == 0);
	struct _io_stat_reply st = do_fstat(7, 3);
	CHECK(S_ISDIR(st.st_mode));
	CHECK_EQ(do_close(7, 3), 0);
	CHECK_EQ(do_open(7, 3, "/dev/", O_RDONLY), 0);
	CHECK_EQ(do_close(7, 3), 0);
	CHECK_EQ(do_open(7, 3, "/dev", O_WRONLY), EISDIR);
	CHECK_EQ(do_open(7, 3, "/nothing", O_RDONLY), ENOENT);
	/* stat in one round trip */
	struct _io_stat s = { .type = _IO_STAT };
	CHECK_EQ(do_open_sub(7, 4, "/dev", O_RDONLY, _IO_CONNECT_COMBINE_CLOSE, &s, sizeof s), 0);
	CHECK(S_ISDIR(((struct _io_stat_reply *)k.data)->st_mode));
	CHECK_EQ(do_read(7, 4, 10), -EBADF);			/* closed again */
	pathmgr_proc_gone(5);
	CHECK_EQ(do_open(7, 3, "/dev", O_RDONLY), 0);
	CHECK(strcmp(listing(7, 3), ". .. null shmem zero ") == 0);
	CHECK_EQ(do_close(7, 3), 0);
}

TEST(null_and_zero)
{
	setup();
	CHECK_EQ(do_open(7, 3, "/dev/null", O_RDWR), 0);
	CHECK_EQ(do_read(7, 3, 100), 0);
	static uint8_t w[16 + 10000];
	struct _io_write *wm = (void *)w;
	wm->type = _IO_WRITE;
	wm->nbytes = 10000;
	sendm(7, 3, w, sizeof w);
	CHECK_EQ(k.status, 10000);
	CHECK_EQ(do_open(7, 4, "/dev/zero", O_RDONLY), 0);
	memset(k.data, 0xff, 20000);
	CHECK_EQ(do_read(7, 4, 10000), 10000);
	int zeros = 1;
	for (int i = 0; i < 10000; i++)
		zeros &= k.data[i] == 0;
	CHECK(zeros);
	CHECK_EQ(k.len, 10000);
	CHECK_EQ(do_read(7, 4, 1000000), 65536);		/* a big read: one 64 KiB reply */
	sendm(7, 4, w, sizeof w);
	CHECK_EQ(k.err, EBADF);					/* opened read-only */
	struct _io_stat_reply st = do_fstat(7, 3);
	CHECK(S_ISCHR(st.st_mode));
	CHECK_EQ(do_close(7, 3), 0);
	CHECK_EQ(do_close(7, 4), 0);
}

TEST(proc)
{
	setup();
	CHECK_EQ(do_open(7, 3, "/proc", O_RDONLY), 0);
	CHECK(strcmp(listing(7, 3), ". .. boot self mounts 1 5 7 ") == 0);
	CHECK_EQ(do_close(7, 3), 0);
	CHECK_EQ(do_open(7, 3, "/proc/mounts", O_RDONLY), 0);	/* the registrations */
	int m = do_read(7, 3, 4096);
	k.data[m > 0 ? m : 0] = 0;
	CHECK(strncmp((char *)k.data, "/ 1 any dir,after,implied\n/proc 1 any dir,opaque\n"
				      "/proc/boot 1 any dir,opaque\n/dev/null 1 any -\n"
				      "/dev/zero 1 any -\n/dev/shmem 1 any dir\n", 134) == 0);
	CHECK_EQ(do_close(7, 3), 0);
	CHECK_EQ(do_open(7, 3, "/proc/5", O_RDONLY), 0);
	CHECK(strcmp(listing(7, 3), ". .. status threads ") == 0);
	CHECK_EQ(do_close(7, 3), 0);
	CHECK_EQ(do_open(7, 3, "/proc/5/status", O_RDONLY), 0);
	int n = do_read(7, 3, 4096);
	k.data[n] = 0;
	CHECK(strcmp((char *)k.data, "pid 5\nppid 1\npgid 5\nsid 5\nuid 0\ngid 0\nstate running\n"
				     "threads 2\nmemory 65536\nname p5\npath /proc/boot/p5\n"
				     "args p5 -x y\n") == 0);
	struct _io_stat_reply st = do_fstat(7, 3);
	CHECK_EQ(st.st_size, (uint64_t)n);
	CHECK_EQ(do_close(7, 3), 0);
	CHECK_EQ(do_open(7, 3, "/proc/self/status", O_RDONLY), 0);
	n = do_read(7, 3, 4096);
	k.data[n] = 0;
	CHECK(strncmp((char *)k.data, "pid 7\nppid 5\n", 13) == 0);
	CHECK_EQ(do_close(7, 3), 0);
	CHECK_EQ(do_open(7, 3, "/proc/1/threads", O_RDONLY), 0);
	n = do_read(7, 3, 4096);
	k.data[n] = 0;
	CHECK(strcmp((char *)k.data, "1 10 RR RECEIVE chid:1\n3 12 FIFO REPLY pid:5\n"
				     "4 9 OTHER CONDVAR addr:0x1234\n") == 0);
	CHECK_EQ(do_close(7, 3), 0);
	CHECK_EQ(do_open(7, 3, "/proc/99/status", O_RDONLY), ENOENT);
	CHECK_EQ(do_open(7, 3, "/proc/05/status", O_RDONLY), ENOENT);
	CHECK_EQ(do_open(7, 3, "/proc/5/nope", O_RDONLY), ENOENT);
	CHECK_EQ(do_open(7, 3, "/proc/5/status", O_WRONLY), EACCES);
	CHECK_EQ(do_open(5, 3, "/proc/5/status", O_RDWR), EACCES);	/* root too */
}

TEST(proc_boot)
{
	setup();
	CHECK_EQ(do_open(7, 3, "/proc/boot", O_RDONLY), 0);
	CHECK(strcmp(listing(7, 3), ". .. .script qsh ") == 0);
	CHECK_EQ(do_close(7, 3), 0);
	CHECK_EQ(do_open(7, 3, "/proc/boot/qsh", O_RDONLY), 0);
	struct _io_stat_reply st = do_fstat(7, 3);
	CHECK_EQ(st.st_size, 5000);
	CHECK_EQ(st.st_mode, S_IFREG | 0755);
	CHECK_EQ(do_read(7, 3, 4), 4);
	CHECK(memcmp(k.data, "ELF", 4) == 0);
	struct _io_lseek ls = { .type = _IO_LSEEK, .whence = SEEK_END, .offset = -10 };
	sendm(7, 3, &ls, sizeof ls);
	CHECK_EQ(*(int64_t *)k.data, 4990);
	CHECK_EQ(do_read(7, 3, 100), 10);
	CHECK_EQ(do_close(7, 3), 0);
	CHECK_EQ(do_open(7, 3, "/proc/boot/.script", O_RDONLY), 0);
	st = do_fstat(7, 3);
	CHECK_EQ(st.st_mode, S_IFREG | 0644);
	CHECK_EQ(do_close(7, 3), 0);
	CHECK_EQ(do_open(5, 3, "/proc/boot/qsh", O_WRONLY), EROFS);
	CHECK_EQ(do_open(5, 3, "/proc/boot/new", O_WRONLY | O_CREAT), EROFS);
	CHECK_EQ(do_open(5, 3, "/proc/boot/none", O_RDONLY), ENOENT);
}

TEST(shmem)
{
	setup();
	int live = shm_live;
	CHECK_EQ(do_open(7, 3, "/dev/shmem/a", O_RDWR), ENOENT);
	CHECK_EQ(do_open(7, 3, "/dev/shmem/a", O_RDWR | O_CREAT), 0);	/* mode 0600 */
	CHECK_EQ(shm_live, live + 1);
	CHECK_EQ(do_open(7, 4, "/dev/shmem/a", O_RDWR | O_CREAT | O_EXCL), EEXIST);
	CHECK_EQ(do_open(5, 4, "/dev/shmem/a", O_RDWR), 0);		/* root */
	struct _io_space sp = { .type = _IO_SPACE, .subtype = _IO_SPACE_ALLOCSP,
				.whence = SEEK_SET, .start = 8192 };
	sendm(7, 3, &sp, sizeof sp);
	CHECK_EQ(k.replied, 1);
	CHECK_EQ(*(int64_t *)k.data, 8192);
	struct _io_stat_reply st = do_fstat(5, 4);
	CHECK_EQ(st.st_size, 8192);
	CHECK_EQ(st.st_uid, 100);
	CHECK(pathmgr_shm_of(7, 3) != NULL);
	CHECK(pathmgr_shm_of(7, 3) == pathmgr_shm_of(5, 4));
	CHECK(pathmgr_shm_of(7, 9) == NULL);
	CHECK_EQ(do_open(7, 5, "/dev/shmem", O_RDONLY), 0);
	CHECK(strcmp(listing(7, 5), ". .. a ") == 0);
	CHECK_EQ(do_close(7, 5), 0);
	/* unlink: the name goes, the object stays while open */
	uint8_t m[256];
	size_t n = mkconnect(m, _IO_CONNECT_UNLINK, 0, ents[0].handle, "a", NULL, 0);
	CHECK_EQ(resolve(7, "/dev/shmem/a"), 1);
	n = mkconnect(m, _IO_CONNECT_UNLINK, 0, ents[0].handle, "a", NULL, 0);
	sendm(7, 6, m, n);
	CHECK_EQ(k.replied, 1);
	CHECK_EQ(do_open(7, 6, "/dev/shmem/a", O_RDWR), ENOENT);
	CHECK_EQ(shm_live, live + 1);
	CHECK_EQ(do_close(7, 3), 0);
	CHECK_EQ(shm_live, live + 1);
	pathmgr_proc_gone(5);					/* its open closes */
	CHECK_EQ(shm_live, live);
	/* a name with '/' in it does not exist */
	CHECK_EQ(do_open(7, 3, "/dev/shmem/x/y", O_RDWR | O_CREAT), ENOENT);
}
