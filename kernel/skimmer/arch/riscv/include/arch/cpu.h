/* CPU primitives the portable kernel uses: interrupt masking, barriers, counters, idle. */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <skimmer/types.h>
#include <arch/csr.h>

struct globaldata;
struct thread;

/* The running hart's globaldata lives in tp for as long as we are in the kernel. */
static inline struct globaldata *arch_mycpu(void)
{
	struct globaldata *gd;
	__asm__ ("mv %0, tp" : "=r"(gd));
	return gd;
}

/* The same, read afresh: after a switch that may have moved the thread to another hart
 * (lwkt_setcpu_self), where the compiler must not reuse an earlier read of tp. */
static inline struct globaldata *arch_mycpu_reload(void)
{
	struct globaldata *gd;
	__asm__ __volatile__("mv %0, tp" : "=r"(gd) :: "memory");
	return gd;
}

static inline void arch_set_mycpu(struct globaldata *gd)
{
	__asm__ __volatile__("mv tp, %0" :: "r"(gd) : "memory");
}

/* Disable interrupts on this hart; return the previous state for local_irq_restore. */
static inline unsigned long local_irq_save(void)
{
	return csr_read_clear(sstatus, SSTATUS_SIE) & SSTATUS_SIE;
}

static inline void local_irq_restore(unsigned long s)
{
	if (s)
		csr_set(sstatus, SSTATUS_SIE);
}

static inline void local_irq_enable(void)  { csr_set(sstatus, SSTATUS_SIE); }
static inline void local_irq_disable(void) { csr_clear(sstatus, SSTATUS_SIE); }
static inline bool local_irq_enabled(void) { return csr_read(sstatus) & SSTATUS_SIE; }

static inline void cpu_mb(void)  { __asm__ __volatile__("fence rw, rw" ::: "memory"); }
static inline void cpu_rmb(void) { __asm__ __volatile__("fence r, r" ::: "memory"); }
static inline void cpu_wmb(void) { __asm__ __volatile__("fence w, w" ::: "memory"); }
static inline void cpu_relax(void) { __asm__ __volatile__("nop; nop; nop; nop" ::: "memory"); }
static inline void cpu_wfi(void) { __asm__ __volatile__("wfi" ::: "memory"); }

/* Instruction-exact under qemu -icount shift=0; cycles on hardware. */
static inline uint64_t cpu_cycles(void)
{
	uint64_t v;
	__asm__ __volatile__("rdcycle %0" : "=r"(v));
	return v;
}

static inline uint64_t cpu_time(void)
{
	uint64_t v;
	__asm__ __volatile__("rdtime %0" : "=r"(v));
	return v;
}

static inline uintptr_t cpu_frame_pointer(void)
{
	return (uintptr_t)__builtin_frame_address(0);
}

/* arch_thread_switch_in(gd, td), called by lwkt_switch just before switching to td
 * (interrupts off): load its address space and note its kernel stack for traps from
 * user mode. An inline in <arch/switch.h>. */
/* lwkt_exit, on td's hart with interrupts off: td gives up per-hart arch state (the FPU). */
void arch_thread_exit(struct thread *td);
/* lwkt_reap: free td's arch state (its FP save area, if it has one). */
void arch_thread_free(struct thread *td);
/* lwkt_setcpu_self, on td's old hart with interrupts off, td running: it is leaving, so
 * per-hart arch state goes (its FP registers to its save area, FS off in its frame). */
void arch_thread_migrate(struct thread *td);
/* lwkt_setcpu_self, on td's new hart, interrupts off: forget this hart's stale
 * translations before td next touches user memory (sfence.vma, see arch_enter_user). */
void arch_thread_arrived(struct thread *td);
/* Leave the kernel for user mode at pc with stack sp, a0 = arg, ra = ra, gp = gp and
 * tp = tp, from the top of the current thread's kernel stack; FP off (fpu.c). Never
 * returns. */
void arch_enter_user(uint64_t pc, uint64_t sp, uint64_t arg, uint64_t ra, uint64_t gp,
		     uint64_t tp) __attribute__((noreturn));
/* The current thread's user gp, as saved at its kernel-call entry (ThreadCreate hands
 * it to the new thread). */
uint64_t arch_user_gp(void);

#endif
