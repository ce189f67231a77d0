/* SPDX-License-Identifier: MIT */
/*
 * Host unit tests for hv/apic/apic.c, ICR decoding: xAPIC and x2APIC forms, every
 * delivery mode, destination mode, level/trigger and shorthand, refused
 * encodings. QEMU 7.2 TCG has no x2APIC, so
 * these tests are the only proof of the x2APIC path. Destination resolution
 * is tests/unit/test_ipi.c.
 *
 * ICR values marked "Linux" / "OVMF" are what those send to start APs:
 * Linux wakeup_secondary_cpu_via_init() (INIT assert, INIT de-assert, SIPI
 * with APIC_DM_STARTUP | start_ip >> 12), OVMF MpInitLib's
 * SendInitSipiSipiAllExcludingSelf().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/apic/apic.h"

/* xAPIC ICR as the guest writes it: ICR_HI (destination << 24), ICR_LO. */
#define XICR(dest, lo)  (((uint64_t)(dest) << 56) | (lo))
#define X2ICR(dest, lo) (((uint64_t)(dest) << 32) | (lo))

#define FIXED   HV_APIC_DM_FIXED
#define LOWEST  HV_APIC_DM_LOWEST
#define SMI     HV_APIC_DM_SMI
#define NMI     HV_APIC_DM_NMI
#define INIT    HV_APIC_DM_INIT
#define SIPI    HV_APIC_DM_SIPI
#define SH_NONE HV_APIC_SH_NONE
#define SH_SELF HV_APIC_SH_SELF
#define SH_ALL  HV_APIC_SH_ALL
#define SH_ABS  HV_APIC_SH_ALL_BUT_SELF

struct icr_case {
	uint64_t icr;
	bool x2apic;
	int rc;
	uint32_t dest;
	uint8_t vector;
	enum hv_apic_dm dm;
	enum hv_apic_sh sh;
	bool logical, level_assert, trigger_level;
};

