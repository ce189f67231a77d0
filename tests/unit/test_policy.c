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
#include "svm/msrpm.h"
#include "svm/svm.h"
#include "svm/vmcb.h"

static const struct hv_cpuid_ctx plain = { false, 16, 0, 0, 0, 0, 0 };

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
	const struct hv_cpuid_ctx nested = { true, 16, hv_nested_svm_edx(false), 0, 0, 0, 0 };
	struct cpuid_regs r = { 0, 0, 0x5, 0 };

	(void)state;
	hv_cpuid_filter(0x80000001u, 0, &r, &nested);
	assert_int_equal(r.ecx, 0x5);                   /* SVM visible */
	r = (struct cpuid_regs){ 1, 16, 7, 0x1ffff };
	hv_cpuid_filter(0x8000000au, 0, &r, &nested);
	assert_int_equal(r.eax, 1);
	assert_int_equal(r.ebx, 16);
	assert_int_equal(r.ecx, 0);
	/*
	 * NPT (shadowed), NRIPS (decoded), clean bits and FlushByASID whatever
	 * the hardware has; VGIF (bit 16) only where svmhv runs L2 on the CPU's.
	 */
	assert_int_equal(r.edx, (1u << 0) | (1u << 3) | (1u << 5) | (1u << 6));
	assert_int_equal(r.edx & (1u << 16), 0);
	assert_int_equal(hv_nested_svm_edx(true), r.edx | (1u << 16));
	{
		const struct hv_cpuid_ctx vg = { true, 16, hv_nested_svm_edx(true), 0, 0, 0, 0 };

		r = (struct cpuid_regs){ 1, 16, 7, 0 };
		hv_cpuid_filter(0x8000000au, 0, &r, &vg);
		assert_int_equal(r.edx, (1u << 0) | (1u << 3) | (1u << 5) | (1u << 6) | (1u << 16));
	}
	/* The virtual SVME shows through EFER reads. */
	assert_true(hv_efer_read(EFER_SVME | EFER_LME, true) & EFER_SVME);
	assert_false(hv_efer_read(EFER_SVME | EFER_LME, false) & EFER_SVME);
	assert_int_equal(hv_msr_op(hv_msr_rule(0xc0010117u), false, true), HV_MSR_EMULATE);
	assert_int_equal(hv_msr_rule(0xc0010117u)->emul, HV_EMUL_HSAVE_PA);
	assert_int_equal(hv_msr_rule(0xc0010114u)->emul, HV_EMUL_VM_CR);
	assert_int_equal(hv_msr_op(hv_msr_rule(0xc0010118u), true, true), HV_MSR_GP);
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

/* Every rule: both ends of its range find it (or an earlier, narrower rule). */
static void test_msr_rules_cover(void **state)
{
	unsigned n;
	const struct hv_msr_rule *r = hv_msr_rules(&n);

	(void)state;
	assert_true(n > 40);
	for (unsigned i = 0; i < n; i++) {
		const struct hv_msr_rule *a = hv_msr_rule(r[i].first), *b = hv_msr_rule(r[i].last);

		assert_true(r[i].first <= r[i].last);
		assert_true(a == &r[i] || a < &r[i]);
		assert_true(b == &r[i] || b < &r[i]);
		assert_non_null(r[i].name);
		/* Emulated ops name an emulation; others none. */
		assert_int_equal(r[i].rd == HV_MSR_EMULATE || r[i].wr == HV_MSR_EMULATE,
				 r[i].emul != HV_EMUL_NONE);
	}
}

