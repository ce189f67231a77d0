/* SPDX-License-Identifier: MIT */
/*
 * vmcb02 = svmhv's needs ∪ vmcb12. See: AMD64 APM Vol. 2 (rev. 3.42) 15.5.1
 * (what VMRUN loads), 15.21 (interrupt control), 15.25 (nested paging),
 * 15.30.4 (TSC offset), and nested/merge.h for the invariants.
 */
#include "nested/merge.h"

#include <stddef.h>

#include "svm/msrpm.h"

static void zero_bytes(void *p, size_t n)
{
	uint8_t *b = p;

	while (n--)
		*b++ = 0;
}

/*
 * Union of svmhv's, NESTED_L0_* and L1's intercepts, with no exception: L1
 * gets every exit it asked for, svmhv keeps every one it needs.
 */
static void merge_intercepts(struct vmcb_control *v, const struct nested_vmcb12_cache *c,
			     const struct nested_host *h)
{
	struct nested_intercepts i = h->intercepts;

	i.cr |= c->icpt.cr;
	i.dr |= c->icpt.dr;
	i.exceptions |= c->icpt.exceptions | NESTED_L0_EXCEPTIONS;
	i.misc1 |= c->icpt.misc1 | NESTED_L0_MISC1;
	i.misc2 |= NESTED_L0_MISC2;
	if (h->l2_vgif)         /* L2's STGI/CLGI change vmcb02's V_GIF only */
		i.misc2 &= ~NESTED_L0_GIF_MISC2;
	i.misc2 |= c->icpt.misc2;
	i.misc3 |= c->icpt.misc3;
	nested_intercepts_to_vmcb(v, &i);
}

static void build_control(struct vmcb_control *v, const struct nested_vmcb12_cache *c,
			  const struct nested_host *h)
{
	merge_intercepts(v, c, h);
	if (h->l1_pause_filter) {
		v->pause_filter_thresh = c->pause_filter_thresh;
		v->pause_filter_count = c->pause_filter_count;
	}
	v->iopm_base_pa = h->iopm_pa;
	v->msrpm_base_pa = h->msrpm_pa;
	/* L2's TSC = host TSC + L1's offset + vmcb12's (APM2 15.30.4); wraps. */
	v->tsc_offset = h->l1_tsc_offset + c->tsc_offset;
	/* Every vmcb12 ASID maps onto asid_l2 (DESIGN.md "The TLB contract"). */
	v->asid = h->asid_l2;
	v->tlb_control = TLB_CONTROL_DO_NOTHING;        /* svm/tlb.c's field */
	v->int_ctl = c->int_ctl & (NESTED_INT_CTL_L1_BITS |
				   (h->l2_vgif ? NESTED_INT_CTL_VGIF_BITS : 0));
	v->int_state = c->int_state & SVM_INTERRUPT_SHADOW_MASK;
	v->event_inj = c->event_inj;    /* checked by nested_vmcb12_check() */
	/*
	 * Always nested paging: svmhv's tables (L2's physical space is L1's) or,
	 * when L1 uses nested paging, their shadow composition (nested/shadow.h).
	 */
	v->nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	v->n_cr3 = h->n_cr3;
	/* VMLOAD/VMSAVE are always intercepted: never virtualize them. */
	v->virt_ext = h->virt_ext & ~VIRT_EXT_V_VMLOAD_VMSAVE;
	v->clean = 0;
	/*
	 * NextRIP matters for injected soft interrupts. Without NRIPS, L1 has
	 * already moved RIP past the INTn it injects (as KVM assumes).
	 */
	v->next_rip = h->l1_nrips ? c->next_rip : c->rip;
}

