/* SPDX-License-Identifier: MIT */
/*
 * The emulated #VMEXIT to L1: vmcb12 gets L2's exit and state, L1 gets its
 * VMRUN-time state back. See: AMD64 APM Vol. 2 (rev. 3.42) 15.5.1 (host
 * state saved by VMRUN), 15.6 "#VMEXIT", 15.7.1 (NextRIP), 15.7.2
 * (EXITINTINFO), 15.21.1 (V_TPR / V_IRQ written back).
 */
#include "nested/exit.h"

#include "nested/merge.h"

#include <stddef.h>

/* int_state bits the CPU writes at #VMEXIT: shadow, GUEST_INTERRUPT_MASK. */
#define INT_STATE_WRITEBACK     3ull

static void reflect_control(struct vmcb_control *c12, const struct vmcb_control *c02,
			    const struct nested_vmcb12_cache *c, bool l1_has_nrips)
{
	uint64_t wb = nested_int_ctl_writeback(c02->int_ctl);

	c12->exit_code = c02->exit_code;
	c12->exit_info_1 = c02->exit_info_1;
	c12->exit_info_2 = c02->exit_info_2;
	c12->exit_int_info = c02->exit_int_info;
	if (l1_has_nrips)
		c12->next_rip = c02->next_rip;
	c12->int_ctl = (c->int_ctl & ~wb) | (c02->int_ctl & wb);
	c12->int_state = c02->int_state & INT_STATE_WRITEBACK;
	c12->event_inj = 0;
}

static void reflect_save(struct vmcb_save *s12, const struct vmcb_save *s02)
{
	s12->es = s02->es;
	s12->cs = s02->cs;
	s12->ss = s02->ss;
	s12->ds = s02->ds;
	s12->gdtr = s02->gdtr;
	s12->idtr = s02->idtr;
	s12->efer = s02->efer;
	s12->cr0 = s02->cr0;
	s12->cr2 = s02->cr2;
	s12->cr3 = s02->cr3;
	s12->cr4 = s02->cr4;
	s12->dr6 = s02->dr6;
	s12->dr7 = s02->dr7;
	s12->rflags = s02->rflags;
	s12->rip = s02->rip;
	s12->rsp = s02->rsp;
	s12->rax = s02->rax;
	s12->cpl = s02->cpl;
}

#define RANGE(first, last) \
	{ offsetof(struct vmcb, first), \
	  offsetof(struct vmcb, last) + sizeof(((struct vmcb *)0)->last) - offsetof(struct vmcb, first) }

/* What reflect_control() and reflect_save() write, in page order. */
#define VMEXIT_RANGES \
	RANGE(control.int_ctl, control.exit_int_info),  /* int_ctl .. EXITINTINFO */ \
	RANGE(control.event_inj, control.event_inj), \
	RANGE(save.es, save.ds), \
	RANGE(save.gdtr, save.gdtr), \
	RANGE(save.idtr, save.idtr), \
	RANGE(save.cpl, save.cpl), \
	RANGE(save.efer, save.efer), \
	RANGE(save.cr4, save.rip),                      /* CR4 CR3 CR0 DR7 DR6 RFLAGS RIP */ \
	RANGE(save.rsp, save.rsp), \
	RANGE(save.rax, save.rax), \
	RANGE(save.cr2, save.cr2)
#define G_PAT_RANGE     RANGE(save.g_pat, save.g_pat)           /* with nested paging */
#define NEXT_RIP_RANGE  RANGE(control.next_rip, control.next_rip) /* with NRIPS */

static const struct nested_range vmexit_ranges[] = { VMEXIT_RANGES };
static const struct nested_range vmexit_ranges_nrips[] = { VMEXIT_RANGES, NEXT_RIP_RANGE };
static const struct nested_range vmexit_ranges_npt[] = { VMEXIT_RANGES, G_PAT_RANGE };
static const struct nested_range vmexit_ranges_npt_nrips[] = {
	VMEXIT_RANGES, G_PAT_RANGE, NEXT_RIP_RANGE
};

