/* SPDX-License-Identifier: MIT */
/*
 * Which guest-physical addresses are ordinary RAM, from the firmware's
 * memory map, for hv_boot_info.ram: a VMCB, VMSAVE area, HSAVE page or
 * permission map a guest names must lie there (mm/gmem.h gmem_is_ram).
 * RAM types: loader, boot and runtime services code and data, conventional,
 * ACPI reclaim and NVS, persistent memory. Not RAM: reserved (svmhv's own
 * pool among it), unusable, MMIO, port space, PAL code, unaccepted.
 * See: UEFI 2.10 7.2 (GetMemoryMap, EFI_MEMORY_TYPE).
 */
#include <efi.h>
#include <efilib.h>

#include "boot/efi_mem.h"
#include "hv/console.h"
#include "mm/gmem.h"

/* UEFI 2.10's EfiPersistentMemory; GNU-EFI's efidef.h stops at EfiPalCode. */
#define EFI_PERSISTENT_MEMORY   14u

static bool is_ram(UINT32 type)
{
	if (type == EFI_PERSISTENT_MEMORY)
		return true;
	switch (type) {
	case EfiLoaderCode:
	case EfiLoaderData:
	case EfiBootServicesCode:
	case EfiBootServicesData:
	case EfiRuntimeServicesCode:
	case EfiRuntimeServicesData:
	case EfiConventionalMemory:
	case EfiACPIReclaimMemory:
	case EfiACPIMemoryNVS:
		return true;
	default:
		return false;
	}
}

int efi_ram_map(struct hv_boot_info *info)
{
	static struct gmem_range found[512];
	static struct gmem merged;
	UINTN entries = 0, key, desc_size;
	UINT32 desc_version;
	EFI_MEMORY_DESCRIPTOR *map = LibMemoryMap(&entries, &key, &desc_size, &desc_version);
	unsigned n = 0;
	int rc;

	if (!map) {
		hv_err("boot", "cannot read the firmware memory map");
		return -1;
	}
	for (UINTN i = 0; i < entries && n < sizeof(found) / sizeof(found[0]); i++) {
		EFI_MEMORY_DESCRIPTOR *d = (EFI_MEMORY_DESCRIPTOR *)((UINT8 *)map + i * desc_size);

		if (is_ram(d->Type))
			found[n++] = (struct gmem_range){ d->PhysicalStart,
							  d->NumberOfPages * EFI_PAGE_SIZE };
	}
	FreePool(map);
	merged = (struct gmem){ .maxphyaddr = 64 };
	rc = gmem_set_ram(&merged, found, n);
	info->nram = merged.nram < HV_BOOT_MAX_RAM ? merged.nram : HV_BOOT_MAX_RAM;
	for (unsigned i = 0; i < info->nram; i++)
		info->ram[i] = (struct hv_boot_range){ merged.ram[i].base, merged.ram[i].size };
	hv_info("boot", "memory map: %u RAM ranges (%u entries)", info->nram, (unsigned)entries);
	if (rc || n == sizeof(found) / sizeof(found[0]))
		hv_warn("boot", "memory map too fragmented: some RAM is not counted as RAM");
	return 0;
}
