/* SPDX-License-Identifier: MIT */
/*
 * Nested SVM, the hypervisor side: L1's SVM instructions and MSRs, VMRUN as
 * copy -> check -> merge, and #VMEXIT routing and reflection. Every decision
 * is made by the pure code in nested/ and every TLB event is reported to
 * svm/tlb.c; this file moves state between guest memory and the VMCBs.
 * L1 runs on vmcb01; while it "runs L2", svmhv runs vmcb02 (built from the
 * checked copy of vmcb12) on the vCPU's L2 ASID. L1 gets no nested paging:
 * L2's physical space is L1's, mapped by svmhv's own nested page tables.
 * See: APM2 15.5 (VMRUN), 15.6 (#VMEXIT), 15.5.2 (VMLOAD/VMSAVE), 15.17 (GIF).
 */
#include "hv/nested.h"

#include "svm/hw.h"
#include "hv/console.h"
#include "hv/apic/lapic.h"
#include "hv/smp.h"
#include "nested/check.h"
#include "nested/merge.h"
#include "svm/msrpm.h"


static uint8_t *hv_msrpm;       /* svmhv's own maps, merged into L2's */

int hv_nested_setup_vcpu(struct vcpu *v, void *(*alloc)(size_t pages, uint64_t *pa))
{
	struct vcpu_nested *n = &v->nested;
	uint64_t pa;

	n->vmcb02 = alloc(1, &n->vmcb02_pa);
	n->vmcb12 = alloc(1, &pa);
	n->msrpm = alloc(SVM_MSRPM_SIZE / 4096, &n->msrpm_pa);
	n->iopm = alloc(SVM_IOPM_SIZE / 4096, &n->iopm_pa);
	n->l1_msrpm = alloc(SVM_MSRPM_SIZE / 4096, &pa);
	n->l1_iopm = alloc(SVM_IOPM_SIZE / 4096, &pa);
	hv_msrpm = (uint8_t *)(uintptr_t)hv.msrpm_pa;
	nested_gif_init(&n->gif);
	return n->vmcb02 && n->vmcb12 && n->msrpm && n->iopm && n->l1_msrpm && n->l1_iopm ?
	       0 : HV_ERR_NOMEM;
}

/* An SVM instruction from L1: the checks the CPU makes first. 0 = go on. */
static int insn_allowed(struct vcpu *v)
{
	const struct vmcb_save *s = &v->vmcb01->save;
	uint64_t efer = hv_efer_read(s->efer, v->nested.svme);

	if (!hv.boot.nested) {
		hv_inject_exception(v, VEC_UD, 0, 0);
		return -1;
	}
	switch (nested_svm_insn_check(efer, s->cr0, s->rflags, s->cpl)) {
	case NESTED_INSN_OK:
		return 0;
	case NESTED_INSN_GP:
		hv_inject_exception(v, VEC_GP, 1, 0);
		return -1;
	default:
		hv_inject_exception(v, VEC_UD, 0, 0);
		return -1;
	}
}

/* A guest-physical page L1 names in rAX: #GP unless it is L1's. */
static int l1_page(struct vcpu *v, uint64_t gpa)
{
	if (nested_vmcb12_gpa_check(gpa, hv.feat.maxphyaddr, hv.boot.pool_pa,
				    hv.boot.pool_size) == 0)
		return 0;
	hv_debug("nested", "vCPU %u: rAX %llx is not an L1 page: #GP", v->index,
		 (unsigned long long)gpa);
	hv_inject_exception(v, VEC_GP, 1, 0);
	return -1;
}

static void caps_of(struct nested_caps *caps)
{
	struct cpuid_regs l1, l7;

	cpuid_count(1, 0, &l1);
	cpuid_count(7, 0, &l7);
	*caps = (struct nested_caps){
		.maxphyaddr = hv.feat.maxphyaddr, .efer_allowed = hv.efer_allowed,
		.cr4_allowed = nested_cr4_allowed(l1.ecx, l1.edx, l7.ebx, l7.ecx),
		.svmhv_base = hv.boot.pool_pa, .svmhv_size = hv.boot.pool_size,
	};
}

