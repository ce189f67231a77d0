/* SPDX-License-Identifier: MIT */
/*
 * A checked walk of the firmware's ACPI tables: RSDP -> XSDT (or RSDT) ->
 * one table by signature, and the edits that hide a table from the guest.
 * See: ACPI Specification 6.5, 5.2.5 (RSDP), 5.2.6 (system description
 * table header), 5.2.7 (RSDT), 5.2.8 (XSDT).
 *
 * Every byte comes through a read callback (physical address, length), and
 * every field is checked before it is used: signatures, revision, lengths
 * against the caller's bounds, address wrap, entry counts, checksums over
 * whole tables. Nothing here writes memory: hiding a table yields a short
 * list of edits (address, bytes) for the caller to apply while the firmware
 * is quiescent.
 *
 * Pure: included by the freestanding hypervisor and by host unit tests.
 */
#ifndef SVMHV_HV_IOMMU_ACPI_H
#define SVMHV_HV_IOMMU_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACPI_EINVAL     (-22)   /* malformed or inconsistent table */
#define ACPI_ENOENT     (-2)    /* no such table */
#define ACPI_EIO        (-5)    /* the read callback failed */
#define ACPI_E2BIG      (-7)    /* over the caller's limits */

#define ACPI_HDR_LEN    36u
#define ACPI_RSDP_V1_LEN 20u
#define ACPI_RSDP_V2_LEN 36u
#define ACPI_MAX_TABLE  (1u << 20)      /* no table svmhv reads is this big */
#define ACPI_MAX_ROOT_ENTRIES 256u

struct acpi_reader {
	/* Copy @len bytes at physical @pa into @buf: 0, or nonzero on failure. */
	int (*read)(void *ctx, uint64_t pa, void *buf, size_t len);
	void *ctx;
};

struct acpi_header {
	char     sig[4];
	uint32_t length;
	uint8_t  revision;
	uint8_t  checksum;
	char     oem_id[6];
	char     oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
};

/* The root table the walk used and where it found the table. */
struct acpi_table_ref {
	uint64_t pa;            /* the table */
	uint32_t length;        /* its checked length */
	uint64_t root_pa;       /* XSDT or RSDT that points at it */
	uint32_t root_length;
	unsigned entry_size;    /* 8 (XSDT) or 4 (RSDT) */
	unsigned index;         /* entry number in the root table */
};

/* Sum of @len bytes is zero? */
bool acpi_checksum_ok(const void *p, size_t len);

/* Decode a 36-byte header (little endian, any alignment). */
void acpi_header_decode(const uint8_t raw[ACPI_HDR_LEN], struct acpi_header *h);

struct acpi_root {
	uint64_t pa;
	uint32_t length;
	unsigned entry_size;    /* 8 XSDT, 4 RSDT */
};

/*
 * Check the RSDP at @rsdp_pa and the root tables it names. @roots gets the
 * XSDT (when the RSDP has one and it checks out) then the RSDT (when
 * present and valid): up to two. Returns the count (>= 1) or an error.
 * An XSDT that is named but broken is an error, not a fallback: firmware
 * that ships one bad root table is not trusted for the other.
 */
int acpi_roots(const struct acpi_reader *r, uint64_t rsdp_pa, struct acpi_root roots[2]);

/*
 * Find the table with signature @sig through the preferred root (XSDT,
 * else RSDT). The table's length must be in [min_len, max_len] and its
 * checksum right. Two tables with @sig in one root table: ACPI_EINVAL.
 */
int acpi_find(const struct acpi_reader *r, uint64_t rsdp_pa, const char sig[4],
	      uint32_t min_len, uint32_t max_len, struct acpi_table_ref *out);

/* One small write: @len bytes at @pa. */
struct acpi_edit {
	uint64_t pa;
	uint8_t  len;
	uint8_t  bytes[16];
};
#define ACPI_HIDE_MAX_EDITS 8   /* 2 renames + 2 roots x 2 edits = 6 */

/*
 * Hide the table with signature @sig from the guest. Two independent
 * measures, both as edits:
 *  - rename the table in place to @new_sig and fix its checksum, so that
 *    even a root table the firmware rebuilds later (EFI_ACPI_TABLE_PROTOCOL
 *    regenerates the XSDT from its own list of table buffers) points at a
 *    table no OS parses;
 *  - drop its entry from every root table (XSDT and RSDT): the last entry
 *    moves into its slot, the length shrinks by one entry, the checksum is
 *    fixed. Entry order carries no meaning in ACPI.
 * Returns the number of edits (<= ACPI_HIDE_MAX_EDITS) or an error; no
 * table with @sig: ACPI_ENOENT.
 */
int acpi_hide(const struct acpi_reader *r, uint64_t rsdp_pa, const char sig[4],
	      const char new_sig[4], struct acpi_edit edits[ACPI_HIDE_MAX_EDITS]);

#endif /* SVMHV_HV_IOMMU_ACPI_H */
