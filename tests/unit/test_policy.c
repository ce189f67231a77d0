/*
 * Host tests of the guest-visible policy: CPUID filter, EFER and SVM MSR rules
 * (hv/policy.c), hypercall dispatch (hv/hc.c) and SVM feature decode (svm/svm.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "hv/hc.h"
#include "hv/hypercall.h"
#include "hv/policy.h"
#include "hv/vcpu.h"
#include "svm/svm.h"

static const struct hv_cpuid_ctx plain = { false, 16, 0 };

static void test_cpuid_signature(void **state)
{
	struct cpuid_regs r = { 0x11, 0x22, 0x33, 0x44 };
	char sig[13] = { 0 };

	(void)state;
	hv_cpuid_filter(SVMHV_CPUID_BASE, 0, &r, &plain);
	memcpy(sig, &r.ebx, 4);
	memcpy(sig + 4, &r.ecx, 4);
	memcpy(sig + 8, &r.edx, 4);
	assert_string_equal(sig, "svmhv");
	assert_int_equal(r.eax, SVMHV_CPUID_MAX);
	r = (struct cpuid_regs){ 1, 1, 1, 1 };
	hv_cpuid_filter(SVMHV_CPUID_BASE + 1, 0, &r, &plain);
	assert_int_equal(r.eax, SVMHV_VERSION);
	r = (struct cpuid_regs){ 1, 1, 1, 1 };
	hv_cpuid_filter(SVMHV_CPUID_BASE + 0x20, 0, &r, &plain);
	assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);
}

static void test_cpuid_hides_svm(void **state)
{
	struct cpuid_regs r = { 0, 0, 0x00000004u | 0x1, 0x20000000u };

	(void)state;
	hv_cpuid_filter(0x80000001u, 0, &r, &plain);
	assert_int_equal(r.ecx, 0x1);                   /* SVM gone, the rest kept */
	assert_int_equal(r.edx, 0x20000000u);
	r = (struct cpuid_regs){ 1, 16, 0, 0x1234 };
	hv_cpuid_filter(0x8000000au, 0, &r, &plain);
	assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);
	r = (struct cpuid_regs){ 0x800f12, 0, 0x1, 0 };
	hv_cpuid_filter(1, 0, &r, &plain);
	assert_true(r.ecx & CPUID_1_ECX_HYPERVISOR);
	assert_int_equal(r.eax, 0x800f12);
	/* Leaves svmhv does not own pass unchanged. */
	r = (struct cpuid_regs){ 5, 6, 7, 8 };
	hv_cpuid_filter(7, 0, &r, &plain);
	assert_int_equal(r.eax + r.ebx + r.ecx + r.edx, 26);
}

/* nested=1: SVM offered with exactly what svmhv emulates. */
static void test_cpuid_nested(void **state)
{
	const struct hv_cpuid_ctx nested = { true, 16, hv_nested_svm_edx(0x10001) };
	struct cpuid_regs r = { 0, 0, 0x5, 0 };

	(void)state;
	hv_cpuid_filter(0x80000001u, 0, &r, &nested);
	assert_int_equal(r.ecx, 0x5);                   /* SVM visible */
	r = (struct cpuid_regs){ 1, 16, 7, 0x1ffff };
	hv_cpuid_filter(0x8000000au, 0, &r, &nested);
	assert_int_equal(r.eax, 1);
	assert_int_equal(r.ebx, 16);
	assert_int_equal(r.ecx, 0);
	/* QEMU's NPT|VGIF are not emulated; FlushByASID is offered anyway. */
	assert_int_equal(r.edx, 1u << 6);
	assert_int_equal(hv_nested_svm_edx(1u << 3 | 1u << 0), (1u << 3) | (1u << 6));
	/* The virtual SVME shows through EFER reads. */
	assert_true(hv_efer_read(EFER_SVME | EFER_LME, true) & EFER_SVME);
	assert_false(hv_efer_read(EFER_SVME | EFER_LME, false) & EFER_SVME);
	assert_int_equal(hv_msr_policy(0xc0010117u, false, true), HV_MSR_HSAVE_PA);
	assert_int_equal(hv_msr_policy(0xc0010114u, true, true), HV_MSR_VM_CR);
	assert_int_equal(hv_msr_policy(0xc0010118u, true, true), HV_MSR_GP);
}

static const uint64_t cr0_pg = 1ull << 31;

