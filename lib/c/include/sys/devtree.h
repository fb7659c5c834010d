/* <sys/devtree.h>: the flattened device tree the machine booted with, for drivers (QSOE). */
#ifndef _SYS_DEVTREE_H
#define _SYS_DEVTREE_H

#include <stddef.h>

/* A malloc'd copy of the device tree blob, its size in *size; NULL and errno (ENOMEM,
 * ENOENT: the kernel has none) on failure. The caller frees it. Parse it with lib/fdt. */
void	*devtree_load(size_t *size);

#endif
