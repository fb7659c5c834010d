/* copyin/copyout: check the range against user space, then copy with fault recovery. */
#include <skimmer/usercopy.h>
#include <skimmer/errno.h>
#include <skimmer/globaldata.h>
#include <arch/pmap.h>

int __usercopy(void *dst, const void *src, size_t len, uintptr_t *onfault);

int copyin(void *kdst, uint64_t usrc, size_t len)
{
	if (!user_range_ok(usrc, len))
		return EFAULT;
	return __usercopy(kdst, (const void *)(uintptr_t)usrc, len, &curthread()->td_onfault);
}

int copyout(uint64_t udst, const void *ksrc, size_t len)
{
	if (!user_range_ok(udst, len))
		return EFAULT;
	return __usercopy((void *)(uintptr_t)udst, ksrc, len, &curthread()->td_onfault);
}
