/* SPDX-License-Identifier: MIT */
/* SVM feature decode. See: APM2 15.4, APM3 Appendix E (rev. 3.42). */
#include "svm/svm.h"

#include "svm/x86.h"


enum svm_status svm_decode_features(const struct svm_raw *raw, struct svm_features *f)
{
	*f = (struct svm_features){ 0 };
	if (raw->max_ext_leaf < 0x8000000au || !(raw->ext1_ecx & CPUID_80000001_ECX_SVM))
		return SVM_ERR_NO_SVM;

	f->revision = raw->svm_eax & 0xff;
	f->nasid = raw->svm_ebx;
	f->edx = raw->svm_edx;
	f->npt = raw->svm_edx & SVM_FEATURE_NPT;
	f->nrips = raw->svm_edx & SVM_FEATURE_NRIPS;
	f->flush_by_asid = raw->svm_edx & SVM_FEATURE_FLUSH_ASID;
	f->vgif = raw->svm_edx & SVM_FEATURE_VGIF;
	f->decode_assists = raw->svm_edx & SVM_FEATURE_DECODE_ASSISTS;
	f->vmcb_clean = raw->svm_edx & SVM_FEATURE_VMCB_CLEAN;
	f->v_spec_ctrl = raw->svm_edx & SVM_FEATURE_V_SPEC_CTRL;
	f->v_vmsave_vmload = raw->svm_edx & SVM_FEATURE_V_VMSAVE_VMLOAD;
	f->gbpages = raw->ext1_edx & CPUID_80000001_EDX_PAGE1GB;
	svm_decode_phys(raw, f);

	/* APM2 15.4: SVMDIS set means EFER.SVME cannot be set; SVML tells why. */
	if (raw->vm_cr & VM_CR_SVMDIS)
		return (raw->svm_edx & SVM_FEATURE_SVML) ? SVM_ERR_LOCKED
							  : SVM_ERR_DISABLED_FIRMWARE;
	if (!f->npt)
		return SVM_ERR_NO_NPT;
	if (f->nasid < 3)
		return SVM_ERR_FEW_ASIDS;
	return SVM_OK;
}

void svm_decode_phys(const struct svm_raw *raw, struct svm_features *f)
{
	unsigned width = raw->max_ext_leaf >= 0x80000008u ? (raw->ext8_eax & 0xff) : 36;

	f->maxphyaddr_cpu = width;
	f->mem_encrypt = raw->max_ext_leaf >= 0x8000001fu &&
			 (raw->ext1f_eax & CPUID_8000001F_EAX_SME) &&
			 (raw->syscfg & SYSCFG_MEM_ENCRYPT);
	f->cbit = f->mem_encrypt ? CPUID_8000001F_EBX_CBIT(raw->ext1f_ebx) : 0;
	f->phys_reduction = f->mem_encrypt ? CPUID_8000001F_EBX_REDUCTION(raw->ext1f_ebx) : 0;
	if (f->mem_encrypt) {
		width = f->phys_reduction < width ? width - f->phys_reduction : 0;
		if (f->cbit < width)
			width = f->cbit;
		if (width < 32)
			width = 32;     /* no such CPU; keeps every table builder's range */
	}
	f->maxphyaddr = width;
}

enum svm_status svm_check_paging(uint64_t cr4)
{
	return (cr4 & CR4_LA57) ? SVM_ERR_LA57 : SVM_OK;
}

const char *svm_status_str(enum svm_status st)
{
	switch (st) {
	case SVM_OK:
		return "SVM usable";
	case SVM_ERR_NO_SVM:
		return "this CPU has no AMD SVM (CPUID 8000_0001 ECX.SVM = 0)";
	case SVM_ERR_DISABLED_FIRMWARE:
		return "SVM is disabled by the firmware (VM_CR.SVMDIS = 1, SVML = 0): "
		       "enable SVM / AMD-V in the firmware setup";
	case SVM_ERR_LOCKED:
		return "SVM is disabled and locked with a key (VM_CR.SVMDIS = 1, SVML = 1)";
	case SVM_ERR_NO_NPT:
		return "this CPU has SVM but no nested paging (CPUID 8000_000A EDX.NP = 0)";
	case SVM_ERR_FEW_ASIDS:
		return "this CPU reports fewer than 3 ASIDs";
	case SVM_ERR_LA57:
		return "firmware runs with 5-level paging (CR4.LA57 = 1); svmhv's host and "
		       "nested page tables are 4-level: turn 5-level paging off in the "
		       "firmware setup";
	}
	return "unknown SVM status";
}

void svm_features_str(const struct svm_features *f, char *buf, unsigned len)
{
	static const struct { uint32_t bit; const char *name; } names[] = {
		{ SVM_FEATURE_NPT, "NPT" },           { SVM_FEATURE_LBRV, "LBRV" },
		{ SVM_FEATURE_SVML, "SVML" },         { SVM_FEATURE_NRIPS, "NRIPS" },
		{ SVM_FEATURE_TSC_RATE, "TSCRATE" },  { SVM_FEATURE_VMCB_CLEAN, "CLEAN" },
		{ SVM_FEATURE_FLUSH_ASID, "FLUSHBYASID" },
		{ SVM_FEATURE_DECODE_ASSISTS, "DECODEASSISTS" },
		{ SVM_FEATURE_PAUSE_FILTER, "PAUSEFILTER" }, { SVM_FEATURE_AVIC, "AVIC" },
		{ SVM_FEATURE_V_VMSAVE_VMLOAD, "VVMSAVE" }, { SVM_FEATURE_VGIF, "VGIF" },
		{ SVM_FEATURE_VNMI, "VNMI" },         { SVM_FEATURE_V_SPEC_CTRL, "VSPECCTRL" },
	};
	unsigned n = 0;

	if (!len)
		return;
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(f->edx & names[i].bit))
			continue;
		for (const char *p = n ? " " : ""; *p && n + 1 < len; p++)
			buf[n++] = *p;
		for (const char *p = names[i].name; *p && n + 1 < len; p++)
			buf[n++] = *p;
	}
	buf[n] = '\0';
}
