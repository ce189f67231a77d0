/*
 * Host tests of nested/shadow.c: the composition of L1's nested page tables
 * with svmhv's (rights, page sizes both ways, Dirty tracking, memory types),
 * the root cache, the pool running out, and leaf replacement.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "nested/shadow.h"
#include "svm/x86.h"

#define NPAGES  16
static uint8_t pool[NPAGES * 4096] __attribute__((aligned(4096)));
static uint8_t owner[NPAGES];
static struct nested_shadow sh;

#define PAT_DEFAULT     0x0007040600070406ull   /* WB WT UC- UC  WB WT UC- UC */
#define PAT_WC_AT_1     0x0007040600070106ull   /* index 1 = WC */
#define M4K     PAGE_SIZE
#define M2M     PAGE_SIZE_2M
#define M1G     PAGE_SIZE_1G

static int setup(void **state)
{
	(void)state;
	memset(pool, 0xa5, sizeof(pool));       /* pages handed out must come zeroed */
	nested_shadow_init(&sh, pool, NPAGES, owner);
	return 0;
}

static unsigned used_pages(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < NPAGES; i++)
		n += owner[i] != 0;
	return n;
}

static struct nwalk_result l1(uint64_t gpa1, uint64_t size, uint64_t leaf_bits, bool w, bool x)
{
	return (struct nwalk_result){ .gpa1 = gpa1, .page_size = size, .write = w, .exec = x,
				      .leaf = leaf_bits };
}

static struct npt_mapping l0(uint64_t pa, uint64_t size, bool w, bool x)
{
	return (struct npt_mapping){ .pa = pa, .page_size = size, .writable = w, .executable = x,
				     .user = true };
}

/* Rights are the intersection; write also needs L1's Dirty bit. */
static void test_compose_rights(void **state)
{
	struct nwalk_result a = l1(0x5123, M4K, PTE_P | PTE_U | PTE_W | PTE_A | PTE_D, true, true);
	struct npt_mapping b = l0(0x9123, M4K, true, true);
	struct nested_shadow_leaf out;

	(void)state;
	nested_shadow_compose(0x7123, &a, &b, PAT_DEFAULT, PAT_DEFAULT, true, &out);
	assert_int_equal(out.gpa2, 0x7000);
	assert_int_equal(out.hpa, 0x9000);
	assert_int_equal(out.size, M4K);
	assert_int_equal(out.bits, PTE_P | PTE_U | PTE_W);
	a.leaf &= ~PTE_D;                       /* clean: the first write must fault */
	nested_shadow_compose(0x7123, &a, &b, PAT_DEFAULT, PAT_DEFAULT, true, &out);
	assert_false(out.bits & PTE_W);
	a.leaf |= PTE_D;
	b.writable = false;                     /* svmhv's read-only page (APIC, its pool) */
	nested_shadow_compose(0x7123, &a, &b, PAT_DEFAULT, PAT_DEFAULT, true, &out);
	assert_false(out.bits & PTE_W);
	b = l0(0x9123, M4K, true, false);       /* svmhv forbids execution */
	nested_shadow_compose(0x7123, &a, &b, PAT_DEFAULT, PAT_DEFAULT, true, &out);
	assert_true(out.bits & PTE_NX);
	a.exec = false;                         /* L1 forbids execution, no host NXE */
	b.executable = true;
	nested_shadow_compose(0x7123, &a, &b, PAT_DEFAULT, PAT_DEFAULT, false, &out);
	assert_false(out.bits & PTE_NX);        /* reserved without NXE: cannot say it */
}

