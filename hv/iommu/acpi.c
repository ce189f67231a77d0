/* SPDX-License-Identifier: MIT */
/*
 * Checked ACPI root-table walk and the edits that hide a table.
 * See hv/iommu/acpi.h; ACPI Specification 6.5, 5.2.5 - 5.2.8.
 */
#include "hv/iommu/acpi.h"

#define CHUNK           64u

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static bool same_sig(const char *a, const char *b)
{
	return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3];
}

static uint8_t sum_bytes(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s = (uint8_t)(s + *p++);
	return s;
}

bool acpi_checksum_ok(const void *p, size_t len)
{
	return sum_bytes(p, len) == 0;
}

void acpi_header_decode(const uint8_t raw[ACPI_HDR_LEN], struct acpi_header *h)
{
	unsigned i;

	for (i = 0; i < 4; i++)
		h->sig[i] = (char)raw[i];
	h->length = le32(raw + 4);
	h->revision = raw[8];
	h->checksum = raw[9];
	for (i = 0; i < 6; i++)
		h->oem_id[i] = (char)raw[10 + i];
	for (i = 0; i < 8; i++)
		h->oem_table_id[i] = (char)raw[16 + i];
	h->oem_revision = le32(raw + 24);
	h->creator_id = le32(raw + 28);
	h->creator_revision = le32(raw + 32);
}

static bool range_ok(uint64_t pa, uint64_t len)
{
	return len != 0 && pa + len > pa;       /* no wrap past 2^64 */
}

static int rd(const struct acpi_reader *r, uint64_t pa, void *buf, size_t len)
{
	if (!range_ok(pa, len))
		return ACPI_EINVAL;
	return r->read(r->ctx, pa, buf, len) ? ACPI_EIO : 0;
}

/* Checksum of @len bytes at @pa, read in chunks: 0 if they sum to zero. */
static int checksum_at(const struct acpi_reader *r, uint64_t pa, uint32_t len)
{
	uint8_t buf[CHUNK], s = 0;
	uint32_t off = 0;
	int rc;

	while (off < len) {
		uint32_t n = len - off < CHUNK ? len - off : CHUNK;

		rc = rd(r, pa + off, buf, n);
		if (rc)
			return rc;
		s = (uint8_t)(s + sum_bytes(buf, n));
		off += n;
	}
	return s ? ACPI_EINVAL : 0;
}

/* Read the header at @pa and check length bounds, wrap and checksum. */
static int read_table(const struct acpi_reader *r, uint64_t pa, uint32_t min_len,
		      uint32_t max_len, struct acpi_header *h)
{
	uint8_t raw[ACPI_HDR_LEN];
	int rc = rd(r, pa, raw, sizeof(raw));

	if (rc)
		return rc;
	acpi_header_decode(raw, h);
	if (h->length < ACPI_HDR_LEN || h->length < min_len)
		return ACPI_EINVAL;
	if (h->length > max_len || h->length > ACPI_MAX_TABLE)
		return ACPI_E2BIG;
	if (!range_ok(pa, h->length))
		return ACPI_EINVAL;
	return checksum_at(r, pa, h->length);
}

static int check_root(const struct acpi_reader *r, uint64_t pa, unsigned esize,
		      struct acpi_root *root)
{
	struct acpi_header h;
	uint32_t max = ACPI_HDR_LEN + ACPI_MAX_ROOT_ENTRIES * esize;
	int rc = read_table(r, pa, ACPI_HDR_LEN, max, &h);

	if (rc)
		return rc;
	if (!same_sig(h.sig, esize == 8 ? "XSDT" : "RSDT") ||
	    (h.length - ACPI_HDR_LEN) % esize)
		return ACPI_EINVAL;
	root->pa = pa;
	root->length = h.length;
	root->entry_size = esize;
	return 0;
}

/* RSDP: "RSD PTR ", checksum of the first 20 bytes, and for revision >= 2
 * the extended checksum over its Length (36 .. 4096 bytes). */
