/* SPDX-License-Identifier: MIT */
/* Reading the SVM-related CPUID leaves and VM_CR on this CPU. See: APM2 15.4. */
#include "svm/svm.h"

#include "svm/hw.h"
#include "svm/vmcb.h"

void svm_read_raw(struct svm_raw *raw)
{
	struct cpuid_regs r;

	*raw = (struct svm_raw){ 0 };
	cpuid_count(0x80000000u, 0, &r);
	raw->max_ext_leaf = r.eax;
	if (raw->max_ext_leaf < 0x80000001u)
		return;
	cpuid_count(0x80000001u, 0, &r);
	raw->ext1_ecx = r.ecx;
	raw->ext1_edx = r.edx;
	if (raw->max_ext_leaf >= 0x80000008u) {
		cpuid_count(0x80000008u, 0, &r);
		raw->ext8_eax = r.eax;
	}
	/*
	 * SYSCFG exists on every CPU with SME; read only then, since a #GP
	 * here (still on the firmware's IDT at boot) would be fatal. Under a
	 * hypervisor the bit is clear (KVM and svmhv do not offer SME).
	 */
	if (raw->max_ext_leaf >= 0x8000001fu) {
		cpuid_count(0x8000001fu, 0, &r);
		raw->ext1f_eax = r.eax;
		raw->ext1f_ebx = r.ebx;
		if (r.eax & CPUID_8000001F_EAX_SME)
			raw->syscfg = rdmsr(MSR_SYSCFG);
	}
	if (raw->max_ext_leaf >= 0x8000000au && (raw->ext1_ecx & (1u << 2))) {
		cpuid_count(0x8000000au, 0, &r);
		raw->svm_eax = r.eax;
		raw->svm_ebx = r.ebx;
		raw->svm_edx = r.edx;
		raw->vm_cr = rdmsr(MSR_VM_CR);
	}
}