/* Page sizes: the smaller side wins, both ways, with the right offsets. */
static void test_compose_sizes(void **state)
{
	struct nested_shadow_leaf out;
	/* L1: 1 GiB page gpa2 1 GiB.. -> gpa1 3 GiB..; svmhv: 2 MiB at gpa1 */
	struct nwalk_result a = l1(3 * M1G + 0x345678, M1G, PTE_P | PTE_U | PTE_D, true, true);
	struct npt_mapping b = l0(0x40345678, M2M, true, true);

	(void)state;
	nested_shadow_compose(M1G + 0x345678, &a, &b, PAT_DEFAULT, PAT_DEFAULT, true, &out);
	assert_int_equal(out.size, M2M);
	assert_int_equal(out.gpa2, M1G + 0x200000);
	assert_int_equal(out.hpa, 0x40200000);
	assert_true(out.bits & PTE_PS);
	/* L1: 4 KiB; svmhv: 1 GiB (identity) */
	a = l1(0x12345678, M4K, PTE_P | PTE_U | PTE_D, true, true);
	b = l0(0x12345678, M1G, true, true);
	nested_shadow_compose(0x99678, &a, &b, PAT_DEFAULT, PAT_DEFAULT, true, &out);
	assert_int_equal(out.size, M4K);
	assert_int_equal(out.hpa, 0x12345000);
	assert_false(out.bits & PTE_PS);
}

/* L1's memory type through L1's PAT, expressed through svmhv's PAT. */
static void test_memory_types(void **state)
{
	uint64_t wt = PTE_PWT;                  /* index 1: WT in the default PAT */

	(void)state;
	assert_int_equal(nested_memtype_bits(wt, false, PAT_DEFAULT, PAT_DEFAULT), PTE_PWT);
	/* L1's index 1 is WC; svmhv's PAT has no WC: UC (index 3, PCD|PWT) */
	assert_int_equal(nested_memtype_bits(wt, false, PAT_WC_AT_1, PAT_DEFAULT),
			 PTE_PCD | PTE_PWT);
	/* ... and back: WT, at index 1 of the default PAT, is at index 5 of this one */
	assert_int_equal(nested_memtype_bits(wt, false, PAT_DEFAULT, PAT_WC_AT_1),
			 BIT_ULL(7) | PTE_PWT);
	assert_int_equal(nested_memtype_bits(wt, true, PAT_DEFAULT, PAT_WC_AT_1),
			 BIT_ULL(12) | PTE_PWT);
	assert_int_equal(nested_memtype_bits(0, false, PAT_DEFAULT, PAT_DEFAULT), 0);  /* WB */
}

static struct nested_shadow_leaf leaf(uint64_t gpa2, uint64_t hpa, uint64_t size, uint64_t bits)
{
	return (struct nested_shadow_leaf){ .gpa2 = gpa2, .hpa = hpa, .size = size, .bits = bits };
}

static void test_map_and_lookup(void **state)
{
	struct nested_shadow_leaf got, l = leaf(0x5000, 0x9000, M4K, PTE_P | PTE_U | PTE_W);
	uint64_t root;
	bool ev = false;

	(void)state;
	assert_int_equal(nested_shadow_select(&sh, 0x1000, 7, &root, &ev), 0);
	assert_false(ev);
	assert_int_equal(((uint64_t *)(uintptr_t)root)[0], 0);      /* zeroed */
	assert_int_equal(nested_shadow_lookup(&sh, 0x5000, &got), -1);
	assert_int_equal(nested_shadow_map(&sh, 0x5123, &l, &ev), 0);
	assert_int_equal(nested_shadow_lookup(&sh, 0x5fff, &got), 0);
	assert_int_equal(got.hpa, 0x9000);
	assert_int_equal(got.bits, PTE_P | PTE_U | PTE_W);
	assert_int_equal(used_pages(), 4);                          /* PML4, PDPT, PD, PT */
	assert_int_equal(sh.st.fills, 1);
	/* a 2 MiB leaf where a table already is: the 4 KiB part around the address */
	l = leaf(0x200000, 0x40000000, M2M, PTE_P | PTE_U | PTE_PS | BIT_ULL(12));
	assert_int_equal(nested_shadow_map(&sh, 0x203456, &l, &ev), 0);
	assert_int_equal(nested_shadow_lookup(&sh, 0x203000, &got), 0);
	assert_int_equal(got.size, M2M);                            /* other 2 MiB: own leaf */
	l = leaf(0, 0x40000000, M2M, PTE_P | PTE_U | PTE_PS | BIT_ULL(12));
	assert_int_equal(nested_shadow_map(&sh, 0x7654, &l, &ev), 0);
	assert_int_equal(nested_shadow_lookup(&sh, 0x7000, &got), 0);
	assert_int_equal(got.size, M4K);
	assert_int_equal(got.hpa, 0x40007000);
	assert_int_equal(got.bits & BIT_ULL(7), BIT_ULL(7));        /* PAT moved to bit 7 */
	assert_false(got.bits & BIT_ULL(12));
	/* a 4 KiB leaf inside a 2 MiB leaf: the large leaf becomes a table */
	l = leaf(0x201000, 0x77000, M4K, PTE_P | PTE_U);
	assert_int_equal(nested_shadow_map(&sh, 0x201000, &l, &ev), 0);
	assert_int_equal(nested_shadow_lookup(&sh, 0x201000, &got), 0);
	assert_int_equal(got.hpa, 0x77000);
	assert_int_equal(nested_shadow_lookup(&sh, 0x203000, &got), -1);   /* refaults */
}

