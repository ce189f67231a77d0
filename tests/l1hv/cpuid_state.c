/* SPDX-License-Identifier: MIT */
/*
 * l1hv scenario: CPUID bits derived from the executing code's state, in L2
 * (issue 17 item 3). L2 runs CPUID with L1 not intercepting it, with a CR4
 * whose OSXSAVE (PKE) differs from L1's: Fn0000_0001 ECX[27] OSXSAVE
 * (Fn0000_0007_0 ECX[4] OSPKE) must follow L2's CR4, as on the hardware.
 * See: APM3 Appendix E.3.2, E.3.6.
 */
#include "tests/l1hv/l1hv.h"

#define C1_XSAVE        (1u << 26)
#define C1_OSXSAVE      (1u << 27)
#define C7_PKU          (1u << 3)
#define C7_OSPKE        (1u << 4)

/* L2 runs CPUID(leaf, 0) with CR4 = l1's ^ flip; returns its ECX, or ~0 if it did not exit by VMMCALL. */
static uint32_t l2_cpuid_ecx(uint32_t leaf, uint64_t cr4)
{
	struct guest g;
	uint64_t code;

	guest_init(&g, 0, 1, l2_cpuid);
	g.vmcb->save.cr4 = cr4;
	g.vmcb->save.rax = leaf;
	g.r.rcx = 0;
	probe_begin();
	code = guest_run(&g, 0);
	probe_end();
	if (code != VMEXIT_VMMCALL)
		return ~0u;
	return (uint32_t)g.r.rcx;
}

static void one(const char *name, uint32_t leaf, uint32_t bit, uint64_t cr4_bit)
{
	uint64_t cr4;
	uint32_t on, off;

	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	on = l2_cpuid_ecx(leaf, cr4 | cr4_bit);
	off = l2_cpuid_ecx(leaf, cr4 & ~cr4_bit);
	report_check(on != ~0u && off != ~0u && (on & bit) && !(off & bit), name,
		     "L1 CR4 0x%lx; L2 with the bit: ECX 0x%x, without: ECX 0x%x", cr4, on, off);
}

void sc_cpuid_state(void)
{
	uint32_t r[4];

	cpuid(1, 0, r);
	if (r[2] & C1_XSAVE)
		one("cpuid-state: L2's OSXSAVE follows L2's CR4.OSXSAVE", 1, C1_OSXSAVE,
		    1ull << 18);
	else
		report_ok("cpuid-state: L2's OSXSAVE follows L2's CR4.OSXSAVE # SKIP no XSAVE");
	cpuid(7, 0, r);
	if (r[2] & C7_PKU)
		one("cpuid-state: L2's OSPKE follows L2's CR4.PKE", 7, C7_OSPKE, 1ull << 22);
	else
		report_ok("cpuid-state: L2's OSPKE follows L2's CR4.PKE # SKIP no PKU");
}
