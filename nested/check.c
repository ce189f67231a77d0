/* SPDX-License-Identifier: MIT */
/*
 * vmcb12 checks: what makes a VMRUN fail with VMEXIT_INVALID, or fault.
 * See: AMD64 APM Vol. 2 (rev. 3.42) 15.5.1 "Basic Operation" (the list of
 * illegal guest states), 15.20 "Event Injection", 15.16.1 "TLB Flush",
 * 15.10.1 / 15.11 (permission maps), 15.25.3 (nested paging enable).
 *
 * Each check is one CC() line whose condition reads as the rule; the string
 * of the condition is what nested_vmcb12_check() reports (STYLE.md 9).
 */
#include "nested/check.h"

#include "svm/msrpm.h"

#define CC(cond)                                                \
	do {                                                    \
		if (cond) {                                     \
			if (failed)                             \
				*failed = "CC(" #cond ")";      \
			return NESTED_EINVALID;                 \
		}                                               \
	} while (0)

/* EVENTINJ bits 30:12 are reserved (APM2 15.20, Figure 15-4). */
#define EVTINJ_RESERVED         0x7ffff000ull

/*
 * Exception vectors that name a defined exception (APM2 8.2, Table 8-1):
 * #DE #DB #BP #OF #BR #UD #NM #DF #TS #NP #SS #GP #PF #MF #AC #MC #XF #HV
 * #SX. Not NMI (2, it has its own TYPE), not 9/15/20/22..27/31, not #VC (29:
 * no SEV-ES); #CP (21) only with shadow stacks. The same set as KVM.
 */
#define EXC_DEFINED             (BIT(0) | BIT(1) | BIT(3) | BIT(4) | BIT(5) | BIT(6) | \
				 BIT(7) | BIT(8) | BIT(10) | BIT(11) | BIT(12) |       \
				 BIT(13) | BIT(14) | BIT(16) | BIT(17) | BIT(18) |     \
				 BIT(19) | BIT(28) | BIT(30))

static bool beyond_maxphyaddr(uint64_t gpa, uint64_t size, unsigned maxphyaddr)
{
	uint64_t end = gpa + size;

	if (size == 0 || end < gpa)
		return true;            /* empty or wrapping: never a valid range */
	return maxphyaddr < 64 && end > (1ull << maxphyaddr);
}

/* Every byte a memory type: UC, WC, WT, WP, WB or UC- (2 and 3 reserved). APM2 7.8.1 */
bool nested_pat_valid(uint64_t pat)
{
	for (unsigned i = 0; i < 8; i++) {
		unsigned t = (unsigned)(pat >> (8 * i)) & 0xff;

		if (t > 7 || t == 2 || t == 3)
			return false;
	}
	return true;
}

static bool overlaps(uint64_t gpa, uint64_t size, uint64_t base, uint64_t len)
{
	return len != 0 && gpa < base + len && base < gpa + size;
}

int nested_gpa_range_check(uint64_t gpa, uint64_t size, unsigned maxphyaddr,
			   uint64_t svmhv_base, uint64_t svmhv_size)
{
	if (beyond_maxphyaddr(gpa, size, maxphyaddr))
		return -1;
	if (overlaps(gpa, size, svmhv_base, svmhv_size))
		return -1;
	return 0;
}

int nested_vmcb12_gpa_check(uint64_t gpa, unsigned maxphyaddr, uint64_t svmhv_base,
			    uint64_t svmhv_size)
{
	if (gpa & PAGE_OFFSET_MASK)
		return -1;
	return nested_gpa_range_check(gpa, 4096, maxphyaddr, svmhv_base, svmhv_size);
}

/*
 * APM2 15.20: VMRUN fails if EVENTINJ.V is set and TYPE is reserved (1, 5,
 * 6, 7) or TYPE = 3 (exception) names no exception. With TYPE = 2 (NMI) the
 * vector is ignored (KVM injects NMIs with vector 0), so it is not checked.
 */
