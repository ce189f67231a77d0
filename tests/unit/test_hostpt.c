/* SPDX-License-Identifier: MIT */
/*
 * Host unit tests for mm/hostpt.c: svmhv's host page tables as boot/ builds
 * them before the first instruction of the pool (where they sit in the pool,
 * what they map: the pool, the image the firmware loaded, every physical
 * address below the limit, executable and supervisor-only), and the walk of
 * the firmware's tables that says whether the firmware maps the pool NX.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mm/hostpt.h"

#define POOL_PA         0x7f000000ull   /* a pool where OVMF puts one */
#define IMAGE_SIZE      0x12345ull      /* rounds up to 0x13000 */
#define IMAGE_END       0x13000ull
#define LOADED_IMAGE    0x3e5f0000ull   /* the image the firmware loaded */
#define FILL            0xa5

struct pool {
	uint8_t *va;
	uint64_t size;
	struct pmm pmm;
	struct npt npt;
};

static void pool_new(struct pool *p, uint64_t size)
{
	p->va = aligned_alloc(PAGE_SIZE, size);
	assert_non_null(p->va);
	p->size = size;
	memset(p->va, FILL, size);
}

static bool untouched(const uint8_t *b, uint64_t len)
{
	for (uint64_t i = 0; i < len; i++)
		if (b[i] != FILL)
			return false;
	return true;
}

static void test_bits(void **state)
{
	(void)state;
	assert_int_equal(npt_gpa_bits(52, true), 48);
	assert_int_equal(npt_gpa_bits(48, true), 48);
	assert_int_equal(npt_gpa_bits(40, true), 40);
	assert_int_equal(npt_gpa_bits(48, false), 39);
	assert_int_equal(npt_gpa_bits(39, false), 39);
	assert_int_equal(npt_gpa_bits(36, false), 36);
}

/* gpa maps to itself, writable, executable, not user, at every level. */
static void expect_identity(const struct npt *npt, uint64_t gpa)
{
	struct npt_mapping m;

	assert_int_equal(npt_lookup(npt, gpa, &m), 0);
	assert_true(m.pa == gpa);
	assert_true(m.writable);
	assert_true(m.executable);
	assert_false(m.user);
}

/* Between the image copy and the canary, nothing else written. */
static void check_layout(struct pool *p, struct hostpt pt, uint64_t pages)
{
	assert_true(pt.cr3 >= POOL_PA + IMAGE_END && pt.cr3 < POOL_PA + IMAGE_END + pt.bytes);
	assert_true(pt.bytes == pages * PAGE_SIZE);
	assert_true(hostpt_heap_offset(IMAGE_SIZE, pt.bytes) == IMAGE_END + pt.bytes);
	assert_true(untouched(p->va, IMAGE_END));
	assert_true(untouched(p->va + IMAGE_END + pt.bytes, p->size - IMAGE_END - pt.bytes));
}

static void test_covers_pool_and_image(void **state)
{
	struct pool p;
	struct hostpt pt;

	(void)state;
	pool_new(&p, 4u << 20);
	pt = hostpt_build(&p.npt, &p.pmm, p.va, POOL_PA, p.size, IMAGE_SIZE, 48, true, NULL);
	/* 1 GiB leaves: a PML4 and 512 PDPTs. */
	check_layout(&p, pt, 513);
	expect_identity(&p.npt, POOL_PA);                       /* the pool: its code */
	expect_identity(&p.npt, POOL_PA + p.size - PAGE_SIZE);  /* and its canary */
	expect_identity(&p.npt, LOADED_IMAGE);                  /* takeover.asm, .resume */
	expect_identity(&p.npt, 0);
	expect_identity(&p.npt, 0xfee00000);                    /* the local APIC */
	expect_identity(&p.npt, (1ull << 48) - PAGE_SIZE);      /* the top of the map */
	free(p.va);
}

static void test_no_gb_pages(void **state)
{
	struct pool p;
	struct hostpt pt;
	struct npt_mapping m;

	(void)state;
	pool_new(&p, 4u << 20);
	pt = hostpt_build(&p.npt, &p.pmm, p.va, POOL_PA, p.size, IMAGE_SIZE,
			  npt_gpa_bits(48, false), false, NULL);
	/* 2 MiB leaves below 2^39: a PML4, a PDPT, 512 PDs. */
	check_layout(&p, pt, 514);
	expect_identity(&p.npt, POOL_PA);
	expect_identity(&p.npt, LOADED_IMAGE);
	expect_identity(&p.npt, (1ull << 39) - PAGE_SIZE);
	assert_int_equal(npt_lookup(&p.npt, POOL_PA, &m), 0);
	assert_true(m.page_size == NPT_PAGE_2M);
	assert_int_equal(npt_lookup(&p.npt, 1ull << 39, &m), NPT_ENOENT);
	free(p.va);
}