static int read_rsdp(const struct acpi_reader *r, uint64_t pa, uint64_t *rsdt, uint64_t *xsdt)
{
	uint8_t raw[ACPI_RSDP_V2_LEN];
	uint32_t len;
	int rc = rd(r, pa, raw, ACPI_RSDP_V1_LEN);

	if (rc)
		return rc;
	if (raw[0] != 'R' || raw[1] != 'S' || raw[2] != 'D' || raw[3] != ' ' ||
	    raw[4] != 'P' || raw[5] != 'T' || raw[6] != 'R' || raw[7] != ' ' ||
	    !acpi_checksum_ok(raw, ACPI_RSDP_V1_LEN))
		return ACPI_EINVAL;
	*rsdt = le32(raw + 16);
	*xsdt = 0;
	if (raw[15] < 2)
		return 0;
	rc = rd(r, pa, raw, ACPI_RSDP_V2_LEN);
	if (rc)
		return rc;
	len = le32(raw + 20);
	if (len < ACPI_RSDP_V2_LEN || len > 4096 || !range_ok(pa, len))
		return ACPI_EINVAL;
	rc = checksum_at(r, pa, len);
	if (rc)
		return rc;
	*xsdt = le64(raw + 24);
	return 0;
}

int acpi_roots(const struct acpi_reader *r, uint64_t rsdp_pa, struct acpi_root roots[2])
{
	uint64_t rsdt, xsdt;
	int n = 0, rc;

	if (!r || !r->read || !roots)
		return ACPI_EINVAL;
	rc = read_rsdp(r, rsdp_pa, &rsdt, &xsdt);
	if (rc)
		return rc;
	if (xsdt) {
		rc = check_root(r, xsdt, 8, &roots[n]);
		if (rc)
			return rc;
		n++;
	}
	if (rsdt) {
		rc = check_root(r, rsdt, 4, &roots[n]);
		if (rc)
			return rc;
		n++;
	}
	return n ? n : ACPI_EINVAL;
}

static int root_entry(const struct acpi_reader *r, const struct acpi_root *root,
		      unsigned i, uint64_t *pa)
{
	uint8_t raw[8];
	int rc = rd(r, root->pa + ACPI_HDR_LEN + (uint64_t)i * root->entry_size, raw,
		    root->entry_size);

	if (rc)
		return rc;
	*pa = root->entry_size == 8 ? le64(raw) : le32(raw);
	return 0;
}

static unsigned root_count(const struct acpi_root *root)
{
	return (root->length - ACPI_HDR_LEN) / root->entry_size;
}

/*
 * The one entry of @root whose table has signature @sig, checked. Null
 * entries are skipped (Linux does the same). Returns 0, ACPI_ENOENT, or an
 * error (two matches included).
 */
static int find_in_root(const struct acpi_reader *r, const struct acpi_root *root,
			const char sig[4], uint32_t min_len, uint32_t max_len,
			struct acpi_table_ref *out)
{
	unsigned i, n = root_count(root), found = 0;
	struct acpi_header h;
	uint8_t raw[ACPI_HDR_LEN];
	uint64_t pa;
	int rc;

	for (i = 0; i < n; i++) {
		rc = root_entry(r, root, i, &pa);
		if (rc)
			return rc;
		if (!pa)
			continue;
		rc = rd(r, pa, raw, 4);
		if (rc)
			return rc;
		if (!same_sig((const char *)raw, sig))
			continue;
		if (found++)
			return ACPI_EINVAL;
		rc = read_table(r, pa, min_len, max_len, &h);
		if (rc)
			return rc;
		*out = (struct acpi_table_ref){ pa, h.length, root->pa, root->length,
						root->entry_size, i };
	}
	return found ? 0 : ACPI_ENOENT;
}

int acpi_find(const struct acpi_reader *r, uint64_t rsdp_pa, const char sig[4],
	      uint32_t min_len, uint32_t max_len, struct acpi_table_ref *out)
{
	struct acpi_root roots[2];
	int n = acpi_roots(r, rsdp_pa, roots);

	if (n < 0)
		return n;
	if (!sig || !out || min_len > max_len)
		return ACPI_EINVAL;
	return find_in_root(r, &roots[0], sig, min_len, max_len, out);
}

