/* /dev/null, /dev/zero and /dev/shmem (named shared memory objects for shm_open). */
/*
 * A shared memory object lives while it has a name or an open (and memmgr keeps the
 * pages while it is mapped, through its own references): shm_unlink takes the name away,
 * the last close then drops the name's reference to the tm_shm.
 */
#include "tmfs.h"	/* first: sys/neutrino.h before picolibc's time.h */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static struct tm_node null_node, zero_node;

static struct tm_node *dev_node(struct tm_node *n, enum tm_kind kind, const char *name)
{
	if (!n->attr.ino) {
		rm_attr_init(&n->attr, S_IFCHR | 0666, 0, 0);
		n->attr.ino = tm_ino(name, 2);
		n->kind = kind;
		n->ephemeral = 0;
	}
	return n;
}

/* Open of a device file that exists from the start and cannot be created. */
static int fixed_open(struct _io_connect *msg, const char *path, struct tm_node *n, enum tm_kind type,
		      const char *name, struct tm_node **out)
{
	if (path[0])
		return -ENOENT;
	if ((msg->ioflag & O_CREAT) && (msg->ioflag & O_EXCL))
		return -EEXIST;
	*out = dev_node(n, type, name);
	return 0;
}

static int null_open(struct rm_ctx *ctx, struct _io_connect *msg, const char *path,
		     struct tm_node **out)
{
	return fixed_open(msg, path, &null_node, TMN_NULL, "/dev/null", out);
}

static int zero_open(struct rm_ctx *ctx, struct _io_connect *msg, const char *path,
		     struct tm_node **out)
{
	return fixed_open(msg, path, &zero_node, TMN_ZERO, "/dev/zero", out);
}

static int dev_unlink(struct rm_ctx *ctx, struct _io_connect *msg, const char *path)
{
	return path[0] ? -ENOENT : -EPERM;
}

const struct tm_tree tm_null_tree = { .open = null_open, .unlink = dev_unlink };
const struct tm_tree tm_zero_tree = { .open = zero_open, .unlink = dev_unlink };

/* --- /dev/shmem ------------------------------------------------------------------------------ */
static struct tm_node *shm_list;	/* the named objects */
static struct tm_node shm_dir_attr;	/* /dev/shmem's own attributes (for access checks) */

static struct tm_node *shm_lookup(const char *name)
{
	for (struct tm_node *n = shm_list; n; n = n->next)
		if (strcmp(n->name, name) == 0)
			return n;
	return NULL;
}

static void shm_dir_init(void)
{
	if (!shm_dir_attr.attr.ino) {
		rm_attr_init(&shm_dir_attr.attr, S_IFDIR | 01777, 0, 0);
		shm_dir_attr.attr.ino = tm_ino("/dev/shmem", 0);
		shm_dir_attr.kind = TMN_DIR;
	}
}

static int shm_valid_name(const char *name)
{
	size_t n = strlen(name);
	return n > 0 && n < sizeof shm_list->name && !strchr(name, '/') &&
	       strcmp(name, "..") != 0;
}

static int shm_open_(struct rm_ctx *ctx, struct _io_connect *msg, const char *path,
		     struct tm_node **out)
{
	shm_dir_init();
	if (path[0] == 0) {
		struct tm_node *d = tm_node_new(TMN_DIR, S_IFDIR | 01777, shm_dir_attr.attr.ino);
		if (!d)
			return -ENOMEM;
		int r = tm_dir_add(d, ".", DT_DIR, d->attr.ino);
		if (!r) r = tm_dir_add(d, "..", DT_DIR, tm_ino("/dev", 0));
		for (struct tm_node *n = shm_list; n && !r; n = n->next)
			r = tm_dir_add(d, n->name, DT_REG, n->attr.ino);
		if (r) {
			tm_node_free(d);
			return r;
		}
		d->attr.size = (uint64_t)d->nents;
		*out = d;
		return 0;
	}
	if (!shm_valid_name(path))
		return strchr(path, '/') ? -ENOENT : -ENAMETOOLONG;
	struct tm_node *n = shm_lookup(path);
	int creat = msg->subtype == _IO_CONNECT_OPEN && (msg->ioflag & O_CREAT);
	if (n) {
		if (creat && (msg->ioflag & O_EXCL))
			return -EEXIST;
		*out = n;
		if (msg->subtype == _IO_CONNECT_OPEN && (msg->ioflag & O_TRUNC) &&
		    (msg->ioflag & O_ACCMODE) != O_RDONLY) {
			int r = rm_open_access(ctx, msg, &n->attr);
			if (r < 0)
				return r;
			r = memmgr_shm_resize(n->shm, 0);
			if (r < 0)
				return r;
			n->attr.size = 0;
		}
		return 0;
	}
	if (!creat)
		return -ENOENT;
	int r = rm_check_access(ctx, &shm_dir_attr.attr, 2);
	if (r < 0)
		return r;
	int uid, gid;
	r = rm_client_cred(ctx, &uid, &gid);
	if (r < 0)
		return r;
	n = tm_node_new(TMN_SHM, S_IFREG | (msg->mode & 0777), 0);
	if (!n)
		return -ENOMEM;
	n->shm = memmgr_shm_new();
	if (!n->shm) {
		tm_node_free(n);
		return -ENOMEM;
	}
	n->attr.uid = (uint32_t)uid;
	n->attr.gid = (uint32_t)gid;
	n->attr.ino = tm_ino(path, 3) ^ n->attr.ino;
	n->ephemeral = 0;
	strcpy(n->name, path);
	n->next = shm_list;
	shm_list = n;
	/* The creator may open what it made whatever mode it gave (POSIX). */
	n->just_created = 1;
	*out = n;
	return 0;
}

static int shm_unlink_(struct rm_ctx *ctx, struct _io_connect *msg, const char *path)
{
	shm_dir_init();
	if (path[0] == 0)
		return -EBUSY;
	struct tm_node *n = shm_lookup(path);
	if (!n)
		return -ENOENT;
	/* The directory is sticky: only the owner (or root) removes a name. */
	int uid;
	int r = rm_client_cred(ctx, &uid, NULL);
	if (r < 0)
		return r;
	if (uid != 0 && (uint32_t)uid != n->attr.uid)
		return -EACCES;
	for (struct tm_node **pp = &shm_list; *pp; pp = &(*pp)->next)
		if (*pp == n) {
			*pp = n->next;
			break;
		}
	n->unlinked = 1;
	if (n->attr.nopens == 0) {
		memmgr_shm_unref(n->shm);
		tm_node_free(n);
	}
	return 0;
}

const struct tm_tree tm_shm_tree = { .open = shm_open_, .unlink = shm_unlink_ };
