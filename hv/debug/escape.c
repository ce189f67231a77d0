/* SPDX-License-Identifier: MIT */
/*
 * Console escape filter (see escape.h). Matching is a tiny KMP: on a mismatch
 * the held bytes plus the new one are searched for the longest tail that is
 * still a prefix of the sequence; everything before that tail is released.
 * With at most ESC_MAX_LEN bytes held, brute force is cheaper than a table.
 */
#include "hv/debug/escape.h"

#include "hv/fmt.h"

/*
 * First bytes that would be held back on every ordinary keystroke or line
 * event, delaying it until the next byte: break/NUL, ^C ^D ^Z (job control),
 * BS TAB LF CR (editing), ^Q ^S (XON/XOFF flow control), ESC (every arrow and
 * function key starts with it) and DEL (backspace on most terminals).
 */
static bool bad_first_byte(uint8_t b)
{
	static const uint8_t busy[] = {
		0x00, 0x03, 0x04, 0x08, 0x09, 0x0a, 0x0d, 0x11, 0x13, 0x1a, 0x1b, 0x7f,
	};
	size_t i;

	if (b >= 0x20 && b < 0x7f)
		return true;    /* printable: ordinary typing would match it */
	for (i = 0; i < sizeof(busy); i++)
		if (busy[i] == b)
			return true;
	return false;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* One notation element at text[*i]; returns the byte, or -1 with @err set. */
static int parse_one(const char *text, size_t *i, char *err, size_t errlen)
{
	char c = text[(*i)++];

	if (c == '^') {
		char x = text[*i];

		if (!x) {
			hv_snprintf(err, errlen, "escape: '^' at the end needs a character");
			return -1;
		}
		(*i)++;
		if (x == '?')
			return 0x7f;
		if (x >= 'a' && x <= 'z')
			x = (char)(x - 'a' + 'A');
		if (x >= '@' && x <= '_')
			return x & 0x1f;
		hv_snprintf(err, errlen, "escape: '^%c' is not a control character "
			    "(use ^@..^_, ^a..^z or ^?)", x);
		return -1;
	}
	if (c == '\\') {
		char x = text[*i];

		if (x)
			(*i)++;
		if (x == '\\' || x == '^')
			return x;
		if (x == 'x') {
			int hi = hexval(text[*i]), lo = hi < 0 ? -1 : hexval(text[*i + 1]);

			if (lo >= 0) {
				*i += 2;
				return hi << 4 | lo;
			}
		}
		hv_snprintf(err, errlen, "escape: bad '\\' escape (use \\xHH, \\\\ or \\^)");
		return -1;
	}
	if ((uint8_t)c < 0x20 || (uint8_t)c >= 0x7f) {
		hv_snprintf(err, errlen, "escape: raw byte 0x%02x; write control "
			    "characters as ^X or \\xHH", (uint8_t)c);
		return -1;
	}
	return c;
}

static bool is_off(const char *t)
{
	return (t[0] == 'o' && t[1] == 'f' && t[2] == 'f' && !t[3]) ||
	       (t[0] == 'n' && t[1] == 'o' && t[2] == 'n' && t[3] == 'e' && !t[4]);
}

int esc_parse(const char *text, struct esc_seq *seq, char *err, size_t errlen)
{
	struct esc_seq s = { .len = 0 };
	size_t i = 0;

	if (!text || !text[0]) {
		hv_snprintf(err, errlen, "escape: empty (use \"off\" to disable)");
		return -1;
	}
	if (is_off(text)) {
		*seq = s;
		return 0;
	}
	while (text[i]) {
		int b;

		if (i >= ESC_TEXT_MAX || s.len == ESC_MAX_LEN) {
			hv_snprintf(err, errlen, "escape: longer than %d bytes", ESC_MAX_LEN);
			return -1;
		}
		b = parse_one(text, &i, err, errlen);
		if (b < 0)
			return -1;
		s.bytes[s.len++] = (uint8_t)b;
	}
	if (s.len < ESC_MIN_LEN) {
		hv_snprintf(err, errlen, "escape: needs at least %d bytes", ESC_MIN_LEN);
		return -1;
	}
	if (bad_first_byte(s.bytes[0])) {
		hv_snprintf(err, errlen, "escape: must start with a rarely typed control "
			    "character such as ^\\ ^] ^^ ^_ (not printable, NUL, ^C ^D ^H ^I "
			    "^J ^M ^Q ^S ^Z ESC or DEL)");
		return -1;
	}
	*seq = s;
	return 0;
}

size_t esc_format(const struct esc_seq *seq, char *buf, size_t n)
{
	size_t len = 0, i;

	if (!seq->len)
		return (size_t)hv_snprintf(buf, n, "off");
	if (n)
		buf[0] = '\0';
	for (i = 0; i < seq->len; i++) {
		uint8_t b = seq->bytes[i];
		char one[8];

		if (b < 0x20)
			hv_snprintf(one, sizeof(one), "^%c", b + '@');
		else if (b == 0x7f)
			hv_snprintf(one, sizeof(one), "^?");
		else if (b == '^' || b == '\\')
			hv_snprintf(one, sizeof(one), "\\%c", b);
		else if (b > 0x7f)
			hv_snprintf(one, sizeof(one), "\\x%02x", b);
		else
			hv_snprintf(one, sizeof(one), "%c", b);
		len += (size_t)hv_snprintf(buf + len, n > len ? n - len : 0, "%s", one);
	}
	return len;
}

void esc_init(struct esc_filter *f, const struct esc_seq *seq)
{
	f->seq = *seq;
	f->held = 0;
}

/* Is cand[from..k] (k - from + 1 bytes) a prefix of the sequence? */
static bool tail_is_prefix(const struct esc_seq *s, const uint8_t *cand, size_t from, size_t k)
{
	size_t j;

	for (j = from; j <= k; j++)
		if (cand[j] != s->bytes[j - from])
			return false;
	return true;
}

bool esc_feed(struct esc_filter *f, uint8_t byte, uint8_t out[ESC_MAX_LEN], size_t *nout)
{
	const struct esc_seq *s = &f->seq;
	uint8_t cand[ESC_MAX_LEN];
	size_t k = f->held, from, j;

	*nout = 0;
	if (!s->len) {
		out[(*nout)++] = byte;
		return false;
	}
	if (byte == s->bytes[k]) {
		f->held = (uint8_t)(k + 1);
		if (f->held < s->len)
			return false;
		f->held = 0;
		return true;
	}
	/* Held bytes are seq[0..k); with the new byte that is k + 1 <= len bytes. */
	for (j = 0; j < k; j++)
		cand[j] = s->bytes[j];
	cand[k] = byte;
	for (from = 1; from <= k; from++)
		if (tail_is_prefix(s, cand, from, k))
			break;
	for (j = 0; j < from; j++)
		out[(*nout)++] = cand[j];
	f->held = (uint8_t)(k + 1 - from);
	return false;
}

size_t esc_flush(struct esc_filter *f, uint8_t out[ESC_MAX_LEN])
{
	size_t n = f->held, j;

	for (j = 0; j < n; j++)
		out[j] = f->seq.bytes[j];
	f->held = 0;
	return n;
}
