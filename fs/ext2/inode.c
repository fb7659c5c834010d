/* inode.c: ext2 inodes in memory, block maps (direct, single/double/triple indirect), file data. */
/*
 * A node is loaded on first use and lives while referenced; every change goes straight
 * into its cached inode-table block (ext2_iupdate), so the cache's write-back is the
 * only path to disk. attr (the resmgr's view) is derived from di after each change.
 * Holes are block pointers of 0, in the inode or in an indirect block: they read as
 * zeros and get a block when written.
 */
#include "ext2.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define NS	1000000000ull
#define S_IFMT_	0170000
#define S_IFREG_ 0100000
#define S_IFDIR_ 0040000
#define S_IFLNK_ 0120000

static uint32_t now_s(struct ext2_fs *fs)
{
	return fs->now ? fs->now() : 0;
}

uint64_t ext2_size(const struct ext2_node *n)
{
	uint64_t s = n->di.i_size;
	if ((n->di.i_mode & S_IFMT_) == S_IFREG_)
		s |= (uint64_t)n->di.i_size_high << 32;
	return s;
}

void ext2_set_size(struct ext2_node *n, uint64_t size)
{
	n->di.i_size = (uint32_t)size;
	if ((n->di.i_mode & S_IFMT_) == S_IFREG_)
		n->di.i_size_high = (uint32_t)(size >> 32);
}

uint64_t ext2_max_size(const struct ext2_fs *fs)
{
	uint64_t p = fs->ptrs, blocks = EXT2_NDIR + p + p * p + p * p * p;
	uint64_t max = blocks * fs->bsize;
	return max > (1ull << 40) ? (1ull << 40) : max;	/* i_blocks is 32 bits of 512 */
}

/* attr from di: what stat and the resmgr library see. */
static void attr_sync(struct ext2_node *n)
{
	struct ext2_dinode *d = &n->di;
	n->attr.mode = d->i_mode;
	n->attr.nlink = d->i_links_count;
	n->attr.uid = d->i_uid | (uint32_t)d->i_uid_high << 16;
	n->attr.gid = d->i_gid | (uint32_t)d->i_gid_high << 16;
	n->attr.ino = n->ino;
	n->attr.size = ext2_size(n);
	n->attr.atime_ns = d->i_atime * NS;
	n->attr.mtime_ns = d->i_mtime * NS;
	n->attr.ctime_ns = d->i_ctime * NS;
}

void ext2_touch(struct ext2_fs *fs, struct ext2_node *n, int m, int c)
{
	uint32_t t = now_s(fs);
	if (m)
		n->di.i_mtime = t;
	if (c)
		n->di.i_ctime = t;
}

/* Where inode ino lives: its inode-table block and the byte offset in it. */
static int inode_place(struct ext2_fs *fs, uint32_t ino, uint32_t *blk, uint32_t *off)
{
	if (ino == 0 || ino > fs->sb.s_inodes_count)
		return -EIO;
	uint32_t g = (ino - 1) / fs->sb.s_inodes_per_group;
	uint64_t byte = (uint64_t)((ino - 1) % fs->sb.s_inodes_per_group) * fs->inode_size;
	*blk = fs->groups[g].bg_inode_table + (uint32_t)(byte / fs->bsize);
	*off = (uint32_t)(byte % fs->bsize);
	return 0;
}

static struct ext2_node **hash_slot(struct ext2_fs *fs, uint32_t ino)
{
	return &fs->nhash[ino % (sizeof fs->nhash / sizeof fs->nhash[0])];
}

int ext2_iget(struct ext2_fs *fs, uint32_t ino, struct ext2_node **out)
{
	struct ext2_node **slot = hash_slot(fs, ino);
	for (struct ext2_node *n = *slot; n; n = n->hnext)
		if (n->ino == ino) {
			n->refs++;
			*out = n;
			return 0;
		}
	uint32_t blk, off;
	struct ext2_buf *b;
	int r = inode_place(fs, ino, &blk, &off);
	if (r < 0 || (r = bc_get(fs, blk, 0, &b)) < 0)
		return r;
	struct ext2_node *n = calloc(1, sizeof *n);
	if (!n) {
		bc_put(fs, b);
		return -ENOMEM;
	}
	memcpy(&n->di, b->data + off, sizeof n->di);
	bc_put(fs, b);
	n->ino = ino;
	n->refs = 1;
	attr_sync(n);
	n->hnext = *slot;
	*slot = n;
	fs->nnodes++;
	*out = n;
	return 0;
}

