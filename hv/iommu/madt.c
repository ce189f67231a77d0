/* SPDX-License-Identifier: MIT */
/*
 * MADT and MCFG parsing, and the edits that hide a CPU. See hv/iommu/madt.h.
 */
#include "hv/iommu/madt.h"

#define LAPIC_LEN       8u      /* type, length, UID, APIC ID, flags (4) */
#define IOAPIC_LEN      12u     /* type, length, ID, reserved, address (4), GSI base (4) */
#define X2APIC_LEN      16u     /* type, length, reserved (2), x2APIC ID (4), flags (4), UID (4) */
#define LAPIC_FLAGS     4u      /* offset of the flags in a local APIC structure */
#define X2APIC_FLAGS    8u

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

/*
 * The next interrupt controller structure at *off: its type and length,
 * checked against the table end. false at the end; *bad on a malformed one.
 */
static bool next_entry(const uint8_t *tbl, size_t len, size_t *off, uint8_t *type,
		       uint8_t *elen, bool *bad)
{
	if (*off >= len)
		return false;
	if (len - *off < 2 || tbl[*off + 1] < 2 || tbl[*off + 1] > len - *off) {
		*bad = true;
		return false;
	}
	*type = tbl[*off];
	*elen = tbl[*off + 1];
	return true;
}

static int add_ioapic(struct madt_info *out, const uint8_t *e, uint8_t elen)
{
	struct madt_ioapic *io;

	if (elen < IOAPIC_LEN)
		return ACPI_EINVAL;
	if (out->nioapic == MADT_MAX_IOAPICS)
		return ACPI_E2BIG;
	io = &out->ioapic[out->nioapic++];
	io->id = e[2];
	io->base = le32(e + 4);
	io->gsi_base = le32(e + 8);
	return (io->base & 0xfff) ? ACPI_EINVAL : 0;    /* a page svmhv protects */
}

int madt_parse(const uint8_t *tbl, size_t len, struct madt_info *out)
{
	size_t off = MADT_HDR_LEN;
	uint8_t type, elen;
	bool bad = false;
	int rc;

	if (!tbl || !out || len < MADT_HDR_LEN)
		return ACPI_EINVAL;
	*out = (struct madt_info){ .lapic_base = le32(tbl + ACPI_HDR_LEN) };
	while (next_entry(tbl, len, &off, &type, &elen, &bad)) {
		if (type == MADT_TYPE_IOAPIC) {
			rc = add_ioapic(out, tbl + off, elen);
			if (rc)
				return rc;
		} else if ((type == MADT_TYPE_LAPIC && elen >= LAPIC_LEN) ||
			   (type == MADT_TYPE_X2APIC && elen >= X2APIC_LEN)) {
			out->ncpus++;
		} else if (type == 5 && elen >= 12) {   /* local APIC address override */
			out->lapic_base = le64(tbl + off + 4);
		}
		off += elen;
	}
	return bad ? ACPI_EINVAL : 0;
}

/* Offset of the flags of @e if it is @apic_id's local APIC or x2APIC structure, else 0. */
static size_t cpu_flags_offset(const uint8_t *e, uint8_t type, uint8_t elen, uint32_t apic_id)
{
	if (type == MADT_TYPE_LAPIC && elen >= LAPIC_LEN && e[3] == apic_id)
		return LAPIC_FLAGS;
	if (type == MADT_TYPE_X2APIC && elen >= X2APIC_LEN && le32(e + 4) == apic_id)
		return X2APIC_FLAGS;
	return 0;
}

int madt_hide_cpu(const uint8_t *tbl, size_t len, uint64_t tbl_pa, uint32_t apic_id,
		  struct acpi_edit edits[MADT_HIDE_MAX_EDITS])
{
	size_t off = MADT_HDR_LEN, fo;
	uint8_t type, elen, delta = 0;
	unsigned n = 0, i;
	bool bad = false;

	if (!tbl || len < MADT_HDR_LEN)
		return ACPI_EINVAL;
	while (next_entry(tbl, len, &off, &type, &elen, &bad) && n < 2) {
		fo = cpu_flags_offset(tbl + off, type, elen, apic_id);
		if (fo) {
			uint32_t flags = le32(tbl + off + fo);
			uint32_t now = flags & ~(MADT_LAPIC_ENABLED | MADT_LAPIC_ONLINE_CAP);

			edits[n] = (struct acpi_edit){ .pa = tbl_pa + off + fo, .len = 4 };
			for (i = 0; i < 4; i++) {
				edits[n].bytes[i] = (uint8_t)(now >> (8 * i));
				delta = (uint8_t)(delta + (uint8_t)(flags >> (8 * i)) -
						  edits[n].bytes[i]);
			}
			n++;
		}
		off += elen;
	}
	if (bad)
		return ACPI_EINVAL;
	if (n == 0)
		return ACPI_ENOENT;
	/* The bytes went down by delta in total: the checksum goes up by as much. */
	edits[n++] = (struct acpi_edit){ .pa = tbl_pa + 9, .len = 1,
					 .bytes = { (uint8_t)(tbl[9] + delta) } };
	return (int)n;
}

int mcfg_parse(const uint8_t *tbl, size_t len, struct mcfg_range *out, unsigned max,
	       unsigned *n)
{
	size_t off;

	if (!tbl || !out || !n || len < MCFG_HDR_LEN || (len - MCFG_HDR_LEN) % MCFG_ENTRY_LEN)
		return ACPI_EINVAL;
	*n = 0;
	for (off = MCFG_HDR_LEN; off < len; off += MCFG_ENTRY_LEN) {
		struct mcfg_range r = {
			.base = le64(tbl + off), .segment = (uint16_t)(tbl[off + 8] | tbl[off + 9] << 8),
			.bus_first = tbl[off + 10], .bus_last = tbl[off + 11],
		};

		if ((r.base & 0xfffff) || r.bus_last < r.bus_first)
			return ACPI_EINVAL;
		if (*n == max)
			return ACPI_E2BIG;
		out[(*n)++] = r;
	}
	return 0;
}