static void test_efer_write(void **state)
{
	uint64_t allowed = hv_efer_allowed(0, CPUID_80000001_EDX_SYSCALL |
					      CPUID_80000001_EDX_LM | CPUID_80000001_EDX_NX, 0);
	uint64_t cur = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_SVME, out = 0;

	(void)state;
	assert_int_equal(allowed, EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE);
	/* Writing back what it read (SVME hidden) keeps SVME in the VMCB. */
	assert_int_equal(hv_efer_write(cur, hv_efer_read(cur, false), cr0_pg, allowed, &out), 0);
	assert_int_equal(out, cur);
	assert_false(hv_efer_read(cur, false) & EFER_SVME);
	/* Clearing NXE is fine; LMA cannot be written. */
	assert_int_equal(hv_efer_write(cur, EFER_SCE | EFER_LME, cr0_pg, allowed, &out), 0);
	assert_int_equal(out, EFER_SCE | EFER_LME | EFER_LMA | EFER_SVME);
	/* Bad values: SVME, reserved bit, unsupported FFXSR, LME toggled under paging. */
	out = 0x1234;
	assert_int_equal(hv_efer_write(cur, EFER_SVME | EFER_LME, cr0_pg, allowed, &out), -1);
	assert_int_equal(hv_efer_write(cur, EFER_LME | (1ull << 1), cr0_pg, allowed, &out), -1);
	assert_int_equal(hv_efer_write(cur, EFER_LME | EFER_FFXSR, cr0_pg, allowed, &out), -1);
	assert_int_equal(hv_efer_write(cur, 0, cr0_pg, allowed, &out), -1);
	assert_int_equal(hv_efer_write(cur, EFER_LME | (1ull << 63), 0, allowed, &out), -1);
	assert_int_equal(out, 0x1234);                  /* untouched on #GP */
	/* With paging off LME may change. */
	assert_int_equal(hv_efer_write(EFER_SVME, EFER_LME, 0, allowed, &out), 0);
	assert_int_equal(out, EFER_LME | EFER_SVME);
}

static void test_msr_policy(void **state)
{
	(void)state;
	assert_int_equal(hv_msr_policy(0xc0000080u, false, false), HV_MSR_EFER);
	assert_int_equal(hv_msr_policy(0xc0000080u, true, false), HV_MSR_EFER);
	assert_int_equal(hv_msr_policy(0xc0010114u, false, false), HV_MSR_GP);
	assert_int_equal(hv_msr_policy(0xc0010117u, true, false), HV_MSR_GP);
	assert_int_equal(hv_msr_policy(0xc0010118u, false, false), HV_MSR_GP);
	assert_int_equal(hv_msr_policy(0xc0010115u, true, false), HV_MSR_GP);
	assert_int_equal(hv_msr_policy(0xc0010116u, true, false), HV_MSR_GP);
	assert_int_equal(hv_msr_policy(0x40000000u, false, false), HV_MSR_OUTSIDE_MAP);
	/* APIC base and x2APIC ICR: writes are svmhv's, reads never exit. */
	assert_int_equal(hv_msr_policy(0x1bu, true, false), HV_MSR_APIC_BASE);
	assert_int_equal(hv_msr_policy(0x830u, true, false), HV_MSR_X2APIC_ICR);
	assert_int_equal(hv_msr_policy(0x830u, false, false), HV_MSR_OUTSIDE_MAP);
}

static uint64_t fake_flushes(const struct vcpu *v, unsigned ctx, uint32_t reason, int *err)
{
	if (ctx > 1) {
		*err = 1;
		return 0;
	}
	return v->index * 100 + ctx * 10 + reason;
}