/* What VMRUN loads from vmcb12 (APM2 15.5.1); the rest is shared with L1. */
static void build_save(struct vmcb_save *s, const struct nested_vmcb12_cache *c,
		       const struct nested_host *h)
{
	nested_copy_shared(s, h->l1_save, !h->l1_npt);
	s->es = c->es;
	s->cs = c->cs;
	s->ss = c->ss;
	s->ds = c->ds;
	s->gdtr = c->gdtr;
	s->idtr = c->idtr;
	s->cpl = c->cpl;
	s->efer = c->efer;              /* SVME set: checked */
	s->cr0 = c->cr0;
	s->cr2 = c->cr2;
	s->cr3 = c->cr3;
	s->cr4 = c->cr4;
	s->dr6 = c->dr6;
	s->dr7 = c->dr7 | DR7_FIXED;
	s->rflags = c->rflags | RFLAGS_FIXED;
	s->rip = c->rip;
	s->rsp = c->rsp;
	s->rax = c->rax;
	s->s_cet = c->s_cet;
	s->ssp = c->ssp;
	s->isst_addr = c->isst_addr;
	if (h->l1_npt)                  /* L2's PAT is vmcb12's with nested paging, APM2 15.25.8 */
		s->g_pat = c->g_pat;
}

uint64_t nested_int_ctl_writeback(uint64_t vmcb02_int_ctl)
{
	return NESTED_INT_CTL_WRITEBACK |
	       (vmcb02_int_ctl & V_GIF_ENABLE_MASK ? V_GIF_MASK : 0);
}

void nested_build_vmcb02(struct vmcb *vmcb02, const struct nested_vmcb12_cache *c,
			 const struct nested_host *h)
{
	zero_bytes(vmcb02, sizeof(*vmcb02));
	build_control(&vmcb02->control, c, h);
	build_save(&vmcb02->save, c, h);
}

void nested_copy_vmload_state(struct vmcb_save *to, const struct vmcb_save *from)
{
	to->fs = from->fs;
	to->gs = from->gs;
	to->tr = from->tr;
	to->ldtr = from->ldtr;
	to->kernel_gs_base = from->kernel_gs_base;
	to->star = from->star;
	to->lstar = from->lstar;
	to->cstar = from->cstar;
	to->sfmask = from->sfmask;
	to->sysenter_cs = from->sysenter_cs;
	to->sysenter_esp = from->sysenter_esp;
	to->sysenter_eip = from->sysenter_eip;
}

void nested_copy_shared(struct vmcb_save *to, const struct vmcb_save *from, bool with_pat)
{
	nested_copy_vmload_state(to, from);
	if (with_pat)
		to->g_pat = from->g_pat;
	to->dbgctl = from->dbgctl;
	to->br_from = from->br_from;
	to->br_to = from->br_to;
	to->last_excp_from = from->last_excp_from;
	to->last_excp_to = from->last_excp_to;
	to->spec_ctrl = from->spec_ctrl;
}

bool nested_l1_uses_msrpm(const struct nested_vmcb12_cache *c)
{
	return nested_icpt_test(&c->icpt, INTERCEPT_MSR_PROT);
}

bool nested_l1_uses_iopm(const struct nested_vmcb12_cache *c)
{
	return nested_icpt_test(&c->icpt, INTERCEPT_IOIO_PROT);
}

static uint64_t load64(const uint8_t *map, size_t off)
{
	uint64_t v = 0;

	if (map)
		__builtin_memcpy(&v, map + off, sizeof(v));
	return v;
}

/* Eight bytes at a time; both sizes are multiples of 8. */
static void merge_map(uint8_t *out, const uint8_t *l1_map, const uint8_t *svmhv_map,
		      size_t size)
{
	size_t off;

	for (off = 0; off < size; off += sizeof(uint64_t)) {
		uint64_t v = load64(l1_map, off) | load64(svmhv_map, off);

		__builtin_memcpy(out + off, &v, sizeof(v));
	}
}

void nested_merge_msrpm(uint8_t *out, const uint8_t *l1_map, const uint8_t *svmhv_map)
{
	merge_map(out, l1_map, svmhv_map, SVM_MSRPM_SIZE);
}

void nested_merge_iopm(uint8_t *out, const uint8_t *l1_map, const uint8_t *svmhv_map)
{
	merge_map(out, l1_map, svmhv_map, SVM_IOPM_SIZE);
}

_Static_assert(SVM_MSRPM_SIZE % 8 == 0 && SVM_IOPM_SIZE % 8 == 0, "merge_map stride");
