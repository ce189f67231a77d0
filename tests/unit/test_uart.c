/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the shared UART (hv/dbg/uart.c) against a fake 16550: its
 * receive FIFO with per-byte errors, THR-empty interrupts as the datasheet
 * has them (raised when enabled with THR empty or when THR empties, cleared
 * by reading IIR or by disabling), the divisor latch, and the interrupt line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "hv/dbg/uart.h"

/* ---- a fake 16550 -------------------------------------------------------------------- */

static struct {
	uint16_t fifo[64];              /* byte | LSR error bits << 8 */
	unsigned head, len;
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	bool thri;                      /* THR-empty interrupt pending */
	char sent[512];                 /* what went out on the line */
	unsigned nsent;
	unsigned ier_writes;
} hw;

static void hw_reset(void)
{
	memset(&hw, 0, sizeof(hw));
	hw.lcr = 0x03;
}

static void hw_rx(const char *s, size_t n, uint8_t err)
{
	for (size_t i = 0; i < n; i++)
		hw.fifo[(hw.head + hw.len++) % 64] = (uint16_t)((uint8_t)s[i] | err << 8);
}

static void hw_rx_str(const char *s)
{
	hw_rx(s, strlen(s), 0);
}

/* The interrupt line (OUT2 and the PIC aside): any enabled source pending. */
static bool hw_irq(void)
{
	return ((hw.ier & UART_IER_RDI) && hw.len) || ((hw.ier & UART_IER_THRI) && hw.thri);
}

static uint8_t fake_in(void *ctx, unsigned reg)
{
	(void)ctx;
	if ((hw.lcr & UART_LCR_DLAB) && reg <= 1)
		return reg ? hw.dlm : hw.dll;
	switch (reg) {
	case UART_RBR: {
		uint8_t c = 0;

		if (hw.len) {
			c = (uint8_t)hw.fifo[hw.head];
			hw.head = (hw.head + 1) % 64;
			hw.len--;
		}
		return c;
	}
	case UART_IER:
		return hw.ier;
	case UART_IIR:
		if ((hw.ier & UART_IER_RDI) && hw.len)
			return 0xc0 | UART_IIR_RDA;
		if ((hw.ier & UART_IER_THRI) && hw.thri) {
			hw.thri = false;        /* reading IIR clears a THR-empty interrupt */
			return 0xc0 | UART_IIR_THRI;
		}
		return 0xc0 | UART_IIR_NONE;
	case UART_LCR:
		return hw.lcr;
	case UART_MCR:
		return hw.mcr;
	case UART_LSR:
		return (uint8_t)(UART_LSR_THRE | UART_LSR_TEMT | (hw.len ? UART_LSR_DR : 0) |
				 (hw.len ? (hw.fifo[hw.head] >> 8) & UART_LSR_ERR : 0));
	case UART_SCR:
		return hw.scr;
	default:
		return 0xb0;            /* MSR: CTS DSR DCD */
	}
}

static void fake_out(void *ctx, unsigned reg, uint8_t v)
{
	(void)ctx;
	if ((hw.lcr & UART_LCR_DLAB) && reg <= 1) {
		*(reg ? &hw.dlm : &hw.dll) = v;
		return;
	}
	switch (reg) {
	case UART_THR:
		hw.sent[hw.nsent++ % sizeof(hw.sent)] = (char)v;
		hw.thri = true;         /* sent at once: THR empty again */
		break;
	case UART_IER:
		if ((v & UART_IER_THRI) && !(hw.ier & UART_IER_THRI))
			hw.thri = true; /* enabling it with THR empty raises it */
		hw.ier = v;
		hw.ier_writes++;
		break;
	case UART_FCR:
		hw.fcr = v;
		if (v & UART_FCR_CLR_RX)
			hw.len = 0;
		break;
	case UART_LCR:
		hw.lcr = v;
		break;
	case UART_MCR:
		hw.mcr = v;
		break;
	case UART_SCR:
		hw.scr = v;
		break;
	}
}

static const struct suart_io io = { fake_in, fake_out, NULL };
static struct suart U;
static struct esc_seq esc_default;

static void setup(bool dedicated)
{
	char err[80];

	hw_reset();
	assert_int_equal(esc_parse(ESC_DEFAULT, &esc_default, err, sizeof(err)), 0);
	suart_init(&U, &io, &esc_default, dedicated, 500);
}

