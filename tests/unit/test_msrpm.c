/* Host tests of the MSR / I/O permission map helpers (svm/msrpm.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "svm/msrpm.h"

static uint8_t msrpm[SVM_MSRPM_SIZE];
static uint8_t iopm[SVM_IOPM_SIZE];

static int setup(void **state)
{
	(void)state;
	memset(msrpm, 0, sizeof(msrpm));
	memset(iopm, 0, sizeof(iopm));
	return 0;
}

/* Exactly one byte of the map is nonzero and it holds @bits. */
static void assert_only(const uint8_t *map, size_t len, size_t byte, uint8_t bits)
{
	for (size_t i = 0; i < len; i++)
		assert_int_equal(map[i], i == byte ? bits : 0);
}

static void check_msr(uint32_t msr, uint32_t byte, unsigned bit)
{
	uint32_t b;
	unsigned n;
	bool r, w;

	assert_int_equal(svm_msrpm_offset(msr, &b, &n), 0);
	assert_int_equal(b, byte);
	assert_int_equal(n, bit);

	memset(msrpm, 0, sizeof(msrpm));
	assert_int_equal(svm_msrpm_set(msrpm, msr, true, false), 0);
	assert_only(msrpm, sizeof(msrpm), byte, (uint8_t)(1u << bit));
	assert_int_equal(svm_msrpm_get(msrpm, msr, &r, &w), 0);
	assert_true(r);
	assert_false(w);

	assert_int_equal(svm_msrpm_set(msrpm, msr, false, true), 0);
	assert_only(msrpm, sizeof(msrpm), byte, (uint8_t)(2u << bit));
	assert_int_equal(svm_msrpm_get(msrpm, msr, &r, &w), 0);
	assert_false(r);
	assert_true(w);

	assert_int_equal(svm_msrpm_set(msrpm, msr, true, true), 0);
	assert_only(msrpm, sizeof(msrpm), byte, (uint8_t)(3u << bit));
	assert_int_equal(svm_msrpm_set(msrpm, msr, false, false), 0);
	assert_only(msrpm, sizeof(msrpm), 0, 0);
}

static void test_known_msrs(void **state)
{
	(void)state;
	check_msr(0xc0000080u, 0x820, 0);       /* EFER */
	check_msr(0xc0010117u, 0x1045, 6);      /* VM_HSAVE_PA */
	/*
	 * x2APIC ICR: 0x830 * 2 = bit 0x1060 = byte 0x20c, bit 0 (bits 4/5 of
	 * that byte belong to MSR 0x832, LVT Timer).
	 */
	check_msr(0x00000830u, 0x20c, 0);
	check_msr(0x00000832u, 0x20c, 4);
	check_msr(0x00000000u, 0x000, 0);       /* first of each range */
	check_msr(0xc0000000u, 0x800, 0);
	check_msr(0xc0010000u, 0x1000, 0);
	check_msr(0x00001fffu, 0x7ff, 6);       /* last of each range */
	check_msr(0xc0001fffu, 0xfff, 6);
	check_msr(0xc0011fffu, 0x17ff, 6);
	check_msr(0x00000277u, 0x9d, 6);        /* PAT: 0x277 * 2 = 0x4ee */
}

static void test_out_of_range(void **state)
{
	static const uint32_t bad[] = {
		0x00002000u, 0x3fffffffu, 0x40000000u, 0xbfffffffu,
		0xc0002000u, 0xc000ffffu, 0xc0012000u, 0xffffffffu,
	};
	uint32_t b = 7;
	unsigned n = 7;
	bool r, w;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(svm_msrpm_offset(bad[i], &b, &n), SVM_PERM_EINVAL);
		assert_int_equal(svm_msrpm_set(msrpm, bad[i], false, false), SVM_PERM_EINVAL);
		r = w = false;
		/* Outside the map the CPU always intercepts: get says so. */
		assert_int_equal(svm_msrpm_get(msrpm, bad[i], &r, &w), SVM_PERM_EINVAL);
		assert_true(r);
		assert_true(w);
	}
	assert_only(msrpm, sizeof(msrpm), 0, 0);
}

static void test_msrpm_init(void **state)
{
	bool r, w;

	(void)state;
	svm_msrpm_init(msrpm, true);
	for (size_t i = 0; i < sizeof(msrpm); i++)
		assert_int_equal(msrpm[i], 0xff);
	assert_int_equal(svm_msrpm_set(msrpm, 0xc0000080u, false, true), 0);
	assert_int_equal(msrpm[0x820], 0xfe);
	assert_int_equal(svm_msrpm_get(msrpm, 0xc0000081u, &r, &w), 0);
	assert_true(r && w);
	svm_msrpm_init(msrpm, false);
	assert_only(msrpm, sizeof(msrpm), 0, 0);
}

