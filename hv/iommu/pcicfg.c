/* SPDX-License-Identifier: MIT */
/*
 * PCI configuration writes: decode and policy. See hv/iommu/pcicfg.h.
 */
#include "hv/iommu/pcicfg.h"

#include "hv/iommu/amdvi.h"

#define MAX_CAP_LINKS   48      /* (256 - 64) / 4 capabilities fit in config space */

struct pci_cfg_addr pcicfg_cf8_decode(uint32_t cf8)
{
	return (struct pci_cfg_addr){
		.enabled = cf8 & PCI_CF8_ENABLE,
		.bdf = (uint16_t)(cf8 >> 8),
		.reg = (uint16_t)((cf8 & 0xfc) | ((cf8 >> 16) & 0xf00)),
	};
}

bool pcicfg_ecam_decode(uint64_t start, uint64_t size, uint8_t bus_first, uint64_t gpa,
			uint16_t *bdf, uint16_t *off)
{
	uint64_t rel;

	if (gpa < start || gpa - start >= size)
		return false;
	rel = gpa - start;
	*bdf = (uint16_t)(((rel >> 12) + ((uint64_t)bus_first << 8)) & 0xffff);
	*off = (uint16_t)(rel & (PCI_CFG_SPACE - 1));
	return true;
}

static const char *const verdict_names[] = {
	[PCICFG_ALLOW] = "allowed",
	[PCICFG_REFUSE_FUNCTION] = "write to a function svmhv protects refused",
	[PCICFG_REFUSE_REGISTER] = "write to a register svmhv protects refused",
	[PCICFG_REFUSE_MSI] = "MSI data with a delivery mode svmhv refuses",
};

const char *pcicfg_verdict_name(enum pcicfg_verdict v)
{
	return (unsigned)v < sizeof(verdict_names) / sizeof(verdict_names[0]) ?
	       verdict_names[v] : "?";
}

int pcicfg_protect_function(struct pcicfg_guard *g, uint16_t bdf)
{
	if (g->nfn == PCICFG_MAX_FUNCS)
		return -1;
	g->fn[g->nfn++] = bdf;
	return 0;
}

int pcicfg_protect_register(struct pcicfg_guard *g, uint16_t bdf, uint16_t off, uint16_t len)
{
	if (g->nreg == PCICFG_MAX_REGS || len == 0)
		return -1;
	g->reg[g->nreg++] = (struct pcicfg_reg){ bdf, off, len };
	return 0;
}

static bool overlaps(unsigned a, unsigned alen, unsigned b, unsigned blen)
{
	return a < b + blen && b < a + alen;
}

static bool reg_hit(const struct pcicfg_guard *g, uint16_t bdf, unsigned off, unsigned width)
{
	unsigned i;

	for (i = 0; i < g->nreg; i++)
		if (g->reg[i].bdf == bdf && overlaps(off, width, g->reg[i].off, g->reg[i].len))
			return true;
	return false;
}

enum pcicfg_verdict pcicfg_write_check(const struct pcicfg_guard *g, uint16_t bdf,
				       unsigned off, unsigned width)
{
	unsigned i;

	for (i = 0; i < g->nfn; i++)
		if (g->fn[i] == bdf)
			return PCICFG_REFUSE_FUNCTION;
	if (reg_hit(g, bdf, off, width) || reg_hit(g, bdf, off & 0xff, width))
		return PCICFG_REFUSE_REGISTER;
	return PCICFG_ALLOW;
}

enum irq_verdict pcicfg_msi_write_check(const struct pci_msi_cap *m, unsigned off,
					unsigned width, uint32_t value, uint16_t old_data)
{
	unsigned doff, i;
	uint16_t data = old_data;

	if (!m->cap || width == 0 || width > 4)
		return IRQ_ALLOW;
	doff = pcicfg_msi_data_off(m);
	if (!overlaps(off, width, doff, 2))
		return IRQ_ALLOW;
	/* Replace each data byte the write covers. */
	for (i = 0; i < width; i++) {
		unsigned b = off + i;

		if (b == doff)
			data = (uint16_t)((data & 0xff00u) | ((value >> (8 * i)) & 0xffu));
		else if (b == doff + 1)
			data = (uint16_t)((data & 0x00ffu) | (((value >> (8 * i)) & 0xffu) << 8));
	}
	/* The address is not judged here: only the delivery mode of the data. */
	return msi_check(MSI_ADDR_BASE, data);
}

bool pcicfg_msi_irte(uint64_t addr, uint32_t data, unsigned vec, uint32_t *irte,
		     unsigned *index)
{
	struct msi_msg m;
	/* Multi-message MSI: the device puts the vector number in the low data bits. */
	uint32_t d = data | vec;

	if (vec >= 32 || msi_check(addr, d) != IRQ_ALLOW)
		return false;
	msi_decode(addr, d, &m);
	*irte = amdvi_irte_build(m.vector, (uint8_t)m.dest, m.logical,
				 m.delivery == IRQ_DM_LOWEST);
	*index = d & (AMDVI_IRT_MAX_ENTRIES - 1);
	return true;
}

bool pcicfg_rte_irte(uint64_t rte, uint32_t *irte, unsigned *index)
{
	struct ioapic_rte r;

	ioapic_rte_decode(rte, &r);
	if (r.delivery != IRQ_DM_FIXED && r.delivery != IRQ_DM_LOWEST)
		return false;
	*irte = amdvi_irte_build(r.vector, r.dest, r.logical, r.delivery == IRQ_DM_LOWEST);
	*index = (unsigned)r.delivery << 8 | r.vector;
	return true;
}

uint16_t pcicfg_find_cap(uint8_t (*read8)(void *ctx, unsigned off), void *ctx, uint8_t id)
{
	unsigned p, links;

	if (!(read8(ctx, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	p = read8(ctx, PCI_CAP_PTR) & 0xfc;
	for (links = 0; p >= 0x40 && links < MAX_CAP_LINKS; links++) {
		if (read8(ctx, p) == id)
			return (uint16_t)p;
		p = read8(ctx, p + 1) & 0xfc;
	}
	return 0;
}
