/* The terminal device (see tty.h): reads, writes, devctls, waiters, interrupts, signals. */
#include "tty.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/neutrino.h>
#include <sys/procmsg.h>

/* The one device; the unblock handler is told only the rcvid. */
static struct tty *the_tty;

static uint64_t now_ns(void)
{
	uint64_t t = 0;
	(void)ClockTime(CLOCK_MONOTONIC, NULL, &t);
	return t;
}

/* The cycle counter (under -icount shift=0: instructions), for the boot_to_prompt bench. */
static uint64_t cycles(void)
{
#if defined(__riscv)
	uint64_t v;
	__asm__ __volatile__("rdcycle %0" : "=r"(v));
	return v;
#else
	return 0;
#endif
}

static int readable_open(const struct rm_ocb *ocb)
{
	return (ocb->ioflag & O_ACCMODE) != O_WRONLY;
}

static int writable_open(const struct rm_ocb *ocb)
{
	return (ocb->ioflag & O_ACCMODE) == O_WRONLY || (ocb->ioflag & O_ACCMODE) == O_RDWR;
}

/* A held client that went away (killed while blocked) must not swallow input or output:
 * ask the kernel whether its rcvid is still good before giving it anything. */
static int rcvid_alive(int rcvid)
{
	struct _msg_info info;
	return MsgInfo_r(rcvid, &info) == 0;
}

/* --- Output: the queue into the transmitter, then writers and drainers ----------------- */

static void service_writers(struct tty *t);
static void service_drainers(struct tty *t);
static void service_readers(struct tty *t);

/* Fill the transmit FIFO from the output queue; the THRE interrupt stays on while there is
 * more, or while someone waits for the output to drain. */
static void tx_pump(struct tty *t)
{
	uint8_t buf[UART_FIFO];
	service_writers(t);
	for (;;) {
		size_t room = uart_tx_room(&t->uart);
		if (room == 0 || ldisc_out_pending(&t->ld) == 0)
			break;
		size_t n = ldisc_tx(&t->ld, buf, room);
		uart_tx(&t->uart, buf, n);
		t->tx_bytes += n;
		/* Writers refill as soon as room appears, so one interrupt moves the most. */
		service_writers(t);
	}
	uart_tx_intr(&t->uart, ldisc_out_pending(&t->ld) != 0 || t->ndr != 0);
	service_drainers(t);
}

/* Move one writer's data into the output queue; returns 1 once all of it is in. */
static int writer_fill(struct tty *t, struct tty_writer *w)
{
	uint8_t buf[256];
	while (w->done < w->nbytes && ldisc_out_room(&t->ld) >= 2) {
		size_t chunk = w->nbytes - w->done;
		if (chunk > sizeof buf)
			chunk = sizeof buf;
		if (chunk > ldisc_out_room(&t->ld))
			chunk = ldisc_out_room(&t->ld);
		int got = MsgRead_r(w->rcvid, buf, (int)chunk, (int)(w->off + w->done));
		if (got <= 0)
			return -1;
		size_t took = ldisc_write(&t->ld, buf, (size_t)got);
		w->done += took;
		if (took < (size_t)got)
			break;
	}
	return w->done == w->nbytes;
}

static void drop_writer(struct tty *t, size_t i)
{
	memmove(&t->wr[i], &t->wr[i + 1], (t->nwr - i - 1) * sizeof t->wr[0]);
	t->nwr--;
}

static void service_writers(struct tty *t)
{
	while (t->nwr) {
		struct tty_writer *w = &t->wr[0];
		int r = writer_fill(t, w);
		if (r == 0)
			return;			/* still full: the next THRE interrupt goes on */
		if (r > 0)
			(void)rm_reply(w->rcvid, (int)w->nbytes, NULL, 0);
		/* r < 0: the client went away; what it had written so far still goes out */
		drop_writer(t, 0);
	}
}

static int devctl_reply(int rcvid, int err)
{
	if (err)
		return rm_error(rcvid, err);
	struct _io_devctl_reply r = { 0 };
	return rm_reply(rcvid, 0, &r, sizeof r);
}

