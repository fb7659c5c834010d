/* The processes taskman makes (kern/kproc.c) and their memory (kern/vm.c). */
#ifndef SKIMMER_KPROC_H
#define SKIMMER_KPROC_H

#include <skimmer/types.h>

#define TASKMAN_PID 1

struct kproc;
struct proc;
struct bootfs;
extern struct bootfs boot_fs;
extern bool have_bootfs;

/* Boot with no test=: start /proc/boot/taskman as pid 1. false: the image has none. */
bool kproc_boot_taskman(void);
/* The live (not yet ended) process pid (0: the caller) that taskman made, held until
 * kproc_put; NULL if there is none. */
struct kproc *kproc_get(uint32_t pid);
struct proc *kproc_proc(struct kproc *kp);
void kproc_put(struct kproc *kp);
/* Every hart drops its TLB entries and finishes the message copies it is in the middle
 * of (kern/vm.c). No spinlock held, interrupts on. */
void vm_shootdown(void);

#endif
