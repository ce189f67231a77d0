/* SPDX-License-Identifier: MIT */
/*
 * The shared 16550: the guest's receive path emulated over svmhv's escape
 * filter, everything else passed through (see hv/dbg/uart.h).
 * See: PC16550D datasheet, "Register Summary", "Interrupt Control Functions",
 * "Line Status Register", "FIFO Interrupt Mode Operation".
 */
#include "hv/dbg/uart.h"

static uint8_t in(struct suart *u, unsigned reg)
{
	return u->io.in(u->io.ctx, reg);
}

static void out(struct suart *u, unsigned reg, uint8_t v)
{
	u->io.out(u->io.ctx, reg, v);
}

/* ---- queues ------------------------------------------------------------------ */

static void rx_push(struct suart *u, uint8_t c, uint8_t err)
{
	if (u->rx_len == SUART_RXQ) {
		u->st.rx_dropped++;
		return;
	}
	u->rxq[(u->rx_head + u->rx_len++) % SUART_RXQ] = (uint16_t)(c | err << 8);
}

static void svm_push(struct suart *u, uint8_t c)
{
	if (u->svm_len == SUART_SVMQ)
		return;         /* svmhv reads its queue at once; a flood is cut */
	u->svmq[(u->svm_head + u->svm_len++) % SUART_SVMQ] = c;
}

static void tx_push(struct suart *u, uint8_t c)
{
	if (u->tx_len == SUART_TXQ) {
		u->st.tx_dropped++;
		return;
	}
	u->txq[(u->tx_head + u->tx_len++) % SUART_TXQ] = c;
	u->st.tx_held++;
}

static unsigned rx_head_err(const struct suart *u)
{
	return u->rx_len ? (u->rxq[u->rx_head] >> 8) & UART_LSR_ERR : 0;
}

/* ---- the interrupt line --------------------------------------------------------- */

/*
 * IER as the hardware should have it: the guest's, plus THR-empty while the
 * queue holds bytes the guest wants an interrupt for (see uart.h). Not while
 * DLAB is set: then offset 1 is the divisor latch.
 */
static void update_ier(struct suart *u)
{
	uint8_t want = u->ier_guest;

	if (u->rx_len && (u->ier_guest & (UART_IER_RDI | UART_IER_RLSI)))
		want |= UART_IER_THRI;
	if (want == u->ier_real || (u->lcr & UART_LCR_DLAB))
		return;
	if ((want & ~u->ier_guest) && !(u->ier_real & ~u->ier_guest))
		u->st.irq_nudges++;
	out(u, UART_IER, want);
	u->ier_real = want;
}

/* ---- receiving -------------------------------------------------------------------- */

/* One byte the guest's filter released, or svmhv's, or (dedicated) nobody's. */
static enum suart_event deliver(struct suart *u, const uint8_t *b, size_t n, uint8_t err)
{
	enum suart_event ev = SUART_EV_NONE;

	for (size_t i = 0; i < n; i++) {
		if (!u->dedicated) {
			rx_push(u, b[i], i + 1 == n ? err : 0);
		} else if (b[i] == '$' || b[i] == 0x03) {
			u->owner = SUART_SVMHV;         /* gdb starts; it gets the rest */
			svm_push(u, b[i]);
			ev = SUART_EV_GDB;
		}
	}
	return ev;
}

static enum suart_event receive(struct suart *u, uint8_t c, uint8_t err, uint64_t now)
{
	uint8_t rel[ESC_MAX_LEN];
	size_t n;

	u->st.rx++;
	u->last_rx = now;
	if (u->owner == SUART_SVMHV) {
		svm_push(u, c);
		return SUART_EV_NONE;
	}
	if (err) {              /* a break or a damaged byte is never part of the escape */
		n = esc_flush(&u->esc, rel);
		deliver(u, rel, n, 0);
		return deliver(u, &c, 1, err);
	}
	if (esc_feed(&u->esc, c, rel, &n)) {
		u->st.escapes++;
		u->owner = SUART_SVMHV;
		return SUART_EV_ESCAPE;
	}
	return deliver(u, rel, n, 0);
}

