/* SPDX-License-Identifier: MIT */
/*
 * Two more ACPI tables svmhv reads before the guest runs: the MADT ("APIC")
 * for the I/O APICs it write-protects and the CPUs it may have to hide, and
 * the MCFG for the PCI Express configuration window (ECAM) it guards.
 * See: ACPI Specification 6.5, 5.2.12 (MADT; 5.2.12.2 Processor Local APIC
 * structure, 5.2.12.3 I/O APIC structure, 5.2.12.12 Processor Local x2APIC
 * structure, Table 5.37 Local APIC Flags: bit 0 Enabled, bit 1 Online
 * Capable); PCI Firmware Specification 3.2, 4.1.2 (MCFG).
 *
 * The parsers work on a copy in svmhv's memory whose length and checksum
 * acpi_find() checked; every structure length is checked against what is
 * left. Hiding a CPU yields edits (hv/iommu/acpi.h) for the caller to apply.
 *
 * Pure: included by the freestanding hypervisor and by host unit tests.
 */
#ifndef SVMHV_HV_IOMMU_MADT_H
#define SVMHV_HV_IOMMU_MADT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/iommu/acpi.h"

#define MADT_HDR_LEN            44u     /* ACPI header + local APIC address + flags */
#define MADT_MAX_IOAPICS        8

#define MADT_TYPE_LAPIC         0
#define MADT_TYPE_IOAPIC        1
#define MADT_TYPE_X2APIC        9

#define MADT_LAPIC_ENABLED      (1u << 0)
#define MADT_LAPIC_ONLINE_CAP   (1u << 1)

struct madt_ioapic {
	uint8_t  id;
	uint64_t base;          /* MMIO, one 4 KiB page */
	uint32_t gsi_base;
};

struct madt_info {
	uint64_t lapic_base;
	struct madt_ioapic ioapic[MADT_MAX_IOAPICS];
	unsigned nioapic;
	unsigned ncpus;         /* local APIC + x2APIC structures, enabled or not */
};

/* Parse a MADT of @len bytes. 0, ACPI_EINVAL or ACPI_E2BIG (too many I/O APICs). */
int madt_parse(const uint8_t *tbl, size_t len, struct madt_info *out);

#define MADT_HIDE_MAX_EDITS     3       /* local APIC flags, x2APIC flags, checksum */

/*
 * Edits that make the CPU with @apic_id invisible to an OS: Enabled and
 * Online Capable cleared in its local APIC and x2APIC structures, and the
 * checksum fixed. @tbl is a copy of the table found at @tbl_pa. Returns the
 * number of edits, or ACPI_ENOENT (no such CPU) / ACPI_EINVAL.
 */
int madt_hide_cpu(const uint8_t *tbl, size_t len, uint64_t tbl_pa, uint32_t apic_id,
		  struct acpi_edit edits[MADT_HIDE_MAX_EDITS]);

/* ---- MCFG ---------------------------------------------------------------- */
#define MCFG_HDR_LEN            44u     /* ACPI header + 8 reserved bytes */
#define MCFG_ENTRY_LEN          16u

struct mcfg_range {
	uint64_t base;          /* ECAM address of bus 0 of the segment (Linux's reading) */
	uint16_t segment;
	uint8_t  bus_first, bus_last;
};

/*
 * Parse the MCFG: up to @max ranges into @out, count in *n. 0, ACPI_EINVAL
 * (bad length, base not 1 MiB aligned, bus range reversed) or ACPI_E2BIG.
 */
int mcfg_parse(const uint8_t *tbl, size_t len, struct mcfg_range *out, unsigned max,
	       unsigned *n);

/* The window a range decodes: 1 MiB per bus, from its first bus. */
static inline uint64_t mcfg_start(const struct mcfg_range *r)
{
	return r->base + ((uint64_t)r->bus_first << 20);
}

static inline uint64_t mcfg_size(const struct mcfg_range *r)
{
	return ((uint64_t)(r->bus_last - r->bus_first) + 1) << 20;
}

#endif /* SVMHV_HV_IOMMU_MADT_H */
