/* SPDX-License-Identifier: MIT */
/* Host tests of hv/console.c: line format and the per-call-site rate limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "hv/console.h"
#include "svm/hw.h"

/* A UART that is always ready; what svmhv writes to THR lands here. */
static char out[1 << 16];
static size_t out_len;

static uint8_t scratch;          /* COM1's scratch register */

void outb(uint16_t port, uint8_t v)
{
	if (port == 0x3f8 + 7)
		scratch = v;
	if (port == 0x3f8 && out_len + 1 < sizeof(out))
		out[out_len++] = (char)v;
	out[out_len] = '\0';
}

/* COM1 is a 16550; 0x2f8 is a floating bus; 0x3e8 answers LSR but forgets. */
uint8_t inb(uint16_t port)
{
	if (port == 0x3f8 + 5 || port == 0x3e8 + 5)
		return 0x20;
	if (port == 0x3f8 + 7)
		return scratch;
	return port >= 0x2f8 && port < 0x300 ? 0xff : 0;
}

void cpu_relax(void)
{
}

static unsigned count_lines(const char *needle)
{
	unsigned n = 0;

	for (const char *p = out; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static void reset(void)
{
	hv_console_init(0x3f8, LOG_DEBUG);
	hv_ratelimit_reset();
	out_len = 0;
	out[0] = '\0';
}

static void warn_once(unsigned i)
{
	hv_warn("msr", "refused %u", i);
}

/* 100 warnings from one site: 1..8, then 16, 32, 64 with a suppressed count. */
static void test_warn_limited(void **state)
{
	(void)state;
	reset();
	for (unsigned i = 1; i <= 100; i++)
		warn_once(i);
	assert_int_equal(count_lines("W msr: refused"), 11);
	assert_non_null(strstr(out, "refused 8\r\n"));
	assert_null(strstr(out, "refused 9\r\n"));
	assert_non_null(strstr(out, "refused 16 [7 similar suppressed]"));
	assert_non_null(strstr(out, "refused 32 [15 similar suppressed]"));
	assert_non_null(strstr(out, "refused 64 [31 similar suppressed]"));
	assert_null(strstr(out, "refused 100"));
}

/* Two call sites are limited separately; a reset starts them afresh. */
static void test_sites_and_reset(void **state)
{
	(void)state;
	reset();
	for (unsigned i = 0; i < 20; i++)
		warn_once(i);
	hv_err("npf", "other site");
	assert_int_equal(count_lines("E npf: other site"), 1);
	hv_ratelimit_reset();
	warn_once(1000);
	assert_non_null(strstr(out, "refused 1000\r\n"));
}

/* Info lines (one per CPU at boot) are never limited; filtered levels print nothing. */
static void test_info_unlimited_and_level(void **state)
{
	(void)state;
	reset();
	for (unsigned i = 0; i < 64; i++)
		hv_info("hv", "virtualized cpu%u", i);
	assert_int_equal(count_lines("I hv: virtualized"), 64);
	hv_console_init(0x3f8, LOG_WARN);
	hv_debug("x", "hidden");
	assert_null(strstr(out, "hidden"));
	assert_true(strncmp(out, "[svmhv] cpu0 I hv: virtualized cpu0\r\n", 37) == 0);
}

/* serial=: a UART answers at COM1 only. */
static void test_uart_present(void **state)
{
	(void)state;
	assert_true(hv_uart_present(0x3f8));
	assert_false(hv_uart_present(0x2f8));
	assert_false(hv_uart_present(0x3e8));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_warn_limited),
		cmocka_unit_test(test_sites_and_reset),
		cmocka_unit_test(test_info_unlimited_and_level),
		cmocka_unit_test(test_uart_present),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
