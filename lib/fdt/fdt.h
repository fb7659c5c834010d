/* A small flattened-device-tree reader for user-space drivers: nodes, properties, cells. */
#ifndef QSOE_FDT_H
#define QSOE_FDT_H

#include <stddef.h>
#include <stdint.h>

/*
 * A node is named by the offset of its BEGIN_NODE token in the structure block (>= 0).
 * Functions returning a node give -1 for "none". Nothing is allocated; every read is
 * checked against the blob's bounds, so a malformed blob yields "none", never a fault.
 */
struct fdt {
	const uint8_t *st;		/* structure block */
	uint32_t stsize;
	const char *strs;		/* strings block */
	uint32_t strsize;
};

#define FDT_MAX_DEPTH 16

/* Check the header of blob (size bytes) and fill f: 0, or -1 if it is not a valid tree. */
int fdt_open(struct fdt *f, const void *blob, size_t size);
/* The node after node in document order (-1: start at the root), its depth (root 0) in
 * *depth if not NULL; -1 at the end or on a malformed block. */
int fdt_next_node(const struct fdt *f, int node, int *depth);
/* The node's name (unit address included) or NULL. */
const char *fdt_name(const struct fdt *f, int node);
/* Property name of node: its value and length in *len, or NULL if absent. */
const void *fdt_prop(const struct fdt *f, int node, const char *name, int *len);
/* A one-cell property, or dflt if absent or not one cell. */
uint32_t fdt_prop_u32(const struct fdt *f, int node, const char *name, uint32_t dflt);
/* Does node's compatible list contain compat? */
int fdt_is_compatible(const struct fdt *f, int node, const char *compat);
/* The first node after `after` (-1: from the start) compatible with compat, or -1. */
int fdt_find_compatible(const struct fdt *f, int after, const char *compat);
/* The node whose phandle is ph, or -1. */
int fdt_find_phandle(const struct fdt *f, uint32_t ph);
/* node's parent, or -1 for the root (or a bad node). */
int fdt_parent(const struct fdt *f, int node);
/* The value of n big-endian cells at p: n <= 2 (n > 2 keeps the low 64 bits). */
uint64_t fdt_cells(const void *p, int n);

#endif