/* The bad value of each kind of rule, and a good one next to it. */
static void test_msr_policy(void **state)
{
	const struct hv_msr_rule *r;

	(void)state;
	/* Unlisted MSRs: #GP both ways, inside and outside the MSRPM ranges. */
	r = hv_msr_rule(0x40000000u);
	assert_int_equal(hv_msr_op(r, false, true), HV_MSR_GP);
	assert_int_equal(hv_msr_op(hv_msr_rule(0x3au), true, false), HV_MSR_GP);   /* FEATURE_CONTROL */
	assert_int_equal(hv_msr_op(hv_msr_rule(0xc0010056u), true, false), HV_MSR_GP); /* SMI trigger */
	/* The allow-list. */
	assert_int_equal(hv_msr_op(hv_msr_rule(MSR_FS_BASE), true, false), HV_MSR_PASS);
	assert_int_equal(hv_msr_op(hv_msr_rule(MSR_LSTAR), false, false), HV_MSR_PASS);
	assert_int_equal(hv_msr_op(hv_msr_rule(MSR_SYSENTER_EIP), true, false), HV_MSR_PASS);
	assert_int_equal(hv_msr_op(hv_msr_rule(MSR_TSC_AUX), true, false), HV_MSR_PASS);
	/* Machine-wide memory layout and SVM state: #GP on write. */
	assert_int_equal(hv_msr_op(hv_msr_rule(0xc001001du), true, false), HV_MSR_GP);  /* TOM2 */
	assert_int_equal(hv_msr_op(hv_msr_rule(0xc001001du), false, false), HV_MSR_HW);
	assert_int_equal(hv_msr_op(hv_msr_rule(0xc0010058u), true, false), HV_MSR_GP);  /* MMCFG */
	assert_int_equal(hv_msr_op(hv_msr_rule(MSR_VM_CR), true, false), HV_MSR_GP);
	assert_int_equal(hv_msr_op(hv_msr_rule(MSR_VM_CR), true, true), HV_MSR_EMULATE);
	assert_int_equal(hv_msr_op(hv_msr_rule(MSR_SVM_KEY), false, true), HV_MSR_GP);
	assert_int_equal(hv_msr_op(hv_msr_rule(MSR_IGNNE), false, true), HV_MSR_GP);
	assert_int_equal(hv_msr_op(hv_msr_rule(0xc0011033u), false, false), HV_MSR_GP);  /* IBS */
	/* The microcode loader is ignored, as KVM does; reading it #GPs. */
	assert_int_equal(hv_msr_op(hv_msr_rule(0xc0010020u), true, false), HV_MSR_IGNORE);
	assert_int_equal(hv_msr_op(hv_msr_rule(0xc0010020u), false, false), HV_MSR_GP);
	/* MASKED: SYSCFG may flip MtrrFixDram*, never MemEncryptionModEn or TOM2 enable. */
	r = hv_msr_rule(0xc0010010u);
	assert_true(hv_msr_write_ok(r, 0x740000, 0x700000));          /* clears bit 18 */
	assert_false(hv_msr_write_ok(r, 0x740000, 0x740000 | BIT_ULL(23)));
	assert_false(hv_msr_write_ok(r, 0x740000, 0x540000));         /* TOM2 enable */
	/* HWCR: CpbDis may change, McStatusWrEn (18) and SmmLock (0) not. */
	r = hv_msr_rule(0xc0010015u);
	assert_true(hv_msr_write_ok(r, 0x1, 0x1 | BIT_ULL(25)));
	assert_false(hv_msr_write_ok(r, 0x1, 0x1 | BIT_ULL(18)));
	assert_false(hv_msr_write_ok(r, 0x1, 0x0));
	/* DEBUGCTL: BTF yes, LBR (bit 0) no. */
	r = hv_msr_rule(MSR_DEBUGCTL);
	assert_true(hv_msr_write_ok(r, 0, 0x2));
	assert_false(hv_msr_write_ok(r, 0, 0x1));
	/* SET_ONLY: DE_CFG may gain a bit (LFENCE serializing), never lose one. */
	r = hv_msr_rule(0xc0011029u);
	assert_int_equal(r->wr, HV_MSR_HW_SET_ONLY);
	assert_true(hv_msr_write_ok(r, 0x200, 0x202));
	assert_false(hv_msr_write_ok(r, 0x202, 0x200));
	/* HW: anything goes to the hardware (its #GP is the guest's). */
	assert_true(hv_msr_write_ok(hv_msr_rule(0x401u), 5, ~0ull));
	/* Emulated: APIC base, x2APIC ICR writes, PAT, SPEC_CTRL, MTRRs, EFER. */
	assert_int_equal(hv_msr_rule(MSR_APIC_BASE)->emul, HV_EMUL_APIC_BASE);
	assert_int_equal(hv_msr_op(hv_msr_rule(MSR_X2APIC_ICR), false, false), HV_MSR_PASS);
	assert_int_equal(hv_msr_rule(MSR_X2APIC_ICR)->emul, HV_EMUL_X2APIC_ICR);
	assert_int_equal(hv_msr_op(hv_msr_rule(0x80bu), true, false), HV_MSR_PASS);    /* EOI */
	assert_int_equal(hv_msr_rule(MSR_PAT)->emul, HV_EMUL_PAT);
	assert_int_equal(hv_msr_rule(MSR_SPEC_CTRL)->emul, HV_EMUL_SPEC_CTRL);
	assert_int_equal(hv_msr_rule(0x2ffu)->emul, HV_EMUL_MTRR);
	assert_int_equal(hv_msr_rule(0x20fu)->emul, HV_EMUL_MTRR);
	assert_int_equal(hv_msr_rule(0x26fu)->emul, HV_EMUL_MTRR);
	assert_int_equal(hv_msr_rule(MSR_EFER)->emul, HV_EMUL_EFER);
}

