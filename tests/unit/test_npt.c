/*
 * Host tests of the identity nested page table builder (mm/npt.c).
 * Table pages come from a pool whose "physical" addresses differ from the
 * pointers, so every pa -> pointer step of npt.c goes through its callback.
 * The checker walks the tables independently of npt.c and compares every
 * entry with the policy: identity RW with maximal pages, blank RO 4 KiB
 * pages exactly over the protected ranges, U=1 at every level.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "mm/npt.h"

#define POOL_PA         0x7000000000ull /* fake pa of the pool's page 0 */
#define BLANK_PA        0xabc000ull
#define K4              NPT_PAGE_4K
#define M2              NPT_PAGE_2M
#define G1              NPT_PAGE_1G

struct pool {
	void  **pages;                  /* index (pa - POOL_PA) / 4 KiB */
	size_t  n, cap;
	size_t  live;
	size_t  allocs;
	size_t  fail_at;                /* allocation number that fails */
};

static void *pool_alloc(void *ctx, uint64_t *pa)
{
	struct pool *p = ctx;
	void *page;

	if (p->allocs++ == p->fail_at)
		return NULL;
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 64;
		p->pages = realloc(p->pages, p->cap * sizeof(void *));
		assert_non_null(p->pages);
	}
	page = aligned_alloc(4096, 4096);
	assert_non_null(page);
	memset(page, 0, 4096);
	p->pages[p->n] = page;
	*pa = POOL_PA + p->n++ * K4;
	p->live++;
	return page;
}

static void *pool_ptr(void *ctx, uint64_t pa)
{
	struct pool *p = ctx;
	size_t i = (pa - POOL_PA) / K4;

	assert_true(pa >= POOL_PA && pa % K4 == 0 && i < p->n);
	assert_non_null(p->pages[i]);
	return p->pages[i];
}

static void pool_free(void *ctx, void *page, uint64_t pa)
{
	struct pool *p = ctx;

	assert_ptr_equal(pool_ptr(ctx, pa), page);
	free(page);
	p->pages[(pa - POOL_PA) / K4] = NULL;
	p->live--;
}

/* Free what npt.c did not (tests that pass no free callback). */
static void pool_destroy(struct pool *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->pages[i]);
	free(p->pages);
}

static struct npt make_npt(struct pool *p)
{
	memset(p, 0, sizeof(*p));
	p->fail_at = SIZE_MAX;
	return (struct npt){ .alloc = pool_alloc, .free = pool_free,
			     .ptr = pool_ptr, .ctx = p };
}

/* ---- the independent checker -------------------------------------------------- */

struct expect {
	uint64_t top;
	const struct npt_range *prot;
	size_t n;
	bool gb;
	uint64_t user;                  /* PTE_U or 0 */
	bool maximal;                   /* large pages wherever possible */
	struct npt_stats seen;
};

static bool overlaps(const struct expect *x, uint64_t va, uint64_t size)
{
	for (size_t i = 0; i < x->n; i++)
		if (x->prot[i].size && x->prot[i].base < va + size && va < x->prot[i].base + x->prot[i].size)
			return true;
	return false;
}

static void check_leaf(struct expect *x, uint64_t e, int level, uint64_t va)
{
	uint64_t flags = e & ~PTE_ADDR_MASK;
	uint64_t rw = PTE_P | PTE_W | x->user;

	if (level == 1 && overlaps(x, va, K4)) {
		assert_int_equal(e & PTE_ADDR_MASK, BLANK_PA);
		assert_int_equal(flags, PTE_P | x->user);       /* RO, X, WB */
		x->seen.leaves_4k++;
		return;
	}
	switch (level) {
	case 1:         /* split only because the 2 MiB page is protected */
		assert_true(!x->maximal || overlaps(x, va & ~(M2 - 1), M2));
		assert_int_equal(flags, rw);
		x->seen.leaves_4k++;
		break;
	case 2:
		assert_false(overlaps(x, va, M2));
		assert_true(!x->maximal || !x->gb || overlaps(x, va & ~(G1 - 1), G1));
		assert_int_equal(flags, rw | PTE_PS);
		x->seen.leaves_2m++;
		break;
	case 3:
		assert_true(x->gb);
		assert_false(overlaps(x, va, G1));
		assert_int_equal(flags, rw | PTE_PS);
		x->seen.leaves_1g++;
		break;
	default:
		fail_msg("leaf at level %d", level);
	}
	assert_int_equal(e & PTE_ADDR_MASK, va);
}