/* Copy one of L1's permission maps (already checked by nested_vmcb12_check). */
static bool copy_map(uint8_t *dst, uint64_t gpa, uint64_t size)
{
	return gmem_read(&hv.gmem, gpa, dst, size) == 0;
}

/* After a failed check or a finished L2: L1 resumes after its VMRUN. */
static void back_to_l1(struct vcpu *v, const struct vmcb *vmcb02)
{
	struct vcpu_nested *n = &v->nested;

	nested_vmexit_load_l1(v->vmcb01, &n->hsave, vmcb02);
	nested_gif_vmexit(&n->gif);
	n->in_l2 = false;
	n->reflect = false;
	v->vmcb = v->vmcb01;
	v->vmcb_pa = v->vmcb01_pa;
}

static void merge_maps(struct vcpu *v)
{
	struct vcpu_nested *n = &v->nested;
	const struct nested_vmcb12_cache *c = &n->cache;

	n->l1_msrpm_valid = nested_l1_uses_msrpm(c) &&
			    copy_map(n->l1_msrpm, c->msrpm_base_pa, SVM_MSRPM_SIZE);
	n->l1_iopm_valid = nested_l1_uses_iopm(c) &&
			   copy_map(n->l1_iopm, c->iopm_base_pa, SVM_IOPM_SIZE);
	nested_merge_msrpm(n->msrpm, n->l1_msrpm_valid ? n->l1_msrpm : NULL, hv_msrpm);
	/* svmhv itself intercepts no I/O port. */
	nested_merge_iopm(n->iopm, n->l1_iopm_valid ? n->l1_iopm : NULL, NULL);
}

/* VMRUN from L1: copy vmcb12 once, check the copy, build vmcb02 from it. */
static void nested_vmrun(struct vcpu *v)
{
	struct vcpu_nested *n = &v->nested;
	struct nested_caps caps;
	struct nested_host host;
	const char *failed = "";
	uint64_t gpa = v->vmcb01->save.rax, next_rip;

	if (insn_allowed(v) || l1_page(v, gpa))
		return;
	if (!n->hsave_pa || hv_next_rip(v, &next_rip) ||
	    gmem_read(&hv.gmem, gpa, n->vmcb12, sizeof(*n->vmcb12))) {
		if (!n->hsave_pa)
			hv_inject_exception(v, VEC_GP, 1, 0);
		return;
	}
	n->vmcb12_gpa = gpa;
	nested_cache_from_vmcb(&n->cache, n->vmcb12);
	nested_vmrun_save_l1(&n->hsave, v->vmcb01, next_rip);
	caps_of(&caps);
	if (nested_vmcb12_check(&n->cache, &caps, &failed)) {
		hv_debug("nested", "vCPU %u: VMRUN of %llx: VMEXIT_INVALID, %s", v->index,
			 (unsigned long long)gpa, failed);
		nested_vmrun_fail(n->vmcb12);
		gmem_write(&hv.gmem, gpa, n->vmcb12, 0x400);  /* the control area only */
		back_to_l1(v, NULL);
		return;
	}
	tlb_nested_vmrun(&v->tlb, n->cache.asid, n->cache.tlb_control);
	merge_maps(v);
	host = (struct nested_host){
		.n_cr3 = hv.npt_root, .msrpm_pa = n->msrpm_pa, .iopm_pa = n->iopm_pa,
		.l1_tsc_offset = v->vmcb01->control.tsc_offset,
		.asid_l2 = v->tlb.asid[TLB_CTX_L2], .l1_nrips = hv.feat.nrips,
		.l1_save = &v->vmcb01->save,
	};
	nested_intercepts_from_vmcb(&host.intercepts, &hv.vmcb01_control);
	nested_build_vmcb02(n->vmcb02, &n->cache, &host);
	tlb_vmcb_rebuilt(&v->tlb, n->vmcb02, TLB_CTX_L2);
	nested_gif_vmrun(&n->gif);
	tlb_vmcb_switch(&v->tlb, TLB_CTX_L1);
	n->in_l2 = true;
	v->vmcb = n->vmcb02;
	v->vmcb_pa = n->vmcb02_pa;
}

