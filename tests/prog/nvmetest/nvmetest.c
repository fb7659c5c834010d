/* nvmetest: PCI enumeration and devb-nvme's block devices, checked from a client. */
/*
 * Run as `run=nvmetest` (scenario nvme-*): prints `check NAME: PASS|FAIL` lines and
 * `nvmetest: N failures`. `run=nvmetest,bench` prints `bench nvme_read_seq N insns` (per
 * MiB read through the shared-memory path) instead. Writes go only to the blocks between
 * the GPT's first usable LBA and the first partition (34..2047 on our images), which no
 * filesystem uses; the run boots use a copy-on-write disk anyway. Children are nvmetest
 * again with a role in argv[1].
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <devctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/neutrino.h>
#include <sys/iomsg.h>
#include "pci.h"

#define BS	512
#define NTHREAD	8
#define SHM_SZ	(1u << 20)
#ifndef EOK
#define EOK 0
#endif

static int failures;
static uint64_t gap_lo, gap_hi;		/* free blocks [gap_lo, gap_hi) of nvme0n1 */

static void check(const char *name, int ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
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

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* The byte pattern of block lba in round r. */
static void fill(uint8_t *b, uint64_t lba, uint32_t n, uint32_t r)
{
	for (uint32_t k = 0; k < n; k++)
		for (int i = 0; i < BS; i++)
			b[k * BS + i] = (uint8_t)((lba + k) * 131 + (uint64_t)i * 7 + r * 29 + (i >> 8));
}

static int blk_info(int fd, struct _blk_info *bi)
{
	memset(bi, 0, sizeof *bi);
	return devctl(fd, DCMD_BLK_INFO, bi, sizeof *bi, NULL);
}

/* A transfer area of size bytes under name, registered with fd: its mapping, or NULL. */
static uint8_t *shm_area(int fd, const char *name, size_t size)
{
	int s = shm_open(name, O_RDWR | O_CREAT, 0600);
	if (s < 0 || ftruncate(s, (off_t)size) < 0)
		return NULL;
	uint8_t *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, s, 0);
	close(s);
	struct _blk_shm bs = { .size = size };
	snprintf(bs.name, sizeof bs.name, "%s", name);
	if (m == MAP_FAILED || devctl(fd, DCMD_BLK_SHM, &bs, sizeof bs, NULL) != EOK)
		return NULL;
	return m;
}

static int blk_io(int fd, int op, uint64_t lba, uint32_t n, uint64_t off)
{
	struct _blk_io io = { .op = (uint32_t)op, .nblocks = n, .lba = lba, .offset = off };
	return devctl(fd, DCMD_BLK_IO, &io, sizeof io, NULL);
}

static void test_pci(void)
{
	static struct pci_host h;
	int n = pci_host_open(&h) == 0 ? pci_scan(&h) : -1;
	struct pci_dev *d = n > 0 ? pci_find(&h, NULL, 0xffff, 0xffff, 0x010802) : NULL;
	check("pci-finds-nvme-controller", d && d->vendor == 0x1b36 && d->device == 0x0010 &&
	      d->bar[0].cpu != 0 && d->irq >= 32 && d->irq <= 35,
	      "(%d functions, %p)", n, (void *)d);
}

