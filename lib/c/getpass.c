/* getpass: read a password from the terminal on fd 0 with echo off (prompt on fd 2). */
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define PASS_MAX	128	/* longer input is read and dropped */

/* The line (without its newline) in a static buffer, or NULL at end of file with
 * nothing typed. fd 0 need not be a terminal: from a pipe the line is read as it is. */
char *getpass(const char *prompt)
{
	static char buf[PASS_MAX + 1];
	struct termios old, quiet;
	int tty = tcgetattr(0, &old) == 0;
	if (tty) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
		tcsetattr(0, TCSANOW, &quiet);
	}
	write(2, prompt, strlen(prompt));
	size_t n = 0;
	ssize_t r;
	char c;
	while ((r = read(0, &c, 1)) == 1 && c != '\n')
		if (n < PASS_MAX)
			buf[n++] = c;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = 0;
	if (tty) {
		tcsetattr(0, TCSANOW, &old);
		write(2, "\n", 1);		/* the newline the user's Enter did not echo */
	}
	if (r != 1 && n == 0)
		return NULL;
	return buf;
}
