/* tmpfs.h: the in-memory filesystem's core: nodes, directories, file data, POSIX rules. */
/*
 * The core knows nothing about messages: fs/tmpfs/main.c (the resmgr glue) turns
 * _IO_* requests into these calls, and tests/unit/test_tmpfs.c runs them on the host
 * under ASan/UBSan. Every call returns 0 (or a byte count) or -errno, and a call that
 * fails changes nothing.
 *
 * Paths are relative to the filesystem's root ("" is the root itself), components
 * separated by '/', "." and ".." allowed (".." at the root stays at the root: the
 * mount point's parent belongs to someone else).
 *
 * A node is a struct tmpfs_node whose first member is the resmgr attr (mode, nlink,
 * uid, gid, ino, size, times), so the resmgr library's defaults read the same values.
 * Node lifetime: a node lives while it has a name (attr.nlink > 0) or an open
 * (opens > 0); tmpfs_close of the last open of an unlinked node frees it and its data.
 *
 * File data lives in 4 KiB pages found through a two-level table (a top array of
 * leaves, each 512 page pointers, i.e. 2 MiB of file); a missing page is a hole and
 * reads as zeros. `maxbytes` (0: no limit) bounds the bytes of data pages: writes
 * past it fail ENOSPC (a write that only partly fits writes what fits).
 *
 * Single-threaded: the server runs one handler at a time.
 */
#ifndef FS_TMPFS_H
#define FS_TMPFS_H

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

#define TMPFS_PAGE		4096u
#define TMPFS_LEAF_PAGES	512u
#define TMPFS_NAME_MAX		255
#define TMPFS_MAX_FILE		(1ull << 36)	/* 64 GiB: EFBIG beyond */

/* The credentials an operation runs with (the client's effective ids). */
struct tmpfs_cred {
	uint32_t	uid;
	uint32_t	gid;
	int		ngroups;	/* supplementary groups, for the group class */
	uint32_t	groups[16];
};

struct tmpfs_node;

/* One name in a directory. cookie is the readdir offset of this entry: cookies only
 * grow, so a listing goes on correctly while entries come and go. */
struct tmpfs_dirent {
	struct tmpfs_dirent	*next;
	struct tmpfs_node	*node;
	int64_t			cookie;
	uint16_t		namelen;
	char			name[];		/* NUL-terminated */
};

struct tmpfs_node {
	struct rm_attr		attr;		/* first: the resmgr's view of the node */
	uint32_t		opens;		/* opens (OCBs) held on it */
	/* Directories: */
	struct tmpfs_node	*parent;	/* ".." (the root: itself) */
	struct tmpfs_dirent	*entries;	/* in cookie order */
	struct tmpfs_dirent	**tail;
	int64_t			next_cookie;
	/* Regular files: */
	uint8_t			***leaves;	/* leaves[nleaves][TMPFS_LEAF_PAGES] pages */
	uint32_t		nleaves;
	uint64_t		npages;		/* data pages allocated */
};

struct tmpfs {
	struct tmpfs_node	*root;
	uint64_t		maxbytes;	/* 0: no limit */
	uint64_t		usedbytes;	/* data pages in use */
	uint64_t		next_ino;
	uint64_t		nnodes;		/* nodes alive (named or open) */
	uint64_t		(*now)(void);	/* CLOCK_REALTIME in ns */
};

/* Readdir cookies: "." is 0, ".." is 1, entries start at 2. */
#define TMPFS_COOKIE_FIRST	2

int tmpfs_init(struct tmpfs *fs, uint64_t maxbytes, uint64_t (*now)(void),
	       uint32_t root_mode, uint32_t uid, uint32_t gid);
/* Free every node (the filesystem goes away; used by the tests). */
void tmpfs_destroy(struct tmpfs *fs);

/* Find the node `path` names; needs search permission on each directory crossed.
 * must_dir: the path ended in '/' (ENOTDIR unless a directory). */
