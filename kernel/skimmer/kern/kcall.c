/*
 * Kernel-call dispatch. The table comes from abi/kcalls.tab through
 * tools/kcallgen.py (kcall_table.h); a call with no handler yet, or a number
 * outside the table, gets ENOSYS. Handlers take the six argument registers and
 * return the result (>= 0) or -errno; they validate and copy in every argument
 * before they change any state.
 */
#include <skimmer/thread2.h>
#include <skimmer/errno.h>
#include <kcall_table.h>

typedef long (*kcall_fn)(const uint64_t *a);

/* Calls without an implementation yet resolve here. */
long kcall_enosys(const uint64_t *a);
long kcall_enosys(const uint64_t *a)
{
	return -ENOSYS;
}

#define KCALL_WEAK(n, name, fn, na) long fn(const uint64_t *a) __attribute__((weak, alias("kcall_enosys")));
KCALL_TABLE(KCALL_WEAK)

/* Indexed by call number from trap.S (kcall_entry), which checks the bound and
 * answers a gap (NULL) with kcall_enosys. */
#define KCALL_ENTRY(n, name, fn, na) [n] = fn,
const kcall_fn kcall_table[__KER_COUNT] = {
	KCALL_TABLE(KCALL_ENTRY)
};
