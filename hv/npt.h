/* SPDX-License-Identifier: MIT */
/* svmhv's nested page tables for L1 and its host page tables (hv/npt.c). */
#ifndef SVMHV_HV_NPT_H
#define SVMHV_HV_NPT_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/* The guest-physical limit the tables will map (hv.gpa_bits), from the CPU. */
unsigned hv_npt_gpa_bits(void);
/* L1's at boot (hv.npt, hv.npt_root); adopt boot/'s host tables (hv.host_pt, hv.host_cr3). */
int hv_npt_setup(void);
/* Does the guest see a hole (the blank page) at gpa: svmhv's memory, or above the map? */
bool hv_npt_is_blank(uint64_t gpa);

/*
 * Map [gpa, gpa + size) of L1's physical space to target (NPT_IDENTITY:
 * itself) with perm (NPT_PERM_*), while the guest may be running: every
 * vCPU's TLB contexts are flushed before it runs again, and the call returns
 * once no vCPU can still use the old translation. self: the calling vCPU (in
 * an exit handler), or NULL. 0 or NPT_E*.
 */
int hv_npt_map(uint64_t gpa, uint64_t size, uint64_t target, unsigned perm, struct vcpu *self);

#endif /* SVMHV_HV_NPT_H */