static void service_drainers(struct tty *t)
{
	if (t->ndr == 0 || ldisc_out_pending(&t->ld) || uart_tx_room(&t->uart) == 0)
		return;
	/* THRE is set: the FIFO is empty but the last byte may still be shifting out, and no
	 * interrupt tells when that ends. It takes one character time (87 us at 115200). */
	for (int i = 0; i < 100000 && !uart_tx_empty(&t->uart); i++)
		;
	if (!uart_tx_empty(&t->uart))
		return;
	for (size_t i = 0; i < t->ndr; i++) {
		struct tty_drainer *d = &t->dr[i];
		if (d->dcmd != DCMD_CHR_TCDRAIN) {
			if (d->dcmd == DCMD_CHR_TCSETATTRF)
				(void)ldisc_flush(&t->ld, TCIFLUSH);
			ldisc_set_termios(&t->ld, &d->tio);
		}
		(void)devctl_reply(d->rcvid, 0);
	}
	t->ndr = 0;
	uart_tx_intr(&t->uart, ldisc_out_pending(&t->ld) != 0);
	service_readers(t);		/* a new mode may complete a held read */
}

/* --- Input: readers, VTIME ---------------------------------------------------------- */

static void arm_timer(struct tty *t)
{
	uint64_t first = 0;
	for (size_t i = 0; i < t->nrd; i++)
		if (t->rd[i].deadline && (!first || t->rd[i].deadline < first))
			first = t->rd[i].deadline;
	if (!t->timer_ok)
		return;
	struct _itimer it = { 0, 0 };
	if (first) {
		uint64_t now = now_ns();
		it.nsec = first > now ? first - now : 1;
	}
	(void)TimerSettime_r(t->timer, 0, &it, NULL);
}

/* Would this held (or arriving) read return now? */
static int reader_ready(struct tty *t, struct tty_reader *r, uint64_t now)
{
	return ldisc_read_ready(&t->ld, r->nbytes, r->deadline && now >= r->deadline);
}

/* Answer a reader with what there is (data, a canonical EOF, or 0 after TIME). */
static void reader_answer(struct tty *t, int rcvid, size_t nbytes)
{
	uint8_t buf[LD_INQ];
	if (nbytes > sizeof buf)
		nbytes = sizeof buf;
	if (!rcvid_alive(rcvid))
		return;
	ssize_t n = ldisc_read(&t->ld, buf, nbytes);
	if (n < 0)
		n = 0;
	(void)rm_reply(rcvid, (int)n, buf, (size_t)n);
}

static void drop_reader(struct tty *t, size_t i)
{
	memmove(&t->rd[i], &t->rd[i + 1], (t->nrd - i - 1) * sizeof t->rd[0]);
	t->nrd--;
}

static void service_readers(struct tty *t)
{
	uint64_t now = now_ns();
	while (t->nrd) {
		struct tty_reader *r = &t->rd[0];
		if (!rcvid_alive(r->rcvid)) {
			drop_reader(t, 0);
			continue;
		}
		if (!reader_ready(t, r, now))
			break;
		reader_answer(t, r->rcvid, r->nbytes);
		drop_reader(t, 0);
	}
	arm_timer(t);
}

/* Input arrived for a raw-mode reader with MIN and TIME: TIME counts from the last byte. */
static void restart_interbyte(struct tty *t)
{
	const struct termios *tio = &t->ld.tio;
	if (t->nrd && !(tio->c_lflag & ICANON) && tio->c_cc[VMIN] && tio->c_cc[VTIME])
		t->rd[0].deadline = now_ns() + (uint64_t)tio->c_cc[VTIME] * 100000000u;
}

/* kill(-pgrp, signo), said to taskman directly: the driver needs nothing more of libc's
 * process calls. ESRCH (the group is gone) is no matter. */
static void signal_pgrp(struct tty *t, int signo)
{
	static int coid = -1;
	if (t->pgrp <= 0)
		return;
	if (coid < 0)
		coid = ConnectAttach_r(0, SYSMGR_PID, SYSMGR_CHID, _NTO_SIDE_CHANNEL, 0);
	if (coid < 0)
		return;
	struct _proc_kill m = { .type = _PROC_KILL, .pid = -t->pgrp, .signo = signo };
	(void)MsgSend_r(coid, &m, sizeof m, NULL, 0);
}

