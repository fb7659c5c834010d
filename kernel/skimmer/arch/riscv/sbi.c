/* SBI calls: timer, IPIs, hart start/status, system reset, legacy console. */
#include <arch/sbi.h>
#include <skimmer/kern.h>

struct sbiret sbi_call(long ext, long fid, long a0, long a1, long a2)
{
	register long r_a0 __asm__("a0") = a0;
	register long r_a1 __asm__("a1") = a1;
	register long r_a2 __asm__("a2") = a2;
	register long r_a6 __asm__("a6") = fid;
	register long r_a7 __asm__("a7") = ext;
	__asm__ __volatile__("ecall"
			     : "+r"(r_a0), "+r"(r_a1)
			     : "r"(r_a2), "r"(r_a6), "r"(r_a7)
			     : "memory");
	return (struct sbiret){ r_a0, r_a1 };
}

void sbi_set_timer(uint64_t when)
{
	sbi_call(SBI_EXT_TIME, 0, (long)when, 0, 0);
}

void sbi_send_ipi(unsigned long hart_mask, unsigned long hart_mask_base)
{
	sbi_call(SBI_EXT_IPI, 0, (long)hart_mask, (long)hart_mask_base, 0);
}

long sbi_hart_start(unsigned long hartid, unsigned long start, unsigned long opaque)
{
	return sbi_call(SBI_EXT_HSM, 0, (long)hartid, (long)start, (long)opaque).error;
}

void sbi_legacy_putchar(int c)
{
	sbi_call(0x01, 0, c, 0, 0);
}

void __noreturn sbi_shutdown(bool failure)
{
	sbi_call(SBI_EXT_SRST, 0, SBI_SRST_SHUTDOWN,
		 failure ? SBI_SRST_REASON_FAIL : SBI_SRST_REASON_NONE, 0);
	sbi_call(0x08, 0, 0, 0, 0);	/* legacy shutdown, if SRST is missing */
	for (;;)
		__asm__ __volatile__("wfi");
}
