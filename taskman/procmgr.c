/* The process manager: spawn, exit and wait, process groups and sessions, credentials and kill. */
/*
 * Design. Every process taskman made (and taskman itself, pid 1) has a struct tproc on
 * one list in pid order (pids only grow). A spawn is answered only once the child has
 * set up its inherited fds (_PROC_SPAWN_DONE) or has ended, so the parent's rcvid is
 * kept in the child's entry meanwhile. A process's end arrives as a pulse from the
 * kernel glue; tm_proc_reap then collects every process that has ended, and each one
 * becomes a zombie holding its wait status, until its parent waits for it. A blocked
 * wait is a kept rcvid on the waiters list, answered when a matching child ends, or
 * with EINTR when the kernel sends the UNBLOCK pulse for it (a signal). Children of a
 * process that ends go to pid 1, which reaps them as they end (orphans). pid 1's own
 * children (those the boot script starts) are waited for by the script.
 * One thread runs all of this (main.c's loop): no locks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "taskman.h"
#include "glue.h"
#include "proc.h"

#define CLD_EXITED_	1
#define CLD_KILLED_	2
#define CLD_DUMPED_	3
#define WNOHANG_	1
#define MAX_PROCS	1024		/* EAGAIN past this many live and zombie processes */
#define SPAWN_MAX	(64 * 1024)	/* bytes of a _PROC_SPAWN message (E2BIG) */

struct tproc {
	struct tproc	*next;		/* on procs, ascending pid */
	pid_t		pid, ppid, pgid, sid;
	int		ruid, euid, suid, rgid, egid, sgid;
	int		ngroups;
	int		groups[_PROC_NGROUPS_MAX];
	int		state;		/* TM_PROC_* */
	int		orphan;		/* reparented to pid 1: reaped as it ends */
	int		spawn_rcvid;	/* the parent's _PROC_SPAWN, until SPAWN_DONE; 0 */
	int		wstatus, wcode, wvalue;	/* a zombie's wait status */
	uint64_t	start_ns;
	char		name[32], path[128], args[128];
};

struct waiter {
	struct waiter	*next;
	int		rcvid;
	pid_t		caller;
	pid_t		wpid;
};

static struct tproc *procs, *procs_tail;
static struct waiter *waiters;
static int nprocs;

static struct tproc *find(pid_t pid)
{
	for (struct tproc *t = procs; t; t = t->next)
		if (t->pid == pid)
			return t;
	return NULL;
}

static void unlink_proc(struct tproc *tp)
{
	struct tproc **pp = &procs, *prev = NULL;
	while (*pp && *pp != tp) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	if (*pp == NULL)
		return;
	*pp = tp->next;
	if (procs_tail == tp)
		procs_tail = prev;
	nprocs--;
	free(tp);
}

static void add_proc(struct tproc *tp)
{
	tp->next = NULL;
	if (procs_tail)
		procs_tail->next = tp;
	else
		procs = tp;
	procs_tail = tp;
	nprocs++;
}

static uint64_t now_ns(void)
{
	uint64_t t = 0;
	ClockTime(CLOCK_MONOTONIC, NULL, &t);
	return t;
}

void procmgr_init(void)
{
	struct tproc *tp = calloc(1, sizeof *tp);
	if (tp == NULL)
		return;
	tp->pid = tp->pgid = tp->sid = SYSMGR_PID;
	tp->start_ns = now_ns();
	strcpy(tp->name, "taskman");
	strcpy(tp->path, "/proc/boot/taskman");
	strcpy(tp->args, "taskman");
	add_proc(tp);
}

