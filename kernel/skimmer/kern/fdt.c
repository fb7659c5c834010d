/* Flattened device tree walker: memory, reserved regions, harts, /chosen, the console,
 * the PLIC and the goldfish RTC. */
/* Design: no libfdt, allocation or globals. A cursor (struct walk) steps through the
 * structure block a token at a time, checking every offset against the block bounds and
 * keeping a stack of open nodes (name, #address-cells, #size-cells) so a node's reg is
 * decoded with its parent's cells. fdt_parse gathers everything in one pass, except
 * /chosen stdout-path, which may name any node (maybe via /aliases) and is resolved by
 * walking again, and the PLIC's interrupts-extended, whose phandles name cpu-intc nodes
 * that may come before or after it, is resolved once the pass has seen them all.
 * Big-endian fields are read a byte at a time. */
#include <skimmer/fdt.h>
#include <skimmer/kern.h>

#define FDT_MAGIC	0xd00dfeed
#define FDT_HDR_SIZE	40
#define FDT_MAX_DEPTH	16	/* deeper trees are rejected as malformed */

enum { TOK_BEGIN = 1, TOK_END_NODE = 2, TOK_PROP = 3, TOK_NOP = 4, TOK_END = 9 };

struct level {
	const char *name;		/* node name, unit address included */
	size_t namelen;
	uint32_t acells, scells;	/* this node's #address-cells/#size-cells */
};

struct walk {
	const uint8_t *st;		/* structure block */
	uint64_t stsize;
	const char *strs;		/* strings block */
	uint64_t strsize;
	uint64_t pos;			/* offset of the next token in st */
	int depth;			/* open nodes; lv[depth] is the innermost */
	bool seen_root, had_child;	/* had_child: the innermost node already had a subnode */
	struct level lv[FDT_MAX_DEPTH + 1];	/* lv[0] stands above the root */
	const char *pname;		/* the current property: name, value, length */
	const uint8_t *val;
	uint32_t len;
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The value of n big-endian cells at p (only the low 64 bits survive n > 2). */
static uint64_t cells(const uint8_t *p, uint32_t n)
{
	uint64_t v = 0;
	for (; n > 0; n--, p += 4)
		v = v << 32 | be32(p);
	return v;
}

/*
 * Next token, NOPs skipped: TOK_BEGIN (new node in lv[depth]), TOK_END_NODE (depth is
 * the parent's; lv[depth + 1] still holds the closed node), TOK_PROP (pname/val/len),
 * TOK_END, or FDT_ERR_BADSTRUCT on any overrun, bad token, imbalance, property after
 * a subnode or nesting too deep. Records #address-cells/#size-cells in lv[].
 */
static int walk_next(struct walk *w)
{
	const char *name;
	size_t room, n;
	uint32_t len, off;

	for (;;) {
		if (w->pos > w->stsize || w->stsize - w->pos < 4)
			return FDT_ERR_BADSTRUCT;
		uint32_t tok = be32(w->st + w->pos);
		w->pos += 4;
		switch (tok) {
		case TOK_NOP:
			continue;
		case TOK_BEGIN:
			name = (const char *)w->st + w->pos;
			room = w->stsize - w->pos;
			n = strnlen(name, room);
			if (n == room || w->depth == FDT_MAX_DEPTH || (w->depth == 0 && w->seen_root))
				return FDT_ERR_BADSTRUCT;
			w->pos = ALIGN_UP(w->pos + n + 1, 4);
			w->depth++;
			w->lv[w->depth] = (struct level){ name, n, 2, 1 };
			w->seen_root = true;
			w->had_child = false;
			return TOK_BEGIN;
		case TOK_END_NODE:
			if (w->depth == 0)
				return FDT_ERR_BADSTRUCT;
			w->depth--;
			w->had_child = true;
			return TOK_END_NODE;
		case TOK_PROP:
			if (w->depth == 0 || w->had_child || w->stsize - w->pos < 8)
				return FDT_ERR_BADSTRUCT;
			len = be32(w->st + w->pos);
			off = be32(w->st + w->pos + 4);
			w->pos += 8;
			if (len > w->stsize - w->pos || off >= w->strsize ||
			    strnlen(w->strs + off, w->strsize - off) == w->strsize - off)
				return FDT_ERR_BADSTRUCT;
			w->pname = w->strs + off;
			w->val = w->st + w->pos;
			w->len = len;
			w->pos = ALIGN_UP(w->pos + len, 4);
			if (len == 4 && strcmp(w->pname, "#address-cells") == 0)
				w->lv[w->depth].acells = be32(w->val);
			else if (len == 4 && strcmp(w->pname, "#size-cells") == 0)
				w->lv[w->depth].scells = be32(w->val);
			return TOK_PROP;
		case TOK_END:
			return w->depth == 0 && w->seen_root ? TOK_END : FDT_ERR_BADSTRUCT;
		default:
			return FDT_ERR_BADSTRUCT;
		}
	}
}

/* The current property as a string, or NULL if it holds no NUL. */
static const char *prop_str(const struct walk *w)
{
	return strnlen((const char *)w->val, w->len) < w->len ? (const char *)w->val : NULL;
}

/* True if the current property is exactly the string s. */
static bool prop_is(const struct walk *w, const char *s)
{
	return w->len == strlen(s) + 1 && memcmp(w->val, s, w->len) == 0;
}

/* The current property as a 32- or 64-bit number; 0 for any other length. */
static uint64_t prop_num(const struct walk *w)
{
	return w->len == 4 || w->len == 8 ? cells(w->val, w->len / 4) : 0;
}

/* True if node name l matches path component c (n bytes); "serial" matches "serial@1000". */
static bool name_match(const struct level *l, const char *c, size_t n)
{
	if (l->namelen < n || memcmp(l->name, c, n) != 0)
		return false;
	return l->namelen == n || l->name[n] == '@';
}

/* Appends reg's entries, decoded with parent's cells, to r[*n] (at most max in all).
 * Returns false if some did not fit. Unusable cell counts decode nothing. */
static bool add_regs(const struct level *parent, const uint8_t *reg, uint32_t len,
		    struct fdt_region *r, int *n, int max)
{
	uint32_t ac = parent->acells, sc = parent->scells, esz = (ac + sc) * 4;

