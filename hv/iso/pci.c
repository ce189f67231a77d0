/* SPDX-License-Identifier: MIT */
/*
 * PCI configuration space under svmhv: every guest config write, through
 * ports 0xCF8/0xCFC (intercepted in the IOPM) or the ECAM window (read-only
 * in svmhv's nested page tables), is judged by hv/iommu/pcicfg.c before it
 * reaches a device: nothing may write the IOMMU's function or move the ECAM
 * window, and no MSI data may carry INIT, SMI, NMI or ExtINT. Reads pass.
 * After an allowed write to an MSI capability, the device's remapping table
 * follows what it now sends (hv_iso_irt_set).
 *
 * CF8 is one latch per machine: svmhv keeps the guest's value and writes it
 * to the hardware itself right before each data access, under one lock, so
 * the latch can never be left pointing somewhere the guest did not ask.
 * See: PCI Local Bus Specification 3.0, 3.2.2.3.2; PCIe Base 4.0, 7.2.2.
 */
#include "hv/iso/iso.h"

#include "hv/console.h"
#include "hv/hv.h"
#include "svm/hw.h"

#define MSI_CAP_BYTES   24u     /* control .. pending bits of the largest MSI layout */

/* The ECAM address of bdf:off when a guarded window covers its bus, else 0. */
static uint64_t ecam_addr(uint16_t bdf, unsigned off)
{
	unsigned bus = bdf >> 8;

	for (unsigned i = 0; i < hv_iso.necam; i++) {
		const struct mcfg_range *r = &hv_iso.ecam[i];

		if (!r->segment && bus >= r->bus_first && bus <= r->bus_last)
			return r->base + ((uint64_t)bdf << 12) + off;
	}
	return 0;
}

static uint32_t cf8_of(uint16_t bdf, unsigned off)
{
	return PCI_CF8_ENABLE | (uint32_t)bdf << 8 | (off & 0xfc) | ((off & 0xf00u) << 16);
}

uint32_t hv_iso_cfg_read(uint16_t bdf, unsigned off, unsigned width)
{
	uint64_t a = ecam_addr(bdf, off);

	if (a)
		return (uint32_t)hv_iso_mmio_read(a, width);
	outl(PCI_CF8_PORT, cf8_of(bdf, off));
	return hv_iso_port_in((uint16_t)(PCI_CFC_PORT + (off & 3)), width);
}

/*
 * A chipset register that moves a window svmhv guards (Q35's PCIEXBAR, ICH9's PMBASE):
 * write-protected when the device at bdf is the expected one. true: it is.
 */
bool hv_iso_guard_register(uint16_t bdf, uint32_t vendor_device, uint16_t off, uint16_t len)
{
	uint32_t id;

	hv_iso_lock(&hv_iso.lock_pci);
	id = hv_iso_cfg_read(bdf, 0, 4);
	hv_iso_unlock(&hv_iso.lock_pci);
	if (id != vendor_device)
		return false;
	return pcicfg_protect_register(&hv_iso.guard, bdf, off, len) == 0;
}

void hv_iso_cfg_write(uint16_t bdf, unsigned off, unsigned width, uint32_t val)
{
	uint64_t a = ecam_addr(bdf, off);

	if (a) {
		hv_iso_mmio_write(a, width, val);
		return;
	}
	outl(PCI_CF8_PORT, cf8_of(bdf, off));
	hv_iso_port_out((uint16_t)(PCI_CFC_PORT + (off & 3)), width, val);
}

static uint8_t read8_cb(void *ctx, unsigned off)
{
	return (uint8_t)hv_iso_cfg_read(*(const uint16_t *)ctx, off, 1);
}

uint16_t hv_iso_find_cap(uint16_t bdf, uint8_t id)
{
	return pcicfg_find_cap(read8_cb, &bdf, id);
}

struct pci_msi_cap hv_iso_msi_cap(uint16_t bdf)
{
	struct pci_msi_cap m = { hv_iso_find_cap(bdf, PCI_CAP_ID_MSI), false };

	if (m.cap)
		m.is64 = hv_iso_cfg_read(bdf, m.cap + PCI_MSI_CTRL, 2) & PCI_MSI_CTRL_64BIT;
	return m;
}

/* The device's remapping table delivers what its MSI capability now says. */
void hv_iso_msi_sync(uint16_t bdf, const struct pci_msi_cap *m)
{
	uint32_t ctrl = hv_iso_cfg_read(bdf, m->cap + PCI_MSI_CTRL, 2);
	uint64_t addr = hv_iso_cfg_read(bdf, m->cap + PCI_MSI_ADDR_LO, 4);
	uint32_t data = hv_iso_cfg_read(bdf, pcicfg_msi_data_off(m), 2);
	unsigned mme = (ctrl >> PCI_MSI_CTRL_MME_SHIFT) & 7u;

	if (m->is64)
		addr |= (uint64_t)hv_iso_cfg_read(bdf, m->cap + PCI_MSI_ADDR_HI, 4) << 32;
	hv_iso_irt_set(bdf, addr, data, 1u << (mme > 5 ? 5 : mme));
}

