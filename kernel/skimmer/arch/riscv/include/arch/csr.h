/* RISC-V supervisor CSR names, bits and accessors. */
#ifndef ARCH_CSR_H
#define ARCH_CSR_H

#define SSTATUS_SIE   (1UL << 1)
#define SSTATUS_SPIE  (1UL << 5)
#define SSTATUS_SPP   (1UL << 8)
#define SSTATUS_FS    (3UL << 13)	/* FP state: Off, Initial, Clean, Dirty */
#define SSTATUS_FS_OFF     (0UL << 13)	/* any FP instruction traps (illegal instruction) */
#define SSTATUS_FS_INITIAL (1UL << 13)
#define SSTATUS_FS_CLEAN   (2UL << 13)	/* registers match the save area */
#define SSTATUS_FS_DIRTY   (3UL << 13)	/* changed since: the hart sets this on any FP write */
#define SSTATUS_SUM   (1UL << 18)

#define SIE_SSIE      (1UL << 1)
#define SIE_STIE      (1UL << 5)
#define SIE_SEIE      (1UL << 9)
#define SIP_SSIP      SIE_SSIE

#define SCAUSE_INTR   (1UL << 63)
#define IRQ_S_SOFT    1
#define IRQ_S_TIMER   5
#define IRQ_S_EXT     9

#define EXC_INST_MISALIGNED 0
#define EXC_INST_ACCESS     1
#define EXC_ILLEGAL         2
#define EXC_BREAKPOINT      3
#define EXC_LOAD_ACCESS     5
#define EXC_STORE_ACCESS    7
#define EXC_ECALL_U         8
#define EXC_INST_PAGE       12
#define EXC_LOAD_PAGE       13
#define EXC_STORE_PAGE      15

#ifndef __ASSEMBLER__
#define csr_read(csr) ({ unsigned long __v; \
	__asm__ __volatile__("csrr %0, " #csr : "=r"(__v) :: "memory"); __v; })
#define csr_write(csr, val) ({ unsigned long __v = (unsigned long)(val); \
	__asm__ __volatile__("csrw " #csr ", %0" :: "rK"(__v) : "memory"); })
#define csr_set(csr, val) ({ unsigned long __v = (unsigned long)(val); \
	__asm__ __volatile__("csrs " #csr ", %0" :: "rK"(__v) : "memory"); })
#define csr_clear(csr, val) ({ unsigned long __v = (unsigned long)(val); \
	__asm__ __volatile__("csrc " #csr ", %0" :: "rK"(__v) : "memory"); })
#define csr_read_clear(csr, val) ({ unsigned long __v = (unsigned long)(val); \
	__asm__ __volatile__("csrrc %0, " #csr ", %1" : "=r"(__v) : "rK"(__v) : "memory"); __v; })
#endif

#endif
