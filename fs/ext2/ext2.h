/* ext2.h: the ext2 filesystem's core: on-disk layout, block cache, inodes, directories, paths. */
/*
 * The core (bcache.c, super.c, alloc.c, inode.c, dir.c, namei.c) knows nothing about
 * messages or QSOE: it reads and writes blocks through a struct ext2_dev (read/write N
 * device blocks at an LBA), so it builds for QSOE (fs/ext2/main.c, blkdev.c) and for the
 * host (tests/unit/test_ext2.c, on image files made by mke2fs). Every call returns 0
 * (or a byte count) or -errno; a corrupt structure found on disk gives -EIO, never a
 * crash.
 *
 * Layout (ext2 revision 1, little-endian, as RISC-V and the host are: the structs below
 * are the disk's bytes): block 0 (1 KiB blocks: block 1) holds the superblock at byte
 * 1024; the group descriptor table follows it; each group has a block bitmap, an inode
 * bitmap and an inode table. An inode maps file blocks through 12 direct pointers and
 * single, double and triple indirect blocks; 0 is a hole. Directories are blocks of
 * records {inode, rec_len, name_len, file_type, name} whose rec_lens cover each block.
 *
 * In memory: the superblock and group descriptors are kept and written back at sync;
 * every other block goes through the write-back block cache (LRU eviction; a dirty
 * victim writes all dirty blocks back first, sorted, in contiguous runs). Inodes in use
 * are struct ext2_node, found by number in a hash and counted (refs): opens hold one,
 * each operation holds its own while it runs. A node whose last name went (links 0) is
 * freed, blocks and all, when its last reference goes.
 *
 * Single-threaded: the server runs one request at a time.
 */
#ifndef FS_EXT2_H
#define FS_EXT2_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef HOST_TEST
/* On the host the core is built without the resmgr library: the same fields. */
struct rm_attr {
	uint32_t	mode;
	uint32_t	nlink;
	uint32_t	uid, gid;
	uint64_t	ino;
	uint64_t	size;
	uint64_t	rdev;
	uint64_t	atime_ns, mtime_ns, ctime_ns;
	uint32_t	nopens;
	uint32_t	flags;
};
#else
#include <resmgr.h>
#endif

/* --- On disk ------------------------------------------------------------------------------ */
#define EXT2_MAGIC		0xEF53
#define EXT2_SB_OFFSET		1024
#define EXT2_ROOT_INO		2
#define EXT2_NDIR		12		/* direct block pointers */
#define EXT2_IND		12		/* i_block[] indices of the indirect blocks */
#define EXT2_DIND		13
#define EXT2_TIND		14
#define EXT2_NAME_MAX		255
#define EXT2_LINK_MAX		65000
#define EXT2_FAST_LINK_MAX	59		/* bytes of target kept in i_block itself */
#define EXT2_GOOD_OLD_INODE	128
#define EXT2_STATE_VALID	0x0001		/* s_state: cleanly unmounted */

#define EXT2_FEATURE_INCOMPAT_FILETYPE	0x0002
#define EXT2_FEATURE_RO_SPARSE_SUPER	0x0001
#define EXT2_FEATURE_RO_LARGE_FILE	0x0002
#define EXT2_RO_COMPAT_OK	(EXT2_FEATURE_RO_SPARSE_SUPER | EXT2_FEATURE_RO_LARGE_FILE)

#define EXT2_INDEX_FL		0x00001000	/* hashed directory (read as a linear one) */
#define EXT2_EXTENTS_FL		0x00080000	/* ext4 extents: not ours */
#define EXT2_INLINE_FL		0x10000000	/* ext4 inline data: not ours */

/* File types in directory records (the FILETYPE feature). */
#define EXT2_FT_UNKNOWN		0
#define EXT2_FT_REG		1
#define EXT2_FT_DIR		2
#define EXT2_FT_CHR		3
#define EXT2_FT_BLK		4
#define EXT2_FT_FIFO		5
#define EXT2_FT_SOCK		6
#define EXT2_FT_LNK		7

