/*
 * Host tests of mm/gmem.c: what svmhv may copy in and out of guest memory.
 * Guest-physical addresses here are the host addresses of ordinary buffers,
 * exactly as in svmhv's identity-mapped world.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "mm/gmem.h"

static uint8_t ram[3 * 4096] __attribute__((aligned(4096)));

static uint64_t pa(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static struct gmem mem(void)
{
	/* Page 1 of ram plays svmhv's pool; page 2 an emulated (APIC-like) page. */
	struct gmem m = { .maxphyaddr = 48, .hv = { pa(ram + 4096), 4096 } };

	assert_int_equal(gmem_add_emulated(&m, pa(ram + 8192), 4096), 0);
	return m;
}

static void test_read_write_ok(void **state)
{
	struct gmem m = mem();
	uint8_t buf[100];

	(void)state;
	memset(ram, 0x11, sizeof(ram));
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)i;
	assert_int_equal(gmem_write(&m, pa(ram + 3), buf, sizeof(buf)), 0);
	assert_memory_equal(ram + 3, buf, sizeof(buf));
	assert_int_equal(ram[2], 0x11);
	assert_int_equal(ram[103], 0x11);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(gmem_read(&m, pa(ram + 3), buf, sizeof(buf)), 0);
	assert_int_equal(buf[99], 99);
	/* The emulated page may be read (it is memory-like), never written here. */
	assert_int_equal(gmem_read(&m, pa(ram + 8192), buf, 8), 0);
}

static void test_svmhv_memory_refused(void **state)
{
	struct gmem m = mem();
	uint8_t buf[16] = { 0 };

	(void)state;
	memset(ram, 0x22, sizeof(ram));
	/* One byte into the pool, from either side, is one byte too many. */
	assert_int_equal(gmem_read(&m, pa(ram + 4096 - 8), buf, 9), -1);
	assert_int_equal(gmem_read(&m, pa(ram + 8191), buf, 1), -1);
	assert_int_equal(gmem_write(&m, pa(ram + 4090), buf, 16), -1);
	assert_int_equal(ram[4090], 0x22);              /* nothing copied */
	assert_true(gmem_is_hv(&m, pa(ram + 4096), 1));
	assert_false(gmem_is_hv(&m, pa(ram + 4096 - 1), 1));
	assert_false(gmem_is_hv(&m, pa(ram + 8192), 4096));
	assert_false(gmem_is_hv(&m, pa(ram + 4096), 0));
}

static void test_emulated_not_written(void **state)
{
	struct gmem m = mem();
	uint8_t buf[16] = { 0 };

	(void)state;
	memset(ram, 0x33, sizeof(ram));
	assert_int_equal(gmem_write(&m, pa(ram + 8192 + 4080), buf, 16), -1);
	assert_int_equal(ram[8192 + 4080], 0x33);
	assert_true(gmem_is_emulated(&m, pa(ram + 8192 + 4095), 1));
	assert_false(gmem_is_emulated(&m, pa(ram + 8192 + 4096), 1));
	for (unsigned i = 1; i < GMEM_MAX_EMULATED; i++)
		assert_int_equal(gmem_add_emulated(&m, 0x1000ull * i, 4096), 0);
	assert_int_equal(gmem_add_emulated(&m, 0x100000, 4096), -1);
}

static void test_beyond_maxphyaddr(void **state)
{
	struct gmem m = { .maxphyaddr = 36 };
	uint8_t buf[8];

	(void)state;
	assert_int_equal(gmem_read(&m, 1ull << 36, buf, 1), -1);
	assert_int_equal(gmem_read(&m, (1ull << 36) - 4, buf, 8), -1);
	assert_int_equal(gmem_write(&m, ~0ull - 3, buf, 8), -1);       /* wraps */
	assert_int_equal(gmem_read(&m, 0, buf, ~0ull), -1);
}

