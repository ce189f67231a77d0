/* SPDX-License-Identifier: MIT */
/* microcode=auto: the AMD microcode container beside svmhv.efi (boot/efi_ucode.c). */
#ifndef SVMHV_BOOT_EFI_UCODE_H
#define SVMHV_BOOT_EFI_UCODE_H

#include <efi.h>

#include "boot/config.h"
#include "hv/boot_info.h"

/*
 * With microcode=auto on a bare AMD CPU: read amd-ucode\<file for this
 * family> from the image's directory, check it (ucode_scan()) and set
 * info->ucode_pa/ucode_len; otherwise, or when the file is absent or bad,
 * leave them 0 (each case logged). Never stops svmhv.
 */
void efi_read_microcode(EFI_LOADED_IMAGE *self, const struct hv_config *cfg,
			struct hv_boot_info *info);

#endif