/* One root per (nCR3, ASID); switching back finds it; LRU eviction. */
static void test_root_cache(void **state)
{
	enum { N = NESTED_SHADOW_ROOTS };
	uint64_t r[N + 2];
	bool ev = false;

	(void)state;
	for (unsigned i = 0; i < N; i++)
		assert_int_equal(nested_shadow_select(&sh, 0x1000 * (i + 1), 1, &r[i], &ev), 0);
	assert_false(ev);
	assert_int_equal(nested_shadow_select(&sh, 0x1000, 1, &r[N], &ev), 0);
	assert_int_equal(r[N], r[0]);
	assert_int_equal(sh.st.roots_hit, 1);
	assert_int_equal(nested_shadow_select(&sh, 0x1000, 2, &r[N + 1], &ev), 0);      /* ASID differs */
	assert_true(ev);                                /* the LRU (nCR3 0x2000) went */
	assert_int_equal(sh.st.evictions, 1);
	ev = false;
	assert_int_equal(nested_shadow_select(&sh, 0x1000, 1, &r[N], &ev), 0);
	assert_false(ev);                               /* still there */
	nested_shadow_drop_asid(&sh, 1);
	assert_int_equal(sh.cur, -1);
	assert_int_equal(sh.st.invalidations, N - 1);   /* every ASID 1 root but 0x2000's */
	assert_int_equal(used_pages(), 1);              /* (0x1000, ASID 2) */
	nested_shadow_drop_all(&sh);
	assert_int_equal(used_pages(), 0);
}

/* The pool runs out: other roots go, then the current one is cleared. Never -1 here. */
static void test_pool_exhaustion(void **state)
{
	struct nested_shadow_leaf l;
	uint64_t root, other;
	bool ev = false;

	(void)state;
	assert_int_equal(nested_shadow_select(&sh, 0x9000, 9, &other, &ev), 0);
	l = leaf(0, 0x1000, M4K, PTE_P | PTE_U);
	assert_int_equal(nested_shadow_map(&sh, 0, &l, &ev), 0);
	assert_int_equal(nested_shadow_select(&sh, 0x1000, 1, &root, &ev), 0);
	for (unsigned i = 0; i < 64; i++) {             /* each in its own 1 GiB: 3 pages */
		uint64_t a = (uint64_t)i << 30;

		l = leaf(a, 0x1000, M4K, PTE_P | PTE_U);
		assert_int_equal(nested_shadow_map(&sh, a, &l, &ev), 0);
	}
	assert_true(ev);
	assert_true(sh.st.evictions >= 2);
	assert_true(used_pages() <= NPAGES);
	assert_int_equal(sh.root[sh.cur].pa, root);     /* the PML4 stayed: nCR3 unchanged */
	l = leaf((uint64_t)63 << 30, 0, M4K, 0);
	assert_int_equal(nested_shadow_lookup(&sh, (uint64_t)63 << 30, &l), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compose_rights),
		cmocka_unit_test(test_compose_sizes),
		cmocka_unit_test(test_memory_types),
		cmocka_unit_test_setup(test_map_and_lookup, setup),
		cmocka_unit_test_setup(test_root_cache, setup),
		cmocka_unit_test_setup(test_pool_exhaustion, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
