/*
 * Host tests of hv/iommu/pcicfg.c: CF8 and ECAM decoding, the write guard
 * (protected functions and registers, the 256-byte alias), the MSI data
 * check for every delivery mode and every way a write can cover the data
 * register, the remapping entry built from an MSI, and the capability walk
 * on a fake config space (including a looping list).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "hv/iommu/amdvi.h"
#include "hv/iommu/pcicfg.h"

static void test_cf8(void **state)
{
	struct pci_cfg_addr a;

	(void)state;
	a = pcicfg_cf8_decode(0x80001044);      /* 00:02.0 reg 0x44 */
	assert_true(a.enabled);
	assert_int_equal(a.bdf, 0x0010);
	assert_int_equal(a.reg, 0x44);
	a = pcicfg_cf8_decode(0x0a03ff47);      /* disabled, ext bits 0xa, low bits dropped */
	assert_false(a.enabled);
	assert_int_equal(a.bdf, 0x03ff);
	assert_int_equal(a.reg, 0xa44);
	a = pcicfg_cf8_decode(0x80fff8fc);
	assert_int_equal(a.bdf, 0xfff8);
	assert_int_equal(a.reg, 0xfc);
}

static void test_ecam(void **state)
{
	uint16_t bdf, off;

	(void)state;
	assert_true(pcicfg_ecam_decode(0xb0000000, 256 << 20, 0, 0xb0010040, &bdf, &off));
	assert_int_equal(bdf, 0x0010);
	assert_int_equal(off, 0x40);
	assert_true(pcicfg_ecam_decode(0xb0000000, 256 << 20, 0, 0xbfffffff, &bdf, &off));
	assert_int_equal(bdf, 0xffff);
	assert_int_equal(off, 0xfff);
	assert_false(pcicfg_ecam_decode(0xb0000000, 256 << 20, 0, 0xc0000000, &bdf, &off));
	assert_false(pcicfg_ecam_decode(0xb0000000, 256 << 20, 0, 0xafffffff, &bdf, &off));
	/* A window that starts at bus 0x10. */
	assert_true(pcicfg_ecam_decode(0xe1000000, 16 << 20, 0x10, 0xe1018000, &bdf, &off));
	assert_int_equal(bdf, 0x1018);
}

static void test_guard(void **state)
{
	struct pcicfg_guard g = { 0 };

	(void)state;
	assert_int_equal(pcicfg_protect_function(&g, 0x0010), 0);       /* the IOMMU */
	assert_int_equal(pcicfg_protect_register(&g, 0x0000, 0x60, 8), 0);     /* PCIEXBAR */
	assert_int_equal(pcicfg_protect_register(&g, 0x0000, 0x60, 0), -1);
	assert_int_equal(pcicfg_write_check(&g, 0x0010, 0x04, 2), PCICFG_REFUSE_FUNCTION);
	assert_int_equal(pcicfg_write_check(&g, 0x0010, 0xfff, 1), PCICFG_REFUSE_FUNCTION);
	assert_int_equal(pcicfg_write_check(&g, 0x0018, 0x04, 2), PCICFG_ALLOW);
	assert_int_equal(pcicfg_write_check(&g, 0x0000, 0x60, 4), PCICFG_REFUSE_REGISTER);
	assert_int_equal(pcicfg_write_check(&g, 0x0000, 0x67, 1), PCICFG_REFUSE_REGISTER);
	assert_int_equal(pcicfg_write_check(&g, 0x0000, 0x5c, 4), PCICFG_ALLOW);
	assert_int_equal(pcicfg_write_check(&g, 0x0000, 0x5e, 4), PCICFG_REFUSE_REGISTER);
	assert_int_equal(pcicfg_write_check(&g, 0x0000, 0x68, 4), PCICFG_ALLOW);
	/* Extended register 0x160 is register 0x60 to a chipset that drops CF8[27:24]. */
	assert_int_equal(pcicfg_write_check(&g, 0x0000, 0x160, 4), PCICFG_REFUSE_REGISTER);
	assert_int_equal(pcicfg_write_check(&g, 0x0008, 0x60, 4), PCICFG_ALLOW);
	for (int i = 1; i < PCICFG_MAX_FUNCS; i++)
		assert_int_equal(pcicfg_protect_function(&g, (uint16_t)i), 0);
	assert_int_equal(pcicfg_protect_function(&g, 0x99), -1);
	assert_string_equal(pcicfg_verdict_name(PCICFG_REFUSE_MSI),
			    "MSI data with a delivery mode svmhv refuses");
	assert_string_equal(pcicfg_verdict_name((enum pcicfg_verdict)9), "?");
}

