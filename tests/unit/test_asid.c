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
/* A pCPU's pool: its vCPU gets 1, and 2 .. 9 for L2; with 3 ASIDs, 1 and 2. */
static void test_vcpu_alloc(void **state)
{
	struct asid_vcpu a;

	(void)state;
	for (uint32_t cpu = 0; cpu < 64; cpu++) {       /* every pCPU's own pool */
		assert_int_equal(asid_pool_init_hw(&pool, 16), 0);
		assert_int_equal(asid_vcpu_alloc(&pool, &a), 0);
		assert_int_equal(a.l1, 1);
		assert_int_equal(a.l2, 2);
		assert_int_equal(a.n_l2, ASID_L2_MAX);
		assert_int_equal(asid_free_count(&pool), 15 - 1 - ASID_L2_MAX);
	}
	assert_int_equal(asid_pool_init_hw(&pool, 8), 0);       /* KVM as L0 */
	assert_int_equal(asid_vcpu_alloc(&pool, &a), 0);
	assert_int_equal(a.n_l2, 6);
	assert_int_equal(asid_pool_init_hw(&pool, 3), 0);
	assert_int_equal(asid_vcpu_alloc(&pool, &a), 0);
	assert_int_equal(a.l2, 2);
	assert_int_equal(a.n_l2, 1);
	a.l1 = a.l2 = 77;
	assert_int_equal(asid_vcpu_alloc(&pool, &a), -ASID_ENOSPC);
	assert_int_equal(a.l1, 77);                     /* never a wrong mapping */
	assert_int_equal(asid_vcpu_alloc(&pool, NULL), -ASID_EINVAL);
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
	/* QEMU's 16 ASIDs: enough for any CPU count (the pool is per pCPU) */
	for (uint32_t n = 1; n <= 4096; n *= 2) {
		assert_int_equal(asid_plan(&p, 16, n), 0);
		assert_int_equal(p.usable, 15);
		assert_int_equal(p.need, 2);
		assert_int_equal(p.n_l2, ASID_L2_MAX);
		assert_int_equal(p.nr_vcpus, n);
	}
	assert_int_equal(asid_plan(&p, 8, 64), 0);      /* KVM as L0 reports 8 */
	assert_int_equal(p.n_l2, 6);
	assert_int_equal(asid_plan(&p, 3, 64), 0);
	assert_int_equal(p.n_l2, 1);
	assert_int_equal(asid_plan(&p, 2, 1), -ASID_ENOSPC);    /* one usable ASID */
	assert_int_equal(p.status, -ASID_ENOSPC);
	assert_int_equal(asid_plan(&p, 0, 1), -ASID_ENOSPC);
	assert_int_equal(asid_plan(&p, 16, 0), -ASID_EINVAL);
	assert_int_equal(asid_plan(NULL, 16, 1), -ASID_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_init),
		cmocka_unit_test(test_pool_init_hw),
		cmocka_unit_test(test_vcpu_alloc),
		cmocka_unit_test(test_alloc_free),
		cmocka_unit_test(test_plan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
