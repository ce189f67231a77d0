/* SPDX-License-Identifier: MIT */
/*
 * What a guest cannot do to svmhv, through the real exit path on the host
 * harness: addresses above the map, illegal state on vmcb01, triple faults,
 * VMCBs and VMSAVE areas outside L1's RAM, the vmcb12 write-back, IBPB
 * between L2s, hypercalls at CPL 3. Each test says what the old code did
 * ("old:"); tests/attack/ repeats them in QEMU.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "hv/hypercall.h"
#include "hv/integrity.h"
#include "svm/hw.h"
#include "svm/svm.h"
#include "tests/harness/harness.h"

#define CPU_EDX         (SVM_FEATURE_NPT | SVM_FEATURE_VGIF | SVM_FEATURE_NRIPS)
#define GP              (VEC_GP | SVM_EVTINJ_TYPE_EXEPT | SVM_EVTINJ_VALID | SVM_EVTINJ_VALID_ERR)
#define UD              (VEC_UD | SVM_EVTINJ_TYPE_EXEPT | SVM_EVTINJ_VALID)

static struct vcpu *v0(void)
{
	return hv.vcpus[0];
}

static void init(const struct harness_config *c0, uint32_t ext8_ebx)
{
	struct harness_config c = *c0;

	c.ncpu = 1;
	c.cpu = fake_cpu_tcg();
	c.cpu.svm_edx = CPU_EDX;
	c.cpu.ext8_ebx = ext8_ebx;
	assert_int_equal(harness_init(&c), 0);
	assert_true(harness_prepare(0));
}

static int plain(void **s) { (void)s; init(&(struct harness_config){ 0 }, 0); return 0; }
static int halt_cfg(void **s)
{
	(void)s;
	init(&(struct harness_config){ .shutdown_halt = true }, 0);
	return 0;
}
static int nested(void **s)
{
	(void)s;
	init(&(struct harness_config){ .nested = true }, BIT(12));     /* IBPB */
	return 0;
}

/* Instruction bytes at a fresh page; RIP points at them. */
static uint64_t code(const uint8_t *b, size_t n)
{
	uint8_t *p = harness_page();

	memcpy(p, b, n);
	v0()->vmcb->save.rip = harness_pa(p);
	return harness_pa(p);
}

static bool exit0(uint64_t code_, uint64_t i1, uint64_t i2, unsigned len)
{
	v0()->vmcb->control.event_inj = 0;
	return harness_exit(0, code_, i1, i2, len);
}

/* ---- one guest-physical limit ---- */

/* The limit is what the NPT maps, and CPUID says so (old: MAXPHYADDR, unmapped above 2^39). */
static void test_gpa_limit(void **state)
{
	struct npt_mapping m;

	(void)state;
	assert_int_equal(hv.gpa_bits, 36);
	assert_int_equal(hv.cpuid_ctx.gpa_bits, 36);
	assert_int_equal(npt_lookup(&hv.npt, 1ull << 36, &m), 0);
	assert_int_equal(m.pa, hv.blank_pa);
	assert_false(m.writable);
	assert_int_equal(npt_lookup(&hv.npt, (1ull << 48) - 1, &m), 0);
	assert_int_equal(m.pa, hv.blank_pa + 0xfff);
}

/* old: an NPF above the map was "unexpected": svmhv panicked. Now: write dropped. */
static void test_write_above_limit_dropped(void **state)
{
	static const uint8_t mov[] = { 0x48, 0x89, 0x07 };      /* mov [rdi], rax */
	uint64_t rip = code(mov, sizeof(mov));

	(void)state;
	assert_true(exit0(VMEXIT_NPF, NPF_P | NPF_WRITE | NPF_FINAL_GPA, 1ull << 40, 0));
	assert_int_equal(v0()->vmcb->save.rip, rip + 3);
	assert_int_equal(v0()->vmcb->control.event_inj, 0);
	assert_true(fake_console_has("guest write to unbacked memory at 10000000000"));
}

