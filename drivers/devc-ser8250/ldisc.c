/* The terminal line discipline (see ldisc.h): input editing, echo, signals, ONLCR. */
#include "ldisc.h"

#include <string.h>
#include <unistd.h>

#ifdef _POSIX_VDISABLE
#define LD_VDISABLE	((cc_t)_POSIX_VDISABLE)
#else
#define LD_VDISABLE	((cc_t)0)
#endif
#define LD_CTRL(c)		((c) & 0x1f)
#define DEL		0x7f

static int is_cc(const struct ldisc *ld, int idx, unsigned char c)
{
	cc_t cc = ld->tio.c_cc[idx];
	return cc != LD_VDISABLE && c == cc;
}

/* --- Rings ---------------------------------------------------------------------------- */

static int in_put(struct ldisc *ld, unsigned char c)
{
	if (ld->in_len == LD_INQ)
		return -1;
	ld->in[(ld->in_head + ld->in_len++) % LD_INQ] = c;
	return 0;
}

static size_t in_take(struct ldisc *ld, unsigned char *buf, size_t n)
{
	if (n > ld->in_len)
		n = ld->in_len;
	for (size_t i = 0; i < n; i++)
		buf[i] = ld->in[(ld->in_head + i) % LD_INQ];
	ld->in_head = (ld->in_head + n) % LD_INQ;
	ld->in_len -= n;
	return n;
}

static int out_put(struct ldisc *ld, unsigned char c)
{
	if (ld->out_len == LD_OUTQ)
		return -1;
	ld->out[(ld->out_head + ld->out_len++) % LD_OUTQ] = c;
	return 0;
}

static void out_str(struct ldisc *ld, const char *s)
{
	while (*s)
		(void)out_put(ld, (unsigned char)*s++);
}

/* --- Echo ----------------------------------------------------------------------------- */

static int is_ctrl(unsigned char c)
{
	return (c < 0x20 && c != '\n' && c != '\t') || c == DEL;
}

static int echoctl(const struct ldisc *ld)
{
#ifdef ECHOCTL
	return (ld->tio.c_lflag & ECHOCTL) != 0;
#else
	return 1;
#endif
}

/* Columns the echo of c took (what erasing it must take back). Tabs count as one: the
 * line's start column (after a prompt) is not known here. */
static int echo_width(const struct ldisc *ld, unsigned char c)
{
	if (is_ctrl(c))
		return echoctl(ld) ? 2 : 0;
	return 1;
}

/* Echo through output processing, as the user typed it: NL becomes CR NL under ONLCR,
 * control characters show as ^X under ECHOCTL. Echo never waits: bytes that do not fit
 * in a full output queue are lost, as on any terminal. */
static void echo(struct ldisc *ld, unsigned char c)
{
	if (c == '\n') {
		if ((ld->tio.c_oflag & OPOST) && (ld->tio.c_oflag & ONLCR))
			(void)out_put(ld, '\r');
		(void)out_put(ld, '\n');
	} else if (is_ctrl(c) && echoctl(ld)) {
		(void)out_put(ld, '^');
		(void)out_put(ld, c == DEL ? '?' : (unsigned char)(c + '@'));
	} else {
		(void)out_put(ld, c);
	}
}

static void echo_rubout(struct ldisc *ld, unsigned char c)
{
	for (int w = echo_width(ld, c); w > 0; w--)
		out_str(ld, "\b \b");
}

/* --- Canonical editing ---------------------------------------------------------------- */

/* Erase the last character of the edit line; returns LD_EV_OUTPUT if it echoed. */
static unsigned erase_one(struct ldisc *ld)
{
	if (ld->edit_len == 0)
		return 0;
	unsigned char c = ld->edit[--ld->edit_len];
	if ((ld->tio.c_lflag & ECHO) && (ld->tio.c_lflag & ECHOE)) {
		echo_rubout(ld, c);
		return LD_EV_OUTPUT;
	}
	return 0;
}

static int is_word(unsigned char c)
{
	return c != ' ' && c != '\t';
}

/* Move the edit line (plus nothing: the terminator is already in it) to the input queue
 * as one line. A line that does not fit is lost whole, never delivered in part. */
static unsigned complete_line(struct ldisc *ld)
{
	unsigned ev = LD_EV_READ;
	if (ld->nlines == LD_NLINES || LD_INQ - ld->in_len < ld->edit_len) {
		ld->dropped += ld->edit_len + 1;
		ev = LD_EV_DROPPED;
	} else {
		for (size_t i = 0; i < ld->edit_len; i++)
			(void)in_put(ld, ld->edit[i]);
		ld->lines[(ld->lines_head + ld->nlines++) % LD_NLINES] = (uint16_t)ld->edit_len;
	}
	ld->edit_len = 0;
	return ev;
}

