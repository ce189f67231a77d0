/*
 * Virtual INIT resets the local APIC (hv/apic/reset.c): the register plans,
 * and on the host harness the whole path — another vCPU's INIT request,
 * served on the target's CPU, leaves that CPU's (fake) APIC as INIT does:
 * LVTs masked, timer stopped, TPR 0, SVR FFh, LDR 0, DFR all ones, nothing
 * in service, nothing pending. See: SDM3 10.4.7.1, 10.4.7.3.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "hv/apic/init.h"
#include "hv/apic/reset.h"
#include "hv/apic/vapic.h"
#include "hv/smp.h"
#include "svm/svm.h"
#include "tests/harness/harness.h"

static uint32_t plan_value(const struct hv_apic_wr *w, unsigned n, unsigned reg)
{
	uint32_t v = 0xdeadbeefu;

	for (unsigned i = 0; i < n; i++)
		if (w[i].reg == reg)
			v = w[i].val;
	return v;
}

static void test_quiesce_plan(void **state)
{
	struct hv_apic_wr w[HV_APIC_PLAN_MAX];
	unsigned n = hv_apic_init_quiesce(9, w);       /* 9 extended LVTs: capped at 4 */
	const unsigned lvts[] = { APIC_LVT_TIMER, APIC_LVT_THERMAL, APIC_LVT_PERF,
				  APIC_LVT_LINT0, APIC_LVT_LINT1, APIC_LVT_ERROR,
				  0x500, 0x510, 0x520, 0x530 };

	(void)state;
	assert_true(n <= HV_APIC_PLAN_MAX);
	for (unsigned i = 0; i < sizeof(lvts) / sizeof(lvts[0]); i++)
		assert_int_equal(plan_value(w, n, lvts[i]), APIC_LVT_MASKED);
	assert_int_equal(plan_value(w, n, 0x540), 0xdeadbeefu);
	assert_int_equal(plan_value(w, n, APIC_TIMER_INIT), 0);
	assert_int_equal(plan_value(w, n, APIC_TIMER_DIV), 0);
	assert_int_equal(plan_value(w, n, APIC_TPR), 0);
	/* Enabled while draining, the INIT spurious vector. */
	assert_int_equal(plan_value(w, n, APIC_SVR), 0x1ff);
	assert_int_equal(hv_apic_init_quiesce(0, w), 10);
}

static void test_final_plan(void **state)
{
	struct hv_apic_wr w[HV_APIC_PLAN_MAX];
	unsigned n = hv_apic_init_final(false, w);

	(void)state;
	assert_int_equal(plan_value(w, n, APIC_SVR), 0xff);
	assert_int_equal(plan_value(w, n, APIC_LDR), 0);
	assert_int_equal(plan_value(w, n, APIC_DFR), 0xffffffffu);
	assert_int_equal(plan_value(w, n, APIC_ESR), 0);
	/* x2APIC: LDR is read-only and DFR does not exist (a write #GPs). */
	n = hv_apic_init_final(true, w);
	assert_int_equal(plan_value(w, n, APIC_SVR), 0xff);
	assert_int_equal(plan_value(w, n, APIC_LDR), 0xdeadbeefu);
	assert_int_equal(plan_value(w, n, APIC_DFR), 0xdeadbeefu);
}

static void test_bank_highest(void **state)
{
	uint32_t b[8] = { 0 };

	(void)state;
	assert_int_equal(hv_apic_bank_highest(b), -1);
	b[0] = 0xffff;                  /* vectors 0..15 never count */
	assert_int_equal(hv_apic_bank_highest(b), -1);
	b[0] = 1u << 16;
	assert_int_equal(hv_apic_bank_highest(b), 16);
	b[2] = 1u;
	assert_int_equal(hv_apic_bank_highest(b), 0x40);
	b[7] = 1u << 31;
	assert_int_equal(hv_apic_bank_highest(b), 0xff);
}

/* ---- the whole path on the harness ---- */