/* A write into a hole while delivering an event: the guest's state is lost. */
static void test_event_delivery_into_hole(void **state)
{
	jmp_buf halt;

	(void)state;
	struct vmcb_control *c = &v0()->vmcb->control;

	fake.halt = &halt;
	c->exit_code = VMEXIT_NPF;
	c->exit_info_1 = NPF_P | NPF_WRITE | NPF_FINAL_GPA;
	c->exit_info_2 = HARNESS_POOL_PA;
	c->exit_int_info = 14 | SVM_EVTINJ_TYPE_EXEPT | SVM_EVTINJ_VALID;
	if (!setjmp(halt))
		harness_on_cpu(0, hv_run_exit(v0()));
	fake.halt = NULL;
	assert_int_equal(fake.resets, 1);
	assert_true(fake_console_has("event delivery wrote to a hole: guest shutdown"));
}

/* ---- illegal guest state ---- */

/*
 * old: VMEXIT_INVALID on vmcb01 panicked svmhv. QEMU's TCG fails VMRUN at
 * MOV CR4 with a reserved bit (state unchanged): the guest gets #GP(0).
 */
static void test_invalid_mov_cr4_gp(void **state)
{
	static const uint8_t mov_cr4[] = { 0x0f, 0x22, 0xe0 };  /* mov cr4, rax */
	uint64_t rip = code(mov_cr4, sizeof(mov_cr4));

	(void)state;
	assert_true(exit0(VMEXIT_INVALID, 0, 0, 0));
	assert_int_equal(v0()->vmcb->control.event_inj, GP);
	assert_int_equal(v0()->vmcb->save.rip, rip);
	assert_true(fake_console_has("VMRUN failed at MOV CR4"));
}

/* An illegal state (CR0.NW without CD) is a shutdown: reset, state on the console. */
static void test_invalid_state_shutdown(void **state)
{
	jmp_buf halt;

	(void)state;
	fake.halt = &halt;
	v0()->vmcb->save.cr0 |= CR0_NW;
	v0()->vmcb->save.cr0 &= ~CR0_CD;
	if (!setjmp(halt))
		harness_exit(0, VMEXIT_INVALID, 0, 0, 0);
	fake.halt = NULL;
	assert_int_equal(fake.resets, 1);
	assert_true(fake_console_has("VMRUN refused the guest's state (CC(!cd && nw))"));
	assert_true(fake_console_has("rbx "));                   /* the vCPU state */
}

/* A state QEMU replaced with svmhv's own (CR3 = the host's): a shutdown too. */
static void test_invalid_host_state(void **state)
{
	jmp_buf halt;

	(void)state;
	fake.halt = &halt;
	v0()->vmcb->save.cr3 = hv.host_cr3;
	if (!setjmp(halt))
		harness_exit(0, VMEXIT_INVALID, 0, 0, 0);
	fake.halt = NULL;
	assert_true(fake_console_has("replaced the guest's state"));
}

/* shutdown=halt: a triple fault halts the vCPU, nothing is reset. */
static void test_shutdown_halt(void **state)
{
	jmp_buf halt;

	(void)state;
	fake.halt = &halt;
	if (!setjmp(halt))
		harness_exit(0, VMEXIT_SHUTDOWN, 0, 0, 0);
	fake.halt = NULL;
	assert_int_equal(fake.resets, 0);
	assert_true(fake_console_has("halting this vCPU (shutdown=halt)"));
}

/* ---- hypercalls ---- */

static uint64_t hypercall(uint64_t fn, uint8_t cpl, struct svm_gprs *out)
{
	struct vcpu *v = v0();

	v->vmcb->save.cpl = cpl;
	v->vmcb->save.rax = fn;
	v->world.regs.rbx = v->world.regs.rcx = v->world.regs.rdx = 0;
	assert_true(exit0(VMEXIT_VMMCALL, 0, 0, 3));
	*out = v->world.regs;
	v->vmcb->save.cpl = 0;
	return v->vmcb->save.rax;
}

/* INTEGRITY's canaries, counted as a guest does: ask 0, 1, ... until address 0. */
static unsigned canaries(void)
{
	struct vcpu *v = v0();
	unsigned n = 0;

	for (;; n++) {
		v->vmcb->save.rax = SVMHV_HC_INTEGRITY;
		v->world.regs.rbx = n;
		assert_true(exit0(VMEXIT_VMMCALL, 0, 0, 3));
		assert_int_equal(v->vmcb->save.rax, SVMHV_OK);
		if (!v->world.regs.rdx)
			return n;
	}
}

