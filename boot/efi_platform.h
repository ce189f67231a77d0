/* SPDX-License-Identifier: MIT */
/*
 * What boot/ learns about the platform for svmhv's isolation: where ACPI is,
 * which memory is RAM (the only place devices may DMA to), and whether
 * there is an IOMMU at all (dma_protect=required refuses to start without).
 */
#ifndef SVMHV_BOOT_EFI_PLATFORM_H
#define SVMHV_BOOT_EFI_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/boot_info.h"

/* The ACPI RSDP from the EFI configuration table (2.0, else 1.0), 0 if none. */
uint64_t efi_acpi_rsdp(void);
/* Does the firmware describe an AMD IOMMU (ACPI IVRS)? */
bool efi_has_ivrs(uint64_t rsdp);
/* info->ram: the memory map's RAM, merged and sorted. */
void efi_ram_ranges(struct hv_boot_info *info);

#endif
