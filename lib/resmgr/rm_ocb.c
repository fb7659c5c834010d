/* The OCB table: bindings of client connections (scoid, coid) to open control blocks. */
#include "rm_priv.h"	/* first: sys/neutrino.h before picolibc's time.h */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static unsigned bucket(int scoid, int coid)
{
	return ((unsigned)scoid * 2654435761u ^ (unsigned)coid) % RM_BIND_BUCKETS;
}

struct rm_bind *rm_bind_find(struct resmgr *rm, int scoid, int coid)
{
	for (struct rm_bind *b = rm->binds[bucket(scoid, coid)]; b; b = b->next)
		if (b->scoid == scoid && b->coid == coid)
			return b;
	return NULL;
}

/* By pid: a walk of the whole table (only _IO_DUP and the path manager ask). */
struct rm_bind *rm_bind_find_pid(struct resmgr *rm, pid_t pid, int coid)
{
	for (int i = 0; i < RM_BIND_BUCKETS; i++)
		for (struct rm_bind *b = rm->binds[i]; b; b = b->next)
			if (b->pid == pid && b->coid == coid)
				return b;
	return NULL;
}

/* Bind (scoid, coid) to ocb, taking a reference. The caller has dropped any binding the
 * pair had. 0 or -ENOMEM. */
int rm_bind_add(struct resmgr *rm, int scoid, int coid, pid_t pid, struct rm_ocb *ocb)
{
	struct rm_bind *b = malloc(sizeof *b);
	if (!b)
		return -ENOMEM;
	b->scoid = scoid;
	b->coid = coid;
	b->pid = pid;
	b->ocb = ocb;
	unsigned h = bucket(scoid, coid);
	b->next = rm->binds[h];
	rm->binds[h] = b;
	ocb->refs++;
	return 0;
}

/* Unlink b, free it and drop its OCB reference (which may close the OCB). */
void rm_bind_drop(struct resmgr *rm, struct rm_ctx *ctx, struct rm_bind *b)
{
	struct rm_bind **pp = &rm->binds[bucket(b->scoid, b->coid)];
	while (*pp && *pp != b)
		pp = &(*pp)->next;
	if (*pp)
		*pp = b->next;
	struct rm_ocb *ocb = b->ocb;
	free(b);
	rm_ocb_unref(rm, ctx, ocb);
}

static int drop_matching(struct resmgr *rm, int scoid, pid_t pid)
{
	int n = 0;
	struct rm_ctx ctx;
	memset(&ctx, 0, sizeof ctx);
	ctx.rm = rm;
	ctx.info.scoid = scoid;
	ctx.info.pid = pid;
	for (int i = 0; i < RM_BIND_BUCKETS; i++) {
		struct rm_bind **pp = &rm->binds[i];
		while (*pp) {
			struct rm_bind *b = *pp;
			if (scoid ? b->scoid == scoid : b->pid == pid) {
				*pp = b->next;
				struct rm_ocb *ocb = b->ocb;
				ctx.info.scoid = b->scoid;
				ctx.info.pid = b->pid;
				ctx.info.coid = b->coid;
				free(b);
				rm_ocb_unref(rm, &ctx, ocb);
				n++;
			} else {
				pp = &b->next;
			}
		}
	}
	return n;
}

/* A client's last connection went: all its bindings go. Returns how many. */
int rm_bind_drop_scoid(struct resmgr *rm, int scoid)
{
	return drop_matching(rm, scoid, 0);
}

int resmgr_client_gone(struct resmgr *rm, pid_t pid)
{
	if (pid <= 0)
		return 0;
	int n = drop_matching(rm, 0, pid);
	for (int i = 0; i < RM_CRED_SLOTS; i++)
		if (rm->creds[i].scoid && rm->creds[i].pid == pid)
			rm->creds[i].scoid = 0;
	return n;
}

struct rm_ocb *resmgr_ocb_find(struct resmgr *rm, pid_t pid, int coid)
{
	struct rm_bind *b = rm_bind_find_pid(rm, pid, coid);
	return b ? b->ocb : NULL;
}

struct rm_ocb *rm_ocb_of(struct rm_ctx *ctx)
{
	struct rm_bind *b = rm_bind_find(ctx->rm, ctx->info.scoid, ctx->info.coid);
	return b ? b->ocb : NULL;
}

/* A new OCB on attr with no references yet (attr->nopens counts it). NULL: ENOMEM. */
struct rm_ocb *rm_ocb_new(struct resmgr *rm, struct rm_attr *attr, uint32_t ioflag)
{
	struct rm_ocb *ocb = calloc(1, rm->ocb_size);
	if (!ocb)
		return NULL;
	ocb->attr = attr;
	ocb->ioflag = ioflag;
	ocb->refs = 0;
	ocb->offset = 0;
	if (attr)
		attr->nopens++;
	return ocb;
}

/* Drop one reference; at none, the open ends: attr->nopens stops counting it before
 * the server's close_ocb runs (so close_ocb sees whether it was the last), then it is
 * freed. */
void rm_ocb_unref(struct resmgr *rm, struct rm_ctx *ctx, struct rm_ocb *ocb)
{
	if (--ocb->refs > 0)
		return;
	if (ocb->attr && ocb->attr->nopens > 0)
		ocb->attr->nopens--;
	if (rm->funcs->close_ocb)
		rm->funcs->close_ocb(ctx, ocb);
	free(ocb);
}