static unsigned canon_input(struct ldisc *ld, unsigned char c)
{
	tcflag_t lflag = ld->tio.c_lflag;
	int echoing = (lflag & ECHO) != 0;

	if (is_cc(ld, VERASE, c) || c == LD_CTRL('H'))
		return erase_one(ld);
	if (is_cc(ld, VKILL, c)) {
		if (echoing && (lflag & ECHOE)) {
			unsigned ev = 0;
			while (ld->edit_len)
				ev |= erase_one(ld);
			return ev;
		}
		ld->edit_len = 0;
		if (echoing || (lflag & ECHOK)) {
			if (echoing)
				echo(ld, c);
			if (lflag & ECHOK)
				echo(ld, '\n');
			return LD_EV_OUTPUT;
		}
		return 0;
	}
#ifdef VWERASE
	if ((lflag & IEXTEN) && is_cc(ld, VWERASE, c)) {
		unsigned ev = 0;
		while (ld->edit_len && !is_word(ld->edit[ld->edit_len - 1]))
			ev |= erase_one(ld);
		while (ld->edit_len && is_word(ld->edit[ld->edit_len - 1]))
			ev |= erase_one(ld);
		return ev;
	}
#endif
	if (is_cc(ld, VEOF, c))
		return complete_line(ld);	/* no byte added; on an empty line: an EOF mark */
	if (c == '\n' || is_cc(ld, VEOL, c)) {
		unsigned ev = 0;
		if (echoing || (c == '\n' && (lflag & ECHONL))) {
			echo(ld, c);
			ev = LD_EV_OUTPUT;
		}
		ld->edit[ld->edit_len++] = c;	/* always room: one byte is kept for it */
		return ev | complete_line(ld);
	}
	if (ld->edit_len >= LD_LINE_MAX - 1) {
		ld->dropped++;
		if (echoing) {
			(void)out_put(ld, '\a');
			return LD_EV_OUTPUT | LD_EV_DROPPED;
		}
		return LD_EV_DROPPED;
	}
	ld->edit[ld->edit_len++] = c;
	if (echoing) {
		echo(ld, c);
		return LD_EV_OUTPUT;
	}
	return 0;
}

/* --- The interface -------------------------------------------------------------------- */

void ldisc_init(struct ldisc *ld)
{
	memset(ld, 0, sizeof *ld);
	struct termios *t = &ld->tio;
	t->c_iflag = BRKINT | ICRNL;
	t->c_oflag = OPOST | ONLCR;
	t->c_cflag = CS8 | CREAD | CLOCAL;
	t->c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | IEXTEN;
#ifdef ECHOCTL
	t->c_lflag |= ECHOCTL;
#endif
#ifdef ECHOKE
	t->c_lflag |= ECHOKE;
#endif
	for (size_t i = 0; i < NCCS; i++)
		t->c_cc[i] = LD_VDISABLE;
	t->c_cc[VINTR] = LD_CTRL('C');
	t->c_cc[VQUIT] = LD_CTRL('\\');
	t->c_cc[VERASE] = DEL;
	t->c_cc[VKILL] = LD_CTRL('U');
	t->c_cc[VEOF] = LD_CTRL('D');
#ifdef VSUSP
	t->c_cc[VSUSP] = LD_CTRL('Z');
#endif
#ifdef VWERASE
	t->c_cc[VWERASE] = LD_CTRL('W');
#endif
#ifdef VSTART
	t->c_cc[VSTART] = LD_CTRL('Q');
	t->c_cc[VSTOP] = LD_CTRL('S');
#endif
	/* Some systems share VMIN/VEOF and VTIME/VEOL slots: set these last only when they
	 * are slots of their own. */
	if (VMIN != VEOF)
		t->c_cc[VMIN] = 1;
	if (VTIME != VEOL)
		t->c_cc[VTIME] = 0;
}

unsigned ldisc_input(struct ldisc *ld, unsigned char c)
{
	const struct termios *t = &ld->tio;

	if (t->c_iflag & ISTRIP)
		c &= 0x7f;
	if (c == '\r') {
		if (t->c_iflag & IGNCR)
			return 0;
		if (t->c_iflag & ICRNL)
			c = '\n';
	} else if (c == '\n' && (t->c_iflag & INLCR)) {
		c = '\r';
	}

	if (t->c_lflag & ISIG) {
		unsigned sig = 0;
		if (is_cc(ld, VINTR, c))
			sig = LD_EV_SIGINT;
		else if (is_cc(ld, VQUIT, c))
			sig = LD_EV_SIGQUIT;
#ifdef VSUSP
		else if (is_cc(ld, VSUSP, c))
			sig = LD_EV_SIGTSTP;
#endif
		if (sig) {
			unsigned ev = sig;
			if (!(t->c_lflag & NOFLSH)) {
				/* Both ways, as terminals do: what was typed ahead is void, and
				 * a ^C'd flood of output stops at once. */
				ldisc_flush(ld, TCIOFLUSH);
				ev |= LD_EV_FLUSHED;
			}
			if (t->c_lflag & ECHO) {
				echo(ld, c);
				ev |= LD_EV_OUTPUT;
			}
			return ev;
		}
	}

	if (t->c_lflag & ICANON)
		return canon_input(ld, c);

	if (in_put(ld, c) < 0) {
		ld->dropped++;
		return LD_EV_DROPPED;
	}
	if (t->c_lflag & ECHO) {
		echo(ld, c);
		return LD_EV_READ | LD_EV_OUTPUT;
	}
	return LD_EV_READ;
}