	if (ac == 0 || ac > 4 || sc > 4)
		return true;
	for (uint32_t o = 0; len - o >= esz; o += esz) {
		if (*n == max)
			return false;
		r[(*n)++] = (struct fdt_region){ cells(reg + o, ac), cells(reg + o + ac * 4, sc) };
	}
	return true;
}

/* What the main pass remembers about the innermost node until its properties end. */
enum { N_OTHER, N_CHOSEN, N_CPUS, N_CPU, N_RESV, N_CPU_CHILD };
struct node {
	int depth, kind;	/* depth 0: no node whose properties are still coming */
	bool memory, cpu, usable, intc;
	const uint8_t *reg;
	uint32_t reglen;
	uint64_t timebase;
	const char *isa;
	const uint8_t *compat;	/* compatible: a list of strings */
	uint32_t compatlen;
	const uint8_t *iext;	/* interrupts-extended */
	uint32_t iextlen;
	uint32_t phandle, ndev, irq;	/* irq: the first cell of interrupts, 0 if none */
};

/* What the pass keeps between nodes: stdout-path, the cpu interrupt controllers
 * (phandle -> hart id) and the PLIC's interrupts-extended, resolved at the end. */
struct pass {
	const char *stdout_path;
	long cpu_hart;		/* the hart id of the last cpu node, -1 if none */
	int nintc;
	struct { uint32_t phandle; unsigned long hartid; } intc[FDT_MAX_HARTS];
	const uint8_t *plic_iext;
	uint32_t plic_iextlen;
};

/* True if the string list v (len bytes, NUL-separated) holds s. */
static bool compat_has(const uint8_t *v, uint32_t len, const char *s)
{
	size_t n = strlen(s) + 1;
	for (uint32_t o = 0; o < len;) {
		size_t l = strnlen((const char *)v + o, len - o);
		if (l + 1 == n && o + n <= len && memcmp(v + o, s, n) == 0)
			return true;
		o += (uint32_t)l + 1;
	}
	return false;
}

/* Starts collecting the node just entered (lv[depth]), classifying it by its path. */
static void node_begin(struct node *nd, const struct walk *w)
{
	const struct level *l = &w->lv[w->depth], *up = &w->lv[w->depth - 1];

	*nd = (struct node){ .depth = w->depth, .kind = N_OTHER, .usable = true };
	if (w->depth == 2)
		nd->kind = name_match(l, "chosen", 6) ? N_CHOSEN : name_match(l, "cpus", 4) ? N_CPUS : 0;
	else if (w->depth == 3)
		nd->kind = name_match(up, "cpus", 4) ? N_CPU :
			   name_match(up, "reserved-memory", 15) ? N_RESV : 0;
	else if (w->depth == 4 && name_match(&w->lv[2], "cpus", 4))
		nd->kind = N_CPU_CHILD;		/* a cpu's interrupt-controller, say */
}

/* Takes the current property into nd or info; x->stdout_path gets /chosen stdout-path. */
static void node_prop(struct node *nd, const struct walk *w, struct fdt_info *info,
		      struct pass *x)
{
	const char *name = w->pname;

