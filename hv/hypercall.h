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
 *   leaf 0x40000001: EAX = SVMHV_VERSION, EBX = SVMHV_ABI_VERSION,
 *                    ECX = nesting level: 0 for svmhv on the CPU, n + 1 for
 *                    an svmhv running as the guest of a level-n svmhv
 *                    (nested=1 below it; ABI 3).
 *
 * VMMCALL (0f 01 d9)
 *   in:  RAX = function, RBX/RCX/RDX = arguments
 *   out: RAX = status (SVMHV_OK or a negative SVMHV_E*), RBX/RCX/RDX = results;
 *        every other register is preserved. An unknown function returns
 *        SVMHV_ENOSYS. IDENTIFY is allowed at every CPL (it says what CPUID
 *        says). The other functions only read svmhv state but reveal it
 *        (exit counts, where svmhv's memory is), so they need CPL 0, else
 *        SVMHV_EPERM, unless svmhv runs with hypercalls=all (test tools in
 *        the OS use that). CONSOLE_DUMP (writes to svmhv's console) and
 *        PARK_CPU (acts on a CPU) always need CPL 0.
 */
#ifndef SVMHV_HV_HYPERCALL_H
#define SVMHV_HV_HYPERCALL_H

#include <stdint.h>

#define SVMHV_VERSION_MAJOR     0
#define SVMHV_VERSION_MINOR     1
#define SVMHV_VERSION_PATCH     0
#define SVMHV_VERSION \
	((SVMHV_VERSION_MAJOR << 16) | (SVMHV_VERSION_MINOR << 8) | SVMHV_VERSION_PATCH)
#define SVMHV_ABI_VERSION       3
#define SVMHV_ABI_LEVEL         3       /* first ABI with the nesting level in 4000_0001 ECX */
#define SVMHV_MAX_LEVEL         8       /* levels 0-7; a deeper svmhv refuses */

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
#define SVMHV_EBUSY             (-4)            /* PARK_CPU: that CPU is under svmhv */

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
	/* Is svmhv's memory as it was? A checksum of svmhv's code and read-only
	 * data, and canary pages spread over its heap, which no one may write
	 * (qword j of the canary page at pa is SVMHV_CANARY_WORD(pa, j)).
	 * in:  RBX = a canary's index (0 for the usual call)
	 * out: RBX = FNV-1a-64 checksum of svmhv's code and read-only data,
	 *      RCX = canary pages of svmhv's memory found changed (0: intact),
	 *      RDX = physical address of canary RBX, 0 if there is no such
	 *      canary (so the canaries are counted by asking 0, 1, ... until 0).
	 * Equal RBX before and after and RCX = 0: svmhv's memory is unchanged
	 * (tests/attack, isoattack). A device aiming at canary 0 aims at svmhv. */
	SVMHV_HC_INTEGRITY      = 9,
	/* in: RBX = counter (enum svmhv_iso_counter); out: RDX = its value */
	SVMHV_HC_ISO_COUNTER    = 10,
	/* CPL 0, for svmhv.efi while it starts the CPUs: in RBX = a CPU that is
	 * present but not under svmhv (VCPU_STATE says ABSENT). svmhv holds it
	 * in INIT (it waits for a SIPI svmhv never lets through) and clears it
	 * in the MADT so the OS does not try to start it. SVMHV_EBUSY for a CPU
	 * under svmhv, SVMHV_EINVAL for no such CPU. */
	SVMHV_HC_PARK_CPU       = 11,
	/* in: RBX = vCPU, RCX = enum svmhv_shadow_counter
	 * out: RDX = that counter of the vCPU's shadow of L1's nested page tables */
	SVMHV_HC_SHADOW_STATS   = 12,
	/* An svmhv under svmhv (nesting level > 0, CPUID 0x40000001 ECX) relays
	 * one read-only function to the svmhv below it, which sees this
	 * svmhv as its guest at CPL 0: so a guest can read the counters of every
	 * level. in: RBX = function (IDENTIFY, EXIT_COUNT, EXIT_TOTAL,
	 * VCPU_INFO, SHADOW_STATS or BELOW itself), RCX/RDX = its RBX/RCX;
	 * out: RBX/RCX/RDX = its results, RAX its status. SVMHV_ENOSYS at
	 * level 0, SVMHV_EINVAL for another function. Same rights as the
	 * information functions (CPL 0 or hypercalls=all). ABI 3. */
	SVMHV_HC_BELOW          = 13,
};

enum svmhv_shadow_counter {
	SVMHV_SHADOW_FILLS      = 0,    /* leaves installed on shadow misses */
	SVMHV_SHADOW_ROOTS_MADE = 1,    /* roots built: a (nCR3, ASID) not cached */
	SVMHV_SHADOW_ROOTS_HIT  = 2,    /* roots found again in the cache */
	SVMHV_SHADOW_DROPS      = 3,    /* roots dropped by L1's or svmhv's flushes */
	SVMHV_SHADOW_EVICTIONS  = 4,    /* roots dropped for room */
};

/* SVMHV_HC_INTEGRITY: qword j of the canary page at physical address pa. */
#define SVMHV_CANARY_WORD(pa, j) \
	(((uint64_t)(pa) + 8 * (uint64_t)(j)) * 0x9e3779b97f4a7c15ull ^ 0x5356484d43414e59ull)

/* SVMHV_HC_ISO_COUNTER: what svmhv counted while guarding its isolation. */
enum svmhv_iso_counter {
	SVMHV_ISO_FLAGS         = 0,    /* SVMHV_ISO_F_* */
	SVMHV_ISO_IOMMU_FAULTS  = 1,    /* DMA the IOMMU refused and reported */
	SVMHV_ISO_PCICFG_REFUSED = 2,   /* config writes to protected functions/registers */
	SVMHV_ISO_MSI_REFUSED   = 3,    /* MSI data writes with INIT/SMI/NMI/ExtINT */
	SVMHV_ISO_IOAPIC_REFUSED = 4,   /* IOAPIC redirection entries refused */
	SVMHV_ISO_FWCFG_DMA     = 5,    /* fw_cfg DMA transfers allowed */
	SVMHV_ISO_FWCFG_REFUSED = 6,    /* fw_cfg DMA transfers refused */
	SVMHV_ISO_ISADMA_REFUSED = 7,   /* ISA DMA unmask/page writes refused */
	SVMHV_ISO_MMIO_DROPPED  = 8,    /* guest stores to the IOMMU's registers dropped */
	SVMHV_ISO_INIT_EXITS    = 9,    /* physical INITs that reached a vCPU (#VMEXIT) */
	SVMHV_ISO_CPUS_PARKED   = 10,   /* CPUs held in INIT because svmhv could not take them */
	SVMHV_ISO_IRTE_WRITES   = 11,   /* interrupt remapping entries svmhv wrote */
	SVMHV_ISO_SLEEP_REFUSED = 12,   /* PM1/sleep control writes entering S1-S3, dropped */
	SVMHV_ISO_COUNTERS
};

#define SVMHV_ISO_F_IOMMU       (1u << 0)       /* svmhv owns an IOMMU */
#define SVMHV_ISO_F_INTREMAP    (1u << 1)       /* device interrupts go through it (DTE.IV) */
#define SVMHV_ISO_F_IRT         (1u << 2)       /* ... remapped by svmhv's tables (QEMU) */
#define SVMHV_ISO_F_R_INIT      (1u << 3)       /* INIT in host mode becomes #SX here */
#define SVMHV_ISO_F_DMA_OFF     (1u << 4)       /* dma_protect=off */

enum svmhv_vcpu_state {
	SVMHV_VCPU_RUNNING      = 0,    /* running its guest */
	SVMHV_VCPU_WAIT_SIPI    = 1,    /* after INIT, held until a SIPI */
	SVMHV_VCPU_ABSENT       = 2,    /* CPU present but not under svmhv */
	SVMHV_VCPU_PARKED       = 3,    /* not under svmhv, held in INIT by it */
};

#endif /* SVMHV_HV_HYPERCALL_H */
