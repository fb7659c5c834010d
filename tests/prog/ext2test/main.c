/* ext2test: fs-ext2 in QEMU on an image file in /tmp, through libc; run=ext2test. */
/*
 * Copies the boot image's ext2test.img (made on the host by mke2fs -d) to /tmp, mounts
 * it with fs-ext2 at /e2, and checks reading the host's files, writing, renaming,
 * links, symlinks, truncation, permissions (a helper spawned as uid 1000), two writers
 * at once, four processes of random operations checked against models, statvfs, umount,
 * fs-ext2 on a block device (tests/prog/blkram: the shared-memory path), a read-only remount that sees it all, and that a non-ext2
 * image is refused. Each group prints "check ext2test_NAME: PASS|FAIL"; the last line
 * is "ext2test: N failures". "ext2test bench" prints figures: sequential throughput,
 * `ls -l` of 1,000 files, spawn from ext2 next to spawn from the boot image, and reads
 * through fs-ext2 on a block device next to raw reads of that device.
 */
#include <devctl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/iomsg.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define SELF	"/proc/boot/ext2test"
#define FSEXT2	"/proc/boot/fs-ext2"
#define IMG	"/tmp/ext2.img"
#define M	"/e2"

static int failures, group_bad;
static const char *group;

static void begin(const char *name)
{
	group = name;
	group_bad = 0;
}

static void end(void)
{
	printf("check ext2test_%s: %s\n", group, group_bad ? "FAIL" : "PASS");
	failures += group_bad;
}

#define CHECK(cond) do { \
	if (!(cond)) { \
		printf("ext2test: %s: line %d: %s (errno %d)\n", group, __LINE__, #cond, errno); \
		group_bad = 1; \
	} \
} while (0)

static uint8_t pat(uint64_t i, unsigned seed)
{
	return (uint8_t)((i * 131 + seed) ^ (i >> 11));
}

static pid_t spawn(const char *path, char *const argv[])
{
	pid_t pid;
	int r = posix_spawn(&pid, path, NULL, NULL, argv, environ);
	if (r) {
		errno = r;
		return -1;
	}
	return pid;
}

static int wait_exit(pid_t pid)
{
	int st;
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Is an ext2 filesystem served at mnt? (DCMD_FSYS_STATVFS on its root) */
static int mounted_at(const char *mnt, struct _fsys_statvfs *sv)
{
	int fd = open(mnt, O_RDONLY);
	if (fd < 0)
		return 0;
	int r = devctl(fd, DCMD_FSYS_STATVFS, sv, sizeof *sv, NULL);
	close(fd);
	return r == 0 && strcmp(sv->f_basetype, "ext2") == 0;
}

static int mounted(struct _fsys_statvfs *sv)
{
	return mounted_at(M, sv);
}

/* Start fs-ext2 (with -r if rdonly) on dev at mnt and wait until it serves. Its pid. */
static pid_t mount_dev(const char *dev, const char *mnt, int rdonly)
{
	struct _fsys_statvfs sv;
	char *argv_rw[] = { "fs-ext2", (char *)dev, (char *)mnt, NULL };
	char *argv_ro[] = { "fs-ext2", "-r", (char *)dev, (char *)mnt, NULL };
	pid_t pid = spawn(FSEXT2, rdonly ? argv_ro : argv_rw);
	for (int i = 0; pid > 0 && i < 500 && !mounted_at(mnt, &sv); i++)
		usleep(10000);
	return pid;
}

static pid_t mount_fs(int rdonly)
{
	return mount_dev(IMG, M, rdonly);
}

/* DCMD_FSYS_UMOUNT at mnt, then the server's exit status. */
static int umount_at(const char *mnt, pid_t pid, int force)
{
	int fd = open(mnt, O_RDONLY);
	if (fd < 0)
		return -1;
	int32_t f = force;
	int r = devctl(fd, DCMD_FSYS_UMOUNT, &f, sizeof f, NULL);
	close(fd);
	if (r)
		return -r;
	return wait_exit(pid);
}

static int umount_fs(pid_t pid, int force)
{
	return umount_at(M, pid, force);
}

static int copy(const char *from, const char *to)
{
	static char buf[65536];
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ssize_t n = 0;
	while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	close(in);
	close(out);
	return in < 0 || out < 0 || n < 0 ? -1 : 0;
}

static ssize_t get_file(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, cap - 1);
	close(fd);
	if (n >= 0)
		buf[n] = 0;
	return n;
}