static void test_msi_write(void **state)
{
	const struct pci_msi_cap m64 = { 0x40, true }, m32 = { 0x50, false }, none = { 0, false };

	(void)state;
	assert_int_equal(pcicfg_msi_data_off(&m64), 0x4c);
	assert_int_equal(pcicfg_msi_data_off(&m32), 0x58);
	/* edu's MSI (64-bit, data at 0x4c): a 16-bit data write of each mode. */
	assert_int_equal(pcicfg_msi_write_check(&m64, 0x4c, 2, 0x0031, 0), IRQ_ALLOW);
	assert_int_equal(pcicfg_msi_write_check(&m64, 0x4c, 2, 0x0131, 0), IRQ_ALLOW);
	assert_int_equal(pcicfg_msi_write_check(&m64, 0x4c, 2, 0x0500, 0), IRQ_REFUSE_INIT);
	assert_int_equal(pcicfg_msi_write_check(&m64, 0x4c, 2, 0x0200, 0), IRQ_REFUSE_SMI);
	assert_int_equal(pcicfg_msi_write_check(&m64, 0x4c, 2, 0x0400, 0), IRQ_REFUSE_NMI);
	assert_int_equal(pcicfg_msi_write_check(&m64, 0x4c, 2, 0x0700, 0), IRQ_REFUSE_EXTINT);
	assert_int_equal(pcicfg_msi_write_check(&m64, 0x4c, 2, 0x0300, 0), IRQ_REFUSE_RESERVED);
	/* A 4-byte write at the data dword, or one byte of it, merged with the old data. */
	assert_int_equal(pcicfg_msi_write_check(&m64, 0x4c, 4, 0xdead0500, 0), IRQ_REFUSE_INIT);
	assert_int_equal(pcicfg_msi_write_check(&m64, 0x4d, 1, 0x05, 0x0031), IRQ_REFUSE_INIT);
	assert_int_equal(pcicfg_msi_write_check(&m64, 0x4c, 1, 0x00, 0x0500), IRQ_REFUSE_INIT);
	assert_int_equal(pcicfg_msi_write_check(&m64, 0x4c, 1, 0x31, 0x0031), IRQ_ALLOW);
	/* A 4-byte write ending in the data register (0x4a..0x4d). */
	assert_int_equal(pcicfg_msi_write_check(&m64, 0x4a, 4, 0x05000000, 0), IRQ_REFUSE_INIT);
	/* Address writes, other registers, other functions' layouts. */
	assert_int_equal(pcicfg_msi_write_check(&m64, 0x44, 4, 0xfee00500, 0), IRQ_ALLOW);
	assert_int_equal(pcicfg_msi_write_check(&m64, 0x48, 4, 0x00000500, 0), IRQ_ALLOW);
	assert_int_equal(pcicfg_msi_write_check(&m32, 0x48, 4, 0x00000500, 0), IRQ_ALLOW);
	assert_int_equal(pcicfg_msi_write_check(&m32, 0x58, 2, 0x0500, 0), IRQ_REFUSE_INIT);
	assert_int_equal(pcicfg_msi_write_check(&none, 0x4c, 2, 0x0500, 0), IRQ_ALLOW);
	assert_int_equal(pcicfg_msi_write_check(&m64, 0x4c, 0, 0x0500, 0), IRQ_ALLOW);
}

