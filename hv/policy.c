/* SPDX-License-Identifier: MIT */
/* Guest-visible CPUID and MSR policy. AMD APM rev. 3.42 cited as APM2/APM3. */
#include "hv/policy.h"

#include "hv/hypercall.h"
#include "svm/msrpm.h"
#include "svm/svm.h"
#include "svm/vmcb.h"

/*
 * What nested SVM offers L1 (CPUID 8000_000A EDX; APM3 E.4.9): only what
 * svmhv emulates whatever the hardware has. Nested paging (shadowed, see
 * nested/shadow.h); NRIPS (svmhv decodes instruction lengths itself);
 * VMCB clean bits (svmhv may always re-read a field, APM2 15.15.1);
 * FlushByASID (L1's ASIDs are virtual). The hardware's word is not consulted,
 * except for VGIF (vgif: the CPU has it and vgif=on): vmcb02 then runs with
 * vmcb12's V_GIF_ENABLE and V_GIF, and only the CPU can mask L2's virtual
 * interrupts by V_GIF without an exit per STGI/CLGI (nested/gif.h).
 */
uint32_t hv_nested_svm_edx(bool vgif)
{
	return SVM_FEATURE_NPT | SVM_FEATURE_NRIPS | SVM_FEATURE_VMCB_CLEAN |
	       SVM_FEATURE_FLUSH_ASID | (vgif ? SVM_FEATURE_VGIF : 0);
}

int hv_nesting_level(const struct cpuid_regs *base, const struct cpuid_regs *ver,
		     bool svm_usable)
{
	if (base->ebx != SVMHV_SIG_EBX || base->ecx != SVMHV_SIG_ECX || base->edx != SVMHV_SIG_EDX)
		return 0;
	if (!svm_usable)
		return -1;
	/* An svmhv older than ABI 3 has no level in ECX: it is on the CPU. */
	if (base->eax < SVMHV_CPUID_BASE + 1 || ver->ebx < SVMHV_ABI_LEVEL)
		return 1;
	if (ver->ecx >= SVMHV_MAX_LEVEL - 1)
		return -1;      /* levels 0 .. SVMHV_MAX_LEVEL - 1 */
	return (int)ver->ecx + 1;
}

/* Feature bits svmhv does not virtualize (APM3 Appendix E; Intel SDM for leaf 7). */
#define CPUID_7_EBX_PQM         BIT(12)         /* RDT monitoring: MSRs 0xc8d.. */
#define CPUID_7_EBX_PQE         BIT(15)         /* RDT allocation */
#define CPUID_7_ECX_CET_SS      BIT(7)          /* shadow stacks: U_CET, PLx_SSP */
#define CPUID_7_EDX_CET_IBT     BIT(20)
#define CPUID_E1_ECX_IBS        BIT(10)         /* IBS: MSRs 0xc0011030.. */
#define CPUID_E1_ECX_SKINIT     BIT(12)         /* SKINIT gives #UD */
#define CPUID_E1_ECX_LWP        BIT(15)         /* LWP_CFG 0xc0000105 */
#define CPUID_E8_EBX_VIRT_SSBD  BIT(25)         /* VIRT_SPEC_CTRL 0xc001011f */
/* INVLPGB/TLBSYNC (and INVLPGB's page count): #UD under svmhv, see hv/exit.c. */
#define CPUID_E8_EBX_INVLPGB    CPUID_80000008_EBX_INVLPGB
#define CPUID_E8_EDX_INVLPGB    CPUID_80000008_EDX_INVLPGB_COUNT

/* Leaves that describe only hidden features: all zeros. */
static bool hidden_leaf(uint32_t leaf)
{
	return leaf == 0xf || leaf == 0x10 ||           /* RDT */
	       leaf == 0x8000001bu ||                   /* IBS */
	       leaf == 0x8000001fu ||                   /* SME, SEV, SEV-ES, SNP */
	       leaf == 0x80000020u ||                   /* PQoS */
	       (leaf > SVMHV_CPUID_MAX && leaf <= 0x400000ffu);
}

bool hv_cpuid_owned(uint32_t leaf)
{
	return leaf == 0x8000000au || leaf == SVMHV_CPUID_BASE || leaf == SVMHV_CPUID_BASE + 1 ||
	       hidden_leaf(leaf);
}

