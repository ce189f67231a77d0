/* SPDX-License-Identifier: MIT */
/*
 * Host unit tests for hv/fb.c, the panic screen: the font (every printable
 * glyph present and distinct, others drawn as '?'), text rendered into a
 * memory framebuffer in both GOP pixel formats with several strides and
 * scales (each pixel of each cell checked against the glyph), clipping at
 * the right and bottom edges and at the band's last row (nothing written
 * outside), and hv_fb_check() refusing every bad value the firmware could
 * report (then svmhv has no screen).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hv/fb.h"

#define SENTINEL        0x5a5a5a5au
#define FG              0x112233u
#define BG              0xa00000u
#define PAT_DEFAULT     0x0007040600070406ull   /* reset value: entry 3 UC */

/* A framebuffer of width x height, stride pixels a line, plus one spare line. */
struct mem {
	struct hv_boot_fb fb;
	uint32_t *px;
	size_t npx;
};

static void mem_new(struct mem *m, uint32_t w, uint32_t h, uint32_t stride, uint8_t format)
{
	m->npx = (size_t)stride * (h + 1);
	m->px = malloc(m->npx * 4);
	assert_non_null(m->px);
	for (size_t i = 0; i < m->npx; i++)
		m->px[i] = SENTINEL;
	m->fb = (struct hv_boot_fb){ .base = 0x80000000, .size = (uint64_t)stride * h * 4,
				     .width = w, .height = h, .stride = stride, .format = format };
}

/* The bytes of a pixel as the display reads them: R, G, B in format's order. */
static void bytes_of(uint32_t px, uint8_t b[4])
{
	memcpy(b, &px, 4);
}

static void test_pixel_formats(void **state)
{
	uint8_t b[4];

	(void)state;
	bytes_of(hv_fb_pixel(HV_FB_RGBX, 0x112233), b);
	assert_true(b[0] == 0x11 && b[1] == 0x22 && b[2] == 0x33 && b[3] == 0);
	bytes_of(hv_fb_pixel(HV_FB_BGRX, 0x112233), b);
	assert_true(b[0] == 0x33 && b[1] == 0x22 && b[2] == 0x11 && b[3] == 0);
}

static void test_font(void **state)
{
	static const uint8_t A[8] = { 0x0e, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11, 0x00 };

	(void)state;
	assert_memory_equal(hv_fb_glyph('A'), A, 8);
	for (int c = 0x20; c <= 0x7e; c++) {
		const uint8_t *g = hv_fb_glyph((char)c);
		unsigned bits = 0;

		for (int r = 0; r < HV_FB_GLYPH_H; r++) {
			assert_true(g[r] < 0x20);       /* 5 columns */
			bits |= g[r];
		}
		assert_true(c == ' ' ? bits == 0 : bits != 0);
		for (int d = 0x20; d < c; d++)
			assert_memory_not_equal(g, hv_fb_glyph((char)d), HV_FB_GLYPH_H);
	}
	/* Control characters and bytes above 0x7e draw as '?'. */
	assert_ptr_equal(hv_fb_glyph('\t'), hv_fb_glyph('?'));
	assert_ptr_equal(hv_fb_glyph((char)0x7f), hv_fb_glyph('?'));
	assert_ptr_equal(hv_fb_glyph((char)0xe9), hv_fb_glyph('?'));
}

static void test_scale(void **state)
{
	(void)state;
	assert_int_equal(hv_fb_scale(640), 1);
	assert_int_equal(hv_fb_scale(800), 1);
	assert_int_equal(hv_fb_scale(1024), 2);
	assert_int_equal(hv_fb_scale(1280), 2);
	assert_int_equal(hv_fb_scale(1920), 3);
	assert_int_equal(hv_fb_scale(3840), 6);
	assert_int_equal(hv_fb_scale(HV_FB_MAX_DIM), HV_FB_MAX_SCALE);
}