/* icr, x2apic, rc, dest, vector, dm, sh, logical, assert, level-triggered */
static const struct icr_case icr_cases[] = {
	/* Linux AP start-up, xAPIC: INIT assert, INIT de-assert, SIPI. */
	{ XICR(3, 0xc500), false, HV_ICR_OK, 3, 0, INIT, SH_NONE, false, true, true },
	{ XICR(3, 0x8500), false, HV_ICR_IGNORE, 3, 0, INIT, SH_NONE, false, false, true },
	{ XICR(3, 0x069a), false, HV_ICR_OK, 3, 0x9a, SIPI, SH_NONE, false, false, false },
	/* The same in x2APIC form, to an ID above 255. */
	{ X2ICR(0x12345, 0xc500), true, HV_ICR_OK, 0x12345, 0, INIT, SH_NONE, false, true, true },
	{ X2ICR(0x12345, 0x8500), true, HV_ICR_IGNORE, 0x12345, 0, INIT, SH_NONE, false, false, true },
	{ X2ICR(0x12345, 0x069a), true, HV_ICR_OK, 0x12345, 0x9a, SIPI, SH_NONE, false, false, false },
	/* OVMF: INIT and SIPI to all excluding self. */
	{ XICR(0, 0xc4500), false, HV_ICR_OK, 0, 0, INIT, SH_ABS, false, true, false },
	{ XICR(0, 0xc469f), false, HV_ICR_OK, 0, 0x9f, SIPI, SH_ABS, false, true, false },
	{ X2ICR(0, 0xc4500), true, HV_ICR_OK, 0, 0, INIT, SH_ABS, false, true, false },
	/* Every other delivery mode, both destination modes. */
	{ XICR(1, 0x00fb), false, HV_ICR_OK, 1, 0xfb, FIXED, SH_NONE, false, false, false },
	{ XICR(0x0c, 0x08fb), false, HV_ICR_OK, 0x0c, 0xfb, FIXED, SH_NONE, true, false, false },
	{ XICR(0x0c, 0x0931), false, HV_ICR_OK, 0x0c, 0x31, LOWEST, SH_NONE, true, false, false },
	{ XICR(2, 0x4200), false, HV_ICR_OK, 2, 0, SMI, SH_NONE, false, true, false },
	{ XICR(2, 0x4400), false, HV_ICR_OK, 2, 0, NMI, SH_NONE, false, true, false },
	{ XICR(0, 0xc4400), false, HV_ICR_OK, 0, 0, NMI, SH_ABS, false, true, false },
	{ X2ICR(0x20005, 0x08fb), true, HV_ICR_OK, 0x20005, 0xfb, FIXED, SH_NONE, true, false, false },
	{ X2ICR(7, 0x0400), true, HV_ICR_OK, 7, 0, NMI, SH_NONE, false, false, false },
	/* Fixed with the self and all-including-self shorthands. */
	{ XICR(0, 0x440fd), false, HV_ICR_OK, 0, 0xfd, FIXED, SH_SELF, false, true, false },
	{ XICR(0, 0x840fd), false, HV_ICR_OK, 0, 0xfd, FIXED, SH_ALL, false, true, false },
	{ X2ICR(0, 0x400fd), true, HV_ICR_OK, 0, 0xfd, FIXED, SH_SELF, false, false, false },
	/* Fixed, level-triggered: decoded as written (the hardware sends it as edge). */
	{ XICR(1, 0xc0fb), false, HV_ICR_OK, 1, 0xfb, FIXED, SH_NONE, false, true, true },
	{ XICR(1, 0x80fb), false, HV_ICR_OK, 1, 0xfb, FIXED, SH_NONE, false, false, true },
	/* INIT edge with level 0 is an INIT, not the de-assert message. */
	{ XICR(1, 0x0500), false, HV_ICR_OK, 1, 0, INIT, SH_NONE, false, false, false },
	/* INIT de-assert "to all including self" (its legacy form): ignored, not refused. */
	{ XICR(0, 0x88500), false, HV_ICR_IGNORE, 0, 0, INIT, SH_ALL, false, false, true },
	/* Broadcast destinations. */
	{ XICR(0xff, 0x4500), false, HV_ICR_OK, 0xff, 0, INIT, SH_NONE, false, true, false },
	{ X2ICR(0xffffffffu, 0x4500), true, HV_ICR_OK, 0xffffffffu, 0, INIT, SH_NONE, false, true, false },
	/* Vector boundaries: 16 is the first legal one; SIPI/NMI/INIT do not care. */
	{ XICR(1, 0x0010), false, HV_ICR_OK, 1, 0x10, FIXED, SH_NONE, false, false, false },
	{ XICR(1, 0x000f), false, HV_ICR_EVECTOR, 1, 0x0f, FIXED, SH_NONE, false, false, false },
	{ XICR(1, 0x0100), false, HV_ICR_EVECTOR, 1, 0, LOWEST, SH_NONE, false, false, false },
	{ X2ICR(1, 0x0000), true, HV_ICR_EVECTOR, 1, 0, FIXED, SH_NONE, false, false, false },
	{ XICR(1, 0x4600), false, HV_ICR_OK, 1, 0, SIPI, SH_NONE, false, true, false },
	{ XICR(1, 0x4401), false, HV_ICR_OK, 1, 1, NMI, SH_NONE, false, true, false },
	/* Reserved delivery modes. */
	{ XICR(1, 0x0340), false, HV_ICR_EDELIVERY, 1, 0x40, HV_APIC_DM_RSVD3, SH_NONE, false, false, false },
	{ XICR(1, 0x0740), false, HV_ICR_EDELIVERY, 1, 0x40, HV_APIC_DM_RSVD7, SH_NONE, false, false, false },
	{ X2ICR(1, 0x0740), true, HV_ICR_EDELIVERY, 1, 0x40, HV_APIC_DM_RSVD7, SH_NONE, false, false, false },
	/* Non-fixed delivery with self / all including self: SDM3 Table 10-3. */
	{ XICR(0, 0x4469a), false, HV_ICR_ESHORTHAND, 0, 0x9a, SIPI, SH_SELF, false, true, false },
	{ XICR(0, 0x44500), false, HV_ICR_ESHORTHAND, 0, 0, INIT, SH_SELF, false, true, false },
	{ XICR(0, 0x44400), false, HV_ICR_ESHORTHAND, 0, 0, NMI, SH_SELF, false, true, false },
	{ XICR(0, 0x44200), false, HV_ICR_ESHORTHAND, 0, 0, SMI, SH_SELF, false, true, false },
	{ XICR(0, 0x44131), false, HV_ICR_ESHORTHAND, 0, 0x31, LOWEST, SH_SELF, false, true, false },
	{ XICR(0, 0x84500), false, HV_ICR_ESHORTHAND, 0, 0, INIT, SH_ALL, false, true, false },
	{ X2ICR(0, 0x8469a), true, HV_ICR_ESHORTHAND, 0, 0x9a, SIPI, SH_ALL, false, true, false },
	/* xAPIC reserved bits (13, 17:16, 55:20) and delivery status (12) are ignored. */
	{ XICR(5, 0x00fffffffff00000ull | 0x32000 | 0x1000 | 0xc500), false, HV_ICR_OK, 5, 0, INIT,
	  SH_NONE, false, true, true },
};