static void test_msi_irte(void **state)
{
	uint32_t irte;
	unsigned idx;

	(void)state;
	/* Physical destination 1, vector 0x31, fixed. */
	assert_true(pcicfg_msi_irte(0xfee01000, 0x0031, 0, &irte, &idx));
	assert_int_equal(irte, amdvi_irte_build(0x31, 1, false, false));
	assert_int_equal(idx, 0x31);
	/* Logical, lowest priority: index has delivery mode 1 in bits 10:8. */
	assert_true(pcicfg_msi_irte(0xfee02004, 0x0141, 0, &irte, &idx));
	assert_int_equal(irte, amdvi_irte_build(0x41, 2, true, true));
	assert_int_equal(idx, 0x141);
	/* The third vector of a multi-message MSI. */
	assert_true(pcicfg_msi_irte(0xfee00000, 0x0060, 2, &irte, &idx));
	assert_int_equal(irte, amdvi_irte_build(0x62, 0, false, false));
	assert_int_equal(idx, 0x62);
	/* No entry for INIT, SMI, NMI, ExtINT, or an address outside the window. */
	assert_false(pcicfg_msi_irte(0xfee00000, 0x0500, 0, &irte, &idx));
	assert_false(pcicfg_msi_irte(0xfee00000, 0x0200, 0, &irte, &idx));
	assert_false(pcicfg_msi_irte(0xfee00000, 0x0400, 0, &irte, &idx));
	assert_false(pcicfg_msi_irte(0xfee00000, 0x0700, 0, &irte, &idx));
	assert_false(pcicfg_msi_irte(0x3dc00000, 0x0031, 0, &irte, &idx));
	assert_false(pcicfg_msi_irte(0x1fee00000ull, 0x0031, 0, &irte, &idx));
	assert_false(pcicfg_msi_irte(0xfee00000, 0x0031, 32, &irte, &idx));
}

static void test_rte_irte(void **state)
{
	uint32_t irte;
	unsigned idx;

	(void)state;
	/* Pin 9 (SCI): level, fixed, vector 0x29, physical APIC 1; masked or not. */
	assert_true(pcicfg_rte_irte(0x0100000000008029ull, &irte, &idx));
	assert_int_equal(irte, amdvi_irte_build(0x29, 1, false, false));
	assert_int_equal(idx, 0x29);
	assert_true(pcicfg_rte_irte(0x0300000000010929ull, &irte, &idx));   /* logical, lowest */
	assert_int_equal(irte, amdvi_irte_build(0x29, 3, true, true));
	assert_int_equal(idx, 0x129);
	/* INIT, SMI, NMI, ExtINT: no entry (the DTE's pass bits decide). */
	assert_false(pcicfg_rte_irte(0x0500, &irte, &idx));
	assert_false(pcicfg_rte_irte(0x0200, &irte, &idx));
	assert_false(pcicfg_rte_irte(0x0400, &irte, &idx));
	assert_false(pcicfg_rte_irte(0x0700, &irte, &idx));
}

static uint8_t cfg[256];

static uint8_t read8(void *ctx, unsigned off)
{
	(void)ctx;
	return off < sizeof(cfg) ? cfg[off] : 0xff;
}

static void test_find_cap(void **state)
{
	(void)state;
	memset(cfg, 0, sizeof(cfg));
	/* QEMU's IOMMU function: 0x60 MSI -> 0x5c HT -> 0x58 -> 0x40 secure device. */
	cfg[PCI_STATUS] = PCI_STATUS_CAP_LIST;
	cfg[PCI_CAP_PTR] = 0x60;
	cfg[0x60] = 0x05, cfg[0x61] = 0x5c;
	cfg[0x5c] = 0x08, cfg[0x5d] = 0x58;
	cfg[0x58] = 0x05, cfg[0x59] = 0x40;
	cfg[0x40] = 0x0f, cfg[0x41] = 0x00;
	assert_int_equal(pcicfg_find_cap(read8, NULL, 0x0f), 0x40);
	assert_int_equal(pcicfg_find_cap(read8, NULL, PCI_CAP_ID_MSI), 0x60);   /* the first */
	assert_int_equal(pcicfg_find_cap(read8, NULL, PCI_CAP_ID_MSIX), 0);
	/* A list that loops ends; so does one without the status bit. */
	cfg[0x41] = 0x60;
	assert_int_equal(pcicfg_find_cap(read8, NULL, PCI_CAP_ID_MSIX), 0);
	cfg[PCI_STATUS] = 0;
	assert_int_equal(pcicfg_find_cap(read8, NULL, PCI_CAP_ID_MSI), 0);
	/* Pointers below 0x40 end the list; the low two bits are ignored. */
	cfg[PCI_STATUS] = PCI_STATUS_CAP_LIST;
	cfg[PCI_CAP_PTR] = 0x63;
	assert_int_equal(pcicfg_find_cap(read8, NULL, 0x05), 0x60);
	cfg[PCI_CAP_PTR] = 0x3c;
	assert_int_equal(pcicfg_find_cap(read8, NULL, 0x05), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cf8),
		cmocka_unit_test(test_ecam),
		cmocka_unit_test(test_guard),
		cmocka_unit_test(test_msi_write),
		cmocka_unit_test(test_msi_irte),
		cmocka_unit_test(test_rte_irte),
		cmocka_unit_test(test_find_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
