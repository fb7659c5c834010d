/* The memory manager: where each process's mappings are, anonymous and shared memory, and shm objects. */
/*
 * Design. memmgr keeps, per process, the list of mappings it made (sorted by address):
 * anonymous pages, and windows onto shared memory objects. It picks addresses (first fit
 * in the glue's mmap range, or MAP_FIXED anywhere below the kernel's area) and asks the
 * kernel glue to change the page tables. A process's pages are returned by the kernel
 * when it ends; memmgr then forgets its list (and drops its shm references).
 * A shm object's pages live in taskman's own address space, in a window of SHM_WINDOW
 * bytes reserved for it: growing maps more pages at its end, shrinking unmaps the tail.
 * A process's MAP_SHARED mapping shares those pages (tm_mem_share), so a page is freed
 * only when the object and every mapping of it are gone.
 * The heap: libc's sbrk maps at its break with MAP_FIXED, from _PROC_AUX_HEAP_BASE.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "taskman.h"
#include "glue.h"
#include "proc.h"

/* <sys/mman.h>'s values (QNX's; lib/c/include/sys/mman.h): the _MEM_* ABI. */
#define M_PROT_READ	0x100
#define M_PROT_WRITE	0x200
#define M_PROT_EXEC	0x400
#define M_PROT_NOCACHE	0x800
#define M_MAP_SHARED	0x1
#define M_MAP_PRIVATE	0x2
#define M_MAP_TYPE	0xf
#define M_MAP_FIXED	0x10
#define M_MAP_PHYS	0x10000
#define M_MAP_ANON	0x80000
#define M_MAP_KNOWN	(M_MAP_TYPE | M_MAP_FIXED | 0x80 | 0x1000 | 0x4000 | M_MAP_PHYS | M_MAP_ANON)

#define PAGE		4096ULL
#define SHM_WINDOW	(256ULL << 20)	/* taskman's address space per shm object */
#define FIXED_LO	0x2000000000ULL	/* user space starts here */
#define FIXED_HI	0x3e00000000ULL	/* MAP_FIXED below this; above is the kernel's */

struct region {
	struct region	*next;		/* ascending va */
	uint64_t	va, len;
	int		prot;		/* TM_PROT_* */
	struct tm_shm	*shm;		/* a window onto it (referenced), or NULL: anonymous */
	uint64_t	off;		/* into shm */
};

struct mproc {
	struct mproc	*next;
	pid_t		pid;
	uint64_t	image_bytes;
	struct region	*regions;
};

struct tm_shm {
	int		refs;		/* names and opens (pathmgr) + mappings */
	uint64_t	size;		/* bytes, as ftruncate set them */
	uint64_t	mapped;		/* bytes of pages behind the window (page-rounded) */
	uint64_t	base;		/* the window in taskman */
};

static struct mproc *mprocs;
static uint64_t mmap_lo, mmap_hi, shm_next;

void memmgr_init(void)
{
	uint64_t page;
	tm_mem_layout(&mmap_lo, &mmap_hi, &page);
	/* taskman's shm windows come from the top of its mmap range, downwards. */
	shm_next = mmap_hi;
}

static struct mproc *mp_find(pid_t pid, int create)
{
	for (struct mproc *m = mprocs; m; m = m->next)
		if (m->pid == pid)
			return m;
	if (!create)
		return NULL;
	struct mproc *m = calloc(1, sizeof *m);
	if (m) {
		m->pid = pid;
		m->next = mprocs;
		mprocs = m;
	}
	return m;
}

void memmgr_proc_new(pid_t pid, uint64_t image_bytes)
{
	struct mproc *m = mp_find(pid, 1);
	if (m)
		m->image_bytes = image_bytes;
}

