/* uhello: the first user program. Checks, from user mode, that kernel calls behave:
 * the null call, console output, and EFAULT/EINVAL/ENOSYS for bad arguments. */
#include <sys/neutrino.h>
#include "qsys.h"

static volatile char bss_buf[64];
static volatile int data_word = 42;

/* A raw kernel call with a number the table does not have. */
static long raw_kcall(long num)
{
	register long a0 __asm__("a0") = 0;
	register long a7 __asm__("a7") = num;
	__asm__ __volatile__("ecall" : "+r"(a0) : "r"(a7) : "memory");
	return a0;
}

int main(void)
{
	int fails = 0;
	qs_puts("uhello: hello from user mode\n");
	fails += !CHECK_EQ("user-nop-returns-0", KerNop(), 0);
	fails += !CHECK_EQ("user-data-initialised", data_word, 42);
	fails += !CHECK_EQ("user-bss-zeroed", bss_buf[0] | bss_buf[63], 0);
	fails += !CHECK_EQ("user-debugwrite-returns-len", KerDebugWrite("", 0), 0);

	/* Bad pointers: kernel memory, NULL, unmapped user memory, a range that wraps. */
	fails += !CHECK_EQ("efault-kernel-pointer", KerDebugWrite_r((const char *)0x80200000, 8),
			   -EFAULT);
	fails += !CHECK_EQ("efault-null-pointer", KerDebugWrite_r(NULL, 8), -EFAULT);
	fails += !CHECK_EQ("efault-unmapped-user", KerDebugWrite_r((const char *)0x3000000000, 8),
			   -EFAULT);
	/* The top of the stack runs into the unmapped guard page: the copy faults midway. */
	fails += !CHECK_EQ("efault-runs-into-guard-page",
			   KerDebugWrite_r((const char *)0x3ffffff000 - 4, 64), -EFAULT);
	fails += !CHECK_EQ("einval-negative-length", KerDebugWrite_r("x", -1), -EINVAL);
	errno = 0;
	int r = KerDebugWrite(NULL, 1);
	fails += !qs_check("errno-form-sets-errno", r == -1 && errno == EFAULT, errno, EFAULT);
	fails += !CHECK_EQ("enosys-unknown-call", raw_kcall(4000), -ENOSYS);
	fails += !CHECK_EQ("enosys-negative-call", raw_kcall(-1), -ENOSYS);

	/* Preemption in user mode must not disturb registers: spin a while and check. */
	volatile unsigned long sum = 0;
	for (unsigned long i = 0; i < 3000000; i++)
		sum += i;
	fails += !CHECK_EQ("user-loop-survives-preemption", sum == 3000000UL * 2999999UL / 2, 1);

	qs_printf("uhello: %d failures\n", fails);
	return fails;
}
