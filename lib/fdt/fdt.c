/* A small flattened-device-tree reader: step through the structure block, token by token. */
/*
 * Design. No tree is built: a node is the offset of its BEGIN_NODE token, and every
 * question (next node, a property, the parent) is answered by stepping through tokens
 * from there. tok() is the one place that decodes a token, and it checks every offset
 * and length against the block, so the rest never reads out of bounds. Big-endian
 * fields are read a byte at a time (no alignment assumed).
 */
#include "fdt.h"
#include <string.h>

#define FDT_MAGIC 0xd00dfeed
enum { TOK_BEGIN = 1, TOK_END_NODE = 2, TOK_PROP = 3, TOK_NOP = 4, TOK_END = 9 };

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint64_t fdt_cells(const void *p, int n)
{
	const uint8_t *b = p;
	uint64_t v = 0;
	for (; n > 0; n--, b += 4)
		v = v << 32 | be32(b);
	return v;
}

int fdt_open(struct fdt *f, const void *blob, size_t size)
{
	const uint8_t *b = blob;
	if (size < 40 || be32(b) != FDT_MAGIC)
		return -1;
	uint32_t total = be32(b + 4), st = be32(b + 8), strs = be32(b + 12);
	uint32_t strsize = be32(b + 32), stsize = be32(b + 36), version = be32(b + 20);
	if (total > size || version < 16 || st > total || stsize > total - st ||
	    strs > total || strsize > total - strs || (st & 3))
		return -1;
	f->st = b + st;
	f->stsize = stsize;
	f->strs = (const char *)b + strs;
	f->strsize = strsize;
	return 0;
}

/* A token at pos: its type, with *next the offset of the token after it; for a property
 * its name and value too. -1 if anything lies outside the block. */
struct tok {
	const char *name;	/* BEGIN: node name; PROP: property name */
	const uint8_t *val;	/* PROP: value */
	uint32_t len;
};

static int tok(const struct fdt *f, uint32_t pos, uint32_t *next, struct tok *t)
{
	if (pos > f->stsize || f->stsize - pos < 4 || (pos & 3))
		return -1;
	int type = (int)be32(f->st + pos);
	pos += 4;
	if (type == TOK_BEGIN) {
		const char *name = (const char *)f->st + pos;
		const void *nul = memchr(name, 0, f->stsize - pos);
		if (nul == NULL)
			return -1;
		t->name = name;
		pos += ((uint32_t)((const char *)nul - name) + 4) & ~3u;
	} else if (type == TOK_PROP) {
		if (f->stsize - pos < 8)
			return -1;
		uint32_t len = be32(f->st + pos), nameoff = be32(f->st + pos + 4);
		pos += 8;
		if (len > f->stsize - pos || nameoff >= f->strsize ||
		    memchr(f->strs + nameoff, 0, f->strsize - nameoff) == NULL)
			return -1;
		t->name = f->strs + nameoff;
		t->val = f->st + pos;
		t->len = len;
		pos += (len + 3) & ~3u;
	} else if (type != TOK_END_NODE && type != TOK_NOP && type != TOK_END) {
		return -1;
	}
	*next = pos;
	return type;
}

int fdt_next_node(const struct fdt *f, int node, int *depth)
{
	int d = depth ? *depth : 0, type;
	uint32_t pos = 0, next;
	struct tok t;
	if (node < 0) {
		d = -1;
	} else if (tok(f, (uint32_t)node, &pos, &t) != TOK_BEGIN) {
		return -1;
	}
	while ((type = tok(f, pos, &next, &t)) > 0 && type != TOK_END) {
		if (type == TOK_BEGIN) {
			if (depth)
				*depth = d + 1;
			return (int)pos;
		}
		if (type == TOK_END_NODE)
			d--;
		pos = next;
	}
	return -1;
}

const char *fdt_name(const struct fdt *f, int node)
{
	uint32_t next;
	struct tok t;
	return node >= 0 && tok(f, (uint32_t)node, &next, &t) == TOK_BEGIN ? t.name : NULL;
}

const void *fdt_prop(const struct fdt *f, int node, const char *name, int *len)
{
	uint32_t pos, next;
	struct tok t;
	int type;
	if (node < 0 || tok(f, (uint32_t)node, &pos, &t) != TOK_BEGIN)
		return NULL;
	while ((type = tok(f, pos, &next, &t)) == TOK_PROP || type == TOK_NOP) {
		if (type == TOK_PROP && strcmp(t.name, name) == 0) {
			if (len)
				*len = (int)t.len;
			return t.val;
		}
		pos = next;
	}
	return NULL;
}

uint32_t fdt_prop_u32(const struct fdt *f, int node, const char *name, uint32_t dflt)
{
	int len;
	const void *p = fdt_prop(f, node, name, &len);
	return p && len == 4 ? (uint32_t)fdt_cells(p, 1) : dflt;
}

int fdt_is_compatible(const struct fdt *f, int node, const char *compat)
{
	int len;
	const char *p = fdt_prop(f, node, "compatible", &len);
	size_t want = strlen(compat) + 1;
	for (const char *end = p ? p + len : NULL; p && p < end; ) {
		const char *nul = memchr(p, 0, (size_t)(end - p));
		if (nul == NULL)
			return 0;
		if ((size_t)(nul - p) + 1 == want && memcmp(p, compat, want) == 0)
			return 1;
		p = nul + 1;
	}
	return 0;
}

int fdt_find_compatible(const struct fdt *f, int after, const char *compat)
{
	int node = after;
	while ((node = fdt_next_node(f, node, NULL)) >= 0)
		if (fdt_is_compatible(f, node, compat))
			return node;
	return -1;
}

int fdt_find_phandle(const struct fdt *f, uint32_t ph)
{
	int node = -1;
	while ((node = fdt_next_node(f, node, NULL)) >= 0)
		if (fdt_prop_u32(f, node, "phandle", 0) == ph && ph != 0)
			return node;
	return -1;
}

int fdt_parent(const struct fdt *f, int node)
{
	int stack[FDT_MAX_DEPTH + 1], depth = 0, n = -1;
	while ((n = fdt_next_node(f, n, &depth)) >= 0 && depth <= FDT_MAX_DEPTH) {
		stack[depth] = n;
		if (n == node)
			return depth > 0 ? stack[depth - 1] : -1;
	}
	return -1;
}
