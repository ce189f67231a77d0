/* SPDX-License-Identifier: MIT */
/*
 * Checks for the DMA engines the IOMMU does not cover. See hv/iommu/dmaguard.h.
 */
#include "hv/iommu/dmaguard.h"

#define K64     0x10000ull

/* Inclusive last byte of [pa, pa + len), len >= 1; false if it wraps. */
static bool last_byte(uint64_t pa, uint64_t len, uint64_t *last)
{
	if (len - 1 > ~0ull - pa)
		return false;
	*last = pa + (len - 1);
	return true;
}

bool dma_overlaps(uint64_t pa, uint64_t len, const struct dma_range *prot, size_t n)
{
	uint64_t last, plast;
	size_t i;

	if (len == 0)
		return false;
	if (!last_byte(pa, len, &last))
		return true;            /* wraps: refuse outright */
	for (i = 0; i < n; i++) {
		if (prot[i].size == 0)
			continue;
		/* A protected range that wraps protects up to the top. */
		if (!last_byte(prot[i].base, prot[i].size, &plast))
			plast = ~0ull;
		if (pa <= plast && prot[i].base <= last)
			return true;
	}
	return false;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t bswap32(uint32_t v)
{
	return v >> 24 | (v >> 8 & 0xff00u) | (v << 8 & 0xff0000u) | v << 24;
}

void fwcfg_dma_decode(const uint8_t raw[FWCFG_DESC_LEN], struct fwcfg_dma_desc *d)
{
	d->control = be32(raw);
	d->length = be32(raw + 4);
	d->address = (uint64_t)be32(raw + 8) << 32 | be32(raw + 12);
}

static const char *const fwcfg_names[] = {
	[FWCFG_ALLOW] = "allowed",
	[FWCFG_REFUSE_DESC] = "descriptor in protected memory or wrapping",
	[FWCFG_REFUSE_CONTROL] = "unknown control bits",
	[FWCFG_REFUSE_WRAP] = "address + length wraps",
	[FWCFG_REFUSE_PROTECTED] = "data range meets protected memory",
	[FWCFG_REFUSE_NOT_RAM] = "descriptor or data outside RAM",
};

const char *fwcfg_verdict_name(enum fwcfg_verdict v)
{
	return (unsigned)v < sizeof(fwcfg_names) / sizeof(fwcfg_names[0]) ? fwcfg_names[v] : "?";
}

enum fwcfg_verdict fwcfg_dma_check(uint64_t desc_pa, const struct fwcfg_dma_desc *d,
				   const struct dma_range *prot, size_t n,
				   struct fwcfg_dma_access *acc)
{
	struct fwcfg_dma_access local;
	bool rd = d->control & FWCFG_CTL_READ;
	bool wr = !rd && (d->control & FWCFG_CTL_WRITE);

	if (!acc)
		acc = &local;
	*acc = (struct fwcfg_dma_access){ false, rd, d->address, d->length };
	/* QEMU reads 16 bytes at desc_pa and writes the control dword back. */
	if (dma_overlaps(desc_pa, FWCFG_DESC_LEN, prot, n))
		return FWCFG_REFUSE_DESC;
	if ((d->control & 0xffffu) & ~FWCFG_CTL_KNOWN)
		return FWCFG_REFUSE_CONTROL;
	if (!(rd || wr) || d->length == 0)
		return FWCFG_ALLOW;     /* select / skip only: no data access */
	acc->touches_data = true;
	if ((uint64_t)d->length - 1 > ~0ull - d->address)
		return FWCFG_REFUSE_WRAP;
	if (dma_overlaps(d->address, d->length, prot, n))
		return FWCFG_REFUSE_PROTECTED;
	return FWCFG_ALLOW;
}

bool fwcfg_dma_port_write(struct fwcfg_dma_latch *l, uint16_t port, unsigned size,
			  uint32_t value, uint64_t *desc_pa)
{
	if (size != 4)
		return false;
	if (port == FWCFG_PORT_DMA_HI) {
		l->addr = (uint64_t)bswap32(value) << 32;
		return false;
	}
	if (port != FWCFG_PORT_DMA_LO)
		return false;
	*desc_pa = l->addr | bswap32(value);
	l->addr = 0;
	return true;
}

enum fwcfg_verdict fwcfg_dma_check_ram(uint64_t desc_pa, const struct fwcfg_dma_access *acc,
				       const struct dma_range *ram, size_t n)
{
	if (!dma_within(desc_pa, FWCFG_DESC_LEN, ram, n))
		return FWCFG_REFUSE_NOT_RAM;
	if (acc->touches_data && !dma_within(acc->data_pa, acc->data_len, ram, n))
		return FWCFG_REFUSE_NOT_RAM;
	return FWCFG_ALLOW;
}

bool dma_within(uint64_t pa, uint64_t len, const struct dma_range *ram, size_t n)
{
	uint64_t last, cur;
	bool moved = true;
	size_t i;

	if (n == 0 || len == 0)
		return true;
	if (!last_byte(pa, len, &last))
		return false;
	cur = pa;
	/* Extend the covered prefix [pa, cur) until it passes last or stops growing. */
	while (moved) {
		moved = false;
		for (i = 0; i < n; i++) {
			uint64_t rlast;

			if (ram[i].size == 0 || !last_byte(ram[i].base, ram[i].size, &rlast))
				continue;
			if (ram[i].base <= cur && cur <= rlast) {
				if (rlast >= last)
					return true;
				cur = rlast + 1;
				moved = true;
			}
		}
	}
	return false;
}

struct dma_range isadma_window(unsigned chan, uint8_t page, uint8_t page_hi)
{
	uint64_t block = (uint64_t)page_hi << 24 | (uint64_t)page << 16;
	uint64_t below = chan >= 4 ? 2 * K64 : K64, above = chan >= 4 ? 4 * K64 : 2 * K64;
	uint64_t base = block >= below ? block - below : 0;

	return (struct dma_range){ base, block + above - base };
}

bool isadma_unmask_allowed(unsigned chan, uint8_t page, uint8_t page_hi,
			   const struct dma_range *prot, size_t n)
{
	struct dma_range w7 = isadma_window(chan, page, page_hi & 0x7fu);
	struct dma_range w8 = isadma_window(chan, page, page_hi);

	if (chan == 4)
		return true;
	return chan < 8 && !dma_overlaps(w7.base, w7.size, prot, n) &&
	       !dma_overlaps(w8.base, w8.size, prot, n);
}
