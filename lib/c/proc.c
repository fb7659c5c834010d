/* Process ids, groups, sessions, credentials, kill, wait and shutdown: messages to taskman (sys/procmsg.h). */
#include <unistd.h>
#include <signal.h>
#include <sys/wait.h>
#include <grp.h>
#include <sys/sysmgr.h>
#include "libc.h"

static int getid(pid_t pid, struct _proc_getid_reply *r)
{
	struct _proc_getid m = { .type = _PROC_GETID, .pid = pid };
	return __libc_tmsend(&m, sizeof m, r, sizeof *r) < 0 ? -1 : 0;
}

pid_t getpid(void)
{
	return __libc_pid();
}

pid_t getppid(void)
{
	struct _proc_getid_reply r;
	if (getid(0, &r) == 0)
		return r.ppid;
	/* No taskman to ask (a kernel-started program): the start-up block's answer. */
	return __libc_startup ? __libc_startup->ppid : 0;
}

pid_t getpgid(pid_t pid)
{
	if (pid < 0)
		return __seterr(EINVAL);
	struct _proc_getid_reply r;
	return getid(pid, &r) < 0 ? -1 : r.pgid;
}

pid_t getpgrp(void)
{
	return getpgid(0);
}

pid_t getsid(pid_t pid)
{
	if (pid < 0)
		return __seterr(EINVAL);
	struct _proc_getid_reply r;
	return getid(pid, &r) < 0 ? -1 : r.sid;
}

int setpgid(pid_t pid, pid_t pgid)
{
	if (pid < 0 || pgid < 0)
		return __seterr(EINVAL);
	struct _proc_setpgid m = { .type = _PROC_SETPGID, .pid = pid, .pgid = pgid };
	return __libc_tmsend(&m, sizeof m, NULL, 0) < 0 ? -1 : 0;
}

int setpgrp(void)
{
	return setpgid(0, 0);
}

pid_t setsid(void)
{
	struct _proc_getid m = { .type = _PROC_SETSID };
	return __libc_tmsend(&m, sizeof m, NULL, 0);
}

/* Credentials: one GETID each (taskman's table is the truth; setuid changes it). */
static int cred(int which)
{
	struct _proc_getid_reply r;
	if (getid(0, &r) < 0)
		return 0;	/* no taskman: a kernel-started program runs as root */
	switch (which) {
	case 0: return r.uid;
	case 1: return r.euid;
	case 2: return r.gid;
	default: return r.egid;
	}
}

uid_t getuid(void)
{
	return (uid_t)cred(0);
}

uid_t geteuid(void)
{
	return (uid_t)cred(1);
}

gid_t getgid(void)
{
	return (gid_t)cred(2);
}

gid_t getegid(void)
{
	return (gid_t)cred(3);
}

static int setcred(int ruid, int euid, int suid, int rgid, int egid, int sgid)
{
	struct _proc_setcred m = { .type = _PROC_SETCRED, .ruid = ruid, .euid = euid,
				   .suid = suid, .rgid = rgid, .egid = egid, .sgid = sgid };
	return __libc_tmsend(&m, sizeof m, NULL, 0) < 0 ? -1 : 0;
}

/* setuid: root sets all three ids; others may only set the effective one to their real
 * or saved id (taskman checks; EPERM). */
int setuid(uid_t uid)
{
	if (geteuid() == 0)
		return setcred((int)uid, (int)uid, (int)uid, -1, -1, -1);
	return setcred(-1, (int)uid, -1, -1, -1, -1);
}

int seteuid(uid_t uid)
{
	return setcred(-1, (int)uid, -1, -1, -1, -1);
}

int setreuid(uid_t ruid, uid_t euid)
{
	return setcred((int)ruid, (int)euid, -1, -1, -1, -1);
}

int setgid(gid_t gid)
{
	if (geteuid() == 0)
		return setcred(-1, -1, -1, (int)gid, (int)gid, (int)gid);
	return setcred(-1, -1, -1, -1, (int)gid, -1);
}

int setegid(gid_t gid)
{
	return setcred(-1, -1, -1, -1, (int)gid, -1);
}

int setregid(gid_t rgid, gid_t egid)
{
	return setcred(-1, -1, -1, (int)rgid, (int)egid, -1);
}

int getgroups(int size, gid_t list[])
{
	if (size < 0)
		return __seterr(EINVAL);
	struct _proc_getid m = { .type = _PROC_GETGROUPS };
	int32_t g[_PROC_NGROUPS_MAX];
	int n = __libc_tmsend(&m, sizeof m, g, sizeof g);
	if (n < 0)
		return -1;
	if (n > _PROC_NGROUPS_MAX)
		n = _PROC_NGROUPS_MAX;
	if (size == 0)
		return n;
	if (size < n)
		return __seterr(EINVAL);
	for (int i = 0; i < n; i++)
		list[i] = (gid_t)g[i];
	return n;
}

int setgroups(int size, const gid_t *list)
{
	if (size < 0 || size > _PROC_NGROUPS_MAX)
		return __seterr(EINVAL);
	if (size && list == NULL)
		return __seterr(EFAULT);
	struct _proc_setgroups m = { .type = _PROC_SETGROUPS, .ngroups = (int32_t)size };
	int32_t g[_PROC_NGROUPS_MAX];
	for (int i = 0; i < size; i++)
		g[i] = (int32_t)list[i];
	iov_t iov[2];
	SETIOV(&iov[0], &m, sizeof m);
	SETIOV(&iov[1], g, (size_t)size * sizeof g[0]);
	int c = __libc_tmcoid();
	if (c < 0)
		return -1;
	return MsgSendv(c, iov, 2, NULL, 0) < 0 ? -1 : 0;
}

int kill(pid_t pid, int sig)
{
	if (sig < 0 || sig >= NSIG)
		return __seterr(EINVAL);
	struct _proc_kill m = { .type = _PROC_KILL, .pid = pid, .signo = sig, .code = SI_USER };
	return __libc_tmsend(&m, sizeof m, NULL, 0) < 0 ? -1 : 0;
}

int killpg(pid_t pgrp, int sig)
{
	if (pgrp < 0)
		return __seterr(EINVAL);
	return kill(pgrp == 0 ? 0 : -pgrp, sig);
}

int sigqueue(pid_t pid, int sig, const union sigval value)
{
	if (sig < 0 || sig >= NSIG || pid <= 0)
		return __seterr(EINVAL);
	struct _proc_kill m = { .type = _PROC_KILL, .pid = pid, .signo = sig, .code = SI_QUEUE,
				.value = value.sival_int };
	return __libc_tmsend(&m, sizeof m, NULL, 0) < 0 ? -1 : 0;
}

pid_t waitpid(pid_t pid, int *status, int options)
{
	if (options & ~(WNOHANG | WUNTRACED))
		return __seterr(EINVAL);
	struct _proc_wait m = { .type = _PROC_WAIT, .pid = pid, .options = options };
	struct _proc_wait_reply r;
	if (__libc_tmsend(&m, sizeof m, &r, sizeof r) < 0)
		return -1;
	if (r.pid > 0 && status)
		*status = r.status;
	return r.pid;
}

pid_t wait(int *status)
{
	return waitpid(-1, status, 0);
}

int sysmgr_shutdown(int how)
{
	if (how != SYSMGR_POWEROFF && how != SYSMGR_FAILURE)
		return __seterr(EINVAL);
	struct _proc_shutdown m = { .type = _PROC_SHUTDOWN, .how = how };
	return __libc_tmsend(&m, sizeof m, NULL, 0) < 0 ? -1 : 0;
}
