/*
 * L1's GIF on the CPU's VGIF (nested/gif.h) through the real run loop, exit
 * handlers and nested glue on the host harness: vmcb01's V_GIF_ENABLE and
 * intercepts, a round trip in 2 exits, NMI, INIT and INTR held while V_GIF
 * is 0 and delivered after the intercepted STGI; and the emulated GIF on a
 * CPU without VGIF or with vgif=off. The fake CPU does not run L1: a test
 * plays L1's own STGI/CLGI by writing vmcb01's V_GIF between exits, as the
 * CPU would. See: APM2 15.17, 15.33.2.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "hv/apic/init.h"
#include "hv/smp.h"
#include "svm/svm.h"
#include "tests/harness/harness.h"

#define VGIF_CPU        (SVM_FEATURE_NPT | SVM_FEATURE_VGIF | SVM_FEATURE_NRIPS)
#define NMI_EVENT       (VEC_NMI | SVM_EVTINJ_TYPE_NMI | SVM_EVTINJ_VALID)

static struct vmcb *vmcb12_page;

static struct vcpu *vcpu(unsigned i)
{
	return hv.vcpus[i];
}

static void init(uint32_t svm_edx, bool vgif)
{
	struct harness_config c = { .ncpu = 2, .nested = true, .vgif = vgif };

	c.cpu = fake_cpu_tcg();
	c.cpu.svm_edx = svm_edx;
	assert_int_equal(harness_init(&c), 0);
	for (unsigned i = 0; i < 2; i++)
		assert_true(harness_prepare(i));
	vmcb12_page = NULL;
}

static int vgif(void **s) { (void)s; init(VGIF_CPU, true); return 0; }
static int no_vgif_cpu(void **s) { (void)s; init(VGIF_CPU & ~SVM_FEATURE_VGIF, true); return 0; }
static int vgif_off(void **s) { (void)s; init(VGIF_CPU, false); return 0; }

static bool icpt(unsigned i, unsigned bit)
{
	const struct vmcb_control *c = &vcpu(i)->vmcb01->control;

	return bit < 32 ? c->intercept_misc1 & BIT(bit) : c->intercept_misc2 & BIT(bit - 32);
}

static uint64_t int_ctl(unsigned i)
{
	return vcpu(i)->vmcb01->control.int_ctl;
}

/* L1's own STGI / CLGI, run by the CPU on VGIF: only V_GIF changes. */
static void l1_native(unsigned i, bool stgi)
{
	struct vmcb_control *c = &vcpu(i)->vmcb01->control;

	assert_true(c->int_ctl & V_GIF_ENABLE_MASK);
	assert_false(icpt(i, stgi ? INTERCEPT_STGI : INTERCEPT_CLGI));
	c->int_ctl = stgi ? c->int_ctl | V_GIF_MASK : c->int_ctl & ~V_GIF_MASK;
}

static void l1_svm_on(unsigned i)
{
	assert_true(harness_msr_exit(i, MSR_EFER, true, vcpu(i)->vmcb01->save.efer | EFER_SVME));
	assert_true(harness_msr_exit(i, MSR_VM_HSAVE_PA, true, harness_pa(harness_page())));
	assert_true(vcpu(i)->nested.svme);
}

/* L1's VMRUN of a vmcb12 that intercepts VMMCALL (and misc1). */
static void l1_vmrun(unsigned i, uint32_t misc1)
{
	struct vcpu *v = vcpu(i);

	if (!vmcb12_page)
		vmcb12_page = harness_page();
	harness_vmcb12(vmcb12_page, 1);
	vmcb12_page->control.intercept_misc1 |= misc1;
	vmcb12_page->control.intercept_misc2 |= BIT(INTERCEPT_VMMCALL - 32);
	v->vmcb01->save.rax = harness_pa(vmcb12_page);
	assert_true(harness_exit(i, VMEXIT_VMRUN, 0, 0, 3));
	assert_true(v->nested.in_l2);
}

/* A guest's NMI (not a kick) reaches vCPU i's #VMEXIT(NMI). */
static void guest_nmi(unsigned i)
{
	vcpu(i)->cpu->kick_pending = 0;
	assert_true(harness_exit(i, VMEXIT_NMI, 0, 0, 0));
}