int tmpfs_lookup(struct tmpfs *fs, const struct tmpfs_cred *cr, const char *path,
		 int must_dir, struct tmpfs_node **out);

/* open(2) on a path: oflag's O_ACCMODE, O_CREAT, O_EXCL, O_TRUNC (O_APPEND is the
 * caller's business at write time). mode: the permissions of a new file (umask
 * applied by the client). Checks access, creates, truncates; on success the node's
 * open count is one higher (tmpfs_close undoes it). *created says if it was made. */
int tmpfs_open(struct tmpfs *fs, const struct tmpfs_cred *cr, const char *path, int oflag,
	       uint32_t mode, int must_dir, struct tmpfs_node **out, int *created);
/* The open on node goes away; frees an unlinked node at its last close. */
void tmpfs_close(struct tmpfs *fs, struct tmpfs_node *n);

/* Data of regular files. read: bytes copied (0 at or past the end). write: bytes
 * written from off (-ENOSPC if none fit, -EFBIG past TMPFS_MAX_FILE). */
ssize_t tmpfs_read(struct tmpfs *fs, struct tmpfs_node *n, uint64_t off, void *buf, size_t len);
ssize_t tmpfs_write(struct tmpfs *fs, struct tmpfs_node *n, uint64_t off, const void *buf,
		    size_t len);
/* Set the size (ftruncate): shrinking frees pages, growing leaves a hole. No access
 * check (the caller's open must be writable). EISDIR on a directory. */
int tmpfs_truncate(struct tmpfs *fs, struct tmpfs_node *n, uint64_t size);

/* Zero [off, off+len) inside the file without allocating (holes stay holes). */
int tmpfs_zero(struct tmpfs *fs, struct tmpfs_node *n, uint64_t off, uint64_t len);

/* Directory listing: call fn for each record from cookie on ("." and ".." first),
 * until fn returns nonzero (it did not take that record) or the end. next is the
 * cookie after the record. Returns the cookie to continue from. */
int64_t tmpfs_readdir(struct tmpfs_node *dir, int64_t cookie,
		      int (*fn)(void *arg, uint64_t ino, int64_t next, int dtype, const char *name),
		      void *arg);

int tmpfs_mkdir(struct tmpfs *fs, const struct tmpfs_cred *cr, const char *path, uint32_t mode);
/* unlink (dir 0) or rmdir (dir 1). */
int tmpfs_remove(struct tmpfs *fs, const struct tmpfs_cred *cr, const char *path, int dir);
int tmpfs_rename(struct tmpfs *fs, const struct tmpfs_cred *cr, const char *from, const char *to);
/* link(existing, newpath): a new name for a non-directory. */
int tmpfs_link(struct tmpfs *fs, const struct tmpfs_cred *cr, const char *existing,
	       const char *newpath);

/* Attribute changes with POSIX's permission rules. chown: -1 leaves an id alone. */
int tmpfs_chmod(struct tmpfs *fs, const struct tmpfs_cred *cr, struct tmpfs_node *n, uint32_t mode);
int tmpfs_chown(struct tmpfs *fs, const struct tmpfs_cred *cr, struct tmpfs_node *n, int uid,
		int gid);
/* now: both times to now (the owner or anyone with write permission); else the given
 * times (the owner or root only). */
int tmpfs_utime(struct tmpfs *fs, const struct tmpfs_cred *cr, struct tmpfs_node *n, int now,
		uint64_t atime_ns, uint64_t mtime_ns);

/* May cr access n for want (R_OK 4 | W_OK 2 | X_OK 1)? 0 or -EACCES. */
int tmpfs_access(const struct tmpfs_cred *cr, const struct tmpfs_node *n, int want);

static inline int tmpfs_isdir(const struct tmpfs_node *n)
{
	return (n->attr.mode & 0170000) == 0040000;
}

#endif