static void check_table(struct pool *p, struct expect *x, uint64_t pa,
			int level, uint64_t va)
{
	const uint64_t *t = pool_ptr(p, pa);
	unsigned shift = 12 + 9 * (level - 1);

	x->seen.tables++;
	for (uint64_t i = 0; i < 512; i++) {
		uint64_t e = t[i], eva = va + (i << shift);

		if (eva >= x->top) {
			assert_int_equal(e, 0);
			continue;
		}
		assert_true(e & PTE_P);
		assert_int_equal(e & PTE_U, x->user);   /* U=1 at every level */
		if (level == 4 || (level > 1 && !(e & PTE_PS))) {
			assert_int_equal(e & ~PTE_ADDR_MASK, PTE_P | PTE_W | x->user);
			check_table(p, x, e & PTE_ADDR_MASK, level - 1, eva);
		} else {
			check_leaf(x, e, level, eva);
		}
	}
}

/*
 * Check the whole tree of @npt against the policy; returns what it saw.
 * After remaps the tree may hold split pages nothing protects any more
 * (they are never merged back): @maximal false accepts those.
 */
static struct npt_stats check_tree(struct pool *p, const struct npt *npt,
				   unsigned bits, const struct npt_range *prot,
				   size_t n, bool gb, bool maximal)
{
	struct expect x = { 1ull << bits, prot, n, gb, npt->user, maximal,
			    { 0, 0, 0, 0 } };
	struct npt_stats s;

	assert_int_not_equal(npt->root, 0);
	check_table(p, &x, npt->root, 4, 0);
	npt_stats(npt, &s);
	assert_memory_equal(&s, &x.seen, sizeof(s));
	assert_int_equal(npt_count_pages(npt), s.tables);
	assert_int_equal(p->live, s.tables);
	return s;
}

static struct npt_stats check_all(struct pool *p, const struct npt *npt,
				  unsigned bits, const struct npt_range *prot,
				  size_t n, bool gb)
{
	return check_tree(p, npt, bits, prot, n, gb, true);
}

static uint64_t build(struct npt *npt, unsigned maxphy, bool gb,
		      const struct npt_range *prot, size_t n)
{
	struct npt_params prm = { maxphy, gb, false, prot, n, BLANK_PA, false };

	return npt_build(npt, &prm);
}

static void expect_map(const struct npt *npt, uint64_t gpa, uint64_t pa,
		       uint64_t size, bool writable)
{
	struct npt_mapping m;

	assert_int_equal(npt_lookup(npt, gpa, &m), 0);
	assert_int_equal(m.pa, pa);
	assert_int_equal(m.page_size, size);
	assert_int_equal(m.writable, writable);
	assert_true(m.user);
	assert_true(m.executable);
	assert_int_equal(m.pte & (PTE_PWT | PTE_PCD), 0);
}

/* ---- build ------------------------------------------------------------------------ */