/* The cell at (x, y) shows ch at c's scale, pixels clipped to the mode. */
static void expect_cell(const struct mem *m, const struct hv_fb_con *c, uint32_t x, uint32_t y,
			char ch)
{
	const uint8_t *g = hv_fb_glyph(ch);
	unsigned s = c->scale;

	for (unsigned cy = 0; cy < HV_FB_CELL_H * s && y + cy < m->fb.height; cy++)
		for (unsigned cx = 0; cx < HV_FB_CELL_W * s && x + cx < m->fb.width; cx++) {
			unsigned gr = cy / s, gc = cx / s;
			bool on = gr < HV_FB_GLYPH_H && gc < HV_FB_GLYPH_W &&
				  ((g[gr] >> (4 - gc)) & 1);

			assert_int_equal(m->px[(size_t)(y + cy) * m->fb.stride + x + cx],
					 on ? c->fg : c->bg);
		}
}

/* Nothing written in the stride's padding or below the mode. */
static void expect_outside_untouched(const struct mem *m)
{
	for (size_t y = 0; y <= m->fb.height; y++)
		for (size_t x = 0; x < m->fb.stride; x++)
			if (y == m->fb.height || x >= m->fb.width)
				assert_int_equal(m->px[y * m->fb.stride + x], SENTINEL);
}

static void render_case(uint32_t w, uint32_t h, uint32_t stride, uint8_t format)
{
	static const char text[] = "svmhv: PANIC: Az09~";
	struct mem m;
	struct hv_fb_con c;
	unsigned cw, ch;

	mem_new(&m, w, h, stride, format);
	assert_null(hv_fb_check(&m.fb, 0x1000000, 0x100000, PAT_DEFAULT, 48));
	hv_fb_con_init(&c, &m.fb, m.px, FG, BG);
	assert_int_equal(c.scale, hv_fb_scale(w));
	assert_int_equal(c.fg, hv_fb_pixel(format, FG));
	cw = HV_FB_CELL_W * c.scale;
	ch = HV_FB_CELL_H * c.scale;
	hv_fb_con_clear(&c);
	hv_fb_con_write(&c, text);
	hv_fb_con_write(&c, "\nx\r\n\tq");
	for (unsigned i = 0; i < sizeof(text) - 1; i++)
		expect_cell(&m, &c, i * cw, 0, text[i]);
	expect_cell(&m, &c, 0, ch, 'x');
	expect_cell(&m, &c, 0, 2 * ch, '?');
	expect_cell(&m, &c, cw, 2 * ch, 'q');
	/* The band is background after the text, up to its last row. */
	for (uint32_t y = 0; y < c.rows * ch; y++)
		for (uint32_t x = (y < ch ? (sizeof(text) - 1) * cw : 2 * cw); x < w; x++)
			assert_int_equal(m.px[(size_t)y * stride + x], c.bg);
	/* Below the band: untouched. */
	for (uint32_t y = c.rows * ch; y < h; y++)
		assert_int_equal(m.px[(size_t)y * stride], SENTINEL);
	expect_outside_untouched(&m);
	free(m.px);
}

static void test_render(void **state)
{
	(void)state;
	render_case(640, 480, 640, HV_FB_RGBX);
	render_case(640, 480, 640, HV_FB_BGRX);
	render_case(643, 200, 700, HV_FB_BGRX);
	render_case(1280, 800, 1280, HV_FB_BGRX);   /* scale 2 */
	render_case(1280, 800, 1344, HV_FB_RGBX);
	render_case(1920, 130, 2048, HV_FB_BGRX);   /* scale 3, fewer rows than the band */
}

/* A cell across the right or bottom edge is drawn up to it, never past. */
static void test_clip_edges(void **state)
{
	struct mem m;
	struct hv_fb_con c;

	(void)state;
	mem_new(&m, 100, 70, 104, HV_FB_RGBX);
	hv_fb_con_init(&c, &m.fb, m.px, FG, BG);
	hv_fb_draw_char(&c, 97, 10, 'W');               /* 3 of 6 columns */
	expect_cell(&m, &c, 97, 10, 'W');
	assert_int_equal(m.px[10 * 104 + 97], c.fg);    /* W's first column is lit */
	hv_fb_draw_char(&c, 20, 66, 'M');               /* 4 of 10 rows */
	expect_cell(&m, &c, 20, 66, 'M');
	hv_fb_draw_char(&c, 98, 67, 'H');               /* the corner: 2 x 3 */
	expect_cell(&m, &c, 98, 67, 'H');
	expect_outside_untouched(&m);
	free(m.px);
}