static int setup(void **s)
{
	struct harness_config c = { .ncpu = 2 };

	(void)s;
	c.cpu = fake_cpu_tcg();
	assert_int_equal(harness_init(&c), 0);
	for (unsigned i = 0; i < 2; i++)
		assert_true(harness_prepare(i));
	return 0;
}

#define REG(cpu, off)   fake.apic_regs[cpu][(off) / 16]

/* What the AP of tests/apinit leaves before its OS restarts it. */
static void dirty(unsigned cpu)
{
	REG(cpu, APIC_SVR) = 0x1ff;
	REG(cpu, APIC_TPR) = 0x20;
	REG(cpu, APIC_LVT_TIMER) = 0x20041;
	REG(cpu, APIC_TIMER_INIT) = 100000;
	REG(cpu, APIC_TIMER_DIV) = 0xb;
	REG(cpu, APIC_LVT_LINT0) = 0x700;
	REG(cpu, APIC_LVT_LINT1) = 0x400;
	REG(cpu, APIC_LDR) = 0x02000000;
	REG(cpu, APIC_DFR) = 0x0fffffff;
	REG(cpu, APIC_ISR + 0x10) = 1u << 16;           /* 30h in service */
	REG(cpu, APIC_TMR + 0x10) = 1u << 16;
	REG(cpu, APIC_IRR + 0x20) = 3u;                 /* 40h, 41h pending */
	REG(cpu, APIC_IRR + 0x70) = 1u << 31;           /* FFh pending */
}

static void assert_init_state(unsigned cpu)
{
	const unsigned lvts[] = { APIC_LVT_TIMER, APIC_LVT_THERMAL, APIC_LVT_PERF,
				  APIC_LVT_LINT0, APIC_LVT_LINT1, APIC_LVT_ERROR };

	for (unsigned i = 0; i < sizeof(lvts) / sizeof(lvts[0]); i++)
		assert_int_equal(REG(cpu, lvts[i]), APIC_LVT_MASKED);
	assert_int_equal(REG(cpu, APIC_SVR), 0xff);
	assert_int_equal(REG(cpu, APIC_TPR), 0);
	assert_int_equal(REG(cpu, APIC_TIMER_INIT), 0);
	assert_int_equal(REG(cpu, APIC_TIMER_DIV), 0);
	assert_int_equal(REG(cpu, APIC_LDR), 0);
	assert_int_equal(REG(cpu, APIC_DFR), 0xffffffffu);
	for (unsigned w = 0; w < 8; w++) {
		assert_int_equal(REG(cpu, APIC_ISR + 0x10 * w), 0);
		assert_int_equal(REG(cpu, APIC_TMR + 0x10 * w), 0);
		assert_int_equal(REG(cpu, APIC_IRR + 0x10 * w), 0);
	}
}

/* INIT from vCPU 0 to vCPU 1: served on CPU 1, which resets CPU 1's APIC only. */
static void test_init_resets_target_apic(void **state)
{
	struct vcpu *v = hv.vcpus[1];
	uint32_t bsp_tpr = 0x30;

	(void)state;
	dirty(1);
	REG(0, APIC_TPR) = bsp_tpr;
	v->apic_ldr = 0x02000000;
	v->apic_icr_hi = 0x01000000;
	harness_on_cpu(0, hv_vcpu_request(v, HV_REQ_INIT));
	v->cpu->kick_pending = 1;
	v->vmcb->control.exit_code = VMEXIT_NMI;
	harness_on_cpu(1, hv_run_exit(v));
	assert_false(harness_prepare(1));               /* waiting for SIPI */
	assert_init_state(1);
	assert_int_equal(hv.cpus[1].host_irqs, 3);      /* 41h, 40h, FFh dropped */
	assert_int_equal(REG(0, APIC_TPR), bsp_tpr);    /* the sender's APIC untouched */
	assert_int_equal(v->apic_ldr, 0);
	assert_int_equal(v->apic_dfr, 0xffffffffu);
	assert_int_equal(v->apic_icr_hi, 0);
	assert_false(fake.gif[1]);                      /* host mode: GIF closed again */
}

