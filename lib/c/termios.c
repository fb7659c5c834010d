/* termios: terminal attributes and job-control calls as DCMD_CHR_* devctls to the terminal's server. */
#include <termios.h>
#include <devctl.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "libc.h"

/* A devctl whose failure becomes -1/errno (ENOTTY for a server that knows none). */
static int tdev(int fd, int dcmd, void *data, size_t n, int *info)
{
	int e = devctl(fd, dcmd, data, n, info);
	if (e == ENOSYS)
		e = ENOTTY;
	return e ? __seterr(e) : 0;
}

int tcgetattr(int fd, struct termios *t)
{
	if (t == NULL)
		return __seterr(EFAULT);
	return tdev(fd, DCMD_CHR_TCGETATTR, t, sizeof *t, NULL);
}

int tcsetattr(int fd, int act, const struct termios *t)
{
	if (t == NULL)
		return __seterr(EFAULT);
	int dcmd = act == TCSANOW ? DCMD_CHR_TCSETATTR : act == TCSADRAIN ? DCMD_CHR_TCSETATTRD :
		   act == TCSAFLUSH ? DCMD_CHR_TCSETATTRF : -1;
	if (dcmd < 0)
		return __seterr(EINVAL);
	struct termios c = *t;
	return tdev(fd, dcmd, &c, sizeof c, NULL);
}

int tcdrain(int fd)
{
	return tdev(fd, DCMD_CHR_TCDRAIN, NULL, 0, NULL);
}

int tcflush(int fd, int q)
{
	if (q != TCIFLUSH && q != TCOFLUSH && q != TCIOFLUSH)
		return __seterr(EINVAL);
	int32_t v = q;
	return tdev(fd, DCMD_CHR_TCFLUSH, &v, sizeof v, NULL);
}

/* No flow control commands in the protocol yet: a terminal accepts and ignores them. */
int tcflow(int fd, int action)
{
	if (action < TCOOFF || action > TCION)
		return __seterr(EINVAL);
	return isatty(fd) ? 0 : -1;
}

int tcsendbreak(int fd, int duration)
{
	return isatty(fd) ? 0 : -1;
}

pid_t tcgetpgrp(int fd)
{
	int32_t v = 0;
	return tdev(fd, DCMD_CHR_TCGETPGRP, &v, sizeof v, NULL) < 0 ? -1 : v;
}

int tcsetpgrp(int fd, pid_t pgrp)
{
	if (pgrp <= 0)
		return __seterr(EINVAL);
	int32_t v = pgrp;
	return tdev(fd, DCMD_CHR_TCSETPGRP, &v, sizeof v, NULL);
}

pid_t tcgetsid(int fd)
{
	int32_t v = 0;
	return tdev(fd, DCMD_CHR_TCGETSID, &v, sizeof v, NULL) < 0 ? -1 : v;
}

int tcsetsid(int fd, pid_t sid)
{
	int32_t v = sid;
	return tdev(fd, DCMD_CHR_TCSETSID, &v, sizeof v, NULL);
}

int tcgetsize(int fd, int *rows, int *cols)
{
	int32_t v[2] = { 0, 0 };
	if (tdev(fd, DCMD_CHR_GETSIZE, v, sizeof v, NULL) < 0)
		return -1;
	if (rows)
		*rows = v[0];
	if (cols)
		*cols = v[1];
	return 0;
}

int tcgetwinsize(int fd, struct winsize *ws)
{
	int rows, cols;
	if (ws == NULL)
		return __seterr(EFAULT);
	if (tcgetsize(fd, &rows, &cols) < 0)
		return -1;
	memset(ws, 0, sizeof *ws);
	ws->ws_row = (unsigned short)rows;
	ws->ws_col = (unsigned short)cols;
	return 0;
}

void cfmakeraw(struct termios *t)
{
	t->c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
	t->c_oflag &= ~(tcflag_t)OPOST;
	t->c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	t->c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
	t->c_cflag |= CS8;
	t->c_cc[VMIN] = 1;
	t->c_cc[VTIME] = 0;
}

speed_t cfgetispeed(const struct termios *t)
{
	return t->c_ispeed;
}

speed_t cfgetospeed(const struct termios *t)
{
	return t->c_ospeed;
}

static int speed_ok(speed_t s)
{
	static const speed_t ok[] = { 0, 50, 75, 110, 134, 150, 200, 300, 600, 1200, 1800, 2400,
				      4800, 9600, 19200, 38400, 57600, 115200 };
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (ok[i] == s)
			return 1;
	return 0;
}

int cfsetispeed(struct termios *t, speed_t s)
{
	if (!speed_ok(s))
		return __seterr(EINVAL);
	t->c_ispeed = s;
	return 0;
}

int cfsetospeed(struct termios *t, speed_t s)
{
	if (!speed_ok(s))
		return __seterr(EINVAL);
	t->c_ospeed = s;
	return 0;
}

int cfsetspeed(struct termios *t, speed_t s)
{
	if (!speed_ok(s))
		return __seterr(EINVAL);
	t->c_ispeed = t->c_ospeed = s;
	return 0;
}

/* An inherited terminal fd (opened by another process): the first /dev entry that is
 * the same file, st_dev naming its server and st_ino the file there. 0 or an errno. */
static int ttyname_in_dev(int fd, char *buf, size_t size)
{
	struct stat fs, ds;
	if (fstat(fd, &fs) < 0)
		return errno;
	DIR *d = opendir("/dev");
	if (d == NULL)
		return ENODEV;
	int e = ENODEV;
	struct dirent *de;
	char path[PATH_MAX];
	while (e == ENODEV && (de = readdir(d)) != NULL) {
		if (snprintf(path, sizeof path, "/dev/%s", de->d_name) >= (int)sizeof path)
			continue;
		if (stat(path, &ds) == 0 && S_ISCHR(ds.st_mode) && ds.st_dev == fs.st_dev &&
		    ds.st_ino == fs.st_ino)
			e = strlen(path) < size ? 0 : ERANGE;
	}
	closedir(d);
	if (e == 0) {
		strcpy(buf, path);
		__fd_setpath(fd, path);		/* found once for this fd */
	}
	return e;
}

/* ttyname: the path the terminal was opened by in this process, or else its name in
 * /dev (ENODEV when it has none there). */
int ttyname_r(int fd, char *buf, size_t size)
{
	if (!isatty(fd))
		return errno;
	int e = __fd_getpath(fd, buf, size);
	if (e == ENOENT)
		return ttyname_in_dev(fd, buf, size);
	return e;
}

char *ttyname(int fd)
{
	static char name[PATH_MAX];
	int e = ttyname_r(fd, name, sizeof name);
	if (e) {
		errno = e;
		return NULL;
	}
	return name;
}
