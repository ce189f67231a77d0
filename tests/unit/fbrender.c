/* SPDX-License-Identifier: MIT */
/*
 * fbrender W H LINE...: what svmhv's panic screen (hv/fb.c) shows on a
 * W x H mode, as a binary PPM (P6) on stdout: the band with each LINE,
 * drawn by the same code svmhv runs; on stderr "cell W H", the text cell's
 * size in pixels at that mode's scale. tests/qemu/screencheck.py compares
 * it with QEMU's screendump (tests/suites/32-screen.sh).
 */
#include <stdio.h>
#include <stdlib.h>

#include "hv/fb.h"

int main(int argc, char **argv)
{
	struct hv_boot_fb fb = { .base = 0x80000000, .format = HV_FB_RGBX };
	struct hv_fb_con c;
	uint32_t *px;

	if (argc < 3) {
		fprintf(stderr, "usage: fbrender WIDTH HEIGHT LINE...\n");
		return 2;
	}
	fb.width = fb.stride = (uint32_t)strtoul(argv[1], NULL, 0);
	fb.height = (uint32_t)strtoul(argv[2], NULL, 0);
	fb.size = (uint64_t)fb.stride * fb.height * 4;
	if (hv_fb_check(&fb, 0, 0, 0, 48)) {
		fprintf(stderr, "fbrender: %s\n", hv_fb_check(&fb, 0, 0, 0, 48));
		return 2;
	}
	px = calloc((size_t)fb.width * fb.height, 4);
	if (!px)
		return 1;
	/* The same colours as hv/panic.c. */
	hv_fb_con_init(&c, &fb, px, 0xffffff, 0xa00000);
	hv_fb_con_clear(&c);
	for (int i = 3; i < argc; i++) {
		hv_fb_con_write(&c, argv[i]);
		hv_fb_con_write(&c, "\n");
	}
	fprintf(stderr, "cell %u %u\n", HV_FB_CELL_W * c.scale, HV_FB_CELL_H * c.scale);
	printf("P6\n%u %u\n255\n", fb.width, fb.height);
	for (size_t i = 0; i < (size_t)fb.width * fb.height; i++) {
		unsigned char rgb[3] = { (unsigned char)px[i], (unsigned char)(px[i] >> 8),
					 (unsigned char)(px[i] >> 16) };

		fwrite(rgb, 1, 3, stdout);
	}
	free(px);
	return 0;
}
