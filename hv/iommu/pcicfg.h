/* SPDX-License-Identifier: MIT */
/*
 * PCI configuration space as the guest reaches it, decoded and judged:
 * the legacy mechanism (ports 0xCF8/0xCFC, "configuration mechanism #1")
 * and the ECAM window. svmhv intercepts every config write (the ports in
 * the IOPM, ECAM write-protected in its nested page tables) and lets a
 * write through only when it keeps svmhv's guarantees:
 *  - no write at all to a protected function (the IOMMU's own: its base
 *    address, its MSI, its control registers);
 *  - no write to a protected register (where the ECAM window itself is
 *    programmed, e.g. Q35's PCIEXBAR);
 *  - no MSI data register that would make the device send INIT, SMI, NMI
 *    or ExtINT (the software half of the interrupt filter; the IOMMU's
 *    device table is the other half).
 * See: PCI Local Bus Specification 3.0, 3.2.2.3.2 (mechanism #1), 6.7
 * (capabilities list), 6.8.1 (MSI capability: data at +8 or +12); PCI
 * Express Base Specification 4.0, 7.2.2 (ECAM: bus << 20 | dev << 15 |
 * fn << 12 | register); AMD BKDGs, "IOCF8 [ExtRegNo]" (CF8 bits 27:24 carry
 * register bits 11:8 when NB_CFG.EnableCf8ExtCfg is set).
 *
 * Pure: included by the freestanding hypervisor and by host unit tests.
 */
#ifndef SVMHV_HV_IOMMU_PCICFG_H
#define SVMHV_HV_IOMMU_PCICFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/iommu/irq.h"

#define PCI_CF8_PORT            0xcf8
#define PCI_CFC_PORT            0xcfc
#define PCI_CF8_ENABLE          (1u << 31)

#define PCI_CFG_SPACE           4096u   /* bytes of one function's config space */
#define PCI_CAP_PTR             0x34
#define PCI_STATUS              0x06
#define PCI_STATUS_CAP_LIST     (1u << 4)
#define PCI_STATUS_SIG_TABORT   (1u << 11)      /* "signaled target abort", W1C */
#define PCI_CAP_ID_MSI          0x05
#define PCI_CAP_ID_MSIX         0x11
#define PCI_MSI_CTRL            2               /* from the capability */
#define PCI_MSI_CTRL_ENABLE     (1u << 0)
#define PCI_MSI_CTRL_MME_SHIFT  4               /* [6:4]: 2^n vectors enabled */
#define PCI_MSI_CTRL_64BIT      (1u << 7)
#define PCI_MSI_ADDR_LO         4
#define PCI_MSI_ADDR_HI         8               /* 64-bit capabilities only */

/* A decoded config address: bus/dev/fn and the register offset (0..4095). */
struct pci_cfg_addr {
	bool     enabled;       /* CF8 bit 31: the next CFC access is a config cycle */
	uint16_t bdf;
	uint16_t reg;           /* dword aligned from CF8, plus the CFC port's byte */
};

/* CF8 value -> address of the dword CFC reaches (ext bits 27:24 included). */
struct pci_cfg_addr pcicfg_cf8_decode(uint32_t cf8);

/*
 * An address in an ECAM window [start, start + size) whose first bus is
 * @bus_first: false when outside. The offset is that of the first byte.
 */
bool pcicfg_ecam_decode(uint64_t start, uint64_t size, uint8_t bus_first, uint64_t gpa,
			uint16_t *bdf, uint16_t *off);

#define PCICFG_MAX_FUNCS        8
#define PCICFG_MAX_REGS         8

struct pcicfg_reg {
	uint16_t bdf, off, len;
};

/* What no guest write may change. */
struct pcicfg_guard {
	uint16_t fn[PCICFG_MAX_FUNCS];  /* every write to these functions refused */
	unsigned nfn;
	struct pcicfg_reg reg[PCICFG_MAX_REGS];
	unsigned nreg;
};

enum pcicfg_verdict {
	PCICFG_ALLOW = 0,
	PCICFG_REFUSE_FUNCTION,         /* a protected function (the IOMMU) */
	PCICFG_REFUSE_REGISTER,         /* a protected register (ECAM base...) */
	PCICFG_REFUSE_MSI,              /* MSI data with INIT/SMI/NMI/ExtINT */
};

const char *pcicfg_verdict_name(enum pcicfg_verdict v);

/* -1 when full. */
int pcicfg_protect_function(struct pcicfg_guard *g, uint16_t bdf);
int pcicfg_protect_register(struct pcicfg_guard *g, uint16_t bdf, uint16_t off, uint16_t len);

/*
 * Judge a write of @width bytes at @off of @bdf against the guard. The
 * register is also judged at off % 256: a chipset that ignores CF8's
 * extended register bits would write there.
 */
enum pcicfg_verdict pcicfg_write_check(const struct pcicfg_guard *g, uint16_t bdf,
				       unsigned off, unsigned width);

/* ---- MSI ------------------------------------------------------------------- */

/* A function's MSI capability, as read from its config space. */
struct pci_msi_cap {
	uint16_t cap;           /* offset of the capability, 0 = none */
	bool     is64;          /* 64-bit address: data at +12, else +8 */
};

static inline unsigned pcicfg_msi_data_off(const struct pci_msi_cap *m)
{
	return m->cap + (m->is64 ? 12u : 8u);
}

/*
 * A write of @width bytes of @value at @off: when it touches the MSI data
 * register (16 bits), the data it leaves (merged with @old_data) is judged
 * as an MSI (delivery mode only: the address is the IOMMU's business).
 * IRQ_ALLOW when the write does not touch the data register.
 */
enum irq_verdict pcicfg_msi_write_check(const struct pci_msi_cap *m, unsigned off,
					unsigned width, uint32_t value, uint16_t old_data);

/*
 * The legacy remapping table entry that delivers the MSI (@addr, @data)
 * as the device asked, and its index in the device's table (MSI data
 * [10:0], plus @vec for the vec-th vector of a multi-message MSI). false
 * for anything but fixed or lowest-priority MSIs inside the interrupt
 * window: those have no entry (the IOMMU refuses them).
 * See: AMD IOMMU Specification 48882, "Interrupt Remapping Tables"
 * (IRTE: RemapEn, IntType, DM, Destination, Vector).
 */
bool pcicfg_msi_irte(uint64_t addr, uint32_t data, unsigned vec, uint32_t *irte,
		     unsigned *index);

/*
 * The same for an IOAPIC redirection entry, whose message (QEMU: data =
 * vector | delivery mode << 8 | trigger << 15, destination RTE[63:56]) the
 * IOMMU judges under the IOAPIC's DeviceID. false for other delivery modes.
 */
bool pcicfg_rte_irte(uint64_t rte, uint32_t *irte, unsigned *index);

/*
 * Find capability @id in a function's list through @read8 (config byte at
 * an offset). 0 when absent; at most 48 links are followed, so a looping
 * list ends.
 */
uint16_t pcicfg_find_cap(uint8_t (*read8)(void *ctx, unsigned off), void *ctx, uint8_t id);

#endif /* SVMHV_HV_IOMMU_PCICFG_H */
