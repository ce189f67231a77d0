/* SPDX-License-Identifier: MIT */
/*
 * nested/vmcb12 — svmhv's private copy of L1's VMCB (DESIGN.md "Nested SVM":
 * copy -> check -> merge). See: AMD64 APM Vol. 2 (rev. 3.42) 15.5.1 (what
 * VMRUN loads), Appendix B (layout).
 *
 * The caller copies the vmcb12 page out of L1 memory exactly once per VMRUN
 * and hands the copy to nested_cache_from_vmcb(); everything after that
 * (checks, merge, #VMEXIT routing) reads this cache only, so L1 rewriting
 * its page from another vCPU changes nothing (no double fetch).
 *
 * Pure: freestanding hypervisor and host unit tests.
 */
#ifndef SVMHV_NESTED_VMCB12_H
#define SVMHV_NESTED_VMCB12_H

#include <stdbool.h>
#include <stdint.h>

#include "svm/vmcb.h"

/* virt_ext (VMCB +0x0b8), APM2 15.23, 15.33.1. */
#define VIRT_EXT_LBR_ENABLE     BIT_ULL(0)
#define VIRT_EXT_V_VMLOAD_VMSAVE BIT_ULL(1)

/* The six intercept words of a VMCB control area, APM2 Table B-1. */
struct nested_intercepts {
	uint32_t cr;                    /* reads 0..15, writes 16..31 */
	uint32_t dr;                    /* reads 0..15, writes 16..31 */
	uint32_t exceptions;            /* one bit per vector */
	uint32_t misc1;                 /* INTERCEPT_INTR .. INTERCEPT_SHUTDOWN */
	uint32_t misc2;                 /* INTERCEPT_VMRUN .. CR write traps */
	uint32_t misc3;                 /* INTERCEPT_INVLPGB .. */
};

/*
 * The vmcb12 fields svmhv uses. Control: what L1 asks for L2. Save: the
 * state VMRUN loads (ES, CS, SS, DS, GDTR, IDTR, CPL, EFER, CRx, DR6/7,
 * RFLAGS, RIP, RSP, RAX, CET) plus the VMLOAD/VMSAVE and LBR fields, kept for
 * completeness and for dumps: VMRUN does not load those (APM2 15.5.1), so
 * nested_build_vmcb02() takes them from L1's current state instead.
 */
struct nested_vmcb12_cache {
	struct nested_intercepts icpt;
	uint16_t pause_filter_thresh;
	uint16_t pause_filter_count;
	uint64_t iopm_base_pa;          /* bits 11:0 cleared: ignored by the CPU */
	uint64_t msrpm_base_pa;         /* bits 11:0 cleared: ignored by the CPU */
	uint64_t tsc_offset;
	uint32_t asid;
	uint8_t tlb_control;
	uint64_t int_ctl;               /* incl. V_INTR_VECTOR in bits 39:32 */
	uint64_t int_state;             /* interrupt shadow only */
	uint64_t event_inj;             /* raw: nested_vmcb12_check() judges it */
	uint64_t nested_ctl;
	uint64_t n_cr3;
	uint64_t virt_ext;
	uint64_t next_rip;

	struct vmcb_seg es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr;
	uint8_t cpl;
	uint64_t efer, cr0, cr2, cr3, cr4, dr6, dr7;
	uint64_t rflags, rip, rsp, rax;
	uint64_t star, lstar, cstar, sfmask, kernel_gs_base;
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
	uint64_t s_cet, ssp, isst_addr;
	uint64_t g_pat, dbgctl;
};

/* Fill the cache from the one copy of vmcb12 the caller took. */
void nested_cache_from_vmcb(struct nested_vmcb12_cache *c, const struct vmcb *copy);

void nested_intercepts_from_vmcb(struct nested_intercepts *out, const struct vmcb_control *c);
void nested_intercepts_to_vmcb(struct vmcb_control *c, const struct nested_intercepts *in);

/*
 * Is intercept bit @bit set? Numbering as svm/vmcb.h: 0..31 misc1,
 * 32..63 misc2, 64..95 misc3 (INTERCEPT_INVLPGB ..). Out of range: false.
 */
bool nested_icpt_test(const struct nested_intercepts *i, unsigned bit);
void nested_icpt_set(struct nested_intercepts *i, unsigned bit);

#endif /* SVMHV_NESTED_VMCB12_H */
