/* SPDX-License-Identifier: MIT */
/*
 * Guest-visible policy as pure functions: what CPUID and the SVM MSRs look
 * like to the guest. See README "What the guest sees". Host-testable.
 */
#ifndef SVMHV_HV_POLICY_H
#define SVMHV_HV_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "svm/x86.h"

/* What svmhv offers its guest, for hv_cpuid_filter(). */
struct hv_cpuid_ctx {
	bool nested;            /* SVM offered (nested=1) */
	uint32_t nasid;         /* ASIDs L1 sees in 8000_000A EBX (the hardware's count) */
	uint32_t svm_edx;       /* 8000_000A EDX: exactly the features svmhv emulates */
};

/* Rewrite the hardware's answer to CPUID(leaf, subleaf) into what the guest sees. */
void hv_cpuid_filter(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r,
		     const struct hv_cpuid_ctx *ctx);
/* 8000_000A EDX offered to L1 from the hardware's: NRIPS if present, FlushByASID. */
uint32_t hv_nested_svm_edx(uint32_t hw_edx);

/* EFER bits the guest may set, from the hardware's CPUID answers (SVME excluded). */
uint64_t hv_efer_allowed(uint32_t ext1_ecx, uint32_t ext1_edx, uint32_t ext21_eax);

/*
 * WRMSR(EFER) by the guest. cur is the VMCB's EFER (which has SVME set: the
 * hardware requires it for guest mode). Returns 0 and the new VMCB EFER, or
 * -1 when the write must #GP: reserved or unsupported bits, SVME unless
 * allowed has it (SVM offered: the guest's SVME is then virtual, tracked by
 * the caller), or toggling LME while paging is on.
 * See: APM2 3.1.7 (EFER), 15.5.1 (EFER.SVME in guest mode).
 */
int hv_efer_write(uint64_t cur, uint64_t val, uint64_t guest_cr0, uint64_t allowed,
		  uint64_t *out);
/* RDMSR(EFER): the VMCB's EFER with SVME replaced by the guest's virtual SVME. */
uint64_t hv_efer_read(uint64_t vmcb_efer, bool virtual_svme);

enum hv_msr_action {
	HV_MSR_EFER,            /* emulate against the VMCB's EFER */
	HV_MSR_GP,              /* inject #GP(0): an SVM MSR the guest must not see */
	HV_MSR_APIC_BASE,       /* WRMSR IA32_APIC_BASE: track x2APIC mode, pin the base */
	HV_MSR_X2APIC_ICR,      /* WRMSR x2APIC ICR: virtualized IPIs */
	HV_MSR_HSAVE_PA,        /* nested: L1's VM_HSAVE_PA, emulated */
	HV_MSR_VM_CR,           /* nested: reads 0 (SVM enabled, unlocked), writes ignored */
	/*
	 * Any other MSR that exits lies outside the MSR permission map's three
	 * ranges (which always intercept, APM2 15.11) and outside every MSR AMD
	 * defines, so the hardware would #GP too: inject #GP(0).
	 */
	HV_MSR_OUTSIDE_MAP,
};
/* What to do with an intercepted RDMSR (write = false) or WRMSR. */
enum hv_msr_action hv_msr_policy(uint32_t msr, bool write, bool nested);

#endif
