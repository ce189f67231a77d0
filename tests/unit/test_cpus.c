/*
 * hv/cpus.c: the limits checked in boot/ before svmhv touches anything
 * (issue 16): processors MP services reports, enabled or not, against the
 * per-CPU tables; the ASIDs (1 and 2 on every CPU's own TLB, svm/asid.h).
 * The numbers are QEMU TCG's 16 ASIDs, KVM's 8 as L0, and an EPYC's 32768.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "hv/cpus.h"

static char msg[256];

static int check(unsigned enabled, unsigned disabled, uint32_t nasid)
{
	memset(msg, 'x', sizeof(msg));
	return hv_cpus_check(enabled, disabled, nasid, msg, sizeof(msg));
}

static void test_fits(void **state)
{
	(void)state;
	assert_int_equal(check(1, 0, 16), HV_CPUS_OK);
	assert_string_equal(msg, "");
	assert_int_equal(check(16, 0, 16), HV_CPUS_OK);         /* QEMU TCG -smp 16 */
	assert_int_equal(check(64, 0, 16), HV_CPUS_OK);         /* per-CPU pools */
	assert_int_equal(check(8, 0, 8), HV_CPUS_OK);           /* KVM as L0 */
	assert_int_equal(check(2, 0, 3), HV_CPUS_OK);           /* ASIDs 1 and 2 */
	assert_int_equal(check(HV_CPUS_MAX, 0, 32768), HV_CPUS_OK);
	assert_int_equal(check(250, 6, 32768), HV_CPUS_OK);     /* disabled ones count too */
	assert_int_equal(check(128, 0, 32768), HV_CPUS_OK);     /* EPYC 64 cores, SMT */
	assert_int_equal(check(80, 0, 16), HV_CPUS_OK);         /* QEMU TCG -smp 80 */
}

static void test_too_many(void **state)
{
	(void)state;
	assert_int_equal(check(HV_CPUS_MAX + 1, 0, 32768), HV_CPUS_ETOO_MANY);
	assert_non_null(strstr(msg, "not virtualizing: the firmware reports 257 processors "
				    "(257 enabled), svmhv supports at most 256"));
	assert_int_equal(check(384, 0, 2), HV_CPUS_ETOO_MANY);  /* the first limit named */
	assert_non_null(strstr(msg, "384 processors"));         /* 2-socket EPYC Genoa */
	assert_int_equal(check(250, 7, 32768), HV_CPUS_ETOO_MANY);
	assert_non_null(strstr(msg, "257 processors (250 enabled)"));
	assert_int_equal(check(1, ~0u, 32768), HV_CPUS_ETOO_MANY);   /* no wrap-around */
}

static void test_few_asids(void **state)
{
	(void)state;
	assert_int_equal(check(4, 0, 2), HV_CPUS_EASIDS);       /* ASID 1 only */
	assert_non_null(strstr(msg, "not virtualizing: 2 ASIDs (CPUID 8000_000A EBX) are "
				    "too few for 4 CPUs: svmhv needs ASIDs 1 and 2 on each"));
	assert_int_equal(check(1, 0, 1), HV_CPUS_EASIDS);       /* ASID 0 only */
	assert_int_equal(check(1, 0, 0), HV_CPUS_EASIDS);
	assert_non_null(strstr(msg, "returning to the firmware"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fits),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_few_asids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