/* ---- at rest ---- */

static void test_vmcb01_vgif(void **state)
{
	(void)state;
	assert_true(int_ctl(0) & V_GIF_ENABLE_MASK);
	assert_true(int_ctl(0) & V_GIF_MASK);
	assert_false(int_ctl(0) & V_INTR_MASKING_MASK);
	assert_false(icpt(0, INTERCEPT_STGI));
	assert_false(icpt(0, INTERCEPT_CLGI));
	assert_false(icpt(0, INTERCEPT_INTR));
	assert_true(vcpu(0)->nested.gif.vgif);
}

/* No VGIF in the CPU, or vgif=off: STGI and CLGI exit, as before. */
static void test_emulated(void **state)
{
	struct vcpu *v = vcpu(1);

	(void)state;
	assert_false(v->nested.gif.vgif);
	assert_false(int_ctl(1) & (V_GIF_ENABLE_MASK | V_GIF_MASK));
	assert_true(icpt(1, INTERCEPT_STGI));
	assert_true(icpt(1, INTERCEPT_CLGI));
	l1_svm_on(1);
	assert_true(harness_exit(1, VMEXIT_CLGI, 0, 0, 3));
	assert_false(v->nested.gif.gif);
	assert_true(int_ctl(1) & V_INTR_MASKING_MASK);  /* INTR held by the host's IF */
	assert_false(icpt(1, INTERCEPT_INTR));
	guest_nmi(1);
	assert_int_equal(v->vmcb01->control.event_inj, 0);
	assert_true(harness_exit(1, VMEXIT_STGI, 0, 0, 3));
	assert_int_equal(v->vmcb01->control.event_inj, NMI_EVENT);
	assert_false(int_ctl(1) & V_INTR_MASKING_MASK);
	assert_true(icpt(1, INTERCEPT_STGI));
}

/* ---- a round trip ---- */

/*
 * CLGI, VMRUN, L2's VMMCALL, #VMEXIT, STGI: 2 exits. The #VMEXIT clears
 * V_GIF and arms the INTR intercept; L1's VMRUN with V_GIF = 0 (KVM's
 * order) enters L2.
 */
static void test_round_trips_two_exits(void **state)
{
	struct vcpu *v = vcpu(0);
	uint64_t total;

	(void)state;
	l1_svm_on(0);
	total = v->exit_total;
	for (int k = 0; k < 3; k++) {
		l1_native(0, false);                    /* CLGI */
		l1_vmrun(0, 0);
		assert_true(v->nested.gif.gif);         /* VMRUN sets GIF */
		assert_true(harness_exit(0, VMEXIT_VMMCALL, 0, 0, 3));
		assert_false(v->nested.in_l2);
		assert_int_equal(vmcb12_page->control.exit_code, VMEXIT_VMMCALL);
		assert_false(int_ctl(0) & V_GIF_MASK);  /* the #VMEXIT clears it */
		assert_true(icpt(0, INTERCEPT_INTR));
		assert_false(icpt(0, INTERCEPT_STGI));  /* nothing held */
		assert_false(int_ctl(0) & V_INTR_MASKING_MASK);
		l1_native(0, true);                     /* STGI */
	}
	assert_int_equal(v->exit_total - total, 6);
	assert_int_equal(v->exit_counts[VMEXIT_STGI], 0);
	assert_int_equal(v->exit_counts[VMEXIT_CLGI], 0);
}

/* ---- events held while V_GIF = 0 ---- */

/* NMI while V_GIF = 0: STGI intercepted, the NMI delivered after it. */
static void test_nmi_held_until_stgi(void **state)
{
	struct vcpu *v = vcpu(0);

	(void)state;
	l1_svm_on(0);
	l1_native(0, false);
	guest_nmi(0);
	assert_int_equal(v->vmcb01->control.event_inj, 0);
	assert_true(icpt(0, INTERCEPT_STGI));
	guest_nmi(0);                                   /* NMIs do not queue */
	assert_true(harness_exit(0, VMEXIT_STGI, 0, 0, 3));
	assert_true(int_ctl(0) & V_GIF_MASK);
	assert_int_equal(v->vmcb01->control.event_inj, NMI_EVENT);
	assert_false(icpt(0, INTERCEPT_STGI));
	v->vmcb01->control.event_inj = 0;               /* delivered by the CPU */
	assert_true(harness_exit(0, VMEXIT_CPUID, 0, 0, 2));
	assert_int_equal(v->vmcb01->control.event_inj, 0);
}