struct ext2_super {
	uint32_t	s_inodes_count;
	uint32_t	s_blocks_count;
	uint32_t	s_r_blocks_count;
	uint32_t	s_free_blocks_count;
	uint32_t	s_free_inodes_count;
	uint32_t	s_first_data_block;
	uint32_t	s_log_block_size;	/* block size = 1024 << this */
	uint32_t	s_log_frag_size;
	uint32_t	s_blocks_per_group;
	uint32_t	s_frags_per_group;
	uint32_t	s_inodes_per_group;
	uint32_t	s_mtime;
	uint32_t	s_wtime;
	uint16_t	s_mnt_count;
	int16_t		s_max_mnt_count;
	uint16_t	s_magic;
	uint16_t	s_state;		/* 1 clean, 2 errors */
	uint16_t	s_errors;
	uint16_t	s_minor_rev_level;
	uint32_t	s_lastcheck;
	uint32_t	s_checkinterval;
	uint32_t	s_creator_os;
	uint32_t	s_rev_level;
	uint16_t	s_def_resuid;
	uint16_t	s_def_resgid;
	uint32_t	s_first_ino;
	uint16_t	s_inode_size;
	uint16_t	s_block_group_nr;
	uint32_t	s_feature_compat;
	uint32_t	s_feature_incompat;
	uint32_t	s_feature_ro_compat;
	uint8_t		s_uuid[16];
	char		s_volume_name[16];
	char		s_last_mounted[64];
	uint32_t	s_algorithm_usage_bitmap;
	uint8_t		s_prealloc_blocks;
	uint8_t		s_prealloc_dir_blocks;
	uint16_t	s_reserved_gdt_blocks;
	uint8_t		s_journal_uuid[16];
	uint32_t	s_journal_inum;
	uint32_t	s_journal_dev;
	uint32_t	s_last_orphan;
	uint32_t	s_hash_seed[4];
	uint8_t		s_def_hash_version;
	uint8_t		s_jnl_backup_type;
	uint16_t	s_desc_size;
	uint32_t	s_default_mount_opts;
	uint32_t	s_first_meta_bg;
	uint32_t	s_mkfs_time;
	uint8_t		s_rest[1024 - 268];
};
_Static_assert(sizeof(struct ext2_super) == 1024, "the superblock is 1 KiB");
_Static_assert(__builtin_offsetof(struct ext2_super, s_feature_compat) == 92, "layout");
_Static_assert(__builtin_offsetof(struct ext2_super, s_reserved_gdt_blocks) == 206, "layout");

struct ext2_group {
	uint32_t	bg_block_bitmap;
	uint32_t	bg_inode_bitmap;
	uint32_t	bg_inode_table;
	uint16_t	bg_free_blocks_count;
	uint16_t	bg_free_inodes_count;
	uint16_t	bg_used_dirs_count;
	uint16_t	bg_flags;
	uint32_t	bg_reserved[3];
};
_Static_assert(sizeof(struct ext2_group) == 32, "ext2 group descriptors are 32 bytes");

struct ext2_dinode {
	uint16_t	i_mode;
	uint16_t	i_uid;
	uint32_t	i_size;
	uint32_t	i_atime;
	uint32_t	i_ctime;
	uint32_t	i_mtime;
	uint32_t	i_dtime;
	uint16_t	i_gid;
	uint16_t	i_links_count;
	uint32_t	i_blocks;		/* 512-byte units: data and indirect blocks */
	uint32_t	i_flags;
	uint32_t	i_osd1;
	uint32_t	i_block[15];
	uint32_t	i_generation;
	uint32_t	i_file_acl;		/* an extended-attribute block, or 0 */
	uint32_t	i_size_high;		/* regular files: size bits 32..63 */
	uint32_t	i_faddr;
	uint16_t	i_blocks_hi;
	uint16_t	i_file_acl_high;
	uint16_t	i_uid_high;
	uint16_t	i_gid_high;
	uint16_t	i_checksum_lo;
	uint16_t	i_reserved;
};
_Static_assert(sizeof(struct ext2_dinode) == EXT2_GOOD_OLD_INODE, "the base inode is 128 bytes");

struct ext2_dirent {
	uint32_t	inode;			/* 0: an unused record */
	uint16_t	rec_len;		/* to the next record (4-aligned) */
	uint8_t		name_len;
	uint8_t		file_type;		/* EXT2_FT_* (the FILETYPE feature) */
	char		name[];
};
#define EXT2_DIRENT_LEN(n)	((8u + (n) + 3u) & ~3u)

