/* posix_spawn: file actions applied to a picture of the child's fds, then one _PROC_SPAWN to taskman. */
/*
 * There is no fork. The child's fds are worked out in the parent: start from the
 * parent's fds, run the file actions in order on that picture (dup2 copies an entry
 * without FD_CLOEXEC, close drops one, open opens the file in the parent on a temporary
 * fd and names it), then drop the entries still marked FD_CLOEXEC, as exec would. taskman passes the list (struct _proc_fdinh: child fd,
 * parent fd, server) to the child, whose start-up connects each and asks the server to
 * share the parent's open (_IO_DUP); taskman replies to us only after that, so the
 * temporary fds can be closed as soon as the reply is in.
 */
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <limits.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/wait.h>
#include "libc.h"

extern char **environ;

struct __spawn_action {
	int	sa_kind;		/* 0 close, 1 dup2, 2 open */
	int	sa_fd, sa_newfd;
	int	sa_oflag;
	mode_t	sa_mode;
	char	*sa_path;
};

/* --- File actions ------------------------------------------------------------------------ */
int posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa)
{
	if (fa == NULL)
		return EINVAL;
	memset(fa, 0, sizeof *fa);
	return 0;
}

int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa)
{
	if (fa == NULL)
		return EINVAL;
	for (int i = 0; i < fa->__n; i++)
		free(fa->__a[i].sa_path);
	free(fa->__a);
	memset(fa, 0, sizeof *fa);
	return 0;
}

static struct __spawn_action *fa_add(posix_spawn_file_actions_t *fa)
{
	if (fa->__n == fa->__cap) {
		int cap = fa->__cap ? fa->__cap * 2 : 8;
		void *a = realloc(fa->__a, (size_t)cap * sizeof *fa->__a);
		if (a == NULL)
			return NULL;
		fa->__a = a;
		fa->__cap = cap;
	}
	struct __spawn_action *a = &fa->__a[fa->__n++];
	memset(a, 0, sizeof *a);
	return a;
}

static int fd_ok(int fd)
{
	return fd >= 0 && fd < LIBC_FD_MAX;
}

int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *fa, int fd)
{
	if (fa == NULL)
		return EINVAL;
	if (!fd_ok(fd))
		return EBADF;
	struct __spawn_action *a = fa_add(fa);
	if (a == NULL)
		return ENOMEM;
	a->sa_kind = 0;
	a->sa_fd = fd;
	return 0;
}

int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa, int fd, int newfd)
{
	if (fa == NULL)
		return EINVAL;
	if (!fd_ok(fd) || !fd_ok(newfd))
		return EBADF;
	struct __spawn_action *a = fa_add(fa);
	if (a == NULL)
		return ENOMEM;
	a->sa_kind = 1;
	a->sa_fd = fd;
	a->sa_newfd = newfd;
	return 0;
}

int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *fa, int fd, const char *path,
				     int oflag, mode_t mode)
{
	if (fa == NULL || path == NULL)
		return EINVAL;
	if (!fd_ok(fd))
		return EBADF;
	char *p = strdup(path);
	if (p == NULL)
		return ENOMEM;
	struct __spawn_action *a = fa_add(fa);
	if (a == NULL) {
		free(p);
		return ENOMEM;
	}
	a->sa_kind = 2;
	a->sa_fd = fd;
	a->sa_oflag = oflag;
	a->sa_mode = mode;
	a->sa_path = p;
	return 0;
}

/* --- Attributes --------------------------------------------------------------------------- */
int posix_spawnattr_init(posix_spawnattr_t *at)
{
	if (at == NULL)
		return EINVAL;
	memset(at, 0, sizeof *at);
	at->__policy = SCHED_RR;
	return 0;
}

int posix_spawnattr_destroy(posix_spawnattr_t *at)
{
	return at ? 0 : EINVAL;
}

int posix_spawnattr_getflags(const posix_spawnattr_t *at, short *flags)
{
	if (at == NULL || flags == NULL)
		return EINVAL;
	*flags = at->__flags;
	return 0;
}

int posix_spawnattr_setflags(posix_spawnattr_t *at, short flags)
{
	const short all = POSIX_SPAWN_RESETIDS | POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSCHEDPARAM |
			  POSIX_SPAWN_SETSCHEDULER | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK |
			  POSIX_SPAWN_SETSID;
	if (at == NULL || (flags & ~all))
		return EINVAL;
	at->__flags = flags;
	return 0;
}

