/* blkdev.c: fs-ext2's block device on QSOE: a devb-* device (bulk through shared memory) or a file. */
/*
 * A block device (DCMD_BLK_INFO answers) gets a shared memory transfer area registered
 * with DCMD_BLK_SHM; each read or write then is one DCMD_BLK_IO per area-full, the data
 * copied between the area and the cache. Anything else (a plain file, e.g. an image in
 * /tmp: DCMD_BLK_INFO fails with ENOTTY) is read and written with pread/pwrite in
 * 512-byte blocks.
 */
#include "blkdev.h"

#include <devctl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define AREA_BYTES	(256 * 1024)

static struct blkdev {
	struct ext2_dev	dev;
	int		fd;
	uint8_t		*area;		/* the transfer area, or NULL: pread/pwrite */
	uint32_t	area_blocks;	/* blocks one DCMD_BLK_IO moves at most */
	char		shm_name[48];
} bd;

static int blk_io(uint32_t op, uint64_t lba, uint32_t n)
{
	struct _blk_io io = { .op = op, .nblocks = n, .lba = lba, .offset = 0 };
	int ret = 0, e = devctl(bd.fd, DCMD_BLK_IO, &io, sizeof io, &ret);
	return e ? -e : (ret ? -EIO : 0);
}

static int shm_read(struct ext2_dev *d, uint64_t lba, uint32_t n, void *buf)
{
	uint8_t *dst = buf;
	while (n) {
		uint32_t k = n < bd.area_blocks ? n : bd.area_blocks;
		int r = blk_io(_BLK_READ, lba, k);
		if (r < 0)
			return r;
		memcpy(dst, bd.area, (size_t)k * d->block_size);
		dst += (size_t)k * d->block_size;
		lba += k;
		n -= k;
	}
	return 0;
}

static int shm_write(struct ext2_dev *d, uint64_t lba, uint32_t n, const void *buf)
{
	const uint8_t *src = buf;
	while (n) {
		uint32_t k = n < bd.area_blocks ? n : bd.area_blocks;
		memcpy(bd.area, src, (size_t)k * d->block_size);
		int r = blk_io(_BLK_WRITE, lba, k);
		if (r < 0)
			return r;
		src += (size_t)k * d->block_size;
		lba += k;
		n -= k;
	}
	return 0;
}

static int shm_flush(struct ext2_dev *d)
{
	int e = devctl(bd.fd, DCMD_BLK_FLUSH, NULL, 0, NULL);
	return e ? -e : 0;
}

static int file_read(struct ext2_dev *d, uint64_t lba, uint32_t n, void *buf)
{
	size_t len = (size_t)n * d->block_size;
	ssize_t got = pread(bd.fd, buf, len, (off_t)(lba * d->block_size));
	return got == (ssize_t)len ? 0 : -EIO;
}

static int file_write(struct ext2_dev *d, uint64_t lba, uint32_t n, const void *buf)
{
	size_t len = (size_t)n * d->block_size;
	ssize_t put = pwrite(bd.fd, buf, len, (off_t)(lba * d->block_size));
	return put == (ssize_t)len ? 0 : -EIO;
}

static int file_flush(struct ext2_dev *d)
{
	return fsync(bd.fd) == 0 || errno == ENOSYS ? 0 : -EIO;
}

/* The transfer area: a shared memory object the driver maps too. 0 or -errno. */
static int area_setup(const struct _blk_info *info)
{
	snprintf(bd.shm_name, sizeof bd.shm_name, "/fs-ext2.%d", (int)getpid());
	int fd = shm_open(bd.shm_name, O_RDWR | O_CREAT, 0600);
	if (fd < 0)
		return -errno;
	void *p = MAP_FAILED;
	if (ftruncate(fd, AREA_BYTES) == 0)
		p = mmap(NULL, AREA_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		shm_unlink(bd.shm_name);
		return -ENOMEM;
	}
	struct _blk_shm shm = { .size = AREA_BYTES };
	strcpy(shm.name, bd.shm_name);
	int e = devctl(bd.fd, DCMD_BLK_SHM, &shm, sizeof shm, NULL);
	if (e) {
		munmap(p, AREA_BYTES);
		shm_unlink(bd.shm_name);
		return -e;
	}
	bd.area = p;
	bd.area_blocks = AREA_BYTES / info->block_size;
	if (info->max_blocks && bd.area_blocks > info->max_blocks)
		bd.area_blocks = info->max_blocks;
	return 0;
}

struct ext2_dev *blkdev_open(const char *path, int rdonly)
{
	struct _blk_info info;
	bd.fd = open(path, rdonly ? O_RDONLY : O_RDWR);
	if (bd.fd < 0)
		return NULL;
	memset(&info, 0, sizeof info);
	if (devctl(bd.fd, DCMD_BLK_INFO, &info, sizeof info, NULL) == 0 && info.block_size &&
	    area_setup(&info) == 0) {
		bd.dev = (struct ext2_dev){ shm_read, shm_write, shm_flush, info.block_size,
					    info.nblocks, &bd };
		return &bd.dev;
	}
	off_t end = lseek(bd.fd, 0, SEEK_END);
	if (end < 0) {
		close(bd.fd);
		return NULL;
	}
	bd.dev = (struct ext2_dev){ file_read, file_write, file_flush,
				    info.block_size ? info.block_size : 512,
				    (uint64_t)end / (info.block_size ? info.block_size : 512), &bd };
	return &bd.dev;
}

void blkdev_close(struct ext2_dev *d)
{
	if (bd.area) {
		munmap(bd.area, AREA_BYTES);
		shm_unlink(bd.shm_name);
		bd.area = NULL;
	}
	close(bd.fd);
}