int procmgr_info(pid_t pid, struct tm_procinfo *out)
{
	struct tproc *tp = find(pid);
	if (tp == NULL)
		return -ESRCH;
	memset(out, 0, sizeof *out);
	out->pid = tp->pid;
	out->ppid = tp->ppid;
	out->pgid = tp->pgid;
	out->sid = tp->sid;
	out->uid = tp->ruid;
	out->euid = tp->euid;
	out->gid = tp->rgid;
	out->egid = tp->egid;
	out->state = tp->state;
	struct tm_threadinfo ti;
	for (int after = 0; tp->state == TM_PROC_RUNNING &&
			    tm_thread_info(pid, after, &ti) == 0; after = ti.tid)
		out->nthreads++;
	out->mem_bytes = memmgr_proc_bytes(pid);
	out->start_ns = tp->start_ns;
	memcpy(out->name, tp->name, sizeof out->name);
	memcpy(out->path, tp->path, sizeof out->path);
	memcpy(out->args, tp->args, sizeof out->args);
	return 0;
}

pid_t procmgr_next(pid_t after)
{
	for (struct tproc *t = procs; t; t = t->next)
		if (t->pid > after)
			return t->pid;
	return -1;
}

/* --- Spawn ---------------------------------------------------------------------------------- */

static void join_args(char *out, size_t cap, const struct tm_block_args *a)
{
	size_t n = 0;
	const char *s = a->argv;
	out[0] = 0;
	for (int i = 0; i < a->argc && n + 1 < cap; i++, s += strlen(s) + 1) {
		if (i)
			out[n++] = ' ';
		size_t l = strlen(s);
		if (l > cap - 1 - n)
			l = cap - 1 - n;
		memcpy(out + n, s, l);
		n += l;
		out[n] = 0;
	}
}

/* Does group pgid exist in session sid? A zombie not yet waited for is still a member
 * (a pipeline's first command may end before the last one is spawned into its group). */
static int group_in_session(pid_t pgid, pid_t sid)
{
	for (struct tproc *t = procs; t; t = t->next)
		if (t->pgid == pgid && t->sid == sid &&
		    (t->state == TM_PROC_RUNNING || t->state == TM_PROC_ZOMBIE))
			return 1;
	return 0;
}

/* What a spawn asks for beyond the block's contents. */
struct spawn_attr {
	uint16_t	flags;		/* _PROC_SPAWN_* */
	pid_t		pgroup;
	int		priority, policy;
	uint64_t	sigmask, sigignore;
};

/* Start path for parent with a's arguments: the new pid, or -errno. */
/* Spawn path for parent: the pid, or -errno, or 0 when the loader has to read the
 * program first (ld, its answer, then comes back here through do_loaded). */
