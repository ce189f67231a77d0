/* SPDX-License-Identifier: MIT */
/*
 * Proof that svmhv's memory is unchanged, for SVMHV_HC_INTEGRITY: a
 * checksum of its code and read-only data, and canary pages spread over its
 * heap (its first page, one after the page tables, its last page), each
 * filled with a pattern of its own address. A guest that managed to write
 * anywhere into svmhv (a VMSAVE, a vmcb12 write-back, a DMA) would almost
 * surely hit the image at the pool's start or one of them; tests/attack
 * and isoattack (whose DMA aims at canary 0) compare them before and after
 * every attack.
 */
#ifndef SVMHV_HV_INTEGRITY_H
#define SVMHV_HV_INTEGRITY_H

#include <stddef.h>
#include <stdint.h>

#define HV_CANARIES     3

/* FNV-1a 64 of len bytes, continuing from h (start: HV_FNV_BASIS). */
#define HV_FNV_BASIS    0xcbf29ce484222325ull
uint64_t hv_fnv1a(uint64_t h, const void *p, size_t len);
/* Fill / check one canary page at pa (its pattern depends on pa). */
void hv_canary_fill(void *page, uint64_t pa);
int hv_canary_intact(const void *page, uint64_t pa);

/* Canary i (0 .. HV_CANARIES - 1) lives at pa: fill it. */
void hv_integrity_add(unsigned i, void *page, uint64_t pa);
/* SVMHV_HC_INTEGRITY: checksum, canaries changed, canary idx's address (0: none). */
void hv_integrity(uint64_t idx, uint64_t *sum, uint64_t *broken, uint64_t *canary_pa);

#endif /* SVMHV_HV_INTEGRITY_H */
