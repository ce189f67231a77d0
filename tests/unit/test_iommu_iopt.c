/*
 * Host tests of the identity I/O page table builder (hv/iommu/iopt.c).
 * Table pages come from a pool whose "physical" addresses differ from the
 * pointers, so every pa -> pointer step goes through the callback. The
 * model: a 4 KiB page is mapped (identity, read/write) iff some RAM range
 * contains it whole and no exclusion touches it. Layouts are checked page
 * by page against the model, and seeded random layouts too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "hv/iommu/amdvi.h"
#include "hv/iommu/iopt.h"

#define POOL_PA         0x5000000000ull
#define K4              IOPT_PAGE_4K
#define M2              IOPT_PAGE_2M
#define G1              IOPT_PAGE_1G

struct pool {
	void  *pages[4096];
	size_t n, live, allocs, fail_at;
};

static void *pool_alloc(void *ctx, uint64_t *pa)
{
	struct pool *p = ctx;
	void *page;

	if (p->allocs++ == p->fail_at || p->n == 4096)
		return NULL;
	page = aligned_alloc(4096, 4096);
	memset(page, 0, 4096);
	p->pages[p->n] = page;
	*pa = POOL_PA + p->n++ * 4096;
	p->live++;
	return page;
}

static void pool_free(void *ctx, void *page, uint64_t pa)
{
	struct pool *p = ctx;
	size_t i = (pa - POOL_PA) / 4096;

	assert_ptr_equal(p->pages[i], page);
	free(page);
	p->pages[i] = NULL;
	p->live--;
}

static void *pool_ptr(void *ctx, uint64_t pa)
{
	struct pool *p = ctx;

	assert_true(pa >= POOL_PA && (pa - POOL_PA) / 4096 < p->n && (pa & 0xfff) == 0);
	assert_non_null(p->pages[(pa - POOL_PA) / 4096]);
	return p->pages[(pa - POOL_PA) / 4096];
}

static struct pool pool;

static struct iopt new_table(void)
{
	memset(&pool, 0, sizeof(pool));
	pool.fail_at = (size_t)-1;
	return (struct iopt){ pool_alloc, pool_free, pool_ptr, &pool, 0, 0, false, false, 0 };
}

static bool model_mapped(const struct iopt_params *p, uint64_t pg)
{
	bool in_ram = false;

	for (size_t i = 0; i < p->nram; i++)
		if (p->ram[i].base <= pg && pg + K4 <= p->ram[i].base + p->ram[i].size)
			in_ram = true;
	for (size_t i = 0; i < p->nexclude; i++)
		if (p->exclude[i].size && p->exclude[i].base < pg + K4 &&
		    pg < p->exclude[i].base + p->exclude[i].size)
			return false;
	return in_ram;
}

/* Every page of [0, top) against the model; returns the mapped count. */
static size_t check_pages(const struct iopt *t, const struct iopt_params *p, uint64_t top)
{
	struct iopt_mapping m;
	size_t mapped = 0;

	for (uint64_t pg = 0; pg < top; pg += K4) {
		int rc = iopt_lookup(t, pg + 0x123, &m);

		if (model_mapped(p, pg)) {
			assert_int_equal(rc, 0);
			assert_int_equal(m.pa, pg + 0x123);
			assert_true(m.readable && m.writable);
			mapped++;
		} else {
			assert_int_equal(rc, IOPT_ENOENT);
		}
	}
	return mapped;
}

static void test_levels(void **state)
{
	(void)state;
	assert_int_equal(iopt_levels_for(0), 1);
	assert_int_equal(iopt_levels_for(M2), 1);
	assert_int_equal(iopt_levels_for(M2 + 1), 2);
	assert_int_equal(iopt_levels_for(G1), 2);
	assert_int_equal(iopt_levels_for(4 * G1), 3);
	assert_int_equal(iopt_levels_for(1ull << 39), 3);
	assert_int_equal(iopt_levels_for((1ull << 39) + 1), 4);
	assert_int_equal(iopt_levels_for(1ull << 52), 5);
	assert_int_equal(iopt_levels_for(~0ull), 6);
}

