/* Device memory on Skimmer: mmap(MAP_PHYS) of registers is the kernel's KerMapPhys. */
/*
 * Skimmer maps device registers itself (kern/intr.c): uncached and read/write, in the
 * calling process's device window, for a thread with I/O privilege, never over RAM, the
 * kernel or the interrupt controller. Such a mapping lasts as long as the address space.
 */
#include "../c/libc.h"

long __sys_map_device(uint64_t paddr, size_t len)
{
	return KerMapPhys_r(paddr, len);
}
