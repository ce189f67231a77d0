/* SPDX-License-Identifier: MIT */
/* The firmware memory map as hv_boot_info.ram (boot/efi_mem.c). */
#ifndef SVMHV_BOOT_EFI_MEM_H
#define SVMHV_BOOT_EFI_MEM_H

#include "hv/boot_info.h"

/* Fill info->ram / nram from GetMemoryMap; 0, or -1 when there is no map. */
int efi_ram_map(struct hv_boot_info *info);

#endif
