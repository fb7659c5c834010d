/* lib/c's internal interfaces: the fd table, taskman's connection, locks and start-up state. */
/*
 * The POSIX layer is kernel-neutral: it talks to servers with the QNX calls of
 * sys/neutrino.h and the messages of sys/iomsg.h and sys/procmsg.h. What depends on the
 * kernel below (TLS layout, thread start) is behind the __sys_* calls that
 * lib/sys-$(KNAME)/ provides (listed at the end of this file and in docs/libc.md).
 */
#ifndef _QSOE_LIBC_H
#define _QSOE_LIBC_H

#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <sys/types.h>
#include <sys/neutrino.h>
#include <sys/iomsg.h>
#include <sys/procmsg.h>

/* --- Errors ------------------------------------------------------------------------------- */
/* Set errno to e and return -1: every POSIX call's failure path. */
static inline int __seterr(int e)
{
	errno = e;
	return -1;
}

/* --- Locks (lock.c): a small mutex for libc's own tables, on sync_t ------------------------ */
/* A sync_t mutex: uncontended lock and unlock stay out of the kernel. */
#define LIBC_LOCK_INIT		{ (int)_NTO_SYNC_NONRECURSIVE, _NTO_SYNC_INITIALIZER }
void __libc_lock(sync_t *m);		/* may block; never fails on a valid mutex */
void __libc_unlock(sync_t *m);
/* The calling thread's id, from its TLS block (the kernel writes it there). */
static inline int __libc_tid(void)
{
	return __tls()->__tid;
}

/* --- The fd table (fd.c) -----------------------------------------------------------------
 * An fd is a connection (coid == fd) to the server that holds the open. libc remembers
 * for each the server (nd, pid, chid), so that spawn can pass the fd on, its open flags
 * (F_GETFL) and FD_CLOEXEC. Guarded by __fd_lock.
 */
#define LIBC_FD_MAX		128	/* OPEN_MAX */
struct fdent {
	uint8_t		fe_used;
	uint8_t		fe_cloexec;
	uint16_t	fe_zero;
	uint32_t	fe_nd;
	int32_t		fe_pid;
	int32_t		fe_chid;
	uint32_t	fe_oflag;	/* O_ACCMODE | O_APPEND | O_NONBLOCK ... of the open */
};
extern struct fdent __fd_table[LIBC_FD_MAX];
extern sync_t __fd_lock;

/* Connect a new fd to (nd, pid, chid): the lowest free fd >= minfd. Returns it, or -1
 * with errno (EMFILE, ESRCH, ...). The entry is recorded with oflag and cloexec. */
int __fd_attach(uint32_t nd, pid_t pid, int chid, int minfd, uint32_t oflag, int cloexec);
/* Forget fd and detach its connection (no _IO_CLOSE: the caller sent it). */
void __fd_detach(int fd);
/* 0 if fd is open (copying its entry to *out if out), else -1 with errno EBADF. */
int __fd_get(int fd, struct fdent *out);
/* The absolute path fd was opened by (for fchdir, ttyname), kept while it is open:
 * set copies path (no memory: none kept); get copies it to buf, 0, or ENOENT/ERANGE. */
void __fd_setpath(int fd, const char *path);
int __fd_getpath(int fd, char *buf, size_t size);

/* --- taskman (tmconn.c) ------------------------------------------------------------------- */
/* libc's own connection to taskman (a side channel, made on first use), or -1 (errno). */
int __libc_tmcoid(void);
/* MsgSend to taskman: the reply status, or -1 with errno. */
int __libc_tmsend(const void *smsg, int sbytes, void *rmsg, int rbytes);

/* --- Start-up state (start.c) --------------------------------------------------------------- */
extern const struct _proc_startup *__libc_startup;	/* NULL: started without a block */
extern uint64_t __libc_heap_base;			/* _PROC_AUX_HEAP_BASE, or 0 */
extern size_t __libc_pagesize;
/* A start-up aux value, or def if the block has none of that type. */
uint64_t __libc_aux(uint64_t type, uint64_t def);
/* The cached pid: the kernel's TLS block names it. */
static inline pid_t __libc_pid(void)
{
	return __tls()->__pid;
}

