/* SPDX-License-Identifier: MIT */
/* GDB remote protocol framing (see rsp.h). */
#include "hv/debug/rsp.h"

static const char hexdig[] = "0123456789abcdef";

int rsp_hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void rsp_init(struct rsp *r, void (*write)(void *ctx, const uint8_t *buf, size_t len),
	      void *ctx)
{
	r->write = write;
	r->ctx = ctx;
	r->no_ack = false;
	r->state = RSP_IDLE;
	r->pkt_len = 0;
	r->out_len = 0;
	r->building = false;
	r->awaiting_ack = false;
	r->retries = 0;
	r->stats = (struct rsp_stats){ 0 };
}

static void send_raw(struct rsp *r, const uint8_t *buf, size_t len)
{
	if (r->write)
		r->write(r->ctx, buf, len);
}

/* gdb answered our last reply: '+' forgets it, '-' sends it again. */
static void got_ack(struct rsp *r, bool good)
{
	if (r->no_ack || !r->awaiting_ack)
		return;
	if (good || r->retries >= RSP_MAX_RETRIES) {
		r->awaiting_ack = false;
		return;
	}
	r->retries++;
	r->stats.retransmits++;
	send_raw(r, r->out, r->out_len);
}

static enum rsp_event idle_byte(struct rsp *r, uint8_t byte)
{
	switch (byte) {
	case '$':
		r->state = RSP_DATA;
		r->pkt_len = 0;
		r->sum = 0;
		r->overflow = false;
		r->csum_bad = false;
		return RSP_NONE;
	case 0x03:
		return RSP_INTERRUPT;
	case '+':
	case '-':
		got_ack(r, byte == '+');
		return RSP_NONE;
	default:
		r->stats.noise++;       /* line noise, or gdb's stray bytes */
		return RSP_NONE;
	}
}

static void store(struct rsp *r, uint8_t byte)
{
	if (r->pkt_len < RSP_MAX_PACKET)
		r->pkt[r->pkt_len++] = byte;
	else
		r->overflow = true;
}

static enum rsp_event finish(struct rsp *r)
{
	static const uint8_t ack = '+', nack = '-';

	r->state = RSP_IDLE;
	if (r->csum_bad || r->csum != r->sum) {
		r->stats.bad_checksums++;
		if (!r->no_ack)
			send_raw(r, &nack, 1);
		return RSP_NONE;
	}
	if (!r->no_ack)
		send_raw(r, &ack, 1);
	/* A new packet from gdb means it took our last reply. */
	r->awaiting_ack = false;
	if (r->overflow) {
		r->stats.too_long++;
		return RSP_TOO_LONG;
	}
	r->pkt[r->pkt_len] = '\0';
	r->stats.packets++;
	return RSP_PACKET;
}

/* Two hex digits; anything else makes the checksum fail, so gdb resends. */
static enum rsp_event csum_digit(struct rsp *r, uint8_t byte)
{
	int v = rsp_hexval(byte);

	if (v < 0)
		r->csum_bad = true;
	if (r->state == RSP_CSUM_HI) {
		r->csum = (uint8_t)((v & 15) << 4);
		r->state = RSP_CSUM_LO;
		return RSP_NONE;
	}
	r->csum = (uint8_t)(r->csum | (v & 15));
	return finish(r);
}

enum rsp_event rsp_input(struct rsp *r, uint8_t byte)
{
	switch (r->state) {
	case RSP_IDLE:
		return idle_byte(r, byte);
	case RSP_DATA:
		if (byte == '#') {
			r->state = RSP_CSUM_HI;
			return RSP_NONE;
		}
		if (byte == '$') {      /* gdb gave up on a packet and started over */
			r->stats.noise++;
			return idle_byte(r, byte);
		}
		r->sum = (uint8_t)(r->sum + byte);
		if (byte == '}')
			r->state = RSP_ESCAPE;
		else
			store(r, byte);
		return RSP_NONE;
	case RSP_ESCAPE:
		r->sum = (uint8_t)(r->sum + byte);
		store(r, byte ^ 0x20);
		r->state = RSP_DATA;
		return RSP_NONE;
	case RSP_CSUM_HI:
	case RSP_CSUM_LO:
		return csum_digit(r, byte);
	}
	r->state = RSP_IDLE;
	return RSP_NONE;
}

/* ---- replies ------------------------------------------------------------- */

void rsp_begin(struct rsp *r)
{
	r->out[0] = '$';
	r->out_len = 1;
	r->out_sum = 0;
	r->building = true;
	r->overrun = false;
}

size_t rsp_room(const struct rsp *r)
{
	size_t used = r->out_len + 3;   /* '#' and two checksum digits */

	return used < RSP_OUT_MAX ? RSP_OUT_MAX - used : 0;
}

static void put_byte(struct rsp *r, uint8_t b)
{
	if (rsp_room(r) < 1) {
		r->overrun = true;
		return;
	}
	r->out[r->out_len++] = b;
	r->out_sum = (uint8_t)(r->out_sum + b);
}

void rsp_put_text(struct rsp *r, const char *s)
{
	for (; *s; s++) {
		uint8_t b = (uint8_t)*s;

		/* these would frame, escape or run-length encode: never in text */
		if (b == '$' || b == '#' || b == '*' || b == '}')
			b = '_';
		put_byte(r, b);
	}
}

void rsp_put_hex(struct rsp *r, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i < len; i++) {
		put_byte(r, (uint8_t)hexdig[p[i] >> 4]);
		put_byte(r, (uint8_t)hexdig[p[i] & 15]);
	}
}

void rsp_put_binary(struct rsp *r, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i < len; i++) {
		uint8_t b = p[i];

		if (b == '$' || b == '#' || b == '}' || b == '*') {
			put_byte(r, '}');
			b ^= 0x20;
		}
		put_byte(r, b);
	}
}

bool rsp_end(struct rsp *r)
{
	bool ok = !r->overrun;

	if (!ok) {
		rsp_begin(r);
		rsp_put_text(r, "E.reply too long");
	}
	r->out[r->out_len++] = '#';
	r->out[r->out_len++] = (uint8_t)hexdig[r->out_sum >> 4];
	r->out[r->out_len++] = (uint8_t)hexdig[r->out_sum & 15];
	r->building = false;
	r->awaiting_ack = !r->no_ack;
	r->retries = 0;
	send_raw(r, r->out, r->out_len);
	return ok;
}

void rsp_send(struct rsp *r, const char *s)
{
	rsp_begin(r);
	rsp_put_text(r, s);
	rsp_end(r);
}
