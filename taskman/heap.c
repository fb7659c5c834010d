/* A fallback sbrk for taskman, used only when the C library brings none of its own (weak). */
#include <errno.h>
#include <stdint.h>
#include <stddef.h>
#include "glue.h"

extern char __end[];			/* lib/sys-skimmer/user.ld: the end of the program */
static uintptr_t cur, mapped;

__attribute__((weak)) void *sbrk(ptrdiff_t incr)
{
	if (cur == 0)
		cur = mapped = ((uintptr_t)__end + 4095) & ~(uintptr_t)4095;
	uintptr_t old = cur, want = cur + (uintptr_t)incr;
	if (incr < 0 || want > mapped) {
		size_t len = incr < 0 ? 0 : ((want - mapped) + 4095) & ~(size_t)4095;
		if (incr < 0 || tm_mem_map(0, mapped, len, TM_PROT_R | TM_PROT_W) < 0) {
			errno = ENOMEM;
			return (void *)-1;
		}
		mapped += len;
	}
	cur = want;
	return (void *)old;
}
