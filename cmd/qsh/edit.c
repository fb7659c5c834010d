/* qsh's line editor: a line read from the terminal in raw mode, with cursor keys,
 * editing keys and a history of the last HIST_MAX lines. */
/*
 * While a line is edited the terminal has ICANON, ECHO, ISIG and IEXTEN off (so ^C is a
 * key here, not a signal) and ICRNL off; output processing (ONLCR) stays on. Before
 * edit_line returns, the termios saved at the start of the line is put back, so the
 * commands the line runs see the terminal as it was (canonical, echoing).
 *
 * The screen is kept in step by echoing a key typed at the end of the line and by
 * redrawing the line (CR, prompt, text, erase to the end, cursor back) after any other
 * change; a line longer than the terminal is wide is not handled.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include "qsh.h"

#define HIST_MAX 100

struct editor {
	int		ed_fd;
	char		*ed_hist[HIST_MAX];	/* oldest first */
	int		ed_nhist;
};

/* The line being edited. */
struct line {
	struct editor	*l_ed;
	const char	*l_prompt;
	char		*l_buf;
	size_t		l_size, l_len, l_pos;
	int		l_hidx;		/* history entry shown (ed_nhist: the new line) */
	char		*l_new;		/* the new line, kept while history is browsed */
};

struct editor *edit_open(int fd)
{
	struct termios t;
	if (!isatty(fd) || tcgetattr(fd, &t) < 0)
		return NULL;
	struct editor *e = calloc(1, sizeof *e);
	if (e == NULL)
		abort();
	e->ed_fd = fd;
	return e;
}

void edit_add_history(struct editor *e, const char *line)
{
	if (e == NULL || line[0] == 0)
		return;
	if (e->ed_nhist > 0 && strcmp(e->ed_hist[e->ed_nhist - 1], line) == 0)
		return;
	if (e->ed_nhist == HIST_MAX) {
		free(e->ed_hist[0]);
		memmove(e->ed_hist, e->ed_hist + 1, (HIST_MAX - 1) * sizeof e->ed_hist[0]);
		e->ed_nhist--;
	}
	char *s = strdup(line);
	if (s == NULL)
		abort();
	e->ed_hist[e->ed_nhist++] = s;
}

static void put(struct line *l, const char *s, size_t n)
{
	out_bytes(l->l_ed->ed_fd, s, n);
}

static void puts_(struct line *l, const char *s)
{
	put(l, s, strlen(s));
}

/* CR, prompt, the text, erase the rest of the screen line, cursor back to l_pos. */
static void redraw(struct line *l)
{
	char tail[32];
	puts_(l, "\r");
	puts_(l, l->l_prompt);
	put(l, l->l_buf, l->l_len);
	puts_(l, "\x1b[K");
	if (l->l_len > l->l_pos) {
		snprintf(tail, sizeof tail, "\x1b[%zuD", l->l_len - l->l_pos);
		puts_(l, tail);
	}
}

static void insert(struct line *l, char c)
{
	if (l->l_len + 1 >= l->l_size) {
		puts_(l, "\a");
		return;
	}
	memmove(l->l_buf + l->l_pos + 1, l->l_buf + l->l_pos, l->l_len - l->l_pos);
	l->l_buf[l->l_pos++] = c;
	l->l_len++;
	if (l->l_pos == l->l_len)
		put(l, &c, 1);
	else
		redraw(l);
}

/* Deletes the text [from, to) and redraws. */
static void cut(struct line *l, size_t from, size_t to)
{
	if (from >= to)
		return;
	int rubout = to - from == 1 && to == l->l_len && to == l->l_pos;	/* backspace at the end */
	memmove(l->l_buf + from, l->l_buf + to, l->l_len - to);
	l->l_len -= to - from;
	l->l_pos = from;
	if (rubout)
		puts_(l, "\b \b");
	else
		redraw(l);
}

static void move_to(struct line *l, size_t pos)
{
	if (pos > l->l_len || pos == l->l_pos)
		return;
	l->l_pos = pos;
	redraw(l);
}

static void show(struct line *l, const char *text)
{
	size_t n = strlen(text);
	if (n >= l->l_size)
		n = l->l_size - 1;
	memcpy(l->l_buf, text, n);
	l->l_len = l->l_pos = n;
	redraw(l);
}