static void rx(struct tty *t)
{
	uint8_t buf[64];
	size_t n;
	unsigned ev = 0;
	while ((n = uart_rx(&t->uart, buf, sizeof buf)) != 0) {
		t->rx_bytes += n;
		for (size_t i = 0; i < n; i++) {
			unsigned e = ldisc_input(&t->ld, buf[i]);
			if (e & LD_EV_SIGINT)
				signal_pgrp(t, SIGINT);
			if (e & LD_EV_SIGQUIT)
				signal_pgrp(t, SIGQUIT);
			if (e & LD_EV_SIGTSTP)
				signal_pgrp(t, SIGTSTP);
			ev |= e;
		}
	}
	if (ev & LD_EV_READ) {
		restart_interbyte(t);
		service_readers(t);
	}
}

static void on_intr(struct resmgr *rm, int code, int value, void *arg)
{
	struct tty *t = arg;
	t->intrs++;
	uart_ack(&t->uart);
	rx(t);
	tx_pump(t);
	(void)InterruptUnmask(t->irq, t->intr_id);
}

static void on_timer(struct resmgr *rm, int code, int value, void *arg)
{
	service_readers(arg);
}

/* --- Handlers ------------------------------------------------------------------------- */

static int tty_open(struct rm_ctx *ctx, struct _io_connect *msg, const char *path,
		    void *handle, struct rm_attr **attr)
{
	if (path[0] != '\0')
		return -ENOENT;		/* a device, not a directory */
	*attr = &((struct tty *)handle)->attr;
	return 0;
}

static int tty_read(struct rm_ctx *ctx, struct rm_ocb *ocb, size_t nbytes)
{
	struct tty *t = (struct tty *)ocb->attr;
	if (!readable_open(ocb))
		return -EBADF;
	if (nbytes == 0)
		return 0;
	/* Readers are served in order: a new one never overtakes those already waiting. */
	struct tty_reader r = { ctx->rcvid, ocb, nbytes, 0 };
	if (t->nrd == 0 && reader_ready(t, &r, now_ns())) {
		uint8_t buf[LD_INQ];
		ssize_t n = ldisc_read(&t->ld, buf, nbytes < sizeof buf ? nbytes : sizeof buf);
		if (n < 0)
			n = 0;
		rm_reply_data(ctx, buf, (size_t)n);	/* the library copies before we return */
		return (int)n;
	}
	if (ocb->ioflag & O_NONBLOCK)
		return -EAGAIN;
	if (t->nrd == TTY_WAITERS)
		return -EAGAIN;
	const struct termios *tio = &t->ld.tio;
	if (!(tio->c_lflag & ICANON) && tio->c_cc[VTIME] &&
	    (tio->c_cc[VMIN] == 0 || ldisc_readable(&t->ld)))
		r.deadline = now_ns() + (uint64_t)tio->c_cc[VTIME] * 100000000u;
	if (t->first_wait == 0)
		t->first_wait = cycles();
	t->rd[t->nrd++] = r;
	arm_timer(t);
	return RM_NOREPLY;
}

static int tty_write(struct rm_ctx *ctx, struct rm_ocb *ocb, size_t nbytes, const void *data,
		     size_t datalen)
{
	struct tty *t = (struct tty *)ocb->attr;
	if (!writable_open(ocb))
		return -EBADF;
	if (nbytes == 0)
		return 0;
	if (datalen > nbytes)
		datalen = nbytes;
	struct tty_writer w = { ctx->rcvid, ocb, nbytes, 0,
				ctx->msgoff + (size_t)((const char *)data - (const char *)ctx->msg) };
	if (t->nwr == 0) {		/* behind held writers it would cut in line */
		w.done = ldisc_write(&t->ld, data, datalen);
		if (w.done == datalen && datalen < nbytes)
			(void)writer_fill(t, &w);
		tx_pump(t);
		if (w.done == nbytes)
			return (int)nbytes;
	}
	if (ocb->ioflag & O_NONBLOCK)
		return w.done ? (int)w.done : -EAGAIN;
	if (t->nwr == TTY_WAITERS)
		return w.done ? (int)w.done : -EAGAIN;
	t->wr[t->nwr++] = w;
	uart_tx_intr(&t->uart, 1);	/* the THRE interrupt goes on with it */
	return RM_NOREPLY;
}

