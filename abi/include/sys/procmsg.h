/* <sys/procmsg.h>: the messages libc sends taskman (pid 1), and what a new process starts with. */
/*
 * Kernel-neutral. libc connects to taskman with ConnectAttach(0, SYSMGR_PID, SYSMGR_CHID,
 * _NTO_SIDE_CHANNEL, 0) and sends these; the type ranges are disjoint from the I/O
 * messages (sys/iomsg.h), which taskman also serves (path resolution, /proc, /dev/null).
 * Each request is a struct whose first uint16_t is the type; its variable part follows.
 * Errors come back as MsgError (errno); a reply's status is 0 unless a message says so.
 */
#ifndef _SYS_PROCMSG_H
#define _SYS_PROCMSG_H

#include <stdint.h>

#define SYSMGR_PID			1
#define PATHMGR_PID			1
#define SYSMGR_CHID			1

/* --- Processes: 0x010..0x03f ---------------------------------------------------------- */
#define _PROC_SPAWN			0x010
#define _PROC_SPAWN_DONE		0x011
#define _PROC_WAIT			0x012
#define _PROC_GETID			0x013
#define _PROC_SETPGID			0x014
#define _PROC_SETSID			0x015
#define _PROC_SETCRED			0x016
#define _PROC_KILL			0x017
#define _PROC_SETGROUPS			0x018
#define _PROC_GETGROUPS			0x019
#define _PROC_SHUTDOWN			0x01a
#define _PROC_GETPGID			0x01b

/*
 * _PROC_SPAWN: start a program. Followed by the strings block: path (NUL-terminated),
 * argc strings, envc strings, cwd (each NUL-terminated), then nfds struct _proc_fdinh
 * (8-byte aligned from the start of the message). taskman replies (status = the child's
 * pid) only once the child has set up its inherited fds (_PROC_SPAWN_DONE) or has ended
 * trying, so the parent may close its fds as soon as spawn returns. Errors: ENOENT (no
 * such program), ENOEXEC (not an executable for us), E2BIG (arguments too long),
 * ENOMEM, EAGAIN (too many processes), EACCES.
 */
struct _proc_spawn {
	uint16_t	type;		/* _PROC_SPAWN */
	uint16_t	flags;		/* _PROC_SPAWN_* */
	int32_t		argc;
	int32_t		envc;
	int32_t		nfds;
	uint32_t	strings_len;	/* bytes of strings after this struct */
	int32_t		pgroup;		/* _PROC_SPAWN_SETPGROUP: 0 = a new group (its pid) */
	int32_t		priority;	/* _PROC_SPAWN_SETPRIO */
	int32_t		policy;
	uint64_t	sigmask;	/* _PROC_SPAWN_SETSIGMASK */
	uint64_t	sigdefault;	/* signals reset to SIG_DFL; others ignored stay ignored */
	uint64_t	sigignore;	/* the parent's ignored signals (they stay ignored) */
};
_Static_assert(sizeof(struct _proc_spawn) == 56, "ABI");
#define _PROC_SPAWN_SETPGROUP		0x0001
#define _PROC_SPAWN_SETPRIO		0x0002
#define _PROC_SPAWN_SETSIGMASK		0x0004
#define _PROC_SPAWN_SETSID		0x0008
#define _PROC_SPAWN_SEARCHPATH		0x0010	/* libc has done PATH search: path is exact */

/* One inherited fd: the child's fd `fd` is to be a dup of the parent's fd `pfd`, which
 * is a connection to (nd, pid, chid). */
struct _proc_fdinh {
	int32_t		fd;
	int32_t		pfd;
	uint32_t	nd;
	int32_t		pid;
	int32_t		chid;
	uint32_t	flags;		/* FD_CLOEXEC never reaches here */
};
_Static_assert(sizeof(struct _proc_fdinh) == 24, "ABI");

/* _PROC_SPAWN_DONE: sent by the child's libc start-up when its fds are set up (err 0),
 * or failed (err: errno, the child then exits 127). Reply status 0. */
struct _proc_spawn_done {
	uint16_t	type;
	uint16_t	zero;
	int32_t		err;
};

