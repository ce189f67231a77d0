/* SPDX-License-Identifier: MIT */
/*
 * Page allocator over svmhv's reserved pool. svmhv allocates everything it
 * needs at boot and never frees, so this is a bump allocator with alignment;
 * it is pure (works on any memory) and host-tested.
 */
#ifndef SVMHV_MM_PMM_H
#define SVMHV_MM_PMM_H

#include <stddef.h>
#include <stdint.h>

#include "svm/x86.h"    /* PAGE_SIZE */

struct pmm {
	uint8_t *base;          /* first byte the allocator may hand out */
	uint64_t base_pa;       /* its physical address */
	size_t size;
	size_t used;
};

void pmm_init(struct pmm *p, void *base, uint64_t base_pa, size_t size);
/* n zeroed pages aligned to align_pages pages; NULL when the pool is exhausted. */
void *pmm_alloc_pages(struct pmm *p, size_t n, size_t align_pages, uint64_t *pa);
void *pmm_alloc_page(struct pmm *p, uint64_t *pa);
size_t pmm_free_bytes(const struct pmm *p);

#endif