static void test_widths(void **state)
{
	static const struct { unsigned bits, eff; size_t tables; } w[] = {
		{ 36, 36, 2 }, { 40, 40, 3 }, { 48, 48, 513 }, { 52, 48, 513 },
		{ 32, 32, 2 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		struct pool p;
		struct npt npt = make_npt(&p);
		uint64_t top = 1ull << w[i].eff;

		assert_int_not_equal(build(&npt, w[i].bits, true, NULL, 0), 0);
		struct npt_stats s = check_all(&p, &npt, w[i].eff, NULL, 0, true);
		assert_int_equal(s.tables, w[i].tables);
		assert_int_equal(s.leaves_1g, top / G1);
		assert_int_equal(s.leaves_2m + s.leaves_4k, 0);
		expect_map(&npt, 0, 0, G1, true);
		expect_map(&npt, top - 1, top - 1, G1, true);
		expect_map(&npt, 0xfee00123, 0xfee00123, G1, true);
		struct npt_mapping m;
		assert_int_equal(npt_lookup(&npt, top, &m), NPT_ENOENT);
		assert_int_equal(npt_lookup(&npt, ~0ull, &m), NPT_ENOENT);
		npt_free(&npt);
		assert_int_equal(p.live, 0);
		assert_int_equal(npt.root, 0);
		pool_destroy(&p);
	}
}

static void test_no_gb_pages(void **state)
{
	static const struct { unsigned bits; size_t tables; } w[] = {
		{ 36, 1 + 1 + 64 }, { 40, 1 + 2 + 1024 },
	};

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct pool p;
		struct npt npt = make_npt(&p);

		assert_int_not_equal(build(&npt, w[i].bits, false, NULL, 0), 0);
		struct npt_stats s = check_all(&p, &npt, w[i].bits, NULL, 0, false);
		assert_int_equal(s.tables, w[i].tables);
		assert_int_equal(s.leaves_2m, (1ull << w[i].bits) / M2);
		assert_int_equal(s.leaves_1g + s.leaves_4k, 0);
		expect_map(&npt, 0x12345678, 0x12345678, M2, true);
		npt_free(&npt);
		assert_int_equal(p.live, 0);
		pool_destroy(&p);
	}
}

/* One protected page splits one 1 GiB and one 2 MiB page, nothing else. */
static void test_one_page(void **state)
{
	const struct npt_range r = { 0x40201000, K4 };
	struct pool p;
	struct npt npt = make_npt(&p);

	(void)state;
	assert_int_not_equal(build(&npt, 36, true, &r, 1), 0);
	struct npt_stats s = check_all(&p, &npt, 36, &r, 1, true);
	assert_int_equal(s.tables, 4);
	assert_int_equal(s.leaves_1g, 63);
	assert_int_equal(s.leaves_2m, 511);
	assert_int_equal(s.leaves_4k, 512);
	expect_map(&npt, 0x40201000, BLANK_PA, K4, false);
	expect_map(&npt, 0x40201fff, BLANK_PA + 0xfff, K4, false);
	expect_map(&npt, 0x40200fff, 0x40200fff, K4, true);
	expect_map(&npt, 0x40202000, 0x40202000, K4, true);
	expect_map(&npt, 0x40400000, 0x40400000, M2, true);
	expect_map(&npt, 0x3fffffff, 0x3fffffff, G1, true);
	expect_map(&npt, 0x80000000, 0x80000000, G1, true);
	npt_free(&npt);
	assert_int_equal(p.live, 0);
	pool_destroy(&p);
}

static void check_ranges(unsigned bits, bool gb, const struct npt_range *r,
			 size_t n, size_t k4, size_t m2, size_t g1)
{
	struct pool p;
	struct npt npt = make_npt(&p);

	assert_int_not_equal(build(&npt, bits, gb, r, n), 0);
	struct npt_stats s = check_all(&p, &npt, bits, r, n, gb);
	assert_int_equal(s.leaves_4k, k4);
	assert_int_equal(s.leaves_2m, m2);
	assert_int_equal(s.leaves_1g, g1);
	npt_free(&npt);
	assert_int_equal(p.live, 0);
	pool_destroy(&p);
}

static void test_range_at_zero(void **state)
{
	const struct npt_range r = { 0, 0x10000 };
	struct pool p;
	struct npt npt = make_npt(&p);

	(void)state;
	check_ranges(36, true, &r, 1, 512, 511, 63);
	check_ranges(36, false, &r, 1, 512, 32767, 0);
	assert_int_not_equal(build(&npt, 36, true, &r, 1), 0);
	expect_map(&npt, 0, BLANK_PA, K4, false);
	expect_map(&npt, 0xffff, BLANK_PA + 0xfff, K4, false);
	expect_map(&npt, 0x10000, 0x10000, K4, true);
	npt_free(&npt);
	pool_destroy(&p);
}