/* Long lines wrap at whole cells; text past the last row is dropped. */
static void test_wrap_and_last_row(void **state)
{
	struct mem m;
	struct hv_fb_con c;
	char line[64];

	(void)state;
	mem_new(&m, 100, 64, 100, HV_FB_BGRX);  /* 16 columns, 6 rows, 4 pixels spare */
	hv_fb_con_init(&c, &m.fb, m.px, FG, BG);
	assert_int_equal(c.cols, 16);
	assert_int_equal(c.rows, 6);
	hv_fb_con_clear(&c);
	memset(line, 'E', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	line[16] = 'F';                         /* the first of the second row */
	hv_fb_con_write(&c, line);              /* 63 characters: rows 0..3 */
	hv_fb_con_write(&c, "\n1\n2\n3\n4");    /* rows 4, 5, then dropped */
	expect_cell(&m, &c, 15 * 6, 0, 'E');
	expect_cell(&m, &c, 0, 10, 'F');
	expect_cell(&m, &c, 14 * 6, 30, 'E');   /* character 62 */
	expect_cell(&m, &c, 15 * 6, 30, ' ');   /* background: cleared */
	expect_cell(&m, &c, 0, 40, '1');
	expect_cell(&m, &c, 0, 50, '2');
	/* Columns 96..99 (not a whole cell) and rows 60..63 stay background. */
	for (uint32_t y = 0; y < 60; y++)
		for (uint32_t x = 96; x < 100; x++)
			assert_int_equal(m.px[y * 100 + x], c.bg);
	for (uint32_t y = 60; y < 64; y++)
		for (uint32_t x = 0; x < 100; x++)
			assert_int_equal(m.px[y * 100 + x], SENTINEL);
	free(m.px);
}

/* The band is at most HV_FB_BAND_ROWS text rows, however tall the mode. */
static void test_band_rows(void **state)
{
	struct mem m;
	struct hv_fb_con c;

	(void)state;
	mem_new(&m, 640, 480, 640, HV_FB_RGBX);
	hv_fb_con_init(&c, &m.fb, m.px, FG, BG);
	assert_int_equal(c.rows, HV_FB_BAND_ROWS);
	hv_fb_con_clear(&c);
	for (int i = 0; i < 40; i++)
		hv_fb_con_write(&c, "line\n");
	for (size_t y = HV_FB_BAND_ROWS * HV_FB_CELL_H; y < 480; y++)
		for (size_t x = 0; x < 640; x++)
			assert_int_equal(m.px[y * 640 + x], SENTINEL);
	free(m.px);
}

/* Every bad value of the firmware's mode means no screen, with a reason. */
static void test_check(void **state)
{
	const struct hv_boot_fb ok = { .base = 0xc0000000, .size = 1280 * 800 * 4,
				       .width = 1280, .height = 800, .stride = 1280,
				       .format = HV_FB_BGRX };
	const uint64_t pool = 0x7f000000, pool_size = 0x1000000;
	struct hv_boot_fb f;
	uint64_t base, size;

	(void)state;
	assert_null(hv_fb_check(&ok, pool, pool_size, PAT_DEFAULT, 48));
	f = ok; f.format = HV_FB_RGBX;
	assert_null(hv_fb_check(&f, pool, pool_size, PAT_DEFAULT, 48));
	/* PAT entry 3 (PCD = PWT = 1) WC: fine; WB, WT, WP: no. */
	assert_null(hv_fb_check(&ok, pool, pool_size, (PAT_DEFAULT & ~(7ull << 24)) | 1ull << 24, 48));
	assert_non_null(hv_fb_check(&ok, pool, pool_size, PAT_DEFAULT | 6ull << 24, 48));
	assert_non_null(hv_fb_check(&ok, pool, pool_size, PAT_DEFAULT | 4ull << 24, 48));
	assert_non_null(hv_fb_check(NULL, pool, pool_size, PAT_DEFAULT, 48));
	f = ok; f.format = HV_FB_NONE;
	assert_non_null(hv_fb_check(&f, pool, pool_size, PAT_DEFAULT, 48));
	f = ok; f.format = 3;
	assert_non_null(hv_fb_check(&f, pool, pool_size, PAT_DEFAULT, 48));
	f = ok; f.width = 0;
	assert_non_null(hv_fb_check(&f, pool, pool_size, PAT_DEFAULT, 48));
	f = ok; f.height = 0;
	assert_non_null(hv_fb_check(&f, pool, pool_size, PAT_DEFAULT, 48));
	f = ok; f.height = HV_FB_MIN_DIM - 1;
	assert_non_null(hv_fb_check(&f, pool, pool_size, PAT_DEFAULT, 48));
	f = ok; f.width = f.stride = HV_FB_MAX_DIM + 1; f.size = UINT64_MAX;
	assert_non_null(hv_fb_check(&f, pool, pool_size, PAT_DEFAULT, 48));
	f = ok; f.stride = 1279;
	assert_non_null(hv_fb_check(&f, pool, pool_size, PAT_DEFAULT, 48));
	f = ok; f.stride = HV_FB_MAX_DIM + 1; f.size = UINT64_MAX;
	assert_non_null(hv_fb_check(&f, pool, pool_size, PAT_DEFAULT, 48));
	f = ok; f.size -= 4;                                    /* one pixel short */
	assert_non_null(hv_fb_check(&f, pool, pool_size, PAT_DEFAULT, 48));
	f = ok; f.stride = 1344;                                /* size fits 1280 only */
	assert_non_null(hv_fb_check(&f, pool, pool_size, PAT_DEFAULT, 48));
	f = ok; f.base = 0;
	assert_non_null(hv_fb_check(&f, pool, pool_size, PAT_DEFAULT, 48));
	f = ok; f.base = 0xc0000002;
	assert_non_null(hv_fb_check(&f, pool, pool_size, PAT_DEFAULT, 48));
	f = ok; f.base = (1ull << 48) - 4096;                   /* ends past the map */
	assert_non_null(hv_fb_check(&f, pool, pool_size, PAT_DEFAULT, 48));
	assert_non_null(hv_fb_check(&ok, pool, pool_size, PAT_DEFAULT, 31));
	f = ok; f.base = UINT64_MAX - 4095;                     /* wraps */
	assert_non_null(hv_fb_check(&f, pool, pool_size, PAT_DEFAULT, 63));
	/* Overlapping svmhv's pool at either end, or inside it. */
	f = ok; f.base = pool - 4096;
	assert_non_null(hv_fb_check(&f, pool, pool_size, PAT_DEFAULT, 48));
	f = ok; f.base = pool + pool_size - 4096;
	assert_non_null(hv_fb_check(&f, pool, pool_size, PAT_DEFAULT, 48));
	assert_non_null(hv_fb_check(&ok, 0xc0100000, 0x1000, PAT_DEFAULT, 48));
	/* Adjacent is fine. */
	f = ok; f.base = pool + pool_size;
	assert_null(hv_fb_check(&f, pool, pool_size, PAT_DEFAULT, 48));
	f = ok; f.base = pool - 1280 * 800 * 4;
	assert_null(hv_fb_check(&f, pool, pool_size, PAT_DEFAULT, 48));

	/* What is mapped uncached: the pages the mode covers. */
	f = ok; f.base = 0xc0000800;
	hv_fb_map_range(&f, &base, &size);
	assert_true(base == 0xc0000000 && size == 0x3e9000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pixel_formats),
		cmocka_unit_test(test_font),
		cmocka_unit_test(test_scale),
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_clip_edges),
		cmocka_unit_test(test_wrap_and_last_row),
		cmocka_unit_test(test_band_rows),
		cmocka_unit_test(test_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
