/*
 * Host tests of mm/nwalk.c: L1's nested page tables walked as the CPU walks
 * them (APM2 15.25.5-6), with Accessed/Dirty updates, every fault kind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "mm/nwalk.h"
#include "svm/x86.h"

#define PAGES   64
static uint64_t mem[PAGES][512];        /* L1-physical page n at n * 4096 */
static unsigned cas_fail;               /* fail the next CAS calls (L1 races) */

static int rd(void *ctx, uint64_t pa, uint64_t *e)
{
	(void)ctx;
	if (pa / PAGE_SIZE >= PAGES || (pa & 7))
		return -1;
	*e = mem[pa / PAGE_SIZE][(pa % PAGE_SIZE) / 8];
	return 0;
}

static int cas(void *ctx, uint64_t pa, uint64_t old, uint64_t new_entry)
{
	uint64_t *p = &mem[pa / PAGE_SIZE][(pa % PAGE_SIZE) / 8];

	(void)ctx;
	if (cas_fail) {
		cas_fail--;
		*p &= ~PTE_A;                   /* L1 ages it (clears Accessed) meanwhile */
		return 1;
	}
	if (*p != old)
		return 1;
	*p = new_entry;
	return 0;
}

#define T       (PTE_P | PTE_W | PTE_U)
#define PG(n)   ((uint64_t)(n) * PAGE_SIZE)

static struct nwalk_mmu mmu(void)
{
	return (struct nwalk_mmu){ .ncr3 = PG(1), .nxe = true, .maxphyaddr = 36,
				   .read = rd, .cas = cas };
}

/* 4 KiB: PML4 page 1 -> PDPT 2 -> PD 3 -> PT 4 -> L1 page 40, for gpa2 0x1234_5000. */
static void map_4k(uint64_t leaf_bits)
{
	uint64_t gpa2 = 0x12345000;

	memset(mem, 0, sizeof(mem));
	mem[1][(gpa2 >> 39) & 511] = PG(2) | T;
	mem[2][(gpa2 >> 30) & 511] = PG(3) | T;
	mem[3][(gpa2 >> 21) & 511] = PG(4) | T;
	mem[4][(gpa2 >> 12) & 511] = PG(40) | leaf_bits;
}

static uint64_t *leaf_4k(void)
{
	return &mem[4][(0x12345000 >> 12) & 511];
}

static void test_4k_read_sets_accessed(void **state)
{
	struct nwalk_mmu m = mmu();
	struct nwalk_result r;

	(void)state;
	map_4k(T);
	assert_int_equal(nwalk(&m, 0x12345678, GPA_ACC_READ, &r), NWALK_OK);
	assert_int_equal(r.gpa1, PG(40) + 0x678);
	assert_int_equal(r.page_size, PAGE_SIZE);
	assert_true(r.write && r.exec);
	assert_true(*leaf_4k() & PTE_A);
	assert_false(*leaf_4k() & PTE_D);
	assert_true(mem[1][0] & PTE_A);                 /* every level used */
	assert_int_equal(r.leaf, *leaf_4k());
}

static void test_write_sets_dirty(void **state)
{
	struct nwalk_mmu m = mmu();
	struct nwalk_result r;

	(void)state;
	map_4k(T);
	assert_int_equal(nwalk(&m, 0x12345000, GPA_ACC_WRITE, &r), NWALK_OK);
	assert_true(*leaf_4k() & PTE_D);
	assert_false(mem[3][(0x12345000 >> 21) & 511] & PTE_D);  /* leaf only */
}

static void test_peek_sets_nothing(void **state)
{
	struct nwalk_mmu m = mmu();
	struct nwalk_result r;

	(void)state;
	m.cas = NULL;
	map_4k(T);
	assert_int_equal(nwalk(&m, 0x12345000, GPA_ACC_WRITE, &r), NWALK_OK);
	assert_false(*leaf_4k() & (PTE_A | PTE_D));
}

/* Large pages at level 3 (1 GiB) and 2 (2 MiB). */
static void test_large_pages(void **state)
{
	struct nwalk_mmu m = mmu();
	struct nwalk_result r;

	(void)state;
	memset(mem, 0, sizeof(mem));
	mem[1][0] = PG(2) | T;
	mem[2][1] = (2ull << 30) | T | PTE_PS;          /* gpa2 1 GiB.. -> L1 2 GiB.. */
	mem[2][2] = PG(3) | T;
	mem[3][5] = (7ull << 21) | T | PTE_PS;          /* gpa2 2 GiB + 10 MiB -> 14 MiB */
	assert_int_equal(nwalk(&m, (1ull << 30) + 0x123456, GPA_ACC_READ, &r), NWALK_OK);
	assert_int_equal(r.gpa1, (2ull << 30) + 0x123456);
	assert_int_equal(r.page_size, PAGE_SIZE_1G);
	assert_int_equal(nwalk(&m, (2ull << 30) + (5ull << 21) + 0x1fff, GPA_ACC_READ, &r),
			 NWALK_OK);
	assert_int_equal(r.gpa1, (7ull << 21) + 0x1fff);
	assert_int_equal(r.page_size, PAGE_SIZE_2M);
}

