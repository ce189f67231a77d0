/* SPDX-License-Identifier: MIT */
/*
 * nested/merge — the "merge" of copy -> check -> merge: vmcb02 = svmhv's
 * needs ∪ what L1 asked for in vmcb12. See: AMD64 APM Vol. 2 (rev. 3.42)
 * 15.5.1 (VMRUN), 15.9-15.13 (intercepts), 15.10.1 / 15.11 (permission
 * maps), 15.21 (interrupt control), 15.25 (nested paging), 15.30.4 (TSC).
 *
 * L1 is not offered nested paging: L2's guest-physical space is L1's
 * physical space, which svmhv's own nested page tables already map (and
 * validate). So vmcb02 runs with svmhv's NP_ENABLE and nCR3, and L1 shadows
 * L2's page tables itself, as kvm_amd does with npt=0.
 *
 * Invariants (tests/unit/test_nested_merge.c fuzzes them), whatever vmcb12
 * holds:
 *   - every intercept in nested_host.intercepts and in NESTED_L0_* is set;
 *     the intercepts are exactly host ∪ NESTED_L0_* ∪ L1's; except, with
 *     l2_vgif, STGI and CLGI: then only L1's (NESTED_L0_MISC2);
 *   - ASID = asid_l2, NP_ENABLE with svmhv's nCR3, svmhv's MSRPM/IOPM;
 *   - int_ctl holds no bit but V_TPR, V_IRQ, V_INTR_PRIO, V_IGN_TPR,
 *     V_INTR_MASKING, V_INTR_VECTOR, and with l2_vgif V_GIF_ENABLE and
 *     vmcb12's V_GIF (never AVIC, vNMI);
 *   - TLB_CONTROL = 0 (svm/tlb.c owns it), clean bits = 0.
 *
 * Pure: freestanding hypervisor and host unit tests.
 */
#ifndef SVMHV_NESTED_MERGE_H
#define SVMHV_NESTED_MERGE_H

#include <stdbool.h>
#include <stdint.h>

#include "nested/vmcb12.h"

/*
 * Intercepts vmcb02 always has, on top of svmhv's vmcb01 set:
 *  NMI        kicks, and NMIs L1 must get (held while L1's GIF = 0);
 *  SMI        taken by the firmware's SMM in host mode, never inside a guest;
 *  INIT       a physical INIT must never reach L2;
 *  CPUID      L2 sees what L1 would see without svmhv's filter otherwise;
 *  MSR_PROT   svmhv's MSRPM (EFER, APIC base, x2APIC ICR) still applies;
 *  SHUTDOWN   a triple fault in L2 is L1's (if it asks) or svmhv's;
 *  VMRUN .. SKINIT, INVLPGA  the SVM instructions: L1's to intercept, else
 *             svmhv's (never run by the hardware on L2's behalf: GIF and
 *             VMLOAD/VMSAVE addresses are svmhv's business). STGI and CLGI
 *             only while vmcb02 has no V_GIF_ENABLE: run by the CPU they
 *             would change the physical GIF and so gate svmhv's own NMIs,
 *             interrupts and INIT. With vmcb12's V_GIF_ENABLE honoured
 *             (nested_host.l2_vgif) they change vmcb02's V_GIF only, which
 *             gates nothing but L2's virtual interrupts (APM2 15.33.2): the
 *             CPU runs them (nested/gif.h);
 *  #DB, #AC   no endless exception chains (CVE-2015-5307, CVE-2015-8104).
 * VMMCALL, IOIO_PROT and the rest come from nested_host.intercepts (svmhv's
 * vmcb01) and from L1. See nested/exit.h for how each exit is routed.
 */
#define NESTED_L0_MISC1         (BIT(INTERCEPT_NMI) | BIT(INTERCEPT_SMI) |       \
				 BIT(INTERCEPT_INIT) |                             \
				 BIT(INTERCEPT_CPUID) | BIT(INTERCEPT_MSR_PROT) | \
				 BIT(INTERCEPT_SHUTDOWN) | BIT(INTERCEPT_INVLPGA))
#define NESTED_L0_MISC2         (BIT(INTERCEPT_VMRUN - 32) | BIT(INTERCEPT_VMLOAD - 32) | \
				 BIT(INTERCEPT_VMSAVE - 32) | BIT(INTERCEPT_STGI - 32) |  \
				 BIT(INTERCEPT_CLGI - 32) | BIT(INTERCEPT_SKINIT - 32))
#define NESTED_L0_EXCEPTIONS    (BIT(1) | BIT(17))

/* int_ctl bits L1 controls in vmcb02 (APM2 15.21.1-15.21.3). */
#define NESTED_INT_CTL_L1_BITS  (V_TPR_MASK | V_IRQ_MASK | V_INTR_PRIO_MASK | \
				 V_IGN_TPR_MASK | V_INTR_MASKING_MASK |       \
				 (0xffull << V_INTR_VECTOR_SHIFT))