void memmgr_proc_gone(pid_t pid)
{
	for (struct mproc **mp = &mprocs; *mp; mp = &(*mp)->next) {
		struct mproc *m = *mp;
		if (m->pid != pid)
			continue;
		*mp = m->next;
		for (struct region *r = m->regions, *n; r; r = n) {
			n = r->next;
			if (r->shm)
				memmgr_shm_unref(r->shm);
			free(r);
		}
		free(m);
		return;
	}
}

uint64_t memmgr_proc_bytes(pid_t pid)
{
	struct mproc *m = mp_find(pid, 0);
	if (m == NULL)
		return 0;
	uint64_t n = m->image_bytes + 64 * 1024;	/* the program and its main stack */
	for (struct region *r = m->regions; r; r = r->next)
		n += r->len;
	return n;
}

static int tm_prot(int prot)
{
	return ((prot & M_PROT_READ) ? TM_PROT_R : 0) | ((prot & M_PROT_WRITE) ? TM_PROT_W : 0) |
	       ((prot & M_PROT_EXEC) ? TM_PROT_X : 0);
}

/* A free range of len bytes in [mmap_lo, mmap_hi) at or above hint, first fit. */
static uint64_t find_gap(struct mproc *m, uint64_t len, uint64_t hint)
{
	uint64_t at = hint >= mmap_lo && hint < mmap_hi ? hint : mmap_lo;
	for (int pass = 0; pass < 2; pass++) {
		for (struct region *r = m->regions; r; r = r->next) {
			if (r->va + r->len <= at)
				continue;
			if (r->va >= at + len)
				break;
			at = r->va + r->len;
		}
		if (at + len <= mmap_hi && at + len > at)
			return at;
		at = mmap_lo;		/* wrap once from the bottom */
	}
	return 0;
}

/* Take [va, va + len) out of m's regions (splitting them), unmapping it if `unmap`. */
static int carve(struct mproc *m, uint64_t va, uint64_t len, int unmap)
{
	uint64_t end = va + len;
	for (struct region **rp = &m->regions; *rp;) {
		struct region *r = *rp;
		uint64_t rend = r->va + r->len;
		if (rend <= va || r->va >= end) {
			rp = &r->next;
			continue;
		}
		uint64_t lo = r->va > va ? r->va : va, hi = rend < end ? rend : end;
		if (unmap) {
			int e = tm_mem_unmap(m->pid, lo, hi - lo);
			if (e < 0)
				return e;
		}
		if (lo > r->va && hi < rend) {	/* a hole in the middle: split */
			struct region *t = malloc(sizeof *t);
			if (t == NULL)
				return -ENOMEM;
			*t = *r;
			t->va = hi;
			t->len = rend - hi;
			t->off = r->off + (hi - r->va);
			if (t->shm)
				memmgr_shm_ref(t->shm);
			r->len = lo - r->va;
			t->next = r->next;
			r->next = t;
			rp = &t->next;
		} else if (lo > r->va) {		/* the tail goes */
			r->len = lo - r->va;
			rp = &r->next;
		} else if (hi < rend) {			/* the head goes */
			r->off += hi - r->va;
			r->len = rend - hi;
			r->va = hi;
			rp = &r->next;
		} else {				/* all of it */
			*rp = r->next;
			if (r->shm)
				memmgr_shm_unref(r->shm);
			free(r);
		}
	}
	return 0;
}

static int insert(struct mproc *m, uint64_t va, uint64_t len, int prot, struct tm_shm *shm,
		  uint64_t off)
{
	struct region *n = malloc(sizeof *n);
	if (n == NULL)
		return -ENOMEM;
	*n = (struct region){ NULL, va, len, prot, shm, off };
	struct region **rp = &m->regions;
	while (*rp && (*rp)->va < va)
		rp = &(*rp)->next;
	n->next = *rp;
	*rp = n;
	return 0;
}