/* --- The block device --------------------------------------------------------------------- */
/* read/write n device blocks (block_size bytes each) at lba; 0 or -errno. */
struct ext2_dev {
	int		(*read)(struct ext2_dev *d, uint64_t lba, uint32_t n, void *buf);
	int		(*write)(struct ext2_dev *d, uint64_t lba, uint32_t n, const void *buf);
	int		(*flush)(struct ext2_dev *d);	/* the device's cache to the medium */
	uint32_t	block_size;
	uint64_t	nblocks;
	void		*priv;
};

/* --- The block cache (bcache.c) ----------------------------------------------------------- */
struct ext2_buf {
	uint32_t	blk;
	uint32_t	refs;			/* holders: never evicted while > 0 */
	int		dirty;
	uint8_t		*data;
	struct ext2_buf	*hnext;			/* hash chain */
	struct ext2_buf	*prev, *next;		/* LRU list, most recent first */
};

/* --- In-memory inodes --------------------------------------------------------------------- */
struct ext2_node {
	struct rm_attr		attr;		/* first: the resmgr's view (mode, size, ...) */
	uint32_t		ino;
	uint32_t		refs;		/* opens and running operations */
	struct ext2_dinode	di;		/* the inode's first 128 bytes, as on disk */
	uint64_t		read_end;	/* where the last read ended (sequential?) */
	struct ext2_node	*hnext;
};

struct ext2_fs {
	struct ext2_dev		*dev;
	int			rdonly;
	struct ext2_super	sb;
	struct ext2_group	*groups;
	uint32_t		ngroups;
	uint32_t		bsize;		/* bytes per block */
	uint32_t		secs_per_block;	/* device blocks per fs block */
	uint32_t		inode_size;
	uint32_t		ptrs;		/* block pointers per indirect block */
	uint32_t		gdt_blocks;	/* blocks of the group descriptor table */
	int			filetype;	/* the FILETYPE feature: types in dirents */
	int			meta_dirty;	/* superblock or descriptors changed */
	int			was_clean;	/* s_state was valid at mount: restore it */
	uint32_t		(*now)(void);	/* seconds since 1970 */
	/* The block cache: */
	struct ext2_buf		*bufs;
	uint32_t		nbufs;
	struct ext2_buf		**bhash;
	uint32_t		nbhash;
	struct ext2_buf		lru;		/* list head */
	uint32_t		ndirty;		/* dirty buffers */
	uint8_t			*run;		/* write-back staging: run_blocks blocks */
	uint8_t			*ra;		/* read-ahead landing: as many */
	uint32_t		run_blocks;
	/* Inodes in use: */
	struct ext2_node	*nhash[256];
	uint32_t		nnodes;
};

/* The credentials an operation runs with (the client's effective ids). */
struct ext2_cred {
	uint32_t	uid;
	uint32_t	gid;
	int		ngroups;	/* supplementary groups, for the group class */
	uint32_t	groups[16];
};

/* --- Mounting and the whole filesystem (super.c) ------------------------------------------- */
/* Read and check the superblock and descriptors; cache_bytes of block cache. On failure
 * *why says what is wrong (for "fs-ext2: DEVICE: WHY") and the result is -errno:
 * -EINVAL for a filesystem that is not ext2 or is corrupt, -ENOTSUP for features we do
 * not handle (rdonly is forced for unknown read-only-compatible ones, see *why). */
int ext2_mount(struct ext2_fs *fs, struct ext2_dev *dev, int rdonly, size_t cache_bytes,
	       uint32_t (*now)(void), char *why, size_t whylen);
/* Free the files that are unlinked but still referenced, mark the filesystem clean (if
 * it was at mount), write everything back (ext2_sync) and free the cache. Nodes still
 * referenced stay allocated (the server exits next). */
int ext2_unmount(struct ext2_fs *fs);
/* Every dirty block, the descriptors and the superblock to the device, then its flush. */
int ext2_sync(struct ext2_fs *fs);

struct ext2_statvfs {
	uint64_t	bsize, blocks, bfree, bavail, files, ffree;
};
void ext2_statvfs(struct ext2_fs *fs, struct ext2_statvfs *st);

