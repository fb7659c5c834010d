/* Clients' credentials (taskman's _PROC_GETID, cached per connection) and permission checks. */
#include "rm_priv.h"	/* first: sys/neutrino.h before picolibc's time.h */
#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>

/* Our side-channel connection to taskman, made on first use. -1 with errno if none. */
int rm_taskman_coid(void)
{
	static int coid = -1;
	if (coid < 0)
		coid = ConnectAttach(0, SYSMGR_PID, SYSMGR_CHID, _NTO_SIDE_CHANNEL, _NTO_COF_CLOEXEC);
	return coid;
}

void rm_cred_forget(struct resmgr *rm, int scoid)
{
	for (int i = 0; i < RM_CRED_SLOTS; i++)
		if (rm->creds[i].scoid == scoid)
			rm->creds[i].scoid = 0;
}

/* The ids of ctx's client: from the cache (same scoid, same pid), else asked for and
 * remembered until the client disconnects (a process's credentials are taken as fixed
 * for the life of its connection: a setuid() after it connected is not seen). */
int rm_cred_get(struct rm_ctx *ctx, struct _proc_getid_reply *out)
{
	struct resmgr *rm = ctx->rm;
	int scoid = ctx->info.scoid;
	pid_t pid = ctx->info.pid;
	for (int i = 0; i < RM_CRED_SLOTS; i++)
		if (rm->creds[i].scoid == scoid && scoid && rm->creds[i].pid == pid) {
			*out = rm->creds[i].id;
			ctx->ngroups = rm->creds[i].ngroups;
			memcpy(ctx->groups, rm->creds[i].groups,
			       (size_t)ctx->ngroups * sizeof ctx->groups[0]);
			return 0;
		}
	struct _proc_getid_reply id;
	int32_t groups[_PROC_NGROUPS_MAX];
	int ngroups = 0;
	memset(&id, 0, sizeof id);
	if (rm->getcred) {
		int r = rm->getcred(pid, &id);
		if (r < 0)
			return r;
	} else {
		int coid = rm_taskman_coid();
		if (coid < 0)
			return -errno;
		struct _proc_getid q = { .type = _PROC_GETID, .pid = pid };
		if (MsgSend(coid, &q, sizeof q, &id, sizeof id) < 0)
			return -errno;
		q.type = _PROC_GETGROUPS;
		ngroups = MsgSend(coid, &q, sizeof q, groups, sizeof groups);
		if (ngroups < 0)
			return -errno;
		if (ngroups > _PROC_NGROUPS_MAX)
			ngroups = _PROC_NGROUPS_MAX;
	}
	if (scoid) {
		unsigned slot = RM_CRED_SLOTS;
		for (unsigned i = 0; i < RM_CRED_SLOTS; i++)
			if (!rm->creds[i].scoid) {
				slot = i;
				break;
			}
		if (slot == RM_CRED_SLOTS)
			slot = rm->cred_next++ % RM_CRED_SLOTS;
		rm->creds[slot].scoid = scoid;
		rm->creds[slot].pid = pid;
		rm->creds[slot].id = id;
		rm->creds[slot].ngroups = ngroups;
		memcpy(rm->creds[slot].groups, groups, (size_t)ngroups * sizeof groups[0]);
	}
	*out = id;
	ctx->ngroups = ngroups;
	memcpy(ctx->groups, groups, (size_t)ngroups * sizeof groups[0]);
	return 0;
}

int rm_client_cred(struct rm_ctx *ctx, int *uid, int *gid)
{
	struct _proc_getid_reply id;
	int r = rm_cred_get(ctx, &id);
	if (r < 0)
		return r;
	if (uid)
		*uid = id.euid;
	if (gid)
		*gid = id.egid;
	return 0;
}

int rm_client_groups(struct rm_ctx *ctx, uint32_t *groups, int max)
{
	struct _proc_getid_reply id;
	int r = rm_cred_get(ctx, &id);
	if (r < 0)
		return r;
	int n = ctx->ngroups < max ? ctx->ngroups : max;
	for (int i = 0; i < n; i++)
		groups[i] = (uint32_t)ctx->groups[i];
	return n;
}

/* POSIX's rule: root may read and write anything, and execute what has an x bit (or is a
 * directory); others get the owner's, the group's or everyone's bits, whichever class
 * they fall in first (the group class: the effective or a supplementary group). */
static int in_groups(const struct rm_ctx *ctx, uint32_t gid)
{
	for (int i = 0; i < ctx->ngroups; i++)
		if ((uint32_t)ctx->groups[i] == gid)
			return 1;
	return 0;
}

int rm_check_access(struct rm_ctx *ctx, struct rm_attr *attr, int want)
{
	want &= 7;
	if (!want)
		return 0;
	int uid, gid;
	int r = rm_client_cred(ctx, &uid, &gid);
	if (r < 0)
		return r;
	uint32_t mode = attr->mode;
	if (uid == 0) {
		if (!(want & 1) || S_ISDIR(mode) || (mode & 0111))
			return 0;
		return -EACCES;
	}
	unsigned bits;
	if ((uint32_t)uid == attr->uid)
		bits = (mode >> 6) & 7;
	else if ((uint32_t)gid == attr->gid || in_groups(ctx, attr->gid))
		bits = (mode >> 3) & 7;
	else
		bits = mode & 7;
	return (bits & (unsigned)want) == (unsigned)want ? 0 : -EACCES;
}

int rm_open_access(struct rm_ctx *ctx, struct _io_connect *msg, struct rm_attr *attr)
{
	int want = 0;
	if (msg->subtype == _IO_CONNECT_OPEN) {
		uint32_t acc = msg->ioflag & 3;
		if (acc == 3)
			return -EINVAL;
		if (S_ISDIR(attr->mode) && acc != 0)
			return -EISDIR;		/* before permissions, as POSIX systems do */
		if (acc == 0 || acc == 2)
			want |= 4;
		if (acc == 1 || acc == 2 || (msg->ioflag & O_TRUNC))
			want |= 2;
	} else if (msg->subtype == _IO_CONNECT_COMBINE ||
		   msg->subtype == _IO_CONNECT_COMBINE_CLOSE) {
		if (ctx->combine_type == _IO_READ)
			want |= 4;
		else if (ctx->combine_type == _IO_WRITE || ctx->combine_type == _IO_SPACE)
			want |= 2;
	}
	return rm_check_access(ctx, attr, want);
}
