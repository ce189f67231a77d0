/* SPDX-License-Identifier: MIT */
/*
 * svmhv's guest-visible interface: CPUID leaves and the VMMCALL hypercall ABI.
 * This header is the single definition of that ABI. It is included by svmhv,
 * by the project's test payloads and by the guest tools, and has no
 * dependencies beyond <stdint.h>.
 *
 * CPUID
 *   leaf 1:          ECX bit 31 (hypervisor present) is set.
 *   leaf 0x40000000: EAX = highest svmhv leaf (0x40000001),
 *                    EBX:ECX:EDX = "svmh" "v\0\0\0" "\0\0\0\0".
 *   leaf 0x40000001: EAX = SVMHV_VERSION, EBX = SVMHV_ABI_VERSION.
 *
 * VMMCALL (0f 01 d9)
 *   in:  RAX = function, RBX/RCX/RDX = arguments
 *   out: RAX = status (SVMHV_OK or a negative SVMHV_E*), RBX/RCX/RDX = results;
 *        every other register is preserved. An unknown function returns
 *        SVMHV_ENOSYS. IDENTIFY is allowed at every CPL (it says what CPUID
 *        says). The other functions only read svmhv state but reveal it
 *        (exit counts, where svmhv's memory is), so they need CPL 0, else
 *        SVMHV_EPERM, unless svmhv runs with hypercalls=all (test tools in
 *        the OS use that). CONSOLE_DUMP always needs CPL 0.
 */
#ifndef SVMHV_HV_HYPERCALL_H
#define SVMHV_HV_HYPERCALL_H

#include <stdint.h>

#define SVMHV_VERSION_MAJOR     0
#define SVMHV_VERSION_MINOR     1
#define SVMHV_VERSION_PATCH     0
#define SVMHV_VERSION \
	((SVMHV_VERSION_MAJOR << 16) | (SVMHV_VERSION_MINOR << 8) | SVMHV_VERSION_PATCH)
#define SVMHV_ABI_VERSION       1

#define SVMHV_CPUID_BASE        0x40000000u
#define SVMHV_CPUID_MAX         0x40000001u
#define SVMHV_SIG_EBX           0x686d7673u     /* "svmh" */
#define SVMHV_SIG_ECX           0x00000076u     /* "v\0\0\0" */
#define SVMHV_SIG_EDX           0x00000000u

/* Status codes returned in RAX. */
#define SVMHV_OK                0
#define SVMHV_ENOSYS            (-1)            /* unknown function */
#define SVMHV_EINVAL            (-2)            /* bad argument */
#define SVMHV_EPERM             (-3)            /* not allowed at this CPL */

/* Arguments that name a vCPU: this value means "the calling vCPU". */
#define SVMHV_VCPU_SELF         0xffffffffu

enum svmhv_hypercall {
	/* out: RBX = SVMHV_SIG_EBX, RCX = SVMHV_SIG_ECX, RDX = SVMHV_VERSION */
	SVMHV_HC_IDENTIFY       = 0,
	/* in: RBX = vCPU, RCX = exit code (APM2 Appendix C, e.g. 0x72 CPUID,
	 *     0x400 NPF, 0xffffffffffffffff VMEXIT_INVALID)
	 * out: RDX = number of #VMEXITs with that code on that vCPU */
	SVMHV_HC_EXIT_COUNT     = 1,
	/* in: RBX = vCPU; out: RDX = all #VMEXITs of that vCPU */
	SVMHV_HC_EXIT_TOTAL     = 2,
	/* out: RBX = calling vCPU's index, RCX = number of vCPUs */
	SVMHV_HC_VCPU_INFO      = 3,
	/* out: RBX = physical base of svmhv's reserved memory, RCX = its size
	 *      (the range is also marked reserved in the firmware memory map) */
	SVMHV_HC_MEMINFO        = 4,
	/* in: RBX = vCPU, RCX = context (0 = L1, 1 = L2), RDX = flush reason
	 *     (enum tlb_reason in svm/tlb.h; 0xffffffff = all reasons)
	 * out: RDX = number of TLB flushes applied for that context and reason */
	SVMHV_HC_TLB_FLUSHES    = 5,
	/* in: RBX = vCPU; out: RBX = asid_l1, RCX = asid_l2 */
	SVMHV_HC_ASIDS          = 6,
	/* in: RBX = vCPU (any CPU present, virtualized or not)
	 * out: RBX = enum svmhv_vcpu_state, RCX = APIC ID, RDX = #VMEXITs */
	SVMHV_HC_VCPU_STATE     = 7,
	/* CPL 0: print every vCPU's exit counts and TLB flush counters on
	 * svmhv's serial console. */
	SVMHV_HC_CONSOLE_DUMP   = 8,
	/* out: RBX = FNV-1a-64 checksum of svmhv's code and read-only data,
	 *      RCX = canary pages of svmhv's memory found changed (0: intact),
	 *      RDX = canary pages checked. Equal RBX before and after, RCX = 0:
	 *      svmhv's memory is unchanged (tests/attack). */
	SVMHV_HC_INTEGRITY      = 9,
};

enum svmhv_vcpu_state {
	SVMHV_VCPU_RUNNING      = 0,    /* running its guest */
	SVMHV_VCPU_WAIT_SIPI    = 1,    /* after INIT, held until a SIPI */
	SVMHV_VCPU_ABSENT       = 2,    /* CPU present but not under svmhv */
};

#endif /* SVMHV_HV_HYPERCALL_H */