/* --- Internal to the core (used across its files) ------------------------------------------ */
int bc_init(struct ext2_fs *fs, size_t cache_bytes);
void bc_free(struct ext2_fs *fs);
/* The cached block blk, read from the device unless `fresh` (the caller overwrites it
 * all: it starts zeroed). Held until bc_put. -EIO for a block past the filesystem. */
int bc_get(struct ext2_fs *fs, uint32_t blk, int fresh, struct ext2_buf **out);
void bc_put(struct ext2_fs *fs, struct ext2_buf *b);
void bc_dirty(struct ext2_fs *fs, struct ext2_buf *b);
/* Write back every dirty block (sorted, in runs). */
int bc_flush(struct ext2_fs *fs);
/* The block is no longer in use: forget it without writing it back. */
void bc_forget(struct ext2_fs *fs, uint32_t blk);
/* The cached buffer of blk, or NULL (not held: look only). */
struct ext2_buf *bc_find(struct ext2_fs *fs, uint32_t blk);
/* Read blocks blk..blk+n-1 (at most run_blocks, and a quarter of the cache) in one
 * device read into the cache, keeping the cached copies of those already there. */
int bc_readahead(struct ext2_fs *fs, uint32_t blk, uint32_t n);
int dev_read_blocks(struct ext2_fs *fs, uint32_t blk, uint32_t n, void *buf);

/* alloc.c: blocks and inodes from the bitmaps; goal is a hint (0: none). */
int ext2_balloc(struct ext2_fs *fs, uint32_t goal, uint32_t *out);
int ext2_bfree(struct ext2_fs *fs, uint32_t blk);
int ext2_ialloc(struct ext2_fs *fs, uint32_t parent_ino, int isdir, uint32_t *out);
int ext2_ifree(struct ext2_fs *fs, uint32_t ino, int isdir);
/* A block number that is plainly out of range (metadata pointers are checked). */
int ext2_bad_block(struct ext2_fs *fs, uint32_t blk);

/* inode.c */
int ext2_iget(struct ext2_fs *fs, uint32_t ino, struct ext2_node **out);
/* Drop a reference; the last one of an unlinked node frees it. */
void ext2_iput(struct ext2_fs *fs, struct ext2_node *n);
/* At unmount: free every unlinked node whatever its references (their opens go too). */
void ext2_release_orphans(struct ext2_fs *fs);
/* The node's inode (and attr fields) back into its cached inode-table block. */
int ext2_iupdate(struct ext2_fs *fs, struct ext2_node *n);
/* A new inode: mode, owner; not yet linked anywhere (links 0). */
int ext2_inew(struct ext2_fs *fs, struct ext2_node *dir, uint32_t mode,
	      const struct ext2_cred *cr, struct ext2_node **out);
/* The physical block of file block lbn in *out: 0 for a hole. With alloc a hole gets a
 * block (and any indirect blocks it needs); then 1 says the block is new (the caller
 * fills it), else 0. -EFBIG past the triple indirect, -EIO for a pointer out of range. */
int ext2_bmap(struct ext2_fs *fs, struct ext2_node *n, uint64_t lbn, int alloc, uint32_t *out);
uint64_t ext2_size(const struct ext2_node *n);
void ext2_set_size(struct ext2_node *n, uint64_t size);
void ext2_touch(struct ext2_fs *fs, struct ext2_node *n, int m, int c);

/* --- Files (inode.c) ---------------------------------------------------------------------- */
ssize_t ext2_read(struct ext2_fs *fs, struct ext2_node *n, uint64_t off, void *buf, size_t len);
/* Bytes written (a write cut short by a full disk returns what it wrote; -ENOSPC if
 * none; -EFBIG past the largest file the block size allows). */
ssize_t ext2_write(struct ext2_fs *fs, struct ext2_node *n, uint64_t off, const void *buf,
		   size_t len);
/* Set the size: shrinking frees blocks (indirect ones too), growing leaves a hole. */
int ext2_truncate(struct ext2_fs *fs, struct ext2_node *n, uint64_t size);
uint64_t ext2_max_size(const struct ext2_fs *fs);

/* --- Directories (dir.c) ------------------------------------------------------------------ */
/* The inode the name names in dir, or -ENOENT. */
int ext2_dir_find(struct ext2_fs *fs, struct ext2_node *dir, const char *name, size_t len,
		  uint32_t *ino);
