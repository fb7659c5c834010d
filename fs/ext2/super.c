/* super.c: mounting ext2 (checking the superblock and group descriptors), sync, statvfs. */
#include "ext2.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXT2_FEATURE_COMPAT_HAS_JOURNAL	0x0004

static int refuse(char *why, size_t whylen, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return err;
}

/* The superblock's 1 KiB at byte 1024, whatever the device's block size. */
static int read_super(struct ext2_dev *dev, struct ext2_super *sb)
{
	uint32_t bs = dev->block_size;
	uint32_t n = (2048 + bs - 1) / bs;
	uint8_t *buf = malloc((size_t)n * bs);
	if (!buf)
		return -ENOMEM;
	int r = dev->read(dev, 0, n, buf);
	if (r == 0)
		memcpy(sb, buf + EXT2_SB_OFFSET, sizeof *sb);
	free(buf);
	return r;
}

/* The superblock's numbers: are they a filesystem we handle, and self-consistent? */
static int check_super(struct ext2_fs *fs, int rdonly, char *why, size_t whylen)
{
	struct ext2_super *sb = &fs->sb;
	if (sb->s_magic != EXT2_MAGIC)
		return refuse(why, whylen, -EINVAL, "not an ext2 filesystem");
	if (sb->s_feature_compat & EXT2_FEATURE_COMPAT_HAS_JOURNAL)
		return refuse(why, whylen, -EINVAL, "not an ext2 filesystem (it has a journal: ext3/4)");
	if (sb->s_rev_level < 1)
		return refuse(why, whylen, -ENOTSUP, "revision %u ext2 is not supported",
			      sb->s_rev_level);
	if (sb->s_feature_incompat & ~(uint32_t)EXT2_FEATURE_INCOMPAT_FILETYPE)
		return refuse(why, whylen, -ENOTSUP, "unsupported features 0x%x",
			      sb->s_feature_incompat & ~(uint32_t)EXT2_FEATURE_INCOMPAT_FILETYPE);
	if (!rdonly && (sb->s_feature_ro_compat & ~(uint32_t)EXT2_RO_COMPAT_OK))
		return refuse(why, whylen, -ENOTSUP,
			      "unsupported read-only features 0x%x (mount it with -r)",
			      sb->s_feature_ro_compat & ~(uint32_t)EXT2_RO_COMPAT_OK);
	if (sb->s_log_block_size > 5)	/* 64 KiB blocks need rec_len's special coding */
		return refuse(why, whylen, -EINVAL, "unsupported block size (log %u)",
			      sb->s_log_block_size);
	fs->bsize = 1024u << sb->s_log_block_size;
	if (fs->bsize < fs->dev->block_size || fs->bsize % fs->dev->block_size)
		return refuse(why, whylen, -EINVAL, "block size %u does not suit the device's %u",
			      fs->bsize, fs->dev->block_size);
	fs->secs_per_block = fs->bsize / fs->dev->block_size;
	fs->inode_size = sb->s_inode_size;
	fs->ptrs = fs->bsize / 4;
	uint32_t bits = fs->bsize * 8;
	if (fs->inode_size < EXT2_GOOD_OLD_INODE || fs->inode_size > fs->bsize ||
	    (fs->inode_size & (fs->inode_size - 1)))
		return refuse(why, whylen, -EINVAL, "corrupt superblock (inode size %u)",
			      fs->inode_size);
	if (sb->s_blocks_per_group == 0 || sb->s_blocks_per_group > bits ||
	    sb->s_inodes_per_group == 0 || sb->s_inodes_per_group > bits ||
	    sb->s_first_data_block != (fs->bsize == 1024 ? 1u : 0u) ||
	    sb->s_blocks_count <= sb->s_first_data_block)
		return refuse(why, whylen, -EINVAL, "corrupt superblock (group geometry)");
	uint64_t ng = ((uint64_t)sb->s_blocks_count - sb->s_first_data_block +
		       sb->s_blocks_per_group - 1) / sb->s_blocks_per_group;
	if (ng * sb->s_inodes_per_group != sb->s_inodes_count)
		return refuse(why, whylen, -EINVAL, "corrupt superblock (inode count)");
	if (sb->s_free_blocks_count > sb->s_blocks_count ||
	    sb->s_free_inodes_count > sb->s_inodes_count ||
	    sb->s_r_blocks_count > sb->s_blocks_count ||
	    sb->s_first_ino < 11 || sb->s_first_ino >= sb->s_inodes_count)
		return refuse(why, whylen, -EINVAL, "corrupt superblock (counts out of range)");
	if (fs->dev->nblocks &&
	    (uint64_t)sb->s_blocks_count * fs->secs_per_block > fs->dev->nblocks)
		return refuse(why, whylen, -EINVAL, "the filesystem (%u blocks) is larger than the device",
			      sb->s_blocks_count);
	fs->ngroups = (uint32_t)ng;
	fs->gdt_blocks = (uint32_t)((ng * sizeof(struct ext2_group) + fs->bsize - 1) / fs->bsize);
	fs->filetype = !!(sb->s_feature_incompat & EXT2_FEATURE_INCOMPAT_FILETYPE);
	return 0;
}

