/* Host stand-in for arch/cpu.h: lets kernel algorithms build and run under ASan/UBSan. */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <skimmer/types.h>

struct globaldata;
extern struct globaldata *host_mycpu;
static inline struct globaldata *arch_mycpu(void) { return host_mycpu; }
static inline void arch_set_mycpu(struct globaldata *gd) { host_mycpu = gd; }

static inline unsigned long local_irq_save(void) { return 0; }
static inline void local_irq_restore(unsigned long s) { (void)s; }
static inline void local_irq_enable(void) {}
static inline void local_irq_disable(void) {}
static inline bool local_irq_enabled(void) { return false; }
static inline void cpu_mb(void)  { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
static inline void cpu_rmb(void) { __atomic_thread_fence(__ATOMIC_ACQUIRE); }
static inline void cpu_wmb(void) { __atomic_thread_fence(__ATOMIC_RELEASE); }
static inline void cpu_relax(void) { __builtin_ia32_pause(); }
static inline void cpu_wfi(void) {}
static inline uint64_t cpu_cycles(void) { return __builtin_ia32_rdtsc(); }
static inline uint64_t cpu_time(void) { return __builtin_ia32_rdtsc(); }
static inline uintptr_t cpu_frame_pointer(void) { return (uintptr_t)__builtin_frame_address(0); }

#endif
