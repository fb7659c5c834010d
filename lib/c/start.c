/* The C start-up: TLS, the start-up block (argv, environ, cwd, aux), inherited fds, stdio, main. */
/*
 * _start (lib/sys-$(KNAME)/crt0.S) calls __qsoe_start with the start-up block taskman
 * put at the top of the main stack (sys/procmsg.h struct _proc_startup), or with
 * whatever the kernel passed a program it started itself (self-tests, taskman before
 * it has a parent): no valid block then, and the program runs with argv {name}, an
 * empty environment and no fds (fds 1 and 2 write to the kernel console).
 *
 * Order matters: TLS before anything that may set errno; the fds before stdio looks
 * at them; _PROC_SPAWN_DONE last, since the parent's posix_spawn returns (and may
 * close its copies of the fds) only when taskman has it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libc.h"

int main(int argc, char **argv, char **envp);
extern char **environ;
extern void __libc_init_array(void);
extern void __libc_cwd_init(const char *cwd);

const struct _proc_startup *__libc_startup;
uint64_t __libc_heap_base;
size_t __libc_pagesize = 4096;

/*
 * Where picolibc's libc.a has its own version of a function libc replaces (sbrk,
 * the retargetable locks, stdin/stdout/stderr, raise...), the program must get ours even
 * when only picolibc code calls it: referring to each from here, an object every program
 * links, pulls our objects in before the linker ever searches libc.a.
 */
extern void *__libc_overrides[];
__attribute__((used)) static void *const keep[] = { __libc_overrides };

static char *no_args[] = { "a.out", NULL };
static char *no_env[] = { NULL };

uint64_t __libc_aux(uint64_t type, uint64_t def)
{
	const struct _proc_startup *b = __libc_startup;
	if (b == NULL || b->auxv_off == 0)
		return def;
	for (const struct _proc_aux *a = (const void *)((const char *)b + b->auxv_off);
	     a->type != _PROC_AUX_END; a++)
		if (a->type == type)
			return a->value;
	return def;
}

/* Is block a start-up block? The kernel may have passed a small number instead. */
static int block_ok(const struct _proc_startup *b)
{
	uintptr_t p = (uintptr_t)b;
	if (p < 0x10000 || (p & 7))
		return 0;
	if (b->magic != _PROC_STARTUP_MAGIC || b->size < sizeof *b)
		return 0;
	uint64_t offs[] = { b->argv_off, b->envp_off, b->fds_off, b->cwd_off, b->auxv_off };
	for (size_t i = 0; i < sizeof offs / sizeof offs[0]; i++)
		if (offs[i] >= b->size)
			return 0;
	return b->argc >= 0 && b->envc >= 0 && b->nfds >= 0;
}

/* Connect each inherited fd (ConnectAttach at index fd) and ask its server to share
 * the parent's open (_IO_DUP {ppid, pfd}). 0 or an errno. */
static int inherit_fds(const struct _proc_startup *b)
{
	const struct _proc_fdinh *fds = (const void *)((const char *)b + b->fds_off);
	if (b->fds_off + (uint64_t)b->nfds * sizeof *fds > b->size)
		return EINVAL;
	for (int i = 0; i < b->nfds; i++) {
		const struct _proc_fdinh *f = &fds[i];
		int fd = __fd_attach(f->nd, f->pid, f->chid, f->fd, f->flags, 0);
		if (fd < 0)
			return errno;
		if (fd != f->fd) {
			__fd_detach(fd);
			return EBADF;
		}
		struct _io_dup m = { .type = _IO_DUP };
		m.info.pid = b->ppid;
		m.info.coid = f->pfd;
		if (MsgSend(fd, &m, sizeof m, NULL, 0) < 0) {
			int e = errno;
			__fd_detach(fd);
			return e;
		}
	}
	return 0;
}

__attribute__((noreturn)) void __qsoe_start(void *block)
{
	/* This frame never returns: the main thread's TLS lives in it. */
	void *tls = __builtin_alloca(__sys_tls_bytes());
	__sys_tls_install(tls);

	const struct _proc_startup *b = block;
	int argc = 1;
	char **argv = no_args;
	environ = no_env;
	int err = 0;
	if (block_ok(b)) {
		__libc_startup = b;
		argc = b->argc;
		argv = (char **)((const char *)b + b->argv_off);
		environ = (char **)((const char *)b + b->envp_off);
		__libc_pagesize = (size_t)__libc_aux(_PROC_AUX_PAGESZ, 4096);
		__libc_heap_base = __libc_aux(_PROC_AUX_HEAP_BASE, 0);
		__libc_cwd_init((const char *)b + b->cwd_off);
		err = inherit_fds(b);
		if (b->flags & _PROC_STARTUP_SPAWNED) {
			struct _proc_spawn_done d = { .type = _PROC_SPAWN_DONE, .err = err };
			__libc_tmsend(&d, sizeof d, NULL, 0);
		}
		if (err)
			_exit(127);
	} else {
		__libc_cwd_init("/");
	}
	__libc_stdio_init();
	__libc_init_array();
	exit(main(argc, argv, environ));
}
