/* /proc (a directory per process with status and threads text files) and /proc/boot (the boot image). */
/*
 * Every open takes a snapshot: a directory listing or the text of a file, made from the
 * process table (procmgr_info/procmgr_next) and the kernel's thread information
 * (tm_thread_info) at open time, so a reader sees one consistent state however it reads.
 * The formats are documented in docs/pathmgr.md (pidin parses them).
 */
#include "tmfs.h"	/* first: sys/neutrino.h before picolibc's time.h */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "pathtab.h"

static const char *const state_names[] = {
	[STATE_DEAD] = "DEAD", [STATE_RUNNING] = "RUNNING", [STATE_READY] = "READY",
	[STATE_STOPPED] = "STOPPED", [STATE_SEND] = "SEND", [STATE_RECEIVE] = "RECEIVE",
	[STATE_REPLY] = "REPLY", [STATE_STACK] = "STACK", [STATE_WAITTHREAD] = "WAITTHREAD",
	[STATE_WAITPAGE] = "WAITPAGE", [STATE_SIGSUSPEND] = "SIGSUSPEND",
	[STATE_SIGWAITINFO] = "SIGWAITINFO", [STATE_NANOSLEEP] = "NANOSLEEP",
	[STATE_MUTEX] = "MUTEX", [STATE_CONDVAR] = "CONDVAR", [STATE_JOIN] = "JOIN",
	[STATE_INTR] = "INTR", [STATE_SEM] = "SEM",
};

static const char *state_name(int s)
{
	if (s >= 0 && s < (int)(sizeof state_names / sizeof state_names[0]) && state_names[s])
		return state_names[s];
	return "UNKNOWN";
}

static const char *policy_name(int p)
{
	return p == SCHED_FIFO ? "FIFO" : p == SCHED_RR ? "RR" : "OTHER";
}

/* A text file node holding t's bytes (taken over), or -errno. */
static int text_node(struct tm_text *t, uint32_t uid, uint32_t gid, uint64_t ino,
		     struct tm_node **out)
{
	if (t->failed) {
		free(t->buf);
		return -ENOMEM;
	}
	struct tm_node *n = tm_node_new(TMN_MEM, S_IFREG | 0444, ino);
	if (!n) {
		free(t->buf);
		return -ENOMEM;
	}
	n->owned = t->buf;
	n->data = t->buf ? t->buf : "";
	n->attr.size = t->len;
	n->attr.uid = uid;
	n->attr.gid = gid;
	n->readonly_err = EACCES;
	*out = n;
	return 0;
}

static void status_text(struct tm_text *t, const struct tm_procinfo *pi)
{
	tm_text_printf(t, "pid %d\nppid %d\npgid %d\nsid %d\nuid %d\ngid %d\nstate %s\n",
		       pi->pid, pi->ppid, pi->pgid, pi->sid, pi->uid, pi->gid,
		       pi->state == TM_PROC_ZOMBIE ? "zombie" : "running");
	tm_text_printf(t, "threads %d\nmemory %llu\nname %s\npath %s\nargs %s\n", pi->nthreads,
		       (unsigned long long)pi->mem_bytes, pi->name, pi->path, pi->args);
}

static void threads_text(struct tm_text *t, pid_t pid)
{
	struct tm_threadinfo ti;
	int after = 0;
	while (tm_thread_info(pid, after, &ti) == 0) {
		char blocked[40] = "-";
		switch (ti.state) {
		case STATE_SEND:
		case STATE_REPLY:
		case STATE_MUTEX:
			if (ti.blocked_pid > 0)
				snprintf(blocked, sizeof blocked, "pid:%d", ti.blocked_pid);
			break;
		case STATE_RECEIVE:
			snprintf(blocked, sizeof blocked, "chid:%d", ti.blocked_id);
			break;
		case STATE_CONDVAR:
		case STATE_SEM:
			snprintf(blocked, sizeof blocked, "addr:0x%llx",
				 (unsigned long long)ti.blocked_addr);
			break;
		}
		tm_text_printf(t, "%d %d %s %s %s\n", ti.tid, ti.priority, policy_name(ti.policy),
			       state_name(ti.state), blocked);
		if (ti.tid <= after)
			break;		/* the kernel glue must move on; never loop */
		after = ti.tid;
	}
}