int ext2_dir_add(struct ext2_fs *fs, struct ext2_node *dir, const char *name, size_t len,
		 uint32_t ino, uint32_t mode);
int ext2_dir_remove(struct ext2_fs *fs, struct ext2_node *dir, const char *name, size_t len);
/* Point an existing name at another inode (rename over a name; ".." of a moved dir). */
int ext2_dir_set(struct ext2_fs *fs, struct ext2_node *dir, const char *name, size_t len,
		 uint32_t ino, uint32_t mode);
/* 1 if dir holds only "." and "..", 0 if not, or -errno. */
int ext2_dir_empty(struct ext2_fs *fs, struct ext2_node *dir);
/* Listing: fn for each record from byte offset cookie on, until it returns nonzero (it
 * did not take that record) or the end. next is the offset after the record. Returns
 * the offset to continue from, or -errno. */
int64_t ext2_readdir(struct ext2_fs *fs, struct ext2_node *dir, int64_t cookie,
		     int (*fn)(void *arg, uint64_t ino, int64_t next, int dtype, const char *name),
		     void *arg);

/* --- Paths and POSIX's rules (namei.c) ------------------------------------------------------ */
/* Paths are relative to the filesystem's root ("" is the root), '/'-separated.
 * A symbolic link met on the way (or at the end, unless the caller asks not to follow)
 * cannot be followed here (it may point anywhere in the namespace): the call returns
 * EXT2_REDIRECT with *rd saying where: dirlen bytes of path are the directory holding
 * the link, target its contents, rest the path after it. */
#define EXT2_REDIRECT	1
struct ext2_redirect {
	size_t		dirlen;
	char		target[4097];
	const char	*rest;		/* in the caller's path; "" at the end */
};

#define EXT2_NOFOLLOW	1		/* lookup flags: don't follow a final symlink */
#define EXT2_MUSTDIR	2		/* the path ended in '/' */

int ext2_lookup(struct ext2_fs *fs, const struct ext2_cred *cr, const char *path, int flags,
		struct ext2_node **out, struct ext2_redirect *rd);
/* open(2): O_ACCMODE, O_CREAT, O_EXCL, O_TRUNC, O_NOFOLLOW. The node comes referenced. */
int ext2_open(struct ext2_fs *fs, const struct ext2_cred *cr, const char *path, int oflag,
	      uint32_t mode, int flags, struct ext2_node **out, struct ext2_redirect *rd);
int ext2_mkdir(struct ext2_fs *fs, const struct ext2_cred *cr, const char *path, uint32_t mode,
	       struct ext2_redirect *rd);
/* unlink (dir 0) or rmdir (dir 1). */
int ext2_remove(struct ext2_fs *fs, const struct ext2_cred *cr, const char *path, int dir,
		struct ext2_redirect *rd);
int ext2_rename(struct ext2_fs *fs, const struct ext2_cred *cr, const char *from,
		const char *to, struct ext2_redirect *rd);
int ext2_link(struct ext2_fs *fs, const struct ext2_cred *cr, const char *existing,
	      const char *path, struct ext2_redirect *rd);
int ext2_symlink(struct ext2_fs *fs, const struct ext2_cred *cr, const char *target,
		 const char *path, struct ext2_redirect *rd);
/* The link's target (NUL-terminated) into buf; its length. */
ssize_t ext2_readlink(struct ext2_fs *fs, struct ext2_node *n, char *buf, size_t cap);

int ext2_access(const struct ext2_cred *cr, const struct ext2_node *n, int want);
int ext2_chmod(struct ext2_fs *fs, const struct ext2_cred *cr, struct ext2_node *n,
	       uint32_t mode);
int ext2_chown(struct ext2_fs *fs, const struct ext2_cred *cr, struct ext2_node *n, int uid,
	       int gid);
/* now: both times to now (owner or writer); else the given ones (owner or root). */
int ext2_utime(struct ext2_fs *fs, const struct ext2_cred *cr, struct ext2_node *n, int now,
	       uint32_t atime, uint32_t mtime);

static inline int ext2_isdir(const struct ext2_node *n)
{
	return (n->di.i_mode & 0170000) == 0040000;
}
static inline int ext2_islnk(const struct ext2_node *n)
{
	return (n->di.i_mode & 0170000) == 0120000;
}

#endif
