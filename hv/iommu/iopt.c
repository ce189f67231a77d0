/* SPDX-License-Identifier: MIT */
/*
 * Identity I/O page tables for the AMD IOMMU. See hv/iommu/iopt.h.
 * Levels are numbered as the walk goes: t->levels at the root, 1 at the
 * 4 KiB leaves; an entry at level L covers 2^(12 + 9(L-1)) bytes.
 */
#include "hv/iommu/iopt.h"
#include "hv/iommu/amdvi.h"

#define ENTRIES         512u
#define MAX_ADDR        (1ull << 52)    /* AMDVI_PTE_ADDR_MASK reaches 2^52 */
#define PERM            (AMDVI_PTE_IR | AMDVI_PTE_IW)

static unsigned level_shift(unsigned level)
{
	return 12 + 9 * (level - 1);
}

static uint64_t *table_ptr(const struct iopt *t, uint64_t pa)
{
	return t->ptr(t->ctx, pa & AMDVI_PTE_ADDR_MASK);
}

/* One 64-bit store per entry; a child is filled before it is linked. */
static void pte_write(uint64_t *pe, uint64_t v)
{
	__asm__ __volatile__("" ::: "memory");
	*(volatile uint64_t *)pe = v;
}

static unsigned next_level(uint64_t e)
{
	return (unsigned)((e & AMDVI_PTE_NEXT_MASK) >> AMDVI_PTE_NEXT_SHIFT);
}

unsigned iopt_levels_for(uint64_t top)
{
	unsigned l;

	for (l = 1; l < AMDVI_MAX_LEVELS; l++)
		if (top <= 1ull << level_shift(l + 1))
			return l;
	return AMDVI_MAX_LEVELS;
}

/* A new table: zeroed by the allocator, or every entry a fault marker. */
static void *new_table(struct iopt *t, uint64_t *pa)
{
	uint64_t *tbl = t->alloc(t->ctx, pa);
	unsigned i;

	if (tbl && t->fault_markers)
		for (i = 0; i < ENTRIES; i++)
			tbl[i] = IOPT_FAULT_MARKER;
	return tbl;
}

static bool leaf_allowed(const struct iopt *t, unsigned level)
{
	return level <= 2 || (level == 3 && t->gb_pages);
}

static int map_table(struct iopt *t, uint64_t table_pa, unsigned level, uint64_t va,
		     uint64_t start, uint64_t end);

/* Entry @pe at @level, covering [va, va + size), meets [start, end). */
static int map_entry(struct iopt *t, uint64_t *pe, unsigned level, uint64_t va,
		     uint64_t start, uint64_t end)
{
	uint64_t size = 1ull << level_shift(level), e = *pe, pa;

	if ((e & AMDVI_PTE_PR) && next_level(e) == 0)
		return 0;               /* already an identity leaf: overlap */
	if (!(e & AMDVI_PTE_PR)) {
		if (start <= va && va + size <= end && leaf_allowed(t, level)) {
			pte_write(pe, va | PERM | AMDVI_PTE_PR);
			return 0;
		}
		if (!new_table(t, &pa))
			return IOPT_ENOMEM;
		t->tables++;
		e = pa | PERM | AMDVI_PTE_PR | (uint64_t)(level - 1) << AMDVI_PTE_NEXT_SHIFT;
		pte_write(pe, e);
	}
	return map_table(t, e, level - 1, va, start, end);
}

static int map_table(struct iopt *t, uint64_t table_pa, unsigned level, uint64_t va,
		     uint64_t start, uint64_t end)
{
	uint64_t *tbl = table_ptr(t, table_pa);
	unsigned shift = level_shift(level), i, last;
	uint64_t lo = start > va ? start : va;
	uint64_t hi = shift + 9 >= 64 ? end : va + ((uint64_t)ENTRIES << shift);
	int rc;

	if (end < hi)
		hi = end;
	last = (unsigned)((hi - 1 - va) >> shift);
	for (i = (unsigned)((lo - va) >> shift); i <= last; i++) {
		rc = map_entry(t, &tbl[i], level, va + ((uint64_t)i << shift), start, end);
		if (rc)
			return rc;
	}
	return 0;
}

static uint64_t round_up(uint64_t x)
{
	return x > MAX_ADDR ? MAX_ADDR : (x + IOPT_PAGE_4K - 1) & ~(IOPT_PAGE_4K - 1);
}

static uint64_t round_down(uint64_t x)
{
	return x & ~(IOPT_PAGE_4K - 1);
}

