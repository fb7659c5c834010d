/* __get_errno_ptr: where the kernel-call stubs put errno: picolibc's, one per thread (TLS). */
#include "libc.h"

int *__get_errno_ptr(void)
{
	return &errno;
}
