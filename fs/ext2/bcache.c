/* bcache.c: ext2's write-back block cache: a hash of fixed buffers, LRU eviction. */
/*
 * Every metadata block (bitmaps, inode tables, indirect blocks, directories) and file
 * data goes through here. A buffer is held (refs) while a caller uses it and is never
 * evicted then. A miss takes the least recently used free buffer; if that one is dirty,
 * all dirty free buffers are written back first (bc_flush: sorted by block, contiguous
 * ones in one device write), so streaming writes reach the device in long runs.
 * If every buffer is held (deep paths never hold more than a handful) the cache grows.
 * Sequential file reads ask for the blocks ahead in one device read (bc_readahead).
 */
#include "ext2.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define RUN_MAX_BYTES	(256 * 1024)
#define NOBLK		0xffffffffu	/* an empty buffer's block number */

static uint32_t hash_of(struct ext2_fs *fs, uint32_t blk)
{
	return (blk * 2654435761u) % fs->nbhash;
}

static void lru_unlink(struct ext2_buf *b)
{
	b->prev->next = b->next;
	b->next->prev = b->prev;
}

static void lru_push_front(struct ext2_fs *fs, struct ext2_buf *b)
{
	b->next = fs->lru.next;
	b->prev = &fs->lru;
	fs->lru.next->prev = b;
	fs->lru.next = b;
}

int dev_read_blocks(struct ext2_fs *fs, uint32_t blk, uint32_t n, void *buf)
{
	return fs->dev->read(fs->dev, (uint64_t)blk * fs->secs_per_block, n * fs->secs_per_block,
			     buf);
}

static int dev_write_blocks(struct ext2_fs *fs, uint32_t blk, uint32_t n, const void *buf)
{
	return fs->dev->write(fs->dev, (uint64_t)blk * fs->secs_per_block,
			      n * fs->secs_per_block, buf);
}

/* Adds n buffers (data included) to the free end of the LRU list. */
static int bufs_add(struct ext2_fs *fs, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		struct ext2_buf *b = calloc(1, sizeof *b);
		if (!b || !(b->data = malloc(fs->bsize))) {
			free(b);
			return -ENOMEM;
		}
		b->blk = NOBLK;
		b->prev = fs->lru.prev;
		b->next = &fs->lru;
		fs->lru.prev->next = b;
		fs->lru.prev = b;
		fs->nbufs++;
	}
	return 0;
}

int bc_init(struct ext2_fs *fs, size_t cache_bytes)
{
	uint32_t n = (uint32_t)(cache_bytes / fs->bsize);
	if (n < 64)
		n = 64;
	fs->lru.next = fs->lru.prev = &fs->lru;
	fs->nbhash = n | 1;
	fs->bhash = calloc(fs->nbhash, sizeof *fs->bhash);
	fs->run_blocks = RUN_MAX_BYTES / fs->bsize;
	fs->run = malloc(RUN_MAX_BYTES);
	fs->ra = malloc(RUN_MAX_BYTES);
	if (!fs->bhash || !fs->run || !fs->ra)
		return -ENOMEM;
	return bufs_add(fs, n);
}

void bc_free(struct ext2_fs *fs)
{
	struct ext2_buf *b = fs->lru.next;
	while (b && b != &fs->lru) {
		struct ext2_buf *next = b->next;
		free(b->data);
		free(b);
		b = next;
	}
	fs->lru.next = fs->lru.prev = &fs->lru;
	free(fs->bhash);
	free(fs->run);
	free(fs->ra);
	fs->bhash = NULL;
	fs->run = fs->ra = NULL;
	fs->nbufs = 0;
}

static void hash_remove(struct ext2_fs *fs, struct ext2_buf *b)
{
	struct ext2_buf **pp = &fs->bhash[hash_of(fs, b->blk)];
	while (*pp && *pp != b)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = b->hnext;
	b->hnext = NULL;
}

struct ext2_buf *bc_find(struct ext2_fs *fs, uint32_t blk)
{
	struct ext2_buf *b = fs->bhash[hash_of(fs, blk)];
	while (b && b->blk != blk)
		b = b->hnext;
	return b;
}

static int cmp_blk(const void *a, const void *b)
{
	uint32_t x = (*(struct ext2_buf *const *)a)->blk, y = (*(struct ext2_buf *const *)b)->blk;
	return x < y ? -1 : x > y;
}

