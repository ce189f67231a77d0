/* SPDX-License-Identifier: MIT */
#ifndef SVMHV_BOOT_EFI_MP_H
#define SVMHV_BOOT_EFI_MP_H

#include "hv/boot_info.h"

/* boot/takeover.asm: the capture point of the blue pill (see its header). */
int efi_takeover(hv_entry_fn entry, struct hv_boot_info *info, uint64_t host_cr3);

/* What MP services reports: processors enabled (the boot CPU included) and not. */
struct efi_cpu_count {
	unsigned enabled, disabled;
	bool nomem;             /* no firmware memory for the lists: refuse */
};
/*
 * Fill info->ncpu and info->apic_ids (the boot CPU first, then every enabled
 * AP) and info->noutside / outside_apic_ids (the processors not enabled), in
 * lists sized by the count MP services reports (AllocatePool; hv_setup()
 * copies them into svmhv's heap); returns the full counts, which the caller
 * checks against the limits (hv_cpus_check()) before anything else. Above
 * HV_CPUS_MAX it returns the counts alone, the lists holding the boot CPU.
 */
struct efi_cpu_count efi_list_cpus(struct hv_boot_info *info, uint32_t bsp_apic_id);
/*
 * Virtualize every enabled AP through EFI_MP_SERVICES_PROTOCOL, one at a
 * time, after the boot CPU. Returns the number of CPUs under svmhv
 * (including the boot CPU); CPUs that could not be taken are reported.
 */
unsigned efi_virtualize_aps(hv_entry_fn entry_ap, const struct hv_boot_info *info);

#endif
