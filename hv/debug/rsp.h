/* SPDX-License-Identifier: MIT */
/*
 * GDB Remote Serial Protocol framing, one byte at a time.
 * See: GDB manual (gdb 13), Appendix E "GDB Remote Serial Protocol",
 * E.1 "Overview" (packets, checksums, acks, escaping, run-length encoding),
 * E.9 "Interrupts" (the 0x03 byte) and E.11 "Packet Acknowledgment".
 *
 * Input: `$data#cs`, checksum = sum of the raw bytes between '$' and '#'
 * modulo 256 as two hex digits; '}' escapes the next byte (XOR 0x20), which
 * is how gdb sends binary X packets. gdb never run-length encodes what it
 * sends (RLE is for responses only), so '*' is an ordinary data byte here.
 * A good packet is acked '+', a bad checksum '-' (gdb resends); a packet
 * longer than RSP_MAX_PACKET is consumed and reported as RSP_TOO_LONG, never
 * stored past the buffer. 0x03 between packets is an interrupt.
 *
 * Output: replies are built with rsp_begin/put/end; the last one is kept
 * and sent again when gdb answers '-', up to RSP_MAX_RETRIES times.
 *
 * Pure: freestanding hypervisor and host unit tests.
 */
#ifndef SVMHV_HV_DEBUG_RSP_H
#define SVMHV_HV_DEBUG_RSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RSP_MAX_PACKET  4096    /* payload bytes we accept; advertised as PacketSize */
#define RSP_OUT_MAX     (2 * RSP_MAX_PACKET + 8)        /* escaped payload, $, #cs */
#define RSP_MAX_RETRIES 8

enum rsp_event {
	RSP_NONE,               /* nothing complete yet */
	RSP_PACKET,             /* r->pkt[0..pkt_len) holds a verified packet (NUL after it) */
	RSP_INTERRUPT,          /* 0x03 outside a packet: gdb's Ctrl-C */
	RSP_TOO_LONG,           /* a packet over RSP_MAX_PACKET was dropped (acked) */
};

enum rsp_state { RSP_IDLE, RSP_DATA, RSP_ESCAPE, RSP_CSUM_HI, RSP_CSUM_LO };

struct rsp_stats {
	uint64_t packets, bad_checksums, too_long, retransmits, noise;
};

struct rsp {
	/* output: the transport, e.g. the UART */
	void (*write)(void *ctx, const uint8_t *buf, size_t len);
	void *ctx;
	bool no_ack;            /* QStartNoAckMode in force */

	enum rsp_state state;
	uint8_t sum, csum;
	bool overflow, csum_bad;
	size_t pkt_len;
	uint8_t pkt[RSP_MAX_PACKET + 1];

	uint8_t out[RSP_OUT_MAX];
	size_t out_len;         /* framed bytes of the reply being built or last sent */
	bool building, overrun;
	uint8_t out_sum;
	bool awaiting_ack;
	unsigned retries;
	struct rsp_stats stats;
};

void rsp_init(struct rsp *r, void (*write)(void *ctx, const uint8_t *buf, size_t len),
	      void *ctx);
enum rsp_event rsp_input(struct rsp *r, uint8_t byte);

/* Reply construction: begin, any number of puts, end (which sends it). */
void rsp_begin(struct rsp *r);
void rsp_put_text(struct rsp *r, const char *s);        /* no '$' '#' '*' '}' allowed */
void rsp_put_hex(struct rsp *r, const void *data, size_t len);
void rsp_put_binary(struct rsp *r, const void *data, size_t len);       /* '}'-escaped */
/* Returns false (and sends "E.reply too long" instead) if the reply did not fit. */
bool rsp_end(struct rsp *r);
void rsp_send(struct rsp *r, const char *s);            /* begin + put_text + end */

/* Free space for raw payload bytes, so callers can size a reply (e.g. 'm'). */
size_t rsp_room(const struct rsp *r);

int rsp_hexval(uint8_t c);

#endif /* SVMHV_HV_DEBUG_RSP_H */
