/*
 * Host tests of the vmcb12 checks (nested/check.c). Table-driven: one bad
 * vmcb12 per check, each a cmocka test named after the CC() it must trip,
 * plus valid vmcb12s that must pass. See: APM2 15.5.1, 15.20, 15.16.1.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "nested/check.h"
#include "svm/msrpm.h"

#define MAXPHY          40
#define SVMHV_BASE      0x80000000ull
#define SVMHV_SIZE      0x01000000ull
#define CS64_ATTR       0x29b   /* P, S, DPL 0, code exec/read/accessed, L */
#define CS32_ATTR       0x49b   /* ... D/B instead of L */

static struct vmcb good;

/* A 64-bit L2 as kvm_amd (npt=0) would start it. */
static void make_good(struct vmcb *v, struct nested_caps *k)
{
	struct vmcb_control *c = &v->control;
	struct vmcb_save *s = &v->save;

	memset(v, 0, sizeof(*v));
	vmcb_set_intercept(c, INTERCEPT_INTR);
	vmcb_set_intercept(c, INTERCEPT_NMI);
	vmcb_set_intercept(c, INTERCEPT_CPUID);
	vmcb_set_intercept(c, INTERCEPT_MSR_PROT);
	vmcb_set_intercept(c, INTERCEPT_IOIO_PROT);
	vmcb_set_intercept(c, INTERCEPT_SHUTDOWN);
	vmcb_set_intercept(c, INTERCEPT_VMRUN);
	vmcb_set_intercept(c, INTERCEPT_VMMCALL);
	c->intercept_exceptions = BIT(14) | BIT(6);
	c->msrpm_base_pa = 0x100000;
	c->iopm_base_pa = 0x200000;
	c->asid = 1;
	c->int_ctl = V_INTR_MASKING_MASK;
	s->cs.attrib = CS64_ATTR;
	s->cs.limit = 0xffffffff;
	s->efer = EFER_SVME | EFER_LME | EFER_LMA | EFER_SCE | EFER_NXE;
	s->cr0 = 0x80050033;            /* PG AM WP NE ET MP PE */
	s->cr3 = 0x1000;
	s->cr4 = 0x6a0;                 /* OSXMMEXCPT OSFXSR PGE PAE */
	s->dr6 = 0xffff0ff0;
	s->dr7 = 0x400;
	s->rflags = 2;
	s->rip = 0xffffffff81000000ull;
	*k = (struct nested_caps){
		.maxphyaddr = MAXPHY,
		.efer_allowed = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_FFXSR,
		.cr4_allowed = 0x3727ff & ~BIT_ULL(13),         /* no VMXE on AMD */
		.svmhv_base = SVMHV_BASE,
		.svmhv_size = SVMHV_SIZE,
	};
}

typedef void (*mutate_fn)(struct vmcb *v, struct nested_caps *k);

struct row {
	const char *name;
	const char *expect;     /* the CC() that fails; NULL: must pass */
	mutate_fn mutate;
};

#define MUT(fn, body) \
	static void fn(struct vmcb *v, struct nested_caps *k) { (void)v; (void)k; body; }
#define BAD(check, what, fn)    { check ": " what, check, fn }
#define OK(what, fn)            { "valid: " what, NULL, fn }
#define EV(type, vec)           (SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_##type | (vec))

MUT(m_none, )
MUT(m_no_vmrun, vmcb_clr_intercept(&v->control, INTERCEPT_VMRUN))
MUT(m_asid0, v->control.asid = 0)
MUT(m_np, v->control.nested_ctl = SVM_NESTED_CTL_NP_ENABLE)
MUT(m_np_offered, v->control.nested_ctl = SVM_NESTED_CTL_NP_ENABLE; k->l1_npt = true)
MUT(m_np_ncr3, v->control.nested_ctl = SVM_NESTED_CTL_NP_ENABLE; k->l1_npt = true;
    v->control.n_cr3 = 1ull << MAXPHY)