/* old: MEMINFO answered at CPL 3 (any program learnt where svmhv lives). */
static void test_hypercalls_cpl0(void **state)
{
	struct svm_gprs r;
	uint64_t sum;

	(void)state;
	assert_int_equal((int64_t)hypercall(SVMHV_HC_MEMINFO, 3, &r), SVMHV_EPERM);
	assert_int_equal(r.rbx, 0);
	assert_int_equal(hypercall(SVMHV_HC_IDENTIFY, 3, &r), SVMHV_OK);
	assert_int_equal(hypercall(SVMHV_HC_MEMINFO, 0, &r), SVMHV_OK);
	assert_int_equal(r.rbx, HARNESS_POOL_PA);
	/* INTEGRITY: three canaries intact; one byte into one is seen. */
	assert_int_equal(hypercall(SVMHV_HC_INTEGRITY, 0, &r), SVMHV_OK);
	assert_int_equal(r.rcx, 0);
	assert_true(r.rdx >= HARNESS_POOL_PA && r.rdx < HARNESS_POOL_PA + HARNESS_POOL_SIZE);
	assert_int_equal(canaries(), HV_CANARIES);
	sum = r.rbx;
	*(volatile uint8_t *)(uintptr_t)(HARNESS_POOL_PA + HARNESS_POOL_SIZE - 100) ^= 1;
	assert_int_equal(hypercall(SVMHV_HC_INTEGRITY, 0, &r), SVMHV_OK);
	assert_int_equal(r.rcx, 1);
	assert_int_equal(r.rbx, sum);
}

/* ---- nested: VMCB addresses, the write-back, IBPB ---- */

static struct vmcb *vmcb12;

static void l1_svm_on(void)
{
	struct vcpu *v = v0();

	v->world.regs.rcx = MSR_EFER;
	v->vmcb->save.rax = (uint32_t)(v->vmcb01->save.efer | EFER_SVME);
	v->world.regs.rdx = 0;
	assert_true(exit0(VMEXIT_MSR, 1, 0, 2));
	v->world.regs.rcx = MSR_VM_HSAVE_PA;
	v->vmcb->save.rax = (uint32_t)harness_pa(harness_page());
	assert_true(exit0(VMEXIT_MSR, 1, 0, 2));
	assert_true(v->nested.svme);
}

static uint64_t svm_insn(uint64_t exit, uint64_t rax)
{
	v0()->vmcb01->save.rax = rax;
	assert_true(exit0(exit, 0, 0, 3));
	return v0()->vmcb->control.event_inj;
}

/*
 * old: a vmcb12, VMSAVE area or HSAVE page in MMIO or on the APIC page was
 * accepted (VMSAVE to the APIC page wrote the physical APIC's registers).
 * Now: #GP, nothing read or written.
 */
static void test_vmcb_not_ram(void **state)
{
	static const uint64_t bad[] = {
		FAKE_APIC_BASE, 0xe0000000ull, HARNESS_POOL_PA, HARNESS_RAM_PA + 8, 1ull << 36,
		(1ull << 36) - 0x1000,
	};

	(void)state;
	l1_svm_on();
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(svm_insn(VMEXIT_VMRUN, bad[i]), GP);
		assert_int_equal(svm_insn(VMEXIT_VMLOAD, bad[i]), GP);
		assert_int_equal(svm_insn(VMEXIT_VMSAVE, bad[i]), GP);
		assert_false(v0()->nested.in_l2);
	}
	assert_int_equal(svm_insn(VMEXIT_VMSAVE, harness_pa(harness_page())), 0);
}

static void vmrun_l2(uint32_t asid)
{
	if (!vmcb12)
		vmcb12 = harness_page();
	harness_vmcb12(vmcb12, asid);
	vmcb12->control.intercept_misc2 |= BIT(INTERCEPT_VMMCALL - 32);
	v0()->vmcb01->save.rax = harness_pa(vmcb12);
	assert_true(exit0(VMEXIT_VMRUN, 0, 0, 3));
}