/* INIT while V_GIF = 0 waits, STGI intercepted; the STGI exit serves it. */
static void test_init_held_until_stgi(void **state)
{
	struct vcpu *v = vcpu(1);

	(void)state;
	l1_svm_on(1);
	l1_native(1, false);
	harness_on_cpu(0, hv_vcpu_request(v, HV_REQ_INIT));
	v->cpu->kick_pending = 1;                       /* the kick's #VMEXIT */
	assert_true(harness_exit(1, VMEXIT_NMI, 0, 0, 0));
	assert_true(v->init_pending);
	assert_int_equal(v->mp_state, HV_MP_RUNNING);
	assert_true(icpt(1, INTERCEPT_STGI));
	assert_false(harness_exit(1, VMEXIT_STGI, 0, 0, 3));    /* now: wait for SIPI */
	assert_false(v->init_pending);
	assert_int_equal(v->mp_state, HV_MP_WAIT_SIPI);
}

/*
 * After L1's #VMEXIT (V_GIF = 0, INTR intercepted) a physical interrupt
 * L1's IF would take: held by V_INTR_MASKING until the intercepted STGI,
 * which releases it (no intercept, no masking: the CPU delivers it).
 */
static void test_intr_held_until_stgi(void **state)
{
	struct vcpu *v = vcpu(0);
	uint64_t rip;

	(void)state;
	l1_svm_on(0);
	l1_native(0, false);
	l1_vmrun(0, 0);
	assert_true(harness_exit(0, VMEXIT_VMMCALL, 0, 0, 3));
	rip = v->vmcb01->save.rip;
	assert_true(harness_exit(0, VMEXIT_INTR, 0, 0, 0));
	assert_int_equal(v->vmcb01->save.rip, rip);
	assert_int_equal(v->vmcb01->control.event_inj, 0);
	assert_true(int_ctl(0) & V_INTR_MASKING_MASK);
	assert_int_equal(v->world.host_if, 0);
	assert_true(icpt(0, INTERCEPT_STGI));
	assert_true(harness_exit(0, VMEXIT_STGI, 0, 0, 3));
	assert_true(int_ctl(0) & V_GIF_MASK);
	assert_false(int_ctl(0) & V_INTR_MASKING_MASK);
	assert_false(icpt(0, INTERCEPT_INTR));
	assert_false(icpt(0, INTERCEPT_STGI));
	assert_int_equal(v->vmcb01->control.event_inj, 0);
}

/* With V_GIF = 1 an intercepted interrupt is L1's at once: the intercept goes. */
static void test_intr_passed_with_gif(void **state)
{
	struct vcpu *v = vcpu(0);

	(void)state;
	l1_svm_on(0);
	l1_native(0, false);
	l1_vmrun(0, 0);
	assert_true(harness_exit(0, VMEXIT_VMMCALL, 0, 0, 3));
	l1_native(0, true);
	assert_true(harness_exit(0, VMEXIT_INTR, 0, 0, 0));
	assert_false(icpt(0, INTERCEPT_INTR));
	assert_false(icpt(0, INTERCEPT_STGI));
	assert_false(int_ctl(0) & V_INTR_MASKING_MASK);
	assert_int_equal(v->vmcb01->control.event_inj, 0);
	/* An exit that finds V_GIF = 0 arms it again (L1's CLGI, then an MSR). */
	l1_native(0, false);
	assert_true(harness_msr_exit(0, MSR_VM_HSAVE_PA, true, harness_pa(harness_page())));
	assert_true(icpt(0, INTERCEPT_INTR));
}