static pid_t spawn_proc(struct tproc *parent, const char *path, struct tm_block_args *a,
			const struct spawn_attr *at, int rcvid, const struct _tm_loaded *ld)
{
	if (nprocs >= MAX_PROCS)
		return -EAGAIN;
	struct tm_prog pg;
	int err = exec_find(path, &pg);
	if (err == EXEC_LOAD && ld)
		err = exec_loaded(path, ld, &pg);
	else if (err == EXEC_LOAD)
		return rcvid ? loader_start(rcvid, path, a->cwd, parent->euid, parent->egid,
					    parent->ngroups, parent->groups) : -ENOENT;
	if (err)
		return err;
	int pri = at->priority, policy = at->policy;
	if (at->flags & _PROC_SPAWN_SETPRIO) {
		if (pri < 1 || pri > 255 ||
		    (policy != SCHED_FIFO && policy != SCHED_RR && policy != SCHED_OTHER))
			return -EINVAL;
	}
	pid_t pgid = parent->pgid, sid = parent->sid;
	if ((at->flags & _PROC_SPAWN_SETPGROUP) && at->pgroup != 0) {
		if (at->pgroup < 0)
			return -EINVAL;
		if (!group_in_session(at->pgroup, parent->sid))
			return -EPERM;
		pgid = at->pgroup;
	}
	struct tproc *tp = calloc(1, sizeof *tp);
	if (tp == NULL)
		return -ENOMEM;
	a->ppid = parent->pid;
	a->flags = rcvid ? _PROC_STARTUP_SPAWNED : 0;
	a->sigmask = (at->flags & _PROC_SPAWN_SETSIGMASK) ? at->sigmask : 0;
	size_t blen;
	void *block = exec_block(a, &pg, &blen);
	if (block == NULL) {
		free(tp);
		return -E2BIG;
	}
	struct tm_spawn_spec spec = {
		.image = pg.image, .image_len = pg.len, .name = pg.name, .priority = pri,
		.policy = policy, .sigmask = a->sigmask, .sigignore = at->sigignore,
		.iopriv = parent->euid == 0, .pid_offset = offsetof(struct _proc_startup, pid),
	};
	pid_t pid = tm_proc_create(&spec, block, blen);
	free(block);
	if (pid < 0) {
		free(tp);
		return pid;
	}
	tp->pid = pid;
	tp->ppid = parent->pid;
	tp->pgid = (at->flags & _PROC_SPAWN_SETPGROUP) && at->pgroup == 0 ? pid : pgid;
	tp->sid = sid;
	if (at->flags & _PROC_SPAWN_SETSID)
		tp->sid = tp->pgid = pid;
	tp->ruid = parent->ruid;
	tp->euid = parent->euid;
	tp->suid = parent->suid;
	tp->rgid = parent->rgid;
	tp->egid = parent->egid;
	tp->sgid = parent->sgid;
	if (pg.mode & 04000)			/* S_ISUID: the owner's rights, saved too */
		tp->euid = tp->suid = (int)pg.uid;
	if (pg.mode & 02000)			/* S_ISGID */
		tp->egid = tp->sgid = (int)pg.gid;
	tp->ngroups = parent->ngroups;
	memcpy(tp->groups, parent->groups, sizeof tp->groups);
	tp->state = TM_PROC_RUNNING;
	tp->spawn_rcvid = rcvid;
	tp->start_ns = now_ns();
	memcpy(tp->name, pg.name, sizeof tp->name);
	memcpy(tp->path, pg.path, sizeof tp->path);
	join_args(tp->args, sizeof tp->args, a);
	add_proc(tp);
	memmgr_proc_new(pid, pg.len);
	return pid;
}

/* A _PROC_SPAWN of len bytes at m: 0 (the reply waits for _PROC_SPAWN_DONE) or an errno. */
static int spawn(int rcvid, const char *m, size_t len, struct tproc *parent,
		 const struct _msg_info *info, const struct _tm_loaded *ld)
{
	struct _proc_spawn h;
	memcpy(&h, m, sizeof h);
	if (h.nfds < 0 || h.nfds > 1024 || h.argc < 0 || h.envc < 0)
		return EINVAL;
	size_t fds_off = (sizeof h + (size_t)h.strings_len + 7) & ~(size_t)7;
	if (fds_off + (size_t)h.nfds * sizeof(struct _proc_fdinh) != len)
		return EINVAL;
	const char *s = m + sizeof h, *end = s + h.strings_len;
	const char *z = memchr(s, 0, h.strings_len);
	if (z == NULL)
		return EINVAL;
	struct tm_block_args a = { 0 };
	int err = -exec_parse_strings(z + 1, end, h.argc, h.envc, &a);
	if (err)
		return err;
	const struct _proc_fdinh *fds = (const void *)(m + fds_off);
	for (int i = 0; i < h.nfds; i++)
		if (fds[i].fd < 0 || fds[i].pfd < 0)
			return EINVAL;
	a.fds = fds;
	a.nfds = h.nfds;
	struct spawn_attr at = { h.flags, h.pgroup, info->priority, SCHED_RR, h.sigmask,
				 h.sigignore & ~h.sigdefault };
	if (h.flags & _PROC_SPAWN_SETPRIO) {
		at.priority = h.priority;
		at.policy = h.policy;
	}
	pid_t pid = spawn_proc(parent, s, &a, &at, rcvid, ld);
	return pid < 0 ? -pid : 0;
}

/* A _PROC_SPAWN (msg, len of its bytes received; ld: the loader's answer when this is
 * its second pass): answered now with an error, or later (SPAWN_DONE, or the loader). */
