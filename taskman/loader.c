/* The program loader: executables on mounted filesystems, read by a thread of its own. */
/*
 * The main loop never waits for another server: that server may itself be waiting for
 * taskman (its malloc growing, a path lookup), and both would stop. So a spawn of a
 * program that is not in the boot image is handed here with the parent's rcvid kept
 * (the parent stays blocked), and this thread, an ordinary client of the filesystems,
 * opens the file, checks the parent may execute it, reads it into memory and sends
 * the main loop a _TM_LOADED message. The main loop then reads the parent's _PROC_SPAWN
 * again from its rcvid and finishes the spawn with the image (procmgr.c). Requests are
 * served in order, one at a time.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "taskman.h"
#include "proc.h"

#define LOAD_QUEUE	32
#define IMAGE_MAX	(64u << 20)	/* bytes of the largest program we read */

struct load_req {
	int	rcvid;
	char	path[PATH_MAX];
	int	euid, egid, ngroups;
	int	groups[_PROC_NGROUPS_MAX];
};

static struct load_req queue[LOAD_QUEUE];
static int qhead, qlen;
static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t qcond = PTHREAD_COND_INITIALIZER;
static int self = -1;			/* our connection to the main loop */

/* May these credentials execute a file of mode st (owner uid, group gid)? */
static int may_exec(const struct load_req *r, const struct stat *st)
{
	unsigned m = st->st_mode;
	if (r->euid == 0)
		return (m & 0111) != 0;
	if ((unsigned)r->euid == st->st_uid)
		return (m & 0100) != 0;
	int in_group = (unsigned)r->egid == st->st_gid;
	for (int i = 0; i < r->ngroups && !in_group; i++)
		in_group = (unsigned)r->groups[i] == st->st_gid;
	return in_group ? (m & 0010) != 0 : (m & 0001) != 0;
}

/* Read r's program into *l (image malloc'd): 0 or an errno. */
static int load(const struct load_req *r, struct _tm_loaded *l)
{
	int fd = open(r->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	struct stat st;
	int err = 0;
	if (fstat(fd, &st) < 0)
		err = errno;
	else if (!S_ISREG(st.st_mode) || !may_exec(r, &st))
		err = EACCES;
	else if (st.st_size <= 0 || (uint64_t)st.st_size > IMAGE_MAX)
		err = st.st_size <= 0 ? ENOEXEC : E2BIG;
	char *image = err ? NULL : malloc((size_t)st.st_size);
	if (!err && image == NULL)
		err = ENOMEM;
	size_t got = 0;
	while (!err && got < (size_t)st.st_size) {
		ssize_t n = read(fd, image + got, (size_t)st.st_size - got);
		if (n <= 0)
			err = n < 0 ? errno : EIO;	/* shorter than it said */
		else
			got += (size_t)n;
	}
	close(fd);
	if (err) {
		free(image);
		return err;
	}
	l->image = (uint64_t)(uintptr_t)image;
	l->len = got;
	l->mode = st.st_mode;
	l->uid = st.st_uid;
	l->gid = st.st_gid;
	return 0;
}

static void *loader_main(void *arg)
{
	for (;;) {
		pthread_mutex_lock(&qlock);
		while (qlen == 0)
			pthread_cond_wait(&qcond, &qlock);
		struct load_req r = queue[qhead];
		pthread_mutex_unlock(&qlock);
		struct _tm_loaded l = { .type = _TM_LOADED, .rcvid = r.rcvid };
		l.err = load(&r, &l);
		if (MsgSend(self, &l, sizeof l, NULL, 0) < 0 && l.image)
			free((void *)(uintptr_t)l.image);	/* cannot happen: we are taskman */
		pthread_mutex_lock(&qlock);
		qhead = (qhead + 1) % LOAD_QUEUE;
		qlen--;
		pthread_mutex_unlock(&qlock);
	}
	return NULL;
}

int loader_init(void)
{
	self = ConnectAttach(0, SYSMGR_PID, SYSMGR_CHID, _NTO_SIDE_CHANNEL, 0);
	pthread_t t;
	if (self < 0 || pthread_create(&t, NULL, loader_main, NULL) != 0)
		return -1;
	return 0;
}

int loader_start(int rcvid, const char *path, const char *cwd, int euid, int egid,
		 int ngroups, const int *groups)
{
	struct load_req r = { .rcvid = rcvid, .euid = euid, .egid = egid };
	size_t plen = strlen(path), clen = path[0] == '/' ? 0 : strlen(cwd);
	if (clen + 1 + plen >= sizeof r.path)
		return -ENAMETOOLONG;
	if (clen) {			/* relative: against the parent's working directory */
		memcpy(r.path, cwd, clen);
		if (cwd[clen - 1] != '/')
			r.path[clen++] = '/';
	}
	memcpy(r.path + clen, path, plen + 1);
	r.ngroups = ngroups < 0 ? 0 : ngroups > _PROC_NGROUPS_MAX ? _PROC_NGROUPS_MAX : ngroups;
	memcpy(r.groups, groups, (size_t)r.ngroups * sizeof r.groups[0]);
	pthread_mutex_lock(&qlock);
	int full = qlen == LOAD_QUEUE;
	if (!full) {
		queue[(qhead + qlen) % LOAD_QUEUE] = r;
		qlen++;
		pthread_cond_signal(&qcond);
	}
	pthread_mutex_unlock(&qlock);
	return full ? -EAGAIN : 0;
}