static void test_unaligned_ranges(void **state)
{
	/* Straddles a 2 MiB boundary: two PTs, 2 blank pages. */
	const struct npt_range a = { 0x1ff000, 0x2000 };
	/* Straddles a 1 GiB boundary: two PDs, two PTs. */
	const struct npt_range b = { G1 - K4, 2 * K4 };
	/* More than 1 GiB, unaligned both ends: 1 GiB + 2 MiB worth of PTs. */
	const struct npt_range c = { 3 * G1 - M2 + 5 * K4, G1 + 2 * M2 - 9 * K4 };

	(void)state;
	check_ranges(36, true, &a, 1, 1024, 510, 63);
	check_ranges(36, true, &b, 1, 1024, 1022, 62);
	check_ranges(36, true, &c, 1, 514 * 512, 3 * 512 - 514, 61);
	check_ranges(36, false, &c, 1, 514 * 512, 32768 - 514, 0);
}

static void test_adjacent_overlapping(void **state)
{
	const struct npt_range adj[] = {
		{ 0x100000, 0x100000 }, { 0x200000, 0x1000 }, { 0x201000, 0x3000 },
	};
	const struct npt_range ovl[] = {
		{ 0x5000, 0x8000 }, { 0x7000, 0x10000 }, { 0x6000, 0x1000 },
		{ 0x5000, 0x8000 },
	};
	const struct npt_range empty[] = { { 0x400000, 0 }, { 0x1000, 0x1000 } };

	(void)state;
	check_ranges(36, true, adj, 3, 1024, 510, 63);
	check_ranges(36, true, ovl, 4, 512, 511, 63);
	check_ranges(36, true, empty, 2, 512, 511, 63);
	check_ranges(40, false, adj, 3, 1024, (1ull << 19) - 2, 0);
}

/* The part of a range above the map is ignored; nothing is mapped there. */
static void test_range_above_top(void **state)
{
	const struct npt_range r[] = {
		{ (1ull << 36) - K4, 2 * K4 }, { 1ull << 40, G1 },
	};
	struct pool p;
	struct npt npt = make_npt(&p);
	struct npt_mapping m;

	(void)state;
	check_ranges(36, true, r, 2, 512, 511, 63);
	assert_int_not_equal(build(&npt, 36, true, r, 2), 0);
	expect_map(&npt, (1ull << 36) - 1, BLANK_PA + 0xfff, K4, false);
	assert_int_equal(npt_lookup(&npt, 1ull << 36, &m), NPT_ENOENT);
	npt_free(&npt);
	pool_destroy(&p);
}

/*
 * blank_above: everything from 2^maxphyaddr to 2^48 reads the blank page
 * (old: not mapped, and svmhv panicked at the guest's first access), for
 * three more table pages whatever the width; nothing can be remapped there,
 * and npt_free gives every page back.
 */
static void test_blank_above(void **state)
{
	static const struct { unsigned bits; bool gb; } cases[] = {
		{ 32, true }, { 36, true }, { 39, false }, { 40, true }, { 47, true },
	};

	(void)state;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct npt_params prm = { cases[i].bits, cases[i].gb, false, NULL, 0, BLANK_PA, false };
		struct pool p, q;
		struct npt plain = make_npt(&q), npt = make_npt(&p);
		uint64_t top = 1ull << cases[i].bits;
		struct npt_mapping m;

		assert_int_not_equal(npt_build(&plain, &prm), 0);
		prm.blank_above = true;
		assert_int_not_equal(npt_build(&npt, &prm), 0);
		assert_int_equal(npt_count_pages(&npt), npt_count_pages(&plain) + 3);
		expect_map(&npt, top - K4, top - K4, cases[i].gb ? G1 : M2, true);
		expect_map(&npt, top, BLANK_PA, K4, false);
		expect_map(&npt, top + 0x12345, BLANK_PA + 0x345, K4, false);
		expect_map(&npt, (1ull << 48) - 1, BLANK_PA + 0xfff, K4, false);
		assert_int_equal(npt_lookup(&npt, 1ull << 48, &m), NPT_ENOENT);
		assert_int_equal(npt_map_range(&npt, top, K4, NPT_IDENTITY, NPT_PERM_RW, NULL),
				 NPT_EINVAL);
		assert_int_equal(npt_map_range(&npt, top - K4, 2 * K4, NPT_IDENTITY, NPT_PERM_RW,
					       NULL), NPT_EINVAL);
		assert_int_equal(npt_map_range(&npt, top - K4, K4, NPT_IDENTITY, NPT_PERM_RO, NULL),
				 0);
		expect_map(&npt, top + 8 * G1, BLANK_PA, K4, false);
		npt_free(&npt);
		npt_free(&plain);
		assert_int_equal(p.live, 0);
		pool_destroy(&p);
		pool_destroy(&q);
	}
}

