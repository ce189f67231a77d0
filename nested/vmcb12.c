/* SPDX-License-Identifier: MIT */
/*
 * The vmcb12 cache: one copy of L1's VMCB, taken once per VMRUN.
 * See: AMD64 APM Vol. 2 (rev. 3.42) Appendix B, 15.10.1 and 15.11 (bits 11:0
 * of IOPM_BASE_PA / MSRPM_BASE_PA are ignored), 15.21 (interrupt shadow).
 */
#include "nested/vmcb12.h"

void nested_intercepts_from_vmcb(struct nested_intercepts *out, const struct vmcb_control *c)
{
	out->cr = c->intercept_cr;
	out->dr = c->intercept_dr;
	out->exceptions = c->intercept_exceptions;
	out->misc1 = c->intercept_misc1;
	out->misc2 = c->intercept_misc2;
	out->misc3 = c->intercept_misc3;
}

void nested_intercepts_to_vmcb(struct vmcb_control *c, const struct nested_intercepts *in)
{
	c->intercept_cr = in->cr;
	c->intercept_dr = in->dr;
	c->intercept_exceptions = in->exceptions;
	c->intercept_misc1 = in->misc1;
	c->intercept_misc2 = in->misc2;
	c->intercept_misc3 = in->misc3;
}

bool nested_icpt_test(const struct nested_intercepts *i, unsigned bit)
{
	if (bit < 32)
		return (i->misc1 >> bit) & 1u;
	if (bit < 64)
		return (i->misc2 >> (bit - 32)) & 1u;
	if (bit < 96)
		return (i->misc3 >> (bit - 64)) & 1u;
	return false;
}

void nested_icpt_set(struct nested_intercepts *i, unsigned bit)
{
	if (bit < 32)
		i->misc1 |= BIT(bit);
	else if (bit < 64)
		i->misc2 |= BIT(bit - 32);
	else if (bit < 96)
		i->misc3 |= BIT(bit - 64);
}

static void cache_control(struct nested_vmcb12_cache *c, const struct vmcb_control *v)
{
	nested_intercepts_from_vmcb(&c->icpt, v);
	c->pause_filter_thresh = v->pause_filter_thresh;
	c->pause_filter_count = v->pause_filter_count;
	c->iopm_base_pa = v->iopm_base_pa & ~0xfffull;
	c->msrpm_base_pa = v->msrpm_base_pa & ~0xfffull;
	c->tsc_offset = v->tsc_offset;
	c->asid = v->asid;
	c->tlb_control = v->tlb_control;
	c->int_ctl = v->int_ctl;
	c->int_state = v->int_state & SVM_INTERRUPT_SHADOW_MASK;
	c->event_inj = v->event_inj;
	c->nested_ctl = v->nested_ctl;
	c->n_cr3 = v->n_cr3;
	c->virt_ext = v->virt_ext;
	c->next_rip = v->next_rip;
}

static void cache_save(struct nested_vmcb12_cache *c, const struct vmcb_save *s)
{
	c->es = s->es;
	c->cs = s->cs;
	c->ss = s->ss;
	c->ds = s->ds;
	c->fs = s->fs;
	c->gs = s->gs;
	c->gdtr = s->gdtr;
	c->ldtr = s->ldtr;
	c->idtr = s->idtr;
	c->tr = s->tr;
	c->cpl = s->cpl;
	c->efer = s->efer;
	c->cr0 = s->cr0;
	c->cr2 = s->cr2;
	c->cr3 = s->cr3;
	c->cr4 = s->cr4;
	c->dr6 = s->dr6;
	c->dr7 = s->dr7;
	c->rflags = s->rflags;
	c->rip = s->rip;
	c->rsp = s->rsp;
	c->rax = s->rax;
	c->star = s->star;
	c->lstar = s->lstar;
	c->cstar = s->cstar;
	c->sfmask = s->sfmask;
	c->kernel_gs_base = s->kernel_gs_base;
	c->sysenter_cs = s->sysenter_cs;
	c->sysenter_esp = s->sysenter_esp;
	c->sysenter_eip = s->sysenter_eip;
	c->s_cet = s->s_cet;
	c->ssp = s->ssp;
	c->isst_addr = s->isst_addr;
	c->g_pat = s->g_pat;
	c->dbgctl = s->dbgctl;
}

void nested_cache_from_vmcb(struct nested_vmcb12_cache *c, const struct vmcb *copy)
{
	cache_control(c, &copy->control);
	cache_save(c, &copy->save);
}
