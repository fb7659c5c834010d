/* alloc.c: ext2's block and inode allocation from the groups' bitmaps. */
/*
 * A block goes to the group of its goal (the block before it in the file, so files stay
 * contiguous), searching on from the goal, then to the following groups in turn. A new
 * directory's inode goes to the group with the most free blocks among those with at
 * least the average of free inodes (spreading directories); a file's to its parent's
 * group first. Counts in the descriptors and the superblock move with every bit.
 */
#include "ext2.h"

#include <errno.h>
#include <string.h>

int ext2_bad_block(struct ext2_fs *fs, uint32_t blk)
{
	return blk < fs->sb.s_first_data_block || blk >= fs->sb.s_blocks_count;
}

/* Blocks in group g (the last one may be short). */
static uint32_t group_blocks(struct ext2_fs *fs, uint32_t g)
{
	uint32_t first = fs->sb.s_first_data_block + g * fs->sb.s_blocks_per_group;
	uint32_t left = fs->sb.s_blocks_count - first;
	return left < fs->sb.s_blocks_per_group ? left : fs->sb.s_blocks_per_group;
}

/* The first clear bit in [from, n) of the bitmap, or -1. */
static int64_t find_clear(const uint8_t *map, uint32_t from, uint32_t n)
{
	for (uint32_t i = from; i < n;) {
		if ((i & 7) == 0 && map[i >> 3] == 0xff && i + 8 <= n) {
			i += 8;
			continue;
		}
		if (!(map[i >> 3] & (1u << (i & 7))))
			return i;
		i++;
	}
	return -1;
}

/* Take a clear bit of bitmap block `mapblk` ([from, n) first, then [0, from)). */
static int take_bit(struct ext2_fs *fs, uint32_t mapblk, uint32_t from, uint32_t n,
		    uint32_t *bit)
{
	struct ext2_buf *b;
	int r = bc_get(fs, mapblk, 0, &b);
	if (r < 0)
		return r;
	int64_t i = find_clear(b->data, from, n);
	if (i < 0 && from)
		i = find_clear(b->data, 0, from);
	if (i < 0) {
		bc_put(fs, b);
		return -EIO;	/* the descriptor said some were free */
	}
	b->data[i >> 3] |= (uint8_t)(1u << (i & 7));
	bc_dirty(fs, b);
	bc_put(fs, b);
	*bit = (uint32_t)i;
	return 0;
}

/* Clear a set bit; -EIO if it was clear already (a double free: corruption). */
static int clear_bit(struct ext2_fs *fs, uint32_t mapblk, uint32_t i)
{
	struct ext2_buf *b;
	int r = bc_get(fs, mapblk, 0, &b);
	if (r < 0)
		return r;
	uint8_t m = (uint8_t)(1u << (i & 7));
	if (!(b->data[i >> 3] & m)) {
		bc_put(fs, b);
		return -EIO;
	}
	b->data[i >> 3] &= (uint8_t)~m;
	bc_dirty(fs, b);
	bc_put(fs, b);
	return 0;
}

int ext2_balloc(struct ext2_fs *fs, uint32_t goal, uint32_t *out)
{
	struct ext2_super *sb = &fs->sb;
	if (fs->rdonly)
		return -EROFS;
	if (sb->s_free_blocks_count == 0)
		return -ENOSPC;
	if (ext2_bad_block(fs, goal))
		goal = sb->s_first_data_block;
	uint32_t g0 = (goal - sb->s_first_data_block) / sb->s_blocks_per_group;
	for (uint32_t k = 0; k < fs->ngroups; k++) {
		uint32_t g = (g0 + k) % fs->ngroups, bit;
		struct ext2_group *gd = &fs->groups[g];
		if (gd->bg_free_blocks_count == 0)
			continue;
		uint32_t from = k == 0 ? (goal - sb->s_first_data_block) % sb->s_blocks_per_group : 0;
		int r = take_bit(fs, gd->bg_block_bitmap, from, group_blocks(fs, g), &bit);
		if (r < 0)
			return r;
		gd->bg_free_blocks_count--;
		sb->s_free_blocks_count--;
		fs->meta_dirty = 1;
		*out = sb->s_first_data_block + g * sb->s_blocks_per_group + bit;
		return 0;
	}
	return -ENOSPC;
}

int ext2_bfree(struct ext2_fs *fs, uint32_t blk)
{
	struct ext2_super *sb = &fs->sb;
	if (ext2_bad_block(fs, blk))
		return -EIO;
	uint32_t g = (blk - sb->s_first_data_block) / sb->s_blocks_per_group;
	uint32_t bit = (blk - sb->s_first_data_block) % sb->s_blocks_per_group;
	int r = clear_bit(fs, fs->groups[g].bg_block_bitmap, bit);
	if (r < 0)
		return r;
	bc_forget(fs, blk);
	fs->groups[g].bg_free_blocks_count++;
	sb->s_free_blocks_count++;
	fs->meta_dirty = 1;
	return 0;
}

/* The group for a new directory: enough free inodes, the most free blocks. */
static uint32_t dir_group(struct ext2_fs *fs)
{
	uint32_t avg = fs->sb.s_free_inodes_count / fs->ngroups, best = 0, best_blocks = 0;
	for (uint32_t g = 0; g < fs->ngroups; g++) {
		struct ext2_group *gd = &fs->groups[g];
		if (gd->bg_free_inodes_count && gd->bg_free_inodes_count >= avg &&
		    gd->bg_free_blocks_count > best_blocks) {
			best = g;
			best_blocks = gd->bg_free_blocks_count;
		}
	}
	return best;
}

int ext2_ialloc(struct ext2_fs *fs, uint32_t parent_ino, int isdir, uint32_t *out)
{
	struct ext2_super *sb = &fs->sb;
	if (fs->rdonly)
		return -EROFS;
	if (sb->s_free_inodes_count == 0)
		return -ENOSPC;
	uint32_t g0 = isdir ? dir_group(fs) : (parent_ino - 1) / sb->s_inodes_per_group;
	for (uint32_t k = 0; k < fs->ngroups; k++) {
		uint32_t g = (g0 + k) % fs->ngroups, bit;
		struct ext2_group *gd = &fs->groups[g];
		if (gd->bg_free_inodes_count == 0)
			continue;
		int r = take_bit(fs, gd->bg_inode_bitmap, 0, sb->s_inodes_per_group, &bit);
		if (r < 0)
			return r;
		uint32_t ino = g * sb->s_inodes_per_group + bit + 1;
		if (ino < sb->s_first_ino)
			return -EIO;	/* a reserved inode marked free: corrupt bitmap */
		gd->bg_free_inodes_count--;
		sb->s_free_inodes_count--;
		if (isdir)
			gd->bg_used_dirs_count++;
		fs->meta_dirty = 1;
		*out = ino;
		return 0;
	}
	return -ENOSPC;
}

int ext2_ifree(struct ext2_fs *fs, uint32_t ino, int isdir)
{
	struct ext2_super *sb = &fs->sb;
	if (ino < sb->s_first_ino || ino > sb->s_inodes_count)
		return -EIO;
	uint32_t g = (ino - 1) / sb->s_inodes_per_group;
	int r = clear_bit(fs, fs->groups[g].bg_inode_bitmap, (ino - 1) % sb->s_inodes_per_group);
	if (r < 0)
		return r;
	fs->groups[g].bg_free_inodes_count++;
	sb->s_free_inodes_count++;
	if (isdir && fs->groups[g].bg_used_dirs_count)
		fs->groups[g].bg_used_dirs_count--;
	fs->meta_dirty = 1;
	return 0;
}
