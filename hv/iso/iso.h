/* SPDX-License-Identifier: MIT */
/*
 * Isolation from devices and interrupts: the glue between svmhv and the
 * pure decisions of hv/iommu/. svmhv owns the AMD IOMMU when there is one
 * (hv/iso/iommu.c), guards the PCI configuration space (hv/iso/pci.c), the
 * I/O APICs and the IOMMU's registers (hv/iso/npf.c), the DMA engines the
 * IOMMU does not see and the chipset's reset ports (hv/iso/ioio.c), and
 * handles INIT and parked CPUs (hv/iso/cpu.c). svmhv's own integrity check
 * (canaries, code checksum) is hv/integrity.c's.
 * Everything here is set up by hv_iso_setup() on the boot CPU before the
 * guest runs (hv/iso/setup.c).
 */
#ifndef SVMHV_HV_ISO_ISO_H
#define SVMHV_HV_ISO_ISO_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/boot_info.h"
#include "hv/hypercall.h"
#include "hv/iommu/dmaguard.h"
#include "hv/iommu/ivrs.h"
#include "hv/iommu/madt.h"
#include "hv/iommu/pcicfg.h"
#include "hv/iommu/sleep.h"
#include "hv/iommu/ports.h"
#include "hv/run.h"
#include "svm/hw.h"

struct vcpu;
struct hv_cpu;

#define HV_ISO_MAX_ECAM         4
#define HV_ISO_MAX_PROT         (4 + IVRS_MAX_IOMMUS + MADT_MAX_IOAPICS + HV_ISO_MAX_ECAM)
#define HV_ISO_MAX_IRT          256     /* devices svmhv remaps interrupts for */

/* One IOMMU svmhv owns. */
struct hv_iso_iommu {
	uint64_t base, mmio_size;       /* MMIO registers (NPT: a blank page for the guest) */
	uint16_t devid, cap;            /* its PCI function and capability */
	uint64_t cmd_pa, evt_pa;        /* command ring, event log: 256 entries each */
	uint32_t cmd_tail, evt_head;    /* byte offsets */
};

/* A device's interrupt remapping table (IntCtl = remap: QEMU, see iommu.c). */
struct hv_iso_irt {
	uint16_t devid;
	uint32_t *table;
	uint64_t pa;
};

#define HV_ISO_IOAPIC_PINS      240     /* the most a version register can say */

struct hv_iso_ioapic {
	uint64_t base;
	unsigned npins;
	uint8_t id;                     /* MADT I/O APIC ID */
	uint8_t regsel;                 /* IOREGSEL as the guest last wrote it */
	int devid;                      /* its IOMMU DeviceID (IVRS special entry), -1 */
	uint64_t rte[HV_ISO_IOAPIC_PINS];       /* every entry, as written */
};

struct hv_iso {
	bool dma_off;                   /* dma_protect=off */
	bool iommu_owned;
	bool intremap;                  /* DTE.IV = 1: device interrupts filtered by the IOMMU */
	bool irt_mode;                  /* ... through svmhv's remapping tables */
	bool fwcfg;                     /* QEMU's fw_cfg is there (ports 0x510-0x51b) */
	unsigned niommu;
	struct hv_iso_iommu iommu[IVRS_MAX_IOMMUS];
	uint64_t devtab_pa;
	unsigned nirt;
	struct hv_iso_irt irt[HV_ISO_MAX_IRT];
	volatile uint64_t *cw;          /* COMPLETION_WAIT store word */
	uint64_t cw_pa, cw_seq;
	unsigned necam;
	struct mcfg_range ecam[HV_ISO_MAX_ECAM];
	unsigned nioapic;
	struct hv_iso_ioapic ioapic[MADT_MAX_IOAPICS];
	/* DMA outside the IOMMU (fw_cfg, ISA DMA) must avoid prot and stay in RAM. */
	unsigned nprot, nram;
	struct dma_range prot[HV_ISO_MAX_PROT];
	struct dma_range ram[HV_BOOT_MAX_RAM];
	struct pcicfg_guard guard;
	uint32_t cf8;                   /* the guest's config address (port 0xCF8) */
	struct fwcfg_dma_latch fwcfg_latch;
	uint8_t *fwcfg_bounce;          /* svmhv's copy of a descriptor: no double fetch */
	uint64_t fwcfg_bounce_pa;
	struct isadma_state isadma;
	struct resetport_state reset;
	struct sleep_guard sleep;       /* PM1/sleep registers (hv/iso/sleep.c) */
	uint32_t lock_pci, lock_ioapic, lock_ports, lock_iommu;
	uint64_t next_poll;             /* TSC of the next fault-log poll */
	uint64_t counters[SVMHV_ISO_COUNTERS];
};

extern struct hv_iso hv_iso;

/* ---- set-up (boot CPU, before the guest runs; each CPU at takeover) ---- */
struct acpi_edit;
struct acpi_reader;
extern const struct acpi_reader hv_iso_acpi;    /* physical memory, identity-mapped */
void hv_iso_apply_edits(const struct acpi_edit *e, int n);
int hv_iso_setup(void);
void hv_iso_setup_cpu(struct hv_cpu *cpu);
int hv_iso_iommu_setup(const struct ivrs_info *ivrs, bool qemu);

