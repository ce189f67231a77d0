/* SPDX-License-Identifier: MIT */
/*
 * A per-CPU copy of the processor's CPUID answers, taken once on each CPU
 * as it is set up (where svmhv executes CPUID anyway), so that a guest's
 * CPUID exit is answered without executing CPUID: under a hypervisor below
 * svmhv (KVM as L0), every CPUID exits to it (issue 16).
 *
 * What is kept (hv_cpuid_cache_fill()): every basic leaf 0..max (Fn0000_0000
 * EAX) and extended leaf 8000_0000..max (Fn8000_0000 EAX), with the
 * subleaves each leaf defines, enumerated the way the leaf says:
 *   7, 0x14, 0x17, 0x18, 0x1D, 0x20   subleaves 0..EAX of subleaf 0
 *   4, 8000_001D                      until a null cache type (EAX[4:0] = 0)
 *   0xB, 0x1F, 8000_0026              until a null level type (ECX[15:8] = 0)
 *   0xD                               0, 1 and each component of XCR0 | XSS
 *                                     supported (0.EDX:EAX | 1.EDX:ECX)
 *   0xF, 0x10, 8000_0020              0 and each resource ID its subleaf 0
 *                                     bitmap names (0xF EDX, 0x10 EBX, 8000_0020 EBX)
 *   any other leaf                    one answer for every ECX when subleaves
 *                                     0, 1 and FFFF_FFFF agree, else subleaf 0
 * A terminating (null) subleaf is kept too: it is what an OS reads last.
 *
 * State-dependent answers: Fn0000_000D_0 EBX and _1 EBX depend on XCR0 (and
 * IA32_XSS) of the code executing CPUID, the guest's (svmhv does not switch
 * them); they are computed from the per-component sizes, offsets and
 * alignment kept for subleaves 2..62 (standard format for _0, compacted for
 * _1). Not every CPU follows the manual (QEMU's _1 EBX is the size for every
 * supported component, whatever XCR0), so the fill samples each at two XCR0
 * values and keeps, per subleaf, the rule the CPU showed: computed from
 * XCR0 (DYNAMIC), one value (STATIC), or neither (a miss). The CR4/APIC-
 * derived bits stay hv/cpuid_state.h's.
 * See: APM3 rev. 3.36 Appendix E.3 (Fn0000_000D: "size ... required by
 * enabled features in XCR0", "XCR0 | XSS", compacted offsets aligned to 64
 * when Fn0000_000D_n ECX[1]); Intel SDM Vol 2A CPUID, Vol 1 13.4.3.
 *
 * Anything else is a miss (hv_cpuid_cache_lookup() false) and the caller
 * executes CPUID: leaves beyond the maxima (the CPU's own out-of-range rule,
 * which differs between AMD, Intel and QEMU), subleaves beyond a leaf's
 * range, the 4000_0000 range of a hypervisor below, leaves that did not fit.
 * Memory is bounded: HV_CPUID_CACHE_ENTRIES entries per CPU.
 * Pure: hv_cpuid_cache_fill() takes the CPUID it fills from.
 */
#ifndef SVMHV_HV_CPUID_CACHE_H
#define SVMHV_HV_CPUID_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "svm/x86.h"

#define HV_CPUID_CACHE_ENTRIES  288
#define HV_CPUID_MAX_SUBLEAVES  64      /* per enumerated leaf */
#define HV_CPUID_ANY_SUB        1u      /* hv_cpuid_entry.flags: ECX ignored */

struct hv_cpuid_entry {
	uint32_t leaf, sub, flags;
	struct cpuid_regs r;
};

enum hv_xsize_rule { HV_XSIZE_MISS, HV_XSIZE_STATIC, HV_XSIZE_DYNAMIC };

struct hv_cpuid_cache {
	uint32_t n;                     /* entries used, sorted by (leaf, sub) */
	uint32_t max_basic, max_ext;
	uint32_t dropped;               /* answers that did not fit: misses */
	bool xsaves;                    /* Fn0000_000D_1 EAX[3]: IA32_XSS exists */
	uint8_t xsize[2];               /* enum hv_xsize_rule of Fn0000_000D_0/_1 EBX */
	uint64_t hits, misses;          /* guest CPUIDs answered here / by CPUID */
	struct hv_cpuid_entry e[HV_CPUID_CACHE_ENTRIES];
};

/* The CPU a cache is filled from (the one it belongs to). */
struct hv_cpuid_hw {
	void (*cpuid)(uint32_t leaf, uint32_t sub, struct cpuid_regs *r);
	/* XGETBV/XSETBV of XCR0; NULL: not usable here (no CR4.OSXSAVE). */
	uint64_t (*xgetbv)(void);
	void (*xsetbv)(uint64_t xcr0);
	uint64_t (*xss)(void);          /* IA32_XSS; NULL or no XSAVES: 0 */
};

/* Fill c from hw (XCR0 is changed for a moment and restored). */
void hv_cpuid_cache_fill(struct hv_cpuid_cache *c, const struct hv_cpuid_hw *hw);

/* XSAVE area size for the components in mask: standard format, or compacted. */
bool hv_cpuid_xsave_size(const struct hv_cpuid_cache *c, uint64_t mask, bool compacted,
			 uint32_t *size);

/* Does the answer to CPUID(leaf, sub) depend on XCR0 (and IA32_XSS, *xss)? */
bool hv_cpuid_cache_xstate(uint32_t leaf, uint32_t sub, bool *xss);

/*
 * The CPU's answer to CPUID(leaf, sub) executed with this XCR0 and IA32_XSS
 * (used only where hv_cpuid_cache_xstate() says so): true and *r, or false
 * (a miss: execute CPUID).
 */
bool hv_cpuid_cache_lookup(const struct hv_cpuid_cache *c, uint32_t leaf, uint32_t sub,
			   uint64_t xcr0, uint64_t xss, struct cpuid_regs *r);

#endif /* SVMHV_HV_CPUID_CACHE_H */