int posix_spawnattr_getpgroup(const posix_spawnattr_t *at, pid_t *pg)
{
	if (at == NULL || pg == NULL)
		return EINVAL;
	*pg = at->__pgroup;
	return 0;
}

int posix_spawnattr_setpgroup(posix_spawnattr_t *at, pid_t pg)
{
	if (at == NULL || pg < 0)
		return EINVAL;
	at->__pgroup = pg;
	return 0;
}

int posix_spawnattr_getschedparam(const posix_spawnattr_t *at, struct sched_param *p)
{
	if (at == NULL || p == NULL)
		return EINVAL;
	*p = at->__param;
	return 0;
}

int posix_spawnattr_setschedparam(posix_spawnattr_t *at, const struct sched_param *p)
{
	if (at == NULL || p == NULL)
		return EINVAL;
	at->__param = *p;
	return 0;
}

int posix_spawnattr_getschedpolicy(const posix_spawnattr_t *at, int *policy)
{
	if (at == NULL || policy == NULL)
		return EINVAL;
	*policy = at->__policy;
	return 0;
}

int posix_spawnattr_setschedpolicy(posix_spawnattr_t *at, int policy)
{
	if (at == NULL || (policy != SCHED_FIFO && policy != SCHED_RR && policy != SCHED_OTHER))
		return EINVAL;
	at->__policy = policy;
	return 0;
}

int posix_spawnattr_getsigdefault(const posix_spawnattr_t *at, sigset_t *set)
{
	if (at == NULL || set == NULL)
		return EINVAL;
	*set = at->__sigdefault;
	return 0;
}

int posix_spawnattr_setsigdefault(posix_spawnattr_t *at, const sigset_t *set)
{
	if (at == NULL || set == NULL)
		return EINVAL;
	at->__sigdefault = *set;
	return 0;
}

int posix_spawnattr_getsigmask(const posix_spawnattr_t *at, sigset_t *set)
{
	if (at == NULL || set == NULL)
		return EINVAL;
	*set = at->__sigmask;
	return 0;
}

int posix_spawnattr_setsigmask(posix_spawnattr_t *at, const sigset_t *set)
{
	if (at == NULL || set == NULL)
		return EINVAL;
	at->__sigmask = *set;
	return 0;
}

/* --- The spawn ------------------------------------------------------------------------------ */
static uint64_t set64(const sigset_t *s)
{
	return (uint64_t)s->__bits[0] | (uint64_t)s->__bits[1] << 32;
}

