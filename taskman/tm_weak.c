/* Weak stand-ins for the taskman parts the tmproc branch provides (boot image, shm objects,
 * thread information), so the pathmgr branch links before they are merged: each fails
 * cleanly (no boot files, no memory, no threads). H1's real definitions override them. */
#include <errno.h>
#include "taskman.h"

__attribute__((weak)) int bootfs_find(const char *name, const void **data, size_t *size,
				      unsigned *mode)
{
	return -ENOENT;
}

__attribute__((weak)) int bootfs_entry(int i, const char **name, const void **data,
				       size_t *size, unsigned *mode)
{
	return -ENOENT;
}

__attribute__((weak)) struct tm_shm *memmgr_shm_new(void)
{
	return NULL;
}

__attribute__((weak)) int memmgr_shm_resize(struct tm_shm *shm, uint64_t size)
{
	return -ENOMEM;
}

__attribute__((weak)) uint64_t memmgr_shm_size(struct tm_shm *shm)
{
	return 0;
}

__attribute__((weak)) void memmgr_shm_ref(struct tm_shm *shm)
{
}

__attribute__((weak)) void memmgr_shm_unref(struct tm_shm *shm)
{
}

__attribute__((weak)) int tm_thread_info(pid_t pid, int after, struct tm_threadinfo *out)
{
	return -ESRCH;
}

/* Until the libc branch's sbrk (on _MEM_MAP) is merged: a 1 MiB arena for taskman's
 * malloc. Remove with the merge (a weak sbrk here would keep an archive's sbrk out). */
__attribute__((weak)) void *sbrk(ptrdiff_t incr)
{
	static char arena[1 << 20] __attribute__((aligned(16)));
	static size_t used;
	if (incr < 0 || (size_t)incr > sizeof arena - used)
		return (void *)-1;
	void *p = arena + used;
	used += (size_t)incr;
	return p;
}
