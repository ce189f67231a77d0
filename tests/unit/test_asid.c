/* Host tests of the static ASID pool (svm/asid.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "svm/asid.h"

static struct asid_pool pool;

static void test_pool_init(void **state)
{
	(void)state;
	assert_int_equal(asid_pool_init(&pool, 0, 10), -ASID_EINVAL);  /* 0 is the host */
	assert_int_equal(asid_pool_init(&pool, 5, 4), -ASID_EINVAL);
	assert_int_equal(asid_pool_init(&pool, 1, ASID_POOL_BITS), -ASID_EINVAL);
	assert_int_equal(asid_pool_init(NULL, 1, 2), -ASID_EINVAL);
	assert_int_equal(asid_pool_init(&pool, 3, 10), 0);
	assert_int_equal(asid_free_count(&pool), 8);
	assert_false(asid_in_use(&pool, 3));
	assert_false(asid_in_use(&pool, 2));            /* outside: never in use */
}

static void test_pool_init_hw(void **state)
{
	(void)state;
	assert_int_equal(asid_pool_init_hw(&pool, 16), 0);     /* QEMU TCG -cpu max */
	assert_int_equal(pool.min, 1);
	assert_int_equal(pool.max, 15);
	assert_int_equal(asid_guest_count(&pool), 16);         /* CPUID 8000_000A.EBX */
	assert_int_equal(asid_pool_init_hw(&pool, 32768), 0);  /* Milan..Turin */
	assert_int_equal(pool.max, ASID_POOL_BITS - 1);
	assert_int_equal(asid_guest_count(&pool), 32768);
	assert_int_equal(asid_pool_init_hw(&pool, 1), -ASID_EINVAL);   /* only the host's */
}

/* vCPU i gets asid_l1 = base + 2i, asid_l2 = asid_l1 + 1, until the pool is dry. */
static void test_vcpu_alloc_split(void **state)
{
	struct asid_vcpu a;

	(void)state;
	assert_int_equal(asid_pool_init_hw(&pool, 16), 0);
	for (uint32_t i = 0; i < 7; i++) {
		assert_int_equal(asid_vcpu_alloc(&pool, ASID_MODE_SPLIT, &a), 0);
		assert_int_equal(a.l1, 1 + 2 * i);
		assert_int_equal(a.l2, a.l1 + 1);
	}
	assert_int_equal(asid_free_count(&pool), 1);
	a.l1 = a.l2 = 77;
	assert_int_equal(asid_vcpu_alloc(&pool, ASID_MODE_SPLIT, &a), -ASID_ENOSPC);
	assert_int_equal(a.l1, 77);                     /* never a wrong mapping */
	assert_int_equal(asid_vcpu_alloc(&pool, (enum asid_mode)9, &a), -ASID_EINVAL);
}

static void test_vcpu_alloc_shared(void **state)
{
	struct asid_vcpu a;

	(void)state;
	assert_int_equal(asid_pool_init_hw(&pool, 4), 0);
	for (uint32_t i = 1; i <= 3; i++) {
		assert_int_equal(asid_vcpu_alloc(&pool, ASID_MODE_SHARED, &a), 0);
		assert_int_equal(a.l1, i);
		assert_int_equal(a.l2, i);
	}
	assert_int_equal(asid_vcpu_alloc(&pool, ASID_MODE_SHARED, &a), -ASID_ENOSPC);
}

static void test_alloc_free(void **state)
{
	uint32_t t;

	(void)state;
	assert_int_equal(asid_pool_init(&pool, 1, 6), 0);
	assert_int_equal(asid_alloc(&pool, 6, &t), 0);
	assert_int_equal(t, 1);
	asid_free(&pool, 3, 1);                         /* hole of one */
	assert_false(asid_in_use(&pool, 3));
	assert_int_equal(asid_alloc(&pool, 2, &t), -ASID_ENOSPC);
	asid_free(&pool, 4, 1);
	assert_int_equal(asid_alloc(&pool, 2, &t), 0);
	assert_int_equal(t, 3);
	assert_true(asid_in_use(&pool, 3) && asid_in_use(&pool, 4));
	asid_free(&pool, 0, 100);                       /* out of range: ignored */
	assert_int_equal(asid_free_count(&pool), 0);
	assert_int_equal(asid_alloc(&pool, 0, &t), -ASID_EINVAL);
	assert_int_equal(asid_alloc(&pool, 1, NULL), -ASID_EINVAL);
}

static void test_plan(void **state)
{
	struct asid_plan p;

	(void)state;
	assert_int_equal(asid_plan(&p, 17, 8, ASID_POLICY_STRICT), 0);
	assert_int_equal(p.mode, ASID_MODE_SPLIT);
	assert_int_equal(p.usable, 16);
	assert_int_equal(p.need_split, 16);
	/* QEMU's 16 ASIDs, 8 vCPUs: 15 usable, one short */
	assert_int_equal(asid_plan(&p, 16, 8, ASID_POLICY_STRICT), -ASID_ENOSPC);
	assert_int_equal(p.status, -ASID_ENOSPC);
	assert_int_equal(asid_plan(&p, 16, 8, ASID_POLICY_FALLBACK), 0);
	assert_int_equal(p.mode, ASID_MODE_SHARED);
	assert_int_equal(asid_plan(&p, 8, 8, ASID_POLICY_FALLBACK), -ASID_ENOSPC);
	assert_int_equal(asid_plan(&p, 16, 0, ASID_POLICY_FALLBACK), -ASID_EINVAL);
	assert_int_equal(asid_plan(NULL, 16, 1, ASID_POLICY_FALLBACK), -ASID_EINVAL);
}

static void test_mode_name(void **state)
{
	(void)state;
	assert_non_null(strstr(asid_mode_name(ASID_MODE_SPLIT), "separate"));
	assert_non_null(strstr(asid_mode_name(ASID_MODE_SHARED), "FALLBACK"));
	assert_string_equal(asid_mode_name((enum asid_mode)7), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_init),
		cmocka_unit_test(test_pool_init_hw),
		cmocka_unit_test(test_vcpu_alloc_split),
		cmocka_unit_test(test_vcpu_alloc_shared),
		cmocka_unit_test(test_alloc_free),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_mode_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