MUT(m_np_gpat, v->control.nested_ctl = SVM_NESTED_CTL_NP_ENABLE; k->l1_npt = true;
    v->save.g_pat = 0x0007040600070206ull)
MUT(m_gpat_no_np, v->save.g_pat = 0x0007040600070206ull)
MUT(m_sev, v->control.nested_ctl = BIT_ULL(1))
MUT(m_tlb2, v->control.tlb_control = 2)
MUT(m_tlb5, v->control.tlb_control = 5)
MUT(m_tlbff, v->control.tlb_control = 0xff)
MUT(m_tlb1, v->control.tlb_control = TLB_CONTROL_FLUSH_ALL_ASID)
MUT(m_tlb3, v->control.tlb_control = TLB_CONTROL_FLUSH_ASID)
MUT(m_tlb7, v->control.tlb_control = TLB_CONTROL_FLUSH_ASID_LOCAL)
MUT(m_msrpm_end, v->control.msrpm_base_pa = (1ull << MAXPHY) - 4096)
MUT(m_msrpm_last, v->control.msrpm_base_pa = (1ull << MAXPHY) - SVM_MSRPM_SIZE)
MUT(m_msrpm_low_bits, v->control.msrpm_base_pa = (1ull << MAXPHY) - SVM_MSRPM_SIZE + 0xfff)
MUT(m_msrpm_wrap, v->control.msrpm_base_pa = ~0xfffull)
MUT(m_iopm_end, v->control.iopm_base_pa = (1ull << MAXPHY) - 8192)
MUT(m_msrpm_svmhv, v->control.msrpm_base_pa = SVMHV_BASE - 4096)
MUT(m_iopm_svmhv, v->control.iopm_base_pa = SVMHV_BASE + SVMHV_SIZE - 4096)
MUT(m_iopm_below_svmhv, v->control.iopm_base_pa = SVMHV_BASE - SVM_IOPM_SIZE)
MUT(m_ev_rsvd, v->control.event_inj = EV(EXEPT, 13) | BIT_ULL(12))
MUT(m_ev_type1, v->control.event_inj = SVM_EVTINJ_VALID | (1ull << 8) | 0x20)
MUT(m_ev_type5, v->control.event_inj = SVM_EVTINJ_VALID | (5ull << 8) | 0x20)
MUT(m_ev_type7, v->control.event_inj = SVM_EVTINJ_VALID | (7ull << 8) | 0x20)
MUT(m_ev_exc_nmi, v->control.event_inj = EV(EXEPT, 2))
MUT(m_ev_exc_32, v->control.event_inj = EV(EXEPT, 32))
MUT(m_ev_exc_15, v->control.event_inj = EV(EXEPT, 15))
MUT(m_ev_exc_cp, v->control.event_inj = EV(EXEPT, 21) | SVM_EVTINJ_VALID_ERR)
MUT(m_ev_exc_cp_ok, v->control.event_inj = EV(EXEPT, 21) | SVM_EVTINJ_VALID_ERR; k->shstk = true)
MUT(m_ev_exc_vc, v->control.event_inj = EV(EXEPT, 29))
MUT(m_ev_pf, v->control.event_inj = EV(EXEPT, 14) | SVM_EVTINJ_VALID_ERR | (2ull << 32))
MUT(m_ev_nmi0, v->control.event_inj = EV(NMI, 0))
MUT(m_ev_intr, v->control.event_inj = EV(INTR, 0x20))
MUT(m_ev_soft, v->control.event_inj = EV(SOFT, 0x80))
MUT(m_ev_invalid_garbage, v->control.event_inj = 0x7ffff7ffull)
MUT(m_no_svme, v->save.efer &= ~EFER_SVME)
MUT(m_efer_rsvd, v->save.efer |= BIT_ULL(9))
MUT(m_efer_tce, v->save.efer |= EFER_TCE)
MUT(m_nw, v->save.cr0 |= CR0_NW)
MUT(m_cd_nw, v->save.cr0 |= CR0_NW | CR0_CD)
MUT(m_cr0_high, v->save.cr0 |= 1ull << 32)
MUT(m_cr3_high, v->save.cr3 |= 1ull << MAXPHY)
MUT(m_cr3_top, v->save.cr3 |= 1ull << 63)
MUT(m_cr4_vmxe, v->save.cr4 |= BIT_ULL(13))
MUT(m_cr4_high, v->save.cr4 |= 1ull << 40)
MUT(m_dr6_high, v->save.dr6 |= 1ull << 32)
MUT(m_dr7_high, v->save.dr7 |= 1ull << 63)
MUT(m_no_pae, v->save.cr4 &= ~CR4_PAE)
MUT(m_no_pe, v->save.cr0 &= ~CR0_PE)
MUT(m_cs_ld, v->save.cs.attrib |= SEG_ATTR_DB)
/* 32-bit protected mode, paging off: LME alone is harmless. */
MUT(m_prot32, v->save.efer = EFER_SVME | EFER_LME; v->save.cr0 = 0x11; v->save.cr4 = 0;
    v->save.cs.attrib = CS32_ATTR | SEG_ATTR_L)