static int get_i32(const void *data, size_t nbytes, int32_t *v)
{
	if (nbytes < sizeof *v)
		return -EINVAL;
	memcpy(v, data, sizeof *v);
	return 0;
}

/* Answer this devctl once the output has drained (tcdrain, TCSADRAIN, TCSAFLUSH). */
static int hold_drainer(struct tty *t, int rcvid, int dcmd, const struct termios *tio)
{
	if (t->ndr == TTY_WAITERS)
		return -EAGAIN;
	struct tty_drainer *d = &t->dr[t->ndr++];
	memset(d, 0, sizeof *d);
	d->rcvid = rcvid;
	d->dcmd = dcmd;
	if (tio)
		d->tio = *tio;
	uart_tx_intr(&t->uart, 1);
	return RM_NOREPLY;
}

static int tty_devctl(struct rm_ctx *ctx, struct rm_ocb *ocb, int dcmd, void *data,
		      size_t nbytes, int *ret_val)
{
	struct tty *t = (struct tty *)ocb->attr;
	int32_t v;
	int err;

	switch (dcmd) {
	case DCMD_CHR_TCGETATTR:
		if (nbytes < sizeof(struct termios))
			return -EINVAL;
		memcpy(data, &t->ld.tio, sizeof(struct termios));
		return sizeof(struct termios);
	case DCMD_CHR_TCSETATTR:
	case DCMD_CHR_TCSETATTRD:
	case DCMD_CHR_TCSETATTRF: {
		struct termios tio;
		if (nbytes < sizeof tio)
			return -EINVAL;
		memcpy(&tio, data, sizeof tio);
		if (dcmd == DCMD_CHR_TCSETATTR ||
		    (ldisc_out_pending(&t->ld) == 0 && uart_tx_empty(&t->uart))) {
			if (dcmd == DCMD_CHR_TCSETATTRF)
				(void)ldisc_flush(&t->ld, TCIFLUSH);
			ldisc_set_termios(&t->ld, &tio);
			service_readers(t);	/* a new mode may complete a held read */
			return 0;
		}
		return hold_drainer(t, ctx->rcvid, dcmd, &tio);
	}
	case DCMD_CHR_TCDRAIN:
		if (ldisc_out_pending(&t->ld) == 0 && uart_tx_empty(&t->uart))
			return 0;
		return hold_drainer(t, ctx->rcvid, dcmd, NULL);
	case DCMD_CHR_TCGETPGRP:
		if (nbytes < sizeof v)
			return -EINVAL;
		memcpy(data, &t->pgrp, sizeof t->pgrp);
		return sizeof t->pgrp;
	case DCMD_CHR_TCSETPGRP:
		if ((err = get_i32(data, nbytes, &v)) != 0)
			return err;
		if (v <= 0)
			return -EINVAL;
		t->pgrp = v;
		return 0;
	case DCMD_CHR_TCGETSID:
		if (nbytes < sizeof v)
			return -EINVAL;
		if (t->sid == 0)
			return -ENOTTY;
		memcpy(data, &t->sid, sizeof t->sid);
		return sizeof t->sid;
	case DCMD_CHR_TCSETSID:
		/* The session leader's group starts in the foreground. */
		if ((err = get_i32(data, nbytes, &v)) != 0)
			return err;
		if (v <= 0)
			return -EINVAL;
		t->sid = v;
		t->pgrp = v;
		return 0;
	case DCMD_CHR_QSOE_STATS: {
		struct _chr_stats st = {
			.rx_bytes = t->rx_bytes, .tx_bytes = t->tx_bytes,
			.interrupts = t->intrs, .rx_dropped = t->ld.dropped,
			.first_wait = t->first_wait,
		};
		if (nbytes < sizeof st)
			return -EINVAL;
		memcpy(data, &st, sizeof st);
		return sizeof st;
	}
	case DCMD_CHR_ISATTY:
		*ret_val = 1;
		return 0;
	case DCMD_CHR_TCFLUSH:
		if ((err = get_i32(data, nbytes, &v)) != 0)
			return err;
		if (ldisc_flush(&t->ld, v) < 0)
			return -EINVAL;
		return 0;
	case DCMD_CHR_GETSIZE: {
		int32_t ws[2] = { 24, 80 };
		if (nbytes < sizeof ws)
			return -EINVAL;
		memcpy(data, ws, sizeof ws);
		return sizeof ws;
	}
	default:
		return -ENOTTY;
	}
}

