/* The first kernel calls: the null call and console output for early programs. */
#include <skimmer/kern.h>
#include <skimmer/errno.h>
#include <skimmer/usercopy.h>
#include <skimmer/proc.h>

/* KerNop: the null call. */
long kcall_nop(const uint64_t *a)
{
	return 0;
}

/* KerDebugWrite(buf, len): copy in (in pieces) and print on the kernel console. */
long kcall_debug_write(const uint64_t *a)
{
	uint64_t ubuf = a[0];
	long len = (long)(int)a[1];
	char chunk[256];
	if (len < 0 || len > 65536)
		return -EINVAL;
	if (!user_range_ok(ubuf, (size_t)len))
		return -EFAULT;
	for (long done = 0; done < len;) {
		size_t n = (size_t)MIN(len - done, (long)sizeof chunk - 1);
		if (copyin(chunk, ubuf + (uint64_t)done, n))
			return -EFAULT;
		chunk[n] = '\0';
		kprintf("%s", chunk);
		done += (long)n;
	}
	return len;
}

