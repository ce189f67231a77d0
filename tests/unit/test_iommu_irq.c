/*
 * Host tests of hv/iommu/irq.c: IOAPIC redirection entries and MSI
 * messages, every delivery mode, both halves of an RTE write, and the
 * messages the edu attacker (iommu.md, test plan) programs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "hv/iommu/irq.h"

static uint64_t rte(unsigned dm, uint8_t vector, bool masked)
{
	return (uint64_t)dm << IOAPIC_RTE_DM_SHIFT | vector | (masked ? IOAPIC_RTE_MASKED : 0);
}

static void test_rte_decode(void **state)
{
	struct ioapic_rte r;

	(void)state;
	/* Linux's usual entry: vector 0x22, fixed, physical, level, low, to APIC 3. */
	ioapic_rte_decode(3ull << 56 | IOAPIC_RTE_LEVEL | IOAPIC_RTE_POLARITY_LOW | 0x22, &r);
	assert_int_equal(r.vector, 0x22);
	assert_int_equal(r.delivery, IRQ_DM_FIXED);
	assert_false(r.logical);
	assert_true(r.level);
	assert_true(r.active_low);
	assert_false(r.masked);
	assert_int_equal(r.dest, 3);
	ioapic_rte_decode(0xffull << 56 | IOAPIC_RTE_MASKED | IOAPIC_RTE_LOGICAL | 7u << 8, &r);
	assert_int_equal(r.delivery, IRQ_DM_EXTINT);
	assert_true(r.logical);
	assert_true(r.masked);
	assert_int_equal(r.dest, 0xff);
}

static void test_rte_policy(void **state)
{
	const enum irq_verdict want[8] = {
		IRQ_ALLOW, IRQ_ALLOW, IRQ_REFUSE_SMI, IRQ_REFUSE_RESERVED,
		IRQ_ALLOW, IRQ_REFUSE_INIT, IRQ_REFUSE_RESERVED, IRQ_ALLOW,
	};

	(void)state;
	for (unsigned dm = 0; dm < 8; dm++) {
		assert_int_equal(ioapic_rte_check(rte(dm, 0x30, false)), want[dm]);
		/* Masked or not: unmasking is a write of the same low dword. */
		assert_int_equal(ioapic_rte_check(rte(dm, 0x30, true)), want[dm]);
		assert_int_equal(ioapic_rte_low_check((uint32_t)rte(dm, 0, false)), want[dm]);
	}
	/* The high dword (destination) never carries a delivery mode. */
	assert_int_equal(ioapic_rte_check(0xffffffffull << 32), IRQ_ALLOW);
	assert_string_equal(irq_verdict_name(IRQ_REFUSE_INIT), "INIT refused");
	assert_string_equal(irq_dm_name(IRQ_DM_SMI), "SMI");
	assert_string_equal(irq_verdict_name((enum irq_verdict)99), "?");
}

static void test_rte_reg(void **state)
{
	unsigned pin = 99;
	bool high = true;

	(void)state;
	assert_false(ioapic_rte_reg(IOAPIC_REG_ID, 24, &pin, &high));
	assert_false(ioapic_rte_reg(IOAPIC_REG_VER, 24, &pin, &high));
	assert_false(ioapic_rte_reg(0x0f, 24, &pin, &high));
	assert_true(ioapic_rte_reg(0x10, 24, &pin, &high));
	assert_int_equal(pin, 0);
	assert_false(high);
	assert_true(ioapic_rte_reg(0x11, 24, &pin, &high));
	assert_int_equal(pin, 0);
	assert_true(high);
	assert_true(ioapic_rte_reg(0x3f, 24, &pin, &high));
	assert_int_equal(pin, 23);
	assert_true(high);
	assert_false(ioapic_rte_reg(0x40, 24, &pin, &high));   /* pin 24 of 24 */
	assert_false(ioapic_rte_reg(0xff, 24, &pin, &high));
	assert_true(ioapic_rte_reg(0xff, 120, &pin, &high));
	assert_int_equal(pin, 119);
}

static void test_msi(void **state)
{
	const enum irq_verdict want[8] = {
		IRQ_ALLOW, IRQ_ALLOW, IRQ_REFUSE_SMI, IRQ_REFUSE_RESERVED,
		IRQ_REFUSE_NMI, IRQ_REFUSE_INIT, IRQ_REFUSE_RESERVED, IRQ_REFUSE_EXTINT,
	};
	struct msi_msg m;

	(void)state;
	/* Address 0xfee0100c: destination 1, RH and DM set. */
	assert_true(msi_decode(0xfee0100c, 0x4022 | 1u << 15, &m));
	assert_int_equal(m.dest, 1);
	assert_true(m.logical);
	assert_true(m.redir_hint);
	assert_int_equal(m.vector, 0x22);
	assert_int_equal(m.delivery, IRQ_DM_FIXED);
	assert_true(m.level_assert);
	assert_true(m.level_trigger);
	for (unsigned dm = 0; dm < 8; dm++)
		assert_int_equal(msi_check(0xfee00000, dm << 8 | 0x30), want[dm]);
	/* The edu attacker: INIT to APIC 0, and an "MSI" that is a DMA write. */
	assert_int_equal(msi_check(0xfee00000, 0x0500), IRQ_REFUSE_INIT);
	assert_int_equal(msi_check(0x7e000000, 0x0030), IRQ_REFUSE_ADDRESS);
	assert_int_equal(msi_check(0xfef00000, 0x0030), IRQ_REFUSE_ADDRESS);
	assert_int_equal(msi_check(0xfedfffff, 0x0030), IRQ_REFUSE_ADDRESS);
	assert_int_equal(msi_check(0x1fee00000ull, 0x0030), IRQ_REFUSE_ADDRESS);
	assert_int_equal(msi_check(0xfeeff00c, 0x0030), IRQ_ALLOW);
	assert_false(msi_decode(0xfee00000ull | 1ull << 32, 0, &m));
}

