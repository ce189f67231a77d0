/*
 * hv/cpus.c: the limits checked in boot/ before svmhv touches anything
 * (issue 16): processors MP services reports, enabled or not, against the
 * bound of svmhv's CPU sets (the tables themselves are sized from the count);
 * the ASIDs (1 and 2 on every CPU's own TLB, svm/asid.h); and the lookup of a
 * CPU's index by its (x2)APIC ID.
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
	/* Beyond the old static 256: sized at boot now. */
	assert_int_equal(check(257, 0, 32768), HV_CPUS_OK);
	assert_int_equal(check(384, 0, 32768), HV_CPUS_OK);     /* 2-socket EPYC Genoa */
	assert_int_equal(check(768, 0, 32768), HV_CPUS_OK);     /* 2-socket EPYC Turin dense */
	assert_int_equal(check(288, 0, 16), HV_CPUS_OK);        /* QEMU 10 TCG -smp 288 */
	assert_int_equal(check(1000, 24, 32768), HV_CPUS_OK);
}

static void test_too_many(void **state)
{
	(void)state;
	assert_int_equal(HV_CPUS_MAX, 1024);
	assert_int_equal(check(HV_CPUS_MAX + 1, 0, 32768), HV_CPUS_ETOO_MANY);
	assert_non_null(strstr(msg, "not virtualizing: the firmware reports 1025 processors "
				    "(1025 enabled), svmhv supports at most 1024"));
	assert_int_equal(check(2048, 0, 2), HV_CPUS_ETOO_MANY); /* the first limit named */
	assert_non_null(strstr(msg, "2048 processors"));
	assert_int_equal(check(1000, 25, 32768), HV_CPUS_ETOO_MANY);
	assert_non_null(strstr(msg, "1025 processors (1000 enabled)"));
	assert_int_equal(check(0x7fffffff, 0, 32768), HV_CPUS_ETOO_MANY);
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

/* APIC IDs by CPU index, sparse and 32-bit (x2APIC): found where they are. */
static void test_index(void **state)
{
	static uint32_t ids[HV_CPUS_MAX];
	const uint32_t sparse[] = { 0, 2, 0x100, 0x101, 0x10000, 0xfffffffeu, 0xffffffffu };

	(void)state;
	for (unsigned i = 0; i < HV_CPUS_MAX; i++)      /* two sockets, 9-bit gaps */
		ids[i] = (i / 512) << 20 | (i % 512) * 2;
	assert_int_equal(hv_cpus_index(ids, HV_CPUS_MAX, 0), 0);
	assert_int_equal(hv_cpus_index(ids, HV_CPUS_MAX, 2), 1);
	assert_int_equal(hv_cpus_index(ids, HV_CPUS_MAX, 1u << 20), 512);
	assert_int_equal(hv_cpus_index(ids, HV_CPUS_MAX, (1u << 20) | 1022), 1023);
	assert_int_equal(hv_cpus_index(ids, HV_CPUS_MAX, 1), -1);      /* in a gap */
	assert_int_equal(hv_cpus_index(ids, HV_CPUS_MAX, 1024), -1);   /* past socket 0 */
	assert_int_equal(hv_cpus_index(ids, 512, 1u << 20), -1);       /* only n entries */
	assert_int_equal(hv_cpus_index(ids, 0, 0), -1);
	for (unsigned i = 0; i < sizeof(sparse) / sizeof(sparse[0]); i++)
		assert_int_equal(hv_cpus_index(sparse, sizeof(sparse) / sizeof(sparse[0]),
					       sparse[i]), (int)i);
	assert_int_equal(hv_cpus_index(sparse, 7, 0xfffffffdu), -1);
	assert_int_equal(hv_cpus_index(sparse, 7, 0xff), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fits),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_few_asids),
		cmocka_unit_test(test_index),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