/* #VMEXIT to L1: vmcb02's exit and state into vmcb12, L1 after its VMRUN. */
void hv_nested_reflect(struct vcpu *v)
{
	struct vcpu_nested *n = &v->nested;

	if ((uint32_t)n->vmcb02->control.exit_code == (uint32_t)VMEXIT_INVALID)
		hv_warn("nested", "vCPU %u: the CPU refused vmcb02 (a check nested/ lacks)",
			v->index);
	nested_reflect_exit(n->vmcb12, n->vmcb02, &n->cache, hv.feat.nrips);
	gmem_write(&hv.gmem, n->vmcb12_gpa, n->vmcb12, sizeof(*n->vmcb12));
	tlb_vmcb_switch(&v->tlb, TLB_CTX_L2);
	back_to_l1(v, n->vmcb02);
}

/* Where VMLOAD/VMSAVE state sits in a VMCB page: FS, GS | LDTR | TR | STAR..SYSENTER_EIP. */
static const struct { uint16_t off, len; } vmload_ranges[] = {
	{ offsetof(struct vmcb, save.fs), 2 * sizeof(struct vmcb_seg) },
	{ offsetof(struct vmcb, save.ldtr), sizeof(struct vmcb_seg) },
	{ offsetof(struct vmcb, save.tr), sizeof(struct vmcb_seg) },
	{ offsetof(struct vmcb, save.star), offsetof(struct vmcb, save.cr2) -
					    offsetof(struct vmcb, save.star) },
};

/*
 * VMLOAD / VMSAVE: the state they move is vmcb01's save area for L1. Only
 * those fields of L1's page are read or written, as the CPU does.
 */
static void nested_vmload_vmsave(struct vcpu *v, bool load)
{
	struct vmcb_save *s = &v->vmcb01->save;
	uint64_t gpa = s->rax;
	struct vmcb *page = v->nested.vmcb12;   /* scratch; no VMRUN in flight */
	uint8_t *p = (uint8_t *)page;

	if (insn_allowed(v) || l1_page(v, gpa))
		return;
	if (!load)
		nested_copy_vmload_state(&page->save, s);
	for (unsigned i = 0; i < sizeof(vmload_ranges) / sizeof(vmload_ranges[0]); i++) {
		uint64_t off = vmload_ranges[i].off, len = vmload_ranges[i].len;

		if (load ? gmem_read(&hv.gmem, gpa + off, p + off, len) :
			   gmem_write(&hv.gmem, gpa + off, p + off, len))
			return;                 /* cannot happen after l1_page() */
	}
	if (load)
		nested_copy_vmload_state(s, &page->save);
	hv_skip_insn(v);
}

static void nested_gif_insn(struct vcpu *v, bool stgi)
{
	struct vcpu_nested *n = &v->nested;

	if (insn_allowed(v))
		return;
	if (stgi) {
		nested_gif_stgi(&n->gif);
		if (n->init_held) {             /* an INIT waited for GIF */
			n->init_held = false;
			hv_vcpu_request(v, HV_REQ_INIT);
		}
	} else {
		nested_gif_clgi(&n->gif);
	}
	hv_skip_insn(v);
}

/* SVM instruction exits from vmcb01 (L1). */
void hv_nested_svm_insn(struct vcpu *v, uint64_t exit_code)
{
	switch (exit_code) {
	case VMEXIT_VMRUN:
		nested_vmrun(v);
		return;
	case VMEXIT_VMLOAD:
	case VMEXIT_VMSAVE:
		nested_vmload_vmsave(v, exit_code == VMEXIT_VMLOAD);
		return;
	case VMEXIT_STGI:
	case VMEXIT_CLGI:
		nested_gif_insn(v, exit_code == VMEXIT_STGI);
		return;
	case VMEXIT_INVLPGA:
		if (insn_allowed(v))
			return;
		tlb_invlpga(&v->tlb, v->vmcb01->save.rax, (uint32_t)v->regs.rcx);
		hv_skip_insn(v);
		return;
	default:                                /* SKINIT: never offered */
		hv_inject_exception(v, VEC_UD, 0, 0);
		return;
	}
}

