/* tmpfs.c: the in-memory filesystem's core (see tmpfs.h): path walks, names, data pages. */
#include "tmpfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define R_BIT	4
#define W_BIT	2
#define X_BIT	1

#define LINK_MAX_TMPFS	65000u

static uint64_t now_ns(struct tmpfs *fs)
{
	return fs->now ? fs->now() : 0;
}

static void touch_mc(struct tmpfs *fs, struct tmpfs_node *n)
{
	n->attr.mtime_ns = n->attr.ctime_ns = now_ns(fs);
}

/* Is gid the credentials' effective group or one of their supplementary groups? */
static int in_group(const struct tmpfs_cred *cr, uint32_t gid)
{
	if (cr->gid == gid)
		return 1;
	for (int i = 0; i < cr->ngroups; i++)
		if (cr->groups[i] == gid)
			return 1;
	return 0;
}

int tmpfs_access(const struct tmpfs_cred *cr, const struct tmpfs_node *n, int want)
{
	uint32_t mode = n->attr.mode, bits;
	if (cr->uid == 0) {
		/* root reads and writes anything; executes what someone may execute */
		if ((want & X_BIT) && !tmpfs_isdir(n) && !(mode & 0111))
			return -EACCES;
		return 0;
	}
	if (cr->uid == n->attr.uid)
		bits = (mode >> 6) & 7;
	else if (in_group(cr, n->attr.gid))
		bits = (mode >> 3) & 7;
	else
		bits = mode & 7;
	return ((bits & (uint32_t)want) == (uint32_t)want) ? 0 : -EACCES;
}

/* --- Nodes ------------------------------------------------------------------------------- */

static struct tmpfs_node *node_new(struct tmpfs *fs, uint32_t mode, const struct tmpfs_cred *cr)
{
	struct tmpfs_node *n = calloc(1, sizeof *n);
	if (!n)
		return NULL;
	n->attr.mode = mode;
	n->attr.uid = cr->uid;
	n->attr.gid = cr->gid;
	n->attr.ino = fs->next_ino++;
	n->attr.atime_ns = n->attr.mtime_ns = n->attr.ctime_ns = now_ns(fs);
	n->parent = n;
	n->tail = &n->entries;
	n->next_cookie = TMPFS_COOKIE_FIRST;
	fs->nnodes++;
	return n;
}

static uint8_t *page_at(const struct tmpfs_node *n, uint64_t idx)
{
	uint64_t leaf = idx / TMPFS_LEAF_PAGES;
	if (leaf >= n->nleaves || !n->leaves[leaf])
		return NULL;
	return n->leaves[leaf][idx % TMPFS_LEAF_PAGES];
}

/* Frees the data pages from page index `first` on, and the leaves left empty. */
static void pages_free_from(struct tmpfs *fs, struct tmpfs_node *n, uint64_t first)
{
	for (uint64_t leaf = first / TMPFS_LEAF_PAGES; leaf < n->nleaves; leaf++) {
		uint8_t **l = n->leaves[leaf];
		if (!l)
			continue;
		uint64_t start = leaf == first / TMPFS_LEAF_PAGES ? first % TMPFS_LEAF_PAGES : 0;
		for (uint64_t i = start; i < TMPFS_LEAF_PAGES; i++) {
			if (l[i]) {
				free(l[i]);
				l[i] = NULL;
				n->npages--;
				fs->usedbytes -= TMPFS_PAGE;
			}
		}
		if (start == 0) {
			free(l);
			n->leaves[leaf] = NULL;
		}
	}
	uint64_t keep = (first + TMPFS_LEAF_PAGES - 1) / TMPFS_LEAF_PAGES;
	if (keep < n->nleaves) {
		n->nleaves = (uint32_t)keep;
		if (keep == 0) {
			free(n->leaves);
			n->leaves = NULL;
		}
	}
}

static void node_free(struct tmpfs *fs, struct tmpfs_node *n)
{
	pages_free_from(fs, n, 0);
	free(n->leaves);
	free(n);
	fs->nnodes--;
}

