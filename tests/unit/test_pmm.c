/* Host tests of the reserved-pool page allocator (mm/pmm.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "mm/pmm.h"

static void test_alloc_zeroed_and_aligned(void **state)
{
	uint8_t *mem = aligned_alloc(4096, 64 * 4096);
	struct pmm p;
	uint64_t pa;

	(void)state;
	memset(mem, 0xaa, 64 * 4096);
	/* A base that is not page aligned is rounded up in both spaces. */
	pmm_init(&p, mem + 100, 0x100000 + 100, 64 * 4096 - 100);
	assert_ptr_equal(p.base, mem + 4096);
	assert_int_equal(p.base_pa, 0x101000);
	assert_int_equal(p.size, 63 * 4096);
	uint8_t *a = pmm_alloc_page(&p, &pa);
	assert_ptr_equal(a, mem + 4096);
	assert_int_equal(pa, 0x101000);
	for (int i = 0; i < 4096; i++)
		assert_int_equal(a[i], 0);
	/* 8-page alignment skips to the next multiple of 32 KiB. */
	uint8_t *b = pmm_alloc_pages(&p, 2, 8, &pa);
	assert_non_null(b);
	assert_int_equal(pa % (8 * 4096), 0);
	assert_int_equal(pa, 0x108000);
	assert_ptr_equal(b, mem + 4096 + (0x108000 - 0x101000));
	free(mem);
}

static void test_exhaustion(void **state)
{
	uint8_t *mem = aligned_alloc(4096, 4 * 4096);
	struct pmm p;

	(void)state;
	pmm_init(&p, mem, 0x200000, 4 * 4096);
	assert_null(pmm_alloc_pages(&p, 5, 1, NULL));
	assert_non_null(pmm_alloc_pages(&p, 3, 1, NULL));
	assert_int_equal(pmm_free_bytes(&p), 4096);
	assert_null(pmm_alloc_pages(&p, 2, 1, NULL));
	assert_null(pmm_alloc_pages(&p, 0, 1, NULL));
	assert_non_null(pmm_alloc_page(&p, NULL));
	assert_null(pmm_alloc_page(&p, NULL));
	/* A size that would overflow is refused, not wrapped. */
	assert_null(pmm_alloc_pages(&p, SIZE_MAX / 4096, 1, NULL));
	free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_zeroed_and_aligned),
		cmocka_unit_test(test_exhaustion),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
