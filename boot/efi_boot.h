/* SPDX-License-Identifier: MIT */
/* EFI-side helpers of boot/ (options, chain-loading). EFI types stay in boot/. */
#ifndef SVMHV_BOOT_EFI_BOOT_H
#define SVMHV_BOOT_EFI_BOOT_H

#include <efi.h>

#include "boot/config.h"

/*
 * Defaults, then svmhv.cfg beside the image (if present), then the image's
 * load options: later sources override earlier ones. Returns 0, or -1 after
 * printing the offending line.
 */
/* The directory of this image's file path on its volume, ending in '\'. */
void efi_image_dir(EFI_LOADED_IMAGE *self, CHAR16 *out, UINTN max);
int efi_read_config(EFI_LOADED_IMAGE *self, struct hv_config *cfg);
void efi_log_config(const struct hv_config *cfg);
/* Load and start cfg->next with cfg->args; returns what it returns. */
EFI_STATUS efi_chainload(EFI_HANDLE image, EFI_LOADED_IMAGE *self, const struct hv_config *cfg);

#endif
