/* libctest: the console as a terminal: isatty, termios attributes, ttyname (fds 0-2 are /dev/console). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include "libctest.h"

static void isattys(void)
{
	int fd = open(LT_DIR "/tty-file", O_RDWR | O_CREAT, 0644);
	int p[2] = { -1, -1 };
	pipe(p);
	errno = 0;
	int f = isatty(fd);
	int ef = errno;
	errno = 0;
	int pp = isatty(p[0]);
	int ep = errno;
	errno = 0;
	int b = isatty(77);
	int eb = errno;
	check("libc-isatty", isatty(0) && isatty(1) && isatty(2) && !f && ef == ENOTTY &&
	      !pp && ep == ENOTTY && !b && eb == EBADF,
	      "console %d%d%d file %d/%d pipe %d/%d bad %d/%d", isatty(0), isatty(1),
	      isatty(2), f, ef, pp, ep, b, eb);
	struct termios t;
	errno = 0;
	int tf = tcgetattr(fd, &t);
	check("libc-tcgetattr-file-enotty", tf < 0 && errno == ENOTTY, "r %d errno %d", tf,
	      errno);
	close(fd);
	close(p[0]);
	close(p[1]);
	unlink(LT_DIR "/tty-file");
}

static void attributes(void)
{
	struct termios t, t2, t3;
	int g = tcgetattr(0, &t);
	check("libc-tcgetattr-console-canonical-echo", g == 0 && (t.c_lflag & ICANON) &&
	      (t.c_lflag & ECHO) && (t.c_oflag & OPOST) && t.c_cc[VINTR] == 3,
	      "r %d lflag %#x oflag %#x", g, (unsigned)t.c_lflag, (unsigned)t.c_oflag);

	t2 = t;
	t2.c_lflag &= ~(tcflag_t)ECHO;
	t2.c_cc[VMIN] = 3;
	int s = tcsetattr(0, TCSANOW, &t2);
	int g2 = tcgetattr(0, &t3);
	int changed = !(t3.c_lflag & ECHO) && t3.c_cc[VMIN] == 3;
	int s2 = tcsetattr(0, TCSADRAIN, &t);
	int g3 = tcgetattr(0, &t3);
	check("libc-tcsetattr-round-trip", s == 0 && g2 == 0 && changed && s2 == 0 &&
	      g3 == 0 && (t3.c_lflag & ECHO), "set %d get %d changed %d restore %d", s, g2,
	      changed, s2);
	errno = 0;
	int bad = tcsetattr(0, 99, &t);
	check("libc-tcsetattr-bad-action-einval", bad < 0 && errno == EINVAL, "r %d errno %d",
	      bad, errno);
}

/* fd 0 came from taskman; fd 1 we open ourselves. The console is also /dev/ser1. */
static void names(void)
{
	char a[64] = "", b[64] = "";
	char *n = ttyname(0);
	if (n)
		snprintf(a, sizeof a, "%s", n);
	int fd = open("/dev/console", O_WRONLY);
	n = ttyname(fd);
	if (n)
		snprintf(b, sizeof b, "%s", n);
	int ok = (!strcmp(a, "/dev/console") || !strcmp(a, "/dev/ser1")) &&
		 !strcmp(b, "/dev/console");
	check("libc-ttyname-console", ok, "inherited '%s' opened '%s' errno %d", a, b, errno);
	close(fd);
}

void test_tty(void)
{
	isattys();
	attributes();
	names();
}