/* Real mode, as a BIOS-style L2 starts. */
MUT(m_real, v->save.efer = EFER_SVME; v->save.cr0 = 0x60000010; v->save.cr4 = 0;
    v->save.cs.attrib = 0x93; v->save.cs.base = 0xf0000; v->save.rip = 0xfff0)
/* PAE paging without long mode. */
MUT(m_pae32, v->save.efer = EFER_SVME | EFER_NXE; v->save.cs.attrib = CS32_ATTR)

/* VGIF bits in vmcb12 never fail VMRUN, offered or not (nested_l2_vgif()). */
MUT(m_vgif_not_offered, v->control.int_ctl |= V_GIF_ENABLE_MASK | V_GIF_MASK)
MUT(m_vgif_offered, v->control.int_ctl |= V_GIF_ENABLE_MASK; k->vgif = true)

static const struct row rows[] = {
	OK("64-bit L2, as kvm_amd starts one", m_none),
	OK("V_GIF_ENABLE and V_GIF without VGIF offered (ignored)", m_vgif_not_offered),
	OK("V_GIF_ENABLE, V_GIF = 0, VGIF offered", m_vgif_offered),
	OK("32-bit protected mode, paging off, EFER.LME", m_prot32),
	OK("real mode, CR0.CD and CR0.NW set", m_real),
	OK("PAE paging, no long mode", m_pae32),
	OK("CR0.CD = CR0.NW = 1", m_cd_nw),
	OK("TLB_CONTROL = 1", m_tlb1),
	OK("TLB_CONTROL = 3", m_tlb3),
	OK("TLB_CONTROL = 7", m_tlb7),
	OK("MSRPM ends at MAXPHYADDR", m_msrpm_last),
	OK("MSRPM base bits 11:0 ignored", m_msrpm_low_bits),
	OK("IOPM ends where svmhv starts", m_iopm_below_svmhv),
	OK("NP_ENABLE when nested paging is offered", m_np_offered),
	OK("G_PAT is not loaded without nested paging", m_gpat_no_np),
	OK("EVENTINJ #PF with error code", m_ev_pf),
	OK("EVENTINJ NMI, vector ignored (0)", m_ev_nmi0),
	OK("EVENTINJ external interrupt 0x20", m_ev_intr),
	OK("EVENTINJ software interrupt 0x80", m_ev_soft),
	OK("EVENTINJ #CP with shadow stacks offered", m_ev_exc_cp_ok),
	OK("EVENTINJ not valid: other bits ignored", m_ev_invalid_garbage),
	BAD("CC(!efer_svme)", "EFER.SVME = 0", m_no_svme),
	BAD("CC(efer_reserved)", "EFER bit 9", m_efer_rsvd),
	BAD("CC(efer_reserved)", "EFER.TCE not offered", m_efer_tce),
	BAD("CC(!cd && nw)", "CR0.NW without CR0.CD", m_nw),
	BAD("CC(cr0_high)", "CR0 bit 32", m_cr0_high),
	BAD("CC(cr3_reserved)", "CR3 bit MAXPHYADDR", m_cr3_high),
	BAD("CC(cr3_reserved)", "CR3 bit 63", m_cr3_top),
	BAD("CC(cr4_reserved)", "CR4.VMXE", m_cr4_vmxe),
	BAD("CC(cr4_reserved)", "CR4 bit 40", m_cr4_high),
	BAD("CC(dr6_high)", "DR6 bit 32", m_dr6_high),
	BAD("CC(dr7_high)", "DR7 bit 63", m_dr7_high),
	BAD("CC(lme_pg && !pae)", "long mode without CR4.PAE", m_no_pae),
	BAD("CC(lme_pg && !pe)", "long mode without CR0.PE", m_no_pe),
	BAD("CC(lme_pg && cs_l && cs_d)", "CS.L and CS.D", m_cs_ld),
	BAD("CC(!vmrun_intercept)", "VMRUN not intercepted", m_no_vmrun),
	BAD("CC(asid == 0)", "ASID 0", m_asid0),
	BAD("CC(np_enable && !caps->l1_npt)", "NP_ENABLE, no nested paging offered", m_np),
	BAD("CC(np_enable && ncr3_beyond_maxphyaddr)", "nCR3 above MAXPHYADDR", m_np_ncr3),
	BAD("CC(np_enable && bad_g_pat)", "G_PAT with a reserved type (2)", m_np_gpat),
	BAD("CC(nested_ctl_reserved)", "SEV enable", m_sev),
	BAD("CC(bad_tlb_control)", "TLB_CONTROL = 2", m_tlb2),
	BAD("CC(bad_tlb_control)", "TLB_CONTROL = 5", m_tlb5),
	BAD("CC(bad_tlb_control)", "TLB_CONTROL = 0xff", m_tlbff),
	BAD("CC(msrpm_beyond_maxphyaddr)", "MSRPM straddles MAXPHYADDR", m_msrpm_end),
	BAD("CC(msrpm_beyond_maxphyaddr)", "MSRPM wraps at 2^64", m_msrpm_wrap),
	BAD("CC(iopm_beyond_maxphyaddr)", "IOPM straddles MAXPHYADDR", m_iopm_end),
	BAD("CC(msrpm_overlaps_svmhv)", "MSRPM runs into svmhv", m_msrpm_svmhv),
	BAD("CC(iopm_overlaps_svmhv)", "IOPM ends inside svmhv", m_iopm_svmhv),
	BAD("CC(evtinj_reserved_bits)", "EVENTINJ bit 12", m_ev_rsvd),
	BAD("CC(evtinj_reserved_type)", "EVENTINJ type 1", m_ev_type1),
	BAD("CC(evtinj_reserved_type)", "EVENTINJ type 5", m_ev_type5),
	BAD("CC(evtinj_reserved_type)", "EVENTINJ type 7", m_ev_type7),
	BAD("CC(evtinj_bad_exception_vector)", "exception vector 2 (NMI)", m_ev_exc_nmi),
	BAD("CC(evtinj_bad_exception_vector)", "exception vector 32", m_ev_exc_32),
	BAD("CC(evtinj_bad_exception_vector)", "exception vector 15", m_ev_exc_15),
	BAD("CC(evtinj_bad_exception_vector)", "#CP without shadow stacks", m_ev_exc_cp),
	BAD("CC(evtinj_bad_exception_vector)", "#VC without SEV-ES", m_ev_exc_vc),
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))

