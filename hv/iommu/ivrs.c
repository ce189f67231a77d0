/* SPDX-License-Identifier: MIT */
/*
 * IVRS parser. See hv/iommu/ivrs.h; AMD IOMMU Specification 48882,
 * "ACPI Tables": IVRS header (IVinfo at byte 36, blocks from byte 48),
 * IVHD header (24 bytes for type 10h, 40 for 11h/40h), device entries
 * (type bits [7:6]: 00 four bytes, 01 eight bytes, 1x variable), IVMD
 * blocks (32 bytes).
 */
#include "hv/iommu/ivrs.h"

#define IVHD_HDR10      24u
#define IVHD_HDR11      40u
#define IVMD_LEN        32u
#define MMIO_ALIGN      0x4000u         /* 16 KiB: the registers' footprint */

enum {
	DEV_PAD = 0x00, DEV_ALL = 0x01, DEV_SELECT = 0x02, DEV_START = 0x03,
	DEV_END = 0x04, DEV_ALIAS_SELECT = 0x42, DEV_ALIAS_START = 0x43,
	DEV_EXT_SELECT = 0x46, DEV_EXT_START = 0x47, DEV_SPECIAL = 0x48,
	DEV_ACPI_HID = 0xf0,
};

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16;
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* Size of the device entry at @p (with @left bytes left), 0 if unknown. */
static size_t entry_size(const uint8_t *p, size_t left)
{
	if (p[0] < 0x40)
		return 4;
	if (p[0] < 0x80)
		return 8;
	if (p[0] == DEV_ACPI_HID && left >= 22)
		return 22u + p[21];
	return 0;
}

/* Parser state of one IVHD's device list: an open range start. */
struct devlist {
	struct ivrs_iommu *io;
	bool open;
	struct ivrs_range pending;
};

static int add_range(struct ivrs_iommu *io, const struct ivrs_range *r)
{
	if (r->last < r->first)
		return IVRS_EINVAL;
	if (io->nranges == IVRS_MAX_RANGES)
		return IVRS_E2BIG;
	io->ranges[io->nranges++] = *r;
	return 0;
}

static int add_special(struct ivrs_iommu *io, const uint8_t *e)
{
	struct ivrs_special *s;

	if (e[7] != IVRS_SPECIAL_IOAPIC && e[7] != IVRS_SPECIAL_HPET)
		return IVRS_EINVAL;
	if (io->nspecials == IVRS_MAX_SPECIALS)
		return IVRS_E2BIG;
	s = &io->specials[io->nspecials++];
	*s = (struct ivrs_special){ e[7], e[4], le16(e + 5), e[3] };
	return 0;
}

/* One device entry. Range starts must be closed by the very next entry. */
static int device_entry(struct devlist *d, const uint8_t *e)
{
	struct ivrs_range r = { le16(e + 1), le16(e + 1), e[3], false, 0 };

	if (d->open && e[0] != DEV_END)
		return IVRS_EINVAL;
	switch (e[0]) {
	case DEV_ALL:
		d->io->all_devices = true;
		r.first = 0;
		r.last = 0xffff;
		return add_range(d->io, &r);
	case DEV_SELECT:
	case DEV_EXT_SELECT:
	case DEV_ACPI_HID:
		return add_range(d->io, &r);
	case DEV_ALIAS_SELECT:
		r.alias = true;
		r.alias_id = le16(e + 5);
		return add_range(d->io, &r);
	case DEV_START:
	case DEV_EXT_START:
	case DEV_ALIAS_START:
		r.alias = e[0] == DEV_ALIAS_START;
		r.alias_id = r.alias ? le16(e + 5) : 0;
		d->pending = r;
		d->open = true;
		return 0;
	case DEV_END:
		if (!d->open)
			return IVRS_EINVAL;
		d->open = false;
		d->pending.last = le16(e + 1);
		return add_range(d->io, &d->pending);
	case DEV_SPECIAL:
		return add_special(d->io, e);
	default:
		return 0;       /* padding and reserved fixed-size types */
	}
}

static int device_list(struct ivrs_iommu *io, const uint8_t *p, size_t len)
{
	struct devlist d = { io, false, { 0, 0, 0, false, 0 } };
	size_t off = 0;
	int rc;

	while (off < len) {
		size_t sz = entry_size(p + off, len - off);

		if (sz == 0 || sz > len - off)
			return IVRS_EINVAL;
		rc = device_entry(&d, p + off);
		if (rc)
			return rc;
		off += sz;
	}
	return d.open ? IVRS_EINVAL : 0;
}