static int do_map(pid_t pid, const struct _mem_map *q, uint64_t *out)
{
	uint64_t len = (q->len + PAGE - 1) & ~(PAGE - 1);
	if (q->len == 0 || len < q->len || (q->flags & ~M_MAP_KNOWN) ||
	    (q->prot & ~(M_PROT_READ | M_PROT_WRITE | M_PROT_EXEC | M_PROT_NOCACHE)))
		return -EINVAL;
	if (q->flags & M_MAP_PHYS)
		return -ENOSYS;		/* drivers map registers with the kernel's own call */
	int type = q->flags & M_MAP_TYPE;
	struct tm_shm *shm = NULL;
	if (q->flags & M_MAP_ANON) {
		if (type != M_MAP_PRIVATE && type != M_MAP_SHARED)
			return -EINVAL;
	} else {
		if (type != M_MAP_SHARED)
			return -EINVAL;	/* private copies of objects: not yet */
		if ((shm = pathmgr_shm_of(pid, q->fd)) == NULL)
			return -EBADF;
		if ((q->offset & (PAGE - 1)) || q->offset > shm->mapped ||
		    len > shm->mapped - q->offset)
			return -ENXIO;	/* beyond the object's pages */
	}
	struct mproc *m = mp_find(pid, 1);
	if (m == NULL)
		return -ENOMEM;
	uint64_t va;
	if (q->flags & M_MAP_FIXED) {
		va = q->addr;
		if ((va & (PAGE - 1)) || va < FIXED_LO || va >= FIXED_HI || len > FIXED_HI - va)
			return -EINVAL;
		int e = carve(m, va, len, 1);	/* MAP_FIXED replaces what was there */
		if (e)
			return e;
	} else if ((va = find_gap(m, len, q->addr & ~(PAGE - 1))) == 0) {
		return -ENOMEM;
	}
	int prot = tm_prot(q->prot);
	int e = shm ? tm_mem_share(pid, va, 0, shm->base + q->offset, len, prot)
		    : tm_mem_map(pid, va, len, prot);
	if (e == -EEXIST)
		e = -ENOMEM;		/* the program's own pages are in the way */
	if (e)
		return e;
	if (shm)
		memmgr_shm_ref(shm);
	if ((e = insert(m, va, len, prot, shm, q->offset)) != 0) {
		tm_mem_unmap(pid, va, len);
		if (shm)
			memmgr_shm_unref(shm);
		return e;
	}
	*out = va;
	return 0;
}

static int do_protect(pid_t pid, uint64_t va, uint64_t len, int prot)
{
	struct mproc *m = mp_find(pid, 0);
	len = (len + PAGE - 1) & ~(PAGE - 1);
	if ((va & (PAGE - 1)) || len == 0 || va + len < va ||
	    (prot & ~(M_PROT_READ | M_PROT_WRITE | M_PROT_EXEC | M_PROT_NOCACHE)))
		return -EINVAL;
	/* Every page must be one of ours (the program's pages are not remapped). */
	uint64_t at = va;
	for (struct region *r = m ? m->regions : NULL; r && at < va + len; r = r->next)
		if (r->va <= at && r->va + r->len > at)
			at = r->va + r->len;
	if (at < va + len)
		return -ENOMEM;
	int e = tm_mem_protect(pid, va, len, tm_prot(prot));
	if (e)
		return e;
	/* Record it: split at the edges, then set. */
	for (struct region *r = m->regions; r; r = r->next) {
		uint64_t rend = r->va + r->len;
		if (rend <= va || r->va >= va + len)
			continue;
		if (r->va < va || rend > va + len) {
			uint64_t lo = r->va > va ? r->va : va, hi = rend < va + len ? rend : va + len;
			struct tm_shm *shm = r->shm;
			uint64_t off = r->off + (lo - r->va);
			if (shm)
				memmgr_shm_ref(shm);	/* carve may drop r's reference */
			if (carve(m, lo, hi - lo, 0) || insert(m, lo, hi - lo, tm_prot(prot), shm, off)) {
				if (shm)
					memmgr_shm_unref(shm);
				return -ENOMEM;
			}
			r = m->regions;		/* the list changed: start over */
			continue;
		}
		r->prot = tm_prot(prot);
	}
	return 0;
}

