/* The pathname space's registration table: pure code (no kernel calls), built on the host too. */
/*
 * A registration is (path, pid, chid, handle, file type, flags) from _PATH_ATTACH. Paths
 * are kept normalised: absolute, no "//", "." or ".." components, no trailing '/'
 * ("/" alone is the root). A path P matches registration R if P == R, or R is a
 * directory registration (_RESMGR_FLAG_DIR) and P lies under it on a component boundary
 * ("/dev/ser1" does not own "/dev/ser10"). Matches are ordered longest prefix first;
 * on one prefix _RESMGR_FLAG_BEFORE ones come first, _RESMGR_FLAG_AFTER ones last, and
 * the newest first within each group. A match with _RESMGR_FLAG_OPAQUE hides the
 * shorter prefixes after it.
 *
 * Not thread-safe: taskman's receive loop is its only user.
 */
#ifndef TASKMAN_PATHTAB_H
#define TASKMAN_PATHTAB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PT_PATH_MAX		1024	/* bytes, the NUL included */
#define PT_FLAG_IMPLIED		0x8000	/* internal: the implied-directory server: matches
					 * only "/" and the ancestors of registrations */

struct pt_entry {
	pid_t		pid;
	int		chid;
	uint32_t	handle;
	uint32_t	file_type;
	uint16_t	prefix_len;	/* bytes of the path the server owns, the '/' after
					 * them included (the server gets the rest) */
	uint16_t	flags;		/* the _RESMGR_FLAG_* it registered with */
};

/* Normalise the absolute path `in` into out (cap bytes): "//" and "/./" collapse, ".."
 * removes the component before it (never above "/"), a trailing '/' goes.
 * Returns the length, -EINVAL (empty or not absolute), -ENAMETOOLONG. */
int pt_normalise(const char *in, char *out, size_t cap);
/* Is `in` already normalised, but for trailing '/'s? Then prefix lengths computed on
 * its normalised form are valid for it as it is. */
int pt_is_plain(const char *in);

/* Add a registration (path normalised). Returns its id (> 0), -EINVAL, -ENOMEM. */
int pt_add(const char *path, pid_t pid, int chid, uint32_t handle, uint32_t file_type,
	   uint32_t flags);
/* Remove registration id of process pid: 0, -ENOENT (none), -EPERM (another's). */
int pt_remove(int id, pid_t pid);
/* Remove every registration of pid; returns how many. */
int pt_remove_pid(pid_t pid);
/* The registrations for the normalised path that serve file_type (_FTYPE_ANY asks for
 * all; a registration of _FTYPE_ANY serves all), in order, at most max. Returns the
 * count. */
int pt_resolve(const char *path, uint32_t file_type, struct pt_entry *out, int max);
/* Is the normalised path "/" or a directory above some registration (e.g. "/dev" for
 * "/dev/ser1")? */
int pt_is_dir(const char *path);
/* The distinct next components below the normalised directory path, as NUL-terminated
 * names one after another in buf (cap bytes), sorted. Returns how many, or -ENOSPC. */
int pt_children(const char *dir, char *buf, size_t cap);
/* Registration i (0 the oldest) for listings (/proc/mounts): 0 with its path in path
 * (cap bytes, cut short to fit) and *e (prefix_len: the path's length), or -ENOENT. */
int pt_get(int i, char *path, size_t cap, struct pt_entry *e);
/* How many registrations there are (for tests). */
int pt_count(void);

#endif
