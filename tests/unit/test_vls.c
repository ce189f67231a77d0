/*
 * L1's VMLOAD/VMSAVE on the CPU's virtual VMLOAD/VMSAVE (nested_l1_vls(),
 * hv/run.c l1_vls()) through the real run loop, exit handlers and nested
 * glue on the host harness, on a fake CPU that has it (QEMU's TCG has not):
 * vmcb01's enable bit and intercepts follow L1's EFER.SVME; vmcb02 never gets
 * it; a CPU without it, or nested=0, keeps the intercepts. What the CPU does
 * with a bad rAX then is a nested page fault on svmhv's tables: its pool is a
 * read-only blank page (a VMLOAD reads all ones, a VMSAVE's write is dropped
 * and the instruction skipped), a VMSAVE to the APIC page is #UD, and an
 * exit that still comes (outside 64-bit mode the CPU exits regardless of the
 * intercept) is emulated with every check. See: APM2 15.33.1.
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

#define VLS_CPU         (SVM_FEATURE_NPT | SVM_FEATURE_VGIF | SVM_FEATURE_NRIPS | \
			 SVM_FEATURE_V_VMSAVE_VMLOAD)
#define GP              (VEC_GP | SVM_EVTINJ_TYPE_EXEPT | SVM_EVTINJ_VALID | SVM_EVTINJ_VALID_ERR)
#define UD              (VEC_UD | SVM_EVTINJ_TYPE_EXEPT | SVM_EVTINJ_VALID)
#define NPF_WRITE_INFO  (NPF_P | NPF_WRITE | NPF_FINAL_GPA)

static const uint8_t vmsave_insn[] = { 0x0f, 0x01, 0xdb };

static struct vcpu *vcpu(unsigned i)
{
	return hv.vcpus[i];
}

static void init(uint32_t svm_edx, bool nested)
{
	struct harness_config c = { .ncpu = 2, .nested = nested, .vgif = true };

	c.cpu = fake_cpu_tcg();
	c.cpu.svm_edx = svm_edx;
	assert_int_equal(harness_init(&c), 0);
	for (unsigned i = 0; i < 2; i++)
		assert_true(harness_prepare(i));
}

static int vls(void **s) { (void)s; init(VLS_CPU, true); return 0; }
static int no_vls_cpu(void **s) { (void)s; init(VLS_CPU & ~SVM_FEATURE_V_VMSAVE_VMLOAD, true); return 0; }
static int no_nested(void **s) { (void)s; init(VLS_CPU, false); return 0; }

static bool icpt(const struct vmcb *vmcb, unsigned bit)
{
	const struct vmcb_control *c = &vmcb->control;

	return bit < 32 ? c->intercept_misc1 & BIT(bit) : c->intercept_misc2 & BIT(bit - 32);
}

/* vmcb's VMLOAD/VMSAVE: both intercepted and the enable clear, or neither. */
static bool virtual_vls(const struct vmcb *vmcb)
{
	bool on = vmcb->control.virt_ext & VIRT_EXT_V_VMLOAD_VMSAVE;

	assert_int_equal(icpt(vmcb, INTERCEPT_VMLOAD), !on);
	assert_int_equal(icpt(vmcb, INTERCEPT_VMSAVE), !on);
	return on;
}

static void l1_svm_on(unsigned i)
{
	assert_true(harness_msr_exit(i, MSR_EFER, true, vcpu(i)->vmcb01->save.efer | EFER_SVME));
	assert_true(harness_msr_exit(i, MSR_VM_HSAVE_PA, true, harness_pa(harness_page())));
	assert_true(vcpu(i)->nested.svme);
}

/* An SVM instruction's exit from L1 with rAX; the event it left in vmcb01. */
static uint64_t svm_insn(unsigned i, uint64_t exit, uint64_t rax)
{
	vcpu(i)->vmcb01->save.rax = rax;
	vcpu(i)->vmcb01->control.event_inj = 0;
	assert_true(harness_exit(i, exit, 0, 0, 3));
	return vcpu(i)->vmcb01->control.event_inj;
}

