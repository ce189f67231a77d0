/*
 * The single-step trap after an instruction svmhv completes for the guest
 * (hv/run.c single_step_trap()), on the host harness. The rule: with
 * RFLAGS.TF = 1 at the start of an instruction, #DB (a trap, DR6.BS = 1) is
 * raised after it completes (APM2 13.1). When svmhv emulates or skips the
 * instruction (CPUID, an RDMSR or IN it answers), the CPU never completes it
 * in the guest, so svmhv raises the trap: in L1 as #DB, in L2 as #DB, or as
 * L1's #VMEXIT(#DB) when L1 intercepts #DB (APM2 15.12). Found by the
 * differential batch (tests/l1hv/conf.c: "cpuid/free/tf" left #DB on the
 * next instruction under svmhv, after CPUID on bare QEMU).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "svm/svm.h"
#include "tests/harness/harness.h"

#define NRIPS_CPU       (SVM_FEATURE_NPT | SVM_FEATURE_VGIF | SVM_FEATURE_NRIPS)
#define EXC(vec)        ((vec) | SVM_EVTINJ_TYPE_EXEPT | SVM_EVTINJ_VALID)
#define DR6_BS          BIT_ULL(14)

static struct vmcb *vmcb12;

static struct vcpu *vcpu0(void)
{
	return hv.vcpus[0];
}

static void init(bool nested)
{
	struct harness_config c = { .ncpu = 1, .nested = nested };

	c.cpu = fake_cpu_tcg();
	c.cpu.svm_edx = NRIPS_CPU;
	assert_int_equal(harness_init(&c), 0);
	assert_true(harness_prepare(0));
}

static int l1(void **s) { (void)s; init(false); return 0; }

static void wrmsr_exit(uint32_t msr, uint64_t val)
{
	assert_true(harness_msr_exit(0, msr, true, val));
	assert_int_equal(vcpu0()->vmcb->control.event_inj, 0);
}

/* L1 turns SVM on and VMRUNs an L2 that intercepts VMMCALL and the exceptions given. */
static void enter_l2(uint32_t exceptions)
{
	struct vcpu *v;

	init(true);
	v = vcpu0();
	wrmsr_exit(MSR_EFER, v->vmcb01->save.efer | EFER_SVME);
	wrmsr_exit(MSR_VM_HSAVE_PA, harness_pa(harness_page()));
	vmcb12 = harness_page();
	harness_vmcb12(vmcb12, 1);
	vmcb12->control.intercept_exceptions = exceptions;
	vmcb12->control.intercept_misc2 |= BIT(INTERCEPT_VMMCALL - 32);
	v->vmcb01->save.rax = harness_pa(vmcb12);
	assert_true(harness_exit(0, VMEXIT_VMRUN, 0, 0, 3));
	assert_true(v->nested.in_l2);
}

static int l2_db_icpt(void **s) { (void)s; enter_l2(BIT(VEC_DB)); return 0; }
static int l2_db_free(void **s) { (void)s; enter_l2(0); return 0; }

/* CPUID at RIP, RFLAGS.TF as given; svmhv answers it. */
static void cpuid_exit(bool tf)
{
	struct vcpu *v = vcpu0();

	v->vmcb->save.rax = 0;
	v->vmcb->save.dr6 = DR6_INIT;
	v->vmcb->save.rflags = RFLAGS_FIXED | (tf ? RFLAGS_TF : 0);
	assert_true(harness_exit(0, VMEXIT_CPUID, 0, 0, 2));
}

/* L1 steps over CPUID: RIP past it, then #DB with DR6.BS. */
static void test_l1_cpuid_tf(void **state)
{
	struct vcpu *v = vcpu0();
	uint64_t rip = v->vmcb->save.rip;

	(void)state;
	cpuid_exit(true);
	assert_int_equal(v->vmcb->save.rip, rip + 2);
	assert_int_equal(v->vmcb->control.event_inj, EXC(VEC_DB));
	assert_true(v->vmcb->save.dr6 & DR6_BS);
}