/* Each group's bitmaps and inode table must lie inside the filesystem, its counts in range. */
static int check_groups(struct ext2_fs *fs, char *why, size_t whylen)
{
	struct ext2_super *sb = &fs->sb;
	uint32_t itb = (sb->s_inodes_per_group * fs->inode_size + fs->bsize - 1) / fs->bsize;
	uint64_t fb = 0, fi = 0;
	for (uint32_t g = 0; g < fs->ngroups; g++) {
		struct ext2_group *gd = &fs->groups[g];
		uint64_t end = sb->s_blocks_count;
		if (gd->bg_block_bitmap < sb->s_first_data_block || gd->bg_block_bitmap >= end ||
		    gd->bg_inode_bitmap < sb->s_first_data_block || gd->bg_inode_bitmap >= end ||
		    gd->bg_inode_table < sb->s_first_data_block ||
		    (uint64_t)gd->bg_inode_table + itb > end ||
		    gd->bg_free_blocks_count > sb->s_blocks_per_group ||
		    gd->bg_free_inodes_count > sb->s_inodes_per_group ||
		    gd->bg_used_dirs_count > sb->s_inodes_per_group)
			return refuse(why, whylen, -EINVAL, "corrupt group descriptor %u", g);
		fb += gd->bg_free_blocks_count;
		fi += gd->bg_free_inodes_count;
	}
	/* the superblock's totals may lag behind (the kernel updates them lazily): use ours */
	sb->s_free_blocks_count = (uint32_t)fb;
	sb->s_free_inodes_count = (uint32_t)fi;
	return 0;
}

static int read_groups(struct ext2_fs *fs)
{
	fs->groups = malloc((size_t)fs->gdt_blocks * fs->bsize);
	if (!fs->groups)
		return -ENOMEM;
	return dev_read_blocks(fs, fs->sb.s_first_data_block + 1, fs->gdt_blocks, fs->groups);
}

int ext2_mount(struct ext2_fs *fs, struct ext2_dev *dev, int rdonly, size_t cache_bytes,
	       uint32_t (*now)(void), char *why, size_t whylen)
{
	memset(fs, 0, sizeof *fs);
	fs->dev = dev;
	fs->rdonly = rdonly;
	fs->now = now;
	if (dev->block_size == 0 || dev->block_size > 65536)
		return refuse(why, whylen, -EINVAL, "bad device block size %u", dev->block_size);
	int r = read_super(dev, &fs->sb);
	if (r < 0)
		return refuse(why, whylen, r, "cannot read the superblock");
	if ((r = check_super(fs, rdonly, why, whylen)) < 0)
		return r;
	if ((r = read_groups(fs)) < 0) {
		free(fs->groups);
		fs->groups = NULL;
		return refuse(why, whylen, r, "cannot read the group descriptors");
	}
	if ((r = check_groups(fs, why, whylen)) < 0 || (r = bc_init(fs, cache_bytes)) < 0) {
		if (r == -ENOMEM)
			refuse(why, whylen, r, "out of memory");
		bc_free(fs);
		free(fs->groups);
		fs->groups = NULL;
		return r;
	}
	if (!rdonly) {
		/* not clean while mounted read-write: a crash leaves it marked for e2fsck */
		fs->was_clean = fs->sb.s_state & EXT2_STATE_VALID;
		fs->sb.s_state &= (uint16_t)~EXT2_STATE_VALID;
		fs->sb.s_mnt_count++;
		fs->sb.s_mtime = now ? now() : 0;
		fs->meta_dirty = 1;
		if ((r = ext2_sync(fs)) < 0) {
			bc_free(fs);
			free(fs->groups);
			fs->groups = NULL;
			return refuse(why, whylen, r, "cannot write the superblock");
		}
	}
	return 0;
}

/* The in-memory descriptors and superblock into their cached blocks. */
static int put_meta(struct ext2_fs *fs)
{
	struct ext2_buf *b;
	int r;
	for (uint32_t i = 0; i < fs->gdt_blocks; i++) {
		if ((r = bc_get(fs, fs->sb.s_first_data_block + 1 + i, 0, &b)) < 0)
			return r;
		memcpy(b->data, (uint8_t *)fs->groups + (size_t)i * fs->bsize, fs->bsize);
		bc_dirty(fs, b);
		bc_put(fs, b);
	}
	uint32_t blk = fs->bsize == 1024 ? 1 : 0, off = fs->bsize == 1024 ? 0 : EXT2_SB_OFFSET;
	if ((r = bc_get(fs, blk, 0, &b)) < 0)
		return r;
	fs->sb.s_wtime = fs->now ? fs->now() : 0;
	memcpy(b->data + off, &fs->sb, sizeof fs->sb);
	bc_dirty(fs, b);
	bc_put(fs, b);
	fs->meta_dirty = 0;
	return 0;
}

int ext2_sync(struct ext2_fs *fs)
{
	if (fs->rdonly)
		return 0;
	int r = fs->meta_dirty ? put_meta(fs) : 0;
	if (r == 0)
		r = bc_flush(fs);
	if (r == 0 && fs->dev->flush)
		r = fs->dev->flush(fs->dev);
	return r;
}

int ext2_unmount(struct ext2_fs *fs)
{
	ext2_release_orphans(fs);
	if (!fs->rdonly && fs->was_clean) {
		fs->sb.s_state |= EXT2_STATE_VALID;
		fs->meta_dirty = 1;
	}
	int r = ext2_sync(fs);
	bc_free(fs);
	free(fs->groups);
	fs->groups = NULL;
	return r;
}

void ext2_statvfs(struct ext2_fs *fs, struct ext2_statvfs *st)
{
	struct ext2_super *sb = &fs->sb;
	st->bsize = fs->bsize;
	st->blocks = sb->s_blocks_count;
	st->bfree = sb->s_free_blocks_count;
	st->bavail = sb->s_free_blocks_count > sb->s_r_blocks_count ?
		     sb->s_free_blocks_count - sb->s_r_blocks_count : 0;
	st->files = sb->s_inodes_count;
	st->ffree = sb->s_free_inodes_count;
}
