/* Inside the process manager: programs (exec.c) and the memory manager's hooks (memmgr.c). */
#ifndef TASKMAN_PROC_H
#define TASKMAN_PROC_H

#include "taskman.h"

/* A program found for spawning. */
struct tm_prog {
	const void	*image;
	size_t		len;
	char		path[128];
	char		name[32];
	uint64_t	heap_base;
	uint64_t	tls_vaddr, tls_filesz, tls_memsz, tls_align;
	uint32_t	mode;		/* the file's: S_ISUID/S_ISGID make the child run */
	uint32_t	uid, gid;	/* with its owner's euid/egid (spawn_proc) */
};
/* path: /proc/boot/NAME or a bare NAME. 0, -ENOENT, -EACCES (not a regular executable
 * file) or -ENOEXEC (not a RISC-V ELF64 executable). */
int exec_find(const char *path, struct tm_prog *pg);

/* What goes in a start-up block. */
struct tm_block_args {
	int		argc, envc, nfds;
	const char	*argv, *envp, *cwd;	/* consecutive NUL-terminated strings */
	size_t		argv_bytes, envp_bytes;
	const struct _proc_fdinh *fds;
	pid_t		pid, ppid;
	uint32_t	flags;
	uint64_t	sigmask;
};
/* Split the strings block of a _PROC_SPAWN (after the path) into *a: 0 or -errno. */
int exec_parse_strings(const char *s, const char *end, int argc, int envc,
		       struct tm_block_args *a);
/* A start-up block (malloc'd) for the glue's address; NULL: too big or no memory. */
void *exec_block(const struct tm_block_args *a, const struct tm_prog *pg, size_t *len);

/* memmgr.c */
void memmgr_init(void);
void memmgr_msg(int rcvid, void *msg, size_t len, const struct _msg_info *info);
/* A process started with its program's pages [lo, hi) and main stack: for its size. */
void memmgr_proc_new(pid_t pid, uint64_t image_bytes);
void memmgr_proc_gone(pid_t pid);	/* its mappings are forgotten (the kernel frees) */
uint64_t memmgr_proc_bytes(pid_t pid);

/* The boot script (script.c): runs in a thread of its own, as a client of taskman. */
void script_start(int argc, char **argv);

#endif