/* The signals this process ignores now (they stay ignored in the child). */
static uint64_t ignored(void)
{
	extern void __libc_sigstub(void);
	uint64_t m = 0;
	for (int s = _SIGMIN; s <= _SIGMAX; s++) {
		struct sigaction old;
		if (SignalAction_r(0, __libc_sigstub, s, NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			m |= 1ull << (s - 1);
	}
	return m;
}

/* One child fd in the picture: which parent fd holds its open (-1: none), and the entry
 * (whose fe_cloexec says it closes when the child starts). */
struct cfd {
	int		pfd;
	struct fdent	fe;
};

static int do_spawn(pid_t *pidp, const char *path, const posix_spawn_file_actions_t *fa,
		    const posix_spawnattr_t *at, char *const argv[], char *const envp[],
		    uint16_t extra_flags)
{
	if (path == NULL || argv == NULL)
		return EINVAL;
	if (envp == NULL)
		envp = environ ? environ : (char *const[]){ NULL };
	static struct cfd cfds[LIBC_FD_MAX];	/* under spawn_lock: too big for a stack */
	static sync_t spawn_lock = LIBC_LOCK_INIT;
	int tmpfds[LIBC_FD_MAX], ntmp = 0, err = 0;

	__libc_lock(&spawn_lock);
	__libc_lock(&__fd_lock);
	for (int i = 0; i < LIBC_FD_MAX; i++) {
		cfds[i].pfd = __fd_table[i].fe_used ? i : -1;
		cfds[i].fe = __fd_table[i];
	}
	__libc_unlock(&__fd_lock);
	/* The actions run as in a forked child: FD_CLOEXEC fds are still there for them
	 * (a dup2 from one gives an fd without the flag; dup2(fd, fd) clears it, as POSIX
	 * says), and only what still has the flag afterwards is left out. */
	for (int k = 0; fa && k < fa->__n && !err; k++) {
		const struct __spawn_action *a = &fa->__a[k];
		switch (a->sa_kind) {
		case 0:
			cfds[a->sa_fd].pfd = -1;
			break;
		case 1:
			if (cfds[a->sa_fd].pfd < 0) {
				err = EBADF;
				break;
			}
			cfds[a->sa_newfd] = cfds[a->sa_fd];
			cfds[a->sa_newfd].fe.fe_cloexec = 0;	/* dup2(fd, fd) too */
			break;
		case 2: {
			int t = open(a->sa_path, a->sa_oflag | O_CLOEXEC, a->sa_mode);
			if (t < 0) {
				err = errno;
				break;
			}
			tmpfds[ntmp++] = t;
			cfds[a->sa_fd].pfd = t;
			__fd_get(t, &cfds[a->sa_fd].fe);
			cfds[a->sa_fd].fe.fe_cloexec = (a->sa_oflag & O_CLOEXEC) != 0;
			break;
		}
		}
	}
	for (int i = 0; i < LIBC_FD_MAX; i++)
		if (cfds[i].fe.fe_cloexec)
			cfds[i].pfd = -1;

	/* The message: header, strings (path, argv, envp, cwd), fds 8-aligned. */
	int argc = 0, envc = 0, nfds = 0;
	size_t slen = strlen(path) + 1;
	while (argv[argc])
		slen += strlen(argv[argc++]) + 1;
	while (envp[envc])
		slen += strlen(envp[envc++]) + 1;
	__libc_lock(&__libc_cwd_lock);
	char cwd[PATH_MAX];
	strcpy(cwd, __libc_cwd);
	__libc_unlock(&__libc_cwd_lock);
	slen += strlen(cwd) + 1;
	for (int i = 0; i < LIBC_FD_MAX; i++) {
		if (cfds[i].fe.fe_cloexec)
			cfds[i].pfd = -1;
		nfds += cfds[i].pfd >= 0;
	}
	size_t fds_off = (sizeof(struct _proc_spawn) + slen + 7) & ~(size_t)7;
	size_t total = fds_off + (size_t)nfds * sizeof(struct _proc_fdinh);
	char *m = err ? NULL : malloc(total);
	if (!err && m == NULL)
		err = total > (1u << 20) ? E2BIG : ENOMEM;
	if (!err) {
		memset(m, 0, total);
		struct _proc_spawn *h = (void *)m;
		h->type = _PROC_SPAWN;
		h->flags = extra_flags | _PROC_SPAWN_SETSIGMASK;
		h->argc = argc;
		h->envc = envc;
		h->nfds = nfds;
		h->strings_len = (uint32_t)slen;
		sigset_t cur;
		SignalProcmask_r(0, 0, SIG_BLOCK, NULL, &cur);
		h->sigmask = set64(&cur);
		h->sigignore = ignored();
		if (at) {
			if (at->__flags & POSIX_SPAWN_SETPGROUP) {
				h->flags |= _PROC_SPAWN_SETPGROUP;
				h->pgroup = at->__pgroup;
			}
			if (at->__flags & POSIX_SPAWN_SETSIGMASK)
				h->sigmask = set64(&at->__sigmask);
			if (at->__flags & POSIX_SPAWN_SETSIGDEF)
				h->sigdefault = set64(&at->__sigdefault);
			if (at->__flags & (POSIX_SPAWN_SETSCHEDPARAM | POSIX_SPAWN_SETSCHEDULER)) {
				struct sched_param sp;
				int pol = SchedGet_r(0, 0, &sp);
				h->flags |= _PROC_SPAWN_SETPRIO;
				h->priority = (at->__flags & POSIX_SPAWN_SETSCHEDPARAM) ?
						      at->__param.sched_priority : sp.sched_priority;
				h->policy = (at->__flags & POSIX_SPAWN_SETSCHEDULER) ? at->__policy :
										      pol;
			}
			if (at->__flags & POSIX_SPAWN_SETSID)
				h->flags |= _PROC_SPAWN_SETSID;
		}
		char *s = m + sizeof *h;
		s = stpcpy(s, path) + 1;
		for (int i = 0; i < argc; i++)
			s = stpcpy(s, argv[i]) + 1;
		for (int i = 0; i < envc; i++)
			s = stpcpy(s, envp[i]) + 1;
		stpcpy(s, cwd);
		struct _proc_fdinh *fi = (void *)(m + fds_off);
		for (int i = 0; i < LIBC_FD_MAX; i++) {
			if (cfds[i].pfd < 0)
				continue;
			fi->fd = i;
			fi->pfd = cfds[i].pfd;
			fi->nd = cfds[i].fe.fe_nd;
			fi->pid = cfds[i].fe.fe_pid;
			fi->chid = cfds[i].fe.fe_chid;
			fi->flags = cfds[i].fe.fe_oflag;
			fi++;
		}
		int c = __libc_tmcoid();
		iov_t iov;
		SETIOV(&iov, m, total);
		int pid = c < 0 ? -1 : MsgSendv(c, &iov, 1, NULL, 0);
		if (pid < 0)
			err = errno;
		else if (pidp)
			*pidp = pid;
		free(m);
	}
	for (int i = 0; i < ntmp; i++)
		close(tmpfds[i]);
	__libc_unlock(&spawn_lock);
	return err;
}

int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
		const posix_spawnattr_t *at, char *const argv[], char *const envp[])
{
	return do_spawn(pid, path, fa, at, argv, envp, 0);
}

/* PATH search (default /bin:/proc/boot: the disk, then the boot image), trying each
 * directory's file in turn until taskman finds one; a name with a '/' is used as it is. */
int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *fa,
		 const posix_spawnattr_t *at, char *const argv[], char *const envp[])
{
	if (file == NULL || file[0] == 0)
		return file ? ENOENT : EINVAL;
	if (strchr(file, '/'))
		return do_spawn(pid, file, fa, at, argv, envp, 0);
	const char *p = getenv("PATH");
	if (p == NULL || *p == 0)
		p = "/bin:/proc/boot";
	size_t flen = strlen(file);
	int err = ENOENT;
	while (*p) {
		const char *e = strchr(p, ':');
		size_t dlen = e ? (size_t)(e - p) : strlen(p);
		char full[PATH_MAX];
		if (dlen + 1 + flen < sizeof full) {
			memcpy(full, p, dlen);
			size_t o = dlen;
			if (o == 0)
				full[o++] = '.';
			full[o++] = '/';
			memcpy(full + o, file, flen + 1);
			int r = do_spawn(pid, full, fa, at, argv, envp, _PROC_SPAWN_SEARCHPATH);
			if (r == 0)
				return 0;
			if (r != ENOENT && r != ENOTDIR && r != EACCES)
				return r;
			if (r == EACCES)
				err = EACCES;
		}
		if (!e)
			break;
		p = e + 1;
	}
	return err;
}