/* Up (dir -1) or down (+1) the history. */
static void browse(struct line *l, int dir)
{
	struct editor *e = l->l_ed;
	int to = l->l_hidx + dir;
	if (to < 0 || to > e->ed_nhist)
		return;
	if (l->l_hidx == e->ed_nhist) {
		free(l->l_new);
		l->l_new = strndup(l->l_buf, l->l_len);
	}
	l->l_hidx = to;
	show(l, to == e->ed_nhist ? (l->l_new ? l->l_new : "") : e->ed_hist[to]);
}

static int readc(struct line *l, char *c)
{
	for (;;) {
		ssize_t r = read(l->l_ed->ed_fd, c, 1);
		if (r == 1)
			return 0;
		if (r < 0 && errno == EINTR)
			continue;
		return -1;
	}
}

/* After ESC: the rest of an escape sequence (ESC [ X, ESC O X, ESC [ N ~). */
static void escape(struct line *l)
{
	char c, n = 0;
	if (readc(l, &c) < 0 || (c != '[' && c != 'O'))
		return;
	if (readc(l, &c) < 0)
		return;
	while (c >= '0' && c <= '9') {
		n = c;
		if (readc(l, &c) < 0)
			return;
	}
	if (c == '~')
		c = n == '3' ? 'K' : (n == '1' || n == '7') ? 'H' : (n == '4' || n == '8') ? 'F' : 0;
	switch (c) {
	case 'A': browse(l, -1); break;
	case 'B': browse(l, 1); break;
	case 'C': move_to(l, l->l_pos + 1); break;
	case 'D': if (l->l_pos > 0) move_to(l, l->l_pos - 1); break;
	case 'H': move_to(l, 0); break;
	case 'F': move_to(l, l->l_len); break;
	case 'K': cut(l, l->l_pos, l->l_pos < l->l_len ? l->l_pos + 1 : l->l_pos); break;
	}
}

/* The editing loop: 0 at Enter, -1 at end of input, -2 at ^C. */
static int edit(struct line *l)
{
	char c;
	for (;;) {
		if (readc(l, &c) < 0)
			return -1;
		switch (c) {
		case '\r':
		case '\n':
			puts_(l, "\n");
			return 0;
		case 3:		/* ^C */
			puts_(l, "^C\n");
			return -2;
		case 4:		/* ^D */
			if (l->l_len == 0) {
				puts_(l, "\n");
				return -1;
			}
			cut(l, l->l_pos, l->l_pos < l->l_len ? l->l_pos + 1 : l->l_pos);
			break;
		case 1: move_to(l, 0); break;			/* ^A */
		case 5: move_to(l, l->l_len); break;		/* ^E */
		case 2: if (l->l_pos > 0) move_to(l, l->l_pos - 1); break;	/* ^B */
		case 6: move_to(l, l->l_pos + 1); break;	/* ^F */
		case 11: cut(l, l->l_pos, l->l_len); break;	/* ^K */
		case 21: cut(l, 0, l->l_pos); break;		/* ^U */
		case 16: browse(l, -1); break;			/* ^P */
		case 14: browse(l, 1); break;			/* ^N */
		case 12:					/* ^L */
			puts_(l, "\x1b[H\x1b[2J");
			redraw(l);
			break;
		case 23: {					/* ^W */
			size_t p = l->l_pos;
			while (p > 0 && l->l_buf[p - 1] == ' ')
				p--;
			while (p > 0 && l->l_buf[p - 1] != ' ')
				p--;
			cut(l, p, l->l_pos);
			break;
		}
		case 8:
		case 127:
			if (l->l_pos > 0)
				cut(l, l->l_pos - 1, l->l_pos);
			break;
		case 27:
			escape(l);
			break;
		default:
			if ((unsigned char)c >= 32)
				insert(l, c);
		}
	}
}

int edit_line(struct editor *e, const char *prompt, char *buf, size_t size)
{
	struct termios saved, raw;
	struct line l = { .l_ed = e, .l_prompt = prompt, .l_buf = buf, .l_size = size,
			  .l_hidx = e->ed_nhist };
	int have = tcgetattr(e->ed_fd, &saved) == 0;
	if (have) {
		raw = saved;
		raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG | IEXTEN);
		raw.c_iflag &= ~(tcflag_t)ICRNL;
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		tcsetattr(e->ed_fd, TCSANOW, &raw);
	}
	puts_(&l, prompt);
	int r = edit(&l);
	if (have)
		tcsetattr(e->ed_fd, TCSANOW, &saved);
	free(l.l_new);
	buf[l.l_len] = 0;
	return r == 0 ? (int)l.l_len : r;
}