static void spawn_msg(int rcvid, void *msg, size_t len, const struct _msg_info *info,
		      const struct _tm_loaded *ld)
{
	struct tproc *parent = find(info->pid);
	if (parent == NULL) {
		MsgError(rcvid, EPERM);
		return;
	}
	size_t total = (size_t)info->srcmsglen;
	if (total < sizeof(struct _proc_spawn)) {
		MsgError(rcvid, EINVAL);
		return;
	}
	if (total > SPAWN_MAX) {
		MsgError(rcvid, E2BIG);
		return;
	}
	char *m = msg;
	if (total > len) {
		if ((m = malloc(total)) == NULL) {
			MsgError(rcvid, ENOMEM);
			return;
		}
		if (MsgRead(rcvid, m, (int)total, 0) != (int)total) {
			free(m);
			MsgError(rcvid, EFAULT);
			return;
		}
	}
	int err = spawn(rcvid, m, total, parent, info, ld);
	if (m != msg)
		free(m);
	if (err)
		MsgError(rcvid, err);
}

static void do_spawn(int rcvid, void *msg, size_t len, const struct _msg_info *info)
{
	spawn_msg(rcvid, msg, len, info, NULL);
}

/* The loader has read (or failed to read) the program of the parent's _PROC_SPAWN: read
 * that message again from the parent, still blocked, and finish it with the image. */
static void do_loaded(int rcvid, void *msg, size_t len, const struct _msg_info *info)
{
	if (info->pid != SYSMGR_PID || len < sizeof(struct _tm_loaded)) {
		MsgError(rcvid, EPERM);
		return;
	}
	struct _tm_loaded ld;
	memcpy(&ld, msg, sizeof ld);
	MsgReply(rcvid, 0, NULL, 0);
	struct _msg_info pinfo;
	if (ld.err)
		MsgError(ld.rcvid, ld.err);
	else if (MsgInfo(ld.rcvid, &pinfo) == 0)	/* else the parent is gone */
		spawn_msg(ld.rcvid, NULL, 0, &pinfo, &ld);
	free((void *)(uintptr_t)ld.image);
}

static void do_spawn_done(int rcvid, void *msg, size_t len, const struct _msg_info *info)
{
	struct tproc *tp = find(info->pid);
	if (len < sizeof(struct _proc_spawn_done) || tp == NULL) {
		MsgError(rcvid, len < sizeof(struct _proc_spawn_done) ? EINVAL : ESRCH);
		return;
	}
	const struct _proc_spawn_done *d = msg;
	if (tp->spawn_rcvid) {
		if (d->err > 0) {
			MsgError(tp->spawn_rcvid, d->err);
			tp->orphan = 1;	/* the parent never learns its pid: nobody waits */
		} else {
			MsgReply(tp->spawn_rcvid, tp->pid, NULL, 0);
		}
		tp->spawn_rcvid = 0;
	}
	MsgReply(rcvid, 0, NULL, 0);
}

/* --- Ends and waits ------------------------------------------------------------------------ */

static int wait_matches(const struct tproc *c, const struct tproc *caller, pid_t wpid)
{
	if (c->ppid != caller->pid || c->pid == caller->pid)
		return 0;
	return wpid == -1 || (wpid > 0 && c->pid == wpid) || (wpid == 0 && c->pgid == caller->pgid) ||
	       (wpid < -1 && c->pgid == -wpid);
}

static void reply_wait(int rcvid, struct tproc *c)
{
	struct _proc_wait_reply r = { .pid = c->pid, .status = c->wstatus, .code = c->wcode,
				      .value = c->wvalue };
	MsgReply(rcvid, 0, &r, sizeof r);
	unlink_proc(c);
}

/* Answer the waits of `parent` that a zombie child now satisfies. */
static void wake_waiters(struct tproc *parent)
{
	for (struct waiter **wp = &waiters; *wp;) {
		struct waiter *w = *wp;
		struct tproc *z = NULL;
		if (w->caller == parent->pid)
			for (struct tproc *c = procs; c && !z; c = c->next)
				if (c->state == TM_PROC_ZOMBIE && wait_matches(c, parent, w->wpid))
					z = c;
		if (z) {
			reply_wait(w->rcvid, z);
			*wp = w->next;
			free(w);
		} else {
			wp = &w->next;
		}
	}
}

