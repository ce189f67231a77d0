/* SPDX-License-Identifier: MIT */
/* Guest-visible CPUID and MSR policy. AMD APM rev. 3.42 cited as APM2/APM3. */
#include "hv/policy.h"

#include "hv/hypercall.h"
#include "svm/vmcb.h"

uint32_t hv_nested_svm_edx(uint32_t hw_edx)
{
	const uint32_t nrips = 1u << 3, flush_by_asid = 1u << 6;

	/* L1's ASIDs are virtual, so FlushByASID costs nothing to offer. */
	return (hw_edx & nrips) | flush_by_asid;
}

void hv_cpuid_filter(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r,
		     const struct hv_cpuid_ctx *ctx)
{
	(void)subleaf;
	if (ctx->nested && leaf == 0x80000001u)
		return;                 /* SVM offered: the hardware's answer as it is */
	if (ctx->nested && leaf == 0x8000000au) {
		/* Revision 1, the hardware's ASID count (seed patch 02). APM3 E.4.9 */
		*r = (struct cpuid_regs){ 1, ctx->nasid, 0, ctx->svm_edx };
		return;
	}
	switch (leaf) {
	case 1:
		r->ecx |= CPUID_1_ECX_HYPERVISOR;
		return;
	case 0x80000001u:
		/* SVM is not offered to the guest (yet): hide it. */
		r->ecx &= ~CPUID_80000001_ECX_SVM;
		return;
	case SVMHV_CPUID_BASE:
		*r = (struct cpuid_regs){ SVMHV_CPUID_MAX, SVMHV_SIG_EBX, SVMHV_SIG_ECX,
					  SVMHV_SIG_EDX };
		return;
	case SVMHV_CPUID_BASE + 1:
		*r = (struct cpuid_regs){ SVMHV_VERSION, SVMHV_ABI_VERSION, 0, 0 };
		return;
	default:
		break;
	}
	/*
	 * 8000_000A is reserved when SVM is absent (See: APM3 E.4.9), and the
	 * rest of svmhv's range 0x40000000..0x400000ff is empty.
	 */
	if (leaf == 0x8000000au || (leaf > SVMHV_CPUID_MAX && leaf <= 0x400000ffu))
		*r = (struct cpuid_regs){ 0, 0, 0, 0 };
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

enum hv_msr_action hv_msr_policy(uint32_t msr, bool write, bool nested)
{
	if (nested && msr == MSR_VM_HSAVE_PA)
		return HV_MSR_HSAVE_PA;
	if (nested && msr == MSR_VM_CR)
		return HV_MSR_VM_CR;
	/* Reads of these two are not intercepted (svm_msrpm_set(.., false, true)). */
	if (write && msr == 0x1bu)
		return HV_MSR_APIC_BASE;
	if (write && msr == 0x830u)
		return HV_MSR_X2APIC_ICR;
	switch (msr) {
	case MSR_EFER:
		return HV_MSR_EFER;
	case MSR_VM_CR:
	case MSR_IGNNE:
	case MSR_SMM_CTL:
	case MSR_VM_HSAVE_PA:
	case MSR_SVM_KEY:
		return HV_MSR_GP;
	default:
		return HV_MSR_OUTSIDE_MAP;
	}
}