/* Stores to QEMU's IOAPIC page (24 pins), as the NPF handler sees them. */
static void test_ioapic_mmio(void **state)
{
	uint8_t sel = 0x01;

	(void)state;
	/* IOREGSEL: any width; the shadow follows byte 0. */
	assert_int_equal(ioapic_mmio_write_check(&sel, 24, 0x00, 4, 0x12), IRQ_ALLOW);
	assert_int_equal(sel, 0x12);                                    /* RTE 1 low */
	/* An INIT or SMI RTE, masked or not, is refused; fixed, NMI, ExtINT pass. */
	assert_int_equal(ioapic_mmio_write_check(&sel, 24, 0x10, 4, 0x00000500), IRQ_REFUSE_INIT);
	assert_int_equal(ioapic_mmio_write_check(&sel, 24, 0x10, 4, 0x00010500), IRQ_REFUSE_INIT);
	assert_int_equal(ioapic_mmio_write_check(&sel, 24, 0x10, 4, 0x00000200), IRQ_REFUSE_SMI);
	assert_int_equal(ioapic_mmio_write_check(&sel, 24, 0x10, 4, 0x0000a031), IRQ_ALLOW);
	assert_int_equal(ioapic_mmio_write_check(&sel, 24, 0x10, 4, 0x00000400), IRQ_ALLOW);
	assert_int_equal(ioapic_mmio_write_check(&sel, 24, 0x10, 4, 0x00000700), IRQ_ALLOW);
	/* The high half (destination), ID, VER and pins past the last pass. */
	assert_int_equal(ioapic_mmio_write_check(&sel, 24, 0x00, 1, 0x13), IRQ_ALLOW);
	assert_int_equal(ioapic_mmio_write_check(&sel, 24, 0x10, 4, 0x00000500), IRQ_ALLOW);
	assert_int_equal(ioapic_mmio_write_check(&sel, 24, 0x00, 4, 0x00), IRQ_ALLOW);
	assert_int_equal(ioapic_mmio_write_check(&sel, 24, 0x10, 4, 0x00000500), IRQ_ALLOW);
	assert_int_equal(ioapic_mmio_write_check(&sel, 24, 0x00, 4, 0x40), IRQ_ALLOW);
	assert_int_equal(ioapic_mmio_write_check(&sel, 24, 0x10, 4, 0x00000500), IRQ_ALLOW);
	/* Aliases: offset 0x110 is IOWIN, 0x200 is IOREGSEL. */
	assert_int_equal(ioapic_mmio_write_check(&sel, 24, 0x200, 4, 0x10), IRQ_ALLOW);
	assert_int_equal(sel, 0x10);
	assert_int_equal(ioapic_mmio_write_check(&sel, 24, 0x110, 4, 0x00000500), IRQ_REFUSE_INIT);
	/* A byte of IOREGSEL other than byte 0 leaves the shadow alone. */
	assert_int_equal(ioapic_mmio_write_check(&sel, 24, 0x01, 1, 0x44), IRQ_ALLOW);
	assert_int_equal(sel, 0x10);
	/* IOWIN only as one aligned dword: partial and straddling stores are refused. */
	assert_int_equal(ioapic_mmio_write_check(&sel, 24, 0x11, 1, 0x05), IRQ_REFUSE_PARTIAL);
	assert_int_equal(ioapic_mmio_write_check(&sel, 24, 0x10, 2, 0x0500), IRQ_REFUSE_PARTIAL);
	assert_int_equal(ioapic_mmio_write_check(&sel, 24, 0x10, 8, 0x0500), IRQ_REFUSE_PARTIAL);
	assert_int_equal(ioapic_mmio_write_check(&sel, 24, 0x0c, 8, 0x0500ull << 32),
			 IRQ_REFUSE_PARTIAL);
	assert_int_equal(ioapic_mmio_write_check(&sel, 24, 0xfc, 8, 0), IRQ_REFUSE_PARTIAL);
	assert_int_equal(ioapic_mmio_write_check(&sel, 24, 0x10, 0, 0), IRQ_REFUSE_PARTIAL);
	/* EOI and the rest of the page pass. */
	assert_int_equal(ioapic_mmio_write_check(&sel, 24, 0x40, 4, 0x31), IRQ_ALLOW);
	assert_int_equal(ioapic_mmio_write_check(&sel, 24, 0x08, 8, 0), IRQ_ALLOW);
	assert_string_equal(irq_verdict_name(IRQ_REFUSE_PARTIAL), "partial IOWIN write refused");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rte_decode),
		cmocka_unit_test(test_rte_policy),
		cmocka_unit_test(test_rte_reg),
		cmocka_unit_test(test_msi),
		cmocka_unit_test(test_ioapic_mmio),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