static uint8_t gin(unsigned reg, uint64_t now)
{
	enum suart_event ev;
	uint8_t v = suart_guest_in(&U, reg, now, &ev);

	assert_int_equal(ev, SUART_EV_NONE);
	return v;
}

static void gout(unsigned reg, uint8_t v)
{
	enum suart_event ev;

	suart_guest_out(&U, reg, v, 0, &ev);
	assert_int_equal(ev, SUART_EV_NONE);
}

/* What the guest reads by polling LSR.DR and RBR, as a polled driver does. */
static size_t guest_read(char *buf, size_t max, uint64_t now)
{
	size_t n = 0;

	while (n < max && (gin(UART_LSR, now) & UART_LSR_DR))
		buf[n++] = (char)gin(UART_RBR, now);
	buf[n] = '\0';
	return n;
}

/* ---- tests ------------------------------------------------------------------------------- */

static void test_passes_ordinary_bytes(void **state)
{
	char buf[64];

	(void)state;
	setup(false);
	hw_rx_str("ls -l\r");
	assert_int_equal(guest_read(buf, 63, 1), 6);
	assert_string_equal(buf, "ls -l\r");
	assert_int_equal(U.st.rx, 6);
	assert_int_equal(U.st.to_guest, 6);
	/* A lone Ctrl-\ waits for the next byte, then both go, in order. */
	hw_rx_str("\x1c");
	assert_int_equal(guest_read(buf, 63, 2), 0);
	hw_rx_str("a");
	assert_int_equal(guest_read(buf, 63, 3), 2);
	assert_string_equal(buf, "\x1c" "a");
}

static void test_escape_hands_over(void **state)
{
	char buf[64];
	enum suart_event ev;

	(void)state;
	setup(false);
	hw_rx_str("x\x1c\x1chelp\r");
	assert_int_equal(suart_guest_in(&U, UART_LSR, 1, &ev) & UART_LSR_DR, UART_LSR_DR);
	assert_int_equal(ev, SUART_EV_ESCAPE);
	assert_int_equal(U.owner, SUART_SVMHV);
	assert_int_equal(U.st.escapes, 1);
	/* The byte before the escape is the guest's, the ones after svmhv's. */
	assert_int_equal(guest_read(buf, 63, 2), 1);
	assert_string_equal(buf, "x");
	assert_int_equal(suart_poll(&U, 3), SUART_EV_NONE);
	for (size_t i = 0; i < 5; i++)
		buf[i] = (char)suart_getc(&U);
	buf[5] = '\0';
	assert_string_equal(buf, "help\r");
	assert_int_equal(suart_getc(&U), -1);
	/* Given back after gdb: its leftovers are dropped; the guest gets bytes again. */
	hw_rx_str("+");
	suart_poll(&U, 4);
	suart_give_back(&U, false, 4);
	assert_int_equal(suart_getc(&U), -1);
	hw_rx_str("y");
	assert_int_equal(guest_read(buf, 63, 5), 1);
	assert_string_equal(buf, "y");
	/* After the monitor: what was typed after "continue" is the guest's. */
	hw_rx_str("\x1c\x1c" "c\rls\r");
	assert_int_equal(suart_poll(&U, 6), SUART_EV_ESCAPE);
	suart_poll(&U, 6);
	assert_int_equal(suart_getc(&U), 'c');
	assert_int_equal(suart_getc(&U), '\r');
	suart_give_back(&U, true, 7);
	assert_int_equal(guest_read(buf, 63, 8), 3);
	assert_string_equal(buf, "ls\r");
}

/* A held partial match is released after the idle time, by suart_poll(). */
static void test_idle_flush(void **state)
{
	char buf[8];

	(void)state;
	setup(false);
	gout(UART_IER, UART_IER_RDI);
	hw_rx_str("\x1c");
	assert_int_equal(suart_poll(&U, 1000), SUART_EV_NONE);
	assert_int_equal(U.rx_len, 0);
	assert_int_equal(suart_poll(&U, 1499), SUART_EV_NONE);
	assert_int_equal(U.rx_len, 0);
	assert_int_equal(suart_poll(&U, 1500), SUART_EV_NONE);
	assert_int_equal(U.rx_len, 1);
	/* The real UART has nothing: svmhv raised THR-empty so the guest's handler runs. */
	assert_true(hw_irq());
	assert_int_equal(U.st.irq_nudges, 1);
	assert_int_equal(gin(UART_IER, 1501), UART_IER_RDI);   /* the guest sees its own IER */
	assert_int_equal(gin(UART_IIR, 1501), 0xc0 | UART_IIR_RDA);
	assert_int_equal(guest_read(buf, 7, 1502), 1);
	assert_int_equal(buf[0], 0x1c);
	assert_int_equal(gin(UART_IIR, 1503), 0xc0 | UART_IIR_NONE);
	assert_int_equal(hw.ier, UART_IER_RDI);
	assert_false(hw_irq());
}