/* /proc/mounts: one line per path registration, oldest first:
 * "PATH PID FTYPE FLAGS" (FTYPE: any, file, link, pipe, shmem, mount, name or a number;
 * FLAGS: dir, before, after, opaque, implied joined by ',', or '-'). */
static void mounts_text(struct tm_text *t)
{
	static const char *const ftypes[] = { "any", "file", "link", "pipe", "shmem", "mount",
					      "name" };
	static const struct { uint32_t bit; const char *name; } flags[] = {
		{ _RESMGR_FLAG_DIR, "dir" }, { _RESMGR_FLAG_BEFORE, "before" },
		{ _RESMGR_FLAG_AFTER, "after" }, { _RESMGR_FLAG_OPAQUE, "opaque" },
		{ PT_FLAG_IMPLIED, "implied" },
	};
	char path[PT_PATH_MAX];
	struct pt_entry e;
	for (int i = 0; pt_get(i, path, sizeof path, &e) == 0; i++) {
		tm_text_printf(t, "%s %d ", path, e.pid);
		if (e.file_type < sizeof ftypes / sizeof ftypes[0])
			tm_text_printf(t, "%s ", ftypes[e.file_type]);
		else
			tm_text_printf(t, "%u ", e.file_type);
		int any = 0;
		for (size_t k = 0; k < sizeof flags / sizeof flags[0]; k++)
			if (e.flags & flags[k].bit)
				tm_text_printf(t, "%s%s", any++ ? "," : "", flags[k].name);
		tm_text_printf(t, "%s\n", any ? "" : "-");
	}
}

static uint64_t proc_ino(pid_t pid, int which)
{
	return 0x100000000ull + (uint64_t)pid * 8 + (uint64_t)which;
}

static int proc_open(struct rm_ctx *ctx, struct _io_connect *msg, const char *path,
		     struct tm_node **out)
{
	if (msg->ioflag & O_CREAT && (msg->ioflag & O_EXCL))
		return -EEXIST;
	if (path[0] == 0) {
		struct tm_node *d = tm_node_new(TMN_DIR, S_IFDIR | 0555, proc_ino(0, 0));
		if (!d)
			return -ENOMEM;
		d->readonly_err = EACCES;
		int r = tm_dir_add(d, ".", DT_DIR, d->attr.ino);
		if (!r) r = tm_dir_add(d, "..", DT_DIR, 1);
		if (!r) r = tm_dir_add(d, "boot", DT_DIR, tm_ino("/proc/boot", 0));
		if (!r) r = tm_dir_add(d, "self", DT_DIR, proc_ino(ctx->info.pid, 0));
		if (!r) r = tm_dir_add(d, "mounts", DT_REG, proc_ino(0, 1));
		for (pid_t p = procmgr_next(0); !r && p > 0; p = procmgr_next(p)) {
			char name[16];
			snprintf(name, sizeof name, "%d", p);
			r = tm_dir_add(d, name, DT_DIR, proc_ino(p, 0));
		}
		if (r) {
			tm_node_free(d);
			return r;
		}
		d->attr.size = (uint64_t)d->nents;
		*out = d;
		return 0;
	}
	if (strcmp(path, "mounts") == 0) {
		struct tm_text t = { 0 };
		mounts_text(&t);
		return text_node(&t, 0, 0, proc_ino(0, 1), out);
	}
	/* PID or "self", then "", "status" or "threads" */
	pid_t pid;
	const char *rest;
	if (strncmp(path, "self", 4) == 0 && (path[4] == 0 || path[4] == '/')) {
		pid = ctx->info.pid;
		rest = path + 4;
	} else {
		char *end;
		long v = strtol(path, &end, 10);
		if (end == path || (*end && *end != '/') || v <= 0 || v > 0x7fffffff ||
		    path[0] == '0' || path[0] == '+' || path[0] == '-')
			return -ENOENT;
		pid = (pid_t)v;
		rest = end;
	}
	if (*rest == '/')
		rest++;
	struct tm_procinfo pi;
	if (procmgr_info(pid, &pi) < 0)
		return -ENOENT;
	if (rest[0] == 0) {
		struct tm_node *d = tm_node_new(TMN_DIR, S_IFDIR | 0555, proc_ino(pid, 0));
		if (!d)
			return -ENOMEM;
		d->attr.uid = (uint32_t)pi.uid;
		d->attr.gid = (uint32_t)pi.gid;
		d->readonly_err = EACCES;
		int r = tm_dir_add(d, ".", DT_DIR, d->attr.ino);
		if (!r) r = tm_dir_add(d, "..", DT_DIR, proc_ino(0, 0));
		if (!r) r = tm_dir_add(d, "status", DT_REG, proc_ino(pid, 1));
		if (!r) r = tm_dir_add(d, "threads", DT_REG, proc_ino(pid, 2));
		if (r) {
			tm_node_free(d);
			return r;
		}
		d->attr.size = (uint64_t)d->nents;
		*out = d;
		return 0;
	}
	struct tm_text t = { 0 };
	if (strcmp(rest, "status") == 0) {
		status_text(&t, &pi);
		return text_node(&t, (uint32_t)pi.uid, (uint32_t)pi.gid, proc_ino(pid, 1), out);
	}
	if (strcmp(rest, "threads") == 0) {
		threads_text(&t, pid);
		return text_node(&t, (uint32_t)pi.uid, (uint32_t)pi.gid, proc_ino(pid, 2), out);
	}
	return -ENOENT;
}

