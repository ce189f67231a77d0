/*
 * The route of every ICR write (hv/apic/icr.c), table-driven over the whole
 * ICR: delivery mode (8) x destination mode (2) x shorthand (4) x trigger
 * (2) x level (2), in xAPIC and x2APIC form, 512 writes; and the targets of
 * the emulated INIT, Startup and NMI for every shorthand and destination mode.
 * See: APM2 16.5; SDM3 10.6.1, 10.6.2, Tables 10-3/10-4.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hv/apic/apic.h"
#include "hv/apic/icr.h"

/*
 * The expected route per delivery mode, as a table (not the code's ifs):
 * [dm][trigger level][level assert].
 */
static const enum hv_icr_route expect[8][2][2] = {
	[HV_APIC_DM_FIXED]  = { { HV_ICR_TO_HW, HV_ICR_TO_HW }, { HV_ICR_TO_HW, HV_ICR_TO_HW } },
	[HV_APIC_DM_LOWEST] = { { HV_ICR_TO_HW, HV_ICR_TO_HW }, { HV_ICR_TO_HW, HV_ICR_TO_HW } },
	[HV_APIC_DM_SMI]    = { { HV_ICR_TO_HW, HV_ICR_TO_HW }, { HV_ICR_TO_HW, HV_ICR_TO_HW } },
	[HV_APIC_DM_RSVD3]  = { { HV_ICR_TO_HW, HV_ICR_TO_HW }, { HV_ICR_TO_HW, HV_ICR_TO_HW } },
	[HV_APIC_DM_NMI]    = { { HV_ICR_EMU_NMI, HV_ICR_EMU_NMI }, { HV_ICR_EMU_NMI, HV_ICR_EMU_NMI } },
	/* edge: INIT whatever the level bit; level: de-assert is the no-op message */
	[HV_APIC_DM_INIT]   = { { HV_ICR_EMU_INIT, HV_ICR_EMU_INIT }, { HV_ICR_NOP, HV_ICR_EMU_INIT } },
	[HV_APIC_DM_SIPI]   = { { HV_ICR_EMU_SIPI, HV_ICR_EMU_SIPI }, { HV_ICR_EMU_SIPI, HV_ICR_EMU_SIPI } },
	[HV_APIC_DM_RSVD7]  = { { HV_ICR_TO_HW, HV_ICR_TO_HW }, { HV_ICR_TO_HW, HV_ICR_TO_HW } },
};

static uint64_t icr_of(unsigned dm, bool logical, unsigned sh, bool trig, bool level,
		       uint8_t vec)
{
	return vec | ((uint64_t)dm << APIC_ICR_DM_SHIFT) | (logical ? APIC_ICR_DEST_LOGICAL : 0) |
	       ((uint64_t)sh << APIC_ICR_SH_SHIFT) | (trig ? APIC_ICR_TRIGGER_LEVEL : 0) |
	       (level ? APIC_ICR_LEVEL_ASSERT : 0);
}

static void test_whole_table(void **state)
{
	unsigned n = 0;

	(void)state;
	for (unsigned x2 = 0; x2 < 2; x2++)
		for (unsigned dm = 0; dm < 8; dm++)
			for (unsigned lg = 0; lg < 2; lg++)
				for (unsigned sh = 0; sh < 4; sh++)
					for (unsigned t = 0; t < 2; t++)
						for (unsigned l = 0; l < 2; l++) {
							uint64_t icr = icr_of(dm, lg, sh, t, l, 0x9a) |
								       (2ull << (x2 ? 32 : 56));

							assert_int_equal(hv_icr_route(icr, x2),
									 expect[dm][t][l]);
							n++;
						}
	assert_int_equal(n, 512);
}

/*
 * An NMI to self by shorthand (xAPIC 0004_4400h, and x2APIC), which the SDM
 * calls invalid but QEMU, KVM and Linux use: emulated, and its one target is
 * the sender (an earlier svmhv dropped it as invalid).
 */
