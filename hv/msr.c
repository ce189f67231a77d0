/* SPDX-License-Identifier: MIT */
/*
 * RDMSR / WRMSR exits: intercept by default, one rule per MSR (hv/policy.c
 * hv_msr_rules), refusals as #GP(0) with a rate-limited log line. The
 * emulated MSRs live here: EFER (virtual SVME), the SVM MSRs of nested SVM,
 * PAT (the VMCB's G_PAT), SPEC_CTRL (the guest's value, swapped by the
 * hardware with V_SPEC_CTRL or by the world switch), the MTRRs (checked
 * against svmhv's memory) and the performance event selects; IA32_APIC_BASE
 * and the x2APIC ICR are hv/apic/vapic.c's.
 * See: APM2 15.11 (MSR intercepts), 15.30 (SVM MSRs), 7.7-7.8 (MTRR, PAT),
 * 15.34 (V_SPEC_CTRL); APM3 RDMSR/WRMSR.
 */
#include "hv/msr.h"

#include "hv/apic/vapic.h"
#include "hv/console.h"
#include "hv/hv.h"
#include "hv/mtrr.h"
#include "hv/policy.h"
#include "svm/hw.h"
#include "svm/msrpm.h"

void hv_msr_setup(uint8_t *msrpm)
{
	hv_msr_fill_msrpm(msrpm, hv.boot.nested);
}

void hv_msr_vcpu_init(struct vcpu *v)
{
	uint64_t spec = 0;

	v->apic_base = rdmsr(MSR_APIC_BASE);
	v->apic_x2 = (v->apic_base & APIC_BASE_EXTD) != 0;
	if (hv.spec_ctrl_bits && rdmsr_safe(MSR_SPEC_CTRL, &spec) == 0)
		v->world.spec_ctrl_host = spec;
	v->spec_ctrl = v->world.spec_ctrl_host;
	v->world.spec_ctrl_guest = v->spec_ctrl;
	v->vmcb01->save.spec_ctrl = v->spec_ctrl;
}

/* 0: done; -1: #GP. */
static int efer_write(struct vcpu *v, uint64_t val)
{
	struct vmcb_save *s = &v->vmcb->save;
	struct nested_vcpu *n = &v->nested;
	uint64_t efer;

	if (hv_efer_write(s->efer, val, s->cr0, hv.efer_allowed |
			  (hv.boot.nested ? EFER_SVME : 0), &efer))
		return -1;
	s->efer = efer;
	if (n->in_l2)
		return 0;               /* L2's EFER holds SVME as L1 gave it */
	/* EFER.SVME cleared: GIF is set (APM2 15.17; KVM's svm_set_efer). */
	if (n->svme && !(val & EFER_SVME))
		nested_stgi(n);
	n->svme = val & EFER_SVME;
	return 0;
}

/* VM_HSAVE_PA: a page of L1's RAM (not MMIO, not the APIC page, not svmhv's). */
static int hsave_write(struct vcpu *v, uint64_t val)
{
	if (nested_vmcb12_gpa_check(val, hv.gpa_bits, hv.boot.pool_pa, hv.boot.pool_size) ||
	    !gmem_is_ram(&hv.gmem, val, PAGE_SIZE) || gmem_is_emulated(&hv.gmem, val, PAGE_SIZE))
		return -1;
	v->nested.hsave_pa = val;
	return 0;
}

static int pat_write(struct vcpu *v, uint64_t val)
{
	if (!hv_pat_valid(val))
		return -1;
	v->vmcb->save.g_pat = val;
	v->vmcb->control.clean &= ~VMCB_CLEAN_NP;
	return 0;
}

/*
 * SPEC_CTRL: the guest's own value. With V_SPEC_CTRL the hardware loads it
 * from the VMCB at VMRUN and restores the host's at #VMEXIT; without, the
 * world switch writes it around VMRUN when it differs from the host's
 * (svm/world.asm). Shared by L1 and L2, like the MSR it stands for.
 */