/* An exit from vmcb02: L1's to handle? Returns true when it was reflected. */
bool hv_nested_route(struct vcpu *v)
{
	struct vcpu_nested *n = &v->nested;
	const struct vmcb_control *c = &n->vmcb02->control;

	switch (nested_exit_route(c->exit_code, c->exit_info_1, (uint32_t)v->regs.rcx,
				  &n->cache, n->l1_msrpm_valid ? n->l1_msrpm : NULL,
				  n->l1_iopm_valid ? n->l1_iopm : NULL)) {
	case NESTED_ROUTE_L1:
		hv_nested_reflect(v);
		return true;
	case NESTED_ROUTE_L2_UD:
		hv_inject_exception(v, VEC_UD, 0, 0);
		if (n->reflect)
			hv_nested_reflect(v);
		return true;
	default:
		return false;
	}
}

/* An exception svmhv raises while L2 runs goes to L1 if L1 intercepts it. */
bool hv_nested_exception(struct vcpu *v, unsigned vec, bool has_err, uint32_t err)
{
	struct vcpu_nested *n = &v->nested;

	if (!n->in_l2 || !nested_exception_to_l1(&n->cache, vec))
		return false;
	nested_synth_exception(n->vmcb02, vec, has_err, err, n->vmcb02->save.cr2);
	n->reflect = true;
	return true;
}

static void inject_nmi(struct vmcb *vmcb)
{
	vmcb->control.event_inj = 2 | SVM_EVTINJ_TYPE_NMI | SVM_EVTINJ_VALID;
}

/*
 * Right before VMRUN: deliver what L1's GIF held, gate L1's physical
 * interrupts on its GIF, and choose the host IF for vmcb02.
 * Returns the TLB context about to run.
 */
enum tlb_ctx hv_nested_prepare(struct vcpu *v)
{
	struct vcpu_nested *n = &v->nested;
	enum nested_gif_action act;

	v->host_if = 0;
	if (!hv.boot.nested)
		return TLB_CTX_L1;
	if (n->in_l2) {
		act = nested_gif_l2_event(&n->gif,
					  nested_l1_intercepts(VMEXIT_NMI, 0, 0, &n->cache, NULL, NULL),
					  n->vmcb02->control.event_inj & SVM_EVTINJ_VALID);
		if (act == NESTED_GIF_REFLECT_NMI) {
			nested_synth_exit(n->vmcb02, VMEXIT_NMI, 0, 0);
			hv_nested_reflect(v);
		} else {
			if (act == NESTED_GIF_INJECT_NMI)
				inject_nmi(n->vmcb02);
			else if (act == NESTED_GIF_KICK)
				hv_kick_cpu(v->cpu);
			v->host_if = nested_gif_vmcb02_hif(&n->hsave, n->vmcb02);
			return TLB_CTX_L2;
		}
	}
	/* L1: with GIF = 0 its physical interrupts wait (host IF = 0). APM2 15.21.1 */
	if (n->gif.gif)
		v->vmcb01->control.int_ctl &= ~V_INTR_MASKING_MASK;
	else
		v->vmcb01->control.int_ctl |= V_INTR_MASKING_MASK;
	act = nested_gif_l1_event(&n->gif, v->vmcb01->control.event_inj & SVM_EVTINJ_VALID);
	if (act == NESTED_GIF_INJECT_NMI)
		inject_nmi(v->vmcb01);
	else if (act == NESTED_GIF_KICK)
		hv_kick_cpu(v->cpu);
	return TLB_CTX_L1;
}

/* INIT for a vCPU with nested state: leave L2 (forced), or hold it for GIF. */
bool hv_nested_init(struct vcpu *v)
{
	struct vcpu_nested *n = &v->nested;

	if (!hv.boot.nested)
		return true;
	if (!nested_gif_init_ready(&n->gif) && !n->in_l2) {
		n->init_held = true;
		return false;
	}
	if (n->in_l2) {
		tlb_forced_exit(&v->tlb, true);
		back_to_l1(v, n->vmcb02);
	}
	nested_gif_init(&n->gif);
	n->svme = false;
	n->hsave_pa = 0;
	return true;
}