int ext2_iupdate(struct ext2_fs *fs, struct ext2_node *n)
{
	uint32_t blk, off;
	struct ext2_buf *b;
	attr_sync(n);
	if (fs->rdonly)
		return 0;
	int r = inode_place(fs, n->ino, &blk, &off);
	if (r < 0 || (r = bc_get(fs, blk, 0, &b)) < 0)
		return r;
	memcpy(b->data + off, &n->di, sizeof n->di);
	bc_dirty(fs, b);
	bc_put(fs, b);
	return 0;
}

/* Does the inode's i_block hold block pointers (not a fast symlink's text or a device)? */
static int has_blocks(struct ext2_fs *fs, const struct ext2_node *n)
{
	uint32_t fmt = n->di.i_mode & S_IFMT_;
	if (fmt == S_IFLNK_) {
		uint32_t ea = n->di.i_file_acl ? fs->bsize / 512 : 0;
		return n->di.i_blocks > ea;
	}
	return fmt == S_IFREG_ || fmt == S_IFDIR_;
}

/* The extended-attribute block goes with its last user (its refcount at byte 4). */
static int free_xattr(struct ext2_fs *fs, struct ext2_node *n)
{
	uint32_t blk = n->di.i_file_acl;
	struct ext2_buf *b;
	if (!blk)
		return 0;
	if (ext2_bad_block(fs, blk))
		return -EIO;
	int r = bc_get(fs, blk, 0, &b);
	if (r < 0)
		return r;
	uint32_t refs;
	memcpy(&refs, b->data + 4, 4);
	if (refs > 1) {
		refs--;
		memcpy(b->data + 4, &refs, 4);
		bc_dirty(fs, b);
	}
	bc_put(fs, b);
	if (refs <= 1 && (r = ext2_bfree(fs, blk)) < 0)
		return r;
	n->di.i_file_acl = 0;
	n->di.i_blocks -= fs->bsize / 512;
	return 0;
}

/* An unlinked node's last reference went: its blocks and inode back to the bitmaps. */
static void ifree_node(struct ext2_fs *fs, struct ext2_node *n)
{
	int isdir = ext2_isdir(n);
	if (has_blocks(fs, n) && ext2_truncate(fs, n, 0) < 0)
		return;		/* corrupt: leave the inode for e2fsck rather than guess */
	if (free_xattr(fs, n) < 0)
		return;
	n->di.i_dtime = now_s(fs);
	n->di.i_size = n->di.i_size_high = 0;
	if (ext2_iupdate(fs, n) == 0)
		ext2_ifree(fs, n->ino, isdir);
}

void ext2_iput(struct ext2_fs *fs, struct ext2_node *n)
{
	if (!n || --n->refs)
		return;
	if (n->di.i_links_count == 0 && !fs->rdonly)
		ifree_node(fs, n);
	struct ext2_node **pp = hash_slot(fs, n->ino);
	while (*pp != n)
		pp = &(*pp)->hnext;
	*pp = n->hnext;
	fs->nnodes--;
	free(n);
}

void ext2_release_orphans(struct ext2_fs *fs)
{
	for (size_t h = 0; h < sizeof fs->nhash / sizeof fs->nhash[0]; h++) {
		struct ext2_node *n = fs->nhash[h];
		while (n) {
			if (n->di.i_links_count == 0) {
				n->refs = 1;
				ext2_iput(fs, n);	/* unlinks it from this chain */
				n = fs->nhash[h];
			} else {
				n = n->hnext;
			}
		}
	}
}