#define NICR    (sizeof(icr_cases) / sizeof(icr_cases[0]))

static void test_icr_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < NICR; i++) {
		const struct icr_case *c = &icr_cases[i];
		struct hv_ipi ipi;
		int rc;

		memset(&ipi, 0xa5, sizeof(ipi));
		rc = hv_icr_decode(c->icr, c->x2apic, &ipi);
		if (rc != c->rc)
			print_error("case %zu: icr %#llx rc %d\n", i, (unsigned long long)c->icr, rc);
		assert_int_equal(rc, c->rc);
		assert_int_equal(ipi.dest, c->dest);
		assert_int_equal(ipi.vector, c->vector);
		assert_int_equal(ipi.delivery, c->dm);
		assert_int_equal(ipi.shorthand, c->sh);
		assert_int_equal(ipi.logical, c->logical);
		assert_int_equal(ipi.level_assert, c->level_assert);
		assert_int_equal(ipi.trigger_level, c->trigger_level);
		assert_int_equal(ipi.x2apic, c->x2apic);
	}
}

/* Every delivery mode against every shorthand: SDM3 Table 10-3. */
static void test_icr_matrix(void **state)
{
	(void)state;
	for (unsigned sh = 0; sh < 4; sh++) {
		for (unsigned dm = 0; dm < 8; dm++) {
			uint64_t lo = (uint64_t)sh << 18 | (uint64_t)dm << 8 | 0x40;
			int want = HV_ICR_OK;
			struct hv_ipi ipi;

			if (dm == 3 || dm == 7)
				want = HV_ICR_EDELIVERY;
			else if ((sh == SH_SELF || sh == SH_ALL) && dm != FIXED)
				want = HV_ICR_ESHORTHAND;
			assert_int_equal(hv_icr_decode(XICR(1, lo), false, &ipi), want);
			assert_int_equal(ipi.delivery, dm);
			assert_int_equal(ipi.shorthand, sh);
			assert_int_equal(hv_icr_decode(X2ICR(1, lo), true, &ipi), want);
		}
	}
}

/* Level and trigger: only INIT + level trigger + de-assert is dropped. */
static void test_icr_level_trigger(void **state)
{
	(void)state;
	for (unsigned dm = 0; dm < 7; dm++) {
		if (dm == 3)
			continue;
		for (unsigned lt = 0; lt < 4; lt++) {
			uint64_t lo = (uint64_t)dm << 8 | (uint64_t)lt << 14 | 0x40;
			struct hv_ipi ipi;
			int want = (dm == INIT && lt == 2) ? HV_ICR_IGNORE : HV_ICR_OK;

			assert_int_equal(hv_icr_decode(XICR(1, lo), false, &ipi), want);
			assert_int_equal(ipi.level_assert, (lt & 1) != 0);
			assert_int_equal(ipi.trigger_level, (lt & 2) != 0);
			assert_int_equal(hv_icr_decode(X2ICR(1, lo), true, &ipi), want);
		}
	}
}