/* RF set at the exit (QEMU 10 saves it on IOIO intercepts): the completed instruction ends it. */
static void test_l1_cpuid_clears_rf(void **state)
{
	struct vcpu *v = vcpu0();

	(void)state;
	v->vmcb->save.rax = 0;
	v->vmcb->save.rflags = RFLAGS_FIXED | RFLAGS_RF | RFLAGS_IF;
	assert_true(harness_exit(0, VMEXIT_CPUID, 0, 0, 2));
	assert_int_equal(v->vmcb->save.rflags, RFLAGS_FIXED | RFLAGS_IF);
	assert_int_equal(v->vmcb->control.event_inj, 0);
}

/* No TF, no trap; DR6 untouched. */
static void test_l1_cpuid_no_tf(void **state)
{
	struct vcpu *v = vcpu0();

	(void)state;
	cpuid_exit(false);
	assert_int_equal(v->vmcb->control.event_inj, 0);
	assert_int_equal(v->vmcb->save.dr6, DR6_INIT);
}

/* An instruction that faults (here #UD: an SVM insn without EFER.SVME) completes nothing. */
static void test_l1_fault_no_trap(void **state)
{
	struct vcpu *v = vcpu0();
	uint64_t rip = v->vmcb->save.rip;

	(void)state;
	v->vmcb->save.rflags = RFLAGS_FIXED | RFLAGS_TF;
	assert_true(harness_exit(0, VMEXIT_VMSAVE, 0, 0, 3));
	assert_int_equal(v->vmcb->save.rip, rip);
	assert_int_equal(v->vmcb->control.event_inj, EXC(VEC_UD));
}

/* L2 steps over a CPUID svmhv answers, L1 intercepts #DB: L1's #VMEXIT(#DB) after CPUID. */
static void test_l2_cpuid_tf_to_l1(void **state)
{
	struct vcpu *v = vcpu0();
	uint64_t rip = v->vmcb->save.rip;

	(void)state;
	cpuid_exit(true);
	assert_false(v->nested.in_l2);
	assert_int_equal(vmcb12->control.exit_code, VMEXIT_EXCP_BASE + VEC_DB);
	assert_int_equal(vmcb12->control.exit_info_1, 0);
	assert_int_equal(vmcb12->control.exit_int_info, 0);
	assert_int_equal(vmcb12->save.rip, rip + 2);
	assert_true(vmcb12->save.dr6 & DR6_BS);
	assert_int_equal(v->vmcb01->control.event_inj, 0);
}

/* The same with #DB not intercepted by L1: L2 gets its #DB. */
static void test_l2_cpuid_tf_to_l2(void **state)
{
	struct vcpu *v = vcpu0();
	uint64_t rip = v->vmcb->save.rip;

	(void)state;
	cpuid_exit(true);
	assert_true(v->nested.in_l2);
	assert_int_equal(v->vmcb->save.rip, rip + 2);
	assert_int_equal(v->vmcb->control.event_inj, EXC(VEC_DB));
	assert_true(v->vmcb->save.dr6 & DR6_BS);
}

/* An exit reflected to L1 (L2's VMMCALL) is L1's to complete: no trap from svmhv. */
static void test_l2_reflected_no_trap(void **state)
{
	struct vcpu *v = vcpu0();

	(void)state;
	v->vmcb->save.rflags = RFLAGS_FIXED | RFLAGS_TF;
	assert_true(harness_exit(0, VMEXIT_VMMCALL, 0, 0, 3));
	assert_false(v->nested.in_l2);
	assert_int_equal(vmcb12->control.exit_code, VMEXIT_VMMCALL);
	assert_int_equal(v->vmcb01->control.event_inj, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_l1_cpuid_tf, l1),
		cmocka_unit_test_setup(test_l1_cpuid_no_tf, l1),
		cmocka_unit_test_setup(test_l1_cpuid_clears_rf, l1),
		cmocka_unit_test_setup(test_l1_fault_no_trap, l1),
		cmocka_unit_test_setup(test_l2_cpuid_tf_to_l1, l2_db_icpt),
		cmocka_unit_test_setup(test_l2_cpuid_tf_to_l2, l2_db_free),
		cmocka_unit_test_setup(test_l2_reflected_no_trap, l2_db_icpt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