/* A node with no name and no open goes away. */
static void node_release(struct tmpfs *fs, struct tmpfs_node *n)
{
	if (n->attr.nlink == 0 && n->opens == 0)
		node_free(fs, n);
}

void tmpfs_close(struct tmpfs *fs, struct tmpfs_node *n)
{
	if (n->opens)
		n->opens--;
	node_release(fs, n);
}

/* --- Directories ---------------------------------------------------------------------- */

static struct tmpfs_dirent **dir_find(struct tmpfs_node *dir, const char *name, size_t len)
{
	for (struct tmpfs_dirent **pp = &dir->entries; *pp; pp = &(*pp)->next)
		if ((*pp)->namelen == len && memcmp((*pp)->name, name, len) == 0)
			return pp;
	return NULL;
}

static struct tmpfs_dirent *dirent_new(const char *name, size_t len, struct tmpfs_node *node)
{
	struct tmpfs_dirent *d = malloc(sizeof *d + len + 1);
	if (!d)
		return NULL;
	d->next = NULL;
	d->node = node;
	d->cookie = 0;
	d->namelen = (uint16_t)len;
	memcpy(d->name, name, len);
	d->name[len] = 0;
	return d;
}

static void dir_append(struct tmpfs *fs, struct tmpfs_node *dir, struct tmpfs_dirent *d)
{
	d->cookie = dir->next_cookie++;
	d->next = NULL;
	*dir->tail = d;
	dir->tail = &d->next;
	dir->attr.size++;
	touch_mc(fs, dir);
}

static void dir_unlink(struct tmpfs *fs, struct tmpfs_node *dir, struct tmpfs_dirent **pp)
{
	struct tmpfs_dirent *d = *pp;
	*pp = d->next;
	if (dir->tail == &d->next)
		dir->tail = pp;
	free(d);
	dir->attr.size--;
	touch_mc(fs, dir);
}

static int is_dot(const char *name, size_t len)
{
	return (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.');
}

/* One step of a walk: name in dir (search permission needed). */
static int step(const struct tmpfs_cred *cr, struct tmpfs_node *dir, const char *name, size_t len,
		struct tmpfs_node **out)
{
	if (!tmpfs_isdir(dir))
		return -ENOTDIR;
	int e = tmpfs_access(cr, dir, X_BIT);
	if (e)
		return e;
	if (len > TMPFS_NAME_MAX)
		return -ENAMETOOLONG;
	if (len == 1 && name[0] == '.') {
		*out = dir;
		return 0;
	}
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		*out = dir->parent;
		return 0;
	}
	struct tmpfs_dirent **pp = dir_find(dir, name, len);
	if (!pp)
		return -ENOENT;
	*out = (*pp)->node;
	return 0;
}

/* The last component of a path and the directory it is in. len 0: the root itself. */
struct pwalk {
	struct tmpfs_node	*dir;
	const char		*name;
	size_t			len;
	int			slash;		/* the path ended in '/' */
};

static int walk_parent(struct tmpfs *fs, const struct tmpfs_cred *cr, const char *path,
		       struct pwalk *w)
{
	struct tmpfs_node *dir = fs->root;
	const char *p = path;
	while (*p == '/')
		p++;
	for (;;) {
		const char *c = p;
		while (*p && *p != '/')
			p++;
		size_t len = (size_t)(p - c);
		const char *q = p;
		while (*q == '/')
			q++;
		if (*q == 0) {
			if (len > TMPFS_NAME_MAX)
				return -ENAMETOOLONG;
			w->dir = dir;
			w->name = c;
			w->len = len;
			w->slash = *p == '/';
			return 0;
		}
		struct tmpfs_node *next;
		int e = step(cr, dir, c, len, &next);
		if (e)
			return e;
		dir = next;
		p = q;
	}
}

int tmpfs_lookup(struct tmpfs *fs, const struct tmpfs_cred *cr, const char *path, int must_dir,
		 struct tmpfs_node **out)
{
	struct pwalk w;
	struct tmpfs_node *n;
	int e = walk_parent(fs, cr, path, &w);
	if (e)
		return e;
	if (w.len == 0)
		n = w.dir;
	else if ((e = step(cr, w.dir, w.name, w.len, &n)))
		return e;
	if ((w.slash || must_dir) && !tmpfs_isdir(n))
		return -ENOTDIR;
	*out = n;
	return 0;
}

