/* Host tests of the console formatter (hv/fmt.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "hv/fmt.h"

/* Odd formats (NULL %s, unknown conversions) are tested on purpose. */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-overflow"
#pragma GCC diagnostic ignored "-Wformat-extra-args"

#define CHECK(expect, ...) do { \
	char b[128]; \
	int n = hv_snprintf(b, sizeof(b), __VA_ARGS__); \
	assert_string_equal(b, expect); \
	assert_int_equal(n, (int)strlen(expect)); \
} while (0)

static void test_integers(void **state)
{
	(void)state;
	CHECK("42 -7 0", "%d %i %u", 42, -7, 0u);
	CHECK("ff FF 0x00000000deadbeef", "%x %X %p", 255u, 255u, (void *)0xdeadbeef);
	CHECK("18446744073709551615", "%llu", 18446744073709551615ull);
	CHECK("-9223372036854775808", "%lld", (long long)INT64_MIN);
	CHECK("ffffffffffffffff", "%llx", ~0ull);
	CHECK("12345", "%zu", (size_t)12345);
}

static void test_width_and_flags(void **state)
{
	(void)state;
	CHECK("0042|  42|42  |", "%04d|%4d|%-4d|", 42, 42, 42);
	CHECK("-042", "%04d", -42);
	CHECK("  ab|ab  |", "%4s|%-4s|", "ab", "ab");
	CHECK("   x", "%*s", 4, "x");
	CHECK("(null) % c", "%s %% %c", (char *)NULL, 'c');
	CHECK("%q", "%q");
}

static void test_precision(void **state)
{
	static const char unterminated[3] = { 'x', 'y', 'z' };

	(void)state;
	CHECK("abc|ab|abcd", "%.3s|%.*s|%.9s", "abcdef", 2, "abcdef", "abcd");
	CHECK("  ab", "%4.2s", "abcdef");
	CHECK("|", "%.0s|", "abc");
	/* Bytes past the precision are never read: ASan checks this one. */
	CHECK("xyz", "%.3s", unterminated);
}

static void test_truncation(void **state)
{
	char b[5];
	int n = hv_snprintf(b, sizeof(b), "%s", "abcdefgh");

	(void)state;
	assert_string_equal(b, "abcd");
	assert_int_equal(n, 4);
	assert_int_equal(hv_snprintf(b, 0, "xyz"), 0);
	assert_int_equal(hv_snprintf(b, 1, "xyz"), 0);
	assert_string_equal(b, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_width_and_flags),
		cmocka_unit_test(test_precision),
		cmocka_unit_test(test_truncation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