static void test_pool_too_small(void **state)
{
	struct pool p;
	struct hostpt pt;

	(void)state;
	pool_new(&p, IMAGE_END + PAGE_SIZE);            /* only the canary after the image */
	pt = hostpt_build(NULL, &p.pmm, p.va, POOL_PA, p.size, IMAGE_SIZE, 48, true, NULL);
	assert_true(pt.cr3 == 0 && pt.bytes == 0);
	free(p.va);
	pool_new(&p, IMAGE_END + 100 * PAGE_SIZE);      /* 513 table pages do not fit */
	pt = hostpt_build(NULL, &p.pmm, p.va, POOL_PA, p.size, IMAGE_SIZE, 48, true, NULL);
	assert_true(pt.cr3 == 0 && pt.bytes == 0);
	assert_true(untouched(p.va, IMAGE_END));
	assert_true(untouched(p.va + p.size - PAGE_SIZE, PAGE_SIZE));
	free(p.va);
}

/*
 * The screen's range (hv/fb.h) mapped uncached: PCD = PWT = 1 on the
 * leaves of exactly that range, split out of the large pages around it;
 * the neighbours keep WB. A range above the map fails alone.
 */
static void test_uc_range(void **state)
{
	const struct npt_range fb = { 0xc0001000ull, 0x301000 };      /* not 2 MiB aligned */
	const struct npt_range high = { 1ull << 48, PAGE_SIZE };
	struct pool p;
	struct hostpt pt;
	struct npt_mapping m;
	const uint64_t uc = PTE_PCD | PTE_PWT;

	(void)state;
	pool_new(&p, 4u << 20);
	pt = hostpt_build(&p.npt, &p.pmm, p.va, POOL_PA, p.size, IMAGE_SIZE, 48, true, &fb);
	assert_true(pt.cr3 != 0);
	assert_false(pt.uc_failed);
	/* The splits (a PD and two PTs) are in the tables' pool bytes. */
	check_layout(&p, pt, 513 + 3);
	for (uint64_t a = fb.base; a < fb.base + fb.size; a += PAGE_SIZE) {
		expect_identity(&p.npt, a);
		assert_int_equal(npt_lookup(&p.npt, a, &m), 0);
		assert_true((m.pte & uc) == uc);
	}
	assert_int_equal(npt_lookup(&p.npt, fb.base - PAGE_SIZE, &m), 0);
	assert_true((m.pte & uc) == 0 && m.page_size == NPT_PAGE_4K);
	assert_int_equal(npt_lookup(&p.npt, fb.base + fb.size, &m), 0);
	assert_true((m.pte & uc) == 0);
	assert_int_equal(npt_lookup(&p.npt, POOL_PA, &m), 0);
	assert_true((m.pte & uc) == 0 && m.page_size == NPT_PAGE_1G);
	free(p.va);
	pool_new(&p, 4u << 20);
	pt = hostpt_build(&p.npt, &p.pmm, p.va, POOL_PA, p.size, IMAGE_SIZE, 48, true, &high);
	assert_true(pt.cr3 != 0 && pt.uc_failed);
	check_layout(&p, pt, 513);
	free(p.va);
}

/* ---- the firmware's tables ------------------------------------------------- */

#define P       (1ull << 0)
#define W       (1ull << 1)
#define PS      (1ull << 7)
#define NX      (1ull << 63)
#define FW_PT   0x10000ull      /* four table pages at 0x10000..0x13fff */

static uint64_t fw_mem[4][512];

static int fw_read(void *ctx, uint64_t pa, void *buf, size_t len)
{
	(void)ctx;
	if (pa < FW_PT || pa + len > FW_PT + sizeof(fw_mem))
		return -1;
	memcpy(buf, (uint8_t *)fw_mem + (pa - FW_PT), len);
	return 0;
}