/* INIT to a vCPU that already waits for SIPI changes nothing, the APIC neither. */
static void test_init_while_waiting(void **state)
{
	struct vcpu *v = hv.vcpus[1];

	(void)state;
	harness_on_cpu(0, hv_vcpu_request(v, HV_REQ_INIT));
	assert_false(harness_prepare(1));
	REG(1, APIC_TPR) = 0x40;
	harness_on_cpu(0, hv_vcpu_request(v, HV_REQ_INIT));
	assert_false(harness_prepare(1));
	assert_int_equal(REG(1, APIC_TPR), 0x40);
}

/* A vCPU whose SVR is disabled still gets its IRR drained (enabled meanwhile). */
static void test_disabled_apic_drained(void **state)
{
	struct vcpu *v = hv.vcpus[1];

	(void)state;
	REG(1, APIC_SVR) = 0xff;
	REG(1, APIC_IRR + 0x30) = 1u << 5;              /* 65h */
	harness_on_cpu(0, hv_vcpu_request(v, HV_REQ_INIT));
	assert_false(harness_prepare(1));
	assert_init_state(1);
}

/*
 * An NMI taken while the drain opens GIF: a kick is consumed (else no kick
 * would ever be sent to that CPU again), a guest's NMI is held for delivery.
 */
static void nmi_during_accept(void *arg)
{
	(void)arg;
	hv.cpus[1].host_nmis++;
}

static void test_nmi_during_drain(void **state)
{
	struct vcpu *v = hv.vcpus[1];

	(void)state;
	fake.accept = nmi_during_accept;
	REG(1, APIC_IRR + 0x20) = 1u;
	v->cpu->kick_pending = 1;
	harness_on_cpu(1, hv_lapic_init_reset(v));
	assert_int_equal(v->cpu->kick_pending, 0);
	assert_false(v->nested.gif.nmi_held);
	REG(1, APIC_IRR + 0x20) = 1u;                   /* kick_pending 0: the guest's */
	harness_on_cpu(1, hv_lapic_init_reset(v));
	assert_true(v->nested.gif.nmi_held);
	fake.accept = NULL;
}

/*
 * ICR glue (hv/apic/vapic.c + icr.c): an NMI to self by shorthand is
 * emulated like any NMI IPI (a request on the sender's own vCPU, never a
 * physical NMI that a kick could swallow), and taken before its next VMRUN.
 */
static void test_self_nmi_emulated(void **state)
{
	struct vcpu *v = hv.vcpus[1];
	unsigned ipis = fake.ipis;

	(void)state;
	harness_on_cpu(1, assert_int_equal(hv_apic_icr_write(v, 0x44400, false), 0));
	assert_int_equal(fake.ipis, ipis);
	assert_true(v->requests & HV_REQ_NMI);
	v->vmcb->control.event_inj = 0;
	assert_true(harness_prepare(1));
	assert_int_equal(v->vmcb->control.event_inj,
			 VEC_NMI | SVM_EVTINJ_TYPE_NMI | SVM_EVTINJ_VALID);
}

/* INIT to self by shorthand: emulated on the sender's own vCPU, never sent. */
static void test_init_self_emulated(void **state)
{
	struct vcpu *v = hv.vcpus[1];
	unsigned ipis = fake.ipis;

	(void)state;
	harness_on_cpu(1, assert_int_equal(hv_apic_icr_write(v, 0x44500, false), 0));
	assert_int_equal(fake.ipis, ipis);
	assert_true(v->requests & HV_REQ_INIT);
	assert_false(harness_prepare(1));               /* the AP now waits for SIPI */
	assert_int_equal(v->mp_state, HV_MP_WAIT_SIPI);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quiesce_plan),
		cmocka_unit_test(test_final_plan),
		cmocka_unit_test(test_bank_highest),
		cmocka_unit_test_setup(test_init_resets_target_apic, setup),
		cmocka_unit_test_setup(test_init_while_waiting, setup),
		cmocka_unit_test_setup(test_disabled_apic_drained, setup),
		cmocka_unit_test_setup(test_nmi_during_drain, setup),
		cmocka_unit_test_setup(test_self_nmi_emulated, setup),
		cmocka_unit_test_setup(test_init_self_emulated, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