static void run_row(void **state)
{
	const struct row *r = *state;
	struct nested_vmcb12_cache c;
	struct nested_caps caps;
	const char *failed = "untouched";
	int rc;

	make_good(&good, &caps);
	r->mutate(&good, &caps);
	nested_cache_from_vmcb(&c, &good);
	rc = nested_vmcb12_check(&c, &caps, &failed);
	if (!r->expect) {
		if (rc)
			fail_msg("valid vmcb12 rejected by %s", failed);
		assert_null(failed);
		return;
	}
	assert_int_equal(rc, NESTED_EINVALID);
	assert_non_null(failed);
	assert_string_equal(failed, r->expect);
	/* The same vmcb12, NULL for failed: same verdict, no crash. */
	assert_int_equal(nested_vmcb12_check(&c, &caps, NULL), NESTED_EINVALID);
}

/* Every check named in nested/check.c has at least one bad vmcb12 above. */
static void test_every_check_covered(void **state)
{
	static const char *const checks[] = {
		"CC(!efer_svme)", "CC(efer_reserved)", "CC(!cd && nw)", "CC(cr0_high)",
		"CC(cr3_reserved)", "CC(cr4_reserved)", "CC(dr6_high)", "CC(dr7_high)",
		"CC(lme_pg && !pae)", "CC(lme_pg && !pe)", "CC(lme_pg && cs_l && cs_d)",
		"CC(!vmrun_intercept)", "CC(asid == 0)", "CC(np_enable && !caps->l1_npt)",
		"CC(np_enable && ncr3_beyond_maxphyaddr)", "CC(np_enable && bad_g_pat)",
		"CC(nested_ctl_reserved)", "CC(bad_tlb_control)",
		"CC(msrpm_beyond_maxphyaddr)", "CC(iopm_beyond_maxphyaddr)",
		"CC(msrpm_overlaps_svmhv)", "CC(iopm_overlaps_svmhv)",
		"CC(evtinj_reserved_bits)", "CC(evtinj_reserved_type)",
		"CC(evtinj_bad_exception_vector)",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		bool found = false;

		for (size_t j = 0; j < NROWS; j++)
			found |= rows[j].expect && !strcmp(rows[j].expect, checks[i]);
		if (!found)
			fail_msg("no bad vmcb12 for %s", checks[i]);
	}
}