	if (strcmp(name, "device_type") == 0) {
		nd->memory = prop_is(w, "memory");
		nd->cpu = prop_is(w, "cpu");
	} else if (strcmp(name, "reg") == 0) {
		nd->reg = w->val;
		nd->reglen = w->len;
	} else if (strcmp(name, "status") == 0) {
		nd->usable = prop_is(w, "okay") || prop_is(w, "ok");
	} else if (nd->kind == N_CHOSEN) {
		if (strcmp(name, "bootargs") == 0)
			info->bootargs = prop_str(w);
		else if (strcmp(name, "linux,initrd-start") == 0)
			info->initrd_start = prop_num(w);
		else if (strcmp(name, "linux,initrd-end") == 0)
			info->initrd_end = prop_num(w);
		else if (strcmp(name, "stdout-path") == 0)
			x->stdout_path = prop_str(w);
	} else if (strcmp(name, "compatible") == 0) {
		nd->compat = w->val;
		nd->compatlen = w->len;
	} else if (strcmp(name, "interrupts-extended") == 0) {
		nd->iext = w->val;
		nd->iextlen = w->len;
	} else if (strcmp(name, "interrupts") == 0) {
		nd->irq = w->len >= 4 ? be32(w->val) : 0;
	} else if (strcmp(name, "interrupt-controller") == 0) {
		nd->intc = true;
	} else if (strcmp(name, "phandle") == 0 && w->len == 4) {
		nd->phandle = be32(w->val);
	} else if (strcmp(name, "riscv,ndev") == 0 && w->len == 4) {
		nd->ndev = be32(w->val);
	} else if (strcmp(name, "timebase-frequency") == 0) {
		nd->timebase = prop_num(w);
	} else if (strcmp(name, "riscv,isa") == 0) {
		nd->isa = prop_str(w);
	}
}

/* The first reg entry of a node, decoded with its parent's cells: false if none. */
static bool first_reg(const struct level *parent, const struct node *nd, struct fdt_region *r)
{
	int n = 0;
	if (nd->reg)
		add_regs(parent, nd->reg, nd->reglen, r, &n, 1);
	return n == 1;
}

/* Files, and closes, a node whose properties are complete (lv[nd->depth - 1] is its
 * parent). Returns false if a reserved region did not fit. */
static bool node_end(struct node *nd, const struct walk *w, struct fdt_info *info,
		     struct pass *x)
{
	const struct level *parent = &w->lv[nd->depth - 1];
	struct fdt_region r;