static void test_host_tables(void **state)
{
	struct npt_params prm = { 40, true, true, NULL, 0, 0, false };
	struct pool p;
	struct npt npt = make_npt(&p);
	struct npt_mapping m;

	(void)state;
	assert_int_not_equal(npt_build(&npt, &prm), 0);
	assert_int_equal(npt.user, 0);
	check_all(&p, &npt, 40, NULL, 0, true);
	assert_int_equal(npt_lookup(&npt, 0x1000, &m), 0);
	assert_false(m.user);
	assert_true(m.writable);
	npt_free(&npt);
	pool_destroy(&p);
}

/* Every allocation in turn fails: 0, and nothing leaks. */
static void test_alloc_failure(void **state)
{
	const struct npt_range r[] = { { 0x1ff000, 0x2000 }, { 5 * G1, K4 } };
	struct pool p;
	struct npt npt = make_npt(&p);
	size_t need;

	(void)state;
	assert_int_not_equal(build(&npt, 36, true, r, 2), 0);
	need = p.allocs;
	assert_int_equal(need, 1 + 1 + 2 + 3);
	npt_free(&npt);
	pool_destroy(&p);
	for (size_t k = 0; k < need; k++) {
		npt = make_npt(&p);
		p.fail_at = k;
		assert_int_equal(build(&npt, 36, true, r, 2), 0);
		assert_int_equal(npt.root, 0);
		assert_int_equal(p.live, 0);
		pool_destroy(&p);
	}
	/* Without a free callback the pages stay allocated, but still 0. */
	npt = make_npt(&p);
	npt.free = NULL;
	p.fail_at = 3;
	assert_int_equal(build(&npt, 36, true, r, 2), 0);
	assert_int_equal(p.live, 3);
	pool_destroy(&p);
}

static void test_bad_params(void **state)
{
	const struct npt_range unaligned[] = { { 0x1800, 0x1000 } };
	const struct npt_range unaligned_size[] = { { 0x1000, 0x1800 } };
	const struct npt_range wrap[] = { { ~0xfffull, 0x2000 } };
	struct pool p;
	struct npt npt = make_npt(&p);
	struct npt_params prm = { 36, true, false, unaligned, 1, BLANK_PA, false };

	(void)state;
	assert_int_equal(npt_build(&npt, &prm), 0);
	prm.protect = unaligned_size;
	assert_int_equal(npt_build(&npt, &prm), 0);
	prm.protect = wrap;
	assert_int_equal(npt_build(&npt, &prm), 0);
	prm.protect = NULL;
	assert_int_equal(npt_build(&npt, &prm), 0);
	prm.nprotect = 0;
	prm.maxphyaddr = 31;
	assert_int_equal(npt_build(&npt, &prm), 0);
	prm.maxphyaddr = 53;
	assert_int_equal(npt_build(&npt, &prm), 0);
	prm.maxphyaddr = 36;
	prm.protect = (const struct npt_range[]){ { 0x1000, 0x1000 } };
	prm.nprotect = 1;
	prm.blank_pa = BLANK_PA + 8;
	assert_int_equal(npt_build(&npt, &prm), 0);
	prm.blank_pa = 1ull << 52;
	assert_int_equal(npt_build(&npt, &prm), 0);
	assert_int_equal(npt_build(&npt, NULL), 0);
	assert_int_equal(npt_build(NULL, &prm), 0);
	npt.ptr = NULL;
	prm.blank_pa = BLANK_PA;
	assert_int_equal(npt_build(&npt, &prm), 0);
	assert_int_equal(p.allocs, 0);
	pool_destroy(&p);
}

