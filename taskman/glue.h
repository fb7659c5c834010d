/* The kernel glue procmgr and memmgr build on (taskman/skimmer/ implements it for Skimmer). */
#ifndef TASKMAN_GLUE_H
#define TASKMAN_GLUE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* What a new process starts with (tm_proc_create). */
struct tm_spawn_spec {
	const void	*image;		/* the ELF executable, in taskman's memory */
	size_t		image_len;
	const char	*name;
	int		priority, policy;
	uint64_t	sigmask, sigignore;	/* bit n-1: signal n */
	int		iopriv;
	int		pid_offset;	/* >= 0: the kernel stores the pid there in the block */
};
/* Where the start-up block of `len` bytes will be in the new process (its pointers are
 * absolute): call before building it. 0 if len is too big (E2BIG). */
uint64_t tm_startup_addr(size_t len);
/* Start a process with the block (built for tm_startup_addr(len)): its pid, or -errno. */
int tm_proc_create(const struct tm_spawn_spec *spec, const void *block, size_t len);

/* How a process ended (tm_proc_reap). */
#define TM_END_EXIT	0
#define TM_END_FAULT	1		/* signo: the signal the fault stands for */
#define TM_END_SIGNAL	2
struct tm_end {
	pid_t	pid;
	int	how;			/* TM_END_* */
	long	status;			/* exit value */
	int	signo;
};
/* Process deaths come as pulses (code, value = pid) on coid; tm_proc_reap(-1) collects. */
int tm_proc_notify(int coid, int code);
/* pid, 0 (nothing ended), or -errno. */
int tm_proc_reap(pid_t pid, struct tm_end *end);

/* Memory of a process (0: taskman's own). 0 or -errno. prot: TM_PROT_*. */
#define TM_PROT_R	1
#define TM_PROT_W	2
#define TM_PROT_X	4
int tm_mem_map(pid_t pid, uint64_t va, size_t len, int prot);
int tm_mem_unmap(pid_t pid, uint64_t va, size_t len);
int tm_mem_protect(pid_t pid, uint64_t va, size_t len, int prot);
int tm_mem_share(pid_t dpid, uint64_t dva, pid_t spid, uint64_t sva, size_t len, int prot);
/* The address range where mappings go, and the page size. */
void tm_mem_layout(uint64_t *lo, uint64_t *hi, uint64_t *page);

struct tm_sysinfo {
	uint64_t page_size, total_pages, free_pages, heap_objects, threads, procs, ncpus;
};
int tm_sysinfo(struct tm_sysinfo *si);
void tm_shutdown(int failure) __attribute__((noreturn));

#endif
