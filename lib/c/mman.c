/* mmap, munmap, mprotect and shared memory objects: _MEM_* messages to taskman, /dev/shmem names. */
#include <sys/mman.h>
#include <fcntl.h>
#include <string.h>
#include <limits.h>
#include <unistd.h>
#include "libc.h"

/* MAP_PHYS without MAP_ANON: device registers at physical address off, through the seam
 * (the kernel decides who may map what). Shared, anywhere, read/write only. */
static void *map_device(void *addr, size_t len, int prot, int flags, off_t off)
{
	size_t pg = __libc_pagesize;
	if ((flags & MAP_TYPE) != MAP_SHARED || (flags & MAP_FIXED) || (off & (pg - 1)) ||
	    (prot & PROT_EXEC) || len > SIZE_MAX - pg) {
		errno = EINVAL;
		return MAP_FAILED;
	}
	long va = __sys_map_device((uint64_t)off, (len + pg - 1) & ~(pg - 1));
	if (va < 0) {
		errno = (int)-va;
		return MAP_FAILED;
	}
	return (void *)va;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if (len == 0 || (prot & ~PROT_MASK) || off < 0 ||
	    ((flags & MAP_TYPE) != MAP_SHARED && (flags & MAP_TYPE) != MAP_PRIVATE)) {
		errno = EINVAL;
		return MAP_FAILED;
	}
	if ((flags & MAP_PHYS) && !(flags & MAP_ANON))
		return map_device(addr, len, prot, flags, off);
	if (!(flags & (MAP_ANON | MAP_PHYS)) && __fd_get(fd, NULL) < 0)
		return MAP_FAILED;
	struct _mem_map m = {
		.type = _MEM_MAP, .prot = prot, .flags = flags,
		.fd = (flags & (MAP_ANON | MAP_PHYS)) ? -1 : fd, .addr = (uintptr_t)addr,
		.len = len, .offset = (uint64_t)off,
	};
	struct _mem_map_reply r;
	if (__libc_tmsend(&m, sizeof m, &r, sizeof r) < 0)
		return MAP_FAILED;
	return (void *)(uintptr_t)r.addr;
}

int munmap(void *addr, size_t len)
{
	if (len == 0 || ((uintptr_t)addr & (__libc_pagesize - 1)))
		return __seterr(EINVAL);
	struct _mem_unmap m = { .type = _MEM_UNMAP, .addr = (uintptr_t)addr, .len = len };
	return __libc_tmsend(&m, sizeof m, NULL, 0) < 0 ? -1 : 0;
}

int mprotect(void *addr, size_t len, int prot)
{
	if (((uintptr_t)addr & (__libc_pagesize - 1)) || (prot & ~PROT_MASK))
		return __seterr(EINVAL);
	struct _mem_unmap m = { .type = _MEM_PROTECT, .prot = prot, .addr = (uintptr_t)addr,
				.len = len };
	return __libc_tmsend(&m, sizeof m, NULL, 0) < 0 ? -1 : 0;
}

int msync(void *addr, size_t len, int flags)
{
	if (((uintptr_t)addr & (__libc_pagesize - 1)) || (flags & ~(MS_ASYNC | MS_SYNC | MS_INVALIDATE)) ||
	    ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return __seterr(EINVAL);
	return 0;	/* memory is memory: no file behind a mapping to write back */
}

void *mmap_device_memory(void *addr, size_t len, int prot, int flags, uint64_t physical)
{
	return mmap(addr, len, prot, (flags & ~MAP_TYPE) | MAP_SHARED | MAP_PHYS, NOFD,
		    (off_t)physical);
}

/* Device mappings last as long as the process (the seam's __sys_map_device). */
int munmap_device_memory(void *addr, size_t len)
{
	return __seterr(ENOTSUP);
}

/* QNX's mem_offset64 for DMA: the physical address of addr (fd NOFD: the caller's own
 * memory; typed-memory fds are not supported) and how many bytes of len from there are
 * physically contiguous. Needs I/O privilege. */
int mem_offset64(const void *addr, int fd, size_t len, off64_t *offset, size_t *contig_len)
{
	uint64_t pa;
	size_t n;
	if (fd != NOFD)
		return __seterr(ENOSYS);
	if (offset == NULL)
		return __seterr(EFAULT);
	int e = __sys_mem_phys(addr, len, &pa, &n);
	if (e < 0)
		return __seterr(-e);
	*offset = (off64_t)pa;
	if (contig_len)
		*contig_len = n;
	return 0;
}

int mem_offset(const void *addr, int fd, size_t len, off_t *offset, size_t *contig_len)
{
	return mem_offset64(addr, fd, len, offset, contig_len);
}

/* A shm name is "/NAME" (one component) under /dev/shmem. */
static int shm_path(const char *name, char *out)
{
	if (name == NULL)
		return EFAULT;
	while (*name == '/')
		name++;
	size_t n = strlen(name);
	if (n == 0 || strchr(name, '/'))
		return EINVAL;
	if (n > NAME_MAX)
		return ENAMETOOLONG;
	strcpy(out, "/dev/shmem/");
	strcat(out, name);
	return 0;
}

int shm_open(const char *name, int oflag, mode_t mode)
{
	char p[PATH_MAX];
	int e = shm_path(name, p);
	if (e)
		return __seterr(e);
	return open(p, oflag | O_CLOEXEC, mode);
}

int shm_unlink(const char *name)
{
	char p[PATH_MAX];
	int e = shm_path(name, p);
	if (e)
		return __seterr(e);
	return unlink(p);
}
