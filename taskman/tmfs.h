/* The files taskman serves itself: their nodes and the trees that open them (pathmgr's part). */
/*
 * taskman answers opens under its own registrations ("/" for the directories implied by
 * registrations, /proc, /proc/boot, /dev/null, /dev/zero, /dev/shmem) through lib/resmgr,
 * fed from taskman's receive loop (resmgr_msg). Each registration's handle is a tree:
 * its open finds or makes the node a path names. Most nodes are made for one open and
 * hold a snapshot (a directory listing, a /proc text file): they go when that open
 * closes. /dev/null, /dev/zero and the directories of /proc/boot, /dev/shmem are not.
 */
#ifndef TASKMAN_TMFS_H
#define TASKMAN_TMFS_H

#include "resmgr.h"
#include "taskman.h"

enum tm_kind {
	TMN_DIR,		/* a listing (ents) */
	TMN_MEM,		/* bytes in memory (data, size): boot files, /proc text */
	TMN_NULL,		/* reads EOF, writes vanish */
	TMN_ZERO,		/* reads zeros, writes vanish */
	TMN_SHM,		/* a shared memory object */
};

struct tm_dirent {
	char		*name;
	uint8_t		type;		/* DT_* */
	uint64_t	ino;
};

struct tm_node {
	struct rm_attr	attr;		/* first: the library's attr is the node */
	enum tm_kind	kind;
	int		ephemeral;	/* freed when its last open closes */
	int		readonly_err;	/* what an open for writing gets (EROFS, EACCES), or 0 */
	int		just_created;	/* made by this open (O_CREAT): no access check */
	/* TMN_DIR */
	struct tm_dirent *ents;
	int		nents;
	/* TMN_MEM */
	const char	*data;
	char		*owned;		/* data, if it is ours to free */
	/* TMN_SHM (listed in devfiles.c's name list while not unlinked) */
	struct tm_shm	*shm;
	struct tm_node	*next;
	int		unlinked;
	char		name[256];
};

struct tm_tree {
	/* Find (or create) the node for path (relative to the registration); *out. 0 or
	 * -errno. Access is checked here. */
	int (*open)(struct rm_ctx *ctx, struct _io_connect *msg, const char *path,
		    struct tm_node **out);
	int (*unlink)(struct rm_ctx *ctx, struct _io_connect *msg, const char *path);
};

extern const struct tm_tree tm_root_tree, tm_proc_tree, tm_boot_tree, tm_null_tree,
	tm_zero_tree, tm_shm_tree;

/* Node helpers (pathmgr.c). */
struct tm_node *tm_node_new(enum tm_kind kind, uint32_t mode, uint64_t ino);
void tm_node_free(struct tm_node *n);
int tm_dir_add(struct tm_node *dir, const char *name, int type, uint64_t ino);
/* A text node: data printed with tm_text_printf, then its size. */
struct tm_text {
	char	*buf;
	size_t	len, cap;
	int	failed;
};
void tm_text_printf(struct tm_text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
uint64_t tm_ino(const char *s, uint64_t salt);
/* The open's access check for taskman's files: EISDIR, the node's readonly_err for
 * writes, then the mode bits. */
int tm_open_check(struct rm_ctx *ctx, struct _io_connect *msg, struct tm_node *n);

struct resmgr *tm_resmgr(void);

#endif
