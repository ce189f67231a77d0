/* SPDX-License-Identifier: MIT */
/*
 * CPUID bits the architecture derives from the executing code's state, not
 * from the processor's features. svmhv executes CPUID in its own host
 * context, so these bits are recomputed from the guest that executed CPUID:
 * L1 (vmcb01) or L2 (vmcb02, whose save area holds L2's CR4).
 *
 *   Fn0000_0001 ECX[27] OSXSAVE = CR4.OSXSAVE, when XSAVE (ECX[26]) exists
 *   Fn0000_0007_0 ECX[4] OSPKE  = CR4.PKE, when PKU (ECX[3]) exists
 *   Fn0000_0001 EDX[9] APIC     = IA32_APIC_BASE.EN
 *
 * See: APM3 rev. 3.36 Appendix E.3.2 (Fn0000_0001 ECX OSXSAVE "reflects
 * CR4.OSXSAVE", EDX APIC "if the APIC is enabled"), E.3.6 (Fn0000_0007
 * ECX OSPKE "reflects CR4.PKE"); SDM2 CPUID Table 3-8. Pure: host-tested.
 */
#ifndef SVMHV_HV_CPUID_STATE_H
#define SVMHV_HV_CPUID_STATE_H

#include <stdint.h>

#include "svm/x86.h"

/* Rewrite r (the answer to CPUID(leaf, sub)) for a guest with this CR4 and APIC base. */
void hv_cpuid_state_bits(uint32_t leaf, uint32_t sub, struct cpuid_regs *r, uint64_t cr4,
			 uint64_t apic_base);

#endif /* SVMHV_HV_CPUID_STATE_H */