static int spec_ctrl_write(struct vcpu *v, uint64_t val)
{
	if (!hv.spec_ctrl_bits || (val & ~hv.spec_ctrl_bits))
		return -1;
	v->spec_ctrl = val;
	v->vmcb->save.spec_ctrl = val;
	v->world.spec_ctrl_guest = val;
	v->world.spec_ctrl_swap = !hv.feat.v_spec_ctrl && val != v->world.spec_ctrl_host;
	return 0;
}

/* This CPU's MTRRs with msr = val: is svmhv's memory still WB or UC? */
static int mtrr_write(uint32_t msr, uint64_t val)
{
	struct hv_mtrr m = { 0 };

	if (rdmsr_safe(HV_MTRR_CAP, &m.cap))
		return -1;
	for (unsigned i = 0; i < hv_mtrr_nmsrs(); i++) {
		uint64_t x = 0;

		if (rdmsr_safe(hv_mtrr_msr(i), &x) == 0)
			hv_mtrr_set(&m, hv_mtrr_msr(i), x);
	}
	hv_mtrr_set(&m, msr, val);
	if (!hv_mtrr_safe(&m, hv.boot.pool_pa, hv.boot.pool_size, hv.feat.maxphyaddr)) {
		hv_warn("msr", "MTRR %x = %llx would change svmhv's memory type: refused", msr,
			(unsigned long long)val);
		return -1;
	}
	return wrmsr_safe(msr, val);
}

static int emulated_read(struct vcpu *v, const struct hv_msr_rule *r, uint64_t *val)
{
	switch (r->emul) {
	case HV_EMUL_EFER:
		*val = hv_efer_read(v->vmcb->save.efer, v->nested.in_l2 || v->nested.svme);
		return 0;
	case HV_EMUL_APIC_BASE:
		*val = v->apic_base;
		return 0;
	case HV_EMUL_PAT:
		*val = v->vmcb->save.g_pat;
		return 0;
	case HV_EMUL_SPEC_CTRL:
		*val = v->spec_ctrl;
		return hv.spec_ctrl_bits ? 0 : -1;
	case HV_EMUL_VM_CR:
		*val = 0;                       /* SVM enabled, not locked */
		return 0;
	case HV_EMUL_HSAVE_PA:
		*val = v->nested.hsave_pa;
		return 0;
	default:
		return rdmsr_safe((uint32_t)v->world.regs.rcx, val);
	}
}

static int emulated_write(struct vcpu *v, const struct hv_msr_rule *r, uint32_t msr,
			  uint64_t val)
{
	switch (r->emul) {
	case HV_EMUL_EFER:
		return efer_write(v, val);
	case HV_EMUL_APIC_BASE:
		return hv_apic_base_write(v, val);
	case HV_EMUL_X2APIC_ICR:
		/* x2APIC MSRs #GP in xAPIC mode (APM2 16.11). */
		return v->apic_x2 ? hv_apic_icr_write(v, val, true) : -1;
	case HV_EMUL_PAT:
		return pat_write(v, val);
	case HV_EMUL_SPEC_CTRL:
		return spec_ctrl_write(v, val);
	case HV_EMUL_MTRR:
		return mtrr_write(msr, val);
	case HV_EMUL_PERF_CTL:
		return hv_msr_is_perf_ctl(msr) && !hv_perf_ctl_ok(val) ? -1 : wrmsr_safe(msr, val);
	case HV_EMUL_VM_CR:
		return 0;                       /* writes ignored */
	case HV_EMUL_HSAVE_PA:
		return hsave_write(v, val);
	default:
		return -1;
	}
}

/*
 * A PASS MSR svmhv serves: only L2's can exit (vmcb02 intercepts every MSR
 * when L1 uses its MSRPM, which nested_route() consults at the exit). The
 * VMLOAD/VMSAVE state is the VMCB's while the guest is out (svm/world.asm),
 * and the TSC the guest reads is offset by the VMCB's TSC_OFFSET; the rest
 * is the hardware's, shared by L1 and L2 as on a CPU.
 */