/* The real LSR; its error bits belong to the next byte read (16550 FIFO). */
static uint8_t real_lsr(struct suart *u)
{
	uint8_t lsr = in(u, UART_LSR);

	u->pending_err |= lsr & UART_LSR_ERR;
	return lsr;
}

/*
 * Read everything the UART holds. Stops after the escape so that the bytes
 * behind it stay in the FIFO for the monitor. Returns the real LSR's
 * transmitter bits.
 */
static uint8_t drain(struct suart *u, uint64_t now, enum suart_event *ev)
{
	uint8_t lsr;

	*ev = SUART_EV_NONE;
	for (unsigned i = 0; i < 4 * SUART_RXQ; i++) {
		lsr = real_lsr(u);
		if (!(lsr & UART_LSR_DR) || (u->lcr & UART_LCR_DLAB))
			return lsr;
		uint8_t c = in(u, UART_RBR), err = u->pending_err;

		u->pending_err = 0;
		enum suart_event e = receive(u, c, err, now);
		if (e != SUART_EV_NONE)
			*ev = e;
		if (e == SUART_EV_ESCAPE)
			break;
	}
	return real_lsr(u) & ~UART_LSR_ERR;
}

enum suart_event suart_poll(struct suart *u, uint64_t now)
{
	enum suart_event ev;
	uint8_t rel[ESC_MAX_LEN];

	drain(u, now, &ev);
	if (u->esc.held && u->owner == SUART_GUEST && now - u->last_rx >= u->idle) {
		size_t n = esc_flush(&u->esc, rel);

		if (deliver(u, rel, n, 0) != SUART_EV_NONE)
			ev = SUART_EV_GDB;
	}
	update_ier(u);
	return ev;
}

/* ---- the guest's registers --------------------------------------------------------------- */

/* IIR: received data first (from the queue), then what the real UART says. */
static uint8_t guest_iir(struct suart *u)
{
	uint8_t r, id;

	if ((u->ier_guest & UART_IER_RLSI) && rx_head_err(u))
		return u->iir_fifo | UART_IIR_RLS;
	if ((u->ier_guest & UART_IER_RDI) && u->rx_len)
		return u->iir_fifo | UART_IIR_RDA;
	update_ier(u);          /* drop svmhv's THR-empty interrupt first */
	r = in(u, UART_IIR);
	u->iir_fifo = r & UART_IIR_FIFO;
	id = r & UART_IIR_ID;
	/* Received data svmhv has not drained yet comes with the next read. */
	if (id == UART_IIR_RLS || id == UART_IIR_RDA || id == UART_IIR_CTI ||
	    (id == UART_IIR_THRI && !(u->ier_guest & UART_IER_THRI)))
		id = UART_IIR_NONE;
	return u->iir_fifo | id;
}

static uint8_t guest_lsr(struct suart *u, uint8_t real)
{
	uint8_t lsr = real & ~(UART_LSR_DR | UART_LSR_ERR);

	if (u->hold_tx)
		lsr |= UART_LSR_THRE | UART_LSR_TEMT;
	if (u->rx_len)
		lsr |= UART_LSR_DR | rx_head_err(u);
	return lsr;
}

static uint8_t guest_rbr(struct suart *u)
{
	uint16_t e;

	if (!u->rx_len)
		return 0;
	e = u->rxq[u->rx_head];
	u->rx_head = (u->rx_head + 1) % SUART_RXQ;
	u->rx_len--;
	u->st.to_guest++;
	return (uint8_t)e;
}

uint8_t suart_guest_in(struct suart *u, unsigned reg, uint64_t now, enum suart_event *ev)
{
	uint8_t real, v;

	*ev = SUART_EV_NONE;
	reg &= UART_NR_REGS - 1;
	if ((u->lcr & UART_LCR_DLAB) && (reg == UART_DLL || reg == UART_DLM))
		return in(u, reg);
	switch (reg) {
	case UART_RBR:
		drain(u, now, ev);
		v = guest_rbr(u);
		break;
	case UART_IER:
		return u->ier_guest;
	case UART_IIR:
		drain(u, now, ev);
		v = guest_iir(u);
		break;
	case UART_LSR:
		real = drain(u, now, ev);
		v = guest_lsr(u, real);
		break;
	default:
		return in(u, reg);
	}
	update_ier(u);
	return v;
}

