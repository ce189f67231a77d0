/*
 * State-derived CPUID bits (hv/cpuid_state.c): OSXSAVE <- CR4.OSXSAVE,
 * OSPKE <- CR4.PKE, APIC <- IA32_APIC_BASE.EN, computed from the guest that
 * executed CPUID. Pure cases, then on the host harness: L1's CPUID exit
 * (vmcb01's CR4) and L2's CPUID that L1 does not intercept (vmcb02's CR4),
 * with svmhv's own (fake) host context having every bit set.
 * See: APM3 Appendix E.3.2, E.3.6.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hv/cpuid_state.h"
#include "svm/hw.h"
#include "svm/svm.h"
#include "tests/harness/harness.h"

static struct cpuid_regs leaf1(uint32_t ecx_features)
{
	return (struct cpuid_regs){ 0x00a00f11, 0, ecx_features, 0 };
}

static void test_osxsave(void **state)
{
	struct cpuid_regs r = leaf1(CPUID_1_ECX_XSAVE | CPUID_1_ECX_OSXSAVE);

	(void)state;
	hv_cpuid_state_bits(1, 0, &r, 0, 0);
	assert_false(r.ecx & CPUID_1_ECX_OSXSAVE);       /* host had it, guest has not */
	assert_true(r.ecx & CPUID_1_ECX_XSAVE);
	r = leaf1(CPUID_1_ECX_XSAVE);
	hv_cpuid_state_bits(1, 0, &r, CR4_OSXSAVE, 0);
	assert_true(r.ecx & CPUID_1_ECX_OSXSAVE);        /* guest has it, host has not */
	r = leaf1(0);                                   /* no XSAVE: never OSXSAVE */
	hv_cpuid_state_bits(1, 0, &r, CR4_OSXSAVE, 0);
	assert_false(r.ecx & CPUID_1_ECX_OSXSAVE);
}

static void test_apic(void **state)
{
	struct cpuid_regs r = leaf1(0);

	(void)state;
	r.edx = CPUID_1_EDX_APIC | 1u;
	hv_cpuid_state_bits(1, 0, &r, 0, 0xfee00000ull);        /* EN clear */
	assert_int_equal(r.edx, 1u);
	hv_cpuid_state_bits(1, 0, &r, 0, 0xfee00000ull | APIC_BASE_EN);
	assert_int_equal(r.edx, 1u | CPUID_1_EDX_APIC);
}

static void test_ospke(void **state)
{
	struct cpuid_regs r = { 0, 0, CPUID_7_0_ECX_PKU | CPUID_7_0_ECX_OSPKE, 0 };

	(void)state;
	hv_cpuid_state_bits(7, 0, &r, 0, 0);
	assert_int_equal(r.ecx, CPUID_7_0_ECX_PKU);
	hv_cpuid_state_bits(7, 0, &r, CR4_PKE, 0);
	assert_int_equal(r.ecx, CPUID_7_0_ECX_PKU | CPUID_7_0_ECX_OSPKE);
	r.ecx = 0;                                      /* no PKU: never OSPKE */
	hv_cpuid_state_bits(7, 0, &r, CR4_PKE, 0);
	assert_int_equal(r.ecx, 0);
	r.ecx = CPUID_7_0_ECX_OSPKE;                    /* other sub-leaves untouched */
	hv_cpuid_state_bits(7, 1, &r, 0, 0);
	assert_int_equal(r.ecx, CPUID_7_0_ECX_OSPKE);
	r.ecx = CPUID_7_0_ECX_OSPKE;                    /* other leaves untouched */
	hv_cpuid_state_bits(0xd, 0, &r, 0, 0);
	assert_int_equal(r.ecx, CPUID_7_0_ECX_OSPKE);
}

/* ---- through svmhv's CPUID exit ---- */