/* ---- exits ---- */
/* Is this IOIO exit (EXITINFO1) one of isolation's ports? Else the debugger's. */
bool hv_iso_ioio_owns(uint64_t exit_info_1);
struct hv_verdict hv_iso_ioio(struct vcpu *v);
bool hv_iso_npf_owns(uint64_t gpa);
struct hv_verdict hv_iso_npf_write(struct vcpu *v, uint64_t gpa);
struct hv_verdict hv_iso_init_exit(struct vcpu *v);
/* #SX in host mode: an INIT VM_CR.R_INIT turned into an exception. */
void hv_iso_host_sx(void);

/* ---- ACPI sleep states (hv/iso/sleep.c) ---- */
int hv_iso_sleep_setup(void);
void hv_iso_sleep_port(struct vcpu *v, uint16_t port, unsigned size, bool in, uint32_t *val);

/* ---- PCI configuration (hv/iso/pci.c) ---- */
struct hv_verdict hv_iso_pci_port(struct vcpu *v, uint16_t port, unsigned size, bool in,
				  uint32_t *val);
/* An ECAM store the guest made: performed unless the guard refuses it. true: performed. */
bool hv_iso_ecam_store(uint64_t gpa, unsigned width, uint64_t value);
bool hv_iso_is_ecam(uint64_t gpa);
/* svmhv's own config accesses; the caller holds lock_pci. */
uint32_t hv_iso_cfg_read(uint16_t bdf, unsigned off, unsigned width);
void hv_iso_cfg_write(uint16_t bdf, unsigned off, unsigned width, uint32_t val);
/* Write-protect bdf's register off..off+len-1 if bdf is vendor_device (takes lock_pci). */
bool hv_iso_guard_register(uint16_t bdf, uint32_t vendor_device, uint16_t off, uint16_t len);
uint16_t hv_iso_find_cap(uint16_t bdf, uint8_t id);
struct pci_msi_cap hv_iso_msi_cap(uint16_t bdf);
void hv_iso_msi_sync(uint16_t bdf, const struct pci_msi_cap *m);

/* ---- the IOMMU at run time (hv/iso/iommu.c) ---- */
void hv_iso_poll(bool now);
void hv_iso_irt_set(uint16_t devid, uint64_t addr, uint32_t data, unsigned nvec);
/* The IOAPIC's table follows its redirection entry @pin (QEMU: see iommu.c). */
void hv_iso_irt_rte(const struct hv_iso_ioapic *io, unsigned pin);

/* ---- hypercalls, counters, parking (hv/iso/cpu.c) ---- */
int hv_iso_counter(uint64_t idx, uint64_t *val);
int64_t hv_iso_park(uint64_t cpu);
bool hv_iso_cpu_parked(unsigned idx);

static inline void hv_iso_count(enum svmhv_iso_counter c)
{
	__atomic_add_fetch(&hv_iso.counters[c], 1, __ATOMIC_RELAXED);
}

/* Log the first 8 events, then every 256th: the console never floods. */
static inline bool hv_iso_ratelimit(uint64_t n)
{
	return n <= 8 || (n & 255) == 0;
}

/* A spin lock for the few shared registers (CF8, IOREGSEL, the fw_cfg latch...). */
static inline void hv_iso_lock(uint32_t *l)
{
	while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
		__asm__ volatile("pause" ::: "memory");
}

static inline bool hv_iso_trylock(uint32_t *l)
{
	return !__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE);
}

static inline void hv_iso_unlock(uint32_t *l)
{
	__atomic_store_n(l, 0, __ATOMIC_RELEASE);
}

/* MMIO through svmhv's identity host mapping (uncached by the MTRRs). */
static inline uint64_t hv_iso_mmio_read(uint64_t pa, unsigned width)
{
	switch (width) {
	case 1: return *(volatile uint8_t *)(uintptr_t)pa;
	case 2: return *(volatile uint16_t *)(uintptr_t)pa;
	case 4: return *(volatile uint32_t *)(uintptr_t)pa;
	default: return *(volatile uint64_t *)(uintptr_t)pa;
	}
}

static inline void hv_iso_mmio_write(uint64_t pa, unsigned width, uint64_t v)
{
	switch (width) {
	case 1: *(volatile uint8_t *)(uintptr_t)pa = (uint8_t)v; break;
	case 2: *(volatile uint16_t *)(uintptr_t)pa = (uint16_t)v; break;
	case 4: *(volatile uint32_t *)(uintptr_t)pa = (uint32_t)v; break;
	default: *(volatile uint64_t *)(uintptr_t)pa = v; break;
	}
}

/* A port access svmhv performs for the guest, 1, 2 or 4 bytes wide. */
static inline uint32_t hv_iso_port_in(uint16_t port, unsigned size)
{
	return size == 1 ? inb(port) : size == 2 ? inw(port) : inl(port);
}

static inline void hv_iso_port_out(uint16_t port, unsigned size, uint32_t v)
{
	if (size == 1)
		outb(port, (uint8_t)v);
	else if (size == 2)
		outw(port, (uint16_t)v);
	else
		outl(port, v);
}

#endif /* SVMHV_HV_ISO_ISO_H */
