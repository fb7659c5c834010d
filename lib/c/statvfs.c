/* statvfs, fstatvfs and sync: DCMD_FSYS_* devctls to the filesystem servers. */
#include <sys/statvfs.h>
#include <devctl.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "libc.h"

int fstatvfs(int fd, struct statvfs *buf)
{
	struct _fsys_statvfs s;
	memset(&s, 0, sizeof s);
	int e = devctl(fd, DCMD_FSYS_STATVFS, &s, sizeof s, NULL);
	if (e == ENOTTY || e == ENOSYS)
		e = ENOTSUP;		/* a device, a pipe: no filesystem behind it */
	if (e)
		return __seterr(e);
	buf->f_bsize = s.f_bsize;
	buf->f_frsize = s.f_frsize;
	buf->f_blocks = s.f_blocks;
	buf->f_bfree = s.f_bfree;
	buf->f_bavail = s.f_bavail;
	buf->f_files = s.f_files;
	buf->f_ffree = s.f_ffree;
	buf->f_favail = s.f_favail;
	buf->f_fsid = s.f_fsid;
	buf->f_flag = s.f_flag;
	buf->f_namemax = s.f_namemax;
	memcpy(buf->f_basetype, s.f_basetype, sizeof buf->f_basetype);
	buf->f_basetype[sizeof buf->f_basetype - 1] = 0;
	return 0;
}

int statvfs(const char *restrict path, struct statvfs *restrict buf)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	int r = fstatvfs(fd, buf);
	int e = errno;
	close(fd);
	errno = e;
	return r;
}

/* One /proc/mounts line ("PATH PID FTYPE FLAGS", docs/pathmgr.md) that a filesystem
 * could serve: a directory registration of a process other than taskman. Its path. */
static const char *fs_mount(char *line)
{
	char *save;		/* strtok_r: a program's own strtok must not be disturbed */
	char *path = strtok_r(line, " \n", &save), *pid = strtok_r(NULL, " \n", &save);
	char *ftype = strtok_r(NULL, " \n", &save), *flags = strtok_r(NULL, " \n", &save);
	if (!path || !pid || !ftype || !flags || strcmp(pid, "1") == 0 || !strstr(flags, "dir"))
		return NULL;
	return path;
}

/* sync: DCMD_FSYS_SYNC to each filesystem in /proc/mounts, one after another (each
 * answers once its dirty blocks are written). Servers that are none ignore it. */
void sync(void)
{
	FILE *f = fopen("/proc/mounts", "r");
	if (!f)
		return;
	char line[1100];
	while (fgets(line, sizeof line, f)) {
		const char *path = fs_mount(line);
		int fd = path ? open(path, O_RDONLY) : -1;
		if (fd < 0)
			continue;
		(void)devctl(fd, DCMD_FSYS_SYNC, NULL, 0, NULL);
		close(fd);
	}
	fclose(f);
}