/* A directory about to get or lose a name: it is one, searchable and writable. */
static int dir_writable(const struct tmpfs_cred *cr, struct tmpfs_node *dir)
{
	if (!tmpfs_isdir(dir))
		return -ENOTDIR;
	int e = tmpfs_access(cr, dir, X_BIT);
	return e ? e : tmpfs_access(cr, dir, W_BIT);
}

/* The sticky bit: only the file's owner, the directory's owner or root remove names. */
static int sticky_ok(const struct tmpfs_cred *cr, struct tmpfs_node *dir, struct tmpfs_node *n)
{
	if (!(dir->attr.mode & S_ISVTX) || cr->uid == 0 || cr->uid == dir->attr.uid ||
	    cr->uid == n->attr.uid)
		return 0;
	return -EPERM;
}

int64_t tmpfs_readdir(struct tmpfs_node *dir, int64_t cookie,
		      int (*fn)(void *arg, uint64_t ino, int64_t next, int dtype, const char *name),
		      void *arg)
{
	if (cookie < 0)
		cookie = 0;
	if (cookie == 0) {
		if (fn(arg, dir->attr.ino, 1, 4, "."))
			return 0;
		cookie = 1;
	}
	if (cookie == 1) {
		if (fn(arg, dir->parent->attr.ino, TMPFS_COOKIE_FIRST, 4, ".."))
			return 1;
		cookie = TMPFS_COOKIE_FIRST;
	}
	for (struct tmpfs_dirent *d = dir->entries; d; d = d->next) {
		if (d->cookie < cookie)
			continue;
		int dtype;
		switch (d->node->attr.mode & S_IFMT) {
		case S_IFDIR: dtype = 4; break;
		case S_IFREG: dtype = 8; break;
		case S_IFIFO: dtype = 1; break;
		case S_IFCHR: dtype = 2; break;
		case S_IFLNK: dtype = 10; break;
		default: dtype = 0; break;
		}
		if (fn(arg, d->node->attr.ino, d->cookie + 1, dtype, d->name))
			return d->cookie;
		cookie = d->cookie + 1;
	}
	return cookie;
}

/* --- File data ----------------------------------------------------------------------- */

ssize_t tmpfs_read(struct tmpfs *fs, struct tmpfs_node *n, uint64_t off, void *buf, size_t len)
{
	if (tmpfs_isdir(n))
		return -EISDIR;
	if (off >= n->attr.size)
		return 0;
	if (len > n->attr.size - off)
		len = (size_t)(n->attr.size - off);
	uint8_t *out = buf;
	size_t done = 0;
	while (done < len) {
		uint64_t pos = off + done;
		size_t in = pos % TMPFS_PAGE, chunk = TMPFS_PAGE - in;
		if (chunk > len - done)
			chunk = len - done;
		uint8_t *pg = page_at(n, pos / TMPFS_PAGE);
		if (pg)
			memcpy(out + done, pg + in, chunk);
		else
			memset(out + done, 0, chunk);
		done += chunk;
	}
	n->attr.atime_ns = now_ns(fs);
	return (ssize_t)done;
}

/* The page at idx, made (zeroed) if it is a hole. NULL: ENOSPC or ENOMEM in *err. */
static uint8_t *page_make(struct tmpfs *fs, struct tmpfs_node *n, uint64_t idx, int *err)
{
	uint8_t *pg = page_at(n, idx);
	if (pg)
		return pg;
	if (fs->maxbytes && fs->usedbytes + TMPFS_PAGE > fs->maxbytes) {
		*err = -ENOSPC;
		return NULL;
	}
	uint64_t leaf = idx / TMPFS_LEAF_PAGES;
	*err = -ENOMEM;
	if (leaf >= n->nleaves) {
		uint8_t ***nl = realloc(n->leaves, (leaf + 1) * sizeof *nl);
		if (!nl)
			return NULL;
		memset(nl + n->nleaves, 0, (leaf + 1 - n->nleaves) * sizeof *nl);
		n->leaves = nl;
		n->nleaves = (uint32_t)(leaf + 1);
	}
	if (!n->leaves[leaf] && !(n->leaves[leaf] = calloc(TMPFS_LEAF_PAGES, sizeof(uint8_t *))))
		return NULL;
	if (!(pg = calloc(1, TMPFS_PAGE)))
		return NULL;
	n->leaves[leaf][idx % TMPFS_LEAF_PAGES] = pg;
	n->npages++;
	fs->usedbytes += TMPFS_PAGE;
	return pg;
}

