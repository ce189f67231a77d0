/* SPDX-License-Identifier: MIT */
#include "mm/pmm.h"

void pmm_init(struct pmm *p, void *base, uint64_t base_pa, size_t size)
{
	/* Round the start up to a page boundary, in both address spaces. */
	size_t skew = (size_t)((PAGE_SIZE - (base_pa & (PAGE_SIZE - 1))) & (PAGE_SIZE - 1));

	p->base = (uint8_t *)base + skew;
	p->base_pa = base_pa + skew;
	p->size = size > skew ? (size - skew) & ~(size_t)(PAGE_SIZE - 1) : 0;
	p->used = 0;
}

void *pmm_alloc_pages(struct pmm *p, size_t n, size_t align_pages, uint64_t *pa)
{
	uint64_t align = (align_pages ? align_pages : 1) * PAGE_SIZE;
	uint64_t start_pa = (p->base_pa + p->used + align - 1) & ~(align - 1);
	size_t off = (size_t)(start_pa - p->base_pa);
	size_t bytes = n * PAGE_SIZE;

	if (!n || n > p->size / PAGE_SIZE || off > p->size || bytes > p->size - off)
		return NULL;
	p->used = off + bytes;
	uint8_t *v = p->base + off;
	for (size_t i = 0; i < bytes; i++)      /* no libc: plain zeroing loop */
		v[i] = 0;
	if (pa)
		*pa = start_pa;
	return v;
}

void *pmm_alloc_page(struct pmm *p, uint64_t *pa)
{
	return pmm_alloc_pages(p, 1, 1, pa);
}

size_t pmm_free_bytes(const struct pmm *p)
{
	return p->size - p->used;
}