/* A QEMU-like machine: 3 GiB below 4G minus a hole, 2 GiB above. */
static void test_pc_layout(void **state)
{
	const struct iopt_range ram[] = {
		{ 0, 0xa0000 }, { 0x100000, 0xbff00000 }, { 0x100000000ull, 0x80000000ull },
	};
	const struct iopt_range excl[] = {
		{ 0x7e000000, 0x1200000 },      /* svmhv's pool, 18 MiB */
		{ 0x7f400000, 0x200000 },       /* the device table */
		{ 0x10000, 0x1000 },            /* a command buffer low in RAM */
	};
	struct iopt_params p = { ram, 3, excl, 3, 0, true, false };
	struct iopt t = new_table();
	struct iopt_mapping m;

	(void)state;
	assert_int_equal(iopt_build(&t, &p), 0);
	assert_int_equal(t.levels, 3);
	/* Large pages where possible. */
	assert_int_equal(iopt_lookup(&t, 0x80000000, &m), 0);
	assert_int_equal(m.page_size, G1);
	assert_int_equal(iopt_lookup(&t, 0x40000000, &m), 0);  /* GiB with the pool */
	assert_int_equal(m.page_size, M2);
	assert_int_equal(iopt_lookup(&t, 0x140000000ull, &m), 0);
	assert_int_equal(m.page_size, G1);
	assert_int_equal(iopt_lookup(&t, 0x7c000000, &m), 0);
	assert_int_equal(m.page_size, M2);
	assert_int_equal(iopt_lookup(&t, 0x7f200000, &m), 0);
	assert_int_equal(m.page_size, M2);
	assert_int_equal(iopt_lookup(&t, 0x11000, &m), 0);
	assert_int_equal(m.page_size, K4);
	/* Holes: excluded ranges, VGA/BIOS, PCI hole, above RAM. */
	assert_int_equal(iopt_lookup(&t, 0x7e000000, &m), IOPT_ENOENT);
	assert_int_equal(iopt_lookup(&t, 0x7f1fffff, &m), IOPT_ENOENT);
	assert_int_equal(iopt_lookup(&t, 0x7f400000, &m), IOPT_ENOENT);
	assert_int_equal(iopt_lookup(&t, 0x10fff, &m), IOPT_ENOENT);
	assert_int_equal(iopt_lookup(&t, 0xb8000, &m), IOPT_ENOENT);
	assert_int_equal(iopt_lookup(&t, 0xfed80000, &m), IOPT_ENOENT);
	assert_int_equal(iopt_lookup(&t, 0xfee00000, &m), IOPT_ENOENT);
	assert_int_equal(iopt_lookup(&t, 0x180000000ull, &m), IOPT_ENOENT);
	assert_int_equal(iopt_lookup(&t, 1ull << 40, &m), IOPT_ENOENT);
	/* The low 4 GiB page by page against the model. */
	assert_int_equal(check_pages(&t, &p, 0x100000000ull),
			 (0xa0000 + 0xbff00000 - 0x1200000 - 0x200000 - 0x1000) / K4);
	assert_true(t.tables < 16);
	assert_int_equal(pool.live, t.tables);
	iopt_free(&t);
	assert_int_equal(pool.live, 0);
	assert_int_equal(t.root, 0);
}

static void test_no_gb_pages(void **state)
{
	const struct iopt_range ram[] = { { 0, 0x100000000ull } };
	struct iopt_params p = { ram, 1, NULL, 0, 0, false, false };
	struct iopt t = new_table();
	struct iopt_mapping m;

	(void)state;
	assert_int_equal(iopt_build(&t, &p), 0);
	assert_int_equal(iopt_lookup(&t, 0x40000000, &m), 0);
	assert_int_equal(m.page_size, M2);
	assert_int_equal(t.tables, 1 + 4);      /* root, one 2 MiB-leaf table per GiB */
	iopt_free(&t);
}

