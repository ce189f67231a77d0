/*
 * Host tests of hv/iommu/dmaguard.c: range overlap with wrap-around, the
 * fw_cfg DMA descriptor check (every control combination, boundaries of the
 * protected ranges, 2^64 wrap), the fw_cfg address latch as QEMU 7.2 keeps
 * it, and the ISA DMA window.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "hv/iommu/dmaguard.h"

/* svmhv's pool and a device table, as a QEMU run would have them. */
static const struct dma_range prot[] = {
	{ 0x7e000000, 0x1200000 },
	{ 0x7f400000, 0x200000 },
	{ 0x2000, 0 },                  /* empty: protects nothing */
};
#define NPROT 3
#define POOL_END 0x7f200000ull

static void test_overlaps(void **state)
{
	const struct dma_range top[] = { { ~0ull - 0xfff, 0x1000 } };   /* ends at 2^64 */
	const struct dma_range wrapping[] = { { ~0ull - 0xfff, 0x3000 } };

	(void)state;
	assert_false(dma_overlaps(0x7dfff000, 0x1000, prot, NPROT));    /* just below */
	assert_true(dma_overlaps(0x7dfff000, 0x1001, prot, NPROT));     /* one byte in */
	assert_true(dma_overlaps(0x7e000000, 1, prot, NPROT));
	assert_true(dma_overlaps(POOL_END - 1, 1, prot, NPROT));        /* last byte */
	assert_false(dma_overlaps(POOL_END, 0x200000, prot, NPROT));    /* the gap */
	assert_true(dma_overlaps(POOL_END, 0x200001, prot, NPROT));
	assert_true(dma_overlaps(0, ~0ull, prot, NPROT));               /* everything */
	assert_false(dma_overlaps(0x7e000000, 0, prot, NPROT));         /* empty */
	assert_false(dma_overlaps(0x2000, 0x1000, prot, NPROT));        /* empty range */
	assert_true(dma_overlaps(~0ull - 0x10, 0x20, prot, NPROT));     /* wraps */
	assert_false(dma_overlaps(~0ull - 0xf, 0x10, prot, NPROT));     /* ends at 2^64 */
	assert_true(dma_overlaps(~0ull, 1, top, 1));
	assert_false(dma_overlaps(~0ull - 0x1000, 1, top, 1));
	/* A wrapping protected range protects up to the top. */
	assert_true(dma_overlaps(~0ull - 0x10, 0x10, wrapping, 1));
	assert_false(dma_overlaps(0, 0x1000, wrapping, 1));
	assert_false(dma_overlaps(0, 0x1000, NULL, 0));
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

static void test_decode(void **state)
{
	uint8_t raw[16];
	struct fwcfg_dma_desc d;

	(void)state;
	put_be32(raw, 0x0019000a);              /* select FILE_DIR, read */
	put_be32(raw + 4, 4);
	put_be32(raw + 8, 0x00000001);
	put_be32(raw + 12, 0x7e000100);
	fwcfg_dma_decode(raw, &d);
	assert_int_equal(d.control, 0x0019000a);
	assert_int_equal(d.length, 4);
	assert_int_equal(d.address, 0x17e000100ull);
}

static struct fwcfg_dma_desc desc(uint32_t control, uint32_t length, uint64_t address)
{
	return (struct fwcfg_dma_desc){ control, length, address };
}

static void test_fwcfg_check(void **state)
{
	struct fwcfg_dma_desc d;
	struct fwcfg_dma_access acc;

	(void)state;
	/* OVMF's read of an item into its own buffer. */
	d = desc(0x0019000a, 0x1000, 0x1000000);
	assert_int_equal(fwcfg_dma_check(0x2000000, &d, prot, NPROT, &acc), FWCFG_ALLOW);
	assert_true(acc.touches_data);
	assert_true(acc.to_ram);
	assert_int_equal(acc.data_pa, 0x1000000);
	assert_int_equal(acc.data_len, 0x1000);
	/* Read into svmhv's pool, also when only the last byte lands there. */
	d = desc(FWCFG_CTL_READ, 0x100, 0x7e100000);
	assert_int_equal(fwcfg_dma_check(0x2000000, &d, prot, NPROT, NULL), FWCFG_REFUSE_PROTECTED);
	d = desc(FWCFG_CTL_READ, 0x1001, 0x7dfff000);
	assert_int_equal(fwcfg_dma_check(0x2000000, &d, prot, NPROT, NULL), FWCFG_REFUSE_PROTECTED);
	d = desc(FWCFG_CTL_READ, 0x1000, 0x7dfff000);
	assert_int_equal(fwcfg_dma_check(0x2000000, &d, prot, NPROT, NULL), FWCFG_ALLOW);
	/* A write op reads RAM into an item: leaking the pool is refused too. */
	d = desc(0x00200010, 0x10, 0x7f400000);
	assert_int_equal(fwcfg_dma_check(0x2000000, &d, prot, NPROT, &acc), FWCFG_REFUSE_PROTECTED);
	assert_false(acc.to_ram);
	/* Read and write both set: QEMU reads (item -> RAM). */
	d = desc(FWCFG_CTL_READ | FWCFG_CTL_WRITE, 0x10, 0x1000);
	assert_int_equal(fwcfg_dma_check(0x2000000, &d, prot, NPROT, &acc), FWCFG_ALLOW);
	assert_true(acc.to_ram);
	/* Skip, select only, nothing, zero length: no data access at all. */
	const uint32_t no_data[] = { FWCFG_CTL_SKIP, FWCFG_CTL_SELECT | 0x50000, 0 };
	for (size_t i = 0; i < 3; i++) {
		d = desc(no_data[i], 0x1000, 0x7e000000);
		assert_int_equal(fwcfg_dma_check(0x2000000, &d, prot, NPROT, &acc), FWCFG_ALLOW);
		assert_false(acc.touches_data);
	}
	d = desc(FWCFG_CTL_READ, 0, 0x7e000000);
	assert_int_equal(fwcfg_dma_check(0x2000000, &d, prot, NPROT, NULL), FWCFG_ALLOW);
	/* The descriptor itself is read and written back. */
	d = desc(FWCFG_CTL_SKIP, 0, 0);
	assert_int_equal(fwcfg_dma_check(0x7e000000, &d, prot, NPROT, NULL), FWCFG_REFUSE_DESC);
	assert_int_equal(fwcfg_dma_check(0x7dfffff1, &d, prot, NPROT, NULL), FWCFG_REFUSE_DESC);
	assert_int_equal(fwcfg_dma_check(0x7dfffff0, &d, prot, NPROT, NULL), FWCFG_ALLOW);
	assert_int_equal(fwcfg_dma_check(~0ull - 7, &d, prot, NPROT, NULL), FWCFG_REFUSE_DESC);
	assert_int_equal(fwcfg_dma_check(~0ull - 15, &d, prot, NPROT, NULL), FWCFG_ALLOW);
	/* Unknown control bits (error bit, bits 5..15) are refused. */
	for (unsigned b = 0; b < 16; b++) {
		if ((1u << b) & FWCFG_CTL_KNOWN)
			continue;
		d = desc(1u << b | FWCFG_CTL_READ, 4, 0x1000);
		assert_int_equal(fwcfg_dma_check(0x2000000, &d, prot, NPROT, NULL),
				 FWCFG_REFUSE_CONTROL);
	}
	/* Wrap past 2^64, and a transfer ending exactly at 2^64. */
	d = desc(FWCFG_CTL_READ, 0x20, ~0ull - 0xf);
	assert_int_equal(fwcfg_dma_check(0x2000000, &d, prot, NPROT, NULL), FWCFG_REFUSE_WRAP);
	d = desc(FWCFG_CTL_READ, 0xffffffff, ~0ull - 0xfffffffe);
	assert_int_equal(fwcfg_dma_check(0x2000000, &d, prot, NPROT, NULL), FWCFG_ALLOW);
	d = desc(FWCFG_CTL_WRITE, 0xffffffff, ~0ull - 0xfffffffd);
	assert_int_equal(fwcfg_dma_check(0x2000000, &d, prot, NPROT, NULL), FWCFG_REFUSE_WRAP);
	assert_string_equal(fwcfg_verdict_name(FWCFG_REFUSE_WRAP), "address + length wraps");
	assert_string_equal(fwcfg_verdict_name((enum fwcfg_verdict)42), "?");
}

static uint32_t bswap(uint32_t v)
{
	return __builtin_bswap32(v);
}

static void test_latch(void **state)
{
	struct fwcfg_dma_latch l = { 0 };
	uint64_t pa = 0;

	(void)state;
	/* Linux/OVMF: high half then low half, big endian, 32-bit OUTs. */
	assert_false(fwcfg_dma_port_write(&l, FWCFG_PORT_DMA_HI, 4, bswap(0x1), &pa));
	assert_true(fwcfg_dma_port_write(&l, FWCFG_PORT_DMA_LO, 4, bswap(0x7e000000), &pa));
	assert_int_equal(pa, 0x17e000000ull);
	assert_int_equal(l.addr, 0);            /* reset after the transfer */
	/* Low half alone: a 32-bit descriptor address. */
	assert_true(fwcfg_dma_port_write(&l, FWCFG_PORT_DMA_LO, 4, bswap(0x00a3e2000), &pa));
	assert_int_equal(pa, 0xa3e2000);
	/* Other widths and ports do nothing; a high write replaces the latch. */
	assert_false(fwcfg_dma_port_write(&l, FWCFG_PORT_DMA_HI, 2, 0xffff, &pa));
	assert_false(fwcfg_dma_port_write(&l, FWCFG_PORT_DMA_LO, 1, 0xff, &pa));
	assert_false(fwcfg_dma_port_write(&l, 0x516, 4, 0xffffffff, &pa));
	assert_false(fwcfg_dma_port_write(&l, FWCFG_PORT_DATA, 4, 0xffffffff, &pa));
	assert_int_equal(l.addr, 0);
	assert_false(fwcfg_dma_port_write(&l, FWCFG_PORT_DMA_HI, 4, bswap(0x5), &pa));
	assert_false(fwcfg_dma_port_write(&l, FWCFG_PORT_DMA_HI, 4, bswap(0x2), &pa));
	assert_true(fwcfg_dma_port_write(&l, FWCFG_PORT_DMA_LO, 4, bswap(0x10), &pa));
	assert_int_equal(pa, 0x200000010ull);
}

static void test_isadma(void **state)
{
	const struct dma_range low[] = { { 0x30000, 0x1000 } };
	struct dma_range w;

	(void)state;
	w = isadma_window(2, 0x12, 0);
	assert_int_equal(w.base, 0x110000);
	assert_int_equal(w.size, 0x30000);
	w = isadma_window(1, 0, 0);             /* clamped at 0 */
	assert_int_equal(w.base, 0);
	assert_int_equal(w.size, 0x20000);
	/* Word channels: 128 KiB below, 256 KiB above (16-bit count of words). */
	w = isadma_window(5, 0xff, 0x7f);
	assert_int_equal(w.base, 0x7ffd0000);
	assert_int_equal(w.size, 0x60000);
	w = isadma_window(6, 0x01, 0);
	assert_int_equal(w.base, 0);
	assert_int_equal(w.size, 0x50000);
	/* Page 0x7e (pool at 0x7e000000 needs page_hi 0x7e): refused. */
	assert_false(isadma_unmask_allowed(1, 0x00, 0x7e, prot, NPROT));
	assert_true(isadma_unmask_allowed(1, 0x00, 0x10, prot, NPROT));
	/* QEMU uses 7 high-page bits, hardware 8: 0xfe reaches the pool on QEMU. */
	assert_false(isadma_unmask_allowed(1, 0x00, 0xfe, prot, NPROT));
	/* The window reaches 64 KiB below and 128 KiB above the page. */
	assert_false(isadma_unmask_allowed(0, 0x04, 0, low, 1));
	assert_false(isadma_unmask_allowed(0, 0x02, 0, low, 1));
	assert_false(isadma_unmask_allowed(0, 0x03, 0, low, 1));
	assert_true(isadma_unmask_allowed(0, 0x01, 0, low, 1));      /* [0, 0x30000) */
	assert_true(isadma_unmask_allowed(0, 0x05, 0, low, 1));
	assert_true(isadma_unmask_allowed(0, 0x00, 0, low, 1));
	/* A word channel reaches 128 KiB below: page 5 meets 0x30000. */
	assert_false(isadma_unmask_allowed(5, 0x05, 0, low, 1));
	assert_true(isadma_unmask_allowed(5, 0x06, 0, low, 1));
	/* Channel 4 is the cascade (no transfers of its own); 8 does not exist. */
	assert_true(isadma_unmask_allowed(4, 0x03, 0, low, 1));
	assert_false(isadma_unmask_allowed(8, 0x10, 0, low, 1));
}

static void test_within(void **state)
{
	const struct dma_range ram[] = {
		{ 0x100000, 0x100000 }, { 0, 0xa0000 }, { 0x180000, 0x180000 }, { 0x5000, 0 },
	};
	struct fwcfg_dma_access acc = { true, true, 0x100000, 0x200000 };

	(void)state;
	assert_true(dma_within(0x1000, 0x1000, ram, 4));
	assert_true(dma_within(0x9f000, 0x1000, ram, 4));
	assert_false(dma_within(0x9f000, 0x1001, ram, 4));           /* into the VGA hole */
	assert_true(dma_within(0x100000, 0x200000, ram, 4));         /* two overlapping ranges */
	assert_true(dma_within(0x2fffff, 1, ram, 4));
	assert_false(dma_within(0x2fffff, 2, ram, 4));
	assert_false(dma_within(0xfee00000, 4, ram, 4));             /* the MSI window */
	assert_true(dma_within(0xfee00000, 0, ram, 4));              /* nothing touched */
	assert_false(dma_within(~0ull, 2, ram, 4));                  /* wraps */
	assert_true(dma_within(0xfee00000, 4, NULL, 0));             /* no RAM list */
	assert_int_equal(fwcfg_dma_check_ram(0x1000, &acc, ram, 4), FWCFG_ALLOW);
	assert_int_equal(fwcfg_dma_check_ram(0xa0000, &acc, ram, 4), FWCFG_REFUSE_NOT_RAM);
	acc.data_pa = 0xfee00000;
	assert_int_equal(fwcfg_dma_check_ram(0x1000, &acc, ram, 4), FWCFG_REFUSE_NOT_RAM);
	acc.touches_data = false;
	assert_int_equal(fwcfg_dma_check_ram(0x1000, &acc, ram, 4), FWCFG_ALLOW);
	assert_string_equal(fwcfg_verdict_name(FWCFG_REFUSE_NOT_RAM), "descriptor or data outside RAM");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_overlaps),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_fwcfg_check),
		cmocka_unit_test(test_latch),
		cmocka_unit_test(test_isadma),
		cmocka_unit_test(test_within),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
