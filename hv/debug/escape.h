/* SPDX-License-Identifier: MIT */
/*
 * The console escape filter. svmhv shares one UART with the guest: every byte
 * received goes through esc_feed(), which hands it on to the guest unless it
 * is part of the escape sequence that opens svmhv's monitor. A partial match is
 * held back and released unchanged, in order, as soon as it cannot complete
 * (or when the caller flushes it after an idle time), so the guest loses
 * nothing and sees nothing reordered.
 *
 * Pure: freestanding hypervisor and host unit tests. See docs/debugging-core.md
 * for the choice of the default sequence.
 */
#ifndef SVMHV_HV_DEBUG_ESCAPE_H
#define SVMHV_HV_DEBUG_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ESC_MIN_LEN     2       /* one keystroke must never open the monitor */
#define ESC_MAX_LEN     8
#define ESC_TEXT_MAX    48      /* longest config string esc_parse() accepts */
#define ESC_DEFAULT     "^\\^\\"        /* Ctrl-\ twice: bytes 0x1c 0x1c */

/* An escape sequence; len == 0 means "off" (every byte goes to the guest). */
struct esc_seq {
	uint8_t bytes[ESC_MAX_LEN];
	uint8_t len;
};

struct esc_filter {
	struct esc_seq seq;
	uint8_t held;           /* the last @held bytes seen equal seq.bytes[0..held) */
};

/*
 * Parse a config string in caret notation: "^\^\" (default), "^]^]x", "off".
 * ^@..^_ and ^a..^z are control characters 0x00..0x1f, ^? is DEL, \xHH any
 * byte, \^ and \\ a literal caret or backslash, other printable characters
 * stand for themselves. Returns 0, or -1 with a one-line reason in @err.
 */
int esc_parse(const char *text, struct esc_seq *seq, char *err, size_t errlen);

/* Caret notation of @seq ("off" when disabled) into buf; returns its length. */
size_t esc_format(const struct esc_seq *seq, char *buf, size_t n);

void esc_init(struct esc_filter *f, const struct esc_seq *seq);

/*
 * Feed one received byte. The bytes now due to the guest (0..ESC_MAX_LEN) are
 * written to out[], their count to *nout. Returns true when the sequence has
 * just completed: the monitor should open; its bytes are consumed.
 */
bool esc_feed(struct esc_filter *f, uint8_t byte, uint8_t out[ESC_MAX_LEN], size_t *nout);

/* Release a held partial match (idle timeout, or the line changes owner). */
size_t esc_flush(struct esc_filter *f, uint8_t out[ESC_MAX_LEN]);

#endif /* SVMHV_HV_DEBUG_ESCAPE_H */