/* Unaligned edges: RAM shrinks to whole pages, exclusions grow to them. */
static void test_rounding_and_overlap(void **state)
{
	const struct iopt_range ram[] = {
		{ 0x1800, 0x5000 },             /* pages 0x2000..0x5fff */
		{ 0x400000, 0x200000 },         /* a 2 MiB page ... */
		{ 0x300000, 0x400000 },         /* ... overlapped by a bigger range */
		{ 0x300000, 0x1000 },           /* and a duplicate 4 KiB one */
		{ 0x900000, 0 },                /* empty */
	};
	const struct iopt_range excl[] = {
		{ 0x3001, 1 },                  /* one byte kills page 0x3000 */
		{ 0x4fff, 2 },                  /* two bytes kill 0x4000 and 0x5000 */
		{ 0x500000, 0 },                /* empty: nothing */
		{ 0x600000, 0x800 },            /* overlapping exclusions */
		{ 0x600400, 0x1c00 },
	};
	struct iopt_params p = { ram, 5, excl, 5, 2, true, false };
	struct iopt t = new_table();
	struct iopt_mapping m;

	(void)state;
	assert_int_equal(iopt_build(&t, &p), 0);
	assert_int_equal(iopt_lookup(&t, 0x2000, &m), 0);
	assert_int_equal(iopt_lookup(&t, 0x1fff, &m), IOPT_ENOENT);
	assert_int_equal(iopt_lookup(&t, 0x3000, &m), IOPT_ENOENT);
	assert_int_equal(iopt_lookup(&t, 0x4000, &m), IOPT_ENOENT);
	assert_int_equal(iopt_lookup(&t, 0x5000, &m), IOPT_ENOENT);
	assert_int_equal(iopt_lookup(&t, 0x6000, &m), IOPT_ENOENT);
	assert_int_equal(iopt_lookup(&t, 0x400000, &m), 0);
	assert_int_equal(m.page_size, M2);
	assert_int_equal(iopt_lookup(&t, 0x600000, &m), IOPT_ENOENT);
	assert_int_equal(iopt_lookup(&t, 0x601fff, &m), IOPT_ENOENT);
	assert_int_equal(iopt_lookup(&t, 0x602000, &m), 0);
	assert_int_equal(iopt_lookup(&t, 0x6ff000, &m), 0);
	assert_int_equal(iopt_lookup(&t, 0x700000, &m), IOPT_ENOENT);
	check_pages(&t, &p, 0x1000000);
	iopt_free(&t);
}

static void test_bad_params(void **state)
{
	const struct iopt_range wrap[] = { { ~0ull - 0xfff, 0x2000 } };
	const struct iopt_range high[] = { { 1ull << 52, 0x1000 } };
	const struct iopt_range at4g[] = { { 0x100000000ull, 0x1000 } };
	const struct iopt_range ok[] = { { 0, 0x1000 } };
	struct iopt_params p;
	struct iopt t = new_table();

	(void)state;
	p = (struct iopt_params){ wrap, 1, NULL, 0, 0, true, false };
	assert_int_equal(iopt_build(&t, &p), IOPT_EINVAL);
	p = (struct iopt_params){ high, 1, NULL, 0, 0, true, false };
	assert_int_equal(iopt_build(&t, &p), IOPT_EINVAL);
	p = (struct iopt_params){ at4g, 1, NULL, 0, 2, true, false };  /* 2 levels reach 1 GiB */
	assert_int_equal(iopt_build(&t, &p), IOPT_EINVAL);
	p = (struct iopt_params){ ok, 1, wrap, 1, 0, true, false };    /* exclusion wraps */
	assert_int_equal(iopt_build(&t, &p), IOPT_EINVAL);
	p = (struct iopt_params){ ok, 1, NULL, 0, 7, true, false };
	assert_int_equal(iopt_build(&t, &p), IOPT_EINVAL);
	p = (struct iopt_params){ NULL, 1, NULL, 0, 0, true, false };
	assert_int_equal(iopt_build(&t, &p), IOPT_EINVAL);
	assert_int_equal(iopt_build(NULL, &p), IOPT_EINVAL);
	assert_int_equal(pool.allocs, 0);
	/* Nothing at all to map: a root with no entries blocks everything. */
	p = (struct iopt_params){ NULL, 0, NULL, 0, 0, true, false };
	assert_int_equal(iopt_build(&t, &p), 0);
	assert_int_equal(t.tables, 1);
	iopt_free(&t);
}