/* Random ranges, sizes and flags against the checker. */
static void test_random(void **state)
{
	uint64_t seed = 0x9e3779b97f4a7c15ull;

	(void)state;
	for (int round = 0; round < 40; round++) {
		struct npt_range r[6];
		size_t n = 1 + round % 6;
		bool gb = round % 3 != 0;
		struct pool p;
		struct npt npt = make_npt(&p);

		for (size_t i = 0; i < n; i++) {
			seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17;
			r[i].base = (seed % (4 * G1)) & ~(K4 - 1);
			r[i].size = ((seed >> 40) % (3 * M2)) & ~(K4 - 1);
		}
		assert_int_not_equal(build(&npt, 33 + round % 4, gb, r, n), 0);
		check_all(&p, &npt, 33 + round % 4, r, n, gb);
		npt_free(&npt);
		assert_int_equal(p.live, 0);
		pool_destroy(&p);
	}
}

/* Permissions are the AND over every level of the walk (APM2 5.6). */
static void test_lookup_levels(void **state)
{
	const struct npt_range r = { G1 + K4, K4 };
	struct pool p;
	struct npt npt = make_npt(&p);
	struct npt_mapping m;

	(void)state;
	assert_int_not_equal(build(&npt, 36, true, &r, 1), 0);
	uint64_t *pml4 = pool_ptr(&p, npt.root);
	uint64_t *pdpt = pool_ptr(&p, pml4[0] & PTE_ADDR_MASK);
	pdpt[1] &= ~PTE_W;              /* the PD's link */
	pdpt[1] |= PTE_NX;
	assert_int_equal(npt_lookup(&npt, G1 + 5 * M2 + 7, &m), 0);
	assert_int_equal(m.pa, G1 + 5 * M2 + 7);
	assert_int_equal(m.page_size, M2);
	assert_false(m.writable);
	assert_false(m.executable);
	assert_true(m.user);
	assert_true(m.pte & PTE_W);     /* the leaf itself is writable */
	pml4[0] &= ~PTE_U;
	assert_int_equal(npt_lookup(&npt, 3 * G1, &m), 0);
	assert_false(m.user);
	assert_true(m.writable);
	assert_true(m.executable);
	npt_free(&npt);
	assert_int_equal(p.live, 0);
	pool_destroy(&p);
}

/* ---- remap ------------------------------------------------------------------------ */

/* The xAPIC page write-protected in place, as the SMP code will do. */
static void test_remap_apic(void **state)
{
	struct pool p;
	struct npt npt = make_npt(&p);
	struct npt_change c = { 0, 0, 0, 0 };
	const uint64_t apic = 0xfee00000;

	(void)state;
	assert_int_not_equal(build(&npt, 40, true, NULL, 0), 0);
	assert_int_equal(npt_map_range(&npt, apic, K4, NPT_IDENTITY, NPT_PERM_RO, &c), 0);
	assert_int_equal(c.splits, 2);
	assert_int_equal(c.leaves, 1);
	assert_int_equal(c.first, apic);
	assert_int_equal(c.end, apic + K4);
	expect_map(&npt, apic + 0x300, apic + 0x300, K4, false);
	expect_map(&npt, apic + K4, apic + K4, K4, true);
	expect_map(&npt, apic - 1, apic - 1, M2, true);
	assert_int_equal(npt_count_pages(&npt), 3 + 2);

	/* Asking again changes nothing: no flush needed. */
	assert_int_equal(npt_map_range(&npt, apic, K4, NPT_IDENTITY, NPT_PERM_RO, &c), 0);
	assert_int_equal(c.splits + c.leaves, 0);

	/* Back to writable: one leaf, tables stay (never merged). */
	assert_int_equal(npt_unprotect_range(&npt, apic, K4, &c), 0);
	assert_int_equal(c.splits, 0);
	assert_int_equal(c.leaves, 1);
	expect_map(&npt, apic, apic, K4, true);
	assert_int_equal(npt_count_pages(&npt), 5);
	check_tree(&p, &npt, 40, NULL, 0, true, false);
	npt_free(&npt);
	pool_destroy(&p);
}

