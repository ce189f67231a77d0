/* SPDX-License-Identifier: MIT */
/*
 * ACPI's root, for hv/iso/. See boot/efi_platform.h. (The RAM map, which
 * is also where devices may DMA, is boot/efi_mem.c's.)
 * See: UEFI 2.10 4.6 (EFI configuration table); ACPI 6.5 5.2.5.2 (finding
 * the RSDP on UEFI systems).
 */
#include "boot/efi_platform.h"

#include <efi.h>
#include <efilib.h>

#include "hv/console.h"
#include "hv/iommu/acpi.h"

uint64_t efi_acpi_rsdp(void)
{
	EFI_GUID acpi20 = ACPI_20_TABLE_GUID, acpi10 = ACPI_TABLE_GUID;
	VOID *t = NULL;

	if (EFI_ERROR(LibGetSystemConfigurationTable(&acpi20, &t)) &&
	    EFI_ERROR(LibGetSystemConfigurationTable(&acpi10, &t)))
		return 0;
	return (uint64_t)(uintptr_t)t;
}

/* The firmware's memory is identity-mapped while boot services run. */
static int identity_read(void *ctx, uint64_t pa, void *buf, size_t len)
{
	(void)ctx;
	CopyMem(buf, (VOID *)(uintptr_t)pa, len);
	return 0;
}

bool efi_has_ivrs(uint64_t rsdp)
{
	const struct acpi_reader r = { identity_read, NULL };
	struct acpi_table_ref ref;

	return rsdp && acpi_find(&r, rsdp, "IVRS", 48, 64 * 1024, &ref) == 0;
}