int ext2_inew(struct ext2_fs *fs, struct ext2_node *dir, uint32_t mode,
	      const struct ext2_cred *cr, struct ext2_node **out)
{
	static uint32_t generation;
	uint32_t ino, blk, off;
	struct ext2_buf *b;
	int isdir = (mode & S_IFMT_) == S_IFDIR_;
	int r = ext2_ialloc(fs, dir->ino, isdir, &ino);
	if (r < 0)
		return r;
	if ((r = inode_place(fs, ino, &blk, &off)) < 0 || (r = bc_get(fs, blk, 0, &b)) < 0) {
		ext2_ifree(fs, ino, isdir);
		return r;
	}
	/* the whole on-disk inode starts clean; large inodes say how much extra they use */
	memset(b->data + off, 0, fs->inode_size);
	if (fs->inode_size >= EXT2_GOOD_OLD_INODE + 32) {
		uint16_t extra = 32;
		memcpy(b->data + off + EXT2_GOOD_OLD_INODE, &extra, 2);
	}
	bc_dirty(fs, b);
	bc_put(fs, b);
	struct ext2_node *n;
	if ((r = ext2_iget(fs, ino, &n)) < 0) {
		ext2_ifree(fs, ino, isdir);
		return r;
	}
	uint32_t gid = cr->gid;
	if (dir->di.i_mode & 02000) {		/* setgid directory: its group, and for dirs its bit */
		gid = dir->attr.gid;
		if (isdir)
			mode |= 02000;
	}
	n->di.i_mode = (uint16_t)mode;
	n->di.i_uid = (uint16_t)cr->uid;
	n->di.i_uid_high = (uint16_t)(cr->uid >> 16);
	n->di.i_gid = (uint16_t)gid;
	n->di.i_gid_high = (uint16_t)(gid >> 16);
	n->di.i_atime = n->di.i_mtime = n->di.i_ctime = now_s(fs);
	n->di.i_generation = ++generation;
	*out = n;
	return ext2_iupdate(fs, n);
}

/* --- Block maps ------------------------------------------------------------------------------ */

/* A fresh, zeroed block (metadata or data) near goal, counted in the node's i_blocks. */
static int new_block(struct ext2_fs *fs, struct ext2_node *n, uint32_t goal, uint32_t *out)
{
	if (!goal) {
		uint32_t g = (n->ino - 1) / fs->sb.s_inodes_per_group;
		goal = fs->sb.s_first_data_block + g * fs->sb.s_blocks_per_group;
	}
	int r = ext2_balloc(fs, goal, out);
	if (r < 0)
		return r;
	n->di.i_blocks += fs->bsize / 512;
	return 0;
}

/* Zero a just-allocated indirect block in the cache. */
static int zero_block(struct ext2_fs *fs, uint32_t blk)
{
	struct ext2_buf *b;
	int r = bc_get(fs, blk, 1, &b);
	if (r < 0)
		return r;
	bc_dirty(fs, b);
	bc_put(fs, b);
	return 0;
}

/* Walks i_block and the indirect blocks down to file block lbn (see ext2.h). */
int ext2_bmap(struct ext2_fs *fs, struct ext2_node *n, uint64_t lbn, int alloc, uint32_t *out)
{
	uint32_t p = fs->ptrs, idx[4];
	int depth, r;
	if (n->di.i_flags & (EXT2_EXTENTS_FL | EXT2_INLINE_FL))
		return -EIO;		/* an ext4 inode: not in an ext2 filesystem */
	if (lbn < EXT2_NDIR) {
		depth = 0;
	} else if ((lbn -= EXT2_NDIR) < p) {
		depth = 1;
		idx[1] = (uint32_t)lbn;
	} else if ((lbn -= p) < (uint64_t)p * p) {
		depth = 2;
		idx[1] = (uint32_t)(lbn / p);
		idx[2] = (uint32_t)(lbn % p);
	} else if ((lbn -= (uint64_t)p * p) < (uint64_t)p * p * p) {
		depth = 3;
		idx[1] = (uint32_t)(lbn / ((uint64_t)p * p));
		idx[2] = (uint32_t)(lbn / p % p);
		idx[3] = (uint32_t)(lbn % p);
	} else {
		return -EFBIG;
	}
	uint32_t *slot = &n->di.i_block[depth ? (uint64_t)(EXT2_IND + depth - 1) : lbn];
	uint32_t goal = depth == 0 && lbn > 0 ? n->di.i_block[lbn - 1] : 0;
	int fresh = 0, dirty_inode = 0;
	uint32_t blk = *slot;
	if (!blk) {
		if (!alloc) {
			*out = 0;
			return 0;
		}
		if ((r = new_block(fs, n, goal ? goal + 1 : 0, &blk)) < 0)
			return r;
		if (depth && (r = zero_block(fs, blk)) < 0)
			return r;
		*slot = blk;
		fresh = depth == 0;
		dirty_inode = 1;
	}
	for (int level = 1; level <= depth; level++) {
		struct ext2_buf *b;
		if (ext2_bad_block(fs, blk))
			return -EIO;
		if ((r = bc_get(fs, blk, 0, &b)) < 0)
			return r;
		uint32_t *e = (uint32_t *)b->data, parent = blk;
		blk = e[idx[level]];
		if (!blk) {
			if (!alloc) {
				bc_put(fs, b);
				*out = 0;
				return 0;
			}
			uint32_t g = idx[level] ? e[idx[level] - 1] : parent;
			if ((r = new_block(fs, n, g ? g + 1 : 0, &blk)) < 0 ||
			    (level < depth && (r = zero_block(fs, blk)) < 0)) {
				bc_put(fs, b);
				return r;
			}
			e[idx[level]] = blk;
			bc_dirty(fs, b);
			fresh = level == depth;
			dirty_inode = 1;
		}
		bc_put(fs, b);
	}
	if (ext2_bad_block(fs, blk))
		return -EIO;
	if (dirty_inode && (r = ext2_iupdate(fs, n)) < 0)
		return r;
	*out = blk;
	return fresh;
}

