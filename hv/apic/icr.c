/* SPDX-License-Identifier: MIT */
/* The route of an ICR write. See hv/apic/icr.h for the rule. */
#include "hv/apic/icr.h"

#include "hv/apic/apic.h"

enum hv_icr_route hv_icr_route(uint64_t icr, bool x2apic)
{
	unsigned dm = (unsigned)((icr & APIC_ICR_DM_MASK) >> APIC_ICR_DM_SHIFT);

	/* The x2APIC ICR's reserved bits #GP the WRMSR (SDM3 10.12.9). */
	if (x2apic && (icr & APIC_ICR_X2APIC_RSVD))
		return HV_ICR_GP;
	if (dm == HV_APIC_DM_INIT) {
		/* Level-triggered de-assert: the legacy INIT de-assert message. */
		if ((icr & APIC_ICR_TRIGGER_LEVEL) && !(icr & APIC_ICR_LEVEL_ASSERT))
			return HV_ICR_NOP;
		return HV_ICR_EMU_INIT;
	}
	if (dm == HV_APIC_DM_SIPI)
		return HV_ICR_EMU_SIPI;
	if (dm == HV_APIC_DM_NMI)
		return HV_ICR_EMU_NMI;
	return HV_ICR_TO_HW;
}

const char *hv_icr_route_name(enum hv_icr_route r)
{
	switch (r) {
	case HV_ICR_TO_HW:    return "to the hardware";
	case HV_ICR_EMU_INIT: return "INIT, emulated";
	case HV_ICR_EMU_SIPI: return "Startup, emulated";
	case HV_ICR_EMU_NMI:  return "NMI, emulated";
	case HV_ICR_NOP:      return "INIT de-assert, no effect";
	case HV_ICR_GP:       return "#GP";
	}
	return "?";
}
