/* SPDX-License-Identifier: MIT */
/*
 * Capture the running firmware's CPU state into vmcb01, so that VMRUN resumes
 * it exactly where it stood. Runs in the firmware's context (its GDT, CR3, TR).
 * The hidden parts of FS/GS/TR/LDTR and the syscall MSRs are taken by VMSAVE
 * (svm/capture.h callers do that); this fills everything VMSAVE does not.
 * See: APM2 15.5.1 (VMRUN state checks), 15.5.2 (VMSAVE).
 */
#include "svm/capture.h"

#include "svm/hw.h"
#include "svm/seg.h"

static void capture_seg(struct vmcb_seg *s, uint16_t sel, const struct desc_ptr *gdtr)
{
	uint64_t desc = 0;

	/* Firmware runs from its GDT; an LDT selector (TI = 1) is not expected. */
	if ((sel & ~7u) && !(sel & 4) && (sel | 7u) <= gdtr->limit)
		desc = *(const uint64_t *)(uintptr_t)(gdtr->base + (sel & ~7u));
	vmcb_seg_from_desc(s, sel, desc);
}

void vmcb_capture_current(struct vmcb *v, uint64_t rip, uint64_t rsp, uint64_t rflags,
			  uint64_t cr3)
{
	struct vmcb_save *s = &v->save;
	struct desc_ptr gdtr, idtr;

	sgdt(&gdtr);
	sidt(&idtr);
	capture_seg(&s->es, read_es(), &gdtr);
	capture_seg(&s->cs, read_cs(), &gdtr);
	capture_seg(&s->ss, read_ss(), &gdtr);
	capture_seg(&s->ds, read_ds(), &gdtr);
	s->gdtr.base = gdtr.base;
	s->gdtr.limit = gdtr.limit;
	s->idtr.base = idtr.base;
	s->idtr.limit = idtr.limit;
	s->cpl = 0;
	s->efer = rdmsr(MSR_EFER) | EFER_SVME;  /* VMRUN requires SVME in guest EFER */
	s->cr0 = read_cr0();
	s->cr2 = read_cr2();
	s->cr3 = cr3;
	s->cr4 = read_cr4();
	s->dr6 = read_dr6();
	s->dr7 = read_dr7();
	s->g_pat = rdmsr(MSR_PAT);
	s->dbgctl = rdmsr(MSR_DEBUGCTL);
	s->rflags = rflags;
	s->rip = rip;
	s->rsp = rsp;
	s->rax = 0;                             /* efi_takeover() returns 0 */
}
