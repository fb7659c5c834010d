/* The 16550 UART's registers: FIFOs on, receive and transmit interrupts, polled helpers. */
/*
 * Only register access lives here; what to do with the bytes is tty.c's. The kernel also
 * writes its own messages to the same transmitter by polling THRE: it never touches IER or
 * the receiver, and a byte it slips in only means a THRE interrupt with less to do.
 */
#ifndef UART_H
#define UART_H

#include <stddef.h>
#include <stdint.h>

#define UART_FIFO	16	/* bytes the transmit FIFO takes once THRE is set */

struct uart {
	volatile uint8_t *base;
	unsigned	shift;		/* register stride: 1 << shift bytes */
	uint8_t		ier;		/* what we enabled (IER is not read back) */
};

/* 8N1, FIFOs enabled and cleared (receive trigger at 1 byte: a typist's latency),
 * DTR/RTS/OUT2 up, receive and line-status interrupts on. The divisor is left as the
 * firmware set it. */
void uart_init(struct uart *u, volatile void *base, unsigned shift);
/* Pending interrupt causes cleared (line and modem status read). */
void uart_ack(struct uart *u);
/* Received bytes, up to max; returns how many. */
size_t uart_rx(struct uart *u, uint8_t *buf, size_t max);
/* Bytes the transmitter takes now: UART_FIFO when THRE is set, else 0. */
size_t uart_tx_room(struct uart *u);
void uart_tx(struct uart *u, const uint8_t *buf, size_t n);
/* Everything sent, shift register included. */
int uart_tx_empty(struct uart *u);
/* Turn the THR-empty interrupt on or off (on only while output waits). */
void uart_tx_intr(struct uart *u, int on);

#endif