static void filter_features(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r,
			    const struct hv_cpuid_ctx *ctx)
{
	switch (leaf) {
	case 1:
		r->ecx |= CPUID_1_ECX_HYPERVISOR;
		break;
	case 7:
		if (subleaf == 0) {
			r->ebx &= ~(CPUID_7_EBX_PQM | CPUID_7_EBX_PQE);
			r->ecx &= ~CPUID_7_ECX_CET_SS;
			r->edx &= ~CPUID_7_EDX_CET_IBT;
		}
		break;
	case 0x80000001u:
		r->ecx &= ~(CPUID_E1_ECX_IBS | CPUID_E1_ECX_SKINIT | CPUID_E1_ECX_LWP);
		if (!ctx->nested)
			r->ecx &= ~CPUID_80000001_ECX_SVM;
		break;
	case 0x80000008u:
		/* One limit: what the NPT maps; GuestPhysAddrSize 0 = the same. */
		if (ctx->gpa_bits)
			r->eax = (r->eax & ~0xff00ffu) | ctx->gpa_bits;
		r->ebx &= ~(CPUID_E8_EBX_VIRT_SSBD | CPUID_E8_EBX_INVLPGB);
		r->edx &= ~CPUID_E8_EDX_INVLPGB;
		break;
	case 0x80000021u:
		/* What a bare-metal OS would conclude itself (hv/ucode/errata.h). */
		r->eax |= ctx->ext21_eax_or;
		r->ecx |= ctx->ext21_ecx_or;
		break;
	default:
		break;
	}
}

void hv_cpuid_filter(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r,
		     const struct hv_cpuid_ctx *ctx)
{
	if (leaf == 0x8000000au) {
		/*
		 * Revision 1, the hardware's ASID count (seed patch 02), exactly
		 * what svmhv emulates; reserved when SVM is absent. APM3 E.4.9
		 */
		*r = ctx->nested ? (struct cpuid_regs){ 1, ctx->nasid, 0, ctx->svm_edx } :
				   (struct cpuid_regs){ 0, 0, 0, 0 };
		return;
	}
	if (leaf == SVMHV_CPUID_BASE) {
		*r = (struct cpuid_regs){ SVMHV_CPUID_MAX, SVMHV_SIG_EBX, SVMHV_SIG_ECX,
					  SVMHV_SIG_EDX };
		return;
	}
	if (leaf == SVMHV_CPUID_BASE + 1) {
		*r = (struct cpuid_regs){ SVMHV_VERSION, SVMHV_ABI_VERSION, ctx->level, 0 };
		return;
	}
	if (hidden_leaf(leaf)) {
		*r = (struct cpuid_regs){ 0, 0, 0, 0 };
		return;
	}
	filter_features(leaf, subleaf, r, ctx);
}

uint64_t hv_efer_allowed(uint32_t ext1_ecx, uint32_t ext1_edx, uint32_t ext21_eax)
{
	uint64_t a = 0;

	if (ext1_edx & CPUID_80000001_EDX_SYSCALL)
		a |= EFER_SCE;
	if (ext1_edx & CPUID_80000001_EDX_LM)
		a |= EFER_LME | EFER_LMA;
	if (ext1_edx & CPUID_80000001_EDX_NX)
		a |= EFER_NXE;
	if (ext1_edx & CPUID_80000001_EDX_FFXSR)
		a |= EFER_FFXSR;
	if (ext1_ecx & CPUID_80000001_ECX_TCE)
		a |= EFER_TCE;
	if (ext21_eax & CPUID_80000021_EAX_AUTOIBRS)
		a |= EFER_AUTOIBRS;
	return a;
}

int hv_efer_write(uint64_t cur, uint64_t val, uint64_t guest_cr0, uint64_t allowed,
		  uint64_t *out)
{
	const uint64_t cr0_pg = 1ull << 31;

	if (val & ~allowed)
		return -1;      /* reserved, unsupported, or SVME */
	if ((guest_cr0 & cr0_pg) && ((val ^ cur) & EFER_LME))
		return -1;      /* APM2 14.6.1: LME is fixed while paging is on */
	/* LMA is owned by the processor: a write does not change it. */
	*out = (val & ~EFER_LMA) | (cur & EFER_LMA) | EFER_SVME;
	return 0;
}

uint64_t hv_efer_read(uint64_t vmcb_efer, bool virtual_svme)
{
	return (vmcb_efer & ~EFER_SVME) | (virtual_svme ? EFER_SVME : 0);
}

/* ---- MSRs ------------------------------------------------------------------- */

