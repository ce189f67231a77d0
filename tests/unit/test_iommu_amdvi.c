/*
 * Host tests of hv/iommu/amdvi.c: device table entries (bit by bit against
 * the layout QEMU 7.2 decodes), register values, commands, event decoding
 * and the log line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "hv/iommu/amdvi.h"

static struct amdvi_dte_cfg policy(void)
{
	return (struct amdvi_dte_cfg){
		.pt_root = 0x12345000, .levels = 3, .domain_id = 1,
		.remap_irqs = true, .intctl = AMDVI_INTCTL_PASS,
	};
}

static void test_dte_policy(void **state)
{
	struct amdvi_dte_cfg c = policy();
	struct amdvi_dte d;

	(void)state;
	assert_int_equal(amdvi_dte_build(&c, &d), 0);
	/* V, TV, mode 3, root, IR, IW: as QEMU's amdvi_page_walk reads them. */
	assert_int_equal(d.q[0], 0x12345000ull | 1 | 2 | 3ull << 9 | 1ull << 61 | 1ull << 62);
	assert_int_equal(d.q[1], 1);            /* domain 1, SysMgt 0, no SE */
	/* IV, IntCtl = 01b at [61:60], every pass bit (56-58, 62, 63) clear. */
	assert_int_equal(d.q[2], 1ull | 1ull << 60);
	assert_int_equal(d.q[3], 0);
	assert_true(amdvi_dte_is_safe(&d));
}

static void test_dte_variants(void **state)
{
	struct amdvi_dte_cfg c = policy();
	struct amdvi_dte d;

	(void)state;
	/* Remapping through an IRT, NMI/ExtINT/LINT passed (southbridge IOAPIC). */
	c.intctl = AMDVI_INTCTL_REMAP;
	c.irt_root = 0xabcd080;
	c.irt_len_log2 = 11;
	c.pass_nmi = c.pass_extint = c.pass_lint0 = c.pass_lint1 = true;
	c.suppress_faults = true;
	assert_int_equal(amdvi_dte_build(&c, &d), 0);
	assert_int_equal(d.q[2], 1ull | 11ull << 1 | 0xabcd080ull | 1ull << 57 | 1ull << 58 |
				 2ull << 60 | 1ull << 62 | 1ull << 63);
	assert_false(d.q[2] & AMDVI_DTE2_INITPASS);
	assert_int_equal(d.q[1], 1 | AMDVI_DTE1_SE);
	assert_true(amdvi_dte_is_safe(&d));
	/* No page table: DMA blocked (TV, mode 0, IR = IW = 0). */
	c = policy();
	c.pt_root = 0;
	c.remap_irqs = false;
	assert_int_equal(amdvi_dte_build(&c, &d), 0);
	assert_int_equal(d.q[0], 3);
	assert_int_equal(d.q[2], 0);
	assert_true(amdvi_dte_is_safe(&d));
}

static void test_dte_bad(void **state)
{
	struct amdvi_dte_cfg c;
	struct amdvi_dte d;
	int i;

	(void)state;
	for (i = 0; i < 9; i++) {
		c = policy();
		switch (i) {
		case 0: c.pt_root = 0x12345800; break;          /* unaligned */
		case 1: c.pt_root = 1ull << 52; break;          /* beyond 52 bits */
		case 2: c.levels = 0; break;
		case 3: c.levels = 7; break;
		case 4: c.intctl = 3; break;                    /* reserved IntCtl */
		case 5: c.intctl = AMDVI_INTCTL_REMAP; break;   /* no table */
		case 6: c.intctl = AMDVI_INTCTL_REMAP; c.irt_root = 0x1040; break;
		case 7: c.intctl = AMDVI_INTCTL_REMAP; c.irt_root = 0x1000; c.irt_len_log2 = 12; break;
		case 8: c.intctl = AMDVI_INTCTL_REMAP; c.irt_root = 1ull << 52; break;
		}
		assert_int_equal(amdvi_dte_build(&c, &d), AMDVI_EINVAL);
	}
	assert_int_equal(amdvi_dte_build(NULL, &d), AMDVI_EINVAL);
}

