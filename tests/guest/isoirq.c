/* SPDX-License-Identifier: MIT */
/*
 * isoattack's INIT attacks: an IOAPIC redirection entry with delivery mode
 * INIT raised by the edu's INTx, the edu's MSI with INIT, and an edu DMA of
 * an INIT message into the MSI window, each repeated. Before isolation each
 * one reset CPU 0 under svmhv (QEMU resets a CPU on INIT even in host mode).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <unistd.h>

#include "isoattack.h"

#define IOAPIC          0xfec00000ull
#define FIXED_VECTOR    0xb5            /* no Linux handler: "No irq handler for vector" */

static volatile uint32_t *ioapic;

static uint32_t rte_read(unsigned reg)
{
	ioapic[0] = reg;
	return ioapic[4];
}

static void rte_write(unsigned reg, uint32_t v)
{
	ioapic[0] = reg;
	ioapic[4] = v;
}

/* The edu's INTx pin gets an edge INIT entry, then the edu raises it: N times. */
void ioapic_attack(void)
{
	unsigned pin = edu.irq, reg = 0x10 + 2 * pin, i, bad = 0;
	uint64_t before = counter(SVMHV_ISO_IOAPIC_REFUSED);
	uint32_t lo, hi;

	if (!run("ioapic-init"))
		return;
	ioapic = (volatile uint32_t *)devmem_map(IOAPIC, 4096);
	if (!ioapic || pin < 16 || pin >= 24) {
		report(false, "ioapic-init", "no IOAPIC mapping or edu pin %u", pin);
		return;
	}
	lo = rte_read(reg);
	hi = rte_read(reg + 1);
	rte_write(reg + 1, 0);                          /* destination: APIC 0 */
	for (i = 0; i < repeat; i++) {
		rte_write(reg, 0x00000500);             /* INIT, edge, unmasked */
		edu_raise(&edu);
		if (((rte_read(reg) >> 8) & 7) == 5)
			bad++;
	}
	usleep(500000);                                 /* a late INIT would land by now */
	rte_write(reg, 0x00010031);                     /* a fixed masked entry: allowed */
	report(rte_read(reg) == 0x00010031, "ioapic: a fixed entry is still written",
	       "reads %x", rte_read(reg));
	rte_write(reg, lo);
	rte_write(reg + 1, hi);
	report(bad == 0 && counter(SVMHV_ISO_IOAPIC_REFUSED) >= before + repeat,
	       "ioapic-init: INIT redirection entries refused, Linux keeps running",
	       "%u entries took, %llu refused", bad,
	       (unsigned long long)(counter(SVMHV_ISO_IOAPIC_REFUSED) - before));
	note("ioapic-init: %u attempts on pin %u", repeat, pin);
	intact("ioapic-init");
}

static void msi_program(uint32_t addr, uint16_t data, bool enable)
{
	uint32_t ctl = cfg_read(edu.dev, edu.msi + 2, 2);
	unsigned doff = edu.msi + ((ctl & 0x80) ? 12 : 8);

	cfg_write(edu.dev, edu.msi + 4, 4, addr);
	if (ctl & 0x80)
		cfg_write(edu.dev, edu.msi + 8, 4, 0);
	cfg_write(edu.dev, doff, 2, data);
	cfg_write(edu.dev, edu.msi + 2, 2, enable ? (ctl | 1) : (ctl & ~1u));
}

static uint16_t msi_data(void)
{
	uint32_t ctl = cfg_read(edu.dev, edu.msi + 2, 2);

	return (uint16_t)cfg_read(edu.dev, edu.msi + ((ctl & 0x80) ? 12 : 8), 2);
}

/* The edu's MSI: a fixed vector reaches CPU 0; INIT never does. */
void msi_attacks(void)
{
	uint64_t before = counter(SVMHV_ISO_MSI_REFUSED);
	unsigned i, bad = 0;

	if (!edu.msi)
		return;
	if (run("msi-fixed")) {
		msi_program(MSI_WINDOW, FIXED_VECTOR, true);
		edu_raise(&edu);
		usleep(100000);
		note("msi-fixed: vector 0x%x sent to CPU 0 (expect the kernel's "
		     "\"No irq handler for vector\" line)", FIXED_VECTOR);
	}
	if (run("msi-init")) {
		for (i = 0; i < repeat; i++) {
			msi_program(MSI_WINDOW, 0x0500, true);
			edu_raise(&edu);
			if (msi_data() == 0x0500)
				bad++;
		}
		usleep(500000);
		report(bad == 0 && counter(SVMHV_ISO_MSI_REFUSED) >= before + repeat,
		       "msi-init: MSI data with INIT refused, Linux keeps running",
		       "%u writes took, %llu refused", bad,
		       (unsigned long long)(counter(SVMHV_ISO_MSI_REFUSED) - before));
		note("msi-init: %u attempts", repeat);
	}
	msi_program(0, 0, false);
	intact("MSI attacks");
}

/* A DMA write to 0xFEE00000 is an MSI: the IOMMU must judge it like one. */
void dma_msi_attack(void)
{
	if (!run("dma-msi-init"))
		return;
	*(volatile uint32_t *)own.va = 0x00000500;      /* INIT */
	edu_dma(&edu, own.pa, 4, false);
	for (unsigned i = 0; i < dmarepeat; i++)
		edu_dma(&edu, MSI_WINDOW, 4, true);
	usleep(300000);                 /* an INIT would have reset CPU 0 by now */
	report(true, "dma-msi-init: a DMA of INIT into the MSI window did not reset a CPU",
	       "%s", "unreachable");
	note("dma-msi-init: %u attempts", dmarepeat);
	intact("dma-msi-init");
}
