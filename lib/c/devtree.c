/* devtree_load: a copy of the boot device tree, through the seam (__sys_device_tree). */
#include <sys/devtree.h>
#include <stdlib.h>
#include "libc.h"

void *devtree_load(size_t *size)
{
	long n = __sys_device_tree(NULL, 0);
	if (n < 0) {
		errno = (int)-n;
		return NULL;
	}
	if (n == 0) {
		errno = ENOENT;
		return NULL;
	}
	void *blob = malloc((size_t)n);
	if (blob == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	long got = __sys_device_tree(blob, (size_t)n);
	if (got != n) {
		free(blob);
		errno = got < 0 ? (int)-got : EIO;
		return NULL;
	}
	*size = (size_t)n;
	return blob;
}
