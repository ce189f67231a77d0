/* SPDX-License-Identifier: MIT */
/*
 * The firmware's screen for svmhv's panic screen (hv/fb.h): GOP's current
 * mode, read before the takeover (the guest's OS may change it or drop
 * boot services later; svmhv keeps what it saw here).
 */
#ifndef SVMHV_BOOT_EFI_GOP_H
#define SVMHV_BOOT_EFI_GOP_H

#include "hv/boot_info.h"

/*
 * Fill info->fb from EFI_GRAPHICS_OUTPUT_PROTOCOL's current mode, checked
 * against info's pool (hv_fb_check()); format HV_FB_NONE and one log line
 * saying why when there is no screen svmhv can draw on.
 */
void efi_find_screen(struct hv_boot_info *info, unsigned top_bits);

#endif