/* The MSRPM: intercept everything but the allow-list; reads of x2APIC pass. */
static void test_msr_msrpm(void **state)
{
	static uint8_t map[SVM_MSRPM_SIZE];
	bool rd, wr;

	(void)state;
	hv_msr_fill_msrpm(map, false);
	svm_msrpm_get(map, MSR_GS_BASE, &rd, &wr);
	assert_false(rd || wr);
	svm_msrpm_get(map, MSR_X2APIC_ICR, &rd, &wr);
	assert_true(!rd && wr);
	svm_msrpm_get(map, MSR_PRED_CMD, &rd, &wr);
	assert_true(rd && !wr);
	svm_msrpm_get(map, 0x10u, &rd, &wr);                   /* TSC: reads pass */
	assert_true(!rd && wr);
	svm_msrpm_get(map, MSR_EFER, &rd, &wr);
	assert_true(rd && wr);
	svm_msrpm_get(map, 0xc0010010u, &rd, &wr);              /* SYSCFG */
	assert_true(rd && wr);
	svm_msrpm_get(map, 0x1fffu, &rd, &wr);                  /* unlisted */
	assert_true(rd && wr);
	/* Counted: only a handful of MSRs pass, every one on the list. */
	unsigned pass = 0;
	for (uint32_t m = 0; m < 0x2000u; m++) {
		svm_msrpm_get(map, m, &rd, &wr);
		pass += !rd || !wr;
	}
	assert_true(pass == 1 + 3 + 1 + 1 + 1 + 256);    /* TSC SYSENTER PRED FLUSH DEADLINE x2APIC */
}

/* Value checks: PAT types, SPEC_CTRL bits, Host-only counting, APIC base moves. */
static void test_msr_values(void **state)
{
	const uint64_t base = 0xfee00000ull | APIC_BASE_EN | APIC_BASE_BSP;

	(void)state;
	assert_true(hv_pat_valid(0x0007040600070406ull));
	assert_false(hv_pat_valid(0x0007040600070402ull));      /* type 2 is reserved */
	assert_false(hv_pat_valid(0x0807040600070406ull));      /* type 8 */
	assert_int_equal(hv_spec_ctrl_bits(0, 0), 0);
	assert_int_equal(hv_spec_ctrl_bits(BIT(14) | BIT(24), 0), 0x5);
	assert_int_equal(hv_spec_ctrl_bits(BIT(28), 1u << 27), 0x82);
	assert_true(hv_perf_ctl_ok(0x430076));
	assert_false(hv_perf_ctl_ok(0x430076 | BIT_ULL(41)));    /* Host-only */
	assert_true(hv_perf_ctl_ok(0x430076 | BIT_ULL(41) | BIT_ULL(40)));
	assert_true(hv_msr_is_perf_ctl(0xc0010000u) && hv_msr_is_perf_ctl(0xc001020au));
	assert_false(hv_msr_is_perf_ctl(0xc0010004u) || hv_msr_is_perf_ctl(0xc001020bu));
	/* APIC base: legal moves, then each rule's bad value. */
	assert_int_equal(hv_apic_base_check(base, base | APIC_BASE_EXTD, 40, true, 0xfee00000), 0);
	assert_int_equal(hv_apic_base_check(base, base & ~APIC_BASE_EN, 40, true, 0xfee00000), 0);
	assert_int_equal(hv_apic_base_check(base | APIC_BASE_EXTD, base & ~APIC_BASE_EN, 40, true,
					    0xfee00000), 0);
	assert_int_equal(hv_apic_base_check(base, base | 1, 40, true, 0xfee00000),
			 HV_APIC_BASE_ERESERVED);
	assert_int_equal(hv_apic_base_check(base, base | BIT_ULL(9), 40, true, 0xfee00000),
			 HV_APIC_BASE_ERESERVED);
	assert_int_equal(hv_apic_base_check(base, base | BIT_ULL(40), 40, true, 0xfee00000),
			 HV_APIC_BASE_ERESERVED);
	assert_int_equal(hv_apic_base_check(base, base | APIC_BASE_EXTD, 40, false, 0xfee00000),
			 HV_APIC_BASE_ERESERVED);
	assert_int_equal(hv_apic_base_check(base, (base & ~APIC_BASE_EN) | APIC_BASE_EXTD, 40,
					    true, 0xfee00000), HV_APIC_BASE_EMODE);
	assert_int_equal(hv_apic_base_check(base | APIC_BASE_EXTD, base, 40, true, 0xfee00000),
			 HV_APIC_BASE_ETRANSITION);
	assert_int_equal(hv_apic_base_check(base & ~APIC_BASE_EN, base | APIC_BASE_EXTD, 40, true,
					    0xfee00000), HV_APIC_BASE_ETRANSITION);
	assert_int_equal(hv_apic_base_check(base, (base & ~0xfffff000ull) | 0xfed00000ull, 40, true,
					    0xfee00000), HV_APIC_BASE_EMOVE);
	assert_int_equal(hv_apic_base_check(base, base & ~APIC_BASE_BSP, 40, true, 0xfee00000),
			 HV_APIC_BASE_EBSP);
}

