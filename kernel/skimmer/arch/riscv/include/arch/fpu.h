/* Lazy FP state for user threads (arch/riscv/fpu.c, fpu.S): the save area and its routines. */
#ifndef ARCH_FPU_H
#define ARCH_FPU_H

#define FPS_FCSR (32 * 8)	/* offset of fps_fcsr (fpu.S) */

#ifndef __ASSEMBLER__
#include <skimmer/types.h>

/*
 * One thread's FP registers while it does not hold its hart's FPU: f0..f31 (D: 64
 * bits each) and fcsr (frm and fflags). Allocated from the heap the first time the
 * thread uses FP (td_fpu, zero-filled: a first use starts from +0.0 everywhere and
 * fcsr 0), freed when the thread is reaped. Why not inside struct thread: that is
 * exactly 256 bytes, a kmalloc class, and 264 more would move every thread, kernel
 * threads included, to the 512-byte class at best (1024 as laid out), while only
 * threads that use FP need the area. An FP thread pays one 512-byte heap object,
 * once; a first-use allocation that fails kills it (fpu_trap).
 */
struct fpstate {
	uint64_t fps_f[32];
	uint64_t fps_fcsr;
};
_Static_assert(offsetof(struct fpstate, fps_fcsr) == FPS_FCSR, "fpu.S FPS_FCSR");

/* fpu.S: the only kernel code that touches FP registers. Each sets sstatus.FS on for
 * its own few instructions and leaves it Off. Interrupts off. */
void fpu_save(struct fpstate *fs);		/* hart's f0..f31, fcsr -> fs */
void fpu_load(const struct fpstate *fs);	/* fs -> the hart's f0..f31, fcsr */

struct trapframe;
/* An illegal-instruction trap from user mode (trap.c). If the thread ran with FS Off,
 * give it this hart's FPU and return true: the caller returns to retry the
 * instruction. False: it ran with FP on (or no memory for its area), so the
 * instruction is really illegal. Interrupts off, on the thread's kernel stack. */
bool fpu_trap(struct trapframe *tf);
#endif

#endif