static void test_vmcb12_gpa(void **state)
{
	const uint64_t top = 1ull << MAXPHY;

	(void)state;
	assert_int_equal(nested_vmcb12_gpa_check(0x1000, MAXPHY, SVMHV_BASE, SVMHV_SIZE), 0);
	assert_int_equal(nested_vmcb12_gpa_check(0, MAXPHY, SVMHV_BASE, SVMHV_SIZE), 0);
	assert_int_equal(nested_vmcb12_gpa_check(0x1008, MAXPHY, SVMHV_BASE, SVMHV_SIZE), -1);
	assert_int_equal(nested_vmcb12_gpa_check(0x1800, MAXPHY, SVMHV_BASE, SVMHV_SIZE), -1);
	assert_int_equal(nested_vmcb12_gpa_check(top - 4096, MAXPHY, SVMHV_BASE, SVMHV_SIZE), 0);
	assert_int_equal(nested_vmcb12_gpa_check(top, MAXPHY, SVMHV_BASE, SVMHV_SIZE), -1);
	assert_int_equal(nested_vmcb12_gpa_check(~0xfffull, MAXPHY, SVMHV_BASE, SVMHV_SIZE), -1);
	assert_int_equal(nested_vmcb12_gpa_check(~0xfffull, 64, SVMHV_BASE, SVMHV_SIZE), -1);
	assert_int_equal(nested_vmcb12_gpa_check(SVMHV_BASE, MAXPHY, SVMHV_BASE, SVMHV_SIZE), -1);
	assert_int_equal(nested_vmcb12_gpa_check(SVMHV_BASE + SVMHV_SIZE - 4096, MAXPHY,
						 SVMHV_BASE, SVMHV_SIZE), -1);
	assert_int_equal(nested_vmcb12_gpa_check(SVMHV_BASE - 4096, MAXPHY, SVMHV_BASE,
						 SVMHV_SIZE), 0);
	assert_int_equal(nested_vmcb12_gpa_check(SVMHV_BASE + SVMHV_SIZE, MAXPHY, SVMHV_BASE,
						 SVMHV_SIZE), 0);
	/* No svmhv range (size 0): only alignment and MAXPHYADDR count. */
	assert_int_equal(nested_vmcb12_gpa_check(SVMHV_BASE, MAXPHY, SVMHV_BASE, 0), 0);
	assert_int_equal(nested_vmcb12_gpa_check(1ull << 51, 52, 0, 0), 0);
	assert_int_equal(nested_vmcb12_gpa_check(1ull << 52, 52, 0, 0), -1);
}