/* CPUID: features svmhv does not virtualize are hidden; 8000_0008 is the NPT's limit. */
static void test_cpuid_hidden(void **state)
{
	const struct hv_cpuid_ctx ctx = { false, 16, 0, 39, 0, 0, 0 };
	struct cpuid_regs r;
	static const uint32_t zero_leaves[] = { 0xf, 0x10, 0x8000001bu, 0x8000001fu, 0x80000020u };

	(void)state;
	for (unsigned i = 0; i < sizeof(zero_leaves) / sizeof(zero_leaves[0]); i++) {
		r = (struct cpuid_regs){ 0x1f, 1, 2, 3 };
		hv_cpuid_filter(zero_leaves[i], 0, &r, &ctx);
		assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);
	}
	r = (struct cpuid_regs){ 0x00303028, 1u << 25 | 1u << 12, 0, 0 };
	hv_cpuid_filter(0x80000008u, 0, &r, &ctx);
	assert_int_equal(r.eax, 0x00003027);                    /* 39 bits, GuestPhysAddrSize 0 */
	assert_int_equal(r.ebx, 1u << 12);                      /* IBPB kept, VIRT_SSBD gone */
	/* INVLPGB/TLBSYNC (EBX[3]) and its page count (EDX[15:0]) gone, RDPRU's kept. */
	r = (struct cpuid_regs){ 0x00303030, 1u << 3 | 1u << 12, 0, 0x00030007 };
	hv_cpuid_filter(0x80000008u, 0, &r, &ctx);
	assert_int_equal(r.ebx, 1u << 12);
	assert_int_equal(r.edx, 0x00030000);
	r = (struct cpuid_regs){ 0, ~0u, ~0u, ~0u };
	hv_cpuid_filter(0x80000001u, 0, &r, &ctx);
	assert_int_equal(r.ecx & (BIT(2) | BIT(10) | BIT(12) | BIT(15)), 0);
	assert_int_equal(r.ecx | BIT(2) | BIT(10) | BIT(12) | BIT(15), ~0u);
	r = (struct cpuid_regs){ 0, ~0u, ~0u, ~0u };
	hv_cpuid_filter(7, 0, &r, &ctx);
	assert_int_equal(r.ebx, ~(BIT(12) | BIT(15)));
	assert_int_equal(r.ecx, ~BIT(7));
	assert_int_equal(r.edx, ~BIT(20));
	r = (struct cpuid_regs){ 0, ~0u, ~0u, ~0u };
	hv_cpuid_filter(7, 1, &r, &ctx);                        /* other subleaves as they are */
	assert_int_equal(r.ecx, ~0u);
}

/* 0x40000001 ECX is the nesting level svmhv was started at. */
/* 8000_0021h: TSA's bits the boot CPU's rule chose are added, the hardware's kept. */
static void test_cpuid_tsa_bits(void **state)
{
	const struct hv_cpuid_ctx ctx = { false, 16, 0, 0, 0, 1u << 5, (1u << 1) | (1u << 2) };
	struct cpuid_regs r = { 0x00000041, 0x11, 0x80000000u, 0x22 };

	(void)state;
	hv_cpuid_filter(0x80000021u, 0, &r, &ctx);
	assert_int_equal(r.eax, 0x00000061);
	assert_int_equal(r.ebx, 0x11);
	assert_int_equal(r.ecx, 0x80000006u);
	assert_int_equal(r.edx, 0x22);
	r = (struct cpuid_regs){ 0x41, 0, 0, 0 };
	hv_cpuid_filter(0x80000021u, 0, &r, &plain);   /* nothing chosen: as is */
	assert_int_equal(r.eax, 0x41);
	assert_int_equal(r.ecx, 0);
}

static void test_cpuid_level(void **state)
{
	const struct hv_cpuid_ctx inner = { true, 16, hv_nested_svm_edx(false), 0, 1, 0, 0 };
	struct cpuid_regs r = { 1, 1, 1, 1 };

	(void)state;
	hv_cpuid_filter(SVMHV_CPUID_BASE + 1, 0, &r, &plain);
	assert_int_equal(r.ecx, 0);
	assert_int_equal(r.ebx, SVMHV_ABI_VERSION);
	r = (struct cpuid_regs){ 1, 1, 1, 1 };
	hv_cpuid_filter(SVMHV_CPUID_BASE + 1, 0, &r, &inner);
	assert_int_equal(r.ecx, 1);
	assert_int_equal(r.edx, 0);
}

