/* SPDX-License-Identifier: MIT */
/*
 * Counters as console lines: TLB flushes by context and reason, and the ASID
 * plan. One line at a time through a callback, formatted by hv/fmt.c, so the
 * boot log, the CONSOLE_DUMP hypercall and the tests share one wording.
 * Pure: host unit tests build it.
 */
#ifndef SVMHV_HV_STATS_H
#define SVMHV_HV_STATS_H

#include "nested/shadow.h"
#include "svm/asid.h"
#include "svm/tlb.h"

typedef void (*hv_line_fn)(void *arg, const char *line);

/* "tlb: vcpu N asid_l1 A asid_l2 B", then one line per context. */
void hv_stats_tlb(const struct tlb_vcpu *v, hv_line_fn print, void *arg);
/* "asid: H hardware ASIDs (U usable), N vCPUs need M for separate L1/L2 ASIDs: MODE". */
void hv_stats_asid_plan(const struct asid_plan *plan, hv_line_fn print, void *arg);

/* "shadow: vcpu N fills F roots_made M roots_hit H drops D evictions E". */
void hv_stats_shadow(unsigned vcpu, const struct nested_shadow_stats *st, hv_line_fn print,
		     void *arg);

#endif /* SVMHV_HV_STATS_H */
