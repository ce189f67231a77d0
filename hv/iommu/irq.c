/* SPDX-License-Identifier: MIT */
/*
 * IOAPIC redirection entries and MSI messages: decode and policy.
 * See hv/iommu/irq.h for the sources and the reasons.
 */
#include "hv/iommu/irq.h"

static const char *const verdict_names[] = {
	[IRQ_ALLOW] = "allowed",
	[IRQ_REFUSE_INIT] = "INIT refused",
	[IRQ_REFUSE_SMI] = "SMI refused",
	[IRQ_REFUSE_NMI] = "NMI refused",
	[IRQ_REFUSE_EXTINT] = "ExtINT refused",
	[IRQ_REFUSE_RESERVED] = "reserved delivery mode refused",
	[IRQ_REFUSE_ADDRESS] = "address outside the interrupt window refused",
	[IRQ_REFUSE_PARTIAL] = "partial IOWIN write refused",
};

static const char *const dm_names[8] = {
	"fixed", "lowest", "SMI", "reserved(3)", "NMI", "INIT", "reserved(6)", "ExtINT",
};

const char *irq_verdict_name(enum irq_verdict v)
{
	return (unsigned)v < sizeof(verdict_names) / sizeof(verdict_names[0]) ?
	       verdict_names[v] : "?";
}

const char *irq_dm_name(unsigned dm)
{
	return dm_names[dm & 7];
}

void ioapic_rte_decode(uint64_t raw, struct ioapic_rte *r)
{
	r->vector = (uint8_t)(raw & IOAPIC_RTE_VECTOR_MASK);
	r->delivery = (uint8_t)((raw & IOAPIC_RTE_DM_MASK) >> IOAPIC_RTE_DM_SHIFT);
	r->logical = raw & IOAPIC_RTE_LOGICAL;
	r->active_low = raw & IOAPIC_RTE_POLARITY_LOW;
	r->level = raw & IOAPIC_RTE_LEVEL;
	r->masked = raw & IOAPIC_RTE_MASKED;
	r->dest = (uint8_t)(raw >> IOAPIC_RTE_DEST_SHIFT);
}

/*
 * A masked entry is judged too: unmasking it is another low-dword write
 * that would pass unchecked if the mode were already in place.
 */
enum irq_verdict ioapic_rte_low_check(uint32_t low)
{
	switch ((low >> IOAPIC_RTE_DM_SHIFT) & 7u) {
	case IRQ_DM_INIT:
		return IRQ_REFUSE_INIT;
	case IRQ_DM_SMI:
		return IRQ_REFUSE_SMI;
	case IRQ_DM_RESERVED3:
	case IRQ_DM_RESERVED6:
		return IRQ_REFUSE_RESERVED;
	default:
		return IRQ_ALLOW;
	}
}

enum irq_verdict ioapic_rte_check(uint64_t raw)
{
	return ioapic_rte_low_check((uint32_t)raw);
}

bool ioapic_rte_reg(uint8_t ioregsel, unsigned npins, unsigned *pin, bool *high)
{
	unsigned idx;

	if (ioregsel < IOAPIC_REG_RTE0)
		return false;
	idx = (unsigned)(ioregsel - IOAPIC_REG_RTE0) >> 1;
	if (idx >= npins)
		return false;
	*pin = idx;
	*high = ioregsel & 1;
	return true;
}

static bool touches(unsigned off, unsigned width, unsigned reg, unsigned len)
{
	return off < reg + len && reg < off + width;
}

enum irq_verdict ioapic_mmio_write_check(uint8_t *regsel, unsigned npins, unsigned off,
					 unsigned width, uint64_t value)
{
	unsigned reg = off & 0xffu, pin;
	bool high;

	if (width == 0 || width > 8 || reg + width > 0x100)
		return IRQ_REFUSE_PARTIAL;
	if (touches(reg, width, IOAPIC_IOWIN, 4)) {
		if (reg != IOAPIC_IOWIN || width != 4)
			return IRQ_REFUSE_PARTIAL;
		if (ioapic_rte_reg(*regsel, npins, &pin, &high) && !high)
			return ioapic_rte_low_check((uint32_t)value);
		return IRQ_ALLOW;
	}
	if (reg == IOAPIC_IOREGSEL)
		*regsel = (uint8_t)value;
	return IRQ_ALLOW;
}

bool msi_decode(uint64_t addr, uint32_t data, struct msi_msg *m)
{
	m->dest = (uint32_t)(addr >> MSI_ADDR_DEST_SHIFT) & 0xffu;
	m->logical = addr & MSI_ADDR_DM;
	m->redir_hint = addr & MSI_ADDR_RH;
	m->vector = (uint8_t)data;
	m->delivery = (uint8_t)((data >> MSI_DATA_DM_SHIFT) & 7u);
	m->level_assert = data & MSI_DATA_LEVEL;
	m->level_trigger = data & MSI_DATA_TRIGGER;
	return (addr >> 32) == 0 && ((uint32_t)addr & MSI_ADDR_BASE_MASK) == MSI_ADDR_BASE;
}

enum irq_verdict msi_check(uint64_t addr, uint32_t data)
{
	struct msi_msg m;

	if (!msi_decode(addr, data, &m))
		return IRQ_REFUSE_ADDRESS;
	switch (m.delivery) {
	case IRQ_DM_FIXED:
	case IRQ_DM_LOWEST:
		return IRQ_ALLOW;
	case IRQ_DM_INIT:
		return IRQ_REFUSE_INIT;
	case IRQ_DM_SMI:
		return IRQ_REFUSE_SMI;
	case IRQ_DM_NMI:
		return IRQ_REFUSE_NMI;
	case IRQ_DM_EXTINT:
		return IRQ_REFUSE_EXTINT;
	default:
		return IRQ_REFUSE_RESERVED;
	}
}