/* Sizes: nvme0n1 from the controller, p1 from the GPT read here directly. */
static void test_sizes(int fd, int p1)
{
	struct _blk_info bi, pi;
	struct stat st;
	uint8_t hdr[BS], ent[BS], a[BS], b[BS];
	int ok = blk_info(fd, &bi) == EOK && fstat(fd, &st) == 0 && bi.block_size == BS &&
		 (uint64_t)st.st_size == bi.nblocks * BS && S_ISBLK(st.st_mode) && bi.start == 0 &&
		 bi.max_blocks >= 8;
	check("nvme0n1-info-and-size", ok, "(%u x %llu, max %u, '%s')", bi.block_size,
	      (unsigned long long)bi.nblocks, bi.max_blocks, bi.model);
	ok = pread(fd, hdr, BS, BS) == BS && memcmp(hdr, "EFI PART", 8) == 0 &&
	     pread(fd, ent, BS, (off_t)le64(hdr + 72) * BS) == BS;
	uint64_t first = ok ? le64(ent + 32) : 0, last = ok ? le64(ent + 40) : 0;
	gap_lo = ok ? le64(hdr + 40) : 0;
	gap_hi = first;
	ok = ok && blk_info(p1, &pi) == EOK && pi.start == first &&
	     pi.nblocks == last - first + 1 && fstat(p1, &st) == 0 &&
	     (uint64_t)st.st_size == pi.nblocks * BS;
	check("p1-matches-gpt-entry", ok, "(start %llu, %llu blocks)",
	      (unsigned long long)pi.start, (unsigned long long)pi.nblocks);
	ok = ok && pread(p1, a, BS, 0) == BS && pread(fd, b, BS, (off_t)first * BS) == BS &&
	     memcmp(a, b, BS) == 0;
	check("p1-block-0-is-disk-block-start", ok, NULL);
	check("free-gap-before-p1", gap_hi > gap_lo + 256, "(%llu..%llu)",
	      (unsigned long long)gap_lo, (unsigned long long)gap_hi);
}

/* pwrite then pread at many LBAs and lengths in the gap. */
static void test_rw_messages(int fd)
{
	static uint8_t w[64 * BS], r[64 * BS];
	int bad = 0, i;
	for (i = 0; i < 120 && !bad; i++) {
		uint32_t n = 1 + (uint32_t)(i * 7) % 64;
		uint64_t lba = gap_lo + (uint64_t)(i * 97) % (gap_hi - gap_lo - n);
		fill(w, lba, n, (uint32_t)i);
		if (pwrite(fd, w, n * BS, (off_t)lba * BS) != (ssize_t)(n * BS) ||
		    pread(fd, r, n * BS, (off_t)lba * BS) != (ssize_t)(n * BS) ||
		    memcmp(w, r, n * BS) != 0)
			bad = i + 1;
	}
	check("pwrite-pread-120-patterns", !bad, "(round %d, errno %d)", bad - 1, errno);
}