/* _PROC_WAIT: waitpid()/waitid(). pid > 0: that child; 0: any in the caller's group;
 * -1: any child; < -1: any in group -pid. Reply: struct _proc_wait_reply, status 0.
 * WNOHANG and nothing ended: reply with pid 0. No such child: ECHILD. A blocked wait
 * ends with EINTR when a signal arrives (the UNBLOCK pulse). */
struct _proc_wait {
	uint16_t	type;
	uint16_t	zero;
	int32_t		pid;
	int32_t		options;	/* WNOHANG 1, WUNTRACED 2 (picolibc's values) */
	int32_t		zero2;
};
struct _proc_wait_reply {
	int32_t		pid;
	int32_t		status;		/* the wait status: W* macros of picolibc's sys/wait.h:
					 * exit: (code & 0xff) << 8; signal: signo */
	int32_t		code;		/* CLD_EXITED 1, CLD_KILLED 2, CLD_DUMPED 3 */
	int32_t		value;		/* exit code or signal number */
};

/* _PROC_GETID: reply struct _proc_getid_reply about the caller (pid 0) or process pid. */
struct _proc_getid {
	uint16_t	type;
	uint16_t	zero;
	int32_t		pid;
};
struct _proc_getid_reply {
	int32_t		pid, ppid, pgid, sid;
	int32_t		uid, euid, suid;
	int32_t		gid, egid, sgid;
};

/* _PROC_SETPGID: setpgid(pid, pgid) with POSIX's rules (EPERM, ESRCH, EACCES). */
struct _proc_setpgid {
	uint16_t	type;
	uint16_t	zero;
	int32_t		pid;
	int32_t		pgid;
};
/* _PROC_SETSID: no arguments: struct _proc_getid with pid 0; reply status = the new sid. */
/* _PROC_GETPGID: struct _proc_getid; reply status = pgid (getpgid, getsid via GETID). */

/* _PROC_SETCRED: setuid/seteuid/setgid/setegid/setreuid... -1 leaves a field alone.
 * Only euid 0 may set what it likes; others may only swap among their real/saved ids. */
struct _proc_setcred {
	uint16_t	type;
	uint16_t	zero;
	int32_t		ruid, euid, suid;
	int32_t		rgid, egid, sgid;
};
/* _PROC_SETGROUPS: ngroups int32_t gids follow. _PROC_GETGROUPS (struct _proc_getid: the
 * caller, pid 0, or process pid, as servers ask about clients): reply the gids, status =
 * their number. */
struct _proc_setgroups {
	uint16_t	type;
	uint16_t	zero;
	int32_t		ngroups;
};
#define _PROC_NGROUPS_MAX		16

/* _PROC_KILL: kill(pid, signo): pid > 0 a process, 0 the caller's group, -1 every process
 * the caller may signal, < -1 group -pid. signo 0 only checks. ESRCH, EPERM, EINVAL. */
struct _proc_kill {
	uint16_t	type;
	uint16_t	zero;
	int32_t		pid;
	int32_t		signo;
	int32_t		code;		/* si_code: SI_USER 0 */
	int32_t		value;
};

/* _PROC_SHUTDOWN: stop the machine (euid 0 only): how 0 = power off (ok), 1 = failure. */
struct _proc_shutdown {
	uint16_t	type;
	uint16_t	zero;
	int32_t		how;
};

/* --- Memory: 0x040..0x05f ------------------------------------------------------------- */
#define _MEM_MAP			0x040
#define _MEM_UNMAP			0x041
#define _MEM_PROTECT			0x042
#define _MEM_INFO			0x043

/* _MEM_MAP: mmap(addr, len, prot, flags, fd, offset). Anonymous (MAP_ANON, fd -1),
 * shared memory objects (fd from shm_open, an open on taskman's /dev/shmem), and
 * physical memory (MAP_PHYS: offset is the physical address; I/O privilege only).
 * Reply: struct _mem_map_reply. prot/flags use picolibc's <sys/mman.h> values. */