/* L1's VMRUN with V_GIF = 0 and an NMI held: L2's GIF is 1, the NMI is L2's. */
static void test_vmrun_with_vgif_clear(void **state)
{
	struct vcpu *v = vcpu(0);

	(void)state;
	l1_svm_on(0);
	l1_native(0, false);
	guest_nmi(0);
	assert_true(icpt(0, INTERCEPT_STGI));
	l1_vmrun(0, 0);                                 /* L1 does not intercept NMI */
	assert_int_equal(v->nested.vmcb02->control.event_inj, NMI_EVENT);
	assert_false(v->nested.gif.nmi_held);
	assert_true(harness_exit(0, VMEXIT_VMMCALL, 0, 0, 3));
	assert_false(int_ctl(0) & V_GIF_MASK);
	assert_false(icpt(0, INTERCEPT_STGI));
}

/* ---- VGIF offered to L1 for its L2 (nested/gif.h) ---- */

/* L1's VMRUN of a vmcb12 with V_GIF_ENABLE and V_GIF = gif, STGI/CLGI not intercepted. */
static void l1_vmrun_vgif(unsigned i, uint32_t misc1, bool gif)
{
	struct vcpu *v = vcpu(i);
	struct vmcb_control *c;

	if (!vmcb12_page)
		vmcb12_page = harness_page();
	harness_vmcb12(vmcb12_page, 1);
	c = &vmcb12_page->control;
	c->intercept_misc1 |= misc1;
	c->intercept_misc2 |= BIT(INTERCEPT_VMMCALL - 32);
	c->intercept_misc2 &= ~(BIT(INTERCEPT_STGI - 32) | BIT(INTERCEPT_CLGI - 32));
	c->int_ctl |= V_GIF_ENABLE_MASK | (gif ? V_GIF_MASK : 0);
	v->vmcb01->save.rax = harness_pa(vmcb12_page);
	assert_true(harness_exit(i, VMEXIT_VMRUN, 0, 0, 3));
	assert_true(v->nested.in_l2);
}

static bool icpt02(unsigned i, unsigned bit)
{
	const struct vmcb_control *c = &vcpu(i)->nested.vmcb02->control;

	return bit < 32 ? c->intercept_misc1 & BIT(bit) : c->intercept_misc2 & BIT(bit - 32);
}

/*
 * CPUID 8000_000A EDX[16] offered; vmcb02 runs with vmcb12's V_GIF_ENABLE and
 * V_GIF, no STGI/CLGI intercept. L2's CLGI (the CPU clears vmcb02's V_GIF)
 * survives an exit svmhv handles itself, and the #VMEXIT to L1 shows V_GIF
 * = 0 in vmcb12 with no STGI/CLGI exit on the way. An NMI L1 intercepts while
 * L2's V_GIF = 0 is L1's #VMEXIT(NMI) at once: V_GIF holds no physical event.
 */
static void test_l2_vgif(void **state)
{
	struct vcpu *v = vcpu(0);
	struct vmcb_control *c02 = &v->nested.vmcb02->control;

	(void)state;
	assert_true(hv.cpuid_ctx.svm_edx & SVM_FEATURE_VGIF);
	l1_svm_on(0);
	l1_native(0, false);
	l1_vmrun_vgif(0, BIT(INTERCEPT_NMI), true);
	assert_int_equal(c02->int_ctl & (V_GIF_ENABLE_MASK | V_GIF_MASK),
			 V_GIF_ENABLE_MASK | V_GIF_MASK);
	assert_false(icpt02(0, INTERCEPT_STGI));
	assert_false(icpt02(0, INTERCEPT_CLGI));
	c02->int_ctl &= ~V_GIF_MASK;                    /* L2's CLGI, on the CPU */
	assert_true(harness_exit(0, VMEXIT_CPUID, 0, 0, 2));    /* svmhv's own exit */
	assert_true(v->nested.in_l2);
	assert_int_equal(c02->int_ctl & (V_GIF_ENABLE_MASK | V_GIF_MASK), V_GIF_ENABLE_MASK);
	assert_true(v->nested.gif.l2_gif);              /* nothing held by svmhv */
	assert_true(harness_exit(0, VMEXIT_VMMCALL, 0, 0, 3));
	assert_false(v->nested.in_l2);
	assert_int_equal(vmcb12_page->control.int_ctl & (V_GIF_ENABLE_MASK | V_GIF_MASK),
			 V_GIF_ENABLE_MASK);
	assert_int_equal(v->exit_counts[VMEXIT_STGI] + v->exit_counts[VMEXIT_CLGI], 0);
	/* L1 runs L2 on with V_GIF = 0; an NMI it intercepts exits at once. */
	l1_native(0, true);
	l1_native(0, false);
	l1_vmrun_vgif(0, BIT(INTERCEPT_NMI), false);
	assert_int_equal(c02->int_ctl & (V_GIF_ENABLE_MASK | V_GIF_MASK), V_GIF_ENABLE_MASK);
	guest_nmi(0);
	assert_false(v->nested.in_l2);
	assert_int_equal(vmcb12_page->control.exit_code, VMEXIT_NMI);
	assert_int_equal(vmcb12_page->control.int_ctl & V_GIF_MASK, 0);
}

