/* SPDX-License-Identifier: MIT */
/*
 * svmhv's host page tables before the first instruction of the pool, and the
 * firmware's view of the pool. See mm/hostpt.h for why.
 * See: AMD64 APM Vol. 2 (rev. 3.42), 5.3 (long-mode page translation), 5.6
 * (no-execute), 8.4.2 (#PF error code).
 */
#include "mm/hostpt.h"

static void *pool_alloc(void *ctx, uint64_t *pa)
{
	return pmm_alloc_page(ctx, pa);
}

/* Table pages all come from the pmm, so this reaches them on the host too. */
static void *pool_ptr(void *ctx, uint64_t pa)
{
	struct pmm *p = ctx;

	return p->base + (pa - p->base_pa);
}

uint64_t hostpt_heap_offset(uint64_t image_size, uint64_t hostpt_bytes)
{
	return ((image_size + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1)) + hostpt_bytes;
}

struct hostpt hostpt_build(struct npt *npt, struct pmm *pmm, void *pool_va, uint64_t pool_pa,
			   uint64_t pool_size, uint64_t image_size, unsigned bits, bool gb_pages,
			   const struct npt_range *uc)
{
	uint64_t off = hostpt_heap_offset(image_size, 0);
	struct npt_params p = { .maxphyaddr = bits, .gb_pages = gb_pages, .host = true };
	struct npt local;
	struct hostpt r = { 0, 0, false };

	if (!npt)
		npt = &local;
	/* The last page is the heap's canary (hv/setup.c): never a table. */
	if (pool_size < off + 2 * PAGE_SIZE)
		return r;
	pmm_init(pmm, (uint8_t *)pool_va + off, pool_pa + off, pool_size - off - PAGE_SIZE);
	*npt = (struct npt){ .alloc = pool_alloc, .ptr = pool_ptr, .ctx = pmm };
	r.cr3 = npt_build(npt, &p);
	if (r.cr3 && uc && uc->size)
		r.uc_failed = npt_map_range(npt, uc->base, uc->size, NPT_IDENTITY,
					    NPT_PERM_RW_UC, NULL) != 0;
	r.bytes = r.cr3 ? pmm->used : 0;
	return r;
}

enum hostpt_fw_exec hostpt_fw_fetch(const struct gpa_mmu *mmu, uint64_t la)
{
	struct gpa_fault f = { 0, 0 };
	uint64_t pa;

	switch (gpa_translate(mmu, la, GPA_ACC_FETCH, &pa, &f)) {
	case GPA_OK:
		return HOSTPT_FW_EXEC;
	case GPA_EPF:
		if (!(f.error_code & GPA_PF_P))
			return HOSTPT_FW_UNMAPPED;
		if (f.error_code & GPA_PF_RSV)
			return HOSTPT_FW_RSVD;
		/* A supervisor fetch of a present page: NX (or SMEP on a U=1 page,
		 * which firmware's identity map does not use). */
		return HOSTPT_FW_NX;
	default:
		return HOSTPT_FW_UNKNOWN;
	}
}

const char *hostpt_fw_exec_str(enum hostpt_fw_exec e)
{
	switch (e) {
	case HOSTPT_FW_EXEC:
		return "executable";
	case HOSTPT_FW_NX:
		return "non-executable (NX: a DXE NX policy covers EfiReservedMemoryType)";
	case HOSTPT_FW_RSVD:
		return "with reserved bits set (NX without EFER.NXE)";
	case HOSTPT_FW_UNMAPPED:
		return "not mapped";
	default:
		return "unknown (the walk failed)";
	}
}