static void test_self_nmi(void **state)
{
	struct hv_apic_cpu cpus[3];
	struct hv_cpu_set set;
	struct hv_ipi ipi;

	(void)state;
	for (unsigned i = 0; i < 3; i++)
		cpus[i] = (struct hv_apic_cpu){ .apic_id = i, .present = true };
	assert_int_equal(hv_icr_route(0x44400, false), HV_ICR_EMU_NMI);
	assert_int_equal(hv_icr_route(0x44400, true), HV_ICR_EMU_NMI);
	assert_int_equal(hv_icr_decode(0x44400, false, &ipi), HV_ICR_ESHORTHAND);
	assert_int_equal(hv_ipi_targets(&ipi, cpus, 3, 1, &set), 1);
	assert_true(hv_cpu_set_has(&set, 1));
	/* all including self: every CPU, the sender too */
	(void)hv_icr_decode(0x84400, false, &ipi);
	assert_int_equal(hv_ipi_targets(&ipi, cpus, 3, 1, &set), 3);
	/* vector < 16 for a fixed IPI: the hardware flags it in ESR, not svmhv */
	assert_int_equal(hv_icr_route(0x4000f, false), HV_ICR_TO_HW);
}

static void test_x2apic_reserved_gp(void **state)
{
	(void)state;
	for (unsigned b = 0; b < 64; b++) {
		uint64_t bit = 1ull << b;

		if (!(APIC_ICR_X2APIC_RSVD & bit))
			continue;
		assert_int_equal(hv_icr_route(0x400 | bit, true), HV_ICR_GP);
		/* xAPIC: the same bits are ignored by the hardware; NMI stays NMI */
		assert_int_equal(hv_icr_route(0x400 | bit, false), HV_ICR_EMU_NMI);
	}
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(hv_icr_route_name(HV_ICR_TO_HW), "to the hardware");
	assert_string_equal(hv_icr_route_name(HV_ICR_GP), "#GP");
	assert_string_equal(hv_icr_route_name((enum hv_icr_route)99), "?");
}

/*
 * Emulated INIT/SIPI targets, every shorthand x destination mode: 4 CPUs
 * (APIC IDs 0..3, xAPIC flat logical IDs 1, 2, 4, 8), the sender is CPU 1.
 */
static void test_emulated_targets(void **state)
{
	struct hv_apic_cpu cpus[4];
	static const struct {
		unsigned sh;
		bool logical;
		uint32_t dest;
		uint64_t mask;
	} rows[] = {
		{ HV_APIC_SH_NONE, false, 2, 0x4 },             /* physical ID 2 */
		{ HV_APIC_SH_NONE, false, 0xff, 0xf },          /* physical broadcast */
		{ HV_APIC_SH_NONE, true, 0x9, 0x9 },            /* logical 1 | 8 */
		{ HV_APIC_SH_NONE, true, 0xff, 0xf },           /* logical broadcast */
		{ HV_APIC_SH_SELF, false, 3, 0x2 },             /* dest ignored */
		{ HV_APIC_SH_SELF, true, 3, 0x2 },
		{ HV_APIC_SH_ALL, false, 0, 0xf },
		{ HV_APIC_SH_ALL, true, 0, 0xf },
		{ HV_APIC_SH_ALL_BUT_SELF, false, 1, 0xd },
		{ HV_APIC_SH_ALL_BUT_SELF, true, 1, 0xd },
	};

	(void)state;
	for (unsigned i = 0; i < 4; i++)
		cpus[i] = (struct hv_apic_cpu){ .apic_id = i, .ldr = (1u << i) << 24,
						.dfr = 0xffffffffu, .present = true };
	for (unsigned dm = HV_APIC_DM_INIT; dm <= HV_APIC_DM_SIPI; dm++)
		for (unsigned r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
			uint64_t icr = icr_of(dm, rows[r].logical, rows[r].sh,
					      false, true, 0x9a) |
				       ((uint64_t)rows[r].dest << 56);
			struct hv_ipi ipi;
			struct hv_cpu_set set;

			hv_icr_decode(icr, false, &ipi);        /* fills ipi whatever it says */
			hv_ipi_targets(&ipi, cpus, 4, 1, &set);
			assert_int_equal(set.w[0], rows[r].mask);
			for (unsigned w = 1; w < HV_APIC_MAX_CPUS / 64; w++)
				assert_int_equal(set.w[w], 0);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_table),
		cmocka_unit_test(test_self_nmi),
		cmocka_unit_test(test_x2apic_reserved_gp),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_emulated_targets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
