/* SPDX-License-Identifier: MIT */
/* What tests/guest/isoattack.c's parts share: results, options, svmhv's facts. */
#ifndef SVMHV_TESTS_GUEST_ISOATTACK_H
#define SVMHV_TESTS_GUEST_ISOATTACK_H

#include <stdbool.h>
#include <stdint.h>

#include "guest-hc.h"
#include "isodev.h"

#define MSI_WINDOW      0xfee00000ull

extern unsigned repeat, dmarepeat;      /* isoattack.repeat=, isoattack.dmarepeat= */
extern struct edu edu;
extern struct page own, own2;           /* two locked pages of ours */
extern uint64_t canary, pool;           /* svmhv's canary page, its reserved memory */

/* "ISOATTACK: ok - name" or "not ok - name: why". */
void report(bool ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Is this attack selected (isoattack.only=)? */
bool run(const char *name);
uint64_t counter(enum svmhv_iso_counter c);
/* Report that svmhv answers, its code is as at setup and no canary page changed. */
void intact(const char *name);

/* Against an svmhv without isolation (tests/guest/isoctl.c). */
void control_attacks(uint64_t pool_size);

/* The interrupt attacks (tests/guest/isoirq.c). */
void ioapic_attack(void);
void msi_attacks(void);
void dma_msi_attack(void);

#endif