static void tty_unblock(struct rm_ctx *ctx, int rcvid)
{
	struct tty *t = the_tty;
	for (size_t i = 0; i < t->nrd; i++)
		if (t->rd[i].rcvid == rcvid) {
			drop_reader(t, i);
			(void)rm_error(rcvid, EINTR);
			arm_timer(t);
			return;
		}
	for (size_t i = 0; i < t->nwr; i++)
		if (t->wr[i].rcvid == rcvid) {
			size_t done = t->wr[i].done;
			drop_writer(t, i);
			/* A write interrupted after some of it went reports that much. */
			if (done)
				(void)rm_reply(rcvid, (int)done, NULL, 0);
			else
				(void)rm_error(rcvid, EINTR);
			return;
		}
	for (size_t i = 0; i < t->ndr; i++)
		if (t->dr[i].rcvid == rcvid) {
			memmove(&t->dr[i], &t->dr[i + 1], (t->ndr - i - 1) * sizeof t->dr[0]);
			t->ndr--;
			(void)rm_error(rcvid, EINTR);
			return;
		}
}

/* The open's last reference went: nothing of it may stay queued. A thread still
 * blocked on it (another closed the fd under it) is told EBADF. */
static void tty_close_ocb(struct rm_ctx *ctx, struct rm_ocb *ocb)
{
	struct tty *t = (struct tty *)ocb->attr;
	for (size_t i = t->nrd; i-- > 0;)
		if (t->rd[i].ocb == ocb) {
			(void)rm_error(t->rd[i].rcvid, EBADF);
			drop_reader(t, i);
		}
	for (size_t i = t->nwr; i-- > 0;)
		if (t->wr[i].ocb == ocb) {
			(void)rm_error(t->wr[i].rcvid, EBADF);
			drop_writer(t, i);
		}
	arm_timer(t);
}

const struct rm_funcs tty_funcs = {
	.open = tty_open,
	.read = tty_read,
	.write = tty_write,
	.devctl = tty_devctl,
	.unblock = tty_unblock,
	.close_ocb = tty_close_ocb,
};

int tty_start(struct tty *t, struct resmgr *rm, int irq)
{
	struct sigevent ev;

	the_tty = t;
	rm_attr_init(&t->attr, S_IFCHR | 0666, 0, 0);
	ldisc_init(&t->ld);
	t->irq = irq;

	int coid = rm_pulse_attach(rm, TTY_PULSE_TIMER, on_timer, t);
	if (coid < 0)
		return -1;
	SIGEV_PULSE_INIT(&ev, coid, SIGEV_PULSE_PRIO_INHERIT, TTY_PULSE_TIMER, 0);
	int id = TimerCreate(CLOCK_MONOTONIC, &ev);
	if (id >= 0) {
		t->timer = (timer_t)id;
		t->timer_ok = 1;
	}

	coid = rm_pulse_attach(rm, TTY_PULSE_INTR, on_intr, t);
	if (coid < 0)
		return -1;
	SIGEV_PULSE_INIT(&ev, coid, SIGEV_PULSE_PRIO_INHERIT, TTY_PULSE_INTR, 0);
	t->intr_id = InterruptAttachEvent(irq, &ev, _NTO_INTR_FLAGS_PROCESS);
	if (t->intr_id < 0)
		return -1;
	return 0;
}
