/* SPDX-License-Identifier: MIT */
/* Minimal printf-style formatter shared by the console and the boot path. Pure. */
#ifndef SVMHV_HV_FMT_H
#define SVMHV_HV_FMT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Supports %s %c %d %i %u %x %X %p %%, length modifiers l, ll, z, a field
 * width with '0' or '-' flags, '*' width, and a precision for %s (%.12s,
 * %.*s: at most that many bytes are read). Always NUL-terminates when n > 0
 * and returns the number of characters written (truncated output is counted
 * as written, unlike C99, so callers can append safely).
 */
int hv_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
int hv_snprintf(char *buf, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