static void test_gpa_ranges(void **state)
{
	(void)state;
	/* HSAVE, MSRPM, IOPM ranges, e.g. an 8 KiB MSRPM one page into svmhv. */
	assert_int_equal(nested_gpa_range_check(SVMHV_BASE - 4096, SVM_MSRPM_SIZE, MAXPHY,
						SVMHV_BASE, SVMHV_SIZE), -1);
	assert_int_equal(nested_gpa_range_check(SVMHV_BASE - SVM_MSRPM_SIZE, SVM_MSRPM_SIZE,
						MAXPHY, SVMHV_BASE, SVMHV_SIZE), 0);
	assert_int_equal(nested_gpa_range_check((1ull << MAXPHY) - SVM_IOPM_SIZE, SVM_IOPM_SIZE,
						MAXPHY, SVMHV_BASE, SVMHV_SIZE), 0);
	assert_int_equal(nested_gpa_range_check((1ull << MAXPHY) - 8192, SVM_IOPM_SIZE, MAXPHY,
						SVMHV_BASE, SVMHV_SIZE), -1);
	assert_int_equal(nested_gpa_range_check(0x1000, 0, MAXPHY, SVMHV_BASE, SVMHV_SIZE), -1);
	assert_int_equal(nested_gpa_range_check(~0ull - 10, 100, 64, 0, 0), -1);
}

static void test_svm_insn(void **state)
{
	const uint64_t efer = EFER_SVME | EFER_LME | EFER_LMA, cr0 = CR0_PE | CR0_PG;

	(void)state;
	assert_int_equal(nested_svm_insn_check(efer, cr0, 2, 0), NESTED_INSN_OK);
	assert_int_equal(nested_svm_insn_check(efer, cr0, 2, 3), NESTED_INSN_GP);
	assert_int_equal(nested_svm_insn_check(efer & ~EFER_SVME, cr0, 2, 0), NESTED_INSN_UD);
	assert_int_equal(nested_svm_insn_check(efer & ~EFER_SVME, cr0, 2, 3), NESTED_INSN_UD);
	assert_int_equal(nested_svm_insn_check(EFER_SVME, 0, 2, 0), NESTED_INSN_UD);
	assert_int_equal(nested_svm_insn_check(EFER_SVME, CR0_PE, RFLAGS_VM | 2, 3),
			 NESTED_INSN_UD);
	assert_int_equal(nested_svm_insn_check(EFER_SVME, CR0_PE, 2, 0), NESTED_INSN_OK);
}