/* pread until len bytes are in (a read message moves at most 64 KiB): 0 or -1. */
static int read_at(int fd, uint8_t *buf, size_t len, uint64_t off)
{
	for (size_t got = 0; got < len; ) {
		ssize_t n = pread(fd, buf + got, len - got, (off_t)(off + got));
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

/* DCMD_BLK_IO through a shm area: odd offsets, PRP lists, cross-checked with pread. */
static void test_shm(int fd)
{
	uint8_t *m = shm_area(fd, "/nvmetest-shm", SHM_SZ);
	check("blk-shm-register", m != NULL, "(%d)", errno);
	if (m == NULL)
		return;
	static uint8_t r[256 * BS];
	const uint32_t sizes[] = { 1, 7, 8, 9, 16, 64, 255, 256 };
	int bad = 0;
	for (int i = 0; i < 8 && !bad; i++) {
		uint32_t n = sizes[i];
		uint64_t lba = gap_lo + (uint64_t)i * 3;
		uint64_t off = (uint64_t)i * BS;	/* not page-aligned for odd i */
		fill(m + off, lba, n, 100 + (uint32_t)i);
		memset(m + SHM_SZ / 2, 0, n * BS);
		if (blk_io(fd, _BLK_WRITE, lba, n, off) != EOK ||
		    blk_io(fd, _BLK_READ, lba, n, SHM_SZ / 2) != EOK ||
		    memcmp(m + off, m + SHM_SZ / 2, n * BS) != 0 ||
		    read_at(fd, r, n * BS, lba * BS) < 0 || memcmp(r, m + off, n * BS) != 0)
			bad = i + 1;
	}
	check("blk-io-write-read-prp-lists", !bad, "(size %u, errno %d)", bad ? sizes[bad - 1] : 0,
	      errno);
	check("blk-flush", devctl(fd, DCMD_BLK_FLUSH, NULL, 0, NULL) == EOK, NULL);
	munmap(m, SHM_SZ);
	shm_unlink("/nvmetest-shm");
}

/* Partition bounds and bad requests. */
static void test_bounds(int fd, int p1)
{
	struct _blk_info pi;
	uint8_t *m = shm_area(p1, "/nvmetest-bounds", 64 * 1024);
	uint8_t b[BS];
	if (m == NULL || blk_info(p1, &pi) != EOK) {
		check("bounds-setup", 0, "(%d)", errno);
		return;
	}
	check("blk-io-last-block-ok", blk_io(p1, _BLK_READ, pi.nblocks - 1, 1, 0) == EOK, NULL);
	check("blk-io-past-end-einval", blk_io(p1, _BLK_READ, pi.nblocks, 1, 0) == EINVAL, NULL);
	check("blk-io-across-end-einval", blk_io(p1, _BLK_READ, pi.nblocks - 1, 2, 0) == EINVAL, NULL);
	check("blk-io-beyond-area-einval", blk_io(p1, _BLK_READ, 0, 3, 63 * 1024) == EINVAL, NULL);
	check("blk-io-unaligned-offset-einval", blk_io(p1, _BLK_READ, 0, 1, 100) == EINVAL, NULL);
	check("blk-io-too-many-blocks-einval", blk_io(p1, _BLK_READ, 0, pi.max_blocks + 1, 0) ==
	      EINVAL, NULL);
	check("blk-io-bad-op-einval", blk_io(p1, 7, 0, 1, 0) == EINVAL, NULL);
	errno = 0;
	check("pread-past-end-einval", pread(p1, b, BS, (off_t)(pi.nblocks + 1) * BS) == -1 &&
	      errno == EINVAL, "(%d)", errno);
	check("pread-at-end-eof", pread(p1, b, BS, (off_t)pi.nblocks * BS) == 0, NULL);
	errno = 0;
	check("pwrite-at-end-einval", pwrite(p1, b, BS, (off_t)pi.nblocks * BS) == -1 &&
	      errno == EINVAL, "(%d)", errno);
	errno = 0;
	check("pread-unaligned-einval", pread(fd, b, 100, 0) == -1 && errno == EINVAL, "(%d)",
	      errno);
	int ro = open("/dev/nvme0n1p1", O_RDONLY);
	uint8_t *m2 = ro >= 0 ? shm_area(ro, "/nvmetest-ro", 4096) : NULL;
	check("blk-io-write-on-readonly-open-ebadf", m2 && blk_io(ro, _BLK_WRITE, 0, 1, 0) == EBADF,
	      NULL);
	close(ro);
	shm_unlink("/nvmetest-ro");
	shm_unlink("/nvmetest-bounds");
}

/* Threads, each with its own open, area and blocks, all at once: many commands in flight. */
struct worker {
	int id, bad, done;
};

static void *worker(void *arg)
{
	struct worker *w = arg;
	char name[32];
	snprintf(name, sizeof name, "/nvmetest-w%d", w->id);
	int fd = open("/dev/nvme0n1", O_RDWR);
	uint8_t *m = fd >= 0 ? shm_area(fd, name, 64 * 1024) : NULL;
	uint64_t span = (gap_hi - gap_lo) / NTHREAD, base = gap_lo + span * (uint64_t)w->id;
	if (m == NULL) {
		w->bad = -1;
		return NULL;
	}
	for (int r = 0; r < 40 && !w->bad; r++) {
		uint32_t n = 1 + (uint32_t)(r + w->id) % 32;
		uint64_t lba = base + (uint64_t)(r * 13) % (span - n);
		fill(m, lba, n, (uint32_t)(1000 + r * NTHREAD + w->id));
		memset(m + 32 * 1024, 0, n * BS);
		if (blk_io(fd, _BLK_WRITE, lba, n, 0) != EOK ||
		    blk_io(fd, _BLK_READ, lba, n, 32 * 1024) != EOK ||
		    memcmp(m, m + 32 * 1024, n * BS) != 0)
			w->bad = r + 1;
		w->done++;
	}
	close(fd);
	shm_unlink(name);
	return NULL;
}

static void test_threads(void)
{
	pthread_t t[NTHREAD];
	struct worker w[NTHREAD];
	int bad = 0, done = 0;
	for (int i = 0; i < NTHREAD; i++) {
		w[i] = (struct worker){ .id = i };
		if (pthread_create(&t[i], NULL, worker, &w[i]) != 0)
			w[i].bad = -2;
	}
	for (int i = 0; i < NTHREAD; i++) {
		if (w[i].bad != -2)
			pthread_join(t[i], NULL);
		bad |= w[i].bad;
		done += w[i].done;
	}
	check("threads-in-flight-8x40-write-read", !bad && done == NTHREAD * 40, "(%d done)", done);
}

/* A child that gave up root may not open the disk. */
static void test_nonroot(void)
{
	char *argv[] = { "nvmetest", "nonroot", NULL };
	pid_t pid;
	int st = -1;
	int ok = posix_spawn(&pid, "/proc/boot/nvmetest", NULL, NULL, argv, NULL) == 0 &&
		 waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
	check("non-root-open-eacces", ok, "(status %#x)", st);
}

static int nonroot_child(void)
{
	if (setuid(100) != 0)
		return 3;
	errno = 0;
	int fd = open("/dev/nvme0n1", O_RDONLY);
	int e1 = errno;
	errno = 0;
	int fd2 = open("/dev/nvme0n1p1", O_RDWR);
	int e2 = errno;
	if (fd == -1 && e1 == EACCES && fd2 == -1 && e2 == EACCES)
		return 0;
	fprintf(stderr, "nvmetest: as uid 100: open nvme0n1 %d (%d), nvme0n1p1 %d (%d)\n", fd, e1,
		fd2, e2);
	return 1;
}

static uint64_t cycles(void)
{
	uint64_t v;
	__asm__ __volatile__("rdcycle %0" : "=r"(v));
	return v;
}

/* Sequential reads of p1 through the shm path: instructions per MiB. */
static int bench(int p1)
{
	struct _blk_info pi;
	const uint32_t chunk = 256 * 1024;
	uint8_t *m = blk_info(p1, &pi) == EOK ? shm_area(p1, "/nvmetest-bench", chunk) : NULL;
	uint32_t n = chunk / BS;
	if (m == NULL || pi.max_blocks < n || pi.nblocks < 16 * 2048) {
		printf("nvmetest: bench setup failed (%d)\n", errno);
		return 1;
	}
	uint64_t lba = 0, t0 = cycles();
	for (int i = 0; i < 32; i++, lba += n)	/* 8 MiB */
		if (blk_io(p1, _BLK_READ, lba, n, 0) != EOK) {
			printf("nvmetest: bench read failed (%d)\n", errno);
			return 1;
		}
	printf("bench nvme_read_seq %llu insns\n", (unsigned long long)((cycles() - t0) / 8));
	shm_unlink("/nvmetest-bench");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "nonroot") == 0)
		return nonroot_child();
	/* Close-on-exec: a child holding a connection to the driver would keep root's
	 * credentials on it after setuid (lib/resmgr caches them per connection). */
	int fd = open("/dev/nvme0n1", O_RDWR | O_CLOEXEC);
	int p1 = open("/dev/nvme0n1p1", O_RDWR | O_CLOEXEC);
	if (fd < 0 || p1 < 0) {
		printf("check nvme-devices-open: FAIL (%d)\nnvmetest: 1 failures\n", errno);
		return 1;
	}
	if (argc > 1 && strcmp(argv[1], "bench") == 0)
		return bench(p1);
	if (argc > 1) {
		fprintf(stderr, "usage: nvmetest [bench]\n");
		return 2;
	}
	if (ThreadCtl(_NTO_TCTL_IO, 0) == 0)
		test_pci();
	test_sizes(fd, p1);
	if (gap_hi > gap_lo + 256) {
		test_rw_messages(fd);
		test_shm(fd);
		test_threads();
	}
	test_bounds(fd, p1);
	test_nonroot();
	printf("nvmetest: %d failures\n", failures);
	return failures != 0;
}
