/* SPDX-License-Identifier: MIT */
/* How many CPUs svmhv can take: see hv/cpus.h. */
#include "hv/cpus.h"

#include "hv/fmt.h"
#include "svm/asid.h"

int hv_cpus_check(unsigned enabled, unsigned disabled, uint32_t nasid, char *msg,
		  unsigned len)
{
	struct asid_plan plan;

	if (enabled + disabled > HV_CPUS_MAX || enabled + disabled < enabled) {
		hv_snprintf(msg, len, "not virtualizing: the firmware reports %u processors "
			    "(%u enabled), svmhv supports at most %u; returning to the firmware",
			    enabled + disabled, enabled, HV_CPUS_MAX);
		return HV_CPUS_ETOO_MANY;
	}
	/* Two ASIDs on every CPU's own TLB (svm/asid.h), ASID 0 is the host's. */
	if (asid_plan(&plan, nasid, enabled) || plan.status) {
		hv_snprintf(msg, len, "not virtualizing: %u ASIDs (CPUID 8000_000A EBX) are "
			    "too few for %u CPUs: svmhv needs ASIDs 1 and 2 on each; "
			    "returning to the firmware", nasid, enabled);
		return HV_CPUS_EASIDS;
	}
	if (len)
		msg[0] = '\0';
	return HV_CPUS_OK;
}

int hv_cpus_index(const uint32_t *ids, unsigned n, uint32_t apic_id)
{
	for (unsigned i = 0; i < n; i++)
		if (ids[i] == apic_id)
			return (int)i;
	return -1;
}