/* ... and with vmcb12's V_GIF_ENABLE honoured (nested_l2_vgif()), APM2 15.33.2. */
#define NESTED_INT_CTL_VGIF_BITS (V_GIF_MASK | V_GIF_ENABLE_MASK)
/* vmcb02's intercepts that l2_vgif drops unless L1 asks for them. */
#define NESTED_L0_GIF_MISC2     (BIT(INTERCEPT_STGI - 32) | BIT(INTERCEPT_CLGI - 32))
/*
 * int_ctl bits the CPU writes back at #VMEXIT (APM2 15.21.1); V_GIF too when
 * vmcb02 has V_GIF_ENABLE (nested_int_ctl_writeback()).
 */
#define NESTED_INT_CTL_WRITEBACK (V_TPR_MASK | V_IRQ_MASK)

/* svmhv's side of vmcb02. */
struct nested_host {
	/* svmhv's own intercepts: vmcb01's at rest (no GIF-hold CR8 bits). */
	struct nested_intercepts intercepts;
	uint64_t n_cr3;                 /* svmhv's nested page tables for L1 memory */
	uint64_t msrpm_pa;              /* the merged MSRPM (nested_merge_msrpm) */
	uint64_t iopm_pa;               /* the merged IOPM (nested_merge_iopm) */
	uint64_t l1_tsc_offset;         /* vmcb01.control.tsc_offset */
	uint64_t virt_ext;              /* svmhv's own virt_ext (LBR virtualization) */
	uint32_t asid_l2;               /* the vCPU's fixed L2 ASID */
	bool l1_npt;                    /* vmcb12 uses nested paging: n_cr3 is the
					 * shadow, G_PAT is vmcb12's */
	bool l1_nrips;                  /* NRIPS offered to L1 */
	bool l1_pause_filter;           /* PAUSE filter count/threshold offered to L1 */
	bool l2_vgif;                   /* vmcb12's V_GIF_ENABLE honoured: nested_l2_vgif() */
	/*
	 * vmcb01.save: the state L2 shares with L1 because VMRUN does not
	 * switch it (VMLOAD/VMSAVE state, PAT without nested NPT, DEBUGCTL and
	 * LBRs, SPEC_CTRL). Must not be NULL.
	 */
	const struct vmcb_save *l1_save;
};

/*
 * The int_ctl bits of vmcb02 the CPU's #VMEXIT updates and the emulated one
 * copies into vmcb12: V_TPR, V_IRQ; V_GIF when vmcb02_int_ctl has
 * V_GIF_ENABLE (L2's STGI/CLGI changed it without an exit).
 */
uint64_t nested_int_ctl_writeback(uint64_t vmcb02_int_ctl);

/* Build vmcb02 from scratch from the checked cache and svmhv's needs. */
void nested_build_vmcb02(struct vmcb *vmcb02, const struct nested_vmcb12_cache *c,
			 const struct nested_host *h);

/*
 * State VMRUN and #VMEXIT leave alone, so L1 and L2 share it (APM2 15.5.1,
 * 15.5.2): FS, GS, TR, LDTR, KernelGSBase, STAR, LSTAR, CSTAR, SFMASK,
 * SYSENTER_*, DEBUGCTL/LBRs, SPEC_CTRL, and G_PAT (with_pat) unless L1 uses
 * nested paging (then L2's PAT is vmcb12's own). svmhv keeps it in
 * whichever VMCB runs: copy it over on every switch.
 */
void nested_copy_shared(struct vmcb_save *to, const struct vmcb_save *from, bool with_pat);
/* The part VMLOAD and VMSAVE move (APM2 15.5.2): FS, GS, TR, LDTR, syscall MSRs. */
void nested_copy_vmload_state(struct vmcb_save *to, const struct vmcb_save *from);

/* Does L1 want its MSRPM / IOPM consulted (MSR_PROT / IOIO_PROT set)? */
bool nested_l1_uses_msrpm(const struct nested_vmcb12_cache *c);
bool nested_l1_uses_iopm(const struct nested_vmcb12_cache *c);

/*
 * out = svmhv_map | l1_map, SVM_MSRPM_SIZE / SVM_IOPM_SIZE bytes; a set bit
 * means "intercept" in all three. l1_map is svmhv's private copy of L1's
 * map, NULL when L1 does not intercept (MSR_PROT / IOIO_PROT clear).
 * svmhv_map is NULL when svmhv itself does not intercept (IOIO_PROT clear in
 * vmcb01): its map must not add exits svmhv has no handler for.
 */
void nested_merge_msrpm(uint8_t *out, const uint8_t *l1_map, const uint8_t *svmhv_map);
void nested_merge_iopm(uint8_t *out, const uint8_t *l1_map, const uint8_t *svmhv_map);

#endif /* SVMHV_NESTED_MERGE_H */