struct _mem_map {
	uint16_t	type;
	uint16_t	zero;
	int32_t		prot;
	int32_t		flags;
	int32_t		fd;		/* the caller's fd (a connection to taskman) or -1 */
	uint64_t	addr;
	uint64_t	len;
	uint64_t	offset;
};
_Static_assert(sizeof(struct _mem_map) == 40, "ABI");
struct _mem_map_reply {
	uint64_t	addr;
};
struct _mem_unmap {			/* _MEM_UNMAP and _MEM_PROTECT */
	uint16_t	type;
	uint16_t	zero;
	int32_t		prot;		/* _MEM_PROTECT only */
	uint64_t	addr;
	uint64_t	len;
};
/* _MEM_INFO: reply struct _mem_info_reply: the whole machine's memory. */
struct _mem_info_reply {
	uint64_t	total_bytes;
	uint64_t	free_bytes;
	uint64_t	proc_bytes;	/* the caller's mapped memory */
};

/* --- The path manager: 0x060..0x07f --------------------------------------------------- */
#define _PATH_ATTACH			0x060
#define _PATH_DETACH			0x061
#define _PATH_CHDIR			0x062

/*
 * _PATH_ATTACH (resmgr_attach): the sender's process serves the paths under `path`
 * (path_len bytes, NUL included, follow) on its channel chid; opens arrive with
 * `handle`. Reply status: the registration id for _PATH_DETACH. A registration goes
 * away with _PATH_DETACH or when its process ends.
 */
struct _path_attach {
	uint16_t	type;
	uint16_t	path_len;
	int32_t		chid;
	uint32_t	handle;		/* nonzero */
	uint32_t	file_type;	/* _FTYPE_* */
	uint32_t	flags;		/* _RESMGR_FLAG_* */
	uint32_t	zero;
};
#define _RESMGR_FLAG_BEFORE		0x0001	/* ahead of others on the same prefix */
#define _RESMGR_FLAG_AFTER		0x0002	/* behind them */
#define _RESMGR_FLAG_DIR		0x0004	/* a directory: owns path/... too (else only
						 * the exact path) */
#define _RESMGR_FLAG_OPAQUE		0x0008	/* hides shorter prefixes below it */
struct _path_detach {
	uint16_t	type;
	uint16_t	zero;
	int32_t		id;
};

/* --- What a new process starts with --------------------------------------------------- */
/*
 * The start-up block: taskman puts it at the top of the new process's main stack and
 * passes its address as main's argument (a0 of _start). Offsets are from the block's
 * start; the strings it points to live inside the block.
 */
struct _proc_startup {
	uint32_t	magic;		/* _PROC_STARTUP_MAGIC */
	uint32_t	size;		/* the whole block */
	int32_t		argc;
	int32_t		envc;
	int32_t		nfds;
	int32_t		pid;
	int32_t		ppid;
	uint32_t	flags;		/* _PROC_STARTUP_* */
	uint64_t	argv_off;	/* char *argv[argc + 1] (absolute pointers, NULL-ended) */
	uint64_t	envp_off;	/* char *envp[envc + 1] */
	uint64_t	fds_off;	/* struct _proc_fdinh fds[nfds] */
	uint64_t	cwd_off;	/* the working directory (NUL-terminated) */
	uint64_t	auxv_off;	/* struct _proc_aux aux[] ended by type 0, or 0 */
	uint64_t	sigmask;	/* the main thread's start mask (already applied) */
};
_Static_assert(sizeof(struct _proc_startup) == 80, "ABI");
#define _PROC_STARTUP_MAGIC		0x51534f45	/* "QSOE" */
#define _PROC_STARTUP_SPAWNED		0x0001	/* a parent waits for _PROC_SPAWN_DONE */

struct _proc_aux {
	uint64_t	type;		/* _PROC_AUX_* */
	uint64_t	value;
};
#define _PROC_AUX_END			0
#define _PROC_AUX_PAGESZ		1
#define _PROC_AUX_TLS_VADDR		2	/* the program's PT_TLS, as loaded */
#define _PROC_AUX_TLS_FILESZ		3
#define _PROC_AUX_TLS_MEMSZ		4
#define _PROC_AUX_TLS_ALIGN		5
#define _PROC_AUX_HEAP_BASE		6	/* the first address above the program (brk) */

#endif
