/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the shared UART (hv/dbg/uart.c). The input is a program
 * for a guest and a line: each step reads one opcode byte and its operands
 * (guest IN/OUT to any register with any value, bytes arriving on the line
 * with any line-status errors, time passing and polls, the line changing
 * owner, output held and released, svmhv reading and writing). A fake
 * 16550 stands behind it. Checked after every step: the queues stay within
 * their bounds, the guest reads IER as it wrote it, and a byte the guest
 * reads from an empty queue is never made up.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hv/dbg/uart.h"

static struct {
	uint16_t fifo[16];
	unsigned head, len;
	uint8_t regs[8], lcr, dll, dlm;
	int thri;
} hw;

static uint8_t f_in(void *ctx, unsigned reg)
{
	if ((hw.lcr & UART_LCR_DLAB) && reg <= 1)
		return reg ? hw.dlm : hw.dll;
	if (reg == UART_RBR) {
		uint8_t c = 0;

		if (hw.len) {
			c = (uint8_t)hw.fifo[hw.head];
			hw.head = (hw.head + 1) % 16;
			hw.len--;
		}
		return c;
	}
	if (reg == UART_LSR)
		return (uint8_t)(0x60 | (hw.len ? 1 | ((hw.fifo[hw.head] >> 8) & 0x1e) : 0));
	if (reg == UART_IIR) {
		if ((hw.regs[1] & 1) && hw.len)
			return 0xc4;
		if ((hw.regs[1] & 2) && hw.thri) {
			hw.thri = 0;
			return 0xc2;
		}
		return 0xc1;
	}
	return reg == UART_LCR ? hw.lcr : hw.regs[reg & 7];
}

static void f_out(void *ctx, unsigned reg, uint8_t v)
{
	if ((hw.lcr & UART_LCR_DLAB) && reg <= 1) {
		*(reg ? &hw.dlm : &hw.dll) = v;
		return;
	}
	if (reg == UART_LCR)
		hw.lcr = v;
	else if (reg == UART_THR)
		hw.thri = 1;
	else if (reg == UART_IER && (v & 2) && !(hw.regs[1] & 2))
		hw.thri = 1;
	hw.regs[reg & 7] = v;
}

static void rx(uint8_t c, uint8_t err)
{
	if (hw.len < 16)
		hw.fifo[(hw.head + hw.len++) % 16] = (uint16_t)(c | (err & 0x1e) << 8);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct suart_io io = { f_in, f_out, NULL };
	static struct suart u;
	struct esc_seq seq = { .bytes = { 0x1c, 0x1c }, .len = 2 };
	enum suart_event ev;
	uint64_t now = 0;
	uint8_t ier = 0;
	size_t i = 1;

	memset(&hw, 0, sizeof(hw));
	hw.lcr = 3;
	if (size && (data[0] & 1))
		seq.len = 0;                    /* escape=off */
	suart_init(&u, &io, &seq, size && (data[0] & 2), 50);
	while (i + 2 < size) {
		uint8_t op = data[i], a = data[i + 1], b = data[i + 2];

		i += 3;
		switch (op % 10) {
		case 0: suart_guest_in(&u, a, now, &ev); break;
		case 1:
			suart_guest_out(&u, a, b, now, &ev);
			if ((a & 7) == UART_IER && !(u.lcr & UART_LCR_DLAB))
				ier = b;
			break;
		case 2: rx(a, b); break;
		case 3: now += a; suart_poll(&u, now); break;
		case 4:
			if (a & 2)
				suart_give_back(&u, a & 4, now);
			else
				suart_set_owner(&u, a & 1 ? SUART_SVMHV : SUART_GUEST);
			break;
		case 5: suart_hold_tx(&u, a & 1); break;
		case 6: suart_getc(&u); break;
		case 7: suart_tx_pop(&u); break;
		case 8: if (suart_tx_ready(&u)) suart_putc(&u, a); break;
		default: suart_queue_tx(&u, "line\n"); break;
		}
		if (u.rx_len > SUART_RXQ || u.svm_len > SUART_SVMQ || u.tx_len > SUART_TXQ)
			abort();
		if (!(u.lcr & UART_LCR_DLAB) && suart_guest_in(&u, UART_IER, now, &ev) != ier)
			abort();
		if (!u.rx_len && !hw.len && !(u.lcr & UART_LCR_DLAB) &&
		    suart_guest_in(&u, UART_LSR, now, &ev) & UART_LSR_DR)
			abort();
	}
	return 0;
}
