/* SPDX-License-Identifier: MIT */
/*
 * What boot/ learns about the platform for svmhv's isolation: where ACPI is
 * and whether there is an IOMMU at all (dma_protect=required refuses to
 * start without). Which memory is RAM (the only place devices may DMA to)
 * is boot/efi_mem.c's hv_boot_info.ram.
 */
#ifndef SVMHV_BOOT_EFI_PLATFORM_H
#define SVMHV_BOOT_EFI_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>

/* The ACPI RSDP from the EFI configuration table (2.0, else 1.0), 0 if none. */
uint64_t efi_acpi_rsdp(void);
/* Does the firmware describe an AMD IOMMU (ACPI IVRS)? */
bool efi_has_ivrs(uint64_t rsdp);

#endif
