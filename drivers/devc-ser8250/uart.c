/* The 16550 UART's registers (see uart.h). */
#include "uart.h"

#define RBR	0	/* receive buffer (read) */
#define THR	0	/* transmit holding (write) */
#define IER	1
#define IIR	2	/* interrupt identification (read) */
#define FCR	2	/* FIFO control (write) */
#define LCR	3
#define MCR	4
#define LSR	5
#define MSR	6

#define IER_RDI		0x01	/* received data */
#define IER_THRI	0x02	/* THR empty */
#define IER_RLSI	0x04	/* receiver line status */
#define FCR_ENABLE	0x01
#define FCR_CLEAR_RX	0x02
#define FCR_CLEAR_TX	0x04
#define LCR_8N1		0x03
#define MCR_DTR_RTS_OUT2 0x0b
#define LSR_DR		0x01
#define LSR_THRE	0x20
#define LSR_TEMT	0x40

static uint8_t rd(struct uart *u, unsigned reg)
{
	return u->base[reg << u->shift];
}

static void wr(struct uart *u, unsigned reg, uint8_t v)
{
	u->base[reg << u->shift] = v;
}

void uart_init(struct uart *u, volatile void *base, unsigned shift)
{
	u->base = base;
	u->shift = shift;
	wr(u, IER, 0);
	wr(u, LCR, LCR_8N1);
	wr(u, FCR, FCR_ENABLE | FCR_CLEAR_RX | FCR_CLEAR_TX);
	wr(u, MCR, MCR_DTR_RTS_OUT2);
	uart_ack(u);
	while (rd(u, LSR) & LSR_DR)	/* whatever was typed before we ran */
		(void)rd(u, RBR);
	u->ier = IER_RDI | IER_RLSI;
	wr(u, IER, u->ier);
}

void uart_ack(struct uart *u)
{
	(void)rd(u, IIR);
	(void)rd(u, LSR);
	(void)rd(u, MSR);
}

size_t uart_rx(struct uart *u, uint8_t *buf, size_t max)
{
	size_t n = 0;
	while (n < max && (rd(u, LSR) & LSR_DR))
		buf[n++] = rd(u, RBR);
	return n;
}

size_t uart_tx_room(struct uart *u)
{
	return (rd(u, LSR) & LSR_THRE) ? UART_FIFO : 0;
}

void uart_tx(struct uart *u, const uint8_t *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		wr(u, THR, buf[i]);
}

int uart_tx_empty(struct uart *u)
{
	return (rd(u, LSR) & LSR_TEMT) != 0;
}

void uart_tx_intr(struct uart *u, int on)
{
	uint8_t ier = on ? (u->ier | IER_THRI) : (u->ier & ~IER_THRI);
	if (ier != u->ier) {
		u->ier = ier;
		wr(u, IER, ier);
	}
}