size_t ldisc_readable(const struct ldisc *ld)
{
	if (ld->tio.c_lflag & ICANON)
		return ld->nlines ? ld->lines[ld->lines_head] : 0;
	return ld->in_len;
}

int ldisc_can_read(const struct ldisc *ld)
{
	if (ld->tio.c_lflag & ICANON)
		return ld->nlines != 0;
	return ld->in_len != 0;
}

int ldisc_read_ready(const struct ldisc *ld, size_t n, int expired)
{
	if (ld->tio.c_lflag & ICANON)
		return ldisc_can_read(ld);
	size_t avail = ld->in_len, min = ld->tio.c_cc[VMIN], vtime = ld->tio.c_cc[VTIME];
	if (min > n)
		min = n;
	if (min == 0 && vtime == 0)
		return 1;
	if (avail && avail >= min)
		return 1;
	return vtime && expired && (min == 0 || avail > 0);
}

ssize_t ldisc_read(struct ldisc *ld, void *buf, size_t n)
{
	if (!ldisc_can_read(ld))
		return -1;
	if (!(ld->tio.c_lflag & ICANON))
		return (ssize_t)in_take(ld, buf, n);

	uint16_t *left = &ld->lines[ld->lines_head];
	size_t got = 0;
	if (*left == 0) {
		/* An EOF mark: this read returns 0 and the mark is gone. */
	} else {
		got = in_take(ld, buf, n < *left ? n : *left);
		*left = (uint16_t)(*left - got);
		if (*left)
			return (ssize_t)got;
	}
	ld->lines_head = (ld->lines_head + 1) % LD_NLINES;
	ld->nlines--;
	return (ssize_t)got;
}

size_t ldisc_out_room(const struct ldisc *ld)
{
	return LD_OUTQ - ld->out_len;
}

size_t ldisc_out_pending(const struct ldisc *ld)
{
	return ld->out_len;
}

size_t ldisc_write(struct ldisc *ld, const void *data, size_t n)
{
	const unsigned char *p = data;
	tcflag_t oflag = ld->tio.c_oflag;
	int post = (oflag & OPOST) != 0;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = p[i];
		if (post && c == '\n' && (oflag & ONLCR)) {
			if (ldisc_out_room(ld) < 2)
				break;
			(void)out_put(ld, '\r');
		} else if (post && c == '\r' && (oflag & OCRNL)) {
			c = '\n';
		}
		if (out_put(ld, c) < 0)
			break;
	}
	return i;
}

size_t ldisc_tx(struct ldisc *ld, unsigned char *buf, size_t max)
{
	size_t n = max < ld->out_len ? max : ld->out_len;
	for (size_t i = 0; i < n; i++)
		buf[i] = ld->out[(ld->out_head + i) % LD_OUTQ];
	ld->out_head = (ld->out_head + n) % LD_OUTQ;
	ld->out_len -= n;
	return n;
}

int ldisc_flush(struct ldisc *ld, int queue)
{
	if (queue != TCIFLUSH && queue != TCOFLUSH && queue != TCIOFLUSH)
		return -1;
	if (queue == TCIFLUSH || queue == TCIOFLUSH) {
		ld->edit_len = 0;
		ld->in_head = ld->in_len = 0;
		ld->lines_head = ld->nlines = 0;
	}
	if (queue == TCOFLUSH || queue == TCIOFLUSH)
		ld->out_head = ld->out_len = 0;
	return 0;
}

void ldisc_set_termios(struct ldisc *ld, const struct termios *t)
{
	int was = (ld->tio.c_lflag & ICANON) != 0, now = (t->c_lflag & ICANON) != 0;

	ld->tio = *t;
	if (was && !now) {
		/* What was typed becomes plain input, edit line included. */
		for (size_t i = 0; i < ld->edit_len; i++)
			if (in_put(ld, ld->edit[i]) < 0)
				ld->dropped++;
		ld->edit_len = 0;
		ld->lines_head = ld->nlines = 0;
	} else if (!was && now) {
		/* Raw input already there is delivered as it is, as one line. */
		ld->lines_head = ld->nlines = 0;
		if (ld->in_len)
			ld->lines[ld->nlines++] = (uint16_t)ld->in_len;
	}
}
