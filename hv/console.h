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

#include <stdbool.h>
#include <stdint.h>

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG, LOG_TRACE };

/*
 * Is there a 16550 at port? Its scratch register keeps what is written,
 * and the line status is not a floating bus (0xff). See: PC16550D SCR, LSR.
 */
bool hv_uart_present(uint16_t port);
/* port 0 disables the serial console (messages are dropped). */
void hv_console_init(uint16_t port, enum log_level level);
/* An svmhv running under svmhv (nesting level > 0) prefixes "[svmhv.LEVEL]". */
void hv_console_set_level_tag(uint32_t level);
enum log_level hv_console_level(void);
/*
 * Run-time control (the monitor's "log"): the level, and one bit per area of
 * hv_log_areas[] (the subsystem prefix); an area's info, debug and trace
 * lines print only while its bit is set, errors and warnings always.
 */
#define HV_LOG_NR_AREAS 14
extern const char *const hv_log_areas[HV_LOG_NR_AREAS];
uint32_t hv_console_areas(void);
void hv_console_set(enum log_level level, uint32_t areas);
uint16_t hv_console_port(void);
/*
 * While fn is set, console text goes to fn instead of the UART: the shared
 * line is the GDB stub's, and svmhv's lines wait in a queue (hv/dbg/line.c).
 */
void hv_console_divert(void (*fn)(const char *s));
/* The console's line lock, for one byte the guest sends on the same UART. */
bool hv_console_lock(void);
void hv_console_unlock(bool held);
/* Hook returning the CPU index printed in every line (default: 0). */
void hv_console_set_cpu_hook(unsigned (*hook)(void));

void hv_log(enum log_level level, const char *subsys, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Raw text, no prefix (dumps). */
void hv_console_write(const char *s);

/*
 * A guest can make svmhv log at will (refused MSRs, dropped stores, bad
 * VMRUN operands...), and a flooded serial line stalls the CPU that prints.
 * So every error, warning, debug and trace line is limited per call site:
 * the first HV_LOG_BURST occurrences print, then only occurrences 2^k
 * (16, 32, 64, ...), each saying how many were suppressed so far. Counting,
 * not timing: deterministic, and bounded to log2(n) lines for n events.
 * hv_info is not limited (boot and set-up lines, one per CPU).
 */
#define HV_LOG_BURST    8u

struct hv_ratelimit {
	uint32_t count;                 /* occurrences, atomic */
	uint32_t epoch;                 /* hv_ratelimit_reset() generation */
};

/* Should occurrence number (returned in *n) print? */
bool hv_ratelimit_pass(struct hv_ratelimit *rl, uint32_t *n);
/* Start every limiter afresh (host tests, which run svmhv many times). */
void hv_ratelimit_reset(void);
void hv_log_limited(struct hv_ratelimit *rl, enum log_level level, const char *subsys,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#define HV_LOG_LIMITED(level, sub, ...) \
	do { static struct hv_ratelimit hv_rl_; \
	     hv_log_limited(&hv_rl_, level, sub, __VA_ARGS__); } while (0)

#define hv_err(sub, ...)   HV_LOG_LIMITED(LOG_ERROR, sub, __VA_ARGS__)
#define hv_warn(sub, ...)  HV_LOG_LIMITED(LOG_WARN, sub, __VA_ARGS__)
#define hv_info(sub, ...)  hv_log(LOG_INFO, sub, __VA_ARGS__)
#define hv_debug(sub, ...) HV_LOG_LIMITED(LOG_DEBUG, sub, __VA_ARGS__)
#define hv_trace(sub, ...) HV_LOG_LIMITED(LOG_TRACE, sub, __VA_ARGS__)

#endif