static void test_enomem(void **state)
{
	const struct iopt_range ram[] = { { 0, 0x100000000ull }, { 0x100000000ull, 0x3000 } };
	const struct iopt_range excl[] = { { 0x7e001000, 0x1000 } };
	struct iopt_params p = { ram, 2, excl, 1, 0, true, false };
	struct iopt t = new_table();
	size_t need;

	(void)state;
	assert_int_equal(iopt_build(&t, &p), 0);
	need = pool.allocs;
	iopt_free(&t);
	for (size_t k = 0; k < need; k++) {
		t = new_table();
		pool.fail_at = k;
		assert_int_equal(iopt_build(&t, &p), IOPT_ENOMEM);
		assert_int_equal(pool.live, 0);
		assert_int_equal(t.root, 0);
	}
}

/* Deeper tables: 4 and 5 levels, RAM near 2^47 and 2^50. */
static void test_deep(void **state)
{
	const struct iopt_range ram[] = { { 0x7fffffe00000ull, 0x400000 }, { 0x3ffffffff000ull << 6, 0x1000 } };
	struct iopt_params p = { ram, 1, NULL, 0, 0, true, false };
	struct iopt t = new_table();
	struct iopt_mapping m;

	(void)state;
	assert_int_equal(iopt_build(&t, &p), 0);
	assert_int_equal(t.levels, 4);
	assert_int_equal(iopt_lookup(&t, 0x7fffffe00000ull, &m), 0);
	assert_int_equal(m.page_size, M2);
	assert_int_equal(iopt_lookup(&t, 0x800000100000ull, &m), 0);
	assert_int_equal(iopt_lookup(&t, 0x800000200000ull, &m), IOPT_ENOENT);
	assert_int_equal(iopt_lookup(&t, 1ull << 48, &m), IOPT_ENOENT);
	iopt_free(&t);
	p.nram = 2;
	t = new_table();
	assert_int_equal(iopt_build(&t, &p), 0);
	assert_int_equal(t.levels, 5);
	assert_int_equal(iopt_lookup(&t, 0x3ffffffff000ull << 6, &m), 0);
	assert_int_equal(m.page_size, K4);
	iopt_free(&t);
	assert_int_equal(pool.live, 0);
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void test_random_layouts(void **state)
{
	uint64_t seed = 0x9e3779b97f4a7c15ull;

	(void)state;
	for (int round = 0; round < 60; round++) {
		struct iopt_range ram[6], excl[6];
		struct iopt_params p = { ram, 1 + rnd(&seed) % 6, excl, rnd(&seed) % 7, 0,
					 rnd(&seed) & 1, rnd(&seed) & 1 };
		struct iopt t = new_table();

		for (size_t i = 0; i < 6; i++) {
			ram[i].base = rnd(&seed) % (96 << 20);
			ram[i].size = rnd(&seed) % (40 << 20);
			excl[i].base = rnd(&seed) % (128 << 20);
			excl[i].size = rnd(&seed) % (3 << 20);
		}
		assert_int_equal(iopt_build(&t, &p), 0);
		check_pages(&t, &p, 140 << 20);
		iopt_free(&t);
		assert_int_equal(pool.live, 0);
	}
}

enum walk_result { WALK_MAPPED, WALK_FAULT, WALK_SILENT };

/*
 * QEMU 7.2's walk (hw/i386/amd_iommu.c amdvi_page_walk), restated: descend
 * while the fetched entry's NextLevel is 1..6, checking PR of every entry
 * it descends through; an all-zero entry ends the walk without a fault.
 */
static enum walk_result qemu_walk(const struct iopt *t, uint64_t iova)
{
	uint64_t pte = t->root | AMDVI_PTE_PR | (uint64_t)t->levels << AMDVI_PTE_NEXT_SHIFT;
	unsigned level = t->levels;

	do {
		if (!(pte & AMDVI_PTE_PR))
			return WALK_FAULT;
		pte = ((uint64_t *)pool_ptr(&pool, pte & AMDVI_PTE_ADDR_MASK))
			[(iova >> (3 + 9 * level)) & 0x1ff];
		if (!pte)
			return WALK_SILENT;
		level = (unsigned)((pte & AMDVI_PTE_NEXT_MASK) >> AMDVI_PTE_NEXT_SHIFT);
	} while (level > 0 && level < 7);
	return WALK_MAPPED;
}

static void test_fault_markers(void **state)
{
	const struct iopt_range ram[] = { { 0, 0xa0000 }, { 0x100000, 0x3ff00000 } };
	const struct iopt_range excl[] = { { 0x3dc00000, 0x1100000 } };   /* svmhv's pool */
	struct iopt_params p = { ram, 2, excl, 1, 0, true, true };
	struct iopt t = new_table();
	struct iopt_mapping m;

	(void)state;
	assert_int_equal(iopt_build(&t, &p), 0);
	check_pages(&t, &p, 1ull << 31);
	/* Mapped pages walk to a leaf; everything else ends in a reported fault. */
	assert_int_equal(qemu_walk(&t, 0x1000), WALK_MAPPED);
	assert_int_equal(qemu_walk(&t, 0x3dc00000), WALK_FAULT);       /* the pool, 4 KiB level */
	assert_int_equal(qemu_walk(&t, 0x3e000000), WALK_FAULT);       /* the pool, 2 MiB level */
	assert_int_equal(qemu_walk(&t, 0xa0000), WALK_FAULT);          /* a hole */
	/*
	 * Two levels reach 1 GiB and QEMU does not check the bits above: an
	 * address there aliases the one 1 GiB lower, so it lands on RAM or
	 * faults like its alias; it never reaches the pool.
	 */
	assert_int_equal(t.levels, 2);
	assert_int_equal(qemu_walk(&t, 0x7dc00000), WALK_FAULT);
	assert_int_equal(qemu_walk(&t, (1ull << 40) + 0x3dc00000), WALK_FAULT);
	assert_int_equal(qemu_walk(&t, 0xfee00000), WALK_MAPPED);
	assert_int_equal(iopt_lookup(&t, 0x3dc00000, &m), IOPT_ENOENT);
	iopt_free(&t);
	assert_int_equal(pool.live, 0);

	/* Without markers QEMU refuses the pool silently: nothing to log. */
	p.fault_markers = false;
	t = new_table();
	assert_int_equal(iopt_build(&t, &p), 0);
	assert_int_equal(qemu_walk(&t, 0x3dc00000), WALK_SILENT);
	iopt_free(&t);
	assert_int_equal(pool.live, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_pc_layout),
		cmocka_unit_test(test_no_gb_pages),
		cmocka_unit_test(test_rounding_and_overlap),
		cmocka_unit_test(test_bad_params),
		cmocka_unit_test(test_enomem),
		cmocka_unit_test(test_deep),
		cmocka_unit_test(test_random_layouts),
		cmocka_unit_test(test_fault_markers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