static const struct nested_range vmrun_fail_ranges[] = {
	RANGE(control.exit_code, control.exit_int_info),
	RANGE(control.event_inj, control.event_inj),
};

#define RANGES(a) (*n = sizeof(a) / sizeof((a)[0]), (a))

const struct nested_range *nested_vmexit_ranges(bool l1_has_nrips, bool l1_npt, unsigned *n)
{
	if (l1_npt)
		return l1_has_nrips ? RANGES(vmexit_ranges_npt_nrips) : RANGES(vmexit_ranges_npt);
	return l1_has_nrips ? RANGES(vmexit_ranges_nrips) : RANGES(vmexit_ranges);
}

const struct nested_range *nested_vmrun_fail_ranges(unsigned *n)
{
	*n = sizeof(vmrun_fail_ranges) / sizeof(vmrun_fail_ranges[0]);
	return vmrun_fail_ranges;
}

void nested_vmrun_fail(struct vmcb *vmcb12)
{
	struct vmcb_control *c12 = &vmcb12->control;

	c12->exit_code = VMEXIT_INVALID;
	c12->exit_info_1 = 0;
	c12->exit_info_2 = 0;
	c12->exit_int_info = 0;
	c12->event_inj = 0;
}

void nested_reflect_exit(struct vmcb *vmcb12, const struct vmcb *vmcb02,
			 const struct nested_vmcb12_cache *c, bool l1_has_nrips)
{
	if (nested_is_vmrun_failure(vmcb02->control.exit_code)) {
		/* Architectural value, not QEMU's 0x00000000ffffffff. */
		nested_vmrun_fail(vmcb12);
		return;
	}
	reflect_control(&vmcb12->control, &vmcb02->control, c, l1_has_nrips);
	reflect_save(&vmcb12->save, &vmcb02->save);
	if (c->nested_ctl & SVM_NESTED_CTL_NP_ENABLE)   /* L2's own PAT, APM2 15.25.8 */
		vmcb12->save.g_pat = vmcb02->save.g_pat;
}

void nested_vmrun_save_l1(struct nested_hsave *h, const struct vmcb *vmcb01, uint64_t next_rip)
{
	const struct vmcb_save *s = &vmcb01->save;

	h->es = s->es;
	h->cs = s->cs;
	h->ss = s->ss;
	h->ds = s->ds;
	h->gdtr = s->gdtr;
	h->idtr = s->idtr;
	h->efer = s->efer;
	h->cr0 = s->cr0;
	h->cr3 = s->cr3;
	h->cr4 = s->cr4;
	h->rflags = s->rflags;
	h->rip = next_rip;
	h->rsp = s->rsp;
	h->rax = s->rax;
}

/* What L2 changed of the state it shares with L1 stays changed for L1. */
static void take_shared(struct vmcb_save *s01, const struct vmcb_save *s02, bool l1_npt)
{
	nested_copy_shared(s01, s02, !l1_npt);
	s01->cr2 = s02->cr2;
	s01->dr6 = s02->dr6;
}

void nested_vmexit_load_l1(struct vmcb *vmcb01, const struct nested_hsave *h,
			   const struct vmcb *vmcb02, bool l1_npt)
{
	struct vmcb_save *s = &vmcb01->save;

	if (vmcb02)
		take_shared(s, &vmcb02->save, l1_npt);
	s->es = h->es;
	s->cs = h->cs;
	s->ss = h->ss;
	s->ds = h->ds;
	s->gdtr = h->gdtr;
	s->idtr = h->idtr;
	s->efer = h->efer;
	s->cr0 = h->cr0 | CR0_PE;
	s->cr3 = h->cr3;
	s->cr4 = h->cr4;
	s->rflags = h->rflags | RFLAGS_FIXED;
	s->rip = h->rip;
	s->rsp = h->rsp;
	s->rax = h->rax;
	s->dr7 = DR7_FIXED;
	s->cpl = 0;
	vmcb01->control.int_state = 0;
	vmcb01->control.event_inj = 0;
	vmcb01->control.exit_int_info = 0;
}