/* VMSAVE's bytes in a fresh page at L1's RIP; returns that RIP. */
static uint64_t vmsave_at_rip(unsigned i)
{
	uint8_t *p = harness_page();

	memcpy(p, vmsave_insn, sizeof(vmsave_insn));
	vcpu(i)->vmcb01->save.rip = harness_pa(p);
	return harness_pa(p);
}

/* ---- vmcb01 ---- */

/* Intercepted until L1 sets EFER.SVME (its VMLOAD is #UD before), then virtual. */
static void test_follows_svme(void **state)
{
	struct vcpu *v = vcpu(0);

	(void)state;
	assert_true(hv.nested.vls);
	assert_false(virtual_vls(v->vmcb01));
	assert_int_equal(svm_insn(0, VMEXIT_VMLOAD, harness_pa(harness_page())), UD);
	l1_svm_on(0);
	assert_true(virtual_vls(v->vmcb01));
	assert_false(virtual_vls(vcpu(1)->vmcb01));     /* per vCPU: vCPU 1's SVME is clear */
	assert_true(harness_msr_exit(0, MSR_EFER, true, v->vmcb01->save.efer & ~EFER_SVME));
	assert_false(v->nested.svme);
	assert_false(virtual_vls(v->vmcb01));
	assert_int_equal(svm_insn(0, VMEXIT_VMSAVE, harness_pa(harness_page())), UD);
}

/* INIT clears L1's EFER.SVME: intercepted again when the SIPI lets L1 run. */
static void test_init_intercepts(void **state)
{
	struct vcpu *v = vcpu(1);

	(void)state;
	l1_svm_on(1);
	assert_true(virtual_vls(v->vmcb01));
	harness_on_cpu(0, hv_vcpu_request(v, HV_REQ_INIT));
	v->cpu->kick_pending = 1;                       /* the kick's #VMEXIT */
	assert_false(harness_exit(1, VMEXIT_NMI, 0, 0, 0));
	assert_int_equal(v->mp_state, HV_MP_WAIT_SIPI);
	assert_false(v->nested.svme);
	v->sipi_vector = 0x9a;
	harness_on_cpu(0, hv_vcpu_request(v, HV_REQ_SIPI));
	assert_true(harness_prepare(1));
	assert_false(virtual_vls(v->vmcb01));
}

/* vmcb02 intercepts L2's VMLOAD/VMSAVE, even when vmcb12 asks for the virtual ones. */
static void test_never_in_vmcb02(void **state)
{
	struct vcpu *v = vcpu(0);
	struct vmcb *vmcb12 = harness_page();

	(void)state;
	l1_svm_on(0);
	harness_vmcb12(vmcb12, 1);
	vmcb12->control.nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	vmcb12->control.n_cr3 = harness_pa(harness_page());
	vmcb12->control.virt_ext = VIRT_EXT_V_VMLOAD_VMSAVE;
	vmcb12->control.intercept_misc2 |= BIT(INTERCEPT_VMMCALL - 32);
	assert_int_equal(svm_insn(0, VMEXIT_VMRUN, harness_pa(vmcb12)), 0);
	assert_true(v->nested.in_l2);
	assert_false(virtual_vls(v->nested.vmcb02));
	/* L2's VMSAVE, not intercepted by L1: emulated with L1-physical rAX. */
	v->nested.vmcb02->save.rax = HARNESS_POOL_PA;
	assert_true(harness_exit(0, VMEXIT_VMSAVE, 0, 0, 3));
	assert_true(v->nested.in_l2);
	assert_int_equal(v->nested.vmcb02->control.event_inj, GP);
	v->nested.vmcb02->control.event_inj = 0;
	assert_true(harness_exit(0, VMEXIT_VMMCALL, 0, 0, 3));
	assert_false(v->nested.in_l2);
	assert_true(virtual_vls(v->vmcb01));
}

/* A CPU without it, or nested=0: always intercepted (#UD without nested SVM). */
static void test_intercepted(void **state)
{
	struct vcpu *v = vcpu(0);

	(void)state;
	assert_false(hv.nested.vls);
	if (hv.boot.nested)
		l1_svm_on(0);
	assert_false(virtual_vls(v->vmcb01));
	assert_int_equal(svm_insn(0, VMEXIT_VMSAVE, harness_pa(harness_page())),
			 hv.boot.nested ? 0 : UD);
	assert_false(virtual_vls(v->vmcb01));
}