/* First address >= @c outside every exclusion (rounded outwards). */
static uint64_t skip_excluded(const struct iopt_params *p, uint64_t c)
{
	bool moved = true;
	size_t i;

	while (moved) {
		moved = false;
		for (i = 0; i < p->nexclude; i++) {
			const struct iopt_range *x = &p->exclude[i];
			uint64_t xs = round_down(x->base), xe = round_up(x->base + x->size);

			if (x->size && xs <= c && c < xe) {
				c = xe;
				moved = true;
			}
		}
	}
	return c;
}

/* End of the mapped segment starting at @c: the next exclusion or @end. */
static uint64_t segment_end(const struct iopt_params *p, uint64_t c, uint64_t end)
{
	size_t i;

	for (i = 0; i < p->nexclude; i++) {
		uint64_t xs = round_down(p->exclude[i].base);

		if (p->exclude[i].size && xs > c && xs < end)
			end = xs;
	}
	return end;
}

static int map_ram(struct iopt *t, const struct iopt_params *p, const struct iopt_range *r)
{
	uint64_t c = round_up(r->base), end = round_down(r->base + r->size), seg;
	int rc;

	while (c < end) {
		c = skip_excluded(p, c);
		if (c >= end)
			break;
		seg = segment_end(p, c, end);
		rc = map_table(t, t->root, t->levels, 0, c, seg);
		if (rc)
			return rc;
		c = seg;
	}
	return 0;
}

static bool params_ok(const struct iopt *t, const struct iopt_params *p, uint64_t *top)
{
	size_t i;

	*top = 0;
	if (!t || !p || !t->alloc || !t->ptr || (p->nram && !p->ram) ||
	    (p->nexclude && !p->exclude) || p->levels > AMDVI_MAX_LEVELS)
		return false;
	for (i = 0; i < p->nexclude; i++)
		if (p->exclude[i].base + p->exclude[i].size < p->exclude[i].base)
			return false;
	for (i = 0; i < p->nram; i++) {
		uint64_t end = p->ram[i].base + p->ram[i].size;

		if (end < p->ram[i].base || end > MAX_ADDR)
			return false;
		if (p->ram[i].size && round_down(end) > *top)
			*top = round_down(end);
	}
	return true;
}

int iopt_build(struct iopt *t, const struct iopt_params *p)
{
	uint64_t top;
	size_t i;
	int rc = 0;

	if (!params_ok(t, p, &top))
		return IOPT_EINVAL;
	t->levels = p->levels ? p->levels : iopt_levels_for(top);
	if (t->levels < AMDVI_MAX_LEVELS && top > 1ull << level_shift(t->levels + 1))
		return IOPT_EINVAL;     /* RAM the root cannot reach */
	t->gb_pages = p->gb_pages;
	t->fault_markers = p->fault_markers;
	t->tables = 0;
	if (!new_table(t, &t->root)) {
		t->root = 0;
		return IOPT_ENOMEM;
	}
	t->tables = 1;
	for (i = 0; i < p->nram && !rc; i++)
		rc = map_ram(t, p, &p->ram[i]);
	if (rc)
		iopt_free(t);
	return rc;
}

static void free_table(struct iopt *t, uint64_t pa, unsigned level)
{
	uint64_t *tbl = table_ptr(t, pa);
	unsigned i;

	for (i = 0; level > 1 && i < ENTRIES; i++)
		if ((tbl[i] & AMDVI_PTE_PR) && next_level(tbl[i]))
			free_table(t, tbl[i], level - 1);
	t->free(t->ctx, tbl, pa & AMDVI_PTE_ADDR_MASK);
}

void iopt_free(struct iopt *t)
{
	if (t && t->root && t->free)
		free_table(t, t->root, t->levels);
	if (t) {
		t->root = 0;
		t->tables = 0;
	}
}

int iopt_lookup(const struct iopt *t, uint64_t iova, struct iopt_mapping *m)
{
	uint64_t e = t ? t->root : 0, size;
	bool r = true, w = true;
	unsigned level;

	if (!e || (t->levels < AMDVI_MAX_LEVELS && (iova >> level_shift(t->levels + 1))))
		return IOPT_ENOENT;
	for (level = t->levels; level >= 1; level--) {
		unsigned shift = level_shift(level);

		e = table_ptr(t, e)[(iova >> shift) % ENTRIES];
		if (!(e & AMDVI_PTE_PR))
			return IOPT_ENOENT;
		r = r && (e & AMDVI_PTE_IR);
		w = w && (e & AMDVI_PTE_IW);
		if (next_level(e) == level - 1 && level > 1)
			continue;
		if (next_level(e) != 0)
			return IOPT_ENOENT;     /* a level skip: never built here */
		size = 1ull << shift;
		*m = (struct iopt_mapping){
			.pa = (e & AMDVI_PTE_ADDR_MASK & ~(size - 1)) | (iova & (size - 1)),
			.page_size = size, .readable = r, .writable = w,
		};
		return 0;
	}
	return IOPT_ENOENT;
}