/* svmhv.efi started where CPUID shows svmhv (or not). */
static void test_nesting_level(void **state)
{
	const struct cpuid_regs sig = { SVMHV_CPUID_MAX, SVMHV_SIG_EBX, SVMHV_SIG_ECX,
					SVMHV_SIG_EDX };
	const struct cpuid_regs kvm = { 0x40000001u, 0x4b4d564b, 0x564b4d56, 0x4d };
	const struct cpuid_regs none = { 0, 0, 0, 0 };
	struct cpuid_regs ver = { SVMHV_VERSION, SVMHV_ABI_VERSION, 0, 0 };

	(void)state;
	/* On the CPU, or under another hypervisor: level 0, whatever SVM says. */
	assert_int_equal(hv_nesting_level(&none, &ver, true), 0);
	assert_int_equal(hv_nesting_level(&none, &ver, false), 0);
	assert_int_equal(hv_nesting_level(&kvm, &ver, true), 0);
	/* Under a level-n svmhv that offers SVM with NPT: n + 1. */
	assert_int_equal(hv_nesting_level(&sig, &ver, true), 1);
	ver.ecx = 1;
	assert_int_equal(hv_nesting_level(&sig, &ver, true), 2);
	ver.ecx = SVMHV_MAX_LEVEL - 2;
	assert_int_equal(hv_nesting_level(&sig, &ver, true), SVMHV_MAX_LEVEL - 1);
	ver.ecx = SVMHV_MAX_LEVEL - 1;          /* too deep */
	assert_int_equal(hv_nesting_level(&sig, &ver, true), -1);
	/* An svmhv below with nested=0 (no SVM) or no NPT: refused. */
	ver.ecx = 0;
	assert_int_equal(hv_nesting_level(&sig, &ver, false), -1);
	/* An older svmhv (ABI < 3, ECX not a level) is on the CPU. */
	ver = (struct cpuid_regs){ SVMHV_VERSION, 2, 0x1234, 0 };
	assert_int_equal(hv_nesting_level(&sig, &ver, true), 1);
	/* A signature with a different EDX is not svmhv's. */
	struct cpuid_regs other = sig;
	other.edx = 1;
	assert_int_equal(hv_nesting_level(&other, &ver, false), 0);
}

/*
 * QEMU TCG reports an external interrupt caught mid-delivery as "exception
 * 0x20" in EXITINTINFO; injected again as such, VMRUN fails. It becomes an
 * interrupt; real exceptions, NMIs, INTn and an invalid word are kept.
 */