/* --- Data -------------------------------------------------------------------------------------- */

/* File block lbn at blk is not cached: bring it in with the blocks after it that lie
 * next to it on disk, are not cached and are wanted (below lbn_end). Only a hint: a
 * failure leaves the block to bc_get. */
static void read_ahead(struct ext2_fs *fs, struct ext2_node *n, uint64_t lbn, uint32_t blk,
		       uint64_t lbn_end)
{
	uint32_t k = 1, next;
	while (k < fs->run_blocks && lbn + k < lbn_end &&
	       ext2_bmap(fs, n, lbn + k, 0, &next) == 0 && next == blk + k && !bc_find(fs, next))
		k++;
	if (k > 1)
		bc_readahead(fs, blk, k);
}

ssize_t ext2_read(struct ext2_fs *fs, struct ext2_node *n, uint64_t off, void *buf, size_t len)
{
	uint64_t size = ext2_size(n);
	if (off >= size)
		return 0;
	if (len > size - off)
		len = (size_t)(size - off);
	uint8_t *dst = buf;
	size_t done = 0;
	/* read ahead what this read wants; a sequential reader also the next run */
	uint64_t want_end = (off + len + fs->bsize - 1) / fs->bsize;
	if (off == n->read_end && off > 0) {
		uint64_t file_end = (size + fs->bsize - 1) / fs->bsize;
		want_end = want_end + fs->run_blocks < file_end ? want_end + fs->run_blocks : file_end;
	}
	n->read_end = off + len;
	while (done < len) {
		uint64_t pos = off + done, lbn = pos / fs->bsize;
		uint32_t in = (uint32_t)(pos % fs->bsize), blk;
		size_t chunk = fs->bsize - in < len - done ? fs->bsize - in : len - done;
		int r = ext2_bmap(fs, n, lbn, 0, &blk);
		if (r < 0)
			return done ? (ssize_t)done : r;
		if (blk == 0) {
			memset(dst + done, 0, chunk);
		} else {
			struct ext2_buf *b;
			if (!bc_find(fs, blk))
				read_ahead(fs, n, lbn, blk, want_end);
			if ((r = bc_get(fs, blk, 0, &b)) < 0)
				return done ? (ssize_t)done : r;
			memcpy(dst + done, b->data + in, chunk);
			bc_put(fs, b);
		}
		done += chunk;
	}
	return (ssize_t)done;
}

/* The size outgrew 2 GiB: the filesystem now needs the large_file feature. */
static void note_large(struct ext2_fs *fs, uint64_t size)
{
	if (size > 0x7fffffffu && !(fs->sb.s_feature_ro_compat & EXT2_FEATURE_RO_LARGE_FILE)) {
		fs->sb.s_feature_ro_compat |= EXT2_FEATURE_RO_LARGE_FILE;
		fs->meta_dirty = 1;
	}
}

