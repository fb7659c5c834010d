/* Moving bytes between the kernel and user space: the only way the kernel touches user memory. */
#ifndef SKIMMER_USERCOPY_H
#define SKIMMER_USERCOPY_H

#include <skimmer/types.h>

/*
 * Each returns 0, or EFAULT if any byte of the user range lies outside user
 * space or is not mapped with the needed access (the copy may then be partial).
 * Thread context of a user thread (its address space is the live one); may be
 * called with interrupts on. Faults are caught, never fatal.
 */
int copyin(void *kdst, uint64_t usrc, size_t len);
int copyout(uint64_t udst, const void *ksrc, size_t len);

#include <arch/pmap.h>

/* Is [uaddr, uaddr + len) inside user space [USER_VA_LO, USER_VA_HI)? */
static inline bool user_range_ok(uint64_t uaddr, size_t len)
{
	return uaddr >= USER_VA_LO && uaddr <= USER_VA_HI && len <= USER_VA_HI - uaddr;
}

#endif