static void test_dte_is_safe(void **state)
{
	struct amdvi_dte_cfg c = policy();
	struct amdvi_dte good, d;
	const struct { int q; uint64_t bit; } unsafe[] = {
		{ 0, AMDVI_BIT(2) },            /* reserved (QEMU: illegal DTE) */
		{ 0, AMDVI_BIT(55) },           /* GV: guest translation */
		{ 1, AMDVI_BIT(40) },           /* SysMgt != 0: SMIs forwarded */
		{ 1, AMDVI_BIT(39) },           /* EX: exclusion range bypass */
		{ 2, AMDVI_DTE2_INITPASS },
		{ 2, AMDVI_DTE2_IG },
		{ 3, AMDVI_BIT(20) },
	};

	(void)state;
	assert_int_equal(amdvi_dte_build(&c, &good), 0);
	for (size_t i = 0; i < sizeof(unsafe) / sizeof(unsafe[0]); i++) {
		d = good;
		d.q[unsafe[i].q] |= unsafe[i].bit;
		assert_false(amdvi_dte_is_safe(&d));
	}
	d = good;
	d.q[0] &= ~AMDVI_DTE0_V;                /* V = 0: untranslated DMA */
	assert_false(amdvi_dte_is_safe(&d));
	d = good;
	d.q[0] &= ~AMDVI_DTE0_TV;
	assert_false(amdvi_dte_is_safe(&d));
	d = good;
	d.q[0] = (d.q[0] & ~AMDVI_DTE0_MODE_MASK) | 7ull << 9;
	assert_false(amdvi_dte_is_safe(&d));
	d = good;
	d.q[0] &= ~AMDVI_DTE0_MODE_MASK;        /* mode 0 with IR/IW: pass-through */
	assert_false(amdvi_dte_is_safe(&d));
}

static void test_irte(void **state)
{
	(void)state;
	assert_int_equal(amdvi_irte_build(0x31, 2, false, false), 0x00310201u);
	assert_int_equal(amdvi_irte_build(0xff, 0xff, true, true), 0x00ffff45u);
}

static void test_registers(void **state)
{
	uint64_t r;

	(void)state;
	assert_int_equal(amdvi_devtab_reg(0x40000000, AMDVI_DEVTAB_BYTES, &r), 0);
	assert_int_equal(r, 0x40000000ull | 0x1ff);
	assert_int_equal(amdvi_devtab_reg(0x40000000, 4096, &r), 0);
	assert_int_equal(r, 0x40000000ull);
	assert_int_equal(amdvi_devtab_reg(0x40000800, 4096, &r), AMDVI_EINVAL);
	assert_int_equal(amdvi_devtab_reg(0x40000000, 0, &r), AMDVI_EINVAL);
	assert_int_equal(amdvi_devtab_reg(0x40000000, 6000, &r), AMDVI_EINVAL);
	assert_int_equal(amdvi_devtab_reg(0x40000000, AMDVI_DEVTAB_BYTES + 4096, &r), AMDVI_EINVAL);
	assert_int_equal(amdvi_devtab_reg(1ull << 52, 4096, &r), AMDVI_EINVAL);
	assert_int_equal(amdvi_ring_reg(0x50000000, 8, &r), 0);
	assert_int_equal(r, 0x50000000ull | 8ull << 56);
	assert_int_equal(amdvi_ring_reg(0x50000000, 7, &r), AMDVI_EINVAL);
	assert_int_equal(amdvi_ring_reg(0x50000000, 16, &r), AMDVI_EINVAL);
	assert_int_equal(amdvi_ring_reg(0x50000010, 8, &r), AMDVI_EINVAL);
	assert_int_equal(amdvi_ring_next(0, 8), 16);
	assert_int_equal(amdvi_ring_next(4096 - 16, 8), 0);
	assert_int_equal(amdvi_ring_next(4096 - 32, 8), 4096 - 16);
}