static void test_exitintinfo_fixup(void **state)
{
	const uint64_t v = SVM_EVTINJ_VALID;

	(void)state;
	assert_int_equal(svm_exitintinfo_fixup(v | SVM_EVTINJ_TYPE_EXEPT | 0x20),
			 v | SVM_EVTINJ_TYPE_INTR | 0x20);
	assert_int_equal(svm_exitintinfo_fixup(v | SVM_EVTINJ_TYPE_EXEPT | 0xec),
			 v | SVM_EVTINJ_TYPE_INTR | 0xec);
	/* An error code has no place on an interrupt. */
	assert_int_equal(svm_exitintinfo_fixup(v | SVM_EVTINJ_TYPE_EXEPT | SVM_EVTINJ_VALID_ERR |
					       0x41 | (5ull << SVM_EVTINJ_ERR_SHIFT)),
			 v | SVM_EVTINJ_TYPE_INTR | 0x41);
	const uint64_t keep[] = {
		v | SVM_EVTINJ_TYPE_EXEPT | 14 | SVM_EVTINJ_VALID_ERR | (2ull << 32),   /* #PF */
		v | SVM_EVTINJ_TYPE_EXEPT | 31,
		v | SVM_EVTINJ_TYPE_INTR | 0x30,
		v | SVM_EVTINJ_TYPE_NMI | 2,
		v | SVM_EVTINJ_TYPE_SOFT | 0x80,
		SVM_EVTINJ_TYPE_EXEPT | 0x20,           /* not valid: nothing to fix */
		0,
	};
	for (unsigned i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		assert_int_equal(svm_exitintinfo_fixup(keep[i]), keep[i]);
}

static uint64_t below_calls;
static uint64_t below_seen[4];

/* The svmhv below: answers EXIT_COUNT with 40 + the code asked for. */
static void fake_below(uint64_t r[4])
{
	below_calls++;
	memcpy(below_seen, r, sizeof(below_seen));
	r[3] = 40 + r[2];
	r[0] = SVMHV_OK;
	r[1] = 0xb;
	r[2] = 0xc;
}

static void test_hypercall_below(void **state)
{
	static struct vcpu v0;
	struct vcpu *vs[1] = { &v0 };
	struct hv_hc_env env = { .vcpus = vs, .nvcpu = 1, .cpl = 0, .below = fake_below };
	const uint64_t refused[] = { SVMHV_HC_MEMINFO, SVMHV_HC_TLB_FLUSHES, SVMHV_HC_ASIDS,
				     SVMHV_HC_VCPU_STATE, SVMHV_HC_CONSOLE_DUMP,
				     SVMHV_HC_INTEGRITY, SVMHV_HC_ISO_COUNTER,
				     SVMHV_HC_PARK_CPU, 0x1000 };
	struct hv_hc_regs r;

	(void)state;
	/* EXIT_COUNT(vCPU 0, 0x80) below: arguments shifted down one register. */
	r = (struct hv_hc_regs){ SVMHV_HC_BELOW, SVMHV_HC_EXIT_COUNT, 0, 0x80 };
	hv_hypercall(&env, &r);
	assert_int_equal(r.rax, SVMHV_OK);
	assert_int_equal(below_calls, 1);
	assert_int_equal(below_seen[0], SVMHV_HC_EXIT_COUNT);
	assert_int_equal(below_seen[1], 0);
	assert_int_equal(below_seen[2], 0x80);
	assert_int_equal(below_seen[3], 0);
	assert_int_equal(r.rbx, 0xb);
	assert_int_equal(r.rcx, 0xc);
	assert_int_equal(r.rdx, 40 + 0x80);
	/* What writes, acts or reveals memory is never relayed. */
	for (unsigned i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		r = (struct hv_hc_regs){ SVMHV_HC_BELOW, refused[i], 1, 2 };
		hv_hypercall(&env, &r);
		assert_int_equal((int64_t)r.rax, SVMHV_EINVAL);
	}
	assert_int_equal(below_calls, 1);
	/* Same rights as the information functions. */
	env.cpl = 3;
	r = (struct hv_hc_regs){ SVMHV_HC_BELOW, SVMHV_HC_EXIT_TOTAL, 0, 0 };
	hv_hypercall(&env, &r);
	assert_int_equal((int64_t)r.rax, SVMHV_EPERM);
	env.user_ok = true;
	r = (struct hv_hc_regs){ SVMHV_HC_BELOW, SVMHV_HC_EXIT_TOTAL, 0, 0 };
	hv_hypercall(&env, &r);
	assert_int_equal(r.rax, SVMHV_OK);
	assert_int_equal(below_calls, 2);
	/* Level 0: nothing below. */
	env.below = 0;
	r = (struct hv_hc_regs){ SVMHV_HC_BELOW, SVMHV_HC_IDENTIFY, 0, 0 };
	hv_hypercall(&env, &r);
	assert_int_equal((int64_t)r.rax, SVMHV_ENOSYS);
	assert_int_equal(below_calls, 2);
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
	struct hv_hc_env env = { .vcpus = vs, .nvcpu = 2, .self = 1, .mem_base = 0x7000000,
				 .mem_size = 0x1200000, .tlb_flushes = fake_flushes, .cpl = 0 };
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
	struct hv_hc_env env = { .vcpus = vs, .nvcpu = 1, .tlb_flushes = fake_flushes };
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
	struct hv_hc_env env = { .vcpus = vs, .nvcpu = 3, .apic_ids = ids, .cpl = 0,
				 .dump = fake_dump };
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
	/* The console dump needs CPL 0, even with hypercalls=all. */
	env.cpl = 3;
	env.user_ok = true;
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

/* Three canaries, the first at 0x3dc45000. */
static void fake_integrity(uint64_t idx, uint64_t *sum, uint64_t *broken, uint64_t *pa)
{
	*sum = 0x1234;
	*broken = 0;
	*pa = idx < 3 ? 0x3dc45000 + idx * 0x1000 : 0;
}

/*
 * Information hypercalls only at CPL 0 (old: every function answered at
 * CPL 3, MEMINFO told any program where svmhv lives); IDENTIFY at any CPL;
 * hypercalls=all lets test tools in the OS call them again.
 */
static void test_hypercall_cpl(void **state)
{
	static struct vcpu v0;
	struct vcpu *vs[1] = { &v0 };
	struct hv_hc_env env = { .vcpus = vs, .nvcpu = 1, .mem_base = 0x7000000, .cpl = 3,
				 .integrity = fake_integrity };
	struct hv_hc_regs r;

	(void)state;
	for (uint64_t fn = 1; fn <= SVMHV_HC_PARK_CPU; fn++) {
		r = (struct hv_hc_regs){ fn, 0, 0, 0 };
		hv_hypercall(&env, &r);
		assert_int_equal((int64_t)r.rax, SVMHV_EPERM);
		assert_int_equal(r.rbx, 0);                     /* nothing answered */
	}
	r = (struct hv_hc_regs){ 77, 0, 0, 0 };
	hv_hypercall(&env, &r);
	assert_int_equal((int64_t)r.rax, SVMHV_ENOSYS);
	r = (struct hv_hc_regs){ SVMHV_HC_IDENTIFY, 0, 0, 0 };
	hv_hypercall(&env, &r);
	assert_int_equal(r.rax, SVMHV_OK);
	env.user_ok = true;
	r = (struct hv_hc_regs){ SVMHV_HC_MEMINFO, 0, 0, 0 };
	hv_hypercall(&env, &r);
	assert_int_equal(r.rax, SVMHV_OK);
	assert_int_equal(r.rbx, 0x7000000);
	r = (struct hv_hc_regs){ SVMHV_HC_INTEGRITY, 0, 0, 0 };
	hv_hypercall(&env, &r);
	assert_true(r.rax == SVMHV_OK && r.rbx == 0x1234 && r.rcx == 0 && r.rdx == 0x3dc45000);
	r = (struct hv_hc_regs){ SVMHV_HC_INTEGRITY, 3, 0, 0 };    /* no canary 3 */
	hv_hypercall(&env, &r);
	assert_true(r.rax == SVMHV_OK && r.rdx == 0);
	/* hypercalls=all still keeps CONSOLE_DUMP and PARK_CPU at CPL 0. */
	r = (struct hv_hc_regs){ SVMHV_HC_CONSOLE_DUMP, 0, 0, 0 };
	hv_hypercall(&env, &r);
	assert_int_equal((int64_t)r.rax, SVMHV_EPERM);
	r = (struct hv_hc_regs){ SVMHV_HC_PARK_CPU, 1, 0, 0 };
	hv_hypercall(&env, &r);
	assert_int_equal((int64_t)r.rax, SVMHV_EPERM);
}

static int fake_counter(uint64_t idx, uint64_t *val)
{
	if (idx >= SVMHV_ISO_COUNTERS)
		return -1;
	*val = idx * 10;
	return 0;
}

/* CPU 2 is parked (and CPU 200, beyond what a 64-bit mask could say). */
static bool fake_parked(unsigned idx)
{
	return idx == 2 || idx == 200;
}

static uint64_t parked_cpu;
static int64_t fake_park(uint64_t cpu)
{
	parked_cpu = cpu;
	return cpu == 0 ? SVMHV_EBUSY : SVMHV_OK;
}

static void test_hypercall_isolation(void **state)
{
	static struct vcpu v0;
	struct vcpu *vs[3] = { &v0, NULL, NULL };
	const uint32_t ids[3] = { 0, 1, 2 };
	struct hv_hc_env env = { .vcpus = vs, .nvcpu = 3, .apic_ids = ids, .cpl = 3,
				 .user_ok = true, .parked = fake_parked, .integrity = fake_integrity,
				 .iso_counter = fake_counter, .park = fake_park };
	struct hv_hc_regs r;

	(void)state;
	r = (struct hv_hc_regs){ SVMHV_HC_INTEGRITY, 0, 0, 0 };
	hv_hypercall(&env, &r);
	assert_int_equal(r.rax, SVMHV_OK);
	assert_int_equal(r.rbx, 0x1234);
	assert_int_equal(r.rcx, 0);
	assert_int_equal(r.rdx, 0x3dc45000);
	r = (struct hv_hc_regs){ SVMHV_HC_ISO_COUNTER, SVMHV_ISO_IOAPIC_REFUSED, 0, 0 };
	hv_hypercall(&env, &r);
	assert_int_equal(r.rax, SVMHV_OK);
	assert_int_equal(r.rdx, 40);
	r = (struct hv_hc_regs){ SVMHV_HC_ISO_COUNTER, SVMHV_ISO_COUNTERS, 0, 0 };
	hv_hypercall(&env, &r);
	assert_int_equal((int64_t)r.rax, SVMHV_EINVAL);
	/* CPU 2 is parked, CPU 1 only absent. */
	r = (struct hv_hc_regs){ SVMHV_HC_VCPU_STATE, 2, 0, 0 };
	hv_hypercall(&env, &r);
	assert_int_equal(r.rbx, SVMHV_VCPU_PARKED);
	r = (struct hv_hc_regs){ SVMHV_HC_VCPU_STATE, 1, 0, 0 };
	hv_hypercall(&env, &r);
	assert_int_equal(r.rbx, SVMHV_VCPU_ABSENT);
	/* ... and CPU 200 of 201 (issue 16: more than 64 CPUs). */
	{
		static struct vcpu *many[201];
		static uint32_t many_ids[201];
		struct hv_hc_env big = env;

		big.vcpus = many;
		big.apic_ids = many_ids;
		big.nvcpu = 201;
		r = (struct hv_hc_regs){ SVMHV_HC_VCPU_STATE, 200, 0, 0 };
		hv_hypercall(&big, &r);
		assert_int_equal(r.rbx, SVMHV_VCPU_PARKED);
		r = (struct hv_hc_regs){ SVMHV_HC_VCPU_STATE, 199, 0, 0 };
		hv_hypercall(&big, &r);
		assert_int_equal(r.rbx, SVMHV_VCPU_ABSENT);
	}
	/* Parking needs CPL 0 (even with hypercalls=all), then says what svmhv said. */
	r = (struct hv_hc_regs){ SVMHV_HC_PARK_CPU, 1, 0, 0 };
	hv_hypercall(&env, &r);
	assert_int_equal((int64_t)r.rax, SVMHV_EPERM);
	assert_int_equal(parked_cpu, 0);
	env.cpl = 0;
	r = (struct hv_hc_regs){ SVMHV_HC_PARK_CPU, 1, 0, 0 };
	hv_hypercall(&env, &r);
	assert_int_equal(r.rax, SVMHV_OK);
	assert_int_equal(parked_cpu, 1);
	r = (struct hv_hc_regs){ SVMHV_HC_PARK_CPU, 0, 0, 0 };
	hv_hypercall(&env, &r);
	assert_int_equal((int64_t)r.rax, SVMHV_EBUSY);
	/* Without hooks: no such function. */
	env.integrity = NULL;
	env.iso_counter = NULL;
	env.park = NULL;
	r = (struct hv_hc_regs){ SVMHV_HC_INTEGRITY, 0, 0, 0 };
	hv_hypercall(&env, &r);
	assert_int_equal((int64_t)r.rax, SVMHV_ENOSYS);
	r = (struct hv_hc_regs){ SVMHV_HC_PARK_CPU, 1, 0, 0 };
	hv_hypercall(&env, &r);
	assert_int_equal((int64_t)r.rax, SVMHV_ENOSYS);
	r = (struct hv_hc_regs){ SVMHV_HC_ISO_COUNTER, 0, 0, 0 };
	hv_hypercall(&env, &r);
	assert_int_equal((int64_t)r.rax, SVMHV_EINVAL);
	/* The canary pattern the guest compares against: per word and per page. */
	assert_true(SVMHV_CANARY_WORD(0x1000, 0) != SVMHV_CANARY_WORD(0x1000, 1));
	assert_true(SVMHV_CANARY_WORD(0x1000, 1) != SVMHV_CANARY_WORD(0x2000, 1));
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
	assert_false(f.nrips || f.flush_by_asid || f.decode_assists || f.vmcb_clean ||
		     f.v_vmsave_vmload);
	svm_features_str(&f, buf, sizeof(buf));
	assert_string_equal(buf, "NPT VGIF");
	raw.svm_edx |= SVM_FEATURE_V_VMSAVE_VMLOAD;     /* real parts since family 17h */
	assert_int_equal(svm_decode_features(&raw, &f), SVM_OK);
	assert_true(f.v_vmsave_vmload);
	/* Never offered to L1: vmcb02 keeps L2's VMLOAD/VMSAVE intercepted. */
	assert_false(hv_nested_svm_edx(false) & SVM_FEATURE_V_VMSAVE_VMLOAD);
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
		cmocka_unit_test(test_msr_rules_cover),
		cmocka_unit_test(test_msr_policy),
		cmocka_unit_test(test_msr_msrpm),
		cmocka_unit_test(test_msr_values),
		cmocka_unit_test(test_cpuid_hidden),
		cmocka_unit_test(test_hypercall_cpl),
		cmocka_unit_test(test_hypercalls),
		cmocka_unit_test(test_hypercall_bad_arguments),
		cmocka_unit_test(test_hypercall_vcpu_state_and_dump),
		cmocka_unit_test(test_hypercall_isolation),
		cmocka_unit_test(test_exit_slots),
		cmocka_unit_test(test_svm_decode),
		cmocka_unit_test(test_svm_refusals),
		cmocka_unit_test(test_cpuid_level),
		cmocka_unit_test(test_cpuid_tsa_bits),
		cmocka_unit_test(test_nesting_level),
		cmocka_unit_test(test_hypercall_below),
		cmocka_unit_test(test_exitintinfo_fixup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
