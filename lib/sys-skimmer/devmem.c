/* Device access on Skimmer: registers (KerMapPhys), DMA addresses (KerMemPhys) and the device tree. */
/*
 * Skimmer maps device registers itself (kern/intr.c): uncached and read/write, in the
 * calling process's device window, for a thread with I/O privilege, never over RAM, the
 * kernel or the interrupt controller. Such a mapping lasts as long as the address space.
 * Ordinary pages never move or page out, so a physical address stays good while the
 * page is mapped.
 */
#include "../c/libc.h"

long __sys_map_device(uint64_t paddr, size_t len)
{
	return KerMapPhys_r(paddr, len);
}

int __sys_mem_phys(const void *va, size_t len, uint64_t *paddr, size_t *contig)
{
	return KerMemPhys_r((uintptr_t)va, len, paddr, contig);
}

long __sys_device_tree(void *buf, size_t len)
{
	return KerDeviceTree_r(buf, len);
}