/* The guest's own THR-empty interrupts still reach it; svmhv's never do. */
static void test_iir_thri(void **state)
{
	(void)state;
	setup(false);
	gout(UART_IER, UART_IER_RDI | UART_IER_THRI);
	assert_int_equal(gin(UART_IIR, 1), 0xc0 | UART_IIR_THRI);
	assert_int_equal(gin(UART_IIR, 1), 0xc0 | UART_IIR_NONE);
	gout(UART_THR, 'A');
	assert_int_equal(hw.nsent, 1);
	assert_int_equal(hw.sent[0], 'A');
	/* Received data outranks THR empty, as on the chip. */
	hw_rx_str("z");
	assert_int_equal(gin(UART_IIR, 2), 0xc0 | UART_IIR_RDA);
	assert_int_equal(gin(UART_RBR, 2), 'z');
	assert_int_equal(gin(UART_IIR, 2), 0xc0 | UART_IIR_THRI);
	/* Without the guest's THRI, svmhv's nudge stays invisible. */
	setup(false);
	gout(UART_IER, UART_IER_RDI);
	hw.thri = true;
	hw.ier |= UART_IER_THRI;
	U.ier_real = hw.ier;
	assert_int_equal(gin(UART_IIR, 3), 0xc0 | UART_IIR_NONE);
	assert_int_equal(hw.ier, UART_IER_RDI);
}

/* A break (NUL + BI) reaches the guest with BI, and as a line-status interrupt. */
static void test_line_errors(void **state)
{
	char buf[8];

	(void)state;
	setup(false);
	gout(UART_IER, UART_IER_RDI | UART_IER_RLSI);
	hw_rx("\x1c", 1, 0);
	hw_rx("\0", 1, 0x10);
	hw_rx_str("h");
	assert_int_equal(gin(UART_IIR, 1), 0xc0 | UART_IIR_RDA);       /* the released ^\ */
	assert_int_equal(gin(UART_LSR, 1) & (UART_LSR_DR | UART_LSR_ERR), UART_LSR_DR);
	assert_int_equal(gin(UART_RBR, 1), 0x1c);
	assert_int_equal(gin(UART_IIR, 1), 0xc0 | UART_IIR_RLS);
	assert_int_equal(gin(UART_LSR, 1) & (UART_LSR_DR | UART_LSR_ERR), UART_LSR_DR | 0x10);
	assert_int_equal(gin(UART_RBR, 1), 0);
	assert_int_equal(guest_read(buf, 7, 1), 1);
	assert_string_equal(buf, "h");
}

/* DLAB: offsets 0 and 1 are the divisor; svmhv never writes IER meanwhile. */
static void test_divisor_latch(void **state)
{
	enum suart_event ev;

	(void)state;
	setup(false);
	gout(UART_IER, UART_IER_RDI);
	gout(UART_LCR, 0x83);
	gout(UART_DLL, 1);
	gout(UART_DLM, 0);
	assert_int_equal(hw.dll, 1);
	assert_int_equal(gin(UART_DLL, 1), 1);
	hw_rx_str("\x1c");
	suart_poll(&U, 1);
	suart_poll(&U, 1000);   /* idle: nothing read while DLAB is set */
	assert_int_equal(U.st.rx, 0);
	unsigned writes = hw.ier_writes;
	gout(UART_LCR, 0x03);
	assert_int_equal(hw.ier_writes, writes);
	assert_int_equal(suart_guest_in(&U, UART_LSR, 2000, &ev) & UART_LSR_DR, 0);
	assert_int_equal(U.st.rx, 1);
}

