/* SPDX-License-Identifier: MIT */
/*
 * The panic screen: text drawn straight into the firmware's linear
 * framebuffer (the GOP mode boot/ recorded, hv_boot_info.fb) when svmhv
 * has no UART. Used only on fatal paths (hv/panic.c): during normal
 * running the framebuffer is the guest's, and svmhv never draws on it.
 *
 * The font is svmhv's own: 95 printable ASCII glyphs of 5x8 pixels (row 7
 * for descenders) in a 6x10 cell, scaled by an integer factor so that a
 * line of about 100 columns fills the width (hv_fb_scale()).
 * Pixels are 32 bits, GOP PixelRedGreenBlueReserved8BitPerColor (bytes R,
 * G, B, reserved) or PixelBlueGreenRedReserved8BitPerColor (B, G, R,
 * reserved); PixelBitMask and PixelBltOnly modes give no screen.
 * See: UEFI 2.10 12.9 (EFI_GRAPHICS_OUTPUT_PROTOCOL, the pixel formats).
 *
 * Pure: included by the freestanding hypervisor and by host unit tests.
 */
#ifndef SVMHV_HV_FB_H
#define SVMHV_HV_FB_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/boot_info.h"

#define HV_FB_NONE      0
#define HV_FB_RGBX      1       /* bytes R, G, B, reserved */
#define HV_FB_BGRX      2       /* bytes B, G, R, reserved */

#define HV_FB_MAX_DIM   16384u  /* width, height and stride limit (pixels) */
#define HV_FB_MIN_DIM   64u
#define HV_FB_GLYPH_W   5
#define HV_FB_GLYPH_H   8
#define HV_FB_CELL_W    6       /* glyph plus one blank column */
#define HV_FB_CELL_H    10      /* glyph plus two blank rows */
#define HV_FB_MAX_SCALE 8u
#define HV_FB_BAND_ROWS 14u     /* text rows of the panic band, at most */

/*
 * Can svmhv draw on this framebuffer? NULL if so, else why not (for the
 * boot log): a format other than the two above, dimensions outside
 * [HV_FB_MIN_DIM, HV_FB_MAX_DIM], a stride below the width, a size below
 * stride * height * 4, a zero or unaligned base, an end past 2^top_bits,
 * an overlap with svmhv's pool [pool_pa, pool_pa + pool_size), or a host
 * PAT (pat, the MSR's value) whose entry 3 (PCD = PWT = 1, how svmhv maps
 * the framebuffer) is neither UC nor WC.
 */
const char *hv_fb_check(const struct hv_boot_fb *fb, uint64_t pool_pa, uint64_t pool_size,
			uint64_t pat, unsigned top_bits);
/* The page-aligned range svmhv maps uncached for a checked framebuffer. */
void hv_fb_map_range(const struct hv_boot_fb *fb, uint64_t *base, uint64_t *size);

/* The glyph of ch: 8 rows, bit 4 the leftmost column; '?' for others. */
const uint8_t *hv_fb_glyph(char ch);
/* The integer scale for a mode this wide: 1 up to 959 pixels, 2 to 1599, ... */
unsigned hv_fb_scale(uint32_t width);
/* A pixel of colour 0xRRGGBB in the framebuffer's format. */
uint32_t hv_fb_pixel(uint8_t format, uint32_t rgb);

struct hv_fb_con {
	volatile uint32_t *px;  /* the framebuffer (identity in svmhv) */
	uint32_t width, height, stride;
	uint8_t format;
	unsigned scale;
	unsigned cols, rows;    /* whole cells, rows at most HV_FB_BAND_ROWS */
	unsigned col, row;      /* where the next character goes */
	uint32_t fg, bg;        /* pixels, in the framebuffer's format */
};

/* A console on a checked framebuffer at mem: foreground and background 0xRRGGBB. */
void hv_fb_con_init(struct hv_fb_con *c, const struct hv_boot_fb *fb, void *mem,
		    uint32_t fg, uint32_t bg);
/* Paint the band (the con's rows, full width) in the background colour. */
void hv_fb_con_clear(struct hv_fb_con *c);
/*
 * Draw ch with its cell's top-left pixel at (x, y): glyph pixels in fg,
 * the rest of the cell in bg; pixels outside the mode are not drawn.
 */
void hv_fb_draw_char(const struct hv_fb_con *c, uint32_t x, uint32_t y, char ch);
/*
 * Text at the cursor: '\n' starts a line, a line longer than cols wraps,
 * '\r' is ignored, anything past the last row is dropped.
 */
void hv_fb_con_write(struct hv_fb_con *c, const char *s);

#endif /* SVMHV_HV_FB_H */
