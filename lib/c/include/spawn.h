/* <spawn.h>: posix_spawn for QSOE (taskman's _PROC_SPAWN); attributes and file actions are plain structs. */
#ifndef _SPAWN_H_
#define _SPAWN_H_

#include <sys/types.h>
#include <signal.h>
#include <sched.h>

typedef struct {
	short			__flags;	/* POSIX_SPAWN_* */
	pid_t			__pgroup;
	sigset_t		__sigmask;
	sigset_t		__sigdefault;
	int			__policy;
	struct sched_param	__param;
} posix_spawnattr_t;

struct __spawn_action;
typedef struct {
	int			__n;		/* actions, in order */
	int			__cap;
	struct __spawn_action	*__a;
} posix_spawn_file_actions_t;

#define POSIX_SPAWN_RESETIDS		0x01	/* accepted: the child has the parent's ids */
#define POSIX_SPAWN_SETPGROUP		0x02
#define POSIX_SPAWN_SETSCHEDPARAM	0x04
#define POSIX_SPAWN_SETSCHEDULER	0x08
#define POSIX_SPAWN_SETSIGDEF		0x10
#define POSIX_SPAWN_SETSIGMASK		0x20
#define POSIX_SPAWN_SETSID		0x80	/* as glibc: the child leads a new session */

int posix_spawn(pid_t *__restrict pid, const char *__restrict path,
		const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *__restrict attr,
		char *const argv[], char *const envp[]);
int posix_spawnp(pid_t *__restrict pid, const char *__restrict file,
		 const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *__restrict attr,
		 char *const argv[], char *const envp[]);

int posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa);
int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa);
int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *__restrict fa, int fd,
				     const char *__restrict path, int oflag, mode_t mode);
int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa, int fd, int newfd);
int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *fa, int fd);

int posix_spawnattr_init(posix_spawnattr_t *attr);
int posix_spawnattr_destroy(posix_spawnattr_t *attr);
int posix_spawnattr_getflags(const posix_spawnattr_t *__restrict attr, short *__restrict flags);
int posix_spawnattr_setflags(posix_spawnattr_t *attr, short flags);
int posix_spawnattr_getpgroup(const posix_spawnattr_t *__restrict attr, pid_t *__restrict pg);
int posix_spawnattr_setpgroup(posix_spawnattr_t *attr, pid_t pgroup);
int posix_spawnattr_getschedparam(const posix_spawnattr_t *__restrict attr,
				  struct sched_param *__restrict param);
int posix_spawnattr_setschedparam(posix_spawnattr_t *__restrict attr,
				  const struct sched_param *__restrict param);
int posix_spawnattr_getschedpolicy(const posix_spawnattr_t *__restrict attr,
				   int *__restrict policy);
int posix_spawnattr_setschedpolicy(posix_spawnattr_t *attr, int policy);
int posix_spawnattr_getsigdefault(const posix_spawnattr_t *__restrict attr,
				  sigset_t *__restrict set);
int posix_spawnattr_setsigdefault(posix_spawnattr_t *__restrict attr,
				  const sigset_t *__restrict set);
int posix_spawnattr_getsigmask(const posix_spawnattr_t *__restrict attr,
			       sigset_t *__restrict set);
int posix_spawnattr_setsigmask(posix_spawnattr_t *__restrict attr,
			       const sigset_t *__restrict set);

/* QNX's spawn family, the short forms: mode P_WAIT (returns the exit status) or
 * P_NOWAIT (returns the pid). */
#define P_WAIT		0
#define P_NOWAIT	1
#define P_NOWAITO	3
int spawnv(int mode, const char *path, char *const argv[]);
int spawnvp(int mode, const char *file, char *const argv[]);
int spawnl(int mode, const char *path, const char *arg0, ...);
int spawnlp(int mode, const char *file, const char *arg0, ...);

#endif
