/* dir.c: ext2 directories: records {inode, rec_len, name_len, file_type, name} in blocks. */
/*
 * Every block's records cover it exactly. A removed record is merged into the one
 * before it in its block (the first of a block just gets inode 0); a new name goes into
 * the first record with room to spare (split off its tail), else into a new block at
 * the end. Hashed (dir_index) directories read as linear ones, which they also are;
 * changing one drops its index flag, so nobody trusts a stale index. A record that does
 * not fit its block is corruption: -EIO.
 */
#include "ext2.h"

#include <errno.h>
#include <string.h>

#define S_IFMT_	0170000

static int ftype_of(uint32_t mode)
{
	switch (mode & S_IFMT_) {
	case 0100000: return EXT2_FT_REG;
	case 0040000: return EXT2_FT_DIR;
	case 0020000: return EXT2_FT_CHR;
	case 0060000: return EXT2_FT_BLK;
	case 0010000: return EXT2_FT_FIFO;
	case 0140000: return EXT2_FT_SOCK;
	case 0120000: return EXT2_FT_LNK;
	}
	return EXT2_FT_UNKNOWN;
}

static int dtype_of(int ft)
{
	static const int dt[] = { 0, 8, 4, 2, 6, 1, 12, 10 };
	return ft >= 0 && ft < 8 ? dt[ft] : 0;
}

/* Is the record at off a sound one for its block? */
static int rec_ok(struct ext2_fs *fs, const struct ext2_dirent *d, uint32_t off)
{
	return d->rec_len >= 8 && (d->rec_len & 3) == 0 && off + d->rec_len <= fs->bsize &&
	       8u + d->name_len <= d->rec_len;
}

/* A directory position: the block held and the record in it. */
struct dirpos {
	struct ext2_buf	*b;
	uint32_t	off;		/* of the record */
	uint32_t	prev;		/* of the one before it in the block, or off itself */
};

/* Look for name in dir; found: 0 with pos (its block held), else -ENOENT or -EIO. */
static int dir_scan(struct ext2_fs *fs, struct ext2_node *dir, const char *name, size_t len,
		    struct dirpos *pos)
{
	uint64_t nblk = ext2_size(dir) / fs->bsize;
	for (uint64_t i = 0; i < nblk; i++) {
		uint32_t blk;
		struct ext2_buf *b;
		int r = ext2_bmap(fs, dir, i, 0, &blk);
		if (r < 0)
			return r;
		if (blk == 0)
			continue;
		if ((r = bc_get(fs, blk, 0, &b)) < 0)
			return r;
		for (uint32_t off = 0, prev = 0; off < fs->bsize;) {
			struct ext2_dirent *d = (struct ext2_dirent *)(b->data + off);
			if (!rec_ok(fs, d, off)) {
				bc_put(fs, b);
				return -EIO;
			}
			if (d->inode && d->name_len == len && memcmp(d->name, name, len) == 0) {
				pos->b = b;
				pos->off = off;
				pos->prev = prev;
				return 0;
			}
			prev = off;
			off += d->rec_len;
		}
		bc_put(fs, b);
	}
	return -ENOENT;
}

int ext2_dir_find(struct ext2_fs *fs, struct ext2_node *dir, const char *name, size_t len,
		  uint32_t *ino)
{
	struct dirpos pos;
	int r = dir_scan(fs, dir, name, len, &pos);
	if (r < 0)
		return r;
	*ino = ((struct ext2_dirent *)(pos.b->data + pos.off))->inode;
	bc_put(fs, pos.b);
	/* a name for a reserved inode (journal, resize...) other than the root is corrupt */
	if (*ino > fs->sb.s_inodes_count || (*ino < fs->sb.s_first_ino && *ino != EXT2_ROOT_INO))
		return -EIO;
	return 0;
}

static void fill(struct ext2_fs *fs, struct ext2_dirent *d, const char *name, size_t len,
		 uint32_t ino, uint32_t mode)
{
	d->inode = ino;
	d->name_len = (uint8_t)len;
	d->file_type = fs->filetype ? (uint8_t)ftype_of(mode) : 0;
	memcpy(d->name, name, len);
}

/* The directory changed: times, and no index to go stale. */
static int changed(struct ext2_fs *fs, struct ext2_node *dir)
{
	dir->di.i_flags &= ~(uint32_t)EXT2_INDEX_FL;
	ext2_touch(fs, dir, 1, 1);
	return ext2_iupdate(fs, dir);
}