/* x2APIC: each reserved bit alone is refused (a #GP), and *out is untouched. */
static void test_icr_x2apic_reserved(void **state)
{
	static const unsigned rsvd[] = { 12, 13, 16, 17, 20, 21, 22, 23, 24, 25, 26, 27,
					 28, 29, 30, 31 };
	struct hv_ipi ipi, before;

	(void)state;
	memset(&before, 0x5a, sizeof(before));
	for (size_t i = 0; i < sizeof(rsvd) / sizeof(rsvd[0]); i++) {
		ipi = before;
		assert_int_equal(hv_icr_decode(X2ICR(1, 0xc500 | 1ull << rsvd[i]), true, &ipi),
				 HV_ICR_ERESERVED);
		assert_memory_equal(&ipi, &before, sizeof(ipi));
		/* The same bit in an xAPIC write is ignored (bit 12 is read-only status). */
		assert_int_equal(hv_icr_decode(XICR(1, 0xc500 | 1ull << rsvd[i]), false, &ipi),
				 HV_ICR_OK);
	}
	/* Every other bit set at once passes the reserved-bit check (and then
	 * fails on delivery mode 111). */
	assert_int_equal(hv_icr_decode(~APIC_ICR_X2APIC_RSVD, true, &ipi), HV_ICR_EDELIVERY);
	assert_int_equal(ipi.dest, 0xffffffffu);
	assert_int_equal(APIC_ICR_X2APIC_RSVD, 0xfff33000ull);
}

static void test_strerror(void **state)
{
	(void)state;
	assert_string_equal(hv_apic_strerror(HV_ICR_OK), "ok");
	assert_string_equal(hv_apic_strerror(HV_ICR_IGNORE), "INIT level de-assert (ignored)");
	assert_string_equal(hv_apic_strerror(HV_ICR_EDELIVERY), "reserved delivery mode");
	assert_non_null(strstr(hv_apic_strerror(HV_ICR_ESHORTHAND), "shorthand"));
	assert_non_null(strstr(hv_apic_strerror(HV_ICR_EVECTOR), "illegal vector"));
	assert_non_null(strstr(hv_apic_strerror(HV_ICR_ERESERVED), "reserved bit"));
	assert_string_equal(hv_apic_strerror(2), "unknown ICR result");
	assert_string_equal(hv_apic_strerror(-5), "unknown ICR result");
	assert_string_equal(hv_apic_strerror(-2147483647 - 1), "unknown ICR result");
}

static void test_register_map(void **state)
{
	(void)state;
	assert_int_equal(MSR_X2APIC_ICR, 0x830);
	assert_int_equal(MSR_X2APIC_SELF_IPI, 0x83f);
	assert_int_equal(X2APIC_MSR(APIC_ID), 0x802);
	assert_int_equal(X2APIC_MSR(APIC_EOI), 0x80b);
	assert_int_equal(X2APIC_MSR(APIC_LDR), 0x80d);
	assert_int_equal(X2APIC_MSR(APIC_SVR), 0x80f);
	assert_int_equal(X2APIC_MSR(APIC_LVT_ERROR), 0x837);
	assert_int_equal(X2APIC_MSR(APIC_TIMER_DIV), 0x83e);
}

static void test_x2apic_ldr(void **state)
{
	(void)state;
	assert_int_equal(hv_x2apic_ldr(0), 0x00000001);
	assert_int_equal(hv_x2apic_ldr(1), 0x00000002);
	assert_int_equal(hv_x2apic_ldr(15), 0x00008000);
	assert_int_equal(hv_x2apic_ldr(16), 0x00010001);
	assert_int_equal(hv_x2apic_ldr(17), 0x00010002);
	assert_int_equal(hv_x2apic_ldr(0x12345), 0x12340020);
	assert_int_equal(hv_x2apic_ldr(0xffffffffu), 0xffff8000u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_icr_table),
		cmocka_unit_test(test_icr_matrix),
		cmocka_unit_test(test_icr_level_trigger),
		cmocka_unit_test(test_icr_x2apic_reserved),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_register_map),
		cmocka_unit_test(test_x2apic_ldr),
	};

	print_message("apic: %zu ICR cases\n", NICR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