/* Every fault: the NPF error code L1 gets (P, W, U always, RSV, I/D). */
static void test_faults(void **state)
{
	struct nwalk_mmu m = mmu();
	struct nwalk_result r;

	(void)state;
	map_4k(0);                                      /* not present */
	assert_int_equal(nwalk(&m, 0x12345000, GPA_ACC_WRITE, &r), NWALK_EFAULT);
	assert_int_equal(r.error_code, GPA_PF_U | GPA_PF_W);
	map_4k(PTE_P | PTE_U);                          /* read-only */
	assert_int_equal(nwalk(&m, 0x12345000, GPA_ACC_READ, &r), NWALK_OK);
	assert_int_equal(nwalk(&m, 0x12345000, GPA_ACC_WRITE, &r), NWALK_EFAULT);
	assert_int_equal(r.error_code, GPA_PF_P | GPA_PF_U | GPA_PF_W);
	assert_false(*leaf_4k() & PTE_D);               /* a fault sets nothing */
	map_4k(T | PTE_NX);                             /* no execute */
	assert_int_equal(nwalk(&m, 0x12345000, GPA_ACC_FETCH, &r), NWALK_EFAULT);
	assert_int_equal(r.error_code, GPA_PF_P | GPA_PF_U | GPA_PF_ID);
	m.nxe = false;                                  /* NX reserved without NXE */
	assert_int_equal(nwalk(&m, 0x12345000, GPA_ACC_READ, &r), NWALK_EFAULT);
	assert_int_equal(r.error_code, GPA_PF_P | GPA_PF_U | GPA_PF_RSV);
	m.nxe = true;
	map_4k(PTE_P | PTE_W);                          /* supervisor: nested walks are user */
	assert_int_equal(nwalk(&m, 0x12345000, GPA_ACC_READ, &r), NWALK_EFAULT);
	assert_int_equal(r.error_code, GPA_PF_P | GPA_PF_U);
	map_4k(T | (1ull << 40));                       /* address bit above MAXPHYADDR 36 */
	assert_int_equal(nwalk(&m, 0x12345000, GPA_ACC_READ, &r), NWALK_EFAULT);
	assert_int_equal(r.error_code, GPA_PF_P | GPA_PF_U | GPA_PF_RSV);
	map_4k(T);
	mem[1][0] |= PTE_PS;                            /* PS in a PML4E is reserved */
	assert_int_equal(nwalk(&m, 0x12345000, GPA_ACC_READ, &r), NWALK_EFAULT);
	assert_true(r.error_code & GPA_PF_RSV);
	map_4k(T);
	mem[3][(0x12345000 >> 21) & 511] = (1ull << 35) | T;    /* a table outside L1 RAM */
	assert_int_equal(nwalk(&m, 0x12345000, GPA_ACC_READ, &r), NWALK_EFAULT);
	assert_true(r.error_code & GPA_PF_RSV);
}

/* L1 changes an entry during the walk: the walk restarts, bounded. */
/*
 * L1 with CR4.LA57 (Linux KVM on such a CPU): 5-level tables, nCR3 the
 * PML5. The same tables read as 4-level (the bug KVM's npt=1 found) walk
 * the PML5 as a PML4 and fault.
 */
static void test_5_level(void **state)
{
	struct nwalk_mmu m = mmu();
	struct nwalk_result r;

	(void)state;
	map_4k(T);
	memset(mem[5], 0, sizeof(mem[5]));
	mem[5][0] = PG(1) | T;                  /* PML5 page 5 -> PML4 page 1 */
	m.ncr3 = PG(5);
	m.la57 = true;
	assert_int_equal(nwalk(&m, 0x12345678, GPA_ACC_READ, &r), NWALK_OK);
	assert_int_equal(r.gpa1, PG(40) + 0x678);
	assert_true(mem[5][0] & PTE_A);
	m.la57 = false;
	mem[5][0] = PG(1) | T;
	assert_int_equal(nwalk(&m, 0x12345678, GPA_ACC_READ, &r), NWALK_EFAULT);
	/* A PML5E with PS (bit 7) set is reserved, as for a PML4E. */
	m.la57 = true;
	mem[5][0] = PG(1) | T | PTE_PS;
	assert_int_equal(nwalk(&m, 0x12345678, GPA_ACC_READ, &r), NWALK_EFAULT);
	assert_true(r.error_code & GPA_PF_RSV);
}

static void test_cas_restart(void **state)
{
	struct nwalk_mmu m = mmu();
	struct nwalk_result r;

	(void)state;
	map_4k(T);
	cas_fail = 1;
	assert_int_equal(nwalk(&m, 0x12345000, GPA_ACC_WRITE, &r), NWALK_OK);
	assert_true(*leaf_4k() & PTE_D);
	map_4k(T);
	cas_fail = 1000;
	assert_int_equal(nwalk(&m, 0x12345000, GPA_ACC_READ, &r), NWALK_EINVAL);
	cas_fail = 0;
}

static void test_bad_arguments(void **state)
{
	struct nwalk_mmu m = mmu();
	struct nwalk_result r;

	(void)state;
	assert_int_equal(nwalk(&m, 1ull << 36, GPA_ACC_READ, &r), NWALK_EINVAL);
	m.maxphyaddr = 60;
	assert_int_equal(nwalk(&m, 0, GPA_ACC_READ, &r), NWALK_EINVAL);
	m = mmu();
	m.read = NULL;
	assert_int_equal(nwalk(&m, 0, GPA_ACC_READ, &r), NWALK_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_4k_read_sets_accessed),
		cmocka_unit_test(test_write_sets_dirty),
		cmocka_unit_test(test_peek_sets_nothing),
		cmocka_unit_test(test_large_pages),
		cmocka_unit_test(test_faults),
		cmocka_unit_test(test_5_level),
		cmocka_unit_test(test_cas_restart),
		cmocka_unit_test(test_bad_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