/* --- stdio (stdio.c) ---------------------------------------------------------------------- */
void __libc_stdio_init(void);		/* line-buffer terminals, once the fds are set */
void __libc_stdio_flush(void);		/* flush stdout and stderr: at exit */

/* --- The seam: lib/sys-$(KNAME)/ ------------------------------------------------------------ */
/* Bytes of stack a thread's TLS needs (its kernel block, the program's TLS, alignment). */
size_t __sys_tls_bytes(void);
/* Make area (__sys_tls_bytes() of the calling thread's stack, never freed while it runs)
 * its TLS: the kernel's block copied there and the program's TLS initialised; tp then
 * points at it. Called first thing in every thread, before any TLS use (errno). */
void __sys_tls_install(void *area);
/* Start a thread of this process running start(arg), its TLS installed first; start's
 * return value ends the thread (ThreadDestroy) as pthread_exit would. attr as
 * ThreadCreate takes it (its __exitfunc is the seam's). Returns the tid or -errno. */
int __sys_thread_create(void *(*start)(void *), void *arg, struct _thread_attr *attr);
/* Map the device registers [paddr, paddr + len) (page-aligned) uncached and read/write
 * anywhere in the caller's space, for a thread with I/O privilege: the address, or -errno
 * (EPERM: no privilege, or the range is RAM or the kernel's). The mapping lasts as long
 * as the process. */
long __sys_map_device(uint64_t paddr, size_t len);
/* For DMA: the physical address of the caller's mapped byte at va in *paddr, and in
 * *contig how many bytes from va (at most len) are physically contiguous; 0 or -errno
 * (EPERM no I/O privilege, EFAULT nothing mapped at va, EINVAL len 0). */
int __sys_mem_phys(const void *va, size_t len, uint64_t *paddr, size_t *contig);
/* Copy the first len bytes of the flattened device tree the machine booted with into
 * buf: the blob's whole size, or -errno. */
long __sys_device_tree(void *buf, size_t len);

#endif

/* --- Paths and connects (path.c, connect.c) -------------------------------------------------- */
#define LIBC_SYMLOOP_MAX	16
/* The absolute, lexically normalised form of path (relative ones against the cwd: no
 * "//", "/./", "/../", no trailing "/" but for "/") in out[PATH_MAX]; *isdir set if path
 * ended in "/" (or "/." "/.."). 0, or an errno: ENOENT (""), ENAMETOOLONG, EFAULT. */
int __path_abs(const char *path, char *out, int *isdir);

/* A path-based request: what __path_connect sends. */
struct __connreq {
	uint16_t	subtype;	/* _IO_CONNECT_* */
	uint32_t	ioflag;		/* O_* (open), O_NOFOLLOW for l*() */
	uint32_t	mode;
	uint32_t	file_type;	/* _FTYPE_* wanted */
	const void	*extra;		/* the other path (rename, link) or an I/O message */
	uint16_t	extra_len;
	uint8_t		extra_type;	/* _IO_CONNECT_EXTRA_* */
	int		keep;		/* leave the connection open as an fd (open, combine) */
	int		cloexec;	/* that fd's FD_CLOEXEC */
};
/* Resolve path (qnx-api.md: taskman lists the servers, each is tried in turn) and send
 * the request to the first that takes it, following redirects (symlinks; ELOOP). The
 * server's reply goes to reply (up to rbytes). Returns the reply status (>= 0), with
 * *fd the connection when rq->keep, or -1 and errno. */
int __path_connect(const char *path, const struct __connreq *rq, void *reply, int rbytes,
		   int *fd);
extern char __libc_cwd[];
extern sync_t __libc_cwd_lock;
extern mode_t __libc_umask;