/* One dword (or less) of a write, against the MSI data register. */
static bool msi_ok(uint16_t bdf, const struct pci_msi_cap *m, unsigned off, unsigned width,
		   uint32_t value)
{
	uint16_t old = (uint16_t)hv_iso_cfg_read(bdf, pcicfg_msi_data_off(m), 2);

	return pcicfg_msi_write_check(m, off, width, value, old) == IRQ_ALLOW;
}

static enum pcicfg_verdict judge(uint16_t bdf, unsigned off, unsigned width, uint64_t value,
				 struct pci_msi_cap *m)
{
	enum pcicfg_verdict v = pcicfg_write_check(&hv_iso.guard, bdf, off, width);

	if (v != PCICFG_ALLOW)
		return v;
	*m = hv_iso_msi_cap(bdf);
	if (!m->cap)
		return PCICFG_ALLOW;
	if (width == 8)
		return msi_ok(bdf, m, off, 4, (uint32_t)value) &&
		       msi_ok(bdf, m, off + 4, 4, (uint32_t)(value >> 32)) ?
		       PCICFG_ALLOW : PCICFG_REFUSE_MSI;
	return msi_ok(bdf, m, off, width, (uint32_t)value) ? PCICFG_ALLOW : PCICFG_REFUSE_MSI;
}

static void after_write(uint16_t bdf, unsigned off, unsigned width, const struct pci_msi_cap *m)
{
	if (m->cap && off < m->cap + MSI_CAP_BYTES && m->cap < off + width)
		hv_iso_msi_sync(bdf, m);
}

static void refused(uint16_t bdf, unsigned off, unsigned width, uint64_t value,
		    enum pcicfg_verdict v, const char *via)
{
	enum svmhv_iso_counter c = v == PCICFG_REFUSE_MSI ? SVMHV_ISO_MSI_REFUSED :
				   SVMHV_ISO_PCICFG_REFUSED;

	hv_iso_count(c);
	if (hv_iso_ratelimit(hv_iso.counters[c]))
		hv_warn("pci", "%s write to %02x:%02x.%u reg 0x%x (%u bytes, 0x%llx) refused: %s",
			via, bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7u, off, width,
			(unsigned long long)value, pcicfg_verdict_name(v));
}

/* A config data port access (0xCFC-0xCFF) while CF8 enables a config cycle. */
static void data_port(uint16_t port, unsigned size, bool in, uint32_t *val)
{
	struct pci_cfg_addr a = pcicfg_cf8_decode(hv_iso.cf8);
	unsigned off = a.reg + (port - PCI_CFC_PORT);
	struct pci_msi_cap m = { 0, false };
	enum pcicfg_verdict v;

	if (!in) {
		v = judge(a.bdf, off, size, *val, &m);
		if (v != PCICFG_ALLOW) {
			refused(a.bdf, off, size, *val, v, "0xCFC");
			return;
		}
	}
	outl(PCI_CF8_PORT, hv_iso.cf8);
	if (in) {
		*val = hv_iso_port_in(port, size);
		return;
	}
	hv_iso_port_out(port, size, *val);
	after_write(a.bdf, off, size, &m);
}

struct hv_verdict hv_iso_pci_port(struct vcpu *v, uint16_t port, unsigned size, bool in,
				  uint32_t *val)
{
	(void)v;
	hv_iso_lock(&hv_iso.lock_pci);
	if (port == PCI_CF8_PORT && size == 4) {
		if (in)
			*val = hv_iso.cf8;
		else
			hv_iso.cf8 = *val;
	} else if (port >= PCI_CFC_PORT && (hv_iso.cf8 & PCI_CF8_ENABLE)) {
		data_port(port, size, in, val);
	} else if (in) {
		*val = hv_iso_port_in(port, size);     /* not a config cycle: the bus decides */
	} else {
		hv_iso_port_out(port, size, *val);
	}
	hv_iso_unlock(&hv_iso.lock_pci);
	return hv_resume();
}

bool hv_iso_is_ecam(uint64_t gpa)
{
	for (unsigned i = 0; i < hv_iso.necam; i++) {
		uint64_t s = mcfg_start(&hv_iso.ecam[i]);

		if (!hv_iso.ecam[i].segment && gpa >= s && gpa - s < mcfg_size(&hv_iso.ecam[i]))
			return true;
	}
	return false;
}

bool hv_iso_ecam_store(uint64_t gpa, unsigned width, uint64_t value)
{
	struct pci_msi_cap m = { 0, false };
	enum pcicfg_verdict v = PCICFG_REFUSE_REGISTER;
	uint16_t bdf = 0, off = 0;

	for (unsigned i = 0; i < hv_iso.necam; i++)
		if (pcicfg_ecam_decode(mcfg_start(&hv_iso.ecam[i]), mcfg_size(&hv_iso.ecam[i]),
				       hv_iso.ecam[i].bus_first, gpa, &bdf, &off))
			break;
	hv_iso_lock(&hv_iso.lock_pci);
	/* A store that spills into the next function is nothing a driver does. */
	if (off + width <= PCI_CFG_SPACE)
		v = judge(bdf, off, width, value, &m);
	if (v == PCICFG_ALLOW) {
		hv_iso_mmio_write(gpa, width, value);
		after_write(bdf, off, width, &m);
	} else {
		refused(bdf, off, width, value, v, "ECAM");
	}
	hv_iso_unlock(&hv_iso.lock_pci);
	return v == PCICFG_ALLOW;
}
