/* Supervisor Binary Interface calls (OpenSBI underneath us). */
#ifndef ARCH_SBI_H
#define ARCH_SBI_H

#include <skimmer/types.h>

#define SBI_EXT_TIME 0x54494D45
#define SBI_EXT_IPI  0x735049
#define SBI_EXT_HSM  0x48534D
#define SBI_EXT_SRST 0x53525354


#define SBI_SRST_SHUTDOWN    0
#define SBI_SRST_REASON_NONE 0
#define SBI_SRST_REASON_FAIL 1

struct sbiret {
	long error;
	long value;
};

struct sbiret sbi_call(long ext, long fid, long a0, long a1, long a2);
void sbi_set_timer(uint64_t when);
void sbi_send_ipi(unsigned long hart_mask, unsigned long hart_mask_base);
long sbi_hart_start(unsigned long hartid, unsigned long start, unsigned long opaque);
void sbi_shutdown(bool failure) __noreturn;
void sbi_legacy_putchar(int c);

#endif
