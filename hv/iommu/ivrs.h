/* SPDX-License-Identifier: MIT */
/*
 * The ACPI IVRS table (I/O Virtualization Reporting Structure) parsed into
 * plain structs: which IOMMUs exist (MMIO base, PCI segment and BDF,
 * capability offset, features) and which DeviceIDs each one covers, with the
 * DTE settings firmware asks for, the IOAPIC/HPET special devices and the
 * IVMD memory definitions (unity-mapped and exclusion ranges).
 * See: AMD IOMMU Specification 48882, "ACPI Tables" (IVRS, IVHD types 10h,
 * 11h and 40h, IVHD device entries, IVMD types 20h-22h).
 *
 * The parser works on a copy of the table in svmhv's memory (checksum and
 * length already checked by acpi_find) and trusts nothing in it: every
 * length is checked against what is left, ranges must be closed, entry
 * types it cannot size are an error, addresses must be aligned.
 *
 * Pure: included by the freestanding hypervisor and by host unit tests.
 */
#ifndef SVMHV_HV_IOMMU_IVRS_H
#define SVMHV_HV_IOMMU_IVRS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IVRS_EINVAL             (-22)
#define IVRS_E2BIG              (-7)    /* more than the fixed arrays hold */

#define IVRS_MAX_IOMMUS         8
#define IVRS_MAX_RANGES         64      /* per IOMMU */
#define IVRS_MAX_SPECIALS       8       /* per IOMMU */
#define IVRS_MAX_IVMD           16

#define IVRS_HDR_LEN            48      /* ACPI header + IVinfo + reserved */

/* IVHD device entry "DTE setting" byte. */
#define IVRS_DTE_INITPASS       0x01
#define IVRS_DTE_EINTPASS       0x02
#define IVRS_DTE_NMIPASS        0x04
#define IVRS_DTE_SYSMGT_MASK    0x30
#define IVRS_DTE_LINT0PASS      0x40
#define IVRS_DTE_LINT1PASS      0x80

#define IVRS_SPECIAL_IOAPIC     1
#define IVRS_SPECIAL_HPET       2

/* DeviceIDs [first, last] (inclusive) with one DTE setting. */
struct ivrs_range {
	uint16_t first, last;
	uint8_t  setting;
	bool     alias;         /* requests arrive as @alias_id */
	uint16_t alias_id;
};

struct ivrs_special {
	uint8_t  variety;       /* IVRS_SPECIAL_* */
	uint8_t  handle;        /* IOAPIC ID or HPET number */
	uint16_t devid;
	uint8_t  setting;
};

struct ivrs_iommu {
	uint8_t  type;          /* 0x10, 0x11 or 0x40 */
	uint8_t  flags;
	uint16_t devid;         /* the IOMMU's own PCI BDF */
	uint16_t cap_offset;    /* of its capability in PCI config space */
	uint64_t base;          /* MMIO base */
	uint16_t segment;
	uint16_t info;          /* MSI number, UnitID */
	uint32_t feature;       /* type 10h: feature reporting; 11h/40h: attributes */
	uint64_t efr;           /* types 11h/40h: EFR image; 0 for 10h */
	struct ivrs_range ranges[IVRS_MAX_RANGES];
	unsigned nranges;
	struct ivrs_special specials[IVRS_MAX_SPECIALS];
	unsigned nspecials;
	bool     all_devices;   /* an "all" entry: every DeviceID, ranges[0] */
};

struct ivrs_ivmd {
	uint8_t  type;          /* 0x20 all, 0x21 one device, 0x22 range */
	uint8_t  flags;         /* bit 0 unity, 1 IR, 2 IW, 3 exclusion */
	uint16_t first, last;   /* DeviceIDs it applies to */
	uint64_t start, length;
};

struct ivrs_info {
	uint32_t ivinfo;
	struct ivrs_iommu iommu[IVRS_MAX_IOMMUS];
	unsigned niommu;
	struct ivrs_ivmd ivmd[IVRS_MAX_IVMD];
	unsigned nivmd;
};

/*
 * Parse @len bytes of IVRS. When firmware describes one IOMMU with several
 * IVHD types (10h for old OSes, 11h/40h for new ones; same segment and
 * DeviceID), only the highest type is kept, as the specification intends.
 * Returns 0, IVRS_EINVAL or IVRS_E2BIG; on error *out is unspecified.
 */
int ivrs_parse(const uint8_t *tbl, size_t len, struct ivrs_info *out);

/* The IOAPIC special entry with @ioapic_id, or NULL. */
const struct ivrs_special *ivrs_find_ioapic(const struct ivrs_iommu *io, uint8_t ioapic_id);

/* Does @io's device list cover @devid? */
bool ivrs_covers(const struct ivrs_iommu *io, uint16_t devid);

#endif /* SVMHV_HV_IOMMU_IVRS_H */
