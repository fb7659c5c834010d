/* <sys/mman.h>: memory mapping for QSOE (picolibc has none): QNX's flag values, over _MEM_* messages. */
/*
 * The values are ABI: libc puts them in _MEM_MAP/_MEM_PROTECT (sys/procmsg.h) and
 * taskman's memory manager decodes them.
 */
#ifndef _SYS_MMAN_H
#define _SYS_MMAN_H

#include <sys/types.h>

#define PROT_NONE	0x00000000
#define PROT_READ	0x00000100
#define PROT_WRITE	0x00000200
#define PROT_EXEC	0x00000400
#define PROT_NOCACHE	0x00000800	/* QNX: device memory */
#define PROT_MASK	0x00000f00

#define MAP_SHARED	0x00000001
#define MAP_PRIVATE	0x00000002
#define MAP_TYPE	0x0000000f
#define MAP_FIXED	0x00000010
#define MAP_LAZY	0x00000080	/* QNX: accepted */
#define MAP_STACK	0x00001000	/* QNX: accepted */
#define MAP_NOINIT	0x00004000	/* QNX: accepted (pages always come zeroed) */
#define MAP_PHYS	0x00010000	/* QNX: offset is a physical address (I/O privilege) */
#define MAP_ANON	0x00080000
#define MAP_ANONYMOUS	MAP_ANON
#define MAP_FAILED	((void *)-1)
#define NOFD		(-1)		/* QNX: the fd of an anonymous or physical mapping */

#define MS_ASYNC	1
#define MS_SYNC		2
#define MS_INVALIDATE	4

void	*mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int	munmap(void *addr, size_t len);
int	mprotect(void *addr, size_t len, int prot);
int	msync(void *addr, size_t len, int flags);
int	shm_open(const char *name, int oflag, mode_t mode);
int	shm_unlink(const char *name);
void	*mmap_device_memory(void *addr, size_t len, int prot, int flags, uint64_t physical);
int	munmap_device_memory(void *addr, size_t len);
/* QNX: physical address (for DMA) of the caller's memory at addr; fd must be NOFD. */
typedef off_t off64_t;
int	mem_offset(const void *addr, int fd, size_t len, off_t *offset, size_t *contig_len);
int	mem_offset64(const void *addr, int fd, size_t len, off64_t *offset, size_t *contig_len);

#endif
