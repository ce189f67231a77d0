/* SPDX-License-Identifier: MIT */
/*
 * One 16550 UART shared by the guest and svmhv. svmhv intercepts the guest's
 * accesses to the UART's eight I/O ports (IOPM) and so reads every received
 * byte first: the escape filter (hv/debug/escape.h) passes ordinary bytes to
 * a receive queue the guest reads through an emulated RBR/LSR/IIR, and the
 * escape sequence hands the line to svmhv (the monitor, then maybe the GDB
 * stub). Everything else (THR, the divisor, LCR, MCR, MSR, SCR, the FIFO
 * control) is the real UART's, passed through.
 *
 * The guest's receive path, as Linux's 8250 driver and the firmware use it:
 *   - LSR.DR says the queue has a byte; RBR pops it; LSR's error bits (OE,
 *     PE, FE, BI: a break is a NUL with BI, Linux's magic SysRq) travel with
 *     the byte they came with, as in the 16550's FIFO.
 *   - IIR reports "received data" (or "line status" for a byte with an
 *     error) while the queue holds bytes and the guest enabled that
 *     interrupt in IER; otherwise the real IIR, minus what svmhv caused.
 *   - The interrupt line: the real UART's IRQ reaches the guest as before.
 *     When the queue holds bytes the real UART no longer knows about (the
 *     filter released them late, or svmhv drained the FIFO during an LSR
 *     read), svmhv enables the real THR-empty interrupt as well, so the
 *     guest's handler runs and reads IIR, which says "received data"; once
 *     the queue is empty IER is the guest's again. The guest reads IER as it
 *     wrote it.
 *   - FCR with "clear receive FIFO" empties the queue too.
 * While the line is svmhv's, received bytes go to svmhv's own queue; while
 * the GDB stub has the line and the guest runs, the guest's output is held
 * (LSR says it went out) and sent when the line is given back.
 *
 * A dedicated UART (debug_serial=) uses the same code with no guest: the
 * filter still opens the monitor, and a '$' or Ctrl-C when the line is idle
 * starts a GDB session (gdb connects without typing anything first).
 *
 * Pure: the hardware is behind struct suart_io, time is the caller's clock;
 * host unit tests drive it with a fake 16550. See: PC16550D datasheet
 * (National Semiconductor, 1995), tables "Register Summary" and "Interrupt
 * Control Functions".
 */
#ifndef SVMHV_HV_DBG_UART_H
#define SVMHV_HV_DBG_UART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/debug/escape.h"

/* Register offsets from the base port (DLAB = LCR bit 7 selects DLL/DLM at 0/1). */
#define UART_RBR        0
#define UART_THR        0
#define UART_DLL        0
#define UART_IER        1
#define UART_DLM        1
#define UART_IIR        2
#define UART_FCR        2
#define UART_LCR        3
#define UART_MCR        4
#define UART_LSR        5
#define UART_MSR        6
#define UART_SCR        7
#define UART_NR_REGS    8

#define UART_IER_RDI    0x01    /* received data available */
#define UART_IER_THRI   0x02    /* THR empty */
#define UART_IER_RLSI   0x04    /* receiver line status */
#define UART_IIR_NONE   0x01    /* no interrupt pending */
#define UART_IIR_ID     0x0f
#define UART_IIR_RLS    0x06
#define UART_IIR_RDA    0x04
#define UART_IIR_CTI    0x0c    /* character timeout (FIFO mode) */
#define UART_IIR_THRI   0x02
#define UART_IIR_FIFO   0xc0
#define UART_FCR_ENABLE 0x01
#define UART_FCR_CLR_RX 0x02
#define UART_LCR_DLAB   0x80
#define UART_LSR_DR     0x01
#define UART_LSR_ERR    0x1e    /* OE PE FE BI */
#define UART_LSR_THRE   0x20
#define UART_LSR_TEMT   0x40

#define SUART_RXQ       1024    /* bytes received for the guest, with their errors */
#define SUART_SVMQ      4096    /* bytes received for svmhv (a gdb packet fits) */
#define SUART_TXQ       16384   /* guest output held while the stub has the line */

struct suart_io {
	uint8_t (*in)(void *ctx, unsigned reg);
	void (*out)(void *ctx, unsigned reg, uint8_t val);
	void *ctx;
};

/* Who gets received bytes: the guest (through the filter) or svmhv. */
enum suart_owner { SUART_GUEST, SUART_SVMHV };

/* What a drain saw. */
enum suart_event {
	SUART_EV_NONE,
	SUART_EV_ESCAPE,        /* the escape sequence: the line is svmhv's now */
	SUART_EV_GDB,           /* dedicated line: gdb started talking (the byte is in svmq) */
};

struct suart_stats {
	uint64_t rx;            /* bytes read from the UART */
	uint64_t to_guest;      /* bytes the guest read */
	uint64_t to_svmhv;
	uint64_t escapes;
	uint64_t rx_dropped;    /* the guest's queue was full */
	uint64_t tx_held, tx_dropped;
	uint64_t irq_nudges;    /* THR-empty interrupts enabled for queued bytes */
};

struct suart {
	struct suart_io io;
	struct esc_filter esc;
	bool dedicated;                 /* no guest on this UART */
	enum suart_owner owner;
	bool hold_tx;
	uint8_t lcr, ier_guest, ier_real, iir_fifo, pending_err;
	uint64_t idle;                  /* ticks without input before a held partial match is released */
	uint64_t last_rx;
	uint16_t rxq[SUART_RXQ];        /* byte | LSR error bits << 8 */
	unsigned rx_head, rx_len;
	uint8_t svmq[SUART_SVMQ];
	unsigned svm_head, svm_len;
	uint8_t txq[SUART_TXQ];
	unsigned tx_head, tx_len;
	struct suart_stats st;
};

/* Take over the UART as it is now (reads LCR, IER and IIR). idle in the caller's ticks. */
void suart_init(struct suart *u, const struct suart_io *io, const struct esc_seq *esc,
		bool dedicated, uint64_t idle);

/* The guest's IN/OUT to register reg; *ev as for suart_poll(). */
uint8_t suart_guest_in(struct suart *u, unsigned reg, uint64_t now, enum suart_event *ev);
void suart_guest_out(struct suart *u, unsigned reg, uint8_t val, uint64_t now,
		     enum suart_event *ev);

/* Read what the UART received; release a partial match idle since `idle`. */
enum suart_event suart_poll(struct suart *u, uint64_t now);

/* A partial escape is held back from the guest (released when idle). */
bool suart_holding(const struct suart *u);

/* svmhv's side of the line. */
void suart_set_owner(struct suart *u, enum suart_owner owner);
/* Back to the guest; keep: unread bytes were typed for it (after "continue"). */
void suart_give_back(struct suart *u, bool keep, uint64_t now);
int suart_getc(struct suart *u);                /* a byte for svmhv, or -1 */
bool suart_tx_ready(struct suart *u);           /* THR empty: svmhv may send a byte */
void suart_putc(struct suart *u, uint8_t c);    /* after suart_tx_ready() */
void suart_hold_tx(struct suart *u, bool hold);
void suart_queue_tx(struct suart *u, const char *s);   /* svmhv's text, held like the guest's */
int suart_tx_pop(struct suart *u);              /* held output to send, or -1 */

#endif /* SVMHV_HV_DBG_UART_H */