/* --- QNX's spawn*() short forms ---------------------------------------------------------- */
static int spawn_mode(int mode, int err, pid_t pid)
{
	if (err)
		return __seterr(err);
	if (mode == P_NOWAIT || mode == P_NOWAITO)
		return pid;
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}

int spawnv(int mode, const char *path, char *const argv[])
{
	if (mode != P_WAIT && mode != P_NOWAIT && mode != P_NOWAITO)
		return __seterr(EINVAL);
	pid_t pid = 0;
	int e = posix_spawn(&pid, path, NULL, NULL, argv, environ);
	return spawn_mode(mode, e, pid);
}

int spawnvp(int mode, const char *file, char *const argv[])
{
	if (mode != P_WAIT && mode != P_NOWAIT && mode != P_NOWAITO)
		return __seterr(EINVAL);
	pid_t pid = 0;
	int e = posix_spawnp(&pid, file, NULL, NULL, argv, environ);
	return spawn_mode(mode, e, pid);
}

#define SPAWNL_MAX 64
static int collect(const char *arg0, va_list ap, char **argv)
{
	int n = 0;
	for (const char *a = arg0; a; a = va_arg(ap, const char *)) {
		if (n == SPAWNL_MAX)
			return -1;
		argv[n++] = (char *)a;
	}
	argv[n] = NULL;
	return n;
}

int spawnl(int mode, const char *path, const char *arg0, ...)
{
	char *argv[SPAWNL_MAX + 1];
	va_list ap;
	va_start(ap, arg0);
	int n = collect(arg0, ap, argv);
	va_end(ap);
	return n < 0 ? __seterr(E2BIG) : spawnv(mode, path, argv);
}

int spawnlp(int mode, const char *file, const char *arg0, ...)
{
	char *argv[SPAWNL_MAX + 1];
	va_list ap;
	va_start(ap, arg0);
	int n = collect(arg0, ap, argv);
	va_end(ap);
	return n < 0 ? __seterr(E2BIG) : spawnvp(mode, file, argv);
}