static void test_hypercalls(void **state)
{
	static struct vcpu v0, v1;
	struct vcpu *vs[2] = { &v0, &v1 };
	struct hv_hc_env env = { vs, 2, 1, 0x7000000, 0x1200000, fake_flushes, NULL, NULL, 3, NULL };
	struct hv_hc_regs r;

	(void)state;
	v1.index = 1;
	v1.exit_counts[VMEXIT_CPUID] = 7;
	v1.exit_counts[HV_EXIT_SLOT_NPF] = 3;
	v0.exit_total = 99;
	r = (struct hv_hc_regs){ SVMHV_HC_IDENTIFY, 0, 0, 0 };
	hv_hypercall(&env, &r);
	assert_int_equal(r.rax, SVMHV_OK);
	assert_int_equal(r.rbx, SVMHV_SIG_EBX);
	assert_int_equal(r.rdx, SVMHV_VERSION);
	r = (struct hv_hc_regs){ SVMHV_HC_EXIT_COUNT, SVMHV_VCPU_SELF, VMEXIT_CPUID, 0 };
	hv_hypercall(&env, &r);
	assert_int_equal(r.rax, SVMHV_OK);
	assert_int_equal(r.rdx, 7);
	r = (struct hv_hc_regs){ SVMHV_HC_EXIT_COUNT, 1, VMEXIT_NPF, 0 };
	hv_hypercall(&env, &r);
	assert_int_equal(r.rdx, 3);
	r = (struct hv_hc_regs){ SVMHV_HC_EXIT_TOTAL, 0, 0, 0 };
	hv_hypercall(&env, &r);
	assert_int_equal(r.rdx, 99);
	r = (struct hv_hc_regs){ SVMHV_HC_VCPU_INFO, 0, 0, 0 };
	hv_hypercall(&env, &r);
	assert_int_equal(r.rbx, 1);
	assert_int_equal(r.rcx, 2);
	r = (struct hv_hc_regs){ SVMHV_HC_MEMINFO, 0, 0, 0 };
	hv_hypercall(&env, &r);
	assert_int_equal(r.rbx, 0x7000000);
	assert_int_equal(r.rcx, 0x1200000);
	r = (struct hv_hc_regs){ SVMHV_HC_TLB_FLUSHES, 1, 1, 4 };
	hv_hypercall(&env, &r);
	assert_int_equal(r.rax, SVMHV_OK);
	assert_int_equal(r.rdx, 114);
}

static void test_hypercall_bad_arguments(void **state)
{
	static struct vcpu v0;
	struct vcpu *vs[1] = { &v0 };
	struct hv_hc_env env = { vs, 1, 0, 0, 0, fake_flushes, NULL, NULL, 0, NULL };
	const struct hv_hc_regs bad[] = {
		{ SVMHV_HC_EXIT_COUNT, 1, VMEXIT_CPUID, 0 },    /* no vCPU 1 */
		{ SVMHV_HC_EXIT_COUNT, 0, 0x300, 0 },           /* no such exit code */
		{ SVMHV_HC_EXIT_COUNT, 0, 0x404, 0 },
		{ SVMHV_HC_EXIT_TOTAL, 0xfffffffe, 0, 0 },
		{ SVMHV_HC_TLB_FLUSHES, 0, 2, 0 },              /* no context 2 */
		{ SVMHV_HC_ASIDS, 0, 0, 0 },                    /* no ASID source */
		{ SVMHV_HC_VCPU_STATE, 0, 0, 0 },               /* no APIC ID table */
	};

	(void)state;
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct hv_hc_regs r = bad[i];

		hv_hypercall(&env, &r);
		assert_int_equal((int64_t)r.rax, SVMHV_EINVAL);
	}
	struct hv_hc_regs r = { 0x1000, 1, 2, 3 };
	hv_hypercall(&env, &r);
	assert_int_equal((int64_t)r.rax, SVMHV_ENOSYS);
	assert_int_equal(r.rbx, 1);                     /* nothing else touched */
}

static int dumps;
static void fake_dump(void)
{
	dumps++;
}

static void test_hypercall_vcpu_state_and_dump(void **state)
{
	static struct vcpu v0, v2;
	struct vcpu *vs[3] = { &v0, NULL, &v2 };
	const uint32_t ids[3] = { 0, 4, 8 };
	struct hv_hc_env env = { vs, 3, 0, 0, 0, NULL, NULL, ids, 3, fake_dump };
	struct hv_hc_regs r;

	(void)state;
	v0.exit_total = 5;
	v2.mp_state = 1;
	r = (struct hv_hc_regs){ SVMHV_HC_VCPU_STATE, SVMHV_VCPU_SELF, 0, 0 };
	hv_hypercall(&env, &r);
	assert_int_equal(r.rax, SVMHV_OK);
	assert_int_equal(r.rbx, SVMHV_VCPU_RUNNING);
	assert_int_equal(r.rdx, 5);
	r = (struct hv_hc_regs){ SVMHV_HC_VCPU_STATE, 1, 0, 0 };
	hv_hypercall(&env, &r);
	assert_int_equal(r.rbx, SVMHV_VCPU_ABSENT);
	assert_int_equal(r.rcx, 4);
	r = (struct hv_hc_regs){ SVMHV_HC_VCPU_STATE, 2, 0, 0 };
	hv_hypercall(&env, &r);
	assert_int_equal(r.rbx, SVMHV_VCPU_WAIT_SIPI);
	assert_int_equal(r.rcx, 8);
	r = (struct hv_hc_regs){ SVMHV_HC_VCPU_STATE, 3, 0, 0 };
	hv_hypercall(&env, &r);
	assert_int_equal((int64_t)r.rax, SVMHV_EINVAL);
	/* The console dump needs CPL 0. */
	r = (struct hv_hc_regs){ SVMHV_HC_CONSOLE_DUMP, 0, 0, 0 };
	hv_hypercall(&env, &r);
	assert_int_equal((int64_t)r.rax, SVMHV_EPERM);
	assert_int_equal(dumps, 0);
	env.cpl = 0;
	r = (struct hv_hc_regs){ SVMHV_HC_CONSOLE_DUMP, 0, 0, 0 };
	hv_hypercall(&env, &r);
	assert_int_equal(r.rax, SVMHV_OK);
	assert_int_equal(dumps, 1);
}

