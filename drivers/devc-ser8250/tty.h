/* The terminal device: resmgr handlers over the line discipline and the UART. */
/*
 * One struct tty per process (this driver serves one UART). Readers that must wait, and
 * writers the output queue cannot take yet, are held as rcvids in FIFO order and answered
 * from the interrupt pulse (data came, room freed), from the VTIME timer's pulse, or with
 * EINTR when their client asks to be unblocked (a signal: a ^C'd `cat`).
 * Locking: none; everything runs on the resmgr's single dispatch thread.
 */
#ifndef TTY_H
#define TTY_H

#include <resmgr.h>
#include <termios.h>

#include "ldisc.h"
#include "uart.h"

#define TTY_WAITERS	32	/* held readers, writers and drainers, each */

#define TTY_PULSE_INTR	1	/* pulse codes on the resmgr's channel */
#define TTY_PULSE_TIMER	2

struct tty_reader {
	int		rcvid;
	struct rm_ocb	*ocb;
	size_t		nbytes;
	uint64_t	deadline;	/* CLOCK_MONOTONIC ns of the VTIME expiry, 0: none */
};

struct tty_writer {
	int		rcvid;
	struct rm_ocb	*ocb;
	size_t		nbytes, done;	/* the write's size, and what the queue took so far */
	size_t		off;		/* where its data starts in the client's message */
};

/* tcdrain and the draining tcsetattrs: answered once the output is gone. */
struct tty_drainer {
	int		rcvid;
	int		dcmd;		/* DCMD_CHR_TCDRAIN / TCSETATTRD / TCSETATTRF */
	struct termios	tio;		/* for the tcsetattrs */
};

struct tty {
	struct rm_attr	attr;		/* the device node (both names share it) */
	struct ldisc	ld;
	struct uart	uart;
	int		irq, intr_id;	/* the interrupt and our attachment */
	timer_t		timer;		/* VTIME */
	int		timer_ok;
	int32_t		pgrp;		/* the foreground process group, 0: none */
	int32_t		sid;		/* the session it is the controlling terminal of, 0 */
	struct tty_reader rd[TTY_WAITERS];
	size_t		nrd;
	struct tty_writer wr[TTY_WAITERS];
	size_t		nwr;
	struct tty_drainer dr[TTY_WAITERS];
	size_t		ndr;
	uint64_t	rx_bytes, tx_bytes, intrs;
	uint64_t	first_wait;	/* cycles when a read first had to wait */
};

extern const struct rm_funcs tty_funcs;

/* Set the device up on a mapped, initialised UART: the node, the interrupt pulse and
 * the VTIME timer on rm's channel. 0, or -1 with errno. */
int tty_start(struct tty *t, struct resmgr *rm, int irq);

#endif