ssize_t tmpfs_write(struct tmpfs *fs, struct tmpfs_node *n, uint64_t off, const void *buf,
		    size_t len)
{
	if (tmpfs_isdir(n))
		return -EISDIR;
	if (len == 0)
		return 0;
	if (off >= TMPFS_MAX_FILE)
		return -EFBIG;
	if (len > TMPFS_MAX_FILE - off)
		len = (size_t)(TMPFS_MAX_FILE - off);
	const uint8_t *in = buf;
	size_t done = 0;
	int err = 0;
	while (done < len) {
		uint64_t pos = off + done;
		size_t at = pos % TMPFS_PAGE, chunk = TMPFS_PAGE - at;
		if (chunk > len - done)
			chunk = len - done;
		uint8_t *pg = page_make(fs, n, pos / TMPFS_PAGE, &err);
		if (!pg)
			break;
		memcpy(pg + at, in + done, chunk);
		done += chunk;
	}
	if (done == 0)
		return err;
	if (off + done > n->attr.size)
		n->attr.size = off + done;
	touch_mc(fs, n);
	return (ssize_t)done;
}

int tmpfs_truncate(struct tmpfs *fs, struct tmpfs_node *n, uint64_t size)
{
	if (tmpfs_isdir(n))
		return -EISDIR;
	if ((n->attr.mode & S_IFMT) != S_IFREG)
		return -EINVAL;
	if (size > TMPFS_MAX_FILE)
		return -EFBIG;
	if (size < n->attr.size) {
		/* what lies past the new end must read as zeros if the file grows again */
		pages_free_from(fs, n, (size + TMPFS_PAGE - 1) / TMPFS_PAGE);
		uint8_t *pg = page_at(n, size / TMPFS_PAGE);
		if (pg && size % TMPFS_PAGE)
			memset(pg + size % TMPFS_PAGE, 0, TMPFS_PAGE - size % TMPFS_PAGE);
	}
	if (size != n->attr.size) {
		n->attr.size = size;
		touch_mc(fs, n);
	}
	return 0;
}

int tmpfs_zero(struct tmpfs *fs, struct tmpfs_node *n, uint64_t off, uint64_t len)
{
	if (tmpfs_isdir(n))
		return -EISDIR;
	if (off >= n->attr.size)
		return 0;
	if (len > n->attr.size - off)
		len = n->attr.size - off;
	for (uint64_t done = 0; done < len;) {
		uint64_t pos = off + done, at = pos % TMPFS_PAGE, chunk = TMPFS_PAGE - at;
		if (chunk > len - done)
			chunk = len - done;
		uint8_t *pg = page_at(n, pos / TMPFS_PAGE);
		if (pg)
			memset(pg + at, 0, chunk);
		done += chunk;
	}
	touch_mc(fs, n);
	return 0;
}

/* --- Names ---------------------------------------------------------------------------- */

int tmpfs_init(struct tmpfs *fs, uint64_t maxbytes, uint64_t (*now)(void), uint32_t root_mode,
	       uint32_t uid, uint32_t gid)
{
	memset(fs, 0, sizeof *fs);
	fs->maxbytes = maxbytes;
	fs->now = now;
	fs->next_ino = 1;
	struct tmpfs_cred cr = { .uid = uid, .gid = gid };
	fs->root = node_new(fs, S_IFDIR | (root_mode & 07777), &cr);
	if (!fs->root)
		return -ENOMEM;
	fs->root->attr.nlink = 2;
	return 0;
}

