/* Host tests of boot/ramlist.c: the firmware's RAM map as svmhv merges it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "boot/ramlist.h"

static void check(const struct hv_boot_range *r, unsigned n, const uint64_t *want, unsigned nwant)
{
	assert_int_equal(n, nwant);
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(r[i].base, want[2 * i]);
		assert_int_equal(r[i].size, want[2 * i + 1]);
	}
}

/* OVMF's map comes in address order, page runs of one type after another. */
static void test_merge_in_order(void **state)
{
	struct hv_boot_range r[8];
	unsigned n = 0;
	const uint64_t want[] = { 0, 0xa0000, 0x100000, 0x3ff00000 };

	(void)state;
	assert_true(ramlist_add(r, &n, 8, 0, 0x9f000));
	assert_true(ramlist_add(r, &n, 8, 0x9f000, 0x1000));    /* adjacent: merged */
	assert_true(ramlist_add(r, &n, 8, 0x100000, 0x700000));
	assert_true(ramlist_add(r, &n, 8, 0x800000, 0x3f800000));
	assert_true(ramlist_add(r, &n, 8, 0x800000 - 0x100000, 0x100000));
	assert_true(ramlist_add(r, &n, 8, 0x500000, 0));        /* empty: nothing */
	check(r, n, want, 2);
}

static void test_merge_any_order(void **state)
{
	struct hv_boot_range r[8];
	unsigned n = 0;
	const uint64_t want[] = { 0x1000, 0x4000, 0x10000, 0x3000, 0x20000, 0x1000 };
	const uint64_t one[] = { 0x1000, 0x20000 };

	(void)state;
	assert_true(ramlist_add(r, &n, 8, 0x20000, 0x1000));
	assert_true(ramlist_add(r, &n, 8, 0x10000, 0x1000));
	assert_true(ramlist_add(r, &n, 8, 0x1000, 0x1000));
	assert_true(ramlist_add(r, &n, 8, 0x3000, 0x2000));
	assert_true(ramlist_add(r, &n, 8, 0x2000, 0x1000));     /* fills the gap: 0x1000-0x5000 */
	assert_true(ramlist_add(r, &n, 8, 0x11000, 0x2000));
	assert_true(ramlist_add(r, &n, 8, 0x10800, 0x100));     /* inside */
	check(r, n, want, 3);
	/* One range covering all of them swallows the rest. */
	assert_true(ramlist_add(r, &n, 8, 0x1000, 0x20000));
	check(r, n, one, 1);
}

static void test_full_and_wrap(void **state)
{
	struct hv_boot_range r[2];
	unsigned n = 0;
	const uint64_t want[] = { 0x1000, 0x1000, 0x5000, 0x2000 };

	(void)state;
	assert_true(ramlist_add(r, &n, 2, 0x1000, 0x1000));
	assert_true(ramlist_add(r, &n, 2, 0x5000, 0x1000));
	assert_false(ramlist_add(r, &n, 2, 0x9000, 0x1000));    /* needs a third slot */
	assert_true(ramlist_add(r, &n, 2, 0x6000, 0x1000));     /* merges: no slot needed */
	check(r, n, want, 2);
	assert_false(ramlist_add(r, &n, 2, ~0ull - 0xfff, 0x2000));
	check(r, n, want, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_in_order),
		cmocka_unit_test(test_merge_any_order),
		cmocka_unit_test(test_full_and_wrap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