static void test_iopm_single(void **state)
{
	(void)state;
	assert_int_equal(svm_iopm_set(iopm, 0x3f8, 1, true), 0);
	assert_only(iopm, sizeof(iopm), 0x7f, 0x01);
	assert_true(svm_iopm_intercepted(iopm, 0x3f8, 1));
	assert_false(svm_iopm_intercepted(iopm, 0x3f9, 1));
	assert_false(svm_iopm_intercepted(iopm, 0x3f7, 1));
	assert_int_equal(svm_iopm_set(iopm, 0x3f8, 1, false), 0);
	assert_only(iopm, sizeof(iopm), 0, 0);

	assert_int_equal(svm_iopm_set(iopm, 0xcf8, 4, true), 0);      /* PCI config */
	assert_only(iopm, sizeof(iopm), 0x19f, 0x0f);
}

/* The hardware checks every byte an access touches (APM2 15.10.1). */
static void test_iopm_multibyte(void **state)
{
	(void)state;
	assert_int_equal(svm_iopm_set(iopm, 0x71, 1, true), 0);
	assert_true(svm_iopm_intercepted(iopm, 0x70, 2));
	assert_true(svm_iopm_intercepted(iopm, 0x6e, 4));
	assert_false(svm_iopm_intercepted(iopm, 0x6d, 4));
	assert_false(svm_iopm_intercepted(iopm, 0x72, 4));
	assert_false(svm_iopm_intercepted(iopm, 0x70, 1));
	/* Odd sizes are impossible accesses: report intercepted. */
	assert_true(svm_iopm_intercepted(iopm, 0x10, 3));
	assert_true(svm_iopm_intercepted(iopm, 0x10, 0));
	assert_true(svm_iopm_intercepted(iopm, 0x10, 8));

	/* A range across a byte boundary: 0x3fc..0x403. */
	memset(iopm, 0, sizeof(iopm));
	assert_int_equal(svm_iopm_set(iopm, 0x3fc, 8, true), 0);
	assert_int_equal(iopm[0x7f], 0xf0);
	assert_int_equal(iopm[0x80], 0x0f);
	assert_int_equal(svm_iopm_set(iopm, 0x3fe, 3, false), 0);
	assert_int_equal(iopm[0x7f], 0x30);
	assert_int_equal(iopm[0x80], 0x0e);
}

/* Port 0xffff with 4 bytes checks bits 0xffff..0x10002, inside 12 KiB. */
static void test_iopm_top(void **state)
{
	(void)state;
	assert_int_equal(svm_iopm_set(iopm, 0xffff, 4, true), 0);
	assert_int_equal(iopm[0x1fff], 0x80);
	assert_int_equal(iopm[0x2000], 0x07);
	assert_true(svm_iopm_intercepted(iopm, 0xffff, 1));
	assert_false(svm_iopm_intercepted(iopm, 0xfffe, 1));
	assert_true(svm_iopm_intercepted(iopm, 0xfffe, 2));
	assert_int_equal(svm_iopm_set(iopm, 0xffff, 1, false), 0);
	assert_false(svm_iopm_intercepted(iopm, 0xffff, 1));
	/* The extra bits alone still catch a wide access at the top. */
	assert_true(svm_iopm_intercepted(iopm, 0xffff, 2));
	assert_true(svm_iopm_intercepted(iopm, 0xfffd, 4));

	assert_int_equal(svm_iopm_set(iopm, 0, SVM_IOPM_PORTS, true), 0);
	assert_int_equal(iopm[0x2000], 0x07);
	for (size_t i = 0x2001; i < sizeof(iopm); i++)
		assert_int_equal(iopm[i], 0);
}

static void test_iopm_bad_size(void **state)
{
	(void)state;
	assert_int_equal(svm_iopm_set(iopm, 0x80, 0, true), SVM_PERM_EINVAL);
	assert_int_equal(svm_iopm_set(iopm, 0xffff, 5, true), SVM_PERM_EINVAL);
	assert_int_equal(svm_iopm_set(iopm, 1, SVM_IOPM_PORTS, true), SVM_PERM_EINVAL);
	assert_int_equal(svm_iopm_set(iopm, 0, 0xffffffffu, true), SVM_PERM_EINVAL);
	assert_only(iopm, sizeof(iopm), 0, 0);
}

static void test_iopm_init(void **state)
{
	(void)state;
	svm_iopm_init(iopm, true);
	for (size_t i = 0; i < sizeof(iopm); i++)
		assert_int_equal(iopm[i], 0xff);
	assert_true(svm_iopm_intercepted(iopm, 0x80, 1));
	svm_iopm_init(iopm, false);
	assert_only(iopm, sizeof(iopm), 0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_known_msrs, setup),
		cmocka_unit_test_setup(test_out_of_range, setup),
		cmocka_unit_test_setup(test_msrpm_init, setup),
		cmocka_unit_test_setup(test_iopm_single, setup),
		cmocka_unit_test_setup(test_iopm_multibyte, setup),
		cmocka_unit_test_setup(test_iopm_top, setup),
		cmocka_unit_test_setup(test_iopm_bad_size, setup),
		cmocka_unit_test_setup(test_iopm_init, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