static int parse_ivhd(const uint8_t *b, size_t blen, struct ivrs_iommu *io)
{
	size_t hdr = b[0] == 0x10 ? IVHD_HDR10 : IVHD_HDR11;

	if (blen < hdr)
		return IVRS_EINVAL;
	io->type = b[0];
	io->flags = b[1];
	io->devid = le16(b + 4);
	io->cap_offset = le16(b + 6);
	io->base = le64(b + 8);
	io->segment = le16(b + 16);
	io->info = le16(b + 18);
	io->feature = le32(b + 20);
	io->efr = hdr == IVHD_HDR11 ? le64(b + 24) : 0;
	io->nranges = io->nspecials = 0;
	io->all_devices = false;
	/* The registers must be a real, aligned MMIO window below 2^52; the
	 * capability lives in standard config space, dword aligned. */
	if (io->base == 0 || (io->base & (MMIO_ALIGN - 1)) || (io->base >> 52) ||
	    io->cap_offset < 0x40 || io->cap_offset > 0xfc || (io->cap_offset & 3))
		return IVRS_EINVAL;
	return device_list(io, b + hdr, blen - hdr);
}

static int parse_ivmd(const uint8_t *b, size_t blen, struct ivrs_info *out)
{
	struct ivrs_ivmd *m;

	if (blen != IVMD_LEN)
		return IVRS_EINVAL;
	if (out->nivmd == IVRS_MAX_IVMD)
		return IVRS_E2BIG;
	m = &out->ivmd[out->nivmd++];
	*m = (struct ivrs_ivmd){ b[0], b[1], le16(b + 4), le16(b + 4),
				 le64(b + 16), le64(b + 24) };
	if (b[0] == 0x20) {
		m->first = 0;
		m->last = 0xffff;
	} else if (b[0] == 0x22) {
		m->last = le16(b + 6);
	}
	if (m->last < m->first || (m->start & 0xfff) || (m->length & 0xfff) ||
	    m->start + m->length < m->start)
		return IVRS_EINVAL;
	return 0;
}

static bool same_iommu(const struct ivrs_iommu *a, const struct ivrs_iommu *b)
{
	return a->segment == b->segment && a->devid == b->devid;
}

/* Keep @n (just parsed) only if no block of a higher type describes it. */
static void keep_highest(struct ivrs_info *out)
{
	unsigned n = out->niommu - 1, i;

	for (i = 0; i < n; i++) {
		if (!same_iommu(&out->iommu[i], &out->iommu[n]))
			continue;
		if (out->iommu[n].type > out->iommu[i].type)
			out->iommu[i] = out->iommu[n];
		out->niommu--;
		return;
	}
}

static int parse_block(const uint8_t *b, size_t blen, struct ivrs_info *out)
{
	int rc;

	switch (b[0]) {
	case 0x10:
	case 0x11:
	case 0x40:
		if (out->niommu == IVRS_MAX_IOMMUS)
			return IVRS_E2BIG;
		rc = parse_ivhd(b, blen, &out->iommu[out->niommu++]);
		if (rc)
			return rc;
		keep_highest(out);
		return 0;
	case 0x20:
	case 0x21:
	case 0x22:
		return parse_ivmd(b, blen, out);
	default:
		return 0;       /* a block type from a later revision: skip it */
	}
}

int ivrs_parse(const uint8_t *tbl, size_t len, struct ivrs_info *out)
{
	size_t off = IVRS_HDR_LEN;
	int rc;

	if (!tbl || !out || len < IVRS_HDR_LEN || le32(tbl + 4) != len ||
	    tbl[0] != 'I' || tbl[1] != 'V' || tbl[2] != 'R' || tbl[3] != 'S')
		return IVRS_EINVAL;
	out->ivinfo = le32(tbl + 36);
	out->niommu = out->nivmd = 0;
	while (off < len) {
		size_t blen;

		if (len - off < 4)
			return IVRS_EINVAL;
		blen = le16(tbl + off + 2);
		if (blen < 4 || blen > len - off)
			return IVRS_EINVAL;
		rc = parse_block(tbl + off, blen, out);
		if (rc)
			return rc;
		off += blen;
	}
	return out->niommu ? 0 : IVRS_EINVAL;
}

const struct ivrs_special *ivrs_find_ioapic(const struct ivrs_iommu *io, uint8_t ioapic_id)
{
	unsigned i;

	for (i = 0; i < io->nspecials; i++)
		if (io->specials[i].variety == IVRS_SPECIAL_IOAPIC &&
		    io->specials[i].handle == ioapic_id)
			return &io->specials[i];
	return 0;
}

bool ivrs_covers(const struct ivrs_iommu *io, uint16_t devid)
{
	unsigned i;

	for (i = 0; i < io->nranges; i++)
		if (io->ranges[i].first <= devid && devid <= io->ranges[i].last)
			return true;
	for (i = 0; i < io->nspecials; i++)
		if (io->specials[i].devid == devid)
			return true;
	return false;
}