static void test_commands(void **state)
{
	struct amdvi_cmd c;

	(void)state;
	/* As QEMU decodes them: opcode [63:60], store address [51:3], S bit 0. */
	assert_int_equal(amdvi_cmd_completion_wait(0x1234568, 0xfeedULL, &c), 0);
	assert_int_equal(c.q[0], 1ull << 60 | 0x1234568 | 1);
	assert_int_equal(c.q[1], 0xfeed);
	assert_int_equal(amdvi_cmd_completion_wait(0x1234564, 0, &c), AMDVI_EINVAL);
	assert_int_equal(amdvi_cmd_completion_wait(1ull << 52, 0, &c), AMDVI_EINVAL);
	amdvi_cmd_inv_devtab_entry(0x0018, &c);
	assert_int_equal(c.q[0], 2ull << 60 | 0x18);
	assert_int_equal(c.q[1], 0);
	amdvi_cmd_inv_iommu_pages_all(7, &c);
	assert_int_equal(c.q[0], 3ull << 60 | 7ull << 32);
	assert_int_equal(c.q[1], 0x7ffffffffffff000ull | 3);
	/* QEMU flags reserved bits [59:48] and [31:20] of q0, [11:3] of q1. */
	assert_int_equal(c.q[0] & (AMDVI_GENMASK(59, 48) | AMDVI_GENMASK(31, 20)), 0);
	assert_int_equal(c.q[1] & AMDVI_GENMASK(11, 3), 0);
	assert_int_equal(amdvi_cmd_inv_iommu_pages(7, 0x200000, true, &c), 0);
	assert_int_equal(c.q[1], 0x200000ull | 2);
	assert_int_equal(amdvi_cmd_inv_iommu_pages(7, 0x200800, false, &c), AMDVI_EINVAL);
	assert_int_equal(amdvi_cmd_inv_iommu_pages(7, ~0ull << 12, false, &c), AMDVI_EINVAL);
	amdvi_cmd_inv_int_table(0x00a0, &c);
	assert_int_equal(c.q[0], 5ull << 60 | 0xa0);
	amdvi_cmd_inv_all(&c);
	assert_int_equal(c.q[0], 8ull << 60);
	assert_int_equal(c.q[1], 0);
}

static void test_events(void **state)
{
	/* An IO_PAGE_FAULT as the specification lays it out: write, present. */
	const uint64_t spec[2] = { 2ull << 60 | (0x020ull | 0x010) << 48 | 5ull << 32 | 0x0018,
				   0x7e000040 };
	/* What QEMU 7.2 writes for a DMA read fault of 00:03.0 (perm 1 -> GN, I). */
	const uint64_t qemu[2] = { 2ull << 60 | 0x009ull << 48 | 0x18, 0x7e001000 };
	const uint64_t odd[2] = { 0xcull << 60 | 0x0102, 0x1000 };
	struct amdvi_event ev;
	char line[160];

	(void)state;
	amdvi_event_decode(spec, &ev);
	assert_int_equal(ev.code, AMDVI_EVT_IO_PAGE_FAULT);
	assert_int_equal(ev.devid, 0x18);
	assert_int_equal(ev.domain_or_pasid, 5);
	assert_int_equal(ev.flags, AMDVI_EVTF_RW | AMDVI_EVTF_PR);
	assert_int_equal(ev.address, 0x7e000040);
	amdvi_event_format(&ev, line, sizeof(line));
	assert_string_equal(line, "IO_PAGE_FAULT dev 00:03.0 dom 0x5 addr 0x7e000040 PR W");
	amdvi_event_decode(qemu, &ev);
	amdvi_event_format(&ev, line, sizeof(line));
	assert_string_equal(line, "IO_PAGE_FAULT dev 00:03.0 dom 0x0 addr 0x7e001000 GN I");
	amdvi_event_decode(odd, &ev);
	amdvi_event_format(&ev, line, sizeof(line));
	assert_string_equal(line, "event code 0xc dev 01:00.2 addr 0x1000");
	/* Reserved flag bits are shown, truncation keeps a terminated string. */
	ev = (struct amdvi_event){ AMDVI_EVT_IO_PAGE_FAULT, 0xffff, 0, 0xe00, 0 };
	amdvi_event_format(&ev, line, sizeof(line));
	assert_string_equal(line, "IO_PAGE_FAULT dev ff:1f.7 dom 0x0 addr 0x0 rsvd=0x7");
	amdvi_event_format(&ev, line, 10);
	assert_int_equal(strlen(line), 9);
	ev.code = AMDVI_EVT_ILLEGAL_DEV_TABLE_ENTRY;
	amdvi_event_format(&ev, line, sizeof(line));
	assert_string_equal(line, "ILLEGAL_DEV_TABLE_ENTRY dev ff:1f.7 dom 0x0 addr 0x0");
	assert_int_equal(amdvi_bdf(0, 3, 0), 0x18);
	assert_int_equal(amdvi_bdf(0, 0x14, 0), 0xa0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dte_policy),
		cmocka_unit_test(test_dte_variants),
		cmocka_unit_test(test_dte_bad),
		cmocka_unit_test(test_dte_is_safe),
		cmocka_unit_test(test_irte),
		cmocka_unit_test(test_registers),
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_events),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