static void ended(const struct tm_end *e)
{
	struct tproc *tp = find(e->pid);
	if (tp == NULL)
		return;
	switch (e->how) {
	case TM_END_EXIT:
		tp->wstatus = (int)((e->status & 0xff) << 8);
		tp->wcode = CLD_EXITED_;
		tp->wvalue = (int)(e->status & 0xff);
		break;
	case TM_END_SIGNAL:
		tp->wstatus = e->signo & 0x7f;
		tp->wcode = CLD_KILLED_;
		tp->wvalue = e->signo;
		break;
	default:	/* a fault: killed by the signal that stands for it */
		tp->wstatus = e->signo & 0x7f;
		tp->wcode = CLD_DUMPED_;
		tp->wvalue = e->signo;
		break;
	}
	tp->state = TM_PROC_ZOMBIE;
	pathmgr_proc_gone(tp->pid);
	memmgr_proc_gone(tp->pid);
	if (tp->spawn_rcvid) {		/* ended before it said it was set up */
		MsgReply(tp->spawn_rcvid, tp->pid, NULL, 0);
		tp->spawn_rcvid = 0;
	}
	for (struct waiter **wp = &waiters; *wp;) {	/* its own waits died with it */
		struct waiter *w = *wp;
		if (w->caller == tp->pid) {
			*wp = w->next;
			free(w);
		} else {
			wp = &w->next;
		}
	}
	for (struct tproc *c = procs, *next; c; c = next) {	/* its children go to pid 1 */
		next = c->next;
		if (c->ppid != tp->pid)
			continue;
		c->ppid = SYSMGR_PID;
		c->orphan = 1;
		c->spawn_rcvid = 0;
		if (c->state == TM_PROC_ZOMBIE)
			unlink_proc(c);
	}
	struct tproc *parent = find(tp->ppid);
	if (tp->orphan || parent == NULL || parent->state != TM_PROC_RUNNING) {
		unlink_proc(tp);
		return;
	}
	if (parent->pid != SYSMGR_PID)
		SignalKill(0, parent->pid, 0, SIGCHLD, tp->wcode, tp->pid);
	wake_waiters(parent);
}

/* A death pulse: collect everything that has ended (one pulse may stand for many). */
static void reap_all(void)
{
	struct tm_end e;
	while (tm_proc_reap(-1, &e) > 0)
		ended(&e);
}

static void do_wait(int rcvid, void *msg, size_t len, const struct _msg_info *info)
{
	const struct _proc_wait *w = msg;
	struct tproc *caller = find(info->pid);
	if (len < sizeof *w || caller == NULL) {
		MsgError(rcvid, len < sizeof *w ? EINVAL : ECHILD);
		return;
	}
	if (w->options & ~3) {
		MsgError(rcvid, EINVAL);
		return;
	}
	reap_all();		/* a pulse may still be queued behind us */
	struct tproc *z = NULL;
	int any = 0;
	for (struct tproc *c = procs; c; c = c->next)
		if (wait_matches(c, caller, w->pid)) {
			any = 1;
			if (c->state == TM_PROC_ZOMBIE && !z)
				z = c;
		}
	if (!any) {
		MsgError(rcvid, ECHILD);
	} else if (z) {
		reply_wait(rcvid, z);
	} else if (w->options & WNOHANG_) {
		struct _proc_wait_reply r = { 0 };
		MsgReply(rcvid, 0, &r, sizeof r);
	} else {
		struct waiter *wt = malloc(sizeof *wt);
		if (wt == NULL) {
			MsgError(rcvid, ENOMEM);
			return;
		}
		*wt = (struct waiter){ waiters, rcvid, caller->pid, w->pid };
		waiters = wt;
	}
}

/* The kernel asks for a blocked client (a signal, a timeout): a held wait ends EINTR. */
static int unblock(int rcvid)
{
	for (struct waiter **wp = &waiters; *wp; wp = &(*wp)->next) {
		struct waiter *w = *wp;
		if (w->rcvid == rcvid) {
			*wp = w->next;
			free(w);
			MsgError(rcvid, EINTR);
			return 1;
		}
	}
	return 0;
}