/* ---- hiding ---------------------------------------------------------------- */

static struct acpi_edit *new_edit(struct acpi_edit *edits, int *n, uint64_t pa, unsigned len)
{
	struct acpi_edit *e = &edits[(*n)++];

	e->pa = pa;
	e->len = (uint8_t)len;
	return e;
}

/* Rename the table at @ref in place: one edit of its first 10 header bytes
 * (signature, unchanged length and revision, new checksum). */
static int rename_edit(const struct acpi_reader *r, const struct acpi_table_ref *ref,
		       const char new_sig[4], struct acpi_edit *edits, int *n)
{
	struct acpi_edit *e = new_edit(edits, n, ref->pa, 10);
	int rc = rd(r, ref->pa, e->bytes, 10), i;

	if (rc)
		return rc;
	for (i = 0; i < 4; i++) {
		e->bytes[9] = (uint8_t)(e->bytes[9] + e->bytes[i] - (uint8_t)new_sig[i]);
		e->bytes[i] = (uint8_t)new_sig[i];
	}
	return 0;
}

/*
 * Drop entry @ref->index of its root: the last entry moves into the slot
 * (one edit, none when the slot is the last), then one edit of header
 * bytes 4..9 (new length, revision, new checksum). Sum bookkeeping: the
 * table loses the slot's old bytes and the old length bytes, gains the new
 * length bytes (the moved entry is counted once before and after).
 */
static int drop_edit(const struct acpi_reader *r, const struct acpi_table_ref *ref,
		     struct acpi_edit *edits, int *n)
{
	unsigned es = ref->entry_size, last = (ref->root_length - ACPI_HDR_LEN) / es - 1, i;
	uint64_t slot = ref->root_pa + ACPI_HDR_LEN + (uint64_t)ref->index * es;
	uint8_t hdr[10], old[8], mv[8];
	struct acpi_edit *e;
	int rc;

	if ((rc = rd(r, ref->root_pa, hdr, sizeof(hdr))) ||
	    (rc = rd(r, slot, old, es)) ||
	    (rc = rd(r, ref->root_pa + ACPI_HDR_LEN + (uint64_t)last * es, mv, es)))
		return rc;
	if (ref->index != last) {
		e = new_edit(edits, n, slot, es);
		for (i = 0; i < es; i++)
			e->bytes[i] = mv[i];
	}
	e = new_edit(edits, n, ref->root_pa + 4, 6);
	for (i = 0; i < 6; i++)
		e->bytes[i] = hdr[4 + i];
	e->bytes[5] = (uint8_t)(hdr[9] + sum_bytes(old, es) + sum_bytes(hdr + 4, 4));
	put_le(e->bytes, ref->root_length - es, 4);
	e->bytes[5] = (uint8_t)(e->bytes[5] - sum_bytes(e->bytes, 4));
	return 0;
}

int acpi_hide(const struct acpi_reader *r, uint64_t rsdp_pa, const char sig[4],
	      const char new_sig[4], struct acpi_edit edits[ACPI_HIDE_MAX_EDITS])
{
	struct acpi_root roots[2];
	struct acpi_table_ref refs[2];
	int nroots = acpi_roots(r, rsdp_pa, roots), n = 0, found = 0, i, rc;

	if (nroots < 0)
		return nroots;
	if (!sig || !new_sig || !edits || same_sig(sig, new_sig))
		return ACPI_EINVAL;
	for (i = 0; i < nroots; i++) {
		rc = find_in_root(r, &roots[i], sig, ACPI_HDR_LEN, ACPI_MAX_TABLE, &refs[found]);
		if (rc == ACPI_ENOENT)
			continue;
		if (rc)
			return rc;
		found++;
	}
	if (!found)
		return ACPI_ENOENT;
	for (i = 0; i < found; i++) {
		if (i == 0 || refs[i].pa != refs[0].pa) {
			rc = rename_edit(r, &refs[i], new_sig, edits, &n);
			if (rc)
				return rc;
		}
		rc = drop_edit(r, &refs[i], edits, &n);
		if (rc)
			return rc;
	}
	return n;
}
