/* SPDX-License-Identifier: MIT */
/*
 * The payload's output: a tiny printf (%s %c %d %u %x, 'l' for 64-bit,
 * width and '0' padding) and the ok/not ok counters. Lines are handed to a
 * writer set by efi_main, so this file needs no EFI types.
 */
#include <stdarg.h>

#include "tests/payload/payload.h"

static void (*line_writer)(const char *line);
static unsigned n_passed, n_failed;
static const char *line_prefix = "PAYLOAD: ";

size_t str_len(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int mem_eq(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return 0;
	return 1;
}

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len++] = c;
}

static void put_num(struct out *o, uint64_t v, unsigned base, int neg,
		    unsigned width, char pad)
{
	char tmp[24];
	unsigned n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		tmp[n++] = '-';
	while (width > n) {
		put(o, pad);
		width--;
	}
	while (n)
		put(o, tmp[--n]);
}

static void put_conv(struct out *o, char conv, int is_long, unsigned width,
		     char pad, va_list *ap)
{
	uint64_t u;
	int64_t s;

	switch (conv) {
	case 's':
		for (const char *p = va_arg(*ap, const char *); *p; p++)
			put(o, *p);
		break;
	case 'c':
		put(o, (char)va_arg(*ap, int));
		break;
	case 'd':
		s = is_long ? va_arg(*ap, int64_t) : va_arg(*ap, int);
		u = s < 0 ? 0 - (uint64_t)s : (uint64_t)s;
		put_num(o, u, 10, s < 0, width, pad);
		break;
	case 'u':
	case 'x':
		u = is_long ? va_arg(*ap, uint64_t) : va_arg(*ap, unsigned);
		put_num(o, u, conv == 'u' ? 10 : 16, 0, width, pad);
		break;
	default:
		put(o, '%');
		put(o, conv);
	}
}

int fmt_line(char *buf, size_t size, const char *fmt, va_list ap_in)
{
	struct out o = { buf, size, 0 };
	va_list ap;

	va_copy(ap, ap_in);

	for (const char *p = fmt; *p; p++) {
		unsigned width = 0;
		int is_long = 0;
		char pad = ' ';

		if (*p != '%') {
			put(&o, *p);
			continue;
		}
		p++;
		if (*p == '0')
			pad = '0';
		while (*p >= '0' && *p <= '9')
			width = width * 10 + (unsigned)(*p++ - '0');
		while (*p == 'l') {
			is_long = 1;
			p++;
		}
		if (!*p)
			break;
		put_conv(&o, *p, is_long, width, pad, &ap);
	}
	va_end(ap);
	if (size)
		buf[o.len] = 0;
	return (int)o.len;
}

int fmt_str(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_line(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void report_set_prefix(const char *prefix)
{
	line_prefix = prefix;
}

void report_init(void (*write_line)(const char *line))
{
	line_writer = write_line;
	n_passed = n_failed = 0;
}

static void put_str(struct out *o, const char *s)
{
	while (*s)
		put(o, *s++);
}

/* One line: line prefix ("PAYLOAD: "), prefix, name [": " detail]. */
static void emit(const char *prefix, const char *name, const char *detail)
{
	char line[PAYLOAD_LINE_MAX];
	struct out o = { line, sizeof(line), 0 };

	put_str(&o, line_prefix);
	put_str(&o, prefix);
	put_str(&o, name);
	if (detail && detail[0]) {
		put_str(&o, ": ");
		put_str(&o, detail);
	}
	line[o.len] = 0;
	line_writer(line);
}

void report_ok(const char *name)
{
	n_passed++;
	emit("ok - ", name, NULL);
}

static void fail_v(const char *name, const char *fmt, va_list ap)
{
	char detail[PAYLOAD_LINE_MAX];

	n_failed++;
	fmt_line(detail, sizeof(detail), fmt, ap);
	emit("not ok - ", name, detail);
}

void report_fail(const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail_v(name, fmt, ap);
	va_end(ap);
}

int report_check(int cond, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (cond) {
		report_ok(name);
		return 1;
	}
	va_start(ap, fmt);
	fail_v(name, fmt, ap);
	va_end(ap);
	return 0;
}

void report_diag(const char *fmt, ...)
{
	char text[PAYLOAD_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	fmt_line(text, sizeof(text), fmt, ap);
	va_end(ap);
	emit("# ", text, NULL);
}

void report_done(void)
{
	char text[PAYLOAD_LINE_MAX];
	struct out o = { text, sizeof(text), 0 };

	put_num(&o, n_passed, 10, 0, 0, ' ');
	put_str(&o, " passed, ");
	put_num(&o, n_failed, 10, 0, 0, ' ');
	put_str(&o, " failed");
	text[o.len] = 0;
	emit("done ", text, NULL);
}

unsigned report_failed(void)
{
	return n_failed;
}