static int check_event_inj(uint64_t ev, const struct nested_caps *caps, const char **failed)
{
	uint64_t type = ev & SVM_EVTINJ_TYPE_MASK;
	unsigned vec = (unsigned)(ev & SVM_EVTINJ_VEC_MASK);
	uint32_t defined = EXC_DEFINED | (caps->shstk ? BIT(VEC_CP) : 0);
	bool evtinj_reserved_bits, evtinj_reserved_type, evtinj_bad_exception_vector;

	if (!(ev & SVM_EVTINJ_VALID))
		return 0;
	evtinj_reserved_bits = ev & EVTINJ_RESERVED;
	evtinj_reserved_type = type != SVM_EVTINJ_TYPE_INTR && type != SVM_EVTINJ_TYPE_NMI &&
			       type != SVM_EVTINJ_TYPE_EXEPT && type != SVM_EVTINJ_TYPE_SOFT;
	evtinj_bad_exception_vector = type == SVM_EVTINJ_TYPE_EXEPT &&
				      (vec > 31 || !(defined & BIT(vec)));
	CC(evtinj_reserved_bits);
	CC(evtinj_reserved_type);
	CC(evtinj_bad_exception_vector);
	return 0;
}

/*
 * APM2 15.5.1: "the MSR or IOIO intercept tables extend to a physical
 * address >= MAXPHYADDR". svmhv also refuses maps inside its own memory.
 */
static int check_maps(const struct nested_vmcb12_cache *c, const struct nested_caps *caps,
		      const char **failed)
{
	bool msrpm_beyond_maxphyaddr = beyond_maxphyaddr(c->msrpm_base_pa, SVM_MSRPM_SIZE,
							 caps->maxphyaddr);
	bool iopm_beyond_maxphyaddr = beyond_maxphyaddr(c->iopm_base_pa, SVM_IOPM_SIZE,
							caps->maxphyaddr);
	bool msrpm_overlaps_svmhv = overlaps(c->msrpm_base_pa, SVM_MSRPM_SIZE,
					     caps->svmhv_base, caps->svmhv_size);
	bool iopm_overlaps_svmhv = overlaps(c->iopm_base_pa, SVM_IOPM_SIZE,
					    caps->svmhv_base, caps->svmhv_size);

	CC(msrpm_beyond_maxphyaddr);
	CC(iopm_beyond_maxphyaddr);
	CC(msrpm_overlaps_svmhv);
	CC(iopm_overlaps_svmhv);
	return 0;
}

static int check_controls(const struct nested_vmcb12_cache *c, const struct nested_caps *caps,
			  const char **failed)
{
	bool vmrun_intercept = nested_icpt_test(&c->icpt, INTERCEPT_VMRUN);
	uint32_t asid = c->asid;
	bool np_enable = c->nested_ctl & SVM_NESTED_CTL_NP_ENABLE;
	/* SEV, SEV-ES, GMET, ... are not offered: only NP_ENABLE may be set. */
	bool nested_ctl_reserved = c->nested_ctl & ~SVM_NESTED_CTL_NP_ENABLE;
	uint8_t t = c->tlb_control;
	bool bad_tlb_control = t != TLB_CONTROL_DO_NOTHING && t != TLB_CONTROL_FLUSH_ALL_ASID &&
			       t != TLB_CONTROL_FLUSH_ASID && t != TLB_CONTROL_FLUSH_ASID_LOCAL;
	/* nCR3 names L1 memory; with nested paging G_PAT is loaded: valid types only. */
	bool ncr3_beyond_maxphyaddr = caps->maxphyaddr < 64 && (c->n_cr3 >> caps->maxphyaddr);
	bool bad_g_pat = !nested_pat_valid(c->g_pat);

	CC(!vmrun_intercept);
	CC(asid == 0);
	CC(np_enable && !caps->l1_npt);
	CC(np_enable && ncr3_beyond_maxphyaddr);
	CC(np_enable && bad_g_pat);
	CC(nested_ctl_reserved);
	CC(bad_tlb_control);
	if (check_maps(c, caps, failed))
		return NESTED_EINVALID;
	return check_event_inj(c->event_inj, caps, failed);
}