static int setup(void **s)
{
	struct harness_config c = { .ncpu = 1, .nested = true };

	(void)s;
	c.cpu = fake_cpu_tcg();
	c.cpu.svm_edx = SVM_FEATURE_NPT | SVM_FEATURE_VGIF | SVM_FEATURE_NRIPS;
	assert_int_equal(harness_init(&c), 0);
	assert_true(harness_prepare(0));
	return 0;
}

static struct cpuid_regs cpuid_exit(uint32_t leaf, uint32_t sub)
{
	struct vcpu *v = hv.vcpus[0];

	v->vmcb->save.rax = leaf;
	v->world.regs.rcx = sub;
	assert_true(harness_exit(0, VMEXIT_CPUID, 0, 0, 2));
	return (struct cpuid_regs){ (uint32_t)v->vmcb->save.rax, (uint32_t)v->world.regs.rbx,
				    (uint32_t)v->world.regs.rcx, (uint32_t)v->world.regs.rdx };
}

static void test_l1_cr4(void **state)
{
	struct vcpu *v = hv.vcpus[0];

	(void)state;
	v->vmcb01->save.cr4 &= ~(CR4_OSXSAVE | CR4_PKE);
	assert_false(cpuid_exit(1, 0).ecx & CPUID_1_ECX_OSXSAVE);
	assert_false(cpuid_exit(7, 0).ecx & CPUID_7_0_ECX_OSPKE);
	v->vmcb01->save.cr4 |= CR4_OSXSAVE | CR4_PKE;
	assert_true(cpuid_exit(1, 0).ecx & CPUID_1_ECX_OSXSAVE);
	assert_true(cpuid_exit(7, 0).ecx & CPUID_7_0_ECX_OSPKE);
	v->apic_base = 0xfee00000ull;          /* the guest's IA32_APIC_BASE (hv/msr.c) */
	assert_false(cpuid_exit(1, 0).edx & CPUID_1_EDX_APIC);
	v->apic_base = 0xfee00000ull | APIC_BASE_EN;
	assert_true(cpuid_exit(1, 0).edx & CPUID_1_EDX_APIC);
}

/* L1 with OSXSAVE and PKE, L2 without them (and the reverse): L2's CR4 counts. */
static void test_l2_cr4(void **state)
{
	struct vcpu *v = hv.vcpus[0];
	struct vmcb *vmcb12 = harness_page();

	(void)state;
	v->vmcb01->save.cr4 |= CR4_OSXSAVE | CR4_PKE;
	v->vmcb01->save.rax = v->vmcb01->save.efer | EFER_SVME;
	v->world.regs.rcx = MSR_EFER;
	v->world.regs.rdx = 0;
	assert_true(harness_exit(0, VMEXIT_MSR, 1, 0, 2));
	v->vmcb01->save.rax = harness_pa(harness_page());
	v->world.regs.rcx = MSR_VM_HSAVE_PA;
	assert_true(harness_exit(0, VMEXIT_MSR, 1, 0, 2));
	harness_vmcb12(vmcb12, 1);
	vmcb12->save.cr4 &= ~(CR4_OSXSAVE | CR4_PKE);
	v->vmcb01->save.rax = harness_pa(vmcb12);
	assert_true(harness_exit(0, VMEXIT_VMRUN, 0, 0, 3));
	assert_true(v->nested.in_l2);
	assert_false(cpuid_exit(1, 0).ecx & CPUID_1_ECX_OSXSAVE);
	assert_false(cpuid_exit(7, 0).ecx & CPUID_7_0_ECX_OSPKE);
	assert_true(v->nested.in_l2);                   /* answered by svmhv, L2 goes on */
	v->vmcb->save.cr4 |= CR4_OSXSAVE;               /* as if L2 set it (CR4 not intercepted) */
	assert_true(cpuid_exit(1, 0).ecx & CPUID_1_ECX_OSXSAVE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_osxsave),
		cmocka_unit_test(test_apic),
		cmocka_unit_test(test_ospke),
		cmocka_unit_test_setup(test_l1_cr4, setup),
		cmocka_unit_test_setup(test_l2_cr4, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
