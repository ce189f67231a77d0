/* SPDX-License-Identifier: MIT */
/*
 * The MTRRs as a guest may change them: a WRMSR to an MTRR passes only if
 * svmhv's own memory stays write-back or uncacheable afterwards. A guest
 * that made it write-combining or write-through would weaken the ordering
 * svmhv's cross-CPU protocols rely on (kicks, TLB requests, locks), since
 * the MTRRs are physical and apply in host mode too. While the MTRRs are
 * off (MTRRdefType.E = 0, the middle of every OS's update sequence) all
 * memory is UC: allowed. See: APM2 7.7 (MTRRs), 7.8 (PAT).
 *
 * Conservative where it is cheap: a variable range with a mask that is not
 * a contiguous run of ones counts as covering everything, and a default
 * type other than WB/UC counts as reaching svmhv's memory. No OS sets
 * either. Pure: host unit tests build it.
 */
#ifndef SVMHV_HV_MTRR_H
#define SVMHV_HV_MTRR_H

#include <stdbool.h>
#include <stdint.h>

#define HV_MTRR_VAR_MAX         8       /* PhysBase/PhysMask 0x200..0x20f */
#define HV_MTRR_FIX_N           11      /* 0x250, 0x258, 0x259, 0x268..0x26f */
#define HV_MTRR_DEF_TYPE        0x2ffu
#define HV_MTRR_CAP             0xfeu

#define MTRR_TYPE_UC            0
#define MTRR_TYPE_WB            6

struct hv_mtrr {
	uint64_t cap;                           /* VCNT [7:0], FIX bit 8 */
	uint64_t def_type;                      /* type [7:0], FE bit 10, E bit 11 */
	uint64_t var[2 * HV_MTRR_VAR_MAX];      /* PhysBase0, PhysMask0, ... */
	uint64_t fix[HV_MTRR_FIX_N];
};

/* The MSR of state slot i (0..hv_mtrr_nmsrs() - 1): def type, variable, fixed. */
unsigned hv_mtrr_nmsrs(void);
uint32_t hv_mtrr_msr(unsigned i);
/* Apply WRMSR(msr, val) to m: 0, or -1 when msr is not an MTRR. */
int hv_mtrr_set(struct hv_mtrr *m, uint32_t msr, uint64_t val);
/* Is all of [base, base + size) WB or UC under m? */
bool hv_mtrr_safe(const struct hv_mtrr *m, uint64_t base, uint64_t size, unsigned maxphyaddr);

#endif /* SVMHV_HV_MTRR_H */
