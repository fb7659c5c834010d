/* The terminal line discipline: termios input editing, echo and output processing. */
/*
 * No hardware, no messages and no allocation: the driver feeds it received bytes and
 * drains its output queue into the UART, and the host unit test (tests/unit/test_ldisc.c)
 * drives the same code under ASan/UBSan. Only the symbolic names of <termios.h> are used,
 * so it builds against our libc's header and the host's alike.
 *
 * Queues:
 *  - the edit line: canonical input not yet terminated (NL, EOL or EOF);
 *  - the input queue: what readers may take. In canonical mode it holds completed lines,
 *    each with a record of its length (a record of 0 is an end of file, from ^D on an
 *    empty line); in raw mode it is a plain byte stream;
 *  - the output queue: bytes for the transmitter, already processed (ONLCR) and with echo
 *    mixed in where it happened.
 * Locking: none; the driver calls it from its single dispatch thread.
 */
#ifndef LDISC_H
#define LDISC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <termios.h>

#define LD_LINE_MAX	256	/* MAX_CANON: one line being edited, its newline included */
#define LD_INQ		2048	/* MAX_INPUT: bytes readers may have waiting */
#define LD_NLINES	64	/* completed lines (and EOF marks) waiting */
#define LD_OUTQ		4096	/* bytes waiting for the transmitter */

/* What an input byte caused (ldisc_input's result bits). */
#define LD_EV_READ	0x01	/* input became readable: look at the waiting readers */
#define LD_EV_OUTPUT	0x02	/* echo was queued: start the transmitter */
#define LD_EV_SIGINT	0x04	/* send SIGINT to the foreground process group */
#define LD_EV_SIGQUIT	0x08	/* SIGQUIT */
#define LD_EV_SIGTSTP	0x10	/* SIGTSTP */
#define LD_EV_FLUSHED	0x20	/* pending input and output were thrown away */
#define LD_EV_DROPPED	0x40	/* the byte did not fit and was lost */

struct ldisc {
	struct termios	tio;
	unsigned char	edit[LD_LINE_MAX];	/* canonical: the line being edited */
	size_t		edit_len;
	unsigned char	in[LD_INQ];		/* ring: input for readers */
	size_t		in_head, in_len;
	uint16_t	lines[LD_NLINES];	/* ring: canonical line lengths left to read */
	size_t		lines_head, nlines;
	unsigned char	out[LD_OUTQ];		/* ring: bytes for the transmitter */
	size_t		out_head, out_len;
	uint64_t	dropped;		/* input bytes lost to full queues */
};

/* Reset to a freshly opened terminal: canonical, echo, signals, ICRNL, OPOST|ONLCR,
 * the usual control characters (^C ^\ DEL ^U ^D ^W ^Z), queues empty. */
void ldisc_init(struct ldisc *ld);
/* One byte from the line; returns LD_EV_* bits. */
unsigned ldisc_input(struct ldisc *ld, unsigned char c);
/* Bytes a read may take now (canonical: complete lines or an EOF mark; raw: any). A
 * canonical EOF mark counts as readable although it has no bytes: see ldisc_can_read. */
size_t ldisc_readable(const struct ldisc *ld);
/* True if a read would return now (data, or a canonical end of file). */
int ldisc_can_read(const struct ldisc *ld);
/* Would a read of n bytes return now? Canonical: a line or an EOF mark is there. Raw, by
 * POSIX's MIN/TIME rules: MIN 0 TIME 0 always; MIN (capped at n) bytes there; or, once
 * `expired` (the reader's TIME ran out: from the read when MIN is 0, since the last byte
 * otherwise), with MIN 0 always and with MIN > 0 if a byte is there. */
int ldisc_read_ready(const struct ldisc *ld, size_t n, int expired);
/* Take up to n bytes for a reader: canonical, at most the rest of one line; an EOF mark
 * gives 0 (and is consumed). -1 if nothing is there (the reader must wait). */
ssize_t ldisc_read(struct ldisc *ld, void *buf, size_t n);
/* Queue output from a writer, processed (OPOST/ONLCR/OCRNL); returns how many of the n
 * input bytes were taken (fewer when the output queue is full; never splits a CR NL). */
size_t ldisc_write(struct ldisc *ld, const void *data, size_t n);
/* Room left in the output queue, in bytes. */
size_t ldisc_out_room(const struct ldisc *ld);
size_t ldisc_out_pending(const struct ldisc *ld);
/* Move up to max queued output bytes to buf for the transmitter; returns how many. */
size_t ldisc_tx(struct ldisc *ld, unsigned char *buf, size_t max);
/* tcflush: TCIFLUSH, TCOFLUSH or TCIOFLUSH; 0, or -1 for another value. */
int ldisc_flush(struct ldisc *ld, int queue);
/* tcsetattr's effect on the queues: switching ICANON off turns the edit line and the
 * completed lines into raw input; switching it on makes pending raw input one line. */
void ldisc_set_termios(struct ldisc *ld, const struct termios *t);

#endif
