/* SPDX-License-Identifier: MIT */
/* State-derived CPUID bits. See hv/cpuid_state.h for the rules and manuals. */
#include "hv/cpuid_state.h"

static uint32_t bit_if(uint32_t word, uint32_t bit, int on)
{
	return on ? word | bit : word & ~bit;
}

void hv_cpuid_state_bits(uint32_t leaf, uint32_t sub, struct cpuid_regs *r, uint64_t cr4,
			 uint64_t apic_base)
{
	if (leaf == 1) {
		r->ecx = bit_if(r->ecx, CPUID_1_ECX_OSXSAVE,
				(r->ecx & CPUID_1_ECX_XSAVE) && (cr4 & CR4_OSXSAVE));
		r->edx = bit_if(r->edx, CPUID_1_EDX_APIC, (apic_base & APIC_BASE_EN) != 0);
	} else if (leaf == 7 && sub == 0) {
		r->ecx = bit_if(r->ecx, CPUID_7_0_ECX_OSPKE,
				(r->ecx & CPUID_7_0_ECX_PKU) && (cr4 & CR4_PKE));
	}
}
