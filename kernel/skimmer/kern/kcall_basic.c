/* The first kernel calls: the null call, console output for early programs, thread exit. */
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

/* ThreadDestroy(tid, priority, status): only "the caller" (tid 0) for now. */
long kcall_thread_destroy(const uint64_t *a)
{
	if ((int)a[0] != 0)
		return -ENOSYS;
	proc_thread_exit(PEXIT_NORMAL, (long)a[2]);
}
