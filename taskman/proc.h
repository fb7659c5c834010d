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
 * file) or -ENOEXEC (not a RISC-V ELF64 executable); EXEC_LOAD for any other path: the
 * loader must read it from its filesystem first. */
#define EXEC_LOAD	1
struct _tm_loaded;
int exec_find(const char *path, struct tm_prog *pg);
/* pg for the program at path whose bytes the loader read: 0 or -ENOEXEC. */
int exec_loaded(const char *path, const struct _tm_loaded *l, struct tm_prog *pg);

/* loader.c: programs on filesystems. The loader's answer to the main loop (from
 * taskman's own pid only): the parent's rcvid, and an errno or the image (malloc'd by
 * the loader, freed by the receiver). */
#define _TM_LOADED	0x01f
struct _tm_loaded {
	uint16_t	type;		/* _TM_LOADED */
	uint16_t	zero;
	int32_t		rcvid;		/* the parent's _PROC_SPAWN, still blocked */
	int32_t		err;
	uint32_t	mode, uid, gid;
	uint32_t	zero2;
	uint64_t	image, len;
};
int loader_init(void);
/* Queue the load of path (relative: against cwd) for the parent with these credentials:
 * 0 (the _TM_LOADED message follows) or -errno (ENAMETOOLONG, EAGAIN: queue full). */
int loader_start(int rcvid, const char *path, const char *cwd, int euid, int egid,
		 int ngroups, const int *groups);

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
