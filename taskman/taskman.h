/* taskman's internal interfaces: the process manager, the path manager and the kernel glue. */
/*
 * taskman is pid 1: one receive loop on channel SYSMGR_CHID (main.c) hands each message
 * to the part that owns its type:
 *   _PROC_*, _MEM_*             procmgr.c, memmgr.c  (processes, memory)
 *   _PATH_*, _IO_*              pathmgr.c            (the pathname space, and the files
 *                                                     taskman serves itself: /proc/boot,
 *                                                     /proc, /dev/null, /dev/zero, /dev/shmem)
 * and pulses (process deaths from the kernel, unblocks, disconnects) likewise.
 * Everything that depends on the kernel below lives in skimmer/ (the seam): tm_* below.
 * Handlers reply themselves (MsgReply/MsgError) and return nothing; a handler that must
 * wait keeps the rcvid and replies later.
 */
#ifndef TASKMAN_H
#define TASKMAN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/neutrino.h>
#include <sys/iomsg.h>
#include <sys/procmsg.h>

/* --- The process manager (procmgr.c) ------------------------------------------------- */
struct tm_procinfo {
	pid_t		pid, ppid, pgid, sid;
	int		uid, euid, gid, egid;
	int		state;		/* TM_PROC_* */
	int		nthreads;
	uint64_t	mem_bytes;	/* memory mapped for it (program, stacks, heap, mmap) */
	uint64_t	start_ns;	/* CLOCK_MONOTONIC at spawn */
	char		name[32];	/* the program's basename */
	char		path[128];	/* the program it was spawned from */
	char		args[128];	/* argv joined by spaces, cut short */
};
#define TM_PROC_RUNNING		0
#define TM_PROC_ZOMBIE		1	/* ended, not yet waited for */

void procmgr_init(void);
void procmgr_msg(int rcvid, void *msg, size_t len, const struct _msg_info *info);
/* 0 and *out, or -ESRCH. */
int procmgr_info(pid_t pid, struct tm_procinfo *out);
/* The smallest live or zombie pid greater than `after`, or -1: walks the process table. */
pid_t procmgr_next(pid_t after);
/* A pulse on SYSMGR_CHID: process deaths (TM_PULSE_DEATH), and UNBLOCK for a held wait.
 * 1 if it was procmgr's. */
#define TM_PULSE_DEATH		1	/* value: a pid (the kernel glue sends these) */
int procmgr_pulse(const struct _pulse *p);

/* --- The path manager (pathmgr.c and the files taskman serves) ---------------------- */
void pathmgr_init(void);
void pathmgr_msg(int rcvid, void *msg, size_t len, const struct _msg_info *info);
/* A process ended: drop its registrations, and its opens of taskman's own files. */
void pathmgr_proc_gone(pid_t pid);
/* A pulse on taskman's channel: the path manager takes _PULSE_CODE_DISCONNECT (a
 * client's last connection to taskman went: its opens of taskman's files close and the
 * scoid is detached) and _PULSE_CODE_UNBLOCK for rcvids it holds (none so far).
 * Returns 1 if the pulse was its, else 0. (Added by the pathmgr branch.) */
int pathmgr_pulse(const struct _pulse *pulse);

/* --- The boot image (bootfs.c, over tm_bootimage) ------------------------------------- */
/* A file of the boot image by name ("qsh", not "/proc/boot/qsh"): 0 with its bytes and
 * mode, or -ENOENT. The bytes stay valid for taskman's life. */
int bootfs_find(const char *name, const void **data, size_t *size, unsigned *mode);
/* The owner of the file called name: 0 with its uid and gid, or -ENOENT. */
int bootfs_owner(const char *name, uint32_t *uid, uint32_t *gid);
/* The i-th file (0..): 0 with its name, or -ENOENT past the last. */
int bootfs_entry(int i, const char **name, const void **data, size_t *size, unsigned *mode);
/* The startup script's text (NUL-terminated) and its length, or NULL (tmproc). */
const char *bootfs_script(size_t *len);

/* --- Shared memory objects (memmgr.c), named under /dev/shmem by pathmgr ---------------- */
struct tm_shm;
struct tm_shm *memmgr_shm_new(void);			/* size 0; NULL: ENOMEM */
int memmgr_shm_resize(struct tm_shm *shm, uint64_t size);	/* 0 or -errno */
uint64_t memmgr_shm_size(struct tm_shm *shm);
void memmgr_shm_ref(struct tm_shm *shm);
void memmgr_shm_unref(struct tm_shm *shm);		/* frees at 0 refs and no mappings */
/* The shm object behind fd `coid` of process pid (an open of /dev/shmem/...), or NULL:
 * memmgr asks this for mmap(fd). */
struct tm_shm *pathmgr_shm_of(pid_t pid, int coid);

/* --- The kernel glue (taskman/skimmer/): the only taskman code that knows the kernel -------- */
/* The boot image's bytes (mapped read-only into taskman). */
const void *tm_bootimage(size_t *size);
struct tm_threadinfo {
	int		tid;
	int		priority;	/* current (inherited included) */
	int		base_priority;
	int		policy;		/* SCHED_* */
	int		state;		/* STATE_* of sys/neutrino.h */
	int		blocked_pid;	/* SEND/REPLY: the server's pid; MUTEX: the owner's
					 * pid; else 0 */
	int		blocked_id;	/* SEND/REPLY: the chid; RECEIVE: the chid; MUTEX/SEM/
					 * CONDVAR: 0 (the address is in blocked_addr) */
	uint64_t	blocked_addr;
	int		last_cpu;
	uint64_t	sutime_ns;	/* run time so far, if the kernel counts it */
};
/* The first thread of pid with tid > after: 0 and *out, -ENOENT after the last one,
 * -ESRCH for no such process. */
int tm_thread_info(pid_t pid, int after, struct tm_threadinfo *out);

#endif
