/* The pathname space's registration table: normalising, matching and ordering (see pathtab.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/iomsg.h>
#include <sys/procmsg.h>
#include "pathtab.h"

struct pt_reg {
	struct pt_reg	*next;
	int		id;
	uint32_t	seq;		/* registration order: newer is larger */
	pid_t		pid;
	int		chid;
	uint32_t	handle;
	uint32_t	file_type;
	uint32_t	flags;
	size_t		len;
	char		path[];
};

static struct pt_reg *regs;
static int next_id = 1;
static uint32_t next_seq = 1;

int pt_normalise(const char *in, char *out, size_t cap)
{
	if (!in || in[0] != '/')
		return -EINVAL;
	if (cap < 2)
		return -ENAMETOOLONG;
	size_t n = 0;
	out[n++] = '/';
	const char *p = in;
	while (*p) {
		while (*p == '/')
			p++;
		const char *c = p;
		while (*p && *p != '/')
			p++;
		size_t clen = (size_t)(p - c);
		if (clen == 0 || (clen == 1 && c[0] == '.'))
			continue;
		if (clen == 2 && c[0] == '.' && c[1] == '.') {
			while (n > 1 && out[n - 1] != '/')
				n--;
			if (n > 1)
				n--;		/* the '/' before the removed component */
			continue;
		}
		if (n > 1) {
			if (n + 1 >= cap)
				return -ENAMETOOLONG;
			out[n++] = '/';
		}
		if (n + clen >= cap)
			return -ENAMETOOLONG;
		memcpy(out + n, c, clen);
		n += clen;
	}
	out[n] = 0;
	return (int)n;
}

int pt_is_plain(const char *in)
{
	if (!in || in[0] != '/')
		return 0;
	size_t len = strlen(in);
	while (len > 1 && in[len - 1] == '/')
		len--;
	for (size_t i = 0; i < len; i++) {
		if (in[i] != '/')
			continue;
		const char *c = in + i + 1;
		size_t rest = len - i - 1;
		if (i + 1 < len && c[0] == '/')
			return 0;				/* "//" */
		if (rest >= 1 && c[0] == '.' && (rest == 1 || c[1] == '/'))
			return 0;				/* "/." */
		if (rest >= 2 && c[0] == '.' && c[1] == '.' && (rest == 2 || c[2] == '/'))
			return 0;				/* "/.." */
	}
	return 1;
}

int pt_add(const char *path, pid_t pid, int chid, uint32_t handle, uint32_t file_type,
	   uint32_t flags)
{
	if (!path || path[0] != '/' || !pt_is_plain(path))
		return -EINVAL;
	size_t len = strlen(path);
	if (len > 1 && path[len - 1] == '/')
		return -EINVAL;
	if (len >= PT_PATH_MAX)
		return -ENAMETOOLONG;
	struct pt_reg *r = malloc(sizeof *r + len + 1);
	if (!r)
		return -ENOMEM;
	r->id = next_id++;
	if (next_id <= 0)
		next_id = 1;
	r->seq = next_seq++;
	r->pid = pid;
	r->chid = chid;
	r->handle = handle;
	r->file_type = file_type;
	r->flags = flags;
	r->len = len;
	memcpy(r->path, path, len + 1);
	r->next = regs;
	regs = r;
	return r->id;
}

int pt_remove(int id, pid_t pid)
{
	for (struct pt_reg **pp = &regs; *pp; pp = &(*pp)->next) {
		struct pt_reg *r = *pp;
		if (r->id != id)
			continue;
		if (r->pid != pid)
			return -EPERM;
		*pp = r->next;
		free(r);
		return 0;
	}
	return -ENOENT;
}

int pt_remove_pid(pid_t pid)
{
	int n = 0;
	struct pt_reg **pp = &regs;
	while (*pp) {
		struct pt_reg *r = *pp;
		if (r->pid == pid) {
			*pp = r->next;
			free(r);
			n++;
		} else {
			pp = &r->next;
		}
	}
	return n;
}

int pt_count(void)
{
	int n = 0;
	for (struct pt_reg *r = regs; r; r = r->next)
		n++;
	return n;
}

int pt_get(int i, char *path, size_t cap, struct pt_entry *e)
{
	int skip = pt_count() - 1 - i;			/* the list is newest first */
	if (i < 0 || skip < 0 || cap == 0)
		return -ENOENT;
	struct pt_reg *r = regs;
	while (skip--)
		r = r->next;
	size_t n = r->len < cap - 1 ? r->len : cap - 1;
	memcpy(path, r->path, n);
	path[n] = 0;
	*e = (struct pt_entry){ .pid = r->pid, .chid = r->chid, .handle = r->handle,
				.file_type = r->file_type, .prefix_len = (uint16_t)r->len,
				.flags = (uint16_t)r->flags };
	return 0;
}

/* Does registration r own path (of length len)? The prefix length to strip, or -1. */
static int owns(const struct pt_reg *r, const char *path, size_t len)
{
	if (r->len == 1)				/* "/" */
		return len == 1 || (r->flags & _RESMGR_FLAG_DIR) ? 1 : -1;
	if (len < r->len || memcmp(path, r->path, r->len) != 0)
		return -1;
	if (len == r->len)
		return (int)r->len;
	if (path[r->len] != '/' || !(r->flags & _RESMGR_FLAG_DIR))
		return -1;
	return (int)r->len + 1;
}