/* A permission map L1 uses in MMIO: VMEXIT_INVALID, as for one beyond MAXPHYADDR. */
static void test_maps_not_ram(void **state)
{
	(void)state;
	l1_svm_on();
	vmcb12 = harness_page();
	harness_vmcb12(vmcb12, 1);
	vmcb_set_intercept(&vmcb12->control, INTERCEPT_MSR_PROT);
	vmcb12->control.msrpm_base_pa = 0xe0000000ull;
	v0()->vmcb01->save.rax = harness_pa(vmcb12);
	assert_true(exit0(VMEXIT_VMRUN, 0, 0, 3));
	assert_false(v0()->nested.in_l2);
	assert_int_equal(vmcb12->control.exit_code, VMEXIT_INVALID);
}

/*
 * old: the whole vmcb12 page was written back at every #VMEXIT: L1's edits
 * elsewhere in the page (from another vCPU) were undone. Now only what the
 * CPU writes.
 */
static void test_writeback_fields_only(void **state)
{
	(void)state;
	l1_svm_on();
	vmrun_l2(1);
	assert_true(v0()->nested.in_l2);
	/* L1 (another vCPU) edits its page while L2 runs. */
	vmcb12->control.tsc_offset = 0x777;
	vmcb12->save.star = 0x888;
	vmcb12->save.g_pat = 0x999;
	vmcb12->control.intercept_exceptions = 0xabc;
	v0()->vmcb->save.rax = 0x4242;
	v0()->vmcb->save.cr2 = 0x5151;
	assert_true(exit0(VMEXIT_VMMCALL, 0, 0, 3));
	assert_false(v0()->nested.in_l2);
	assert_int_equal(vmcb12->control.exit_code, VMEXIT_VMMCALL);
	assert_int_equal(vmcb12->save.rax, 0x4242);
	assert_int_equal(vmcb12->save.cr2, 0x5151);
	assert_int_equal(vmcb12->control.tsc_offset, 0x777);
	assert_int_equal(vmcb12->save.star, 0x888);
	assert_int_equal(vmcb12->save.g_pat, 0x999);
	assert_int_equal(vmcb12->control.intercept_exceptions, 0xabc);
}

/*
 * old: when the CPU refused vmcb02 (QEMU leaves svmhv's own state in its
 * save area), L1 took vmcb02's FS/GS/TR/LDTR, syscall MSRs, CR2 and DR6:
 * svmhv's host values. Now L1 keeps its own.
 */
static void test_refused_vmcb02_leaks_nothing(void **state)
{
	struct vcpu *v = v0();
	uint64_t kgs, cr2;

	(void)state;
	l1_svm_on();
	v->vmcb01->save.kernel_gs_base = 0x1111;
	v->vmcb01->save.cr2 = 0x2222;
	vmrun_l2(1);
	kgs = v->vmcb01->save.kernel_gs_base;
	cr2 = v->vmcb01->save.cr2;
	v->vmcb->save.kernel_gs_base = 0xdead0000;               /* "host state" */
	v->vmcb->save.cr2 = 0xdead1111;
	v->vmcb->save.tr.base = 0xdead2222;
	vmcb12->save.cr2 = 0x3333;
	assert_true(exit0(VMEXIT_INVALID, 0, 0, 0));
	assert_false(v->nested.in_l2);
	assert_int_equal(vmcb12->control.exit_code, VMEXIT_INVALID);
	assert_int_equal(vmcb12->save.cr2, 0x3333);
	assert_int_equal(v->vmcb01->save.kernel_gs_base, kgs);
	assert_int_equal(v->vmcb01->save.cr2, cr2);
	assert_int_not_equal(v->vmcb01->save.tr.base, 0xdead2222);
}