/* Firmware-like tables: 4 KiB pages in the first 2 MiB, then 2 MiB pages. */
static struct gpa_mmu fw_tables(bool nxe)
{
	memset(fw_mem, 0, sizeof(fw_mem));
	fw_mem[0][0] = (FW_PT + 0x1000) | P | W;        /* PML4 -> PDPT */
	fw_mem[1][0] = (FW_PT + 0x2000) | P | W;        /* PDPT -> PD */
	fw_mem[2][0] = (FW_PT + 0x3000) | P | W;        /* PD[0] -> PT */
	fw_mem[2][1] = 0x200000 | P | W | PS | NX;      /* a 2 MiB NX page */
	fw_mem[2][2] = 0x400000 | P | W | PS;           /* a 2 MiB executable page */
	fw_mem[3][1] = 0x1000 | P | W;                  /* executable */
	fw_mem[3][2] = 0x2000 | P | W | NX;             /* an NX pool page */
	/* fw_mem[3][3]: not present */
	return (struct gpa_mmu){
		.cr0 = (1ull << 31) | (1ull << 16) | 1, .cr3 = FW_PT, .cr4 = 1ull << 5,
		.efer = (1ull << 8) | (1ull << 10) | (nxe ? 1ull << 11 : 0),
		.maxphyaddr = 48, .read = fw_read,
	};
}

static void test_fw_fetch(void **state)
{
	struct gpa_mmu fw = fw_tables(true);

	(void)state;
	assert_int_equal(hostpt_fw_fetch(&fw, 0x1000), HOSTPT_FW_EXEC);
	assert_int_equal(hostpt_fw_fetch(&fw, 0x2000), HOSTPT_FW_NX);
	assert_int_equal(hostpt_fw_fetch(&fw, 0x2ff0), HOSTPT_FW_NX);
	assert_int_equal(hostpt_fw_fetch(&fw, 0x3000), HOSTPT_FW_UNMAPPED);
	assert_int_equal(hostpt_fw_fetch(&fw, 0x200000), HOSTPT_FW_NX);
	assert_int_equal(hostpt_fw_fetch(&fw, 0x400000), HOSTPT_FW_EXEC);
	assert_int_equal(hostpt_fw_fetch(&fw, 0x40000000), HOSTPT_FW_UNMAPPED);
	/* NX set without EFER.NXE is a reserved bit: every access faults. */
	fw = fw_tables(false);
	assert_int_equal(hostpt_fw_fetch(&fw, 0x2000), HOSTPT_FW_RSVD);
	assert_int_equal(hostpt_fw_fetch(&fw, 0x1000), HOSTPT_FW_EXEC);
	/* Paging off: everything executes; a table the walk cannot read: unknown. */
	fw = fw_tables(true);
	fw.cr0 = 1;
	fw.efer = 0;
	assert_int_equal(hostpt_fw_fetch(&fw, 0x2000), HOSTPT_FW_EXEC);
	fw = fw_tables(true);
	fw.cr3 = 0x800000;
	assert_int_equal(hostpt_fw_fetch(&fw, 0x2000), HOSTPT_FW_UNKNOWN);
	fw.maxphyaddr = 0;
	assert_int_equal(hostpt_fw_fetch(&fw, 0x2000), HOSTPT_FW_UNKNOWN);
	assert_string_equal(hostpt_fw_exec_str(HOSTPT_FW_EXEC), "executable");
	assert_non_null(strstr(hostpt_fw_exec_str(HOSTPT_FW_NX), "NX"));
	assert_non_null(strstr(hostpt_fw_exec_str(HOSTPT_FW_UNKNOWN), "unknown"));
}

/* The same walk over svmhv's own host tables: the pool is executable there. */
static struct pool *walked;

static int pool_read(void *ctx, uint64_t pa, void *buf, size_t len)
{
	(void)ctx;
	if (pa < POOL_PA || pa + len > POOL_PA + walked->size)
		return -1;
	memcpy(buf, walked->va + (pa - POOL_PA), len);
	return 0;
}

static void test_host_tables_walked(void **state)
{
	struct pool p;
	struct hostpt pt;
	struct gpa_mmu m;

	(void)state;
	pool_new(&p, 4u << 20);
	walked = &p;
	pt = hostpt_build(NULL, &p.pmm, p.va, POOL_PA, p.size, IMAGE_SIZE, 48, true, NULL);
	m = (struct gpa_mmu){ .cr0 = (1ull << 31) | (1ull << 16) | 1, .cr3 = pt.cr3,
			      .cr4 = 1ull << 5, .efer = (1ull << 8) | (1ull << 10) | (1ull << 11),
			      .maxphyaddr = 48, .read = pool_read };
	assert_int_equal(hostpt_fw_fetch(&m, POOL_PA), HOSTPT_FW_EXEC);
	assert_int_equal(hostpt_fw_fetch(&m, LOADED_IMAGE), HOSTPT_FW_EXEC);
	free(p.va);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bits),
		cmocka_unit_test(test_covers_pool_and_image),
		cmocka_unit_test(test_no_gb_pages),
		cmocka_unit_test(test_pool_too_small),
		cmocka_unit_test(test_uc_range),
		cmocka_unit_test(test_fw_fetch),
		cmocka_unit_test(test_host_tables_walked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