/* VGIF not offered (vgif=off, or no VGIF in the CPU): vmcb12's bits ignored. */
static void test_l2_vgif_not_offered(void **state)
{
	struct vcpu *v = vcpu(1);
	struct vmcb_control *c02 = &v->nested.vmcb02->control;

	(void)state;
	assert_false(hv.cpuid_ctx.svm_edx & SVM_FEATURE_VGIF);
	l1_svm_on(1);
	assert_true(harness_exit(1, VMEXIT_CLGI, 0, 0, 3));
	l1_vmrun_vgif(1, 0, true);
	assert_false(c02->int_ctl & (V_GIF_ENABLE_MASK | V_GIF_MASK));
	assert_true(icpt02(1, INTERCEPT_STGI));
	assert_true(icpt02(1, INTERCEPT_CLGI));
	assert_true(harness_exit(1, VMEXIT_CLGI, 0, 0, 3));     /* L2's: emulated */
	assert_true(v->nested.in_l2);
	assert_false(v->nested.gif.l2_gif);
	assert_true(c02->int_ctl & V_INTR_MASKING_MASK);
	assert_true(harness_exit(1, VMEXIT_VMMCALL, 0, 0, 3));
	/* vmcb12's V_GIF_ENABLE and V_GIF as L1 wrote them: not svmhv's to change. */
	assert_int_equal(vmcb12_page->control.int_ctl & (V_GIF_ENABLE_MASK | V_GIF_MASK),
			 V_GIF_ENABLE_MASK | V_GIF_MASK);
}

/* EFER.SVME cleared with V_GIF = 0 sets GIF (APM2 15.17): V_GIF = 1. */
static void test_svme_off_sets_vgif(void **state)
{
	struct vcpu *v = vcpu(0);

	(void)state;
	l1_svm_on(0);
	l1_native(0, false);
	assert_true(harness_msr_exit(0, MSR_EFER, true, v->vmcb01->save.efer & ~EFER_SVME));
	assert_true(int_ctl(0) & V_GIF_MASK);
	assert_true(v->nested.gif.gif);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_vmcb01_vgif, vgif),
		cmocka_unit_test_setup(test_emulated, no_vgif_cpu),
		cmocka_unit_test_setup(test_emulated, vgif_off),
		cmocka_unit_test_setup(test_round_trips_two_exits, vgif),
		cmocka_unit_test_setup(test_nmi_held_until_stgi, vgif),
		cmocka_unit_test_setup(test_init_held_until_stgi, vgif),
		cmocka_unit_test_setup(test_intr_held_until_stgi, vgif),
		cmocka_unit_test_setup(test_intr_passed_with_gif, vgif),
		cmocka_unit_test_setup(test_vmrun_with_vgif_clear, vgif),
		cmocka_unit_test_setup(test_svme_off_sets_vgif, vgif),
		cmocka_unit_test_setup(test_l2_vgif, vgif),
		cmocka_unit_test_setup(test_l2_vgif_not_offered, no_vgif_cpu),
		cmocka_unit_test_setup(test_l2_vgif_not_offered, vgif_off),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
