/* SPDX-License-Identifier: MIT */
/*
 * ACPI's root and the RAM map, for hv/iso/. See boot/efi_platform.h.
 * See: UEFI 2.10 4.6 (EFI configuration table), 7.2 (GetMemoryMap, memory
 * types); ACPI 6.5 5.2.5.2 (finding the RSDP on UEFI systems).
 */
#include "boot/efi_platform.h"

#include <efi.h>
#include <efilib.h>

#include "boot/ramlist.h"
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

#define EFI_PERSISTENT_MEMORY   14      /* UEFI 2.5+; GNU-EFI's enum stops before it */

/* Memory a device may legitimately DMA to: what the OS will call RAM. */
static bool is_ram(UINT32 type)
{
	switch (type) {
	case EfiLoaderCode: case EfiLoaderData: case EfiBootServicesCode:
	case EfiBootServicesData: case EfiRuntimeServicesCode: case EfiRuntimeServicesData:
	case EfiConventionalMemory: case EfiACPIReclaimMemory: case EfiACPIMemoryNVS:
	case EFI_PERSISTENT_MEMORY:
		return true;
	default:
		return false;
	}
}

void efi_ram_ranges(struct hv_boot_info *info)
{
	UINTN n = 0, key, dsize;
	UINT32 dver;
	EFI_MEMORY_DESCRIPTOR *map = LibMemoryMap(&n, &key, &dsize, &dver), *d;

	info->nram = 0;
	if (!map) {
		hv_warn("boot", "no memory map: devices get no DMA through svmhv's IOMMU");
		return;
	}
	for (UINTN i = 0; i < n; i++) {
		d = (EFI_MEMORY_DESCRIPTOR *)((UINT8 *)map + i * dsize);
		if (is_ram(d->Type) &&
		    !ramlist_add(info->ram, &info->nram, HV_BOOT_MAX_RAM, d->PhysicalStart,
				 d->NumberOfPages << EFI_PAGE_SHIFT))
			hv_warn("boot", "RAM at %llx not listed (list full): no device DMA there",
				(unsigned long long)d->PhysicalStart);
	}
	FreePool(map);
	hv_info("boot", "%u RAM ranges in the memory map", info->nram);
}