static int proc_unlink(struct rm_ctx *ctx, struct _io_connect *msg, const char *path)
{
	return -EACCES;
}

const struct tm_tree tm_proc_tree = { .open = proc_open, .unlink = proc_unlink };

/* --- /proc/boot ---------------------------------------------------------------------------- */
static uint32_t boot_mode(unsigned mode)
{
	return (mode & S_IFMT) ? mode : (S_IFREG | (mode & 07777));
}

static int boot_open(struct rm_ctx *ctx, struct _io_connect *msg, const char *path,
		     struct tm_node **out)
{
	static struct tm_node *dir;	/* the listing: the image never changes */
	if (path[0] == 0) {
		if (!dir) {
			struct tm_node *d = tm_node_new(TMN_DIR, S_IFDIR | 0555,
							tm_ino("/proc/boot", 0));
			if (!d)
				return -ENOMEM;
			int r = tm_dir_add(d, ".", DT_DIR, d->attr.ino);
			if (!r) r = tm_dir_add(d, "..", DT_DIR, proc_ino(0, 0));
			const char *name;
			const void *data;
			size_t size;
			unsigned mode;
			for (int i = 0; !r && bootfs_entry(i, &name, &data, &size, &mode) == 0; i++)
				r = tm_dir_add(d, name, rm_dtype(boot_mode(mode)),
					       (uint64_t)i + 2);
			if (r) {
				tm_node_free(d);
				return r;
			}
			d->attr.size = (uint64_t)d->nents;
			d->ephemeral = 0;
			d->readonly_err = EROFS;
			dir = d;
		}
		*out = dir;
		return 0;
	}
	const void *data;
	size_t size;
	unsigned mode;
	if (bootfs_find(path, &data, &size, &mode) < 0)
		return msg->ioflag & O_CREAT ? -EROFS : -ENOENT;
	if ((msg->ioflag & O_CREAT) && (msg->ioflag & O_EXCL))
		return -EEXIST;
	struct tm_node *n = tm_node_new(TMN_MEM, boot_mode(mode), tm_ino(path, 1));
	if (!n)
		return -ENOMEM;
	n->data = data;
	n->attr.size = size;
	n->readonly_err = EROFS;
	*out = n;
	return 0;
}

static int boot_unlink(struct rm_ctx *ctx, struct _io_connect *msg, const char *path)
{
	const void *data;
	size_t size;
	unsigned mode;
	return path[0] && bootfs_find(path, &data, &size, &mode) < 0 ? -ENOENT : -EROFS;
}

const struct tm_tree tm_boot_tree = { .open = boot_open, .unlink = boot_unlink };