/* The GDB stub has the line while the guest runs: its output waits. */
static void test_hold_tx(void **state)
{
	(void)state;
	setup(false);
	suart_hold_tx(&U, true);
	gout(UART_THR, 'o');
	gout(UART_THR, 'k');
	suart_queue_tx(&U, "[svmhv] x\n");
	assert_int_equal(hw.nsent, 0);
	assert_int_equal(gin(UART_LSR, 1) & (UART_LSR_THRE | UART_LSR_TEMT),
			 UART_LSR_THRE | UART_LSR_TEMT);
	suart_hold_tx(&U, false);
	char out[32];
	int c, n = 0;
	while ((c = suart_tx_pop(&U)) >= 0)
		out[n++] = (char)c;
	out[n] = '\0';
	assert_string_equal(out, "ok[svmhv] x\r\n");
	assert_int_equal(U.st.tx_held, 13);
	/* An interrupt-driven driver gets its THR-empty interrupts while held. */
	suart_hold_tx(&U, true);
	gout(UART_IER, UART_IER_THRI);
	assert_int_equal(gin(UART_IIR, 2), 0xc0 | UART_IIR_THRI);
	assert_false(hw_irq());
	gout(UART_THR, 'x');
	assert_true(hw_irq());
	assert_int_equal(gin(UART_IIR, 2), 0xc0 | UART_IIR_THRI);
	assert_int_equal(hw.nsent, 0);
	suart_tx_pop(&U);
	/* Full: counted, never overwritten. */
	for (unsigned i = 0; i < SUART_TXQ + 5; i++)
		gout(UART_THR, 'a');
	assert_int_equal(U.st.tx_dropped, 5);
	assert_int_equal(U.tx_len, SUART_TXQ);
}

static void test_fifo_clear_and_overflow(void **state)
{
	char buf[8];

	(void)state;
	setup(false);
	hw_rx_str("abc");
	suart_poll(&U, 1);
	assert_int_equal(U.rx_len, 3);
	gout(UART_FCR, UART_FCR_ENABLE | UART_FCR_CLR_RX);
	assert_int_equal(guest_read(buf, 7, 2), 0);
	for (unsigned i = 0; i < SUART_RXQ + 40; i++) {
		hw_rx_str("x");
		suart_poll(&U, 3);
	}
	assert_int_equal(U.rx_len, SUART_RXQ);
	assert_int_equal(U.st.rx_dropped, 40);
}

/* Scratch, MCR, MSR: the real UART's. */
static void test_pass_through(void **state)
{
	(void)state;
	setup(false);
	gout(UART_SCR, 0x5a);
	assert_int_equal(hw.scr, 0x5a);
	assert_int_equal(gin(UART_SCR, 1), 0x5a);
	gout(UART_MCR, 0x0b);
	assert_int_equal(hw.mcr, 0x0b);
	assert_int_equal(gin(UART_MSR, 1), 0xb0);
}

/* svmhv's own UART: '$' or Ctrl-C from gdb starts a session; the rest is dropped. */
static void test_dedicated(void **state)
{
	(void)state;
	setup(true);
	hw_rx_str("noise");
	assert_int_equal(suart_poll(&U, 1), SUART_EV_NONE);
	assert_int_equal(suart_getc(&U), -1);
	hw_rx_str("$qSupported#37");
	assert_int_equal(suart_poll(&U, 2), SUART_EV_GDB);
	assert_int_equal(suart_getc(&U), '$');
	assert_int_equal(suart_getc(&U), 'q');
	suart_set_owner(&U, SUART_GUEST);
	hw_rx_str("\x1c\x1c");
	assert_int_equal(suart_poll(&U, 3), SUART_EV_ESCAPE);
	/* svmhv writes its own replies. */
	assert_true(suart_tx_ready(&U));
	suart_putc(&U, '+');
	assert_int_equal(hw.sent[0], '+');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_passes_ordinary_bytes),
		cmocka_unit_test(test_escape_hands_over),
		cmocka_unit_test(test_idle_flush),
		cmocka_unit_test(test_iir_thri),
		cmocka_unit_test(test_line_errors),
		cmocka_unit_test(test_divisor_latch),
		cmocka_unit_test(test_hold_tx),
		cmocka_unit_test(test_fifo_clear_and_overflow),
		cmocka_unit_test(test_pass_through),
		cmocka_unit_test(test_dedicated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