/* IBPB when L1 switches to another L2 (another vmcb12), not on a round trip. */
static void test_ibpb_between_l2s(void **state)
{
	struct vcpu *v = v0();
	struct vmcb *second = harness_page();

	(void)state;
	l1_svm_on();
	vmrun_l2(1);
	assert_int_equal(v->ibpbs, 1);
	assert_true(exit0(VMEXIT_VMMCALL, 0, 0, 3));
	vmrun_l2(1);
	assert_int_equal(v->ibpbs, 1);                           /* same L2 */
	assert_true(exit0(VMEXIT_VMMCALL, 0, 0, 3));
	harness_vmcb12(second, 2);
	second->control.intercept_misc2 |= BIT(INTERCEPT_VMMCALL - 32);
	v->vmcb01->save.rax = harness_pa(second);
	assert_true(exit0(VMEXIT_VMRUN, 0, 0, 3));
	assert_int_equal(v->ibpbs, 2);
	assert_int_equal(rdmsr(MSR_PRED_CMD), 1);
}

/*
 * QEMU fails vmcb02's VMRUN at L2's MOV CR4 with a reserved bit: L2's #GP,
 * which L1 intercepts here. old: VMEXIT_INVALID went to L1 for a VMRUN it
 * had already seen succeed.
 */
static void test_l2_mov_cr4_gp(void **state)
{
	static const uint8_t mov_cr4[] = { 0x0f, 0x22, 0xe0 };
	struct vcpu *v = v0();
	uint8_t *p = harness_page();

	(void)state;
	l1_svm_on();
	vmcb12 = harness_page();
	harness_vmcb12(vmcb12, 1);
	vmcb12->control.intercept_exceptions = BIT(VEC_GP);
	memcpy(p, mov_cr4, sizeof(mov_cr4));
	vmcb12->save.rip = harness_pa(p);
	v->vmcb01->save.rax = harness_pa(vmcb12);
	assert_true(exit0(VMEXIT_VMRUN, 0, 0, 3));
	assert_true(v->nested.in_l2);
	assert_true(exit0(VMEXIT_INVALID, 0, 0, 0));
	assert_false(v->nested.in_l2);
	assert_int_equal(vmcb12->control.exit_code, VMEXIT_EXCP_BASE + VEC_GP);
	assert_int_equal(vmcb12->save.rip, harness_pa(p));
}

/* Without L1's #GP intercept, the #GP is injected into L2. */
static void test_l2_mov_cr4_gp_to_l2(void **state)
{
	static const uint8_t mov_cr4[] = { 0x0f, 0x22, 0xe0 };
	struct vcpu *v = v0();
	uint8_t *p = harness_page();

	(void)state;
	l1_svm_on();
	vmcb12 = harness_page();
	harness_vmcb12(vmcb12, 1);
	memcpy(p, mov_cr4, sizeof(mov_cr4));
	vmcb12->save.rip = harness_pa(p);
	v->vmcb01->save.rax = harness_pa(vmcb12);
	assert_true(exit0(VMEXIT_VMRUN, 0, 0, 3));
	assert_true(exit0(VMEXIT_INVALID, 0, 0, 0));
	assert_true(v->nested.in_l2);
	assert_int_equal(v->vmcb->control.event_inj, GP);
}

static int reset_vmcb12(void **s)
{
	vmcb12 = NULL;
	return nested(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_gpa_limit, plain),
		cmocka_unit_test_setup(test_write_above_limit_dropped, plain),
		cmocka_unit_test_setup(test_event_delivery_into_hole, plain),
		cmocka_unit_test_setup(test_invalid_mov_cr4_gp, plain),
		cmocka_unit_test_setup(test_invalid_state_shutdown, plain),
		cmocka_unit_test_setup(test_invalid_host_state, plain),
		cmocka_unit_test_setup(test_shutdown_halt, halt_cfg),
		cmocka_unit_test_setup(test_hypercalls_cpl0, plain),
		cmocka_unit_test_setup(test_vmcb_not_ram, reset_vmcb12),
		cmocka_unit_test_setup(test_maps_not_ram, reset_vmcb12),
		cmocka_unit_test_setup(test_writeback_fields_only, reset_vmcb12),
		cmocka_unit_test_setup(test_refused_vmcb02_leaks_nothing, reset_vmcb12),
		cmocka_unit_test_setup(test_ibpb_between_l2s, reset_vmcb12),
		cmocka_unit_test_setup(test_l2_mov_cr4_gp, reset_vmcb12),
		cmocka_unit_test_setup(test_l2_mov_cr4_gp_to_l2, reset_vmcb12),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