/* --- Ids, groups, sessions, credentials ---------------------------------------------------- */

static void do_getid(int rcvid, void *msg, size_t len, const struct _msg_info *info, int type)
{
	const struct _proc_getid *g = msg;
	if (len < sizeof *g) {
		MsgError(rcvid, EINVAL);
		return;
	}
	struct tproc *tp = find(g->pid ? g->pid : info->pid);
	if (tp == NULL) {
		MsgError(rcvid, ESRCH);
		return;
	}
	if (type == _PROC_GETPGID) {
		MsgReply(rcvid, tp->pgid, NULL, 0);
		return;
	}
	struct _proc_getid_reply r = { tp->pid, tp->ppid, tp->pgid, tp->sid, tp->ruid, tp->euid,
				       tp->suid, tp->rgid, tp->egid, tp->sgid };
	MsgReply(rcvid, 0, &r, sizeof r);
}

static int setpgid_(struct tproc *caller, pid_t pid, pid_t pgid)
{
	if (pgid < 0)
		return EINVAL;
	struct tproc *tp = pid ? find(pid) : caller;
	if (tp == NULL || tp->state != TM_PROC_RUNNING ||
	    (tp != caller && tp->ppid != caller->pid))
		return ESRCH;
	if (tp->sid != caller->sid || tp->pid == tp->sid)
		return EPERM;	/* another session, or a session leader */
	if (pgid == 0)
		pgid = tp->pid;
	if (pgid != tp->pid && !group_in_session(pgid, caller->sid))
		return EPERM;
	tp->pgid = pgid;
	return 0;
}

/* POSIX's rule for one id: root sets any; others only one of their real/effective/saved. */
static int id_ok(const struct tproc *tp, int want, int r, int e, int s)
{
	return want == -1 || tp->euid == 0 || want == r || want == e || want == s;
}

static int setcred(struct tproc *tp, const struct _proc_setcred *c)
{
	if (!id_ok(tp, c->ruid, tp->ruid, tp->euid, tp->suid) ||
	    !id_ok(tp, c->euid, tp->ruid, tp->euid, tp->suid) ||
	    !id_ok(tp, c->suid, tp->ruid, tp->euid, tp->suid) ||
	    !id_ok(tp, c->rgid, tp->rgid, tp->egid, tp->sgid) ||
	    !id_ok(tp, c->egid, tp->rgid, tp->egid, tp->sgid) ||
	    !id_ok(tp, c->sgid, tp->rgid, tp->egid, tp->sgid))
		return EPERM;
	if (c->ruid < -1 || c->euid < -1 || c->suid < -1 || c->rgid < -1 || c->egid < -1 ||
	    c->sgid < -1)
		return EINVAL;
	/* gids first: they need the euid from before this call. */
	if (c->rgid != -1) tp->rgid = c->rgid;
	if (c->egid != -1) tp->egid = c->egid;
	if (c->sgid != -1) tp->sgid = c->sgid;
	if (c->ruid != -1) tp->ruid = c->ruid;
	if (c->euid != -1) tp->euid = c->euid;
	if (c->suid != -1) tp->suid = c->suid;
	return 0;
}

/* --- Signals --------------------------------------------------------------------------------- */

static int may_signal(const struct tproc *from, const struct tproc *to)
{
	return from->euid == 0 || from->ruid == to->ruid || from->euid == to->ruid ||
	       from->ruid == to->suid || from->euid == to->suid;
}

static int kill_(struct tproc *caller, const struct _proc_kill *k)
{
	if (k->signo < 0 || k->signo > 64)
		return EINVAL;
	int found = 0, sent = 0;
	for (struct tproc *t = procs; t; t = t->next) {
		int hit = k->pid > 0 ? t->pid == k->pid :
			  k->pid == 0 ? t->pgid == caller->pgid :
			  k->pid == -1 ? t->pid != caller->pid : t->pgid == -k->pid;
		if (!hit || (t->pid == SYSMGR_PID && k->pid != SYSMGR_PID))
			continue;	/* taskman is in no group kill */
		found = 1;
		if (!may_signal(caller, t) || (t->pid == SYSMGR_PID && k->signo != 0))
			continue;
		sent++;
		if (k->signo && t->state == TM_PROC_RUNNING)
			SignalKill(0, t->pid, 0, k->signo, k->code, k->value);
	}
	return !found ? ESRCH : !sent ? EPERM : 0;
}