int ext2_dir_add(struct ext2_fs *fs, struct ext2_node *dir, const char *name, size_t len,
		 uint32_t ino, uint32_t mode)
{
	uint32_t need = EXT2_DIRENT_LEN(len), blk;
	uint64_t nblk = ext2_size(dir) / fs->bsize;
	struct ext2_buf *b;
	int r;
	for (uint64_t i = 0; i < nblk; i++) {
		if ((r = ext2_bmap(fs, dir, i, 0, &blk)) < 0)
			return r;
		if (blk == 0)
			continue;
		if ((r = bc_get(fs, blk, 0, &b)) < 0)
			return r;
		for (uint32_t off = 0; off < fs->bsize;) {
			struct ext2_dirent *d = (struct ext2_dirent *)(b->data + off);
			if (!rec_ok(fs, d, off)) {
				bc_put(fs, b);
				return -EIO;
			}
			uint32_t used = d->inode ? EXT2_DIRENT_LEN(d->name_len) : 0;
			if (d->rec_len - used >= need) {
				if (used) {
					struct ext2_dirent *nd = (struct ext2_dirent *)(b->data + off + used);
					nd->rec_len = (uint16_t)(d->rec_len - used);
					d->rec_len = (uint16_t)used;
					d = nd;
				}
				fill(fs, d, name, len, ino, mode);
				bc_dirty(fs, b);
				bc_put(fs, b);
				return changed(fs, dir);
			}
			off += d->rec_len;
		}
		bc_put(fs, b);
	}
	/* no room: a new block at the end holds just this record */
	if ((r = ext2_bmap(fs, dir, nblk, 1, &blk)) < 0)
		return r;
	if ((r = bc_get(fs, blk, 1, &b)) < 0)
		return r;
	struct ext2_dirent *d = (struct ext2_dirent *)b->data;
	d->rec_len = (uint16_t)fs->bsize;
	fill(fs, d, name, len, ino, mode);
	bc_dirty(fs, b);
	bc_put(fs, b);
	ext2_set_size(dir, (nblk + 1) * fs->bsize);
	return changed(fs, dir);
}

int ext2_dir_remove(struct ext2_fs *fs, struct ext2_node *dir, const char *name, size_t len)
{
	struct dirpos pos;
	int r = dir_scan(fs, dir, name, len, &pos);
	if (r < 0)
		return r;
	struct ext2_dirent *d = (struct ext2_dirent *)(pos.b->data + pos.off);
	if (pos.prev != pos.off) {
		struct ext2_dirent *p = (struct ext2_dirent *)(pos.b->data + pos.prev);
		p->rec_len = (uint16_t)(p->rec_len + d->rec_len);
	} else {
		d->inode = 0;
	}
	bc_dirty(fs, pos.b);
	bc_put(fs, pos.b);
	return changed(fs, dir);
}

int ext2_dir_set(struct ext2_fs *fs, struct ext2_node *dir, const char *name, size_t len,
		 uint32_t ino, uint32_t mode)
{
	struct dirpos pos;
	int r = dir_scan(fs, dir, name, len, &pos);
	if (r < 0)
		return r;
	struct ext2_dirent *d = (struct ext2_dirent *)(pos.b->data + pos.off);
	d->inode = ino;
	d->file_type = fs->filetype ? (uint8_t)ftype_of(mode) : 0;
	bc_dirty(fs, pos.b);
	bc_put(fs, pos.b);
	return changed(fs, dir);
}

struct empty_arg {
	int	others;
};

static int count_other(void *arg, uint64_t ino, int64_t next, int dtype, const char *name)
{
	struct empty_arg *a = arg;
	if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0) {
		a->others = 1;
		return 1;
	}
	return 0;
}

int ext2_dir_empty(struct ext2_fs *fs, struct ext2_node *dir)
{
	struct empty_arg a = { 0 };
	int64_t r = ext2_readdir(fs, dir, 0, count_other, &a);
	if (r < 0)
		return (int)r;
	return !a.others;
}

int64_t ext2_readdir(struct ext2_fs *fs, struct ext2_node *dir, int64_t cookie,
		     int (*fn)(void *arg, uint64_t ino, int64_t next, int dtype, const char *name),
		     void *arg)
{
	uint64_t size = ext2_size(dir);
	if (cookie < 0)
		return -EINVAL;
	while ((uint64_t)cookie < size) {
		uint64_t lbn = (uint64_t)cookie / fs->bsize, base = lbn * fs->bsize;
		uint32_t blk;
		struct ext2_buf *b;
		int r = ext2_bmap(fs, dir, lbn, 0, &blk);
		if (r < 0)
			return r;
		if (blk == 0) {
			cookie = (int64_t)(base + fs->bsize);
			continue;
		}
		if ((r = bc_get(fs, blk, 0, &b)) < 0)
			return r;
		/* walk from the block's start: the cookie is a record's offset (or we skip on) */
		for (uint32_t off = 0; off < fs->bsize;) {
			struct ext2_dirent *d = (struct ext2_dirent *)(b->data + off);
			if (!rec_ok(fs, d, off)) {
				bc_put(fs, b);
				return -EIO;
			}
			int64_t next = (int64_t)(base + off + d->rec_len);
			if ((int64_t)(base + off) >= cookie && d->inode) {
				char name[EXT2_NAME_MAX + 1];
				memcpy(name, d->name, d->name_len);
				name[d->name_len] = 0;
				if (fn(arg, d->inode, next, dtype_of(d->file_type), name)) {
					bc_put(fs, b);
					return (int64_t)(base + off);
				}
			}
			off += d->rec_len;
			if ((int64_t)(base + off) > cookie)
				cookie = (int64_t)(base + off);
		}
		bc_put(fs, b);
		cookie = (int64_t)(base + fs->bsize);
	}
	return cookie;
}
