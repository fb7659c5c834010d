/* blkram: a block device in memory for tests (`blkram IMAGE PATH`), speaking the DCMD_BLK_* devctls. */
/*
 * Loads IMAGE (a file, e.g. an ext2 image in /tmp) into memory and serves it at PATH as
 * a devb-* driver would: DCMD_BLK_INFO (512-byte blocks), DCMD_BLK_SHM (the client's
 * transfer area, mapped here by name), DCMD_BLK_IO (blocks between memory and the
 * area), DCMD_BLK_FLUSH (writes the image back to IMAGE). It lets ext2test run fs-ext2's
 * shared-memory path without a disk driver.
 */
#include <devctl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <resmgr.h>

#define BLOCK		512u
#define MAX_BLOCKS	256u

static struct rm_attr node;
static uint8_t *disk;
static uint64_t nblocks;
static const char *image;

/* Each open's transfer area. */
struct area {
	uint8_t	*base;
	size_t	size;
};

static int br_open(struct rm_ctx *ctx, struct _io_connect *msg, const char *path,
		   void *handle, struct rm_attr **attr)
{
	if (path[0])
		return -ENOENT;
	int r = rm_open_access(ctx, msg, &node);
	if (r < 0)
		return r;
	*attr = &node;
	return 0;
}

static void br_close_ocb(struct rm_ctx *ctx, struct rm_ocb *ocb)
{
	struct area *a = ocb->data;
	if (a) {
		munmap(a->base, a->size);
		free(a);
	}
}

static int set_area(struct rm_ocb *ocb, const struct _blk_shm *s)
{
	char name[sizeof s->name + 1];
	memcpy(name, s->name, sizeof s->name);
	name[sizeof s->name] = 0;
	if (s->size == 0 || s->size % BLOCK)
		return -EINVAL;
	int fd = shm_open(name, O_RDWR, 0);
	if (fd < 0)
		return -errno;
	void *p = mmap(NULL, s->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -ENOMEM;
	struct area *a = malloc(sizeof *a);
	if (!a) {
		munmap(p, s->size);
		return -ENOMEM;
	}
	br_close_ocb(NULL, ocb);
	a->base = p;
	a->size = s->size;
	ocb->data = a;
	return 0;
}

static int do_io(struct rm_ocb *ocb, const struct _blk_io *io)
{
	struct area *a = ocb->data;
	uint64_t len = (uint64_t)io->nblocks * BLOCK;
	if (!a)
		return -EINVAL;
	if (io->nblocks == 0 || io->nblocks > MAX_BLOCKS || io->lba > nblocks ||
	    io->nblocks > nblocks - io->lba || io->offset % BLOCK || io->offset > a->size ||
	    len > a->size - io->offset)
		return -EINVAL;
	if (io->op == _BLK_READ)
		memcpy(a->base + io->offset, disk + io->lba * BLOCK, len);
	else if (io->op == _BLK_WRITE && (ocb->ioflag & O_ACCMODE) != O_RDONLY)
		memcpy(disk + io->lba * BLOCK, a->base + io->offset, len);
	else
		return io->op == _BLK_WRITE ? -EBADF : -EINVAL;
	return 0;
}

/* The memory back to the image file. */
static int flush(void)
{
	int fd = open(image, O_WRONLY);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, disk, nblocks * BLOCK);
	close(fd);
	return n == (ssize_t)(nblocks * BLOCK) ? 0 : -EIO;
}

static int br_devctl(struct rm_ctx *ctx, struct rm_ocb *ocb, int dcmd, void *data,
		     size_t nbytes, int *ret_val)
{
	*ret_val = 0;
	switch (dcmd) {
	case DCMD_BLK_INFO: {
		struct _blk_info info = { .block_size = BLOCK, .max_blocks = MAX_BLOCKS,
					  .nblocks = nblocks };
		if (nbytes < sizeof info)
			return -EINVAL;
		strcpy(info.model, "blkram");
		memcpy(data, &info, sizeof info);
		return (int)sizeof info;
	}
	case DCMD_BLK_SHM: {
		struct _blk_shm s;
		if (nbytes < sizeof s)
			return -EINVAL;
		memcpy(&s, data, sizeof s);
		return set_area(ocb, &s);
	}
	case DCMD_BLK_IO: {
		struct _blk_io io;
		if (nbytes < sizeof io)
			return -EINVAL;
		memcpy(&io, data, sizeof io);
		return do_io(ocb, &io);
	}
	case DCMD_BLK_FLUSH:
		return flush();
	}
	return -ENOTTY;
}

static const struct rm_funcs funcs = { .open = br_open, .devctl = br_devctl,
				       .close_ocb = br_close_ocb };

int main(int argc, char **argv)
{
	if (argc != 3 || argv[2][0] != '/') {
		fprintf(stderr, "usage: blkram IMAGE PATH\n");
		return 2;
	}
	image = argv[1];
	int fd = open(image, O_RDONLY);
	off_t size = fd < 0 ? -1 : lseek(fd, 0, SEEK_END);
	if (size <= 0 || size % BLOCK || !(disk = malloc((size_t)size)) ||
	    pread(fd, disk, (size_t)size, 0) != size) {
		fprintf(stderr, "blkram: %s: cannot load it\n", image);
		return 1;
	}
	close(fd);
	nblocks = (uint64_t)size / BLOCK;
	rm_attr_init(&node, S_IFBLK | 0600, 0, 0);
	node.size = (uint64_t)size;
	struct resmgr *rm = resmgr_create(&funcs, NULL);
	if (!rm || resmgr_attach(rm, argv[2], _FTYPE_ANY, 0, NULL) < 0) {
		fprintf(stderr, "blkram: attach %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	resmgr_run(rm);
}