/* --- The dispatcher ---------------------------------------------------------------------------- */

void procmgr_msg(int rcvid, void *msg, size_t len, const struct _msg_info *info)
{
	uint16_t type = *(uint16_t *)msg;
	struct tproc *caller = find(info->pid);
	int err = 0;
	if (type >= _MEM_MAP && type <= 0x5f) {
		memmgr_msg(rcvid, msg, len, info);
		return;
	}
	switch (type) {
	case _PROC_SPAWN:
		do_spawn(rcvid, msg, len, info);
		return;
	case _PROC_SPAWN_DONE:
		do_spawn_done(rcvid, msg, len, info);
		return;
	case _TM_LOADED:
		do_loaded(rcvid, msg, len, info);
		return;
	case _PROC_WAIT:
		do_wait(rcvid, msg, len, info);
		return;
	case _PROC_GETID:
	case _PROC_GETPGID:
		do_getid(rcvid, msg, len, info, type);
		return;
	}
	if (caller == NULL) {
		MsgError(rcvid, ESRCH);
		return;
	}
	switch (type) {
	case _PROC_SETPGID: {
		const struct _proc_setpgid *s = msg;
		err = len < sizeof *s ? EINVAL : setpgid_(caller, s->pid, s->pgid);
		break;
	}
	case _PROC_SETSID:
		if (caller->pgid == caller->pid || group_in_session(caller->pid, caller->sid)) {
			err = EPERM;	/* a group leader, or its pid names a group */
			break;
		}
		caller->sid = caller->pgid = caller->pid;
		MsgReply(rcvid, caller->sid, NULL, 0);
		return;
	case _PROC_SETCRED:
		err = len < sizeof(struct _proc_setcred) ? EINVAL : setcred(caller, msg);
		break;
	case _PROC_SETGROUPS: {
		const struct _proc_setgroups *g = msg;
		if (len < sizeof *g || g->ngroups < 0 || g->ngroups > _PROC_NGROUPS_MAX ||
		    len < sizeof *g + (size_t)g->ngroups * 4)
			err = EINVAL;
		else if (caller->euid != 0)
			err = EPERM;
		else {
			memcpy(caller->groups, (const char *)msg + sizeof *g, (size_t)g->ngroups * 4);
			caller->ngroups = g->ngroups;
		}
		break;
	}
	case _PROC_GETGROUPS: {		/* about the caller (pid 0) or process pid */
		const struct _proc_getid *q = msg;
		struct tproc *t = len >= sizeof *q && q->pid ? find(q->pid) : caller;
		if (t == NULL)
			err = ESRCH;
		else {
			MsgReply(rcvid, t->ngroups, t->groups, t->ngroups * 4);
			return;
		}
		break;
	}
	case _PROC_KILL:
		err = len < sizeof(struct _proc_kill) ? EINVAL : kill_(caller, msg);
		break;
	case _PROC_SHUTDOWN: {
		const struct _proc_shutdown *s = msg;
		if (len < sizeof *s)
			err = EINVAL;
		else if (caller->euid != 0)
			err = EPERM;
		else
			tm_shutdown(s->how != 0);
		break;
	}
	default:
		err = ENOSYS;
	}
	if (err)
		MsgError(rcvid, err);
	else
		MsgReply(rcvid, 0, NULL, 0);
}

int procmgr_pulse(const struct _pulse *p)
{
	if (p->code == TM_PULSE_DEATH) {
		reap_all();
		return 1;
	}
	if (p->code == _PULSE_CODE_UNBLOCK)
		return unblock(p->value.sival_int);
	return 0;
}
