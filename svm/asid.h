/* SPDX-License-Identifier: MIT */
/*
 * svm/asid — static hardware ASIDs (DESIGN.md "The TLB contract").
 * See: AMD64 APM Vol. 2 (rev. 3.42) 15.16 "TLB Control"; the ASID count is
 * CPUID Fn8000_000A_EBX (NASID), ASID 0 belongs to the host.
 *
 * A generic tag pool (a min/max range and a bitmap, like KVM's kvm_tlb_tags
 * in the seed series, patch 04) hands each vCPU its ASIDs once, for its
 * lifetime: no generations, no re-allocation, no free on the hot path.
 *
 * ASIDs tag one CPU's TLB, and every svmhv vCPU is pinned to its own pCPU, so
 * the pool is per pCPU (KVM allocates per CPU too: svm_cpu_data's ASID
 * generation): every vCPU gets the same numbers, on its own TLB, whatever
 * the CPU count. The seed series drew them from one global pool because KVM's
 * vCPUs migrate between pCPUs; svmhv's never do.
 *
 *   asid_plan()        at boot: does a pCPU's pool hold two ASIDs (NASID >= 3, which
 *                      svm_detect() requires anyway)? The numbers for the boot line.
 *   asid_pool_init_hw() a pCPU's pool of usable tags 1 .. NASID-1.
 *   asid_vcpu_alloc()  the vCPU of that pCPU: asid_l1 = 1, and n_l2 ASIDs for L2
 *                      from 2 on (up to ASID_L2_MAX, as the pool allows).
 *   asid_guest_count() what L1 sees in CPUID Fn8000_000A_EBX (seed patch 02):
 *                      the hardware count; L1's ASIDs are virtual: svm/tlb maps
 *                      the ones L1 runs onto the vCPU's L2 ASIDs (LRU).
 *
 * L1 and L2 never share an ASID, so no nested transition needs a flush for
 * that (the seed's shared-ASID fallback for machines with fewer than two ASIDs
 * per vCPU is gone: per-pCPU pools always have them). A pool that runs dry
 * returns -ASID_ENOSPC; it never hands out a tag twice.
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

/* Tags a pool can track; larger hardware counts are clamped. */
#define ASID_POOL_BITS  8192u

struct asid_pool {
	uint32_t min, max;              /* usable tags, inclusive */
	uint32_t hw_count;              /* CPUID Fn8000_000A_EBX, 0 if unknown */
	uint64_t map[ASID_POOL_BITS / 64];      /* bit set = tag in use */
};

/* Hardware ASIDs per vCPU for L1's L2 guests (svm/tlb's LRU of vmcb12 ASIDs). */
#define ASID_L2_MAX     8u

/* One vCPU's hardware ASIDs, distinct: l1, then l2 .. l2 + n_l2 - 1. */
struct asid_vcpu {
	uint32_t l1, l2;
	uint32_t n_l2;                  /* 1 .. ASID_L2_MAX */
};

/* The boot-time decision and the numbers behind it. */
struct asid_plan {
	uint32_t hw_count;              /* CPUID Fn8000_000A_EBX */
	uint32_t usable;                /* tags the pool can hand out */
	uint32_t nr_vcpus;              /* one per pCPU, each with its own pool */
	uint32_t need;                  /* per pCPU: 2 (L1 and one for L2) */
	uint32_t n_l2;                  /* L2 ASIDs each vCPU gets */
	int status;                     /* 0 or -ASID_ENOSPC / -ASID_EINVAL */
};

int asid_pool_init(struct asid_pool *p, uint32_t min, uint32_t max);
int asid_pool_init_hw(struct asid_pool *p, uint32_t hw_count);
int asid_alloc(struct asid_pool *p, uint32_t n, uint32_t *first);
void asid_free(struct asid_pool *p, uint32_t first, uint32_t n);
bool asid_in_use(const struct asid_pool *p, uint32_t tag);
uint32_t asid_free_count(const struct asid_pool *p);
uint32_t asid_guest_count(const struct asid_pool *p);

int asid_plan(struct asid_plan *out, uint32_t hw_count, uint32_t nr_vcpus);
int asid_vcpu_alloc(struct asid_pool *p, struct asid_vcpu *out);

#endif /* SVMHV_SVM_ASID_H */
