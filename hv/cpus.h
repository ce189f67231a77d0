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
 * Processors MP services may report, enabled or not. svmhv's per-CPU tables
 * are sized from the count at boot (hv_setup(), from its heap); this bound is
 * what is still fixed: the IPI target sets (struct hv_cpu_set, a bitmap on
 * the host stack, hv/apic/apic.h) and the monitor's per-vCPU rates. 1024
 * covers every x86 server sold so far (a two-socket EPYC Turin dense has 768
 * threads); above it svmhv refuses the machine before touching anything.
 */
#define HV_CPUS_MAX             1024u

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

/*
 * Index of apic_id in ids[0..n) (a CPU's index in svmhv's tables), or -1.
 * APIC IDs are 32-bit x2APIC IDs and may be sparse (one socket's IDs start
 * at a power of two): svmhv keeps them in lists by CPU index, never in maps
 * indexed by APIC ID. A linear scan: used when an AP is taken and when an
 * IPI is resolved, never per exit.
 */
int hv_cpus_index(const uint32_t *ids, unsigned n, uint32_t apic_id);

#endif /* SVMHV_HV_CPUS_H */
