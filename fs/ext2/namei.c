/* namei.c: ext2 path walks and POSIX's rules for names: open/create, mkdir, remove, rename, links. */
/*
 * Every path step needs search (x) on the directory; making and removing names needs
 * w+x on it; in a sticky directory only the file's owner, the directory's owner or root
 * may remove or replace a name. Each operation checks everything before it changes
 * anything, so a refused call leaves no trace; ENOSPC while adding a name undoes the
 * new inode (its last reference frees it).
 */
#include "ext2.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

#define R_BIT	4
#define W_BIT	2
#define X_BIT	1
#define S_IFMT_	0170000
#define S_IFREG_ 0100000
#define S_IFDIR_ 0040000
#define S_IFLNK_ 0120000

/* Is gid the credentials' effective group or one of their supplementary groups? */
static int in_group(const struct ext2_cred *cr, uint32_t gid)
{
	if (cr->gid == gid)
		return 1;
	for (int i = 0; i < cr->ngroups; i++)
		if (cr->groups[i] == gid)
			return 1;
	return 0;
}

int ext2_access(const struct ext2_cred *cr, const struct ext2_node *n, int want)
{
	uint32_t mode = n->attr.mode, bits;
	if (cr->uid == 0) {
		if ((want & X_BIT) && !ext2_isdir(n) && !(mode & 0111))
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

static int is_dot(const char *s, size_t n)
{
	return (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.');
}

static int redirect(struct ext2_fs *fs, struct ext2_node *link, const char *path,
		    const char *comp, const char *rest, struct ext2_redirect *rd)
{
	ssize_t n = ext2_readlink(fs, link, rd->target, sizeof rd->target);
	if (n < 0)
		return (int)n;
	rd->dirlen = comp > path ? (size_t)(comp - path - 1) : 0;
	rd->rest = rest;
	return EXT2_REDIRECT;
}

/*
 * Walk path. With parent set, stop before the last component: *out is its directory
 * and *name, *namelen the component ("" for the root itself). Otherwise *out is what the
 * path names. Symlinks on the way, and at the end unless EXT2_NOFOLLOW, redirect.
 */
static int walk(struct ext2_fs *fs, const struct ext2_cred *cr, const char *path, int flags,
		int parent, struct ext2_node **out, const char **name, size_t *namelen,
		struct ext2_redirect *rd)
{
	struct ext2_node *cur;
	int r = ext2_iget(fs, EXT2_ROOT_INO, &cur);
	if (r < 0)
		return r;
	const char *p = path;
	while (*p == '/')
		p++;
	while (*p) {
		const char *c = p;
		size_t len = strcspn(c, "/");
		const char *next = c + len;
		while (*next == '/')
			next++;
		if (len > EXT2_NAME_MAX) {
			r = -ENAMETOOLONG;
			goto fail;
		}
		if (!ext2_isdir(cur)) {
			r = -ENOTDIR;
			goto fail;
		}
		if (parent && !*next) {
			*out = cur;
			*name = c;
			*namelen = len;
			return 0;
		}
		if ((r = ext2_access(cr, cur, X_BIT)) < 0)
			goto fail;
		if (len == 1 && c[0] == '.') {
			p = next;
			continue;
		}
		uint32_t ino;
		struct ext2_node *child;
		if ((r = ext2_dir_find(fs, cur, c, len, &ino)) < 0 ||
		    (r = ext2_iget(fs, ino, &child)) < 0)
			goto fail;
		if (ext2_islnk(child) && (*next || !(flags & EXT2_NOFOLLOW))) {
			r = redirect(fs, child, path, c, next, rd);
			ext2_iput(fs, child);
			goto fail;
		}
		ext2_iput(fs, cur);
		cur = child;
		p = next;
	}
	if (parent) {
		*out = cur;
		*name = p;
		*namelen = 0;
		return 0;
	}
	if ((flags & EXT2_MUSTDIR) && !ext2_isdir(cur)) {
		r = -ENOTDIR;
		goto fail;
	}
	*out = cur;
	return 0;
fail:
	ext2_iput(fs, cur);
	return r;
}

int ext2_lookup(struct ext2_fs *fs, const struct ext2_cred *cr, const char *path, int flags,
		struct ext2_node **out, struct ext2_redirect *rd)
{
	return walk(fs, cr, path, flags, 0, out, NULL, NULL, rd);
}

/* The child `name` of dir, referenced; -ENOENT if none. */
static int child_of(struct ext2_fs *fs, struct ext2_node *dir, const char *name, size_t len,
		    struct ext2_node **out)
{
	uint32_t ino;
	int r = ext2_dir_find(fs, dir, name, len, &ino);
	return r < 0 ? r : ext2_iget(fs, ino, out);
}

/* May cr remove or replace n's name in dir (w+x, and the sticky rule)? */
static int may_delete(const struct ext2_cred *cr, struct ext2_node *dir, struct ext2_node *n)
{
	int r = ext2_access(cr, dir, W_BIT | X_BIT);
	if (r < 0)
		return r;
	if ((dir->attr.mode & 01000) && cr->uid != 0 && cr->uid != n->attr.uid &&
	    cr->uid != dir->attr.uid)
		return -EPERM;
	return 0;
}

/* A new inode named `name` in dir: made, linked, referenced in *out. */
static int create(struct ext2_fs *fs, const struct ext2_cred *cr, struct ext2_node *dir,
		  const char *name, size_t len, uint32_t mode, struct ext2_node **out)
{
	struct ext2_node *n;
	int r = ext2_access(cr, dir, W_BIT | X_BIT);
	if (r < 0 || (r = ext2_inew(fs, dir, mode, cr, &n)) < 0)
		return r;
	if ((r = ext2_dir_add(fs, dir, name, len, n->ino, mode)) < 0) {
		ext2_iput(fs, n);		/* links 0: freed */
		return r;
	}
	n->di.i_links_count = 1;
	if ((r = ext2_iupdate(fs, n)) < 0) {
		ext2_iput(fs, n);
		return r;
	}
	*out = n;
	return 0;
}

int ext2_open(struct ext2_fs *fs, const struct ext2_cred *cr, const char *path, int oflag,
	      uint32_t mode, int flags, struct ext2_node **out, struct ext2_redirect *rd)
{
	struct ext2_node *dir, *n = NULL;
	const char *name;
	size_t len;
	int r, created = 0, acc = oflag & O_ACCMODE;
	int lflags = flags | ((oflag & O_NOFOLLOW) ? EXT2_NOFOLLOW : 0);
	if (acc == O_ACCMODE)
		return -EINVAL;
	if (oflag & O_CREAT) {
		if ((r = walk(fs, cr, path, lflags, 1, &dir, &name, &len, rd)) != 0)
			return r;
		r = len == 0 ? ext2_iget(fs, EXT2_ROOT_INO, &n) : child_of(fs, dir, name, len, &n);
		if (r == 0 && (oflag & O_EXCL)) {
			r = -EEXIST;
		} else if (r == 0 && ext2_islnk(n)) {
			ext2_iput(fs, n);
			ext2_iput(fs, dir);
			/* an existing symlink: follow it (or refuse with O_NOFOLLOW) */
			return (oflag & O_NOFOLLOW) ? -ELOOP :
			       walk(fs, cr, path, lflags, 0, out, NULL, NULL, rd);
		} else if (r == -ENOENT) {
			if (flags & EXT2_MUSTDIR)
				r = -EISDIR;
			else if (fs->rdonly)
				r = -EROFS;
			else if ((r = ext2_access(cr, dir, X_BIT)) == 0 &&
				 (r = create(fs, cr, dir, name, len, S_IFREG_ | (mode & 07777), &n)) == 0)
				created = 1;
		}
		ext2_iput(fs, dir);
		if (r < 0) {
			if (n && r == -EEXIST)
				ext2_iput(fs, n);
			return r;
		}
	} else if ((r = walk(fs, cr, path, lflags, 0, &n, NULL, NULL, rd)) != 0) {
		return r;
	}
	if (!created) {
		int want = (acc == O_RDONLY || acc == O_RDWR ? R_BIT : 0) |
			   (acc != O_RDONLY || (oflag & O_TRUNC) ? W_BIT : 0);
		if (ext2_islnk(n))
			r = -ELOOP;		/* O_NOFOLLOW on a symlink */
		else if (ext2_isdir(n) && acc != O_RDONLY)
			r = -EISDIR;
		else if ((flags & EXT2_MUSTDIR) && !ext2_isdir(n))
			r = -ENOTDIR;
		else if ((want & W_BIT) && fs->rdonly)
			r = -EROFS;
		else
			r = ext2_access(cr, n, want);
		if (r == 0 && (oflag & O_TRUNC) && (n->di.i_mode & S_IFMT_) == S_IFREG_ &&
		    ext2_size(n) > 0)
			r = ext2_truncate(fs, n, 0);
		if (r < 0) {
			ext2_iput(fs, n);
			return r;
		}
	}
	*out = n;
	return 0;
}

/* The parent directory and last name of path for an operation that adds or removes a
 * name: *dir referenced. Read-only filesystems refuse. */
static int parent_of(struct ext2_fs *fs, const struct ext2_cred *cr, const char *path,
		     struct ext2_node **dir, const char **name, size_t *len, struct ext2_redirect *rd)
{
	int r = walk(fs, cr, path, 0, 1, dir, name, len, rd);
	if (r != 0)
		return r;
	if (fs->rdonly) {
		ext2_iput(fs, *dir);
		return -EROFS;
	}
	return 0;
}

int ext2_mkdir(struct ext2_fs *fs, const struct ext2_cred *cr, const char *path, uint32_t mode,
	       struct ext2_redirect *rd)
{
	struct ext2_node *dir, *n;
	const char *name;
	size_t len;
	uint32_t ino;
	int r = parent_of(fs, cr, path, &dir, &name, &len, rd);
	if (r != 0)
		return r;
	if (len == 0 || is_dot(name, len) || (r = ext2_dir_find(fs, dir, name, len, &ino)) == 0)
		r = -EEXIST;
	else if (r == -ENOENT && dir->di.i_links_count >= EXT2_LINK_MAX)
		r = -EMLINK;
	else if (r == -ENOENT && (r = ext2_access(cr, dir, W_BIT | X_BIT)) == 0 &&
		 (r = ext2_inew(fs, dir, S_IFDIR_ | (mode & 07777), cr, &n)) == 0) {
		/* "." and ".." first; the name last, so a failure leaves nothing behind */
		if ((r = ext2_dir_add(fs, n, ".", 1, n->ino, S_IFDIR_)) == 0 &&
		    (r = ext2_dir_add(fs, n, "..", 2, dir->ino, S_IFDIR_)) == 0 &&
		    (r = ext2_dir_add(fs, dir, name, len, n->ino, S_IFDIR_)) == 0) {
			n->di.i_links_count = 2;
			dir->di.i_links_count++;
			if ((r = ext2_iupdate(fs, n)) == 0)
				r = ext2_iupdate(fs, dir);
		}
		ext2_iput(fs, n);
	}
	ext2_iput(fs, dir);
	return r;
}

int ext2_remove(struct ext2_fs *fs, const struct ext2_cred *cr, const char *path, int isdir,
		struct ext2_redirect *rd)
{
	struct ext2_node *dir, *n;
	const char *name;
	size_t len;
	int r = parent_of(fs, cr, path, &dir, &name, &len, rd);
	if (r != 0)
		return r;
	if (len == 0) {
		ext2_iput(fs, dir);
		return -EBUSY;
	}
	if (is_dot(name, len)) {
		ext2_iput(fs, dir);
		return len == 1 ? -EINVAL : -ENOTEMPTY;
	}
	if ((r = child_of(fs, dir, name, len, &n)) < 0) {
		ext2_iput(fs, dir);
		return r;
	}
	if ((r = may_delete(cr, dir, n)) < 0)
		;
	else if (isdir && !ext2_isdir(n))
		r = -ENOTDIR;
	else if (!isdir && ext2_isdir(n))
		r = -EISDIR;
	else if (isdir && (r = ext2_dir_empty(fs, n)) >= 0)
		r = r ? 0 : -ENOTEMPTY;
	if (r == 0 && (r = ext2_dir_remove(fs, dir, name, len)) == 0) {
		if (isdir) {
			n->di.i_links_count = 0;
			if (dir->di.i_links_count > 2)
				dir->di.i_links_count--;
		} else if (n->di.i_links_count) {
			n->di.i_links_count--;
		}
		ext2_touch(fs, n, 0, 1);
		if ((r = ext2_iupdate(fs, n)) == 0)
			r = ext2_iupdate(fs, dir);
	}
	ext2_iput(fs, n);
	ext2_iput(fs, dir);
	return r;
}

/* Is dir the node `anc` or below it? (a directory may not move into itself) */
static int is_below(struct ext2_fs *fs, struct ext2_node *dir, uint32_t anc)
{
	uint32_t ino = dir->ino;
	for (int depth = 0; depth < 4096; depth++) {
		if (ino == anc)
			return 1;
		if (ino == EXT2_ROOT_INO)
			return 0;
		struct ext2_node *d;
		int r = ext2_iget(fs, ino, &d);
		if (r < 0)
			return r;
		r = ext2_dir_find(fs, d, "..", 2, &ino);
		ext2_iput(fs, d);
		if (r < 0)
			return r;
	}
	return -EIO;		/* a loop of ".." entries */
}

/* rename's checks, with everything looked up; 0 if it may go ahead. */
static int rename_check(struct ext2_fs *fs, const struct ext2_cred *cr, struct ext2_node *fdir,
			struct ext2_node *src, struct ext2_node *tdir, struct ext2_node *dst)
{
	int r = may_delete(cr, fdir, src);
	if (r < 0 || (r = ext2_access(cr, tdir, W_BIT | X_BIT)) < 0)
		return r;
	if (ext2_isdir(src)) {
		if (fdir != tdir && (r = ext2_access(cr, src, W_BIT)) < 0)
			return r;	/* its ".." changes */
		if ((r = is_below(fs, tdir, src->ino)) != 0)
			return r < 0 ? r : -EINVAL;
		if (!dst && fdir != tdir && tdir->di.i_links_count >= EXT2_LINK_MAX)
			return -EMLINK;
	}
	if (!dst)
		return 0;
	if ((r = may_delete(cr, tdir, dst)) < 0)
		return r;
	if (ext2_isdir(src) && !ext2_isdir(dst))
		return -ENOTDIR;
	if (!ext2_isdir(src) && ext2_isdir(dst))
		return -EISDIR;
	if (ext2_isdir(dst) && (r = ext2_dir_empty(fs, dst)) <= 0)
		return r < 0 ? r : -ENOTEMPTY;
	return 0;
}

/* rename's changes, all checked: the new name, the old one gone, links and "..". */
static int rename_commit(struct ext2_fs *fs, struct ext2_node *fdir, const char *fname,
			 size_t flen, struct ext2_node *src, struct ext2_node *tdir,
			 const char *tname, size_t tlen, struct ext2_node *dst)
{
	int r, isdir = ext2_isdir(src);
	if (dst)
		r = ext2_dir_set(fs, tdir, tname, tlen, src->ino, src->di.i_mode);
	else
		r = ext2_dir_add(fs, tdir, tname, tlen, src->ino, src->di.i_mode);
	if (r < 0 || (r = ext2_dir_remove(fs, fdir, fname, flen)) < 0)
		return r;
	if (dst) {
		if (ext2_isdir(dst)) {
			dst->di.i_links_count = 0;
			tdir->di.i_links_count--;		/* dst's ".." */
		} else if (dst->di.i_links_count) {
			dst->di.i_links_count--;
		}
		ext2_touch(fs, dst, 0, 1);
		if ((r = ext2_iupdate(fs, dst)) < 0)
			return r;
	}
	if (isdir && fdir != tdir) {
		if ((r = ext2_dir_set(fs, src, "..", 2, tdir->ino, S_IFDIR_)) < 0)
			return r;
		fdir->di.i_links_count--;
		tdir->di.i_links_count++;
	}
	ext2_touch(fs, src, 0, 1);
	if ((r = ext2_iupdate(fs, src)) < 0 || (r = ext2_iupdate(fs, fdir)) < 0)
		return r;
	return ext2_iupdate(fs, tdir);
}

int ext2_rename(struct ext2_fs *fs, const struct ext2_cred *cr, const char *from,
		const char *to, struct ext2_redirect *rd)
{
	struct ext2_node *fdir = NULL, *tdir = NULL, *src = NULL, *dst = NULL;
	const char *fname, *tname;
	size_t flen, tlen;
	int r = parent_of(fs, cr, from, &fdir, &fname, &flen, rd);
	if (r != 0)
		return r == EXT2_REDIRECT ? -EXDEV : r;	/* only the new path may redirect */
	if ((r = parent_of(fs, cr, to, &tdir, &tname, &tlen, rd)) != 0)
		goto out;
	if (flen == 0 || tlen == 0) {
		r = -EBUSY;
		goto out;
	}
	if (is_dot(fname, flen) || is_dot(tname, tlen)) {
		r = -EINVAL;
		goto out;
	}
	if ((r = child_of(fs, fdir, fname, flen, &src)) < 0)
		goto out;
	r = child_of(fs, tdir, tname, tlen, &dst);
	if (r == -ENOENT)
		dst = NULL;
	else if (r < 0)
		goto out;
	if (dst == src) {		/* two names of one file: nothing to do */
		r = 0;
		goto out;
	}
	if ((r = rename_check(fs, cr, fdir, src, tdir, dst)) == 0)
		r = rename_commit(fs, fdir, fname, flen, src, tdir, tname, tlen, dst);
out:
	ext2_iput(fs, dst);
	ext2_iput(fs, src);
	ext2_iput(fs, tdir);
	ext2_iput(fs, fdir);
	return r;
}

int ext2_link(struct ext2_fs *fs, const struct ext2_cred *cr, const char *existing,
	      const char *path, struct ext2_redirect *rd)
{
	struct ext2_node *n, *dir;
	const char *name;
	size_t len;
	uint32_t ino;
	int r = walk(fs, cr, existing, EXT2_NOFOLLOW, 0, &n, NULL, NULL, rd);
	if (r != 0)
		return r == EXT2_REDIRECT ? -EXDEV : r;
	if (ext2_isdir(n))
		r = -EPERM;
	else if (n->di.i_links_count >= EXT2_LINK_MAX)
		r = -EMLINK;
	else if ((r = parent_of(fs, cr, path, &dir, &name, &len, rd)) == 0) {
		if (len == 0 || is_dot(name, len) ||
		    (r = ext2_dir_find(fs, dir, name, len, &ino)) == 0)
			r = -EEXIST;
		else if (r == -ENOENT && (r = ext2_access(cr, dir, W_BIT | X_BIT)) == 0 &&
			 (r = ext2_dir_add(fs, dir, name, len, n->ino, n->di.i_mode)) == 0) {
			n->di.i_links_count++;
			ext2_touch(fs, n, 0, 1);
			r = ext2_iupdate(fs, n);
		}
		ext2_iput(fs, dir);
	}
	ext2_iput(fs, n);
	return r;
}

int ext2_symlink(struct ext2_fs *fs, const struct ext2_cred *cr, const char *target,
		 const char *path, struct ext2_redirect *rd)
{
	struct ext2_node *dir, *n;
	const char *name;
	size_t len, tlen = strlen(target);
	uint32_t ino;
	if (tlen == 0)
		return -ENOENT;
	if (tlen >= fs->bsize || tlen > 4095)
		return -ENAMETOOLONG;
	int r = parent_of(fs, cr, path, &dir, &name, &len, rd);
	if (r != 0)
		return r;
	if (len == 0 || is_dot(name, len) || (r = ext2_dir_find(fs, dir, name, len, &ino)) == 0)
		r = -EEXIST;
	else if (r == -ENOENT && (r = ext2_access(cr, dir, W_BIT | X_BIT)) == 0 &&
		 (r = ext2_inew(fs, dir, S_IFLNK_ | 0777, cr, &n)) == 0) {
		if (tlen <= EXT2_FAST_LINK_MAX) {	/* fast: the text lives in i_block */
			memcpy(n->di.i_block, target, tlen);
			ext2_set_size(n, tlen);
		} else {
			ssize_t w = ext2_write(fs, n, 0, target, tlen);
			r = w < 0 ? (int)w : 0;
		}
		if (r == 0 && (r = ext2_dir_add(fs, dir, name, len, n->ino, S_IFLNK_)) == 0) {
			n->di.i_links_count = 1;
			r = ext2_iupdate(fs, n);
		}
		ext2_iput(fs, n);
	}
	ext2_iput(fs, dir);
	return r;
}

ssize_t ext2_readlink(struct ext2_fs *fs, struct ext2_node *n, char *buf, size_t cap)
{
	uint64_t size = ext2_size(n);
	if (!ext2_islnk(n))
		return -EINVAL;
	if (size == 0 || size >= cap || size >= fs->bsize)
		return -EIO;
	uint32_t ea = n->di.i_file_acl ? fs->bsize / 512 : 0;
	if (n->di.i_blocks <= ea) {
		if (size > EXT2_FAST_LINK_MAX)
			return -EIO;
		memcpy(buf, n->di.i_block, size);
	} else {
		ssize_t got = ext2_read(fs, n, 0, buf, size);
		if (got < 0)
			return got;
		if ((uint64_t)got != size)
			return -EIO;
	}
	buf[size] = 0;
	return (ssize_t)size;
}

/* --- Attributes ---------------------------------------------------------------------------- */

static int owner_or_root(const struct ext2_cred *cr, const struct ext2_node *n)
{
	return cr->uid == 0 || cr->uid == n->attr.uid;
}

int ext2_chmod(struct ext2_fs *fs, const struct ext2_cred *cr, struct ext2_node *n,
	       uint32_t mode)
{
	if (!owner_or_root(cr, n))
		return -EPERM;
	if (fs->rdonly)
		return -EROFS;
	n->di.i_mode = (uint16_t)((n->di.i_mode & S_IFMT_) | (mode & 07777));
	ext2_touch(fs, n, 0, 1);
	return ext2_iupdate(fs, n);
}

int ext2_chown(struct ext2_fs *fs, const struct ext2_cred *cr, struct ext2_node *n, int uid,
	       int gid)
{
	uint32_t nu = uid < 0 ? n->attr.uid : (uint32_t)uid;
	uint32_t ng = gid < 0 ? n->attr.gid : (uint32_t)gid;
	if (cr->uid != 0 && (cr->uid != n->attr.uid || nu != n->attr.uid ||
			     (ng != n->attr.gid && !in_group(cr, ng))))
		return -EPERM;
	if (fs->rdonly)
		return -EROFS;
	n->di.i_uid = (uint16_t)nu;
	n->di.i_uid_high = (uint16_t)(nu >> 16);
	n->di.i_gid = (uint16_t)ng;
	n->di.i_gid_high = (uint16_t)(ng >> 16);
	if (cr->uid != 0 && !ext2_isdir(n))
		n->di.i_mode &= (uint16_t)~06000;
	ext2_touch(fs, n, 0, 1);
	return ext2_iupdate(fs, n);
}

int ext2_utime(struct ext2_fs *fs, const struct ext2_cred *cr, struct ext2_node *n, int now,
	       uint32_t atime, uint32_t mtime)
{
	if (!owner_or_root(cr, n) && (!now || ext2_access(cr, n, W_BIT) < 0))
		return now ? -EACCES : -EPERM;
	if (fs->rdonly)
		return -EROFS;
	if (now) {
		ext2_touch(fs, n, 1, 1);
		n->di.i_atime = n->di.i_mtime;
	} else {
		n->di.i_atime = atime;
		n->di.i_mtime = mtime;
		ext2_touch(fs, n, 0, 1);
	}
	return ext2_iupdate(fs, n);
}