void suart_guest_out(struct suart *u, unsigned reg, uint8_t val, uint64_t now,
		     enum suart_event *ev)
{
	*ev = SUART_EV_NONE;
	reg &= UART_NR_REGS - 1;
	if ((u->lcr & UART_LCR_DLAB) && (reg == UART_DLL || reg == UART_DLM)) {
		out(u, reg, val);
		return;
	}
	switch (reg) {
	case UART_THR:
		if (!u->hold_tx) {
			out(u, reg, val);
			return;
		}
		tx_push(u, val);
		/*
		 * Held, the byte never empties the real THR, so no THR-empty
		 * interrupt would follow and an interrupt-driven driver would
		 * stall: enabling THRI again with THR empty raises one.
		 */
		if ((u->ier_real & UART_IER_THRI) && !(u->lcr & UART_LCR_DLAB)) {
			out(u, UART_IER, u->ier_real & ~UART_IER_THRI);
			out(u, UART_IER, u->ier_real);
		}
		return;
	case UART_IER:
		u->ier_guest = val;
		break;
	case UART_FCR:
		out(u, reg, val);
		u->iir_fifo = (val & UART_FCR_ENABLE) ? UART_IIR_FIFO : 0;
		if (val & UART_FCR_CLR_RX)
			u->rx_len = 0;
		break;
	case UART_LCR:
		out(u, reg, val);
		u->lcr = val;
		break;
	default:
		out(u, reg, val);
		return;
	}
	update_ier(u);
}

/* ---- svmhv's side -------------------------------------------------------------------------- */

void suart_init(struct suart *u, const struct suart_io *io, const struct esc_seq *esc,
		bool dedicated, uint64_t idle)
{
	*u = (struct suart){ .io = *io, .dedicated = dedicated, .idle = idle };
	esc_init(&u->esc, esc);
	u->lcr = in(u, UART_LCR);
	if (!(u->lcr & UART_LCR_DLAB))
		u->ier_guest = u->ier_real = in(u, UART_IER);
	u->iir_fifo = in(u, UART_IIR) & UART_IIR_FIFO;
}

bool suart_holding(const struct suart *u)
{
	return u->esc.held && u->owner == SUART_GUEST;
}

void suart_set_owner(struct suart *u, enum suart_owner owner)
{
	u->owner = owner;
	if (owner == SUART_GUEST)
		u->svm_len = 0;         /* what svmhv did not read was svmhv's */
}

/*
 * The line goes back to the guest. keep: what arrived after the monitor's
 * last command was typed for the guest (it goes through the filter again);
 * otherwise it was gdb's and is dropped.
 */
void suart_give_back(struct suart *u, bool keep, uint64_t now)
{
	unsigned n = u->svm_len, head = u->svm_head;

	u->owner = SUART_GUEST;
	u->svm_len = 0;
	for (unsigned i = 0; keep && i < n && u->owner == SUART_GUEST; i++) {
		u->st.rx--;             /* counted when it arrived */
		receive(u, u->svmq[(head + i) % SUART_SVMQ], 0, now);
	}
	update_ier(u);
}

int suart_getc(struct suart *u)
{
	uint8_t c;

	if (!u->svm_len)
		return -1;
	c = u->svmq[u->svm_head];
	u->svm_head = (u->svm_head + 1) % SUART_SVMQ;
	u->svm_len--;
	u->st.to_svmhv++;
	return c;
}

bool suart_tx_ready(struct suart *u)
{
	return (real_lsr(u) & UART_LSR_THRE) != 0;
}

void suart_putc(struct suart *u, uint8_t c)
{
	out(u, UART_THR, c);
}

void suart_hold_tx(struct suart *u, bool hold)
{
	u->hold_tx = hold;
}

void suart_queue_tx(struct suart *u, const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			tx_push(u, '\r');
		tx_push(u, (uint8_t)*s);
	}
}

int suart_tx_pop(struct suart *u)
{
	uint8_t c;

	if (!u->tx_len)
		return -1;
	c = u->txq[u->tx_head];
	u->tx_head = (u->tx_head + 1) % SUART_TXQ;
	u->tx_len--;
	return c;
}