static int put_file(const char *path, const char *s, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

/* Write n bytes of pattern seed to path in odd-sized pieces; 0 or -1. */
static int write_pattern(const char *path, size_t n, unsigned seed)
{
	static uint8_t buf[40000];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	for (size_t done = 0; done < n;) {
		size_t k = 1 + (done * 7919) % sizeof buf;
		if (k > n - done)
			k = n - done;
		for (size_t i = 0; i < k; i++)
			buf[i] = pat(done + i, seed);
		if (write(fd, buf, k) != (ssize_t)k) {
			close(fd);
			return -1;
		}
		done += k;
	}
	return close(fd);
}

static int check_pattern(const char *path, size_t n, unsigned seed)
{
	static uint8_t buf[65536];
	int fd = open(path, O_RDONLY);
	size_t done = 0;
	ssize_t k;
	if (fd < 0)
		return -1;
	while ((k = read(fd, buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < k; i++)
			if (buf[i] != pat(done + (size_t)i, seed)) {
				close(fd);
				return -1;
			}
		done += (size_t)k;
	}
	close(fd);
	return k == 0 && done == n ? 0 : -1;
}

/* --- Helper modes (spawned) ---------------------------------------------------------------- */

/* As uid 1000: another user's 0600 file and root's directory are off limits. */
static int mode_stranger(void)
{
	if (setuid(1000) < 0)
		return 3;
	char buf[64];
	if (get_file(M "/secret", buf, sizeof buf) >= 0 || errno != EACCES)
		return 1;
	if (put_file(M "/rootdir/intruder", "x", 0644) == 0 || errno != EACCES)
		return 2;
	if (put_file(M "/home/user/mine", "ok", 0600) < 0)
		return 4;
	int fd = open(M, O_RDONLY);
	int32_t force = 1;
	if (fd < 0 || devctl(fd, DCMD_FSYS_UMOUNT, &force, sizeof force, NULL) != EPERM)
		return 5;
	close(fd);
	return 0;
}

/* One of several processes at once: random creates, writes, truncates, renames,
 * unlinks, mkdirs and rmdirs in its own directory, checked against a model at the end. */
#define SFILES	8
static int mode_stresser(const char *dir, unsigned seed)
{
	static uint8_t buf[20000];
	static uint8_t model[SFILES][60000];
	size_t size[SFILES];
	int exists[SFILES], sub = 0;
	char p[128], q[128];
	if (mkdir(dir, 0755) < 0)
		return 1;
	memset(exists, 0, sizeof exists);
	memset(size, 0, sizeof size);
	for (int step = 0; step < 400; step++) {
		seed = seed * 1103515245u + 12345u;
		int i = (int)((seed >> 8) % SFILES), what = (int)((seed >> 16) % 6);
		snprintf(p, sizeof p, "%s/f%d", dir, i);
		if (!exists[i]) {
			int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0644);
			if (fd < 0)
				return 2;
			close(fd);
			exists[i] = 1;
			size[i] = 0;
		} else if (what <= 1) {
			size_t off = (seed >> 4) % 40000, len = (seed >> 12) % sizeof buf;
			for (size_t k = 0; k < len; k++)
				buf[k] = (uint8_t)(seed + k * 7);
			int fd = open(p, O_WRONLY);
			if (fd < 0 || lseek(fd, (off_t)off, SEEK_SET) != (off_t)off ||
			    write(fd, buf, len) != (ssize_t)len)
				return 3;
			close(fd);
			if (off > size[i])
				memset(model[i] + size[i], 0, off - size[i]);
			memcpy(model[i] + off, buf, len);
			if (off + len > size[i])
				size[i] = off + len;
		} else if (what == 2) {
			size_t n = (seed >> 6) % 50000;
			if (truncate(p, (off_t)n) < 0)
				return 4;
			if (n > size[i])
				memset(model[i] + size[i], 0, n - size[i]);
			size[i] = n;
		} else if (what == 3) {
			int j = (int)((seed >> 20) % SFILES);
			snprintf(q, sizeof q, "%s/f%d", dir, j);
			if (rename(p, q) < 0)
				return 5;
			if (i != j) {
				memcpy(model[j], model[i], size[i]);
				size[j] = size[i];
				exists[j] = 1;
				exists[i] = 0;
			}
		} else if (what == 4) {
			if (unlink(p) < 0)
				return 6;
			exists[i] = 0;
		} else {
			snprintf(q, sizeof q, "%s/sub", dir);
			if ((sub ? rmdir(q) : mkdir(q, 0755)) < 0)
				return 7;
			sub = !sub;
		}
	}
	static uint8_t got[60001];
	for (int i = 0; i < SFILES; i++) {
		snprintf(p, sizeof p, "%s/f%d", dir, i);
		int fd = open(p, O_RDONLY);
		if (!exists[i]) {
			if (fd >= 0 || errno != ENOENT)
				return 8;
			continue;
		}
		ssize_t n = fd < 0 ? -1 : read(fd, got, sizeof got);
		close(fd);
		if (n != (ssize_t)size[i] || memcmp(got, model[i], size[i]) != 0)
			return 9;
	}
	return 0;
}

/* --- Groups -------------------------------------------------------------------------------- */

static void t_read_host_files(void)
{
	static char buf[400000];
	begin("read_host_files");
	CHECK(get_file(M "/hello.txt", buf, sizeof buf) == 12 && strcmp(buf, "hello, ext2\n") == 0);
	ssize_t n = get_file(M "/dir/numbers", buf, sizeof buf);
	CHECK(n > 300000);
	int ok = n > 0, line = 1;
	for (char *p = buf; ok && *p; line++) {
		char *e;
		long v = strtol(p, &e, 10);
		ok = v == line && *e == '\n';
		p = e + 1;
	}
	CHECK(ok && line == 60001);
	CHECK(get_file(M "/link", buf, sizeof buf) == 12);
	CHECK(readlink(M "/link", buf, sizeof buf) == 9 && memcmp(buf, "hello.txt", 9) == 0);
	struct stat st;
	CHECK(lstat(M "/link", &st) == 0 && S_ISLNK(st.st_mode));
	CHECK(stat(M "/dir", &st) == 0 && S_ISDIR(st.st_mode) && st.st_nlink == 2);
	DIR *d = opendir(M);
	int seen = 0;
	struct dirent *de;
	while (d && (de = readdir(d)))
		seen += strcmp(de->d_name, "hello.txt") == 0 || strcmp(de->d_name, "dir") == 0 ||
			strcmp(de->d_name, "lost+found") == 0;
	if (d)
		closedir(d);
	CHECK(seen == 3);
	end();
}

static void t_write(void)
{
	static char buf[256];
	struct stat st;
	begin("write");
	CHECK(mkdir(M "/new", 0755) == 0);
	CHECK(mkdir(M "/new", 0755) < 0 && errno == EEXIST);
	CHECK(write_pattern(M "/new/big", 3 << 20, 5) == 0);
	CHECK(check_pattern(M "/new/big", 3 << 20, 5) == 0);
	CHECK(stat(M "/new/big", &st) == 0 && st.st_size == 3 << 20 && st.st_blocks >= 6144);
	CHECK(rename(M "/new/big", M "/big") == 0);
	CHECK(check_pattern(M "/big", 3 << 20, 5) == 0);
	CHECK(link(M "/big", M "/new/big-again") == 0);
	CHECK(stat(M "/big", &st) == 0 && st.st_nlink == 2);
	CHECK(symlink(M "/hello.txt", M "/new/abs") == 0);
	CHECK(get_file(M "/new/abs", buf, sizeof buf) == 12);
	CHECK(symlink("../dir", M "/new/rel") == 0);
	CHECK(stat(M "/new/rel/numbers", &st) == 0 && st.st_size > 300000);
	int fd = open(M "/big", O_RDWR);
	CHECK(fd >= 0 && ftruncate(fd, 100000) == 0);
	close(fd);
	CHECK(check_pattern(M "/new/big-again", 100000, 5) == 0);
	CHECK(unlink(M "/new/big-again") == 0);
	CHECK(rmdir(M "/new") < 0 && errno == ENOTEMPTY);
	CHECK(unlink(M "/new/abs") == 0 && unlink(M "/new/rel") == 0 && rmdir(M "/new") == 0);
	CHECK(put_file(M "/kept", "written inside QSOE\n", 0644) == 0);
	end();
}

static void t_permissions(void)
{
	begin("permissions");
	CHECK(put_file(M "/secret", "root only\n", 0600) == 0);
	CHECK(mkdir(M "/rootdir", 0755) == 0);
	CHECK(mkdir(M "/home", 0755) == 0 && mkdir(M "/home/user", 0755) == 0);
	CHECK(chown(M "/home/user", 1000, 1000) == 0);
	char *argv[] = { "ext2test", "stranger", NULL };
	pid_t pid = spawn(SELF, argv);
	CHECK(pid > 0 && wait_exit(pid) == 0);
	struct stat st;
	CHECK(stat(M "/home/user/mine", &st) == 0 && st.st_uid == 1000 && (st.st_mode & 0777) == 0600);
	end();
}

static void t_two_writers(void)
{
	begin("two_writers");
	char *a[] = { "ext2test", "writer", M "/w1", "1", NULL };
	char *b[] = { "ext2test", "writer", M "/w2", "2", NULL };
	pid_t p1 = spawn(SELF, a), p2 = spawn(SELF, b);
	CHECK(p1 > 0 && p2 > 0);
	CHECK(wait_exit(p1) == 0 && wait_exit(p2) == 0);
	CHECK(check_pattern(M "/w1", 2 << 20, 1) == 0 && check_pattern(M "/w2", 2 << 20, 2) == 0);
	end();
}

static void t_stress(void)
{
	begin("stress_4_processes");
	pid_t pids[4];
	for (int k = 0; k < 4; k++) {
		char dir[32], seed[16];
		snprintf(dir, sizeof dir, M "/stress%d", k);
		snprintf(seed, sizeof seed, "%d", 100 + k);
		char *argv[] = { "ext2test", "stresser", dir, seed, NULL };
		pids[k] = spawn(SELF, argv);
		CHECK(pids[k] > 0);
	}
	for (int k = 0; k < 4; k++) {
		int st = pids[k] > 0 ? wait_exit(pids[k]) : -1;
		if (st != 0)
			printf("ext2test: stresser %d exited %d\n", k, st);
		CHECK(st == 0);
	}
	end();
}

/* Without sync, written blocks reach the image within the write-back period (5 s): a
 * second, read-only fs-ext2 on the same image file sees them. */
static void t_writeback(void)
{
	static char buf[256];
	begin("periodic_writeback");
	CHECK(put_file(M "/unsynced", "no sync needed\n", 0644) == 0);
	sleep(7);
	pid_t pid = mount_dev(IMG, "/e5", 1);
	CHECK(pid > 0);
	CHECK(get_file("/e5/unsynced", buf, sizeof buf) > 0 && strcmp(buf, "no sync needed\n") == 0);
	CHECK(umount_at("/e5", pid, 0) == 0);
	end();
}

static void t_statvfs_umount(pid_t *srv)
{
	struct _fsys_statvfs a, b;
	begin("statvfs_umount");
	CHECK(mounted(&a));
	CHECK(a.f_bsize == 1024 && a.f_blocks == 6144 && a.f_bfree < a.f_blocks);
	CHECK(unlink(M "/w1") == 0);
	CHECK(mounted(&b) && b.f_bfree > a.f_bfree + 2000);
	int fd = open(M "/hello.txt", O_RDONLY);
	int32_t no = 0;
	CHECK(fd >= 0);
	int dfd = open(M, O_RDONLY);
	CHECK(devctl(dfd, DCMD_FSYS_UMOUNT, &no, sizeof no, NULL) == EBUSY);
	close(dfd);
	close(fd);
	CHECK(umount_fs(*srv, 0) == 0);
	CHECK(open(M "/hello.txt", O_RDONLY) < 0);
	end();
}

static void t_remount_readonly(void)
{
	static char buf[256];
	begin("remount_readonly");
	pid_t pid = mount_fs(1);
	CHECK(pid > 0);
	CHECK(get_file(M "/kept", buf, sizeof buf) > 0 && strcmp(buf, "written inside QSOE\n") == 0);
	CHECK(check_pattern(M "/big", 100000, 5) == 0);
	CHECK(check_pattern(M "/w2", 2 << 20, 2) == 0);
	CHECK(put_file(M "/nope", "x", 0644) < 0 && errno == EROFS);
	CHECK(umount_fs(pid, 0) == 0);
	end();
}

/* fs-ext2 on a block device (blkram: the DCMD_BLK_* devctls, a shared memory area). */
static void t_block_device(void)
{
	static char buf[256];
	begin("block_device");
	char *argv[] = { "blkram", IMG, "/dev/ram0", NULL };
	pid_t ram = spawn("/proc/boot/blkram", argv);
	int fd = -1;
	for (int i = 0; ram > 0 && i < 500 && (fd = open("/dev/ram0", O_RDONLY)) < 0; i++)
		usleep(10000);
	CHECK(ram > 0 && fd >= 0);
	close(fd);
	pid_t srv = mount_dev("/dev/ram0", "/e4", 0);
	CHECK(srv > 0);
	CHECK(get_file("/e4/kept", buf, sizeof buf) > 0 && strcmp(buf, "written inside QSOE\n") == 0);
	CHECK(write_pattern("/e4/via-shm", 1 << 20, 7) == 0);
	CHECK(check_pattern("/e4/via-shm", 1 << 20, 7) == 0);
	CHECK(umount_at("/e4", srv, 0) == 0);	/* its flush writes blkram's memory back */
	CHECK(kill(ram, SIGTERM) == 0 && wait_exit(ram) == 128 + SIGTERM);
	srv = mount_fs(1);
	CHECK(check_pattern(M "/via-shm", 1 << 20, 7) == 0);
	CHECK(umount_fs(srv, 0) == 0);
	end();
}

/* A copy of the image with 4 bytes at off replaced by v. */
static int corrupt_copy(const char *to, off_t off, uint32_t v)
{
	if (copy(IMG, to) < 0)
		return -1;
	int fd = open(to, O_RDWR);
	if (fd < 0)
		return -1;
	ssize_t n = pwrite(fd, &v, sizeof v, off);
	close(fd);
	return n == sizeof v ? 0 : -1;
}

static int mount_status(const char *dev)
{
	char *argv[] = { "fs-ext2", "-r", (char *)dev, "/e3", NULL };
	pid_t pid = spawn(FSEXT2, argv);
	return pid > 0 ? wait_exit(pid) : -1;
}

static void t_refuses(void)
{
	begin("refuses_bad_images");
	CHECK(mount_status("/proc/boot/hello") == 1);
	CHECK(corrupt_copy("/tmp/bad.img", 1024, 12345) == 0);	/* s_inodes_count */
	CHECK(mount_status("/tmp/bad.img") == 1);
	CHECK(unlink("/tmp/bad.img") == 0);
	char *bad[] = { "fs-ext2", "-x", NULL };
	pid_t pid = spawn(FSEXT2, bad);
	CHECK(pid > 0 && wait_exit(pid) == 2);
	struct _fsys_statvfs sv;
	pid = mount_fs(0);			/* and the good one still mounts */
	CHECK(pid > 0 && mounted(&sv));
	CHECK(umount_fs(pid, 0) == 0);
	end();
}

static double secs(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* `ls -l` of a 1,000-file directory: readdir and an lstat of each name. */
static int bench_listing(void)
{
	struct timespec t0, t1;
	char p[300];
	if (mkdir(M "/many", 0755) < 0)
		return 1;
	for (int i = 0; i < 1000; i++) {
		snprintf(p, sizeof p, M "/many/file-%04d", i);
		int fd = open(p, O_WRONLY | O_CREAT, 0644);
		if (fd < 0)
			return 1;
		close(fd);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	DIR *d = opendir(M "/many");
	struct dirent *de;
	struct stat st;
	int n = 0;
	while (d && (de = readdir(d))) {
		snprintf(p, sizeof p, M "/many/%s", de->d_name);
		n += lstat(p, &st) == 0;
	}
	if (d)
		closedir(d);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("bench ext2_ls_l_1000 %d us\n", (int)(secs(&t0, &t1) * 1e6));
	return n == 1002 ? 0 : 1;
}

/* posix_spawn + waitpid of `true` from the ext2 filesystem and from the boot image. */
static int bench_spawn(void)
{
	struct timespec t0, t1;
	const char *from[] = { M "/true", "/proc/boot/true" };
	if (copy("/proc/boot/true", M "/true") < 0 || chmod(M "/true", 0755) < 0)
		return 1;
	for (int k = 0; k < 2; k++) {
		char *argv[] = { "true", NULL };
		clock_gettime(CLOCK_MONOTONIC, &t0);
		int i;
		for (i = 0; i < 20; i++) {
			pid_t pid = spawn(from[k], argv);
			int st = pid < 0 ? -1 : wait_exit(pid);
			if (st != 0) {
				printf("ext2test: spawn %s: %d, %s\n", from[k], st, strerror(errno));
				return 1;
			}
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (i == 20)
			printf("bench spawn_from_%s %d us\n", k ? "bootfs" : "ext2",
			       (int)(secs(&t0, &t1) * 1e6 / 20));
	}
	return 0;
}

/* Raw sequential read of n bytes of the block device at dev through DCMD_BLK_IO and a
 * transfer area, as fs-ext2 reads it. KiB/s, or -1. */
static int raw_read_rate(const char *dev, size_t n)
{
	struct timespec t0, t1;
	const size_t area = 256 * 1024;
	int fd = open(dev, O_RDONLY), sfd = shm_open("/ext2test.raw", O_RDWR | O_CREAT, 0600);
	struct _blk_info info;
	struct _blk_shm shm = { .size = area, .name = "/ext2test.raw" };
	int rate = -1;
	if (fd < 0 || sfd < 0 || ftruncate(sfd, (off_t)area) < 0 ||
	    devctl(fd, DCMD_BLK_INFO, &info, sizeof info, NULL) ||
	    devctl(fd, DCMD_BLK_SHM, &shm, sizeof shm, NULL))
		goto out;
	uint32_t per = (uint32_t)(area / info.block_size);
	if (info.max_blocks && per > info.max_blocks)
		per = info.max_blocks;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (uint64_t lba = 0; lba * info.block_size < n; lba += per) {
		struct _blk_io io = { .op = _BLK_READ, .nblocks = per, .lba = lba };
		if (devctl(fd, DCMD_BLK_IO, &io, sizeof io, NULL))
			goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	rate = (int)(n / 1024 / secs(&t0, &t1));
out:
	close(fd);
	close(sfd);
	shm_unlink("/ext2test.raw");
	return rate;
}

/* Read throughput through fs-ext2 on blkram, from a cold cache, next to raw reads. */
static int bench_vs_raw(void)
{
	static uint8_t buf[65536];
	struct timespec t0, t1;
	size_t total = 4u << 20;
	char *argv[] = { "blkram", IMG, "/dev/ram0", NULL };
	pid_t ram = spawn("/proc/boot/blkram", argv);
	int fd = -1;
	for (int i = 0; ram > 0 && i < 500 && (fd = open("/dev/ram0", O_RDONLY)) < 0; i++)
		usleep(10000);
	close(fd);
	pid_t srv = mount_dev("/dev/ram0", "/e4", 0);
	if (write_pattern("/e4/seq", total, 3) < 0 || umount_at("/e4", srv, 0) != 0)
		return 1;
	srv = mount_dev("/dev/ram0", "/e4", 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fd = open("/e4/seq", O_RDONLY);
	while (fd >= 0 && read(fd, buf, sizeof buf) > 0)
		;
	close(fd);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	int fs_rate = (int)(total / 1024 / secs(&t0, &t1));
	umount_at("/e4", srv, 0);
	int raw = raw_read_rate("/dev/ram0", total);
	kill(ram, SIGTERM);
	wait_exit(ram);
	printf("bench ext2_blk_seq_read %d KiB/s\n", fs_rate);
	printf("bench blk_raw_seq_read %d KiB/s\n", raw);
	if (raw > 0)
		printf("bench ext2_vs_raw_read %d percent\n", (int)(100.0 * fs_rate / raw));
	return raw > 0 ? 0 : 1;
}

/* "ext2test bench": sequential write and read of 4 MiB through the filesystem (on tmpfs). */
static int bench(void)
{
	static uint8_t buf[65536];
	struct timespec t0, t1, t2;
	size_t total = 4u << 20;
	memset(buf, 0x5a, sizeof buf);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int fd = open(M "/bench", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	for (size_t d = 0; fd >= 0 && d < total; d += sizeof buf)
		if (write(fd, buf, sizeof buf) != (ssize_t)sizeof buf)
			return 1;
	fsync(fd);
	close(fd);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fd = open(M "/bench", O_RDONLY);
	while (fd >= 0 && read(fd, buf, sizeof buf) > 0)
		;
	close(fd);
	clock_gettime(CLOCK_MONOTONIC, &t2);
	printf("bench ext2_seq_write %d KiB/s\n", (int)(total / 1024 / secs(&t0, &t1)));
	printf("bench ext2_seq_read %d KiB/s\n", (int)(total / 1024 / secs(&t1, &t2)));
	unlink(M "/bench");
	return bench_listing() || bench_spawn();
}

/* On the boot disk (fs-ext2 on devb-nvme at /, when there is one): sequential write and
 * read of 32 MiB through the filesystem (more than its cache holds, so the read comes from
 * the disk), raw reads of the partition next to it, and spawn of /bin/true from the disk
 * (bench_spawn has /proc/boot/true's). */
static int bench_disk(void)
{
	static uint8_t buf[65536];
	const char *dev = "/dev/nvme0n1p1", *file = "/root/ext2test.bench";
	const size_t total = 32u << 20;
	struct stat st;
	if (stat(dev, &st) < 0 || stat("/bin/true", &st) < 0)
		return 0;		/* no disk in this boot */
	struct timespec t0, t1, t2;
	memset(buf, 0x5a, sizeof buf);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	for (size_t n = 0; fd >= 0 && n < total; n += sizeof buf)
		if (write(fd, buf, sizeof buf) != (ssize_t)sizeof buf)
			return 1;
	if (fd < 0 || fsync(fd) < 0)
		return 1;
	close(fd);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fd = open(file, O_RDONLY);
	size_t got = 0;
	ssize_t r;
	while (fd >= 0 && (r = read(fd, buf, sizeof buf)) > 0)
		got += (size_t)r;
	close(fd);
	clock_gettime(CLOCK_MONOTONIC, &t2);
	unlink(file);
	if (got != total)
		return 1;
	int wr = (int)(total / 1024 / secs(&t0, &t1)), rd = (int)(total / 1024 / secs(&t1, &t2));
	int raw = raw_read_rate(dev, total);
	printf("bench disk_ext2_seq_write %d KiB/s\n", wr);
	printf("bench disk_ext2_seq_read %d KiB/s\n", rd);
	printf("bench disk_nvme_raw_seq_read %d KiB/s\n", raw);
	if (raw > 0)
		printf("bench disk_ext2_vs_raw_read %d percent\n", (int)(100.0 * rd / raw));
	char *argv[] = { "true", NULL };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < 20; i++)
		if (wait_exit(spawn("/bin/true", argv)) != 0)
			return 1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("bench spawn_from_disk %d us\n", (int)(secs(&t0, &t1) * 1e6 / 20));
	return raw > 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "stranger") == 0)
		return mode_stranger();
	if (argc == 4 && strcmp(argv[1], "stresser") == 0)
		return mode_stresser(argv[2], (unsigned)atoi(argv[3]));
	if (argc == 4 && strcmp(argv[1], "writer") == 0)
		return write_pattern(argv[2], 2 << 20, (unsigned)atoi(argv[3])) == 0 ? 0 : 1;
	if (argc > 2 || (argc == 2 && strcmp(argv[1], "bench") != 0)) {
		fprintf(stderr, "usage: ext2test [bench]\n");
		return 2;
	}
	if (copy("/proc/boot/ext2test.img", IMG) < 0) {
		printf("ext2test: cannot copy the image: %s\n", strerror(errno));
		printf("ext2test: 1 failures\n");
		return 1;
	}
	pid_t srv = mount_fs(0);
	if (argc == 2) {
		int r = bench();
		umount_fs(srv, 1);
		r = r || bench_vs_raw();	/* on the image, now that nobody else has it */
		return r || bench_disk();
	}
	t_read_host_files();
	t_write();
	t_permissions();
	t_two_writers();
	t_stress();
	t_writeback();
	t_statvfs_umount(&srv);
	t_remount_readonly();
	t_block_device();
	t_refuses();
	printf("ext2test: %d failures\n", failures);
	return failures ? 1 : 0;
}