static void free_tree(struct tmpfs *fs, struct tmpfs_node *dir)
{
	struct tmpfs_dirent *d = dir->entries, *next;
	for (; d; d = next) {
		next = d->next;
		struct tmpfs_node *n = d->node;
		if (tmpfs_isdir(n)) {
			free_tree(fs, n);
		} else if (--n->attr.nlink == 0) {
			node_free(fs, n);
		}
		free(d);
	}
	node_free(fs, dir);
}

void tmpfs_destroy(struct tmpfs *fs)
{
	if (fs->root)
		free_tree(fs, fs->root);
	fs->root = NULL;
}

int tmpfs_open(struct tmpfs *fs, const struct tmpfs_cred *cr, const char *path, int oflag,
	       uint32_t mode, int must_dir, struct tmpfs_node **out, int *created)
{
	int acc = oflag & O_ACCMODE, e, want;
	struct pwalk w;
	struct tmpfs_node *n;
	*created = 0;
	if (acc != O_RDONLY && acc != O_WRONLY && acc != O_RDWR)
		return -EINVAL;
	if ((e = walk_parent(fs, cr, path, &w)))
		return e;
	if (w.len == 0) {
		n = w.dir;
	} else if ((e = step(cr, w.dir, w.name, w.len, &n))) {
		if (e != -ENOENT || !(oflag & O_CREAT))
			return e;
		if (w.slash || must_dir)
			return -EISDIR;
		if ((e = dir_writable(cr, w.dir)))
			return e;
		struct tmpfs_dirent *d;
		if (!(n = node_new(fs, S_IFREG | (mode & 07777), cr)))
			return -ENOMEM;
		if (!(d = dirent_new(w.name, w.len, n))) {
			node_free(fs, n);
			return -ENOMEM;
		}
		n->attr.nlink = 1;
		dir_append(fs, w.dir, d);
		n->opens++;
		*created = 1;
		*out = n;
		return 0;
	}
	if ((oflag & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return -EEXIST;
	if ((w.slash || must_dir) && !tmpfs_isdir(n))
		return -ENOTDIR;
	if (tmpfs_isdir(n) && (acc != O_RDONLY || (oflag & O_TRUNC)))
		return -EISDIR;
	want = acc == O_RDONLY ? R_BIT : acc == O_WRONLY ? W_BIT : R_BIT | W_BIT;
	if (oflag & O_TRUNC)
		want |= W_BIT;
	if ((e = tmpfs_access(cr, n, want)))
		return e;
	if ((oflag & O_TRUNC) && (n->attr.mode & S_IFMT) == S_IFREG && n->attr.size)
		tmpfs_truncate(fs, n, 0);
	n->opens++;
	*out = n;
	return 0;
}

int tmpfs_mkdir(struct tmpfs *fs, const struct tmpfs_cred *cr, const char *path, uint32_t mode)
{
	struct pwalk w;
	int e = walk_parent(fs, cr, path, &w);
	if (e)
		return e;
	if (w.len == 0 || is_dot(w.name, w.len))
		return -EEXIST;
	if (!tmpfs_isdir(w.dir))
		return -ENOTDIR;
	if ((e = tmpfs_access(cr, w.dir, X_BIT)))
		return e;
	if (dir_find(w.dir, w.name, w.len))
		return -EEXIST;
	if ((e = tmpfs_access(cr, w.dir, W_BIT)))
		return e;
	if (w.dir->attr.nlink >= LINK_MAX_TMPFS)
		return -EMLINK;
	struct tmpfs_node *n = node_new(fs, S_IFDIR | (mode & 07777), cr);
	struct tmpfs_dirent *d;
	if (!n)
		return -ENOMEM;
	if (!(d = dirent_new(w.name, w.len, n))) {
		node_free(fs, n);
		return -ENOMEM;
	}
	n->attr.nlink = 2;
	n->parent = w.dir;
	w.dir->attr.nlink++;
	dir_append(fs, w.dir, d);
	return 0;
}

/* Takes a name away from n (its directory entry is gone already). */
static void drop_name(struct tmpfs *fs, struct tmpfs_node *parent, struct tmpfs_node *n)
{
	if (tmpfs_isdir(n)) {
		parent->attr.nlink--;
		n->attr.nlink = 0;
		n->parent = n;	/* its old parent may go before an open of it does */
	} else {
		n->attr.nlink--;
	}
	n->attr.ctime_ns = now_ns(fs);
}

int tmpfs_remove(struct tmpfs *fs, const struct tmpfs_cred *cr, const char *path, int dir)
{
	struct pwalk w;
	int e = walk_parent(fs, cr, path, &w);
	if (e)
		return e;
	if (w.len == 0)
		return -EBUSY;
	if (!tmpfs_isdir(w.dir))
		return -ENOTDIR;
	if ((e = tmpfs_access(cr, w.dir, X_BIT)))
		return e;
	if (is_dot(w.name, w.len))
		return !dir ? -EISDIR : w.len == 1 ? -EINVAL : -ENOTEMPTY;
	struct tmpfs_dirent **pp = dir_find(w.dir, w.name, w.len);
	if (!pp)
		return -ENOENT;
	struct tmpfs_node *n = (*pp)->node;
	if (dir && !tmpfs_isdir(n))
		return -ENOTDIR;
	if (!dir && tmpfs_isdir(n))
		return -EISDIR;
	if (!dir && w.slash)
		return -ENOTDIR;
	if (dir && n->entries)
		return -ENOTEMPTY;
	if ((e = tmpfs_access(cr, w.dir, W_BIT)) || (e = sticky_ok(cr, w.dir, n)))
		return e;
	dir_unlink(fs, w.dir, pp);
	drop_name(fs, w.dir, n);
	node_release(fs, n);
	return 0;
}

int tmpfs_rename(struct tmpfs *fs, const struct tmpfs_cred *cr, const char *from, const char *to)
{
	struct pwalk f, t;
	struct tmpfs_node *src, *dst = NULL;
	struct tmpfs_dirent **tpp, *nd = NULL;
	int e;
	if ((e = walk_parent(fs, cr, from, &f)) || (e = walk_parent(fs, cr, to, &t)))
		return e;
	if (f.len == 0 || t.len == 0)
		return -EBUSY;
	if ((e = step(cr, f.dir, f.name, f.len, &src)))
		return e;
	if (is_dot(f.name, f.len) || is_dot(t.name, t.len))
		return -EINVAL;
	if (!tmpfs_isdir(t.dir))
		return -ENOTDIR;
	if ((e = tmpfs_access(cr, t.dir, X_BIT)))
		return e;
	if ((f.slash || t.slash) && !tmpfs_isdir(src))
		return -ENOTDIR;
	tpp = dir_find(t.dir, t.name, t.len);
	if (tpp)
		dst = (*tpp)->node;
	if ((e = tmpfs_access(cr, f.dir, W_BIT)) || (e = tmpfs_access(cr, t.dir, W_BIT)) ||
	    (e = sticky_ok(cr, f.dir, src)) || (dst && (e = sticky_ok(cr, t.dir, dst))))
		return e;
	if (dst == src)
		return 0;
	if (tmpfs_isdir(src)) {
		if (dst && !tmpfs_isdir(dst))
			return -ENOTDIR;
		if (dst && dst->entries)
			return -ENOTEMPTY;
		/* not into itself: t.dir must not be src or below it */
		for (struct tmpfs_node *a = t.dir;; a = a->parent) {
			if (a == src)
				return -EINVAL;
			if (a == a->parent)
				break;
		}
		if (f.dir != t.dir && (e = tmpfs_access(cr, src, W_BIT)))
			return e;	/* its ".." changes */
		if (!dst && t.dir->attr.nlink >= LINK_MAX_TMPFS)
			return -EMLINK;
	} else if (dst && tmpfs_isdir(dst)) {
		return -EISDIR;
	}
	if (!dst && !(nd = dirent_new(t.name, t.len, src)))
		return -ENOMEM;

	/* Decided: from here on nothing fails. */
	if (dst) {
		drop_name(fs, t.dir, dst);
		(*tpp)->node = src;
		touch_mc(fs, t.dir);
	} else {
		dir_append(fs, t.dir, nd);
	}
	dir_unlink(fs, f.dir, dir_find(f.dir, f.name, f.len));
	if (tmpfs_isdir(src) && f.dir != t.dir) {
		f.dir->attr.nlink--;
		t.dir->attr.nlink++;
		src->parent = t.dir;
	}
	src->attr.ctime_ns = now_ns(fs);
	if (dst)
		node_release(fs, dst);
	return 0;
}

int tmpfs_link(struct tmpfs *fs, const struct tmpfs_cred *cr, const char *existing,
	       const char *newpath)
{
	struct tmpfs_node *src;
	struct pwalk t;
	struct tmpfs_dirent *d;
	int e;
	if ((e = tmpfs_lookup(fs, cr, existing, 0, &src)))
		return e;
	if ((e = walk_parent(fs, cr, newpath, &t)))
		return e;
	if (tmpfs_isdir(src))
		return -EPERM;
	if (t.len == 0 || is_dot(t.name, t.len))
		return -EEXIST;
	if (!tmpfs_isdir(t.dir))
		return -ENOTDIR;
	if ((e = tmpfs_access(cr, t.dir, X_BIT)))
		return e;
	if (dir_find(t.dir, t.name, t.len))
		return -EEXIST;
	if (t.slash)
		return -ENOENT;
	if ((e = tmpfs_access(cr, t.dir, W_BIT)))
		return e;
	if (src->attr.nlink >= LINK_MAX_TMPFS)
		return -EMLINK;
	if (!(d = dirent_new(t.name, t.len, src)))
		return -ENOMEM;
	dir_append(fs, t.dir, d);
	src->attr.nlink++;
	src->attr.ctime_ns = now_ns(fs);
	return 0;
}

/* --- Attributes ----------------------------------------------------------------------- */

int tmpfs_chmod(struct tmpfs *fs, const struct tmpfs_cred *cr, struct tmpfs_node *n, uint32_t mode)
{
	if (cr->uid != 0 && cr->uid != n->attr.uid)
		return -EPERM;
	mode &= 07777;
	/* set-group-id only for a member of the file's group */
	if (cr->uid != 0 && !in_group(cr, n->attr.gid) && !tmpfs_isdir(n))
		mode &= ~(uint32_t)S_ISGID;
	n->attr.mode = (n->attr.mode & S_IFMT) | mode;
	n->attr.ctime_ns = now_ns(fs);
	return 0;
}

int tmpfs_chown(struct tmpfs *fs, const struct tmpfs_cred *cr, struct tmpfs_node *n, int uid, int gid)
{
	if (uid < -1 || gid < -1)
		return -EINVAL;
	if (cr->uid != 0) {
		if (uid != -1 && (uint32_t)uid != n->attr.uid)
			return -EPERM;
		if (cr->uid != n->attr.uid)
			return -EPERM;
		if (gid != -1 && (uint32_t)gid != n->attr.gid && !in_group(cr, (uint32_t)gid))
			return -EPERM;
	}
	if (uid != -1)
		n->attr.uid = (uint32_t)uid;
	if (gid != -1)
		n->attr.gid = (uint32_t)gid;
	if (cr->uid != 0 && !tmpfs_isdir(n))
		n->attr.mode &= ~(uint32_t)(S_ISUID | S_ISGID);
	n->attr.ctime_ns = now_ns(fs);
	return 0;
}

int tmpfs_utime(struct tmpfs *fs, const struct tmpfs_cred *cr, struct tmpfs_node *n, int now,
		uint64_t atime_ns, uint64_t mtime_ns)
{
	int owner = cr->uid == 0 || cr->uid == n->attr.uid;
	if (now) {
		if (!owner && tmpfs_access(cr, n, W_BIT))
			return -EACCES;
		atime_ns = mtime_ns = now_ns(fs);
	} else if (!owner) {
		return -EPERM;
	}
	n->attr.atime_ns = atime_ns;
	n->attr.mtime_ns = mtime_ns;
	n->attr.ctime_ns = now_ns(fs);
	return 0;
}
