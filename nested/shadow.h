/* SPDX-License-Identifier: MIT */
/*
 * nested/shadow — the nested page tables svmhv really runs L2 on when L1
 * uses nested paging: L1's tables (L2-physical -> L1-physical) composed with
 * svmhv's (L1-physical -> host-physical), filled on demand from vmcb02's
 * nested page faults. See: AMD64 APM Vol. 2 (rev. 3.42) 15.25 (nested
 * paging), 15.25.5 (table walk), 15.25.8 (memory types), 7.8 (PAT).
 *
 * The shadow is a TLB of L1's nested translations: an entry may outlive the
 * change of L1's tables that made it stale until L1 flushes (TLB_CONTROL,
 * a new ASID), exactly as the hardware may keep one; svm/tlb.c says when a
 * root must go (tlb_shadow_take()). One root per (nCR3, vmcb12 ASID), a few
 * per vCPU, least recently used evicted, so an L1 switching between its L2s
 * does not rebuild them. Tables come from a fixed pool per vCPU; when it
 * runs out, roots are dropped (the caller flushes L2's ASID: the hardware
 * may cache translations and table entries of dropped pages) and the fill is
 * retried: never a panic.
 *
 * Composition (nested_shadow_compose()): the leaf is the smaller of L1's and
 * svmhv's pages for that address; write and execute only if both allow them,
 * write also only once L1's leaf is dirty (so the first write faults here and
 * sets Dirty in L1's table, as the CPU would); the memory type L1's leaf
 * selects through L1's PAT, expressed through svmhv's (host) PAT.
 *
 * Pure: tables live in the caller's pool, whose addresses are identity-mapped.
 */
#ifndef SVMHV_NESTED_SHADOW_H
#define SVMHV_NESTED_SHADOW_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/npt.h"
#include "mm/nwalk.h"

#define NESTED_SHADOW_ROOTS     8       /* = svm/tlb L2 ASID slots: 8 L2s keep shadow and TLB */

struct nested_shadow_root {
	uint64_t ncr3;                  /* L1's nCR3 (page address) */
	uint32_t asid;                  /* vmcb12 ASID */
	uint64_t pa;                    /* the shadow PML4 */
	uint64_t used;                  /* LRU clock */
	bool valid;
};

struct nested_shadow_stats {
	uint64_t fills;                 /* leaves installed */
	uint64_t roots_made;            /* roots built (a cache miss) */
	uint64_t roots_hit;             /* roots found again */
	uint64_t invalidations;         /* roots dropped on L1's or svmhv's flush */
	uint64_t evictions;             /* roots dropped for room */
};

struct nested_shadow {
	uint8_t *pool;                  /* npages pages: pa == host address */
	uint32_t npages;
	uint8_t *owner;                 /* [npages]: root index + 1, 0 = free */
	struct nested_shadow_root root[NESTED_SHADOW_ROOTS];
	uint64_t clock;
	int cur;                        /* the root vmcb02 runs on, -1 none */
	struct nested_shadow_stats st;
};

/* A leaf the composition chose for one address. */
struct nested_shadow_leaf {
	uint64_t gpa2;                  /* L2-physical base, aligned to size */
	uint64_t hpa;                   /* host-physical base */
	uint64_t size;                  /* 4 KiB, 2 MiB or 1 GiB */
	uint64_t bits;                  /* P, W, U, NX, PWT/PCD/PAT of the leaf */
};

/* pool: npages zeroed pages; owner: npages bytes. */
void nested_shadow_init(struct nested_shadow *sh, void *pool, uint32_t npages, uint8_t *owner);

/*
 * The root for (ncr3, asid): found, or built (evicting the least recently
 * used root, *evicted then set: the caller flushes L2's ASID). Makes it the
 * current root. 0 and *root_pa, or -1 (the pool cannot hold one root).
 */
int nested_shadow_select(struct nested_shadow *sh, uint64_t ncr3, uint32_t asid,
			 uint64_t *root_pa, bool *evicted);

/* Drop every root / the roots of one vmcb12 ASID; the current one too. */
void nested_shadow_drop_all(struct nested_shadow *sh);
void nested_shadow_drop_asid(struct nested_shadow *sh, uint32_t asid);

/*
 * Install leaf (which covers addr) in the current root, replacing what
 * covered its range; where a table already covers part of a large leaf, the
 * part around addr is installed in it instead. When the pool is out of
 * pages, the other roots are dropped (*evicted set) and, if still short, the
 * current root is cleared (its PML4 stays). 0, or -1.
 */
int nested_shadow_map(struct nested_shadow *sh, uint64_t addr,
		      const struct nested_shadow_leaf *leaf, bool *evicted);

/* The current root's translation of gpa2: 0 and the leaf, or -1. */
int nested_shadow_lookup(const struct nested_shadow *sh, uint64_t gpa2,
			 struct nested_shadow_leaf *out);

/*
 * The leaf for gpa2 from L1's walk (l1) and svmhv's mapping of its L1 page
 * (l0): see above. l1_pat: L1's PAT (vmcb01 G_PAT); l0_pat: svmhv's PAT;
 * host_nxe: svmhv's EFER.NXE (NX is reserved in the shadow without it).
 */
void nested_shadow_compose(uint64_t gpa2, const struct nwalk_result *l1,
			   const struct npt_mapping *l0, uint64_t l1_pat, uint64_t l0_pat,
			   bool host_nxe, struct nested_shadow_leaf *out);

/*
 * The PWT/PCD/PAT bits that select, through pat_to, the memory type that
 * bits (of a leaf of the given size) select through pat_from; UC if pat_to
 * has no such type. See: APM2 7.8.2 (PAT index), 7.8.3.
 */
uint64_t nested_memtype_bits(uint64_t bits, bool large, uint64_t pat_from, uint64_t pat_to);

#endif /* SVMHV_NESTED_SHADOW_H */