	nd->depth = 0;
	if (nd->memory && nd->usable && nd->reg)
		add_regs(parent, nd->reg, nd->reglen, info->mem, &info->nmem, FDT_MAX_MEM);
	if (nd->kind == N_RESV && nd->reg &&
	    !add_regs(parent, nd->reg, nd->reglen, info->reserved, &info->nreserved,
		      FDT_MAX_RESERVED))
		return false;	/* losing a reservation is never safe */
	if ((nd->kind == N_CPUS || (nd->kind == N_CPU && nd->cpu)) && info->timebase_hz == 0)
		info->timebase_hz = nd->timebase;	/* /cpus comes before its cpu nodes */
	if (nd->kind == N_CPU && nd->cpu && nd->usable && nd->reg && parent->acells >= 1 &&
	    parent->acells <= 2 && nd->reglen >= parent->acells * 4) {
		if (info->nharts < FDT_MAX_HARTS)
			info->harts[info->nharts++] = cells(nd->reg, parent->acells);
		if (!info->isa)
			info->isa = nd->isa;
	}
	if (nd->kind == N_CPU)		/* its interrupt controller comes next, as a child */
		x->cpu_hart = nd->cpu && nd->reg && parent->acells >= 1 && parent->acells <= 2 &&
			      nd->reglen >= parent->acells * 4 ?
			      (long)cells(nd->reg, parent->acells) : -1;
	if (nd->kind == N_CPU_CHILD && nd->intc && nd->phandle && x->cpu_hart >= 0 &&
	    x->nintc < FDT_MAX_HARTS &&
	    (!nd->compat || compat_has(nd->compat, nd->compatlen, "riscv,cpu-intc"))) {
		x->intc[x->nintc].phandle = nd->phandle;
		x->intc[x->nintc++].hartid = (unsigned long)x->cpu_hart;
	}
	if (nd->compat && !info->plic_base && nd->iext &&
	    (compat_has(nd->compat, nd->compatlen, "riscv,plic0") ||
	     compat_has(nd->compat, nd->compatlen, "sifive,plic-1.0.0")) &&
	    first_reg(parent, nd, &r) && r.base) {
		info->plic_base = r.base;
		info->plic_size = r.size;
		info->plic_ndev = nd->ndev;
		x->plic_iext = nd->iext;
		x->plic_iextlen = nd->iextlen;
	}
	if (nd->compat && !info->rtc_base &&
	    compat_has(nd->compat, nd->compatlen, "google,goldfish-rtc") &&
	    first_reg(parent, nd, &r) && r.base) {
		info->rtc_base = r.base;
		info->rtc_irq = nd->irq;
	}
	return true;
}

/* The PLIC's S-mode contexts: each interrupts-extended entry is <phandle irq> (cpu-intc
 * nodes have #interrupt-cells 1), and context i is entry i. */
static void plic_contexts(const struct pass *x, struct fdt_info *info)
{
	for (uint32_t i = 0; (uint64_t)i * 8 + 8 <= x->plic_iextlen; i++) {
		uint32_t ph = be32(x->plic_iext + i * 8), irq = be32(x->plic_iext + i * 8 + 4);
		if (irq != 9 || info->plic_nsctx == FDT_MAX_HARTS)
			continue;
		for (int k = 0; k < x->nintc; k++) {
			if (x->intc[k].phandle == ph) {
				info->plic_sctx[info->plic_nsctx].hartid = x->intc[k].hartid;
				info->plic_sctx[info->plic_nsctx++].ctx = i;
				break;
			}
		}
	}
}

/* Length of a path without its ":options". */
static size_t path_len(const char *p)
{
	return strchr(p, ':') ? (size_t)(strchr(p, ':') - p) : strlen(p);
}

/* Rewinds w and walks to the node at absolute path (any ":options" ignored), leaving
 * w just inside it (its properties come next). Returns true if found. */
static bool find_node(struct walk *w, const char *path)
{
	size_t off[FDT_MAX_DEPTH + 1] = { 0 };	/* off[d]: where path goes on after depth d */
	size_t plen = path_len(path);
	int m = 0, t;		/* lv[1..m] match the start of path */

	if (plen == 0 || path[0] != '/')
		return false;
	w->pos = w->depth = 0;		/* rewind */
	w->seen_root = false;
	while ((t = walk_next(w)) >= 0 && t != TOK_END) {
		if (t == TOK_END_NODE && m > w->depth)
			m = w->depth;
		if (t != TOK_BEGIN || m != w->depth - 1)
			continue;
		size_t s = off[m], e = s;	/* the root's "" matches the "" before the first '/' */
		while (e < plen && path[e] != '/')
			e++;
		if (!name_match(&w->lv[w->depth], path + s, e - s))
			continue;
		m = w->depth;
		off[m] = e + 1;
		if (off[m] >= plen)
			return true;
	}
	return false;
}

/* Resolves stdout-path (a path or an alias, maybe with ":options") into info->stdout_*. */
static void find_stdout(struct walk *w, const char *path, struct fdt_info *info)
{
	if (path[0] != '/') {
		const char *alias = NULL;
		size_t n = path_len(path);
		if (!find_node(w, "/aliases"))
			return;
		while (walk_next(w) == TOK_PROP)
			if (strlen(w->pname) == n && memcmp(w->pname, path, n) == 0)
				alias = prop_str(w);
		if (!alias)
			return;
		path = alias;
	}
	if (!find_node(w, path))
		return;
	const struct level *parent = &w->lv[w->depth - 1];
	while (walk_next(w) == TOK_PROP) {
		if (strcmp(w->pname, "compatible") == 0)
			info->stdout_compat = prop_str(w);
		else if (strcmp(w->pname, "reg") == 0 && parent->acells >= 1 &&
			 parent->acells <= 4 && w->len >= parent->acells * 4)
			info->stdout_base = cells(w->val, parent->acells);
		else if (strcmp(w->pname, "reg-shift") == 0)
			info->stdout_reg_shift = (uint32_t)prop_num(w);
		else if (strcmp(w->pname, "interrupts") == 0 && w->len >= 4)
			info->stdout_irq = be32(w->val);
	}
}

/* See fdt.h. Header, then the memory-reservation block, then the structure block. */
int fdt_parse(const void *blob, size_t maxsize, struct fdt_info *info)
{
	const uint8_t *b = blob;
	struct pass x = { .cpu_hart = -1 };
	struct walk w;
	struct node nd = { 0 };

	memset(info, 0, sizeof(*info));
	if (maxsize < 4)
		return FDT_ERR_TRUNCATED;
	if (be32(b) != FDT_MAGIC)
		return FDT_ERR_MAGIC;
	if (maxsize < FDT_HDR_SIZE || be32(b + 4) > maxsize || be32(b + 4) < FDT_HDR_SIZE)
		return FDT_ERR_TRUNCATED;
	uint64_t total = be32(b + 4);
	if (be32(b + 20) < 16 || be32(b + 24) > 17)
		return FDT_ERR_VERSION;
	uint64_t off_st = be32(b + 8), off_str = be32(b + 12), off_rsv = be32(b + 16);
	uint64_t size_str = be32(b + 32);
	uint64_t size_st = be32(b + 20) >= 17 ? be32(b + 36) : total - MIN(off_st, total);
	if (off_st + size_st > total || off_str + size_str > total || off_rsv > total)
		return FDT_ERR_TRUNCATED;
	info->totalsize = (uint32_t)total;

	for (uint64_t o = off_rsv;; o += 16) {
		if (total - o < 16)
			return FDT_ERR_TRUNCATED;
		uint64_t base = cells(b + o, 2), size = cells(b + o + 8, 2);
		if (size == 0)
			break;
		if (info->nreserved == FDT_MAX_RESERVED)
			return FDT_ERR_BADSTRUCT;
		info->reserved[info->nreserved++] = (struct fdt_region){ base, size };
	}

	w = (struct walk){ .st = b + off_st, .stsize = size_st, .strs = (const char *)b + off_str,
			   .strsize = size_str, .lv[0] = { "", 0, 2, 1 } };
	for (int t; (t = walk_next(&w)) != TOK_END;) {
		if (t < 0)
			return t;
		if (t != TOK_PROP && nd.depth && !node_end(&nd, &w, info, &x))
			return FDT_ERR_BADSTRUCT;
		if (t == TOK_BEGIN)
			node_begin(&nd, &w);
		else if (t == TOK_PROP)
			node_prop(&nd, &w, info, &x);
	}
	plic_contexts(&x, info);
	if (x.stdout_path)
		find_stdout(&w, x.stdout_path, info);
	return 0;
}

#define LOWER(c) ((c) >= 'A' && (c) <= 'Z' ? (c) - 'A' + 'a' : (c))

/* True if riscv,isa string isa names ext: a single letter is looked up in the base
 * part ("rv64imafdc", 'g' standing for imafd); a longer name must equal a whole
 * '_'-separated component after the base. Case-insensitive; NULL isa is false. */
bool fdt_isa_has(const char *isa, const char *ext)
{
	size_t n = ext ? strlen(ext) : 0, i;

	if (!isa || n == 0)
		return false;
	if (LOWER(isa[0]) == 'r' && LOWER(isa[1]) == 'v')
		isa += 2;
	while (*isa >= '0' && *isa <= '9')
		isa++;
	for (const char *p = isa; n == 1 && *p && *p != '_'; p++)
		if (LOWER(*p) == LOWER(*ext) || (LOWER(*p) == 'g' && strchr("imafd", LOWER(*ext))))
			return true;
	for (const char *p = strchr(isa, '_'); n > 1 && p; p = strchr(p + 1, '_')) {
		for (i = 0; i < n && LOWER(p[1 + i]) == LOWER(ext[i]); i++)
			;
		if (i == n && (p[1 + i] == '_' || p[1 + i] == '\0'))
			return true;
	}
	return false;
}