ssize_t ext2_write(struct ext2_fs *fs, struct ext2_node *n, uint64_t off, const void *buf,
		   size_t len)
{
	if (fs->rdonly)
		return -EROFS;
	uint64_t max = ext2_max_size(fs);
	if (off >= max)
		return len ? -EFBIG : 0;
	if (len > max - off)
		len = (size_t)(max - off);
	const uint8_t *src = buf;
	size_t done = 0;
	int r = 0;
	while (done < len) {
		uint64_t pos = off + done, lbn = pos / fs->bsize;
		uint32_t in = (uint32_t)(pos % fs->bsize), blk;
		size_t chunk = fs->bsize - in < len - done ? fs->bsize - in : len - done;
		struct ext2_buf *b;
		int fresh = ext2_bmap(fs, n, lbn, 1, &blk);
		if (fresh < 0) {
			r = fresh;
			break;
		}
		/* a new block, or one overwritten whole, need not be read first */
		if ((r = bc_get(fs, blk, fresh || chunk == fs->bsize, &b)) < 0)
			break;
		memcpy(b->data + in, src + done, chunk);
		bc_dirty(fs, b);
		bc_put(fs, b);
		done += chunk;
	}
	if (done) {
		if (off + done > ext2_size(n)) {
			ext2_set_size(n, off + done);
			note_large(fs, off + done);
		}
		ext2_touch(fs, n, 1, 1);
		int u = ext2_iupdate(fs, n);
		return u < 0 ? u : (ssize_t)done;
	}
	if (r == 0)
		return 0;
	ext2_iupdate(fs, n);		/* indirect blocks may have been allocated */
	return r;
}

/*
 * Frees what the subtree at *p maps from file block `cut` on (cut counts from the
 * subtree's first block; depth 0 is a data block, depth d an indirect block whose
 * entries each map p^(d-1) blocks). When cut is 0 the block *p itself goes too.
 */
static int trunc_tree(struct ext2_fs *fs, struct ext2_node *n, uint32_t *p, int depth, uint64_t cut)
{
	int r;
	if (*p == 0)
		return 0;
	if (ext2_bad_block(fs, *p))
		return -EIO;
	if (depth > 0) {
		uint64_t span = 1;
		for (int i = 1; i < depth; i++)
			span *= fs->ptrs;
		struct ext2_buf *b;
		if ((r = bc_get(fs, *p, 0, &b)) < 0)
			return r;
		uint32_t *e = (uint32_t *)b->data;
		for (uint64_t i = cut / span; i < fs->ptrs; i++) {
			uint64_t sub = i == cut / span ? cut - i * span : 0;
			if (!e[i])
				continue;
			if ((r = trunc_tree(fs, n, &e[i], depth - 1, sub)) < 0) {
				bc_dirty(fs, b);
				bc_put(fs, b);
				return r;
			}
			bc_dirty(fs, b);
		}
		bc_put(fs, b);
	}
	if (cut == 0) {
		if ((r = ext2_bfree(fs, *p)) < 0)
			return r;
		n->di.i_blocks -= fs->bsize / 512;
		*p = 0;
	}
	return 0;
}

/* Zero the bytes of the last block past the new end, so a later growth reads zeros. */
static int zero_tail(struct ext2_fs *fs, struct ext2_node *n, uint64_t size)
{
	uint32_t in = (uint32_t)(size % fs->bsize), blk;
	struct ext2_buf *b;
	if (in == 0)
		return 0;
	int r = ext2_bmap(fs, n, size / fs->bsize, 0, &blk);
	if (r < 0 || blk == 0)
		return r;
	if ((r = bc_get(fs, blk, 0, &b)) < 0)
		return r;
	memset(b->data + in, 0, fs->bsize - in);
	bc_dirty(fs, b);
	bc_put(fs, b);
	return 0;
}

int ext2_truncate(struct ext2_fs *fs, struct ext2_node *n, uint64_t size)
{
	if (fs->rdonly)
		return -EROFS;
	if (size > ext2_max_size(fs))
		return -EFBIG;
	uint64_t old = ext2_size(n);
	int r = 0;
	if (size < old && has_blocks(fs, n)) {
		if (n->di.i_flags & (EXT2_EXTENTS_FL | EXT2_INLINE_FL))
			return -EIO;
		uint64_t cut = (size + fs->bsize - 1) / fs->bsize, base = EXT2_NDIR, span = 1;
		for (uint64_t i = cut; i < EXT2_NDIR && r == 0; i++)
			r = trunc_tree(fs, n, &n->di.i_block[i], 0, 0);
		for (int depth = 1; depth <= 3 && r == 0; depth++) {
			span *= fs->ptrs;
			if (cut < base + span)
				r = trunc_tree(fs, n, &n->di.i_block[EXT2_IND + depth - 1], depth,
					       cut > base ? cut - base : 0);
			base += span;
		}
		if (r == 0)
			r = zero_tail(fs, n, size);
	}
	if (r == 0) {
		ext2_set_size(n, size);
		note_large(fs, size);
		if (size != old)
			ext2_touch(fs, n, 1, 1);
	}
	int u = ext2_iupdate(fs, n);
	return r < 0 ? r : u;
}
