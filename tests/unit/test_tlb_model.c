/*
 * The TLB-contract model checker (tests/model/) under ASan/UBSan: every
 * configuration for a short seeded run, plus hand-written scenarios the
 * random search must never be the only guard of.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "tests/model/model.h"

#define STEPS_PER_CONFIG 50000

static void test_configs(void **state)
{
	(void)state;
	for (unsigned i = 0; i < m_nconfigs; i++) {
		struct m_result r;

		assert_int_equal(m_run(&i, 1, 42, STEPS_PER_CONFIG, 256, false, &r), 0);
		assert_true(r.steps >= STEPS_PER_CONFIG);
	}
}

static enum m_verdict scenario(const char *config, const struct m_event *e, unsigned n)
{
	char why[256] = "";
	int c = m_config_find(config);

	assert_true(c >= 0);
	return m_replay(&m_configs[c], e, n, why, sizeof(why));
}

/*
 * The CPU refuses vmcb02 after svmhv accepted vmcb12: the flush it carried
 * never ran, and L1's next VMRUN (same ASID, no TLB_CONTROL) must still get
 * it. This is the shrunk trace the model found before tlb_after_vmexit()
 * gave a failed VMRUN's requests back.
 */
static void test_refused_vmrun_keeps_flush(void **state)
{
	static const struct m_event e[] = {
		{ .type = EV_VMRUN, .a = 1, .b = 2, .c = 0 },
		{ .type = EV_ACCESS, .a = 1 },
		{ .type = EV_VMEXIT },
		{ .type = EV_VMRUN, .a = 2, .b = 2, .c = 7, .d = 2 },
		{ .type = EV_VMRUN, .a = 2, .b = 2, .c = 0 },
		{ .type = EV_ACCESS, .a = 1 },
	};

	(void)state;
	assert_int_equal(scenario("nofba-1cpu", e, sizeof(e) / sizeof(e[0])), M_OK);
	assert_int_equal(scenario("fba", e, sizeof(e) / sizeof(e[0])), M_OK);
}

/* An NMI L1 intercepts arrives while L2 runs: #VMEXIT(NMI), then L1 flushes. */
static void test_nmi_reflected_with_pending_flush(void **state)
{
	static const struct m_event e[] = {
		{ .type = EV_VMRUN, .a = 0, .b = 1, .c = 0, .e = 1 },
		{ .type = EV_ACCESS, .a = 2 },
		{ .type = EV_VMEXIT },
		{ .type = EV_VMRUN, .a = 1, .b = 1, .c = 1, .e = 1 },   /* flush all */
		{ .type = EV_NMI },
		{ .type = EV_ACCESS, .a = 2 },
		{ .type = EV_VMRUN, .a = 1, .b = 1, .c = 0, .e = 1 },
		{ .type = EV_ACCESS, .a = 2 },
	};

	(void)state;
	assert_int_equal(scenario("fba", e, sizeof(e) / sizeof(e[0])), M_OK);
	assert_int_equal(scenario("nofba", e, sizeof(e) / sizeof(e[0])), M_OK);
}

/* INIT while L2 runs, and while L1's GIF is 0 (held until STGI). */
static void test_init_in_l2_and_held(void **state)
{
	static const struct m_event e[] = {
		{ .type = EV_VMRUN, .vcpu = 1, .a = 0, .b = 3 },
		{ .type = EV_ACCESS, .vcpu = 1, .a = 2 },
		{ .type = EV_INIT, .vcpu = 1 },
		{ .type = EV_ACCESS, .vcpu = 1, .a = 2 },
		{ .type = EV_GIF, .vcpu = 1, .a = 0 },
		{ .type = EV_INIT, .vcpu = 1 },
		{ .type = EV_ACCESS, .vcpu = 1, .a = 3 },
		{ .type = EV_GIF, .vcpu = 1, .a = 1 },
		{ .type = EV_VMRUN, .vcpu = 1, .a = 0, .b = 3 },
		{ .type = EV_ACCESS, .vcpu = 1, .a = 2 },
	};

	(void)state;
	assert_int_equal(scenario("fba", e, sizeof(e) / sizeof(e[0])), M_OK);
	assert_int_equal(scenario("nofba-force", e, sizeof(e) / sizeof(e[0])), M_OK);
}

/* L1 reuses one ASID for eight L2 guests in turn, flushing via TLB_CONTROL. */
static void test_multiplexed_asids(void **state)
{
	struct m_event e[64];
	unsigned n = 0;

	(void)state;
	for (uint32_t a = 1; a <= 8; a++) {
		e[n++] = (struct m_event){ .type = EV_VMRUN, .a = a % M_NGUEST, .b = a, .c = 0 };
		e[n++] = (struct m_event){ .type = EV_ACCESS, .a = a % 8 };
		e[n++] = (struct m_event){ .type = EV_VMEXIT };
		e[n++] = (struct m_event){ .type = EV_L1_NPT, .a = a % M_NGUEST, .b = a % 8,
					   .c = (a + 3) % 8 };
	}
	assert_int_equal(scenario("fba", e, n), M_OK);
	assert_int_equal(scenario("nofba", e, n), M_OK);
}

/* The steady state costs no flush; force_tlb_flush costs two per round trip. */
static void test_round_trip(void **state)
{
	static const struct m_event e[] = {
		{ .type = EV_VMRUN, .a = 0, .b = 1 }, { .type = EV_ACCESS, .a = 1 },
		{ .type = EV_VMEXIT }, { .type = EV_VMRUN, .a = 0, .b = 1 },
		{ .type = EV_VMEXIT },
	};
	struct m_world w;

	(void)state;
	for (int force = 0; force <= 1; force++) {
		struct m_config c = m_configs[m_config_find("fba")];

		c.force = force;
		assert_int_equal(m_world_init(&w, &c), 0);
		for (unsigned i = 0; i < 3; i++)
			m_exec(&w, &e[i]);
		uint64_t before = m_flushes(&w);

		m_exec(&w, &e[3]);
		m_exec(&w, &e[4]);
		assert_int_equal(m_flushes(&w) - before, force ? 2 : 0);
		assert_int_equal(w.verdict, M_OK);
		m_world_free(&w);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_configs),
		cmocka_unit_test(test_refused_vmrun_keeps_flush),
		cmocka_unit_test(test_nmi_reflected_with_pending_flush),
		cmocka_unit_test(test_init_in_l2_and_held),
		cmocka_unit_test(test_multiplexed_asids),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
