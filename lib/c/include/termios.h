/* <termios.h>: terminal attributes for QSOE (picolibc has none); served by DCMD_CHR_* devctls. */
/*
 * The layout is QSOE's ABI: struct termios travels in DCMD_CHR_TCGETATTR/TCSETATTR
 * messages between libc and the terminal drivers (drivers/devc-ser8250), so it is fixed
 * here and checked below. Flag bits and c_cc indices are QNX's values (mostly also
 * SysV's); a speed_t is the baud rate itself (B9600 == 9600), as on QNX.
 */
#ifndef _TERMIOS_H
#define _TERMIOS_H

#include <stdint.h>
#include <sys/types.h>

typedef uint32_t	tcflag_t;
typedef unsigned char	cc_t;
typedef uint32_t	speed_t;

#define NCCS		32

struct termios {
	tcflag_t	c_iflag;	/* input modes */
	tcflag_t	c_oflag;	/* output modes */
	tcflag_t	c_cflag;	/* control modes */
	tcflag_t	c_lflag;	/* local modes */
	cc_t		c_cc[NCCS];	/* control characters (V* indices) */
	speed_t		c_ispeed;
	speed_t		c_ospeed;
};
_Static_assert(sizeof(struct termios) == 56, "struct termios is ABI");

/* c_cc indices */
#define VINTR		0
#define VQUIT		1
#define VERASE		2
#define VKILL		3
#define VEOF		4
#define VEOL		5
#define VEOL2		6
#define VSWTCH		7
#define VSTART		8
#define VSTOP		9
#define VSUSP		10
#define VDSUSP		11
#define VREPRINT	12
#define VDISCARD	13
#define VWERASE		14
#define VLNEXT		15
#define VMIN		16
#define VTIME		17
#define _POSIX_VDISABLE	0

/* c_iflag */
#define IGNBRK		0x00000001
#define BRKINT		0x00000002
#define IGNPAR		0x00000004
#define PARMRK		0x00000008
#define INPCK		0x00000010
#define ISTRIP		0x00000020
#define INLCR		0x00000040
#define IGNCR		0x00000080
#define ICRNL		0x00000100
#define IUCLC		0x00000200
#define IXON		0x00000400
#define IXANY		0x00000800
#define IXOFF		0x00001000
#define IMAXBEL		0x00002000

/* c_oflag */
#define OPOST		0x00000001
#define OLCUC		0x00000002
#define ONLCR		0x00000004
#define OCRNL		0x00000008
#define ONOCR		0x00000010
#define ONLRET		0x00000020
#define OFILL		0x00000040
#define OFDEL		0x00000080

/* c_cflag */
#define CSIZE		0x00000030
#define CS5		0x00000000
#define CS6		0x00000010
#define CS7		0x00000020
#define CS8		0x00000030
#define CSTOPB		0x00000040
#define CREAD		0x00000080
#define PARENB		0x00000100
#define PARODD		0x00000200
#define HUPCL		0x00000400
#define CLOCAL		0x00000800

/* c_lflag */
#define ISIG		0x00000001
#define ICANON		0x00000002
#define XCASE		0x00000004
#define ECHO		0x00000008
#define ECHOE		0x00000010
#define ECHOK		0x00000020
#define ECHONL		0x00000040
#define NOFLSH		0x00000080
#define TOSTOP		0x00000100
#define ECHOCTL		0x00000200
#define ECHOPRT		0x00000400
#define ECHOKE		0x00000800
#define IEXTEN		0x00008000

/* speeds: the baud rate */
#define B0		0
#define B50		50
#define B75		75
#define B110		110
#define B134		134
#define B150		150
#define B200		200
#define B300		300
#define B600		600
#define B1200		1200
#define B1800		1800
#define B2400		2400
#define B4800		4800
#define B9600		9600
#define B19200		19200
#define B38400		38400
#define B57600		57600
#define B115200		115200

/* tcsetattr's optional_actions */
#define TCSANOW		0
#define TCSADRAIN	1
#define TCSAFLUSH	2

/* tcflush's queue_selector (the DCMD_CHR_TCFLUSH values) */
#define TCIFLUSH	0
#define TCOFLUSH	1
#define TCIOFLUSH	2

/* tcflow's action */
#define TCOOFF		0
#define TCOON		1
#define TCIOFF		2
#define TCION		3

/* A terminal's size: DCMD_CHR_GETSIZE's reply is { int32_t rows, cols }. */
struct winsize {
	unsigned short	ws_row;
	unsigned short	ws_col;
	unsigned short	ws_xpixel;
	unsigned short	ws_ypixel;
};

int	tcgetattr(int fd, struct termios *t);
int	tcsetattr(int fd, int optional_actions, const struct termios *t);
int	tcdrain(int fd);
int	tcflush(int fd, int queue_selector);
int	tcflow(int fd, int action);
int	tcsendbreak(int fd, int duration);
pid_t	tcgetpgrp(int fd);
int	tcsetpgrp(int fd, pid_t pgrp);
pid_t	tcgetsid(int fd);
int	tcsetsid(int fd, pid_t sid);		/* QNX: make fd the session's controlling tty */
int	tcgetsize(int fd, int *rows, int *cols);	/* QNX */
int	tcgetwinsize(int fd, struct winsize *ws);
void	cfmakeraw(struct termios *t);
speed_t	cfgetispeed(const struct termios *t);
speed_t	cfgetospeed(const struct termios *t);
int	cfsetispeed(struct termios *t, speed_t speed);
int	cfsetospeed(struct termios *t, speed_t speed);
int	cfsetspeed(struct termios *t, speed_t speed);

#endif