/* The RAM list: sorted, merged; a page straddling a hole is not RAM. */
static void test_ram_list(void **state)
{
	struct gmem m = { .maxphyaddr = 40 };
	const struct gmem_range r[] = {
		{ 0x100000, 0x100000 }, { 0x0, 0xa0000 }, { 0x200000, 0x1000 },  /* touches */
		{ 0x180000, 0x10000 },                                          /* inside */
		{ 0x40000000, 0 }, { 0x80000000, 0x40000000 },
	};

	(void)state;
	assert_int_equal(gmem_set_ram(&m, r, 6), 0);
	assert_int_equal(m.nram, 3);
	assert_true(m.ram[0].base == 0 && m.ram[0].size == 0xa0000);
	assert_true(m.ram[1].base == 0x100000 && m.ram[1].size == 0x101000);
	assert_true(gmem_is_ram(&m, 0x9f000, 0x1000));
	assert_false(gmem_is_ram(&m, 0xa0000, 0x1000));          /* VGA hole */
	assert_false(gmem_is_ram(&m, 0x9f800, 0x1000));          /* straddles it */
	assert_true(gmem_is_ram(&m, 0x200000, 0x1000));
	assert_false(gmem_is_ram(&m, 0x201000, 1));
	assert_true(gmem_is_ram(&m, 0xbffff000, 0x1000));
	assert_false(gmem_is_ram(&m, 0xfee00000, 0x1000));        /* the APIC page */
	assert_false(gmem_is_ram(&m, 0x80000000, 0));
	/* Bad value: an address beyond MAXPHYADDR is never RAM, even if listed. */
	m.maxphyaddr = 31;
	assert_false(gmem_is_ram(&m, 0x80000000, 0x1000));
	/* Writes go to RAM only (reads may touch device memory). */
	m.maxphyaddr = 48;
	m.nram = 1;
	m.ram[0] = (struct gmem_range){ pa(ram), 4096 };
	assert_int_equal(gmem_write(&m, pa(ram), "x", 1), 0);
	assert_int_equal(gmem_write(&m, pa(ram + 4096 - 1), "xy", 2), -1);
}

/* A full list keeps the first GMEM_MAX_RAM ranges and says so. */
static void test_ram_list_full(void **state)
{
	static struct gmem_range r[GMEM_MAX_RAM + 1];
	struct gmem m = { .maxphyaddr = 48 };

	(void)state;
	for (unsigned i = 0; i <= GMEM_MAX_RAM; i++)
		r[i] = (struct gmem_range){ (uint64_t)i << 24, 0x1000 };
	assert_int_equal(gmem_set_ram(&m, r, GMEM_MAX_RAM + 1), -1);
	assert_int_equal(m.nram, GMEM_MAX_RAM);
	assert_false(gmem_is_ram(&m, (uint64_t)GMEM_MAX_RAM << 24, 0x1000));
	/* Merging frees room again: one big range swallows them all. */
	r[0] = (struct gmem_range){ 0, (uint64_t)(GMEM_MAX_RAM + 1) << 24 };
	assert_int_equal(gmem_set_ram(&m, r, GMEM_MAX_RAM + 1), 0);
	assert_int_equal(m.nram, 1);
}

static void test_cas64(void **state)
{
	struct gmem m = mem();
	uint64_t *q = (uint64_t *)(void *)(ram + 16);

	(void)state;
	*q = 5;
	assert_int_equal(gmem_cas64(&m, pa(q), 5, 7), 0);
	assert_int_equal(*q, 7);
	assert_int_equal(gmem_cas64(&m, pa(q), 5, 9), 1);              /* changed meanwhile */
	assert_int_equal(*q, 7);
	assert_int_equal(gmem_cas64(&m, pa(q) + 1, 7, 9), -1);         /* unaligned */
	assert_int_equal(gmem_cas64(&m, pa(ram + 4096), 0, 1), -1);    /* svmhv's */
	assert_int_equal(gmem_cas64(&m, pa(ram + 8192), 0, 1), -1);    /* emulated */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_write_ok),
		cmocka_unit_test(test_svmhv_memory_refused),
		cmocka_unit_test(test_emulated_not_written),
		cmocka_unit_test(test_beyond_maxphyaddr),
		cmocka_unit_test(test_ram_list),
		cmocka_unit_test(test_ram_list_full),
		cmocka_unit_test(test_cas64),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
