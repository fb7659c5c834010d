/* The trap frame trap.S builds on the kernel stack: registers by number, then CSRs. */
#ifndef ARCH_FRAME_H
#define ARCH_FRAME_H

#define TF_REG(n)   ((n) * 8)	/* x1..x31; slot 0 is unused */
#define TF_SEPC     (32 * 8)
#define TF_SSTATUS  (33 * 8)
#define TF_SCAUSE   (34 * 8)
#define TF_STVAL    (35 * 8)
#define TF_SIZE     (36 * 8)

#ifndef __ASSEMBLER__
#include <skimmer/types.h>

struct trapframe {
	uint64_t tf_x[32];	/* tf_x[2] is the interrupted sp */
	uint64_t tf_sepc;
	uint64_t tf_sstatus;
	uint64_t tf_scause;
	uint64_t tf_stval;
};
_Static_assert(sizeof(struct trapframe) == TF_SIZE, "trapframe layout");
_Static_assert(TF_SIZE % 16 == 0, "trap frames keep sp 16-byte aligned");

#include <skimmer/thread.h>

/* The user trap frame of user thread td: every trap from user mode builds it at the top
 * of the thread's kernel stack (trap.S), and arch_enter_user builds the first one there. */
static inline struct trapframe *user_frame(struct thread *td)
{
	return (struct trapframe *)((char *)td->td_kstack + td->td_kstack_size - TF_SIZE);
}
#endif

#endif
