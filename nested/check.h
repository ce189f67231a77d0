/* SPDX-License-Identifier: MIT */
/*
 * nested/check — the "check" of copy -> check -> merge, on the vmcb12 cache.
 * See: AMD64 APM Vol. 2 (rev. 3.42) 15.5.1 (VMRUN consistency checks),
 * 15.20 (EVENTINJ), 15.16.1 (TLB_CONTROL), 15.10.1 / 15.11 (IOPM / MSRPM),
 * and the VMRUN instruction reference in APM Vol. 3 (#UD / #GP conditions).
 *
 * Two error classes (STYLE.md 8), both guest-caused and architectural:
 *   - a bad vmcb12 *address* (VMRUN/VMLOAD/VMSAVE rAX, VM_HSAVE_PA): #GP(0)
 *     in L1, nested_vmcb12_gpa_check() returns -1;
 *   - a bad vmcb12 *content*: VMRUN "succeeds" with #VMEXIT(VMEXIT_INVALID)
 *     to L1, nested_vmcb12_check() returns NESTED_EINVALID and names the
 *     failing check, e.g. "CC(!vmrun_intercept)".
 * At least as strict as KVM's nested_vmcb_check_controls() and
 * nested_vmcb_check_save(); stricter where svmhv offers less (no nested
 * NPT, no SEV, no #VC) or where the APM calls a value reserved.
 *
 * Pure: freestanding hypervisor and host unit tests.
 */
#ifndef SVMHV_NESTED_CHECK_H
#define SVMHV_NESTED_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "nested/vmcb12.h"

#define NESTED_EINVALID         (-22)

/* What L1 is offered / what this CPU supports, for the checks. */
struct nested_caps {
	unsigned maxphyaddr;            /* L1's MAXPHYADDR (CPUID 8000_0008 EAX[7:0]) */
	uint64_t efer_allowed;          /* EFER bits L2 may hold (hv.efer_allowed); SVME implied */
	uint64_t cr4_allowed;           /* CR4 bits L2 may hold: nested_cr4_allowed() */
	uint64_t svmhv_base;            /* svmhv's reserved memory: no permission map */
	uint64_t svmhv_size;            /*   (MSRPM, IOPM) may overlap it */
	bool l1_npt;                    /* nested paging offered to L1 */
	bool shstk;                     /* #CP (21) is a defined exception (CET offered) */
	bool vgif;                      /* VGIF offered to L1 (CPUID 8000_000A EDX[16]) */
};

/*
 * Does L2 run with vmcb12's virtual GIF (APM2 15.33.2)? V_GIF_ENABLE set and
 * VGIF offered. Not offered: V_GIF_ENABLE and V_GIF are ignored, not an
 * error (KVM's nested_vgif_enabled(); the APM gives no VMRUN check for
 * them), and L2's STGI/CLGI act on the GIF as without VGIF. V_GIF without
 * V_GIF_ENABLE means nothing either way.
 */
bool nested_l2_vgif(const struct nested_vmcb12_cache *c, const struct nested_caps *caps);

/* A PAT value (G_PAT, the PAT MSR) whose every entry is a defined type. */
bool nested_pat_valid(uint64_t pat);

/* 0, or NESTED_EINVALID with *failed (if failed != NULL) naming the check. */
int nested_vmcb12_check(const struct nested_vmcb12_cache *c, const struct nested_caps *caps,
			const char **failed);

/*
 * The register-state half of nested_vmcb12_check() (APM2 15.5.1 illegal
 * guest state), for any VMCB's state: svmhv asks it when the CPU refused
 * vmcb01 (hv/invalid.c). 0, or NESTED_EINVALID naming the check.
 */
int nested_save_check(const struct nested_vmcb12_cache *c, const struct nested_caps *caps,
		      const char **failed);

/*
 * [gpa, gpa + size) is L1 memory: below 2^maxphyaddr, no wrap, and not
 * overlapping svmhv's [svmhv_base, svmhv_base + svmhv_size). 0 or -1.
 * For the MSRPM (SVM_MSRPM_SIZE), IOPM (SVM_IOPM_SIZE) and any other range.
 */
int nested_gpa_range_check(uint64_t gpa, uint64_t size, unsigned maxphyaddr,
			   uint64_t svmhv_base, uint64_t svmhv_size);

/*
 * A VMCB-sized page address from L1: VMRUN / VMLOAD / VMSAVE rAX, and
 * WRMSR VM_HSAVE_PA. 4 KiB aligned and a range check of one page.
 * -1: inject #GP(0) into L1 (APM Vol. 3, VMRUN: "rAX ... not aligned ... or
 * ... greater than the maximum physical address").
 */
int nested_vmcb12_gpa_check(uint64_t gpa, unsigned maxphyaddr, uint64_t svmhv_base,
			    uint64_t svmhv_size);

/* Who may execute VMRUN, VMLOAD, VMSAVE, STGI, CLGI, INVLPGA (APM Vol. 3). */
enum nested_insn_fault {
	NESTED_INSN_OK = 0,
	NESTED_INSN_UD,                 /* EFER.SVME = 0, real or virtual-8086 mode */
	NESTED_INSN_GP,                 /* CPL != 0 */
};
enum nested_insn_fault nested_svm_insn_check(uint64_t efer, uint64_t cr0, uint64_t rflags,
					     uint8_t cpl);

/*
 * CR4 bits a guest may set on this CPU, from CPUID as L1 sees it:
 * leaf 1 ECX/EDX and leaf 7.0 EBX/ECX. Feeds nested_caps.cr4_allowed.
 */
uint64_t nested_cr4_allowed(uint32_t cpuid1_ecx, uint32_t cpuid1_edx, uint32_t cpuid7_ebx,
			    uint32_t cpuid7_ecx);

#endif /* SVMHV_NESTED_CHECK_H */