static bool vmcb_msr(struct vmcb_save *s, uint32_t msr, bool write, uint64_t *val)
{
	switch (msr) {
#define F(m, field)     case m: if (write) s->field = *val; else *val = s->field; return true
	F(MSR_FS_BASE, fs.base);
	F(MSR_GS_BASE, gs.base);
	F(MSR_KERNEL_GS_BASE, kernel_gs_base);
	F(MSR_STAR, star);
	F(MSR_LSTAR, lstar);
	F(MSR_CSTAR, cstar);
	F(MSR_SFMASK, sfmask);
	F(MSR_SYSENTER_CS, sysenter_cs);
	F(MSR_SYSENTER_ESP, sysenter_esp);
	F(MSR_SYSENTER_EIP, sysenter_eip);
#undef F
	default:
		return false;
	}
}

/* The MSRs that hold addresses #GP on a non-canonical value (APM3 WRMSR). */
static bool canonical_msr_ok(const struct vcpu *v, uint32_t msr, uint64_t val)
{
	unsigned bits = (v->vmcb->save.cr4 & CR4_LA57) ? 57 : 48;
	int64_t ext = (int64_t)(val << (64 - bits)) >> (64 - bits);

	switch (msr) {
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_KERNEL_GS_BASE:
	case MSR_LSTAR:
	case MSR_CSTAR:
	case MSR_SYSENTER_ESP:
	case MSR_SYSENTER_EIP:
		return (uint64_t)ext == val;
	default:
		return true;
	}
}

static int pass_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	if (vmcb_msr(&v->vmcb->save, msr, false, val))
		return 0;
	if (msr == MSR_TSC) {
		*val = rdtsc() + v->vmcb->control.tsc_offset;
		return 0;
	}
	return rdmsr_safe(msr, val);
}

static int pass_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
	if (!canonical_msr_ok(v, msr, val))
		return -1;
	if (vmcb_msr(&v->vmcb->save, msr, true, &val))
		return 0;
	return wrmsr_safe(msr, val);
}

int hv_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	const struct hv_msr_rule *r = hv_msr_rule(msr);

	*val = 0;
	switch (hv_msr_op(r, false, hv.boot.nested)) {
	case HV_MSR_EMULATE:
		return emulated_read(v, r, val);
	case HV_MSR_GP:
	case HV_MSR_IGNORE:
		return -1;
	case HV_MSR_PASS:                       /* L2's, L1 letting it through */
		return pass_read(v, msr, val);
	default:                                /* HW */
		return rdmsr_safe(msr, val);
	}
}

int hv_msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
	const struct hv_msr_rule *r = hv_msr_rule(msr);
	uint64_t cur;

	switch (hv_msr_op(r, true, hv.boot.nested)) {
	case HV_MSR_EMULATE:
		return emulated_write(v, r, msr, val);
	case HV_MSR_GP:
		return -1;
	case HV_MSR_IGNORE:
		hv_debug("msr", "vCPU %u: WRMSR %x (%s) ignored", v->index, msr, r->name);
		return 0;
	case HV_MSR_HW_MASKED:
	case HV_MSR_HW_SET_ONLY:
		if (rdmsr_safe(msr, &cur) || !hv_msr_write_ok(r, cur, val))
			return -1;
		return wrmsr_safe(msr, val);
	case HV_MSR_PASS:                       /* L2's, L1 letting it through */
		return pass_write(v, msr, val);
	default:
		return wrmsr_safe(msr, val);
	}
}

struct hv_verdict hv_msr_exit(struct vcpu *v)
{
	uint32_t msr = (uint32_t)v->world.regs.rcx;
	bool write = v->vmcb->control.exit_info_1 & 1;
	uint64_t val = (v->vmcb->save.rax & 0xffffffffull) | (v->world.regs.rdx << 32);
	int rc;

	if (write) {
		rc = hv_msr_write(v, msr, val);
	} else {
		rc = hv_msr_read(v, msr, &val);
		if (rc == 0) {
			v->vmcb->save.rax = (uint32_t)val;
			v->world.regs.rdx = val >> 32;
		}
	}
	if (rc == 0)
		return hv_skip_insn(v);
	v->msr_refused++;
	hv_warn("msr", "vCPU %u: %s %x (%s) value %llx refused: #GP", v->index,
		write ? "WRMSR" : "RDMSR", msr, hv_msr_rule(msr)->name,
		(unsigned long long)(write ? val : 0));
	return hv_inject_err(VEC_GP, 0);
}