void memmgr_msg(int rcvid, void *msg, size_t len, const struct _msg_info *info)
{
	uint16_t type = *(uint16_t *)msg;
	int e;
	switch (type) {
	case _MEM_MAP: {
		struct _mem_map q;
		if (len < sizeof q) {
			MsgError(rcvid, EINVAL);
			return;
		}
		memcpy(&q, msg, sizeof q);
		struct _mem_map_reply r;
		if ((e = do_map(info->pid, &q, &r.addr)) != 0) {
			MsgError(rcvid, -e);
			return;
		}
		MsgReply(rcvid, 0, &r, sizeof r);
		return;
	}
	case _MEM_UNMAP:
	case _MEM_PROTECT: {
		struct _mem_unmap q;
		if (len < sizeof q) {
			MsgError(rcvid, EINVAL);
			return;
		}
		memcpy(&q, msg, sizeof q);
		if (type == _MEM_PROTECT) {
			e = do_protect(info->pid, q.addr, q.len, q.prot);
		} else {
			uint64_t l = (q.len + PAGE - 1) & ~(PAGE - 1);
			struct mproc *m = mp_find(info->pid, 0);
			if ((q.addr & (PAGE - 1)) || q.len == 0 || q.addr + l < q.addr)
				e = -EINVAL;
			else
				e = m ? carve(m, q.addr, l, 1) : 0;
		}
		if (e)
			MsgError(rcvid, -e);
		else
			MsgReply(rcvid, 0, NULL, 0);
		return;
	}
	case _MEM_INFO: {
		struct tm_sysinfo si;
		struct _mem_info_reply r = { 0 };
		if (tm_sysinfo(&si) == 0) {
			r.total_bytes = si.total_pages * si.page_size;
			r.free_bytes = si.free_pages * si.page_size;
		}
		r.proc_bytes = memmgr_proc_bytes(info->pid);
		MsgReply(rcvid, 0, &r, sizeof r);
		return;
	}
	default:
		MsgError(rcvid, ENOSYS);
	}
}

/* --- Shared memory objects -------------------------------------------------------------------- */

struct tm_shm *memmgr_shm_new(void)
{
	if (shm_next - SHM_WINDOW < mmap_lo + (mmap_hi - mmap_lo) / 2)
		return NULL;		/* windows may use the top half of the range */
	struct tm_shm *s = calloc(1, sizeof *s);
	if (s == NULL)
		return NULL;
	shm_next -= SHM_WINDOW;		/* windows are never reused: 28 GiB of them */
	s->base = shm_next;
	s->refs = 1;
	return s;
}

int memmgr_shm_resize(struct tm_shm *s, uint64_t size)
{
	if (size > SHM_WINDOW)
		return -ENOMEM;
	uint64_t want = (size + PAGE - 1) & ~(PAGE - 1);
	if (want > s->mapped) {
		int e = tm_mem_map(0, s->base + s->mapped, want - s->mapped, TM_PROT_R | TM_PROT_W);
		if (e)
			return e;
	} else if (want < s->mapped) {
		/* Mappings of the tail keep their pages until they go. */
		tm_mem_unmap(0, s->base + want, s->mapped - want);
	}
	if (size < s->size && want == s->mapped && size % PAGE)
		memset((char *)(uintptr_t)s->base + size, 0, want - size);	/* POSIX: zeroes */
	s->mapped = want;
	s->size = size;
	return 0;
}

uint64_t memmgr_shm_size(struct tm_shm *s)
{
	return s->size;
}

void memmgr_shm_ref(struct tm_shm *s)
{
	s->refs++;
}

void memmgr_shm_unref(struct tm_shm *s)
{
	if (--s->refs > 0)
		return;
	if (s->mapped)
		tm_mem_unmap(0, s->base, s->mapped);
	free(s);
}
