/* SPDX-License-Identifier: MIT */
/*
 * svm/asid — static hardware ASIDs (DESIGN.md "The TLB contract").
 * See: AMD64 APM Vol. 2 (rev. 3.42) 15.16 "TLB Control"; the ASID count is
 * CPUID Fn8000_000A_EBX (NASID), ASID 0 belongs to the host.
 *
 * A generic tag pool (a min/max range and a bitmap, like KVM's kvm_tlb_tags
 * in the seed series, patch 04) hands each vCPU its ASIDs once, for its
 * lifetime: no generations, no per-CPU re-allocation, no free on the hot path.
 *
 *   asid_plan()        at boot: can every vCPU get two ASIDs? Decides the mode.
 *   asid_pool_init_hw() the pool of usable tags 1 .. NASID-1.
 *   asid_vcpu_alloc()  per vCPU, in index order: vCPU i gets asid_l1 = base + 2i
 *                      and asid_l2 = asid_l1 + 1 (ASID_MODE_SPLIT), or one ASID
 *                      for both (ASID_MODE_SHARED, the fallback below).
 *   asid_guest_count() what L1 sees in CPUID Fn8000_000A_EBX (seed patch 02):
 *                      the hardware count; L1's ASIDs are virtual and all map
 *                      onto the vCPU's one asid_l2.
 *
 * Fallback (ASID_POLICY_FALLBACK): when the hardware has fewer than
 * 2 * nr_vcpus usable ASIDs, L2 shares L1's ASID (ASID_MODE_SHARED) and
 * svm/tlb flushes the entered context on every nested VMRUN and #VMEXIT.
 * Correct, only slower. ASID_POLICY_STRICT refuses instead. Either way
 * asid_plan() returns the numbers for a clear boot message (see
 * tlb_print_asid_plan()); there is never a silent wrong mapping: a pool that
 * runs dry returns -ASID_ENOSPC, it never hands out a tag twice.
 *
 * Pure: freestanding hypervisor and host unit tests. Not thread-safe: the
 * pool is filled once at boot by the BSP.
 */
#ifndef SVMHV_SVM_ASID_H
#define SVMHV_SVM_ASID_H

#include <stdbool.h>
#include <stdint.h>

#define ASID_EINVAL     22
#define ASID_ENOSPC     28

/* Tags the pool can track; larger hardware counts are clamped (4095 vCPUs). */
#define ASID_POOL_BITS  8192u

struct asid_pool {
	uint32_t min, max;              /* usable tags, inclusive */
	uint32_t hw_count;              /* CPUID Fn8000_000A_EBX, 0 if unknown */
	uint64_t map[ASID_POOL_BITS / 64];      /* bit set = tag in use */
};

enum asid_mode {
	ASID_MODE_SPLIT  = 0,           /* asid_l2 = asid_l1 + 1 */
	ASID_MODE_SHARED = 1,           /* asid_l2 = asid_l1, flush-always */
};

enum asid_policy {
	ASID_POLICY_STRICT   = 0,       /* too few ASIDs for SPLIT: error */
	ASID_POLICY_FALLBACK = 1,       /* too few ASIDs for SPLIT: SHARED */
};

/* One vCPU's hardware ASIDs; l1 == l2 in ASID_MODE_SHARED. */
struct asid_vcpu {
	uint32_t l1, l2;
};

/* The boot-time decision and the numbers behind it. */
struct asid_plan {
	uint32_t hw_count;              /* CPUID Fn8000_000A_EBX */
	uint32_t usable;                /* tags the pool can hand out */
	uint32_t nr_vcpus;
	uint32_t need_split;            /* 2 * nr_vcpus */
	uint32_t need_shared;           /* nr_vcpus */
	enum asid_mode mode;            /* valid when status == 0 */
	int status;                     /* 0 or -ASID_ENOSPC / -ASID_EINVAL */
};

int asid_pool_init(struct asid_pool *p, uint32_t min, uint32_t max);
int asid_pool_init_hw(struct asid_pool *p, uint32_t hw_count);
int asid_alloc(struct asid_pool *p, uint32_t n, uint32_t *first);
void asid_free(struct asid_pool *p, uint32_t first, uint32_t n);
bool asid_in_use(const struct asid_pool *p, uint32_t tag);
uint32_t asid_free_count(const struct asid_pool *p);
uint32_t asid_guest_count(const struct asid_pool *p);

int asid_plan(struct asid_plan *out, uint32_t hw_count, uint32_t nr_vcpus,
	      enum asid_policy policy);
int asid_vcpu_alloc(struct asid_pool *p, enum asid_mode mode, struct asid_vcpu *out);
const char *asid_mode_name(enum asid_mode mode);

#endif /* SVMHV_SVM_ASID_H */