/* APM2 15.5.1 illegal guest state, as far as it concerns registers. */
static int check_save(const struct nested_vmcb12_cache *c, const struct nested_caps *caps,
		      const char **failed)
{
	bool efer_svme = c->efer & EFER_SVME;
	bool efer_reserved = c->efer & ~(caps->efer_allowed | EFER_SVME);
	bool cd = c->cr0 & CR0_CD, nw = c->cr0 & CR0_NW;
	bool cr0_high = c->cr0 >> 32;
	/* MBZ above MAXPHYADDR; in every mode, as KVM's nested_svm_load_cr3(). */
	bool cr3_reserved = caps->maxphyaddr < 64 && (c->cr3 >> caps->maxphyaddr);
	bool cr4_reserved = c->cr4 & ~caps->cr4_allowed;
	bool dr6_high = c->dr6 >> 32, dr7_high = c->dr7 >> 32;
	bool lme_pg = (c->efer & EFER_LME) && (c->cr0 & CR0_PG);
	bool pae = c->cr4 & CR4_PAE, pe = c->cr0 & CR0_PE;
	bool cs_l = c->cs.attrib & SEG_ATTR_L, cs_d = c->cs.attrib & SEG_ATTR_DB;

	CC(!efer_svme);
	CC(efer_reserved);
	CC(!cd && nw);
	CC(cr0_high);
	CC(cr3_reserved);
	CC(cr4_reserved);
	CC(dr6_high);
	CC(dr7_high);
	CC(lme_pg && !pae);
	CC(lme_pg && !pe);
	CC(lme_pg && cs_l && cs_d);
	return 0;
}

bool nested_l2_vgif(const struct nested_vmcb12_cache *c, const struct nested_caps *caps)
{
	return caps->vgif && (c->int_ctl & V_GIF_ENABLE_MASK);
}

int nested_save_check(const struct nested_vmcb12_cache *c, const struct nested_caps *caps,
		      const char **failed)
{
	if (failed)
		*failed = 0;
	return check_save(c, caps, failed);
}

int nested_vmcb12_check(const struct nested_vmcb12_cache *c, const struct nested_caps *caps,
			const char **failed)
{
	if (failed)
		*failed = 0;
	if (check_save(c, caps, failed))
		return NESTED_EINVALID;
	return check_controls(c, caps, failed);
}

enum nested_insn_fault nested_svm_insn_check(uint64_t efer, uint64_t cr0, uint64_t rflags,
					     uint8_t cpl)
{
	if (!(efer & EFER_SVME) || !(cr0 & CR0_PE) || (rflags & RFLAGS_VM))
		return NESTED_INSN_UD;
	if (cpl != 0)
		return NESTED_INSN_GP;
	return NESTED_INSN_OK;
}

/* CPUID feature bit -> CR4 bit it makes legal (APM2 3.1.3; APM3 Appendix E). */
struct cr4_feat {
	uint8_t reg;                    /* 0 = 1.ECX, 1 = 1.EDX, 2 = 7.EBX, 3 = 7.ECX */
	uint8_t cpuid_bit;
	uint8_t cr4_bit;
};

static const struct cr4_feat cr4_feats[] = {
	{ 1, 1, 0 }, { 1, 1, 1 },       /* VME: CR4.VME, CR4.PVI */
	{ 1, 4, 2 },                    /* TSC: CR4.TSD */
	{ 1, 2, 3 },                    /* DE */
	{ 1, 3, 4 },                    /* PSE */
	{ 1, 6, 5 },                    /* PAE */
	{ 1, 7, 6 },                    /* MCE */
	{ 1, 13, 7 },                   /* PGE */
	{ 1, 24, 9 },                   /* FXSR: OSFXSR */
	{ 1, 25, 10 },                  /* SSE: OSXMMEXCPT */
	{ 3, 2, 11 },                   /* UMIP */
	{ 3, 16, 12 },                  /* LA57 */
	{ 2, 0, 16 },                   /* FSGSBASE */
	{ 0, 17, 17 },                  /* PCID: PCIDE */
	{ 0, 26, 18 },                  /* XSAVE: OSXSAVE */
	{ 2, 7, 20 },                   /* SMEP */
	{ 2, 20, 21 },                  /* SMAP */
	{ 3, 3, 22 },                   /* PKU: PKE */
	{ 3, 7, 23 },                   /* CET_SS: CET */
};

uint64_t nested_cr4_allowed(uint32_t cpuid1_ecx, uint32_t cpuid1_edx, uint32_t cpuid7_ebx,
			    uint32_t cpuid7_ecx)
{
	const uint32_t regs[4] = { cpuid1_ecx, cpuid1_edx, cpuid7_ebx, cpuid7_ecx };
	uint64_t allowed = BIT_ULL(8);  /* PCE: RDPMC at any CPL, always defined */
	size_t i;

	for (i = 0; i < sizeof(cr4_feats) / sizeof(cr4_feats[0]); i++)
		if (regs[cr4_feats[i].reg] & BIT(cr4_feats[i].cpuid_bit))
			allowed |= BIT_ULL(cr4_feats[i].cr4_bit);
	return allowed;
}