static void test_remap_large(void **state)
{
	struct pool p;
	struct npt npt = make_npt(&p);
	struct npt_change c = { 0, 0, 0, 0 };
	struct npt_mapping m;

	(void)state;
	assert_int_not_equal(build(&npt, 36, true, NULL, 0), 0);
	/* A whole aligned 2 MiB region stays one 2 MiB leaf. */
	assert_int_equal(npt_map_range(&npt, 3 * G1 + 4 * M2, M2, NPT_IDENTITY,
				       NPT_PERM_RO, &c), 0);
	assert_int_equal(c.splits, 1);
	assert_int_equal(c.leaves, 1);
	expect_map(&npt, 3 * G1 + 4 * M2 + 5, 3 * G1 + 4 * M2 + 5, M2, false);
	/* A whole 1 GiB page: one leaf, no split. */
	assert_int_equal(npt_map_range(&npt, 5 * G1, G1, NPT_IDENTITY, NPT_PERM_RO, &c), 0);
	assert_int_equal(c.splits, 0);
	assert_int_equal(c.leaves, 1);
	assert_int_equal(c.first, 5 * G1);
	assert_int_equal(c.end, 6 * G1);
	/* Not present: lookups fail, whole 1 GiB entries are simply cleared. */
	assert_int_equal(npt_map_range(&npt, 6 * G1, 2 * G1, 0, NPT_PERM_NONE, &c), 0);
	assert_int_equal(c.splits, 0);
	assert_int_equal(c.leaves, 2);
	assert_int_equal(npt_lookup(&npt, 7 * G1 + 123, &m), NPT_ENOENT);
	/* Protecting inside a hole needs no table: nothing to flush. */
	assert_int_equal(npt_map_range(&npt, 6 * G1, K4, 0, NPT_PERM_NONE, &c), 0);
	assert_int_equal(c.splits + c.leaves, 0);
	/* Remapping inside a hole builds tables. */
	assert_int_equal(npt_protect_range(&npt, 6 * G1 + M2, K4, BLANK_PA, &c), 0);
	assert_int_equal(c.splits, 2);
	assert_int_equal(c.leaves, 1);
	expect_map(&npt, 6 * G1 + M2, BLANK_PA, K4, false);
	assert_int_equal(npt_lookup(&npt, 6 * G1 + M2 + K4, &m), NPT_ENOENT);
	assert_int_equal(npt_lookup(&npt, 6 * G1, &m), NPT_ENOENT);
	/* Unprotect spanning a range larger than the tables. */
	assert_int_equal(npt_unprotect_range(&npt, 0, 1ull << 36, &c), 0);
	assert_int_equal(c.first, 3 * G1 + 4 * M2);
	assert_int_equal(c.end, 8 * G1);
	check_tree(&p, &npt, 36, NULL, 0, true, false);
	npt_free(&npt);
	pool_destroy(&p);
}

/* Accessed/dirty bits the CPU sets are not a change. */
static void test_remap_ignores_ad(void **state)
{
	struct pool p;
	struct npt npt = make_npt(&p);
	struct npt_change c = { 0, 0, 0, 0 };
	struct npt_mapping m;

	(void)state;
	assert_int_not_equal(build(&npt, 36, true, NULL, 0), 0);
	uint64_t *pml4 = pool_ptr(&p, npt.root);
	uint64_t *pdpt = pool_ptr(&p, pml4[0] & PTE_ADDR_MASK);
	pdpt[2] |= PTE_A | PTE_D;
	assert_int_equal(npt_unprotect_range(&npt, 2 * G1, G1, &c), 0);
	assert_int_equal(c.leaves + c.splits, 0);
	assert_int_equal(npt_lookup(&npt, 2 * G1, &m), 0);
	assert_int_equal(m.pte & (PTE_A | PTE_D), PTE_A | PTE_D);
	npt_free(&npt);
	pool_destroy(&p);
}