int bc_flush(struct ext2_fs *fs)
{
	uint32_t n = 0;
	for (struct ext2_buf *b = fs->lru.next; b != &fs->lru; b = b->next)
		n += b->dirty;
	if (n == 0)
		return 0;
	struct ext2_buf **v = malloc(n * sizeof *v);
	if (!v)
		return -ENOMEM;
	n = 0;
	for (struct ext2_buf *b = fs->lru.next; b != &fs->lru; b = b->next)
		if (b->dirty)
			v[n++] = b;
	qsort(v, n, sizeof *v, cmp_blk);
	int err = 0;
	for (uint32_t i = 0; i < n;) {
		uint32_t j = i + 1;
		while (j < n && j - i < fs->run_blocks && v[j]->blk == v[j - 1]->blk + 1)
			j++;
		int r;
		if (j - i == 1) {
			r = dev_write_blocks(fs, v[i]->blk, 1, v[i]->data);
		} else {
			for (uint32_t k = i; k < j; k++)
				memcpy(fs->run + (size_t)(k - i) * fs->bsize, v[k]->data, fs->bsize);
			r = dev_write_blocks(fs, v[i]->blk, j - i, fs->run);
		}
		if (r < 0)
			err = r;
		else
			for (uint32_t k = i; k < j; k++) {
				v[k]->dirty = 0;
				fs->ndirty--;
			}
		i = j;
	}
	free(v);
	return err;
}

/* The least recently used buffer nobody holds, clean (written back if need be). */
static int victim(struct ext2_fs *fs, struct ext2_buf **out)
{
	for (int tries = 0; tries < 2; tries++) {
		for (struct ext2_buf *b = fs->lru.prev; b != &fs->lru; b = b->prev) {
			if (b->refs)
				continue;
			if (b->dirty) {
				int r = bc_flush(fs);
				if (r < 0)
					return r;
			}
			*out = b;
			return 0;
		}
		int r = bufs_add(fs, 16);
		if (r < 0)
			return r;
	}
	return -ENOMEM;
}

int bc_get(struct ext2_fs *fs, uint32_t blk, int fresh, struct ext2_buf **out)
{
	if (blk >= fs->sb.s_blocks_count)
		return -EIO;
	struct ext2_buf *b = bc_find(fs, blk);
	if (b) {
		lru_unlink(b);
		lru_push_front(fs, b);
		b->refs++;
		if (fresh)
			memset(b->data, 0, fs->bsize);
		*out = b;
		return 0;
	}
	int r = victim(fs, &b);
	if (r < 0)
		return r;
	if (b->blk != NOBLK)
		hash_remove(fs, b);
	b->blk = NOBLK;
	b->dirty = 0;
	if (fresh)
		memset(b->data, 0, fs->bsize);
	else if (dev_read_blocks(fs, blk, 1, b->data) < 0)
		return -EIO;
	b->blk = blk;
	uint32_t h = hash_of(fs, blk);
	b->hnext = fs->bhash[h];
	fs->bhash[h] = b;
	lru_unlink(b);
	lru_push_front(fs, b);
	b->refs = 1;
	*out = b;
	return 0;
}

int bc_readahead(struct ext2_fs *fs, uint32_t blk, uint32_t n)
{
	if (n > fs->run_blocks)
		n = fs->run_blocks;
	if (n > fs->nbufs / 4)
		n = fs->nbufs / 4;	/* a small cache: don't push out what is being read */
	if (n == 0 || blk >= fs->sb.s_blocks_count || n > fs->sb.s_blocks_count - blk)
		return -EIO;
	int r = dev_read_blocks(fs, blk, n, fs->ra);
	if (r < 0)
		return r;
	for (uint32_t i = 0; i < n; i++) {
		struct ext2_buf *b;
		if (bc_find(fs, blk + i))
			continue;	/* the cached copy may be newer */
		if ((r = victim(fs, &b)) < 0)
			return r;
		if (b->blk != NOBLK)
			hash_remove(fs, b);
		memcpy(b->data, fs->ra + (size_t)i * fs->bsize, fs->bsize);
		b->blk = blk + i;
		b->dirty = 0;
		uint32_t h = hash_of(fs, b->blk);
		b->hnext = fs->bhash[h];
		fs->bhash[h] = b;
		lru_unlink(b);
		lru_push_front(fs, b);
	}
	return 0;
}

void bc_put(struct ext2_fs *fs, struct ext2_buf *b)
{
	if (b && b->refs)
		b->refs--;
}

void bc_dirty(struct ext2_fs *fs, struct ext2_buf *b)
{
	if (!b->dirty)
		fs->ndirty++;
	b->dirty = 1;
}

void bc_forget(struct ext2_fs *fs, uint32_t blk)
{
	struct ext2_buf *b = bc_find(fs, blk);
	if (b && !b->refs) {
		hash_remove(fs, b);
		fs->ndirty -= b->dirty ? 1 : 0;
		b->dirty = 0;
		b->blk = NOBLK;
		lru_unlink(b);
		b->prev = fs->lru.prev;
		b->next = &fs->lru;
		fs->lru.prev->next = b;
		fs->lru.prev = b;
	}
}
