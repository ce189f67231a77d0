/* SPDX-License-Identifier: MIT */
#include "hv/fmt.h"

#include <stdbool.h>
#include <stdint.h>

struct out {
	char *buf;
	size_t n, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->n)
		o->buf[o->len++] = c;
}

static void put_padded(struct out *o, const char *s, size_t slen, int width, bool left, char pad)
{
	int fill = width > (int)slen ? width - (int)slen : 0;

	if (!left)
		while (fill-- > 0)
			put(o, pad);
	while (slen--)
		put(o, *s++);
	if (left)
		while (fill-- > 0)
			put(o, ' ');
}

static void put_number(struct out *o, uint64_t v, bool neg, unsigned base, bool upper,
		       int width, bool left, char pad)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = digits[v % base];
		v /= base;
	} while (v);
	if (neg) {
		if (pad == '0') {       /* sign goes before the zero padding */
			put(o, '-');
			width = width > 0 ? width - 1 : 0;
		} else {
			tmp[--i] = '-';
		}
	}
	put_padded(o, &tmp[i], sizeof(tmp) - i, width, left, pad);
}

/* Length of s, at most max (negative: no limit); bytes past max are not read. */
static size_t str_len(const char *s, int max)
{
	size_t n = 0;

	while ((max < 0 || n < (size_t)max) && s[n])
		n++;
	return n;
}

int hv_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
	struct out o = { buf, n, 0 };

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		bool left = false;
		char pad = ' ';
		int width = 0, lng = 0, prec = -1;

		for (fmt++; *fmt == '-' || *fmt == '0'; fmt++) {
			if (*fmt == '-')
				left = true;
			else
				pad = '0';
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			fmt++;
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			width = width * 10 + (*fmt - '0');
		if (*fmt == '.') {              /* precision: at most prec chars of %s */
			prec = 0;
			if (*++fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			}
			for (; *fmt >= '0' && *fmt <= '9'; fmt++)
				prec = prec * 10 + (*fmt - '0');
		}
		for (; *fmt == 'l' || *fmt == 'z'; fmt++)
			lng++;
		if (left)
			pad = ' ';

		uint64_t u;
		int64_t s;

		switch (*fmt) {
		case 'd':
		case 'i':
			s = lng ? va_arg(ap, long long) : va_arg(ap, int);
			u = s < 0 ? (uint64_t)0 - (uint64_t)s : (uint64_t)s;
			put_number(&o, u, s < 0, 10, false, width, left, pad);
			break;
		case 'u':
		case 'x':
		case 'X':
			u = lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned int);
			put_number(&o, u, false, *fmt == 'u' ? 10 : 16, *fmt == 'X', width, left, pad);
			break;
		case 'p':
			u = (uint64_t)(uintptr_t)va_arg(ap, void *);
			put(&o, '0');
			put(&o, 'x');
			put_number(&o, u, false, 16, false, 16, false, '0');
			break;
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *str = va_arg(ap, const char *);

			size_t len;

			if (!str)
				str = "(null)";
			len = str_len(str, prec);
			put_padded(&o, str, len, width, left, ' ');
			break;
		}
		case '%':
			put(&o, '%');
			break;
		case '\0':
			fmt--;          /* trailing '%': stop at the terminator */
			break;
		default:
			put(&o, '%');
			put(&o, *fmt);
			break;
		}
	}
	if (n)
		buf[o.len] = '\0';
	return (int)o.len;
}

int hv_snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = hv_vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}
