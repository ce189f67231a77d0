/* SPDX-License-Identifier: MIT */
/*
 * How many CPUs svmhv can take, decided in boot/ before anything is touched
 * (no memory reserved, no IOMMU, no ACPI edit, no CPU taken): every processor
 * the firmware's MP services report must fit svmhv's per-CPU tables, and every
 * enabled one must get its ASIDs. A machine over either limit is refused with a
 * message that names the numbers, never half-virtualized: a CPU left outside
 * svmhv would miss the INIT/SIPI the firmware sends it (ExitBootServices
 * wakes every AP and waits for all).
 *
 * Pure: freestanding hypervisor and host unit tests.
 */
#ifndef SVMHV_HV_CPUS_H
#define SVMHV_HV_CPUS_H

#include <stdint.h>

#include "hv/boot_info.h"

/*
 * Processors MP services may report, enabled or not (HV_BOOT_MAX_CPUS, the
 * static bound of svmhv's per-CPU tables and CPU sets, hv/apic/apic.h): a
 * two-socket EPYC Genoa has 384 threads, more than this; svmhv refuses it.
 */
#define HV_CPUS_MAX             HV_BOOT_MAX_CPUS

#define HV_CPUS_OK              0
#define HV_CPUS_ETOO_MANY       (-1)    /* more processors than HV_CPUS_MAX */
#define HV_CPUS_EASIDS          (-2)    /* fewer than 3 ASIDs: 1 and 2 on each CPU */

/*
 * May svmhv start? enabled / disabled: processors MP services reports as
 * enabled / not enabled (the boot CPU is enabled); nasid: CPUID 8000_000A
 * EBX. HV_CPUS_OK, or an HV_CPUS_E* with the reason in msg ("not
 * virtualizing: ...").
 */
int hv_cpus_check(unsigned enabled, unsigned disabled, uint32_t nasid, char *msg,
		  unsigned len);

#endif /* SVMHV_HV_CPUS_H */
