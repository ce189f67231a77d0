/* SPDX-License-Identifier: MIT */
/*
 * The one logger: a polled 16550 UART. Every line carries the CPU, the level
 * and the subsystem: "[svmhv] cpu0 I hv: message".
 * It never blocks forever: the transmitter wait and the line lock both give up
 * after a bounded spin, so a CPU stopped while holding the lock (or a dead
 * UART) costs garbled output, never a hang.
 */
#ifndef SVMHV_HV_CONSOLE_H
#define SVMHV_HV_CONSOLE_H

#include <stdint.h>

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG, LOG_TRACE };

/* port 0 disables the serial console (messages are dropped). */
void hv_console_init(uint16_t port, enum log_level level);
enum log_level hv_console_level(void);
/* Hook returning the CPU index printed in every line (default: 0). */
void hv_console_set_cpu_hook(unsigned (*hook)(void));

void hv_log(enum log_level level, const char *subsys, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Raw text, no prefix (dumps). */
void hv_console_write(const char *s);

#define hv_err(sub, ...)   hv_log(LOG_ERROR, sub, __VA_ARGS__)
#define hv_warn(sub, ...)  hv_log(LOG_WARN, sub, __VA_ARGS__)
#define hv_info(sub, ...)  hv_log(LOG_INFO, sub, __VA_ARGS__)
#define hv_debug(sub, ...) hv_log(LOG_DEBUG, sub, __VA_ARGS__)
#define hv_trace(sub, ...) hv_log(LOG_TRACE, sub, __VA_ARGS__)

#endif