/* Is path strictly above registration path rp (on a component boundary)? */
static int above(const char *path, size_t len, const struct pt_reg *r)
{
	if (len == 1)
		return r->len > 1;
	return r->len > len && memcmp(r->path, path, len) == 0 && r->path[len] == '/';
}

int pt_is_dir(const char *path)
{
	size_t len = strlen(path);
	if (len == 1)
		return 1;
	for (struct pt_reg *r = regs; r; r = r->next)
		if (!(r->flags & PT_FLAG_IMPLIED) && above(path, len, r))
			return 1;
	return 0;
}

static int group(uint32_t flags)
{
	if (flags & _RESMGR_FLAG_BEFORE)
		return 0;
	if (flags & _RESMGR_FLAG_AFTER)
		return 2;
	return 1;
}

/* Should a come before b? */
static int before(const struct pt_reg *a, int alen, const struct pt_reg *b, int blen)
{
	if (alen != blen)
		return alen > blen;
	if (group(a->flags) != group(b->flags))
		return group(a->flags) < group(b->flags);
	return a->seq > b->seq;
}

int pt_resolve(const char *path, uint32_t file_type, struct pt_entry *out, int max)
{
	enum { MAXM = 64 };
	const struct pt_reg *m[MAXM];
	int mlen[MAXM], mkey[MAXM];
	int n = 0;
	size_t len = strlen(path);
	for (struct pt_reg *r = regs; r && n < MAXM; r = r->next) {
		if (file_type != _FTYPE_ANY && r->file_type != _FTYPE_ANY &&
		    r->file_type != file_type)
			continue;
		int pl = owns(r, path, len);
		if (pl < 0)
			continue;
		if ((r->flags & PT_FLAG_IMPLIED) && !pt_is_dir(path))
			continue;
		/* An implied directory other than "/" (/dev above /dev/ser1) sorts as if it
		 * owned the whole path: its listing of the names registered below it comes
		 * before a root filesystem's directory of the same name (a mount point). */
		int key = (r->flags & PT_FLAG_IMPLIED) && len > 1 ? (int)len : pl;
		/* insertion sort into place */
		int i = n++;
		while (i > 0 && before(r, key, m[i - 1], mkey[i - 1])) {
			m[i] = m[i - 1];
			mlen[i] = mlen[i - 1];
			mkey[i] = mkey[i - 1];
			i--;
		}
		m[i] = r;
		mlen[i] = pl;
		mkey[i] = key;
	}
	int k = 0;
	int opaque_len = -1;
	for (int i = 0; i < n && k < max; i++) {
		if (opaque_len >= 0 && mkey[i] < opaque_len)
			break;
		out[k].pid = m[i]->pid;
		out[k].chid = m[i]->chid;
		out[k].handle = m[i]->handle;
		out[k].file_type = m[i]->file_type;
		out[k].prefix_len = (uint16_t)mlen[i];
		out[k].flags = (uint16_t)(m[i]->flags & ~PT_FLAG_IMPLIED);
		k++;
		if ((m[i]->flags & _RESMGR_FLAG_OPAQUE) && opaque_len < 0)
			opaque_len = mkey[i];
	}
	return k;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int pt_children(const char *dir, char *buf, size_t cap)
{
	size_t len = strlen(dir);
	size_t used = 0;
	int n = 0;
	for (struct pt_reg *r = regs; r; r = r->next) {
		if ((r->flags & PT_FLAG_IMPLIED) || !above(dir, len, r))
			continue;
		const char *c = r->path + (len == 1 ? 1 : len + 1);
		size_t clen = strcspn(c, "/");
		int dup = 0;
		for (size_t off = 0; off < used; off += strlen(buf + off) + 1)
			if (strlen(buf + off) == clen && memcmp(buf + off, c, clen) == 0) {
				dup = 1;
				break;
			}
		if (dup)
			continue;
		if (used + clen + 1 > cap)
			return -ENOSPC;
		memcpy(buf + used, c, clen);
		buf[used + clen] = 0;
		used += clen + 1;
		n++;
	}
	/* Sort for a stable listing: through an index, then rewrite buf. */
	if (n > 1) {
		const char **idx = malloc((size_t)n * sizeof *idx);
		char *copy = malloc(used);
		if (!idx || !copy) {
			free(idx);
			free(copy);
			return n;		/* unsorted is still a listing */
		}
		memcpy(copy, buf, used);
		size_t off = 0;
		for (int i = 0; i < n; i++) {
			idx[i] = copy + off;
			off += strlen(copy + off) + 1;
		}
		qsort(idx, (size_t)n, sizeof *idx, cmp_names);
		off = 0;
		for (int i = 0; i < n; i++) {
			size_t l = strlen(idx[i]) + 1;
			memcpy(buf + off, idx[i], l);
			off += l;
		}
		free(idx);
		free(copy);
	}
	return n;
}
