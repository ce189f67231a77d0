/* SPDX-License-Identifier: MIT */
/*
 * The payload's output: a tiny printf (%s %c %d %u %x, 'l' for 64-bit,
 * width and '0' padding) and the ok/not ok counters. Lines are handed to a
 * writer set by efi_main, so this file needs no EFI types.
 */
#include <stdarg.h>

#include "hv/fmt.h"
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

/* The formatting itself is svmhv's own (hv/fmt.c), linked into the payload. */
int fmt_line(char *buf, size_t size, const char *fmt, va_list ap_in)
{
	va_list ap;
	int n;

	va_copy(ap, ap_in);
	n = hv_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
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

/* One line: line prefix ("PAYLOAD: "), prefix, name [": " detail]. */
static void emit(const char *prefix, const char *name, const char *detail)
{
	char line[PAYLOAD_LINE_MAX];
	int with_detail = detail && detail[0];

	fmt_str(line, sizeof(line), "%s%s%s%s%s", line_prefix, prefix, name,
		with_detail ? ": " : "", with_detail ? detail : "");
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

	fmt_str(text, sizeof(text), "%u passed, %u failed", n_passed, n_failed);
	emit("done ", text, NULL);
}

unsigned report_failed(void)
{
	return n_failed;
}