/* ---- what the CPU does with rAX: svmhv's nested page tables ---- */

/*
 * An exit that comes anyway (L1 outside 64-bit mode) is the emulation,
 * with its checks: svmhv's pool is #GP, a page of L1's RAM is served.
 */
static void test_exit_still_emulated(void **state)
{
	struct vcpu *v = vcpu(0);
	struct vmcb *page = harness_page();

	(void)state;
	l1_svm_on(0);
	assert_int_equal(svm_insn(0, VMEXIT_VMLOAD, HARNESS_POOL_PA), GP);
	assert_int_equal(svm_insn(0, VMEXIT_VMSAVE, HARNESS_POOL_PA + 0x1000), GP);
	v->vmcb01->save.fs.base = 0x1234000;
	assert_int_equal(svm_insn(0, VMEXIT_VMSAVE, harness_pa(page)), 0);
	assert_int_equal(page->save.fs.base, 0x1234000);
	assert_true(virtual_vls(v->vmcb01));
}

/*
 * A VMLOAD from svmhv's pool reads what svmhv's NPT maps there: the blank
 * page, read-only (all ones, nothing of svmhv's).
 */
static void test_pool_reads_blank(void **state)
{
	struct npt_mapping m;

	(void)state;
	for (uint64_t off = 0; off < HARNESS_POOL_SIZE; off += HARNESS_POOL_SIZE / 8) {
		assert_int_equal(npt_lookup(&hv.npt, HARNESS_POOL_PA + off, &m), 0);
		assert_int_equal(m.pa, hv.blank_pa);
		assert_false(m.writable);
	}
}

/* A VMSAVE to svmhv's pool: the CPU's NPF; the write is dropped, VMSAVE skipped. */
static void test_vmsave_to_pool_dropped(void **state)
{
	struct vcpu *v = vcpu(0);
	uint64_t rip, total;

	(void)state;
	l1_svm_on(0);
	rip = vmsave_at_rip(0);
	total = v->exit_total;
	v->vmcb01->control.event_inj = 0;
	assert_true(harness_exit(0, VMEXIT_NPF, NPF_WRITE_INFO, HARNESS_POOL_PA + 0x3000, 0));
	assert_int_equal(v->exit_total - total, 1);
	assert_int_equal(v->vmcb01->save.rip, rip + sizeof(vmsave_insn));
	assert_int_equal(v->vmcb01->control.event_inj, 0);
	assert_true(fake_console_has("guest write to svmhv memory at 20003000"));
	assert_true(virtual_vls(v->vmcb01));
}

/* A VMSAVE to the APIC page (write-protected): not a store svmhv emulates, #UD. */
static void test_vmsave_to_apic_ud(void **state)
{
	struct vcpu *v = vcpu(0);
	uint64_t rip;

	(void)state;
	l1_svm_on(0);
	rip = vmsave_at_rip(0);
	v->vmcb01->control.event_inj = 0;
	assert_true(harness_exit(0, VMEXIT_NPF, NPF_WRITE_INFO, FAKE_APIC_BASE, 0));
	assert_int_equal(v->vmcb01->save.rip, rip);
	assert_int_equal(v->vmcb01->control.event_inj, UD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_follows_svme, vls),
		cmocka_unit_test_setup(test_init_intercepts, vls),
		cmocka_unit_test_setup(test_never_in_vmcb02, vls),
		cmocka_unit_test_setup(test_intercepted, no_vls_cpu),
		cmocka_unit_test_setup(test_intercepted, no_nested),
		cmocka_unit_test_setup(test_exit_still_emulated, vls),
		cmocka_unit_test_setup(test_pool_reads_blank, vls),
		cmocka_unit_test_setup(test_vmsave_to_pool_dropped, vls),
		cmocka_unit_test_setup(test_vmsave_to_apic_ud, vls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