/* ENOMEM while splitting: translations unchanged, splits reported. */
static void test_remap_enomem(void **state)
{
	struct pool p;
	struct npt npt = make_npt(&p);
	struct npt_change c = { 0, 0, 0, 0 };

	(void)state;
	assert_int_not_equal(build(&npt, 36, true, NULL, 0), 0);
	p.fail_at = p.allocs + 1;       /* the PD succeeds, the PT fails */
	assert_int_equal(npt_protect_range(&npt, G1 + 0x5000, K4, BLANK_PA, &c),
			 NPT_ENOMEM);
	assert_int_equal(c.splits, 1);
	assert_int_equal(c.leaves, 0);
	expect_map(&npt, G1 + 0x5000, G1 + 0x5000, M2, true);
	check_tree(&p, &npt, 36, NULL, 0, true, false);
	p.fail_at = SIZE_MAX;
	assert_int_equal(npt_protect_range(&npt, G1 + 0x5000, K4, BLANK_PA, &c), 0);
	assert_int_equal(c.splits, 1);
	assert_int_equal(c.leaves, 1);
	const struct npt_range r = { G1 + 0x5000, K4 };
	check_all(&p, &npt, 36, &r, 1, true);
	npt_free(&npt);
	pool_destroy(&p);
}

static void test_remap_bad_args(void **state)
{
	struct pool p;
	struct npt npt = make_npt(&p);
	struct npt empty = npt;
	struct npt_change c = { 1, 1, 1, 1 };

	(void)state;
	assert_int_equal(npt_map_range(&empty, 0, K4, NPT_IDENTITY, NPT_PERM_RW, &c),
			 NPT_EINVAL);
	assert_int_equal(c.leaves, 0);
	assert_int_not_equal(build(&npt, 36, true, NULL, 0), 0);
	assert_int_equal(npt_map_range(&npt, 0x800, K4, NPT_IDENTITY, NPT_PERM_RW, 0), NPT_EINVAL);
	assert_int_equal(npt_map_range(&npt, 0, 0x800, NPT_IDENTITY, NPT_PERM_RW, 0), NPT_EINVAL);
	assert_int_equal(npt_map_range(&npt, 0, K4, 0x1234, NPT_PERM_RO, 0), NPT_EINVAL);
	assert_int_equal(npt_map_range(&npt, 0, K4, 1ull << 52, NPT_PERM_RO, 0), NPT_EINVAL);
	assert_int_equal(npt_map_range(&npt, 0, K4, 0, (enum npt_perm)(NPT_PERM_RW_UC + 1), 0),
			 NPT_EINVAL);
	assert_int_equal(npt_map_range(&npt, 1ull << 48, K4, 0, NPT_PERM_RO, 0), NPT_EINVAL);
	assert_int_equal(npt_map_range(&npt, (1ull << 48) - K4, 2 * K4, 0, NPT_PERM_RO, 0),
			 NPT_EINVAL);
	assert_int_equal(npt_map_range(&npt, ~0xfffull, 2 * K4, 0, NPT_PERM_RO, 0), NPT_EINVAL);
	assert_int_equal(npt_map_range(&npt, 0, 0, 0, NPT_PERM_RO, &c), 0);
	assert_int_equal(c.leaves + c.splits, 0);
	/* The last page below 2^48 is fine (and lies in a hole here). */
	assert_int_equal(npt_map_range(&npt, (1ull << 48) - K4, K4, NPT_IDENTITY,
				       NPT_PERM_RW, &c), 0);
	expect_map(&npt, (1ull << 48) - 1, (1ull << 48) - 1, K4, true);
	npt_free(&npt);
	pool_destroy(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_widths),
		cmocka_unit_test(test_no_gb_pages),
		cmocka_unit_test(test_one_page),
		cmocka_unit_test(test_range_at_zero),
		cmocka_unit_test(test_unaligned_ranges),
		cmocka_unit_test(test_adjacent_overlapping),
		cmocka_unit_test(test_range_above_top),
		cmocka_unit_test(test_host_tables),
		cmocka_unit_test(test_blank_above),
		cmocka_unit_test(test_alloc_failure),
		cmocka_unit_test(test_bad_params),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_lookup_levels),
		cmocka_unit_test(test_remap_apic),
		cmocka_unit_test(test_remap_large),
		cmocka_unit_test(test_remap_ignores_ad),
		cmocka_unit_test(test_remap_enomem),
		cmocka_unit_test(test_remap_bad_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