#define R(first, last, rd, wr, name) { first, last, HV_MSR_##rd, HV_MSR_##wr, 0, 0, 0, name }
#define MASKED(first, last, mask, name) \
	{ first, last, HV_MSR_HW, HV_MSR_HW_MASKED, 0, 0, mask, name }
#define EMUL(first, last, rd, wr, emul, flags, name) \
	{ first, last, HV_MSR_##rd, HV_MSR_##wr, HV_EMUL_##emul, flags, 0, name }

/*
 * Every MSR svmhv lets the guest reach, first match wins; anything else is
 * #GP. PASS: the allow-list, the MSRs KVM passes through: the syscall and
 * segment-base MSRs VMLOAD/VMSAVE switch with the VMCB (APM2 15.5.2), the
 * x2APIC registers and TSC_AUX/TSC_DEADLINE (svmhv never uses them), the
 * write-only barriers. HW: machine state the OS legitimately owns (MCA,
 * performance counters, P-states), done on the hardware under a fixup.
 * MASKED/SET_ONLY: machine-wide configuration, only the bits an OS flips.
 * GP: what could change svmhv's memory (TOM, TOM2, IORRs, MMIO_CONF_BASE),
 * its CPU (P-state definitions, SMM, the SVM MSRs), or leak its execution
 * (IBS, LBR stacks). See: APM2 Appendix A, BKDG/PPR "MSRs".
 */
static const struct hv_msr_rule rules[] = {
	R(0x00000010u, 0x00000010u, PASS, HW, "TSC"),
	EMUL(0x0000001bu, 0x0000001bu, EMULATE, EMULATE, APIC_BASE, 0, "APIC_BASE"),
	R(0x0000003bu, 0x0000003bu, HW, HW, "TSC_ADJUST"),
	EMUL(0x00000048u, 0x00000048u, EMULATE, EMULATE, SPEC_CTRL, 0, "SPEC_CTRL"),
	R(0x00000049u, 0x00000049u, GP, PASS, "PRED_CMD"),
	R(0x0000008bu, 0x0000008bu, HW, GP, "PATCH_LEVEL"),
	R(0x000000e7u, 0x000000e8u, HW, HW, "MPERF/APERF"),
	R(0x000000feu, 0x000000feu, HW, GP, "MTRRCAP"),
	R(0x0000010au, 0x0000010au, HW, GP, "ARCH_CAPABILITIES"),
	R(0x0000010bu, 0x0000010bu, GP, PASS, "FLUSH_CMD"),
	R(0x00000174u, 0x00000176u, PASS, PASS, "SYSENTER_CS/ESP/EIP"),
	R(0x00000179u, 0x00000179u, HW, GP, "MCG_CAP"),
	R(0x0000017au, 0x0000017bu, HW, HW, "MCG_STATUS/CTL"),
	/* BTF and PB0-3 only: LBR would record svmhv's own branches. */
	MASKED(0x000001d9u, 0x000001d9u, 0x3eull, "DEBUGCTL"),
	EMUL(0x00000200u, 0x0000020fu, HW, EMULATE, MTRR, 0, "MTRR_PHYS"),
	EMUL(0x00000250u, 0x00000250u, HW, EMULATE, MTRR, 0, "MTRR_FIX64K"),
	EMUL(0x00000258u, 0x00000259u, HW, EMULATE, MTRR, 0, "MTRR_FIX16K"),
	EMUL(0x00000268u, 0x0000026fu, HW, EMULATE, MTRR, 0, "MTRR_FIX4K"),
	EMUL(0x00000277u, 0x00000277u, EMULATE, EMULATE, PAT, 0, "PAT"),
	EMUL(0x000002ffu, 0x000002ffu, HW, EMULATE, MTRR, 0, "MTRR_DEF_TYPE"),
	R(0x00000400u, 0x000004ffu, HW, HW, "MCi_CTL/STATUS/ADDR/MISC"),
	R(0x000006e0u, 0x000006e0u, PASS, PASS, "TSC_DEADLINE"),
	EMUL(0x00000830u, 0x00000830u, PASS, EMULATE, X2APIC_ICR, 0, "X2APIC_ICR"),
	R(0x00000800u, 0x000008ffu, PASS, PASS, "X2APIC"),
	R(0x00000da0u, 0x00000da0u, HW, HW, "XSS"),
	EMUL(0xc0000080u, 0xc0000080u, EMULATE, EMULATE, EFER, 0, "EFER"),
	R(0xc0000081u, 0xc0000084u, PASS, PASS, "STAR/LSTAR/CSTAR/SFMASK"),
	R(0xc00000e7u, 0xc00000e9u, HW, GP, "MPERF_RO/APERF_RO/IRPERF"),
	R(0xc0000100u, 0xc0000102u, PASS, PASS, "FS/GS/KERNEL_GS_BASE"),
	R(0xc0000103u, 0xc0000103u, PASS, PASS, "TSC_AUX"),
	R(0xc0000300u, 0xc0000303u, HW, HW, "PERF_GLOBAL"),
	R(0xc0000408u, 0xc000040fu, HW, HW, "MC4_MISC"),
	R(0xc0002000u, 0xc00023ffu, HW, HW, "MCA (SMCA)"),
	EMUL(0xc0010000u, 0xc0010003u, HW, EMULATE, PERF_CTL, 0, "PERF_CTL0-3"),
	R(0xc0010004u, 0xc0010007u, HW, HW, "PERF_CTR0-3"),
	/* MtrrFixDramEn/ModEn: Linux clears ModEn after the BIOS. */
	MASKED(0xc0010010u, 0xc0010010u, BIT_ULL(18) | BIT_ULL(19), "SYSCFG"),
	/* FFDIS (K8 errata), CpbDis (boost), IRPerfEn; never McStatusWrEn, SmmLock. */
	MASKED(0xc0010015u, 0xc0010015u, BIT_ULL(6) | BIT_ULL(25) | BIT_ULL(30), "HWCR"),
	R(0xc0010016u, 0xc0010019u, HW, GP, "IORR"),
	R(0xc001001au, 0xc001001au, HW, GP, "TOM"),
	R(0xc001001du, 0xc001001du, HW, GP, "TOM2"),
	MASKED(0xc001001fu, 0xc001001fu, BIT_ULL(46), "NB_CFG"),
	R(0xc0010020u, 0xc0010020u, GP, IGNORE, "PATCH_LOADER"),
	R(0xc0010055u, 0xc0010055u, HW, GP, "INT_PENDING"),
	R(0xc0010058u, 0xc0010058u, HW, GP, "MMIO_CONF_BASE"),
	R(0xc0010061u, 0xc0010061u, HW, GP, "PSTATE_LIMIT"),
	R(0xc0010062u, 0xc0010062u, HW, HW, "PSTATE_CTL"),
	R(0xc0010063u, 0xc001006bu, HW, GP, "PSTATE_STATUS/DEF"),
	EMUL(0xc0010114u, 0xc0010114u, EMULATE, EMULATE, VM_CR, HV_MSR_NESTED, "VM_CR"),
	EMUL(0xc0010117u, 0xc0010117u, EMULATE, EMULATE, HSAVE_PA, HV_MSR_NESTED, "VM_HSAVE_PA"),
	R(0xc0010140u, 0xc0010141u, HW, GP, "OSVW"),
	EMUL(0xc0010200u, 0xc001020bu, HW, EMULATE, PERF_CTL, 0, "PERF_CTL/CTR0-5"),
	R(0xc0010230u, 0xc001023bu, HW, HW, "L3_PMC"),
	R(0xc0010240u, 0xc0010247u, HW, HW, "DF_PMC"),
	R(0xc00102b0u, 0xc00102b4u, HW, HW, "CPPC"),
	MASKED(0xc00102f0u, 0xc00102f0u, BIT_ULL(1), "PPIN_CTL"),
	R(0xc00102f1u, 0xc00102f1u, HW, GP, "PPIN"),
	R(0xc0011030u, 0xc001103fu, GP, GP, "IBS"),
	/* Implementation-specific configuration: mitigations set bits. */
	R(0xc0011000u, 0xc00110ffu, HW, HW_SET_ONLY, "CFG (DE_CFG, LS_CFG, ...)"),
};

static const struct hv_msr_rule refused = { 0, 0xffffffffu, HV_MSR_GP, HV_MSR_GP, 0, 0, 0,
					    "unlisted" };

const struct hv_msr_rule *hv_msr_rule(uint32_t msr)
{
	for (unsigned i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (msr >= rules[i].first && msr <= rules[i].last)
			return &rules[i];
	return &refused;
}

const struct hv_msr_rule *hv_msr_rules(unsigned *n)
{
	*n = sizeof(rules) / sizeof(rules[0]);
	return rules;
}

enum hv_msr_op hv_msr_op(const struct hv_msr_rule *r, bool write, bool nested)
{
	if ((r->flags & HV_MSR_NESTED) && !nested)
		return HV_MSR_GP;
	return (enum hv_msr_op)(write ? r->wr : r->rd);
}

bool hv_msr_write_ok(const struct hv_msr_rule *r, uint64_t cur, uint64_t val)
{
	switch (r->wr) {
	case HV_MSR_HW_MASKED:
		return ((cur ^ val) & ~r->mask) == 0;
	case HV_MSR_HW_SET_ONLY:
		return (cur & ~val) == 0;
	default:
		return r->wr == HV_MSR_HW;
	}
}

void hv_msr_fill_msrpm(uint8_t *msrpm, bool nested)
{
	static const uint32_t ranges[3] = { 0x00000000u, 0xc0000000u, 0xc0010000u };

	svm_msrpm_init(msrpm, true);
	/* Walk every MSR the map covers: first match decides, as hv_msr_rule(). */
	for (unsigned i = 0; i < 3; i++)
		for (uint32_t msr = ranges[i]; msr < ranges[i] + 0x2000u; msr++) {
			const struct hv_msr_rule *r = hv_msr_rule(msr);
			bool rd = hv_msr_op(r, false, nested) != HV_MSR_PASS;
			bool wr = hv_msr_op(r, true, nested) != HV_MSR_PASS;

			if (!rd || !wr)
				svm_msrpm_set(msrpm, msr, rd, wr);
		}
}

bool hv_pat_valid(uint64_t pat)
{
	for (unsigned i = 0; i < 8; i++) {
		uint8_t t = (uint8_t)(pat >> (8 * i));

		if (t == 2 || t == 3 || t > 7)
			return false;
	}
	return true;
}

#define CPUID_E8_EBX_IBRS       BIT(14)
#define CPUID_E8_EBX_STIBP      BIT(15)
#define CPUID_E8_EBX_SSBD       BIT(24)
#define CPUID_E8_EBX_PSFD       BIT(28)
#define CPUID_7_EDX_SPEC_CTRL   BIT(26)         /* Intel: IBRS and IBPB */
#define CPUID_7_EDX_STIBP       BIT(27)
#define CPUID_7_EDX_SSBD        BIT(31)

uint64_t hv_spec_ctrl_bits(uint32_t ext8_ebx, uint32_t l7_edx)
{
	uint64_t b = 0;

	if ((ext8_ebx & CPUID_E8_EBX_IBRS) || (l7_edx & CPUID_7_EDX_SPEC_CTRL))
		b |= BIT_ULL(0);
	if ((ext8_ebx & CPUID_E8_EBX_STIBP) || (l7_edx & CPUID_7_EDX_STIBP))
		b |= BIT_ULL(1);
	if ((ext8_ebx & CPUID_E8_EBX_SSBD) || (l7_edx & CPUID_7_EDX_SSBD))
		b |= BIT_ULL(2);
	if (ext8_ebx & CPUID_E8_EBX_PSFD)
		b |= BIT_ULL(7);
	return b;
}

bool hv_msr_is_perf_ctl(uint32_t msr)
{
	return (msr >= 0xc0010000u && msr <= 0xc0010003u) ||
	       (msr >= 0xc0010200u && msr <= 0xc001020bu && !(msr & 1));
}

/* PerfEvtSel bit 41 HostOnly, 40 GuestOnly: count both modes or the guest's. */
bool hv_perf_ctl_ok(uint64_t val)
{
	return !(val & BIT_ULL(41)) || (val & BIT_ULL(40));
}

int hv_apic_base_check(uint64_t cur, uint64_t val, unsigned maxphyaddr, bool x2apic,
		       uint64_t pinned_base)
{
	uint64_t rsvd = 0x2ffull | (x2apic ? 0 : APIC_BASE_EXTD) |
			(maxphyaddr < 64 ? ~0ull << maxphyaddr : 0);
	bool en = val & APIC_BASE_EN, extd = val & APIC_BASE_EXTD;
	bool was_en = cur & APIC_BASE_EN, was_extd = cur & APIC_BASE_EXTD;

	if (val & rsvd)
		return HV_APIC_BASE_ERESERVED;
	if (extd && !en)
		return HV_APIC_BASE_EMODE;
	if ((was_en && was_extd && en && !extd) || (!was_en && extd))
		return HV_APIC_BASE_ETRANSITION;
	if ((val & APIC_BASE_ADDR_MASK) != pinned_base)
		return HV_APIC_BASE_EMOVE;
	if ((val ^ cur) & APIC_BASE_BSP)
		return HV_APIC_BASE_EBSP;
	return 0;
}