static void test_exit_slots(void **state)
{
	(void)state;
	assert_int_equal(hv_exit_slot(VMEXIT_CPUID), VMEXIT_CPUID);
	assert_int_equal(hv_exit_slot(VMEXIT_NPF), HV_EXIT_SLOT_NPF);
	assert_int_equal(hv_exit_slot(VMEXIT_INVALID), HV_EXIT_SLOT_INVALID);
	assert_int_equal(hv_exit_slot(0xffffffffull), HV_EXIT_SLOT_INVALID); /* QEMU's form */
	assert_int_equal(hv_exit_slot(0xa5), -1);
	assert_int_equal(hv_exit_slot(0x404), -1);
	/* Every slot names the exit code it counts. */
	for (unsigned s = 0; s < HV_EXIT_SLOTS; s++)
		assert_int_equal(hv_exit_slot(hv_exit_code_of_slot(s)), (int)s);
}

static const struct svm_raw qemu_raw = {
	.max_ext_leaf = 0x8000001f, .ext1_ecx = 0x4, .ext1_edx = 1u << 26,
	.svm_eax = 1, .svm_ebx = 16, .svm_edx = 0x10001, .ext8_eax = 0x3028, .vm_cr = 0,
};

static void test_svm_decode(void **state)
{
	struct svm_features f;
	struct svm_raw raw = qemu_raw;
	char buf[64];

	(void)state;
	assert_int_equal(svm_decode_features(&raw, &f), SVM_OK);
	assert_int_equal(f.nasid, 16);
	assert_int_equal(f.revision, 1);
	assert_int_equal(f.maxphyaddr, 40);
	assert_true(f.npt && f.vgif && f.gbpages);
	assert_false(f.nrips || f.flush_by_asid || f.decode_assists || f.vmcb_clean);
	svm_features_str(&f, buf, sizeof(buf));
	assert_string_equal(buf, "NPT VGIF");
}

static void test_svm_refusals(void **state)
{
	struct svm_features f;
	struct svm_raw raw;

	(void)state;
	raw = qemu_raw; raw.ext1_ecx = 0;
	assert_int_equal(svm_decode_features(&raw, &f), SVM_ERR_NO_SVM);
	raw = qemu_raw; raw.max_ext_leaf = 0x80000008;
	assert_int_equal(svm_decode_features(&raw, &f), SVM_ERR_NO_SVM);
	raw = qemu_raw; raw.vm_cr = 1u << 4;
	assert_int_equal(svm_decode_features(&raw, &f), SVM_ERR_DISABLED_FIRMWARE);
	raw.svm_edx |= SVM_FEATURE_SVML;
	assert_int_equal(svm_decode_features(&raw, &f), SVM_ERR_LOCKED);
	raw = qemu_raw; raw.svm_edx = SVM_FEATURE_VGIF;
	assert_int_equal(svm_decode_features(&raw, &f), SVM_ERR_NO_NPT);
	raw = qemu_raw; raw.svm_ebx = 2;
	assert_int_equal(svm_decode_features(&raw, &f), SVM_ERR_FEW_ASIDS);
	assert_non_null(strstr(svm_status_str(SVM_ERR_DISABLED_FIRMWARE), "firmware"));
	assert_non_null(strstr(svm_status_str(SVM_ERR_LOCKED), "key"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpuid_signature),
		cmocka_unit_test(test_cpuid_hides_svm),
		cmocka_unit_test(test_cpuid_nested),
		cmocka_unit_test(test_efer_write),
		cmocka_unit_test(test_msr_policy),
		cmocka_unit_test(test_hypercalls),
		cmocka_unit_test(test_hypercall_bad_arguments),
		cmocka_unit_test(test_hypercall_vcpu_state_and_dump),
		cmocka_unit_test(test_exit_slots),
		cmocka_unit_test(test_svm_decode),
		cmocka_unit_test(test_svm_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
