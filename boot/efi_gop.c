/* SPDX-License-Identifier: MIT */
/*
 * GOP's current mode for the panic screen. See boot/efi_gop.h.
 * See: UEFI 2.10 12.9 (EFI_GRAPHICS_OUTPUT_PROTOCOL, Mode, the pixel formats).
 */
#include "boot/efi_gop.h"

#include <efi.h>
#include <efilib.h>

#include "svm/hw.h"
#include "svm/x86.h"
#include "hv/console.h"
#include "hv/fb.h"

void efi_find_screen(struct hv_boot_info *info, unsigned top_bits)
{
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop = NULL;
	const EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *mi;
	struct hv_boot_fb fb = { 0 };
	const char *why;

	info->fb = fb;
	if (EFI_ERROR(LibLocateProtocol(&GraphicsOutputProtocol, (void **)&gop)) || !gop ||
	    !gop->Mode || !gop->Mode->Info) {
		hv_info("boot", "screen: no GOP; a fatal error without a UART is not shown");
		return;
	}
	mi = gop->Mode->Info;
	if (mi->PixelFormat == PixelRedGreenBlueReserved8BitPerColor)
		fb.format = HV_FB_RGBX;
	else if (mi->PixelFormat == PixelBlueGreenRedReserved8BitPerColor)
		fb.format = HV_FB_BGRX;
	fb.base = gop->Mode->FrameBufferBase;
	fb.size = gop->Mode->FrameBufferSize;
	fb.width = mi->HorizontalResolution;
	fb.height = mi->VerticalResolution;
	fb.stride = mi->PixelsPerScanLine;
	if (fb.format == HV_FB_NONE) {
		hv_info("boot", "screen: GOP mode %ux%u has pixel format %u (a bit mask or "
			"Blt only): no panic screen", fb.width, fb.height, (unsigned)mi->PixelFormat);
		return;
	}
	why = hv_fb_check(&fb, info->pool_pa, info->pool_size, rdmsr(MSR_PAT), top_bits);
	if (why) {
		hv_info("boot", "screen: GOP mode %ux%u stride %u at %llx (%llu bytes): %s; "
			"no panic screen", fb.width, fb.height, fb.stride,
			(unsigned long long)fb.base, (unsigned long long)fb.size, why);
		return;
	}
	info->fb = fb;
	hv_info("boot", "screen: GOP mode %ux%u stride %u %s at %llx: a panic without a UART "
		"is shown there", fb.width, fb.height, fb.stride,
		fb.format == HV_FB_RGBX ? "RGB" : "BGR", (unsigned long long)fb.base);
}