static void test_cr4_allowed(void **state)
{
	/* Zen-like: VME DE PSE TSC PAE MCE PGE FXSR SSE (+PCE); PCID XSAVE; FSGSBASE
	 * SMEP SMAP; UMIP PKU. No LA57, no CET. */
	const uint32_t edx1 = BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(6) | BIT(7) | BIT(13) |
			      BIT(24) | BIT(25);
	uint64_t a = nested_cr4_allowed(BIT(17) | BIT(26), edx1, BIT(0) | BIT(7) | BIT(20),
					BIT(2) | BIT(3));

	(void)state;
	assert_int_equal(a, 0xffful | BIT_ULL(16) | BIT_ULL(17) | BIT_ULL(18) | BIT_ULL(20) |
			    BIT_ULL(21) | BIT_ULL(22));
	assert_int_equal(nested_cr4_allowed(0, 0, 0, 0), BIT_ULL(8));
	assert_int_equal(nested_cr4_allowed(0, 0, 0, BIT(16) | BIT(7)),
			 BIT_ULL(8) | BIT_ULL(12) | BIT_ULL(23));
	assert_false(nested_cr4_allowed(~0u, ~0u, ~0u, ~0u) & BIT_ULL(13));     /* VMXE */
}

#define NAMED(n, f)     ((struct CMUnitTest){ .name = (n), .test_func = (f) })

/*
 * Which vmcb12 int_ctl values give L2 the virtual GIF: V_GIF_ENABLE with
 * VGIF offered, nothing else. Not offered (a bad value for this L1): ignored,
 * as KVM's nested_vgif_enabled(). V_GIF alone, or the vNMI/AVIC neighbours
 * of bit 25, never.
 */
static void test_l2_vgif(void **state)
{
	struct nested_vmcb12_cache c;
	struct nested_caps caps;

	(void)state;
	memset(&c, 0, sizeof(c));
	memset(&caps, 0, sizeof(caps));
	c.int_ctl = V_GIF_ENABLE_MASK | V_GIF_MASK;
	assert_false(nested_l2_vgif(&c, &caps));        /* not offered */
	caps.vgif = true;
	assert_true(nested_l2_vgif(&c, &caps));
	c.int_ctl = V_GIF_ENABLE_MASK;                  /* V_GIF = 0: still VGIF */
	assert_true(nested_l2_vgif(&c, &caps));
	c.int_ctl = ~V_GIF_ENABLE_MASK;                 /* every other bit, V_GIF too */
	assert_false(nested_l2_vgif(&c, &caps));
	c.int_ctl = ~0ull;
	assert_true(nested_l2_vgif(&c, &caps));
	caps.vgif = false;
	assert_false(nested_l2_vgif(&c, &caps));
}

static void test_pat_valid(void **state)
{
	(void)state;
	assert_true(nested_pat_valid(0x0007040600070406ull));
	assert_true(nested_pat_valid(0x0706050401000000ull));
	assert_false(nested_pat_valid(0x0007040600070402ull));  /* 2 */
	assert_false(nested_pat_valid(0x0307040600070406ull));  /* 3 */
	assert_false(nested_pat_valid(0x0807040600070406ull));  /* 8 */
}

int main(void)
{
	static struct CMUnitTest tests[NROWS + 8];
	size_t n = 0;

	for (size_t i = 0; i < NROWS; i++)
		tests[n++] = (struct CMUnitTest){ .name = rows[i].name, .test_func = run_row,
						  .initial_state = (void *)&rows[i] };
	tests[n++] = NAMED("every check has a bad vmcb12", test_every_check_covered);
	tests[n++] = NAMED("vmcb12 / HSAVE address (#GP)", test_vmcb12_gpa);
	tests[n++] = NAMED("MSRPM / IOPM ranges", test_gpa_ranges);
	tests[n++] = NAMED("SVM instruction #UD / #GP", test_svm_insn);
	tests[n++] = NAMED("CR4 bits from CPUID", test_cr4_allowed);
	tests[n++] = NAMED("PAT values", test_pat_valid);
	tests[n++] = NAMED("vmcb12 VGIF honoured only when offered", test_l2_vgif);
	return _cmocka_run_group_tests("nested_check", tests, n, NULL, NULL);
}
