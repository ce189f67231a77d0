/* SPDX-License-Identifier: MIT */
/*
 * ACPI sleep states: the FADT's sleep registers, the \_Sx_ declarations in
 * AML, and the write policy. See hv/iommu/sleep.h.
 */
#include "hv/iommu/sleep.h"

#include "hv/iommu/acpi.h"

#define PM1_SLP_EN_HI   0x20u   /* SLP_EN (bit 13) in the register's second byte */
#define PM1_WAK_HI      0x80u   /* WAK_STS (bit 15) in the second byte */
#define SLP_TYP_SHIFT_HI 2      /* SLP_TYP [12:10] = second byte [4:2]; HW-reduced: [4:2] */

#define GAS_SPACE_IO    1

#define AML_NAME_OP     0x08u
#define AML_METHOD_OP   0x14u
#define AML_PACKAGE_OP  0x12u
#define AML_ROOT        0x5cu   /* '\' */
#define AML_PARENT      0x5eu   /* '^' */

static uint32_t rd32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* ---- FADT ---------------------------------------------------------------------- */

static int add_port(struct fadt_sleep *f, uint64_t port, unsigned len, enum sleep_reg reg,
		    unsigned b)
{
	if (!port)
		return 0;
	if (port > 0x10000u - len)
		return ACPI_EINVAL;
	for (unsigned i = 0; i < f->nports; i++)
		if (f->ports[i].port == port && f->ports[i].reg == reg)
			return 0;               /* the X_ form names the same port */
	if (f->nports == SLEEP_MAX_PORTS)
		return ACPI_EINVAL;
	f->ports[f->nports++] = (struct sleep_port){ (uint16_t)port, (uint8_t)len, (uint8_t)reg,
						     (uint8_t)b };
	return 0;
}

/* A generic address structure at @off (12 bytes) when the FADT has it. */
static int add_gas(struct fadt_sleep *f, const uint8_t *fadt, size_t len, size_t off,
		   unsigned rlen, enum sleep_reg reg, unsigned b)
{
	uint64_t addr;

	if (len < off + 12)
		return 0;
	addr = rd64(fadt + off + 4);
	if (!addr)
		return 0;
	if (fadt[off] == GAS_SPACE_IO)
		return add_port(f, addr, rlen, reg, b);
	f->mmio = true;                         /* memory space (or other): not guarded */
	return 0;
}

int fadt_sleep_decode(const uint8_t *fadt, size_t len, struct fadt_sleep *f)
{
	int rc = 0;

	*f = (struct fadt_sleep){ 0 };
	if (!fadt || len < FADT_MIN_LEN || rd32(fadt + 4) != len)
		return ACPI_EINVAL;
	f->hw_reduced = rd32(fadt + 112) & FADT_F_HW_REDUCED;
	f->dsdt = rd32(fadt + 40);
	if (len >= 148 && rd64(fadt + 140)) {
		f->dsdt = rd64(fadt + 140);
		if (rd32(fadt + 40) && rd32(fadt + 40) != f->dsdt)
			f->dsdt32 = rd32(fadt + 40);
	}
	/* PM1 status is the first half of the event block, control the whole block. */
	rc |= add_port(f, rd32(fadt + 64), 2, SLEEP_REG_PM1_CNT, 0);
	rc |= add_port(f, rd32(fadt + 68), 2, SLEEP_REG_PM1_CNT, 1);
	rc |= add_port(f, rd32(fadt + 56), 2, SLEEP_REG_PM1_STS, 0);
	rc |= add_port(f, rd32(fadt + 60), 2, SLEEP_REG_PM1_STS, 1);
	rc |= add_gas(f, fadt, len, 172, 2, SLEEP_REG_PM1_CNT, 0);
	rc |= add_gas(f, fadt, len, 184, 2, SLEEP_REG_PM1_CNT, 1);
	rc |= add_gas(f, fadt, len, 148, 2, SLEEP_REG_PM1_STS, 0);
	rc |= add_gas(f, fadt, len, 160, 2, SLEEP_REG_PM1_STS, 1);
	rc |= add_gas(f, fadt, len, 244, 1, SLEEP_REG_SLP_CNT, 0);
	rc |= add_gas(f, fadt, len, 256, 1, SLEEP_REG_SLP_STS, 0);
	return rc ? ACPI_EINVAL : 0;
}

/* ---- AML ------------------------------------------------------------------------ */

/* An integer data object at @p (< @end): its value in *v and its length, or 0. */
static size_t aml_int(const uint8_t *p, const uint8_t *end, uint64_t *v)
{
	static const uint8_t width[] = { [0x0a] = 1, [0x0b] = 2, [0x0c] = 4, [0x0e] = 8 };
	size_t w;

	if (p >= end)
		return 0;
	if (*p == 0x00 || *p == 0x01) {         /* ZeroOp, OneOp */
		*v = *p;
		return 1;
	}
	if (*p == 0xff) {                       /* OnesOp */
		*v = ~0ull;
		return 1;
	}
	if (*p >= sizeof(width) || !width[*p])
		return 0;
	w = width[*p];
	if ((size_t)(end - p) < 1 + w)
		return 0;
	*v = 0;
	for (size_t i = 0; i < w; i++)
		*v |= (uint64_t)p[1 + i] << (8 * i);
	return 1 + w;
}

/* PkgLength at @p: the package's length (from @p) in *n and the encoding's size, or 0. */
static size_t aml_pkglen(const uint8_t *p, const uint8_t *end, size_t *n)
{
	size_t follow = p < end ? (size_t)(*p >> 6) : 0;

	if (p >= end || (size_t)(end - p) < 1 + follow)
		return 0;
	if (!follow) {
		*n = *p & 0x3fu;
		return 1;
	}
	if (*p & 0x30u)                         /* bits 5:4 must be 0 with follow bytes */
		return 0;
	*n = *p & 0x0fu;
	for (size_t i = 0; i < follow; i++)
		*n |= (size_t)p[1 + i] << (4 + 8 * i);
	return 1 + follow;
}

/* Name(_Sx_, Package(){a, b, ...}) after the NameSeg at @p: the SLP_TYPs. */
static void aml_sleep_pkg(const uint8_t *p, const uint8_t *end, struct acpi_sleep_pkg *s)
{
	size_t n, enc, k;
	uint64_t a, b = 0;
	const uint8_t *pend;

	if (p >= end || *p != AML_PACKAGE_OP)
		return;
	p++;
	enc = aml_pkglen(p, end, &n);
	if (!enc || n < enc + 1 || n > (size_t)(end - p))
		return;
	pend = p + n;
	p += enc;
	if (*p == 0)                            /* NumElements */
		return;
	k = *p++;
	if (!(n = aml_int(p, pend, &a)))
		return;
	if (k >= 2 && !aml_int(p + n, pend, &b))
		return;
	if (k == 1)                             /* ACPI 1.0 style: both in one integer */
		b = a >> 8;
	s->typ_known = true;
	s->typ_a = a & 7u;
	s->typ_b = b & 7u;
}

static bool sleep_seg(const uint8_t *p, unsigned *x)
{
	if (p[0] != '_' || p[1] != 'S' || p[2] < '0' || p[2] > '5' || p[3] != '_')
		return false;
	*x = (unsigned)(p[2] - '0');
	return true;
}

int aml_sleep_scan(const uint8_t *tbl, size_t len, struct acpi_sleep_info *info,
		   uint32_t *offs, unsigned max)
{
	const uint8_t *end;
	unsigned n = 0;

	if (!tbl || len < ACPI_HDR_LEN || len > ACPI_MAX_TABLE || rd32(tbl + 4) != len)
		return ACPI_EINVAL;
	end = tbl + len;
	for (size_t i = ACPI_HDR_LEN; i + 5 <= len; i++) {
		size_t j = i + 1, enc, plen;
		unsigned x;

		if (tbl[i] != AML_NAME_OP && tbl[i] != AML_METHOD_OP)
			continue;
		if (tbl[i] == AML_METHOD_OP) {  /* MethodOp PkgLength NameString */
			enc = aml_pkglen(tbl + j, end, &plen);
			if (!enc)
				continue;
			j += enc;
		}
		if (j < len && tbl[j] == AML_ROOT)
			j++;
		else
			while (j < len && tbl[j] == AML_PARENT)
				j++;
		if (j + 4 > len || !sleep_seg(tbl + j, &x))
			continue;
		if (!info->s[x].found) {
			info->s[x].found = true;
			if (tbl[i] == AML_NAME_OP)
				aml_sleep_pkg(tbl + j + 4, end, &info->s[x]);
		}
		if (x >= 1 && x <= 3) {
			if (n == max)
				return ACPI_E2BIG;
			offs[n++] = (uint32_t)j;
		}
		i = j + 3;
	}
	return (int)n;
}

static bool table_has(const uint8_t *tbl, size_t len, const uint8_t seg[4])
{
	for (size_t i = 0; i + 4 <= len; i++)
		if (tbl[i] == seg[0] && tbl[i + 1] == seg[1] && tbl[i + 2] == seg[2] &&
		    tbl[i + 3] == seg[3])
			return true;
	return false;
}

int aml_sleep_hide(uint8_t *tbl, size_t len, const uint32_t *offs, unsigned n)
{
	static const char lead[] = "XYZQ";
	uint8_t pick[4] = { 0 }, sum = 0;

	if (!tbl || len < ACPI_HDR_LEN || rd32(tbl + 4) != len)
		return ACPI_EINVAL;
	/* Everything checked and chosen on the table as it is, before anything changes. */
	for (unsigned k = 0; k < n; k++) {
		unsigned x, l;

		if (offs[k] < ACPI_HDR_LEN || offs[k] > len - 4 || !sleep_seg(tbl + offs[k], &x) ||
		    x < 1 || x > 3)
			return ACPI_EINVAL;
		for (l = 0; !pick[x] && lead[l]; l++) {
			const uint8_t seg[4] = { (uint8_t)lead[l], 'S', (uint8_t)('0' + x), '_' };

			if (!table_has(tbl, len, seg))
				pick[x] = seg[0];
		}
		if (!pick[x])
			return ACPI_EINVAL;
	}
	for (unsigned k = 0; k < n; k++) {
		uint8_t c = pick[tbl[offs[k] + 2] - '0'];

		sum = (uint8_t)(sum + c - '_');
		tbl[offs[k]] = c;
	}
	tbl[9] = (uint8_t)(tbl[9] - sum);
	return 0;
}

/* ---- policy ------------------------------------------------------------------------ */

void sleep_guard_init(struct sleep_guard *g, const struct fadt_sleep *f,
		      const struct acpi_sleep_info *info)
{
	*g = (struct sleep_guard){ 0 };
	for (unsigned i = 0; i < f->nports && i < SLEEP_MAX_PORTS; i++)
		g->ports[g->nports++] = f->ports[i];
	for (unsigned b = 0; b < 2; b++)
		for (unsigned t = 0; t < 8; t++)
			g->typ_state[b][t] = 0xff;
	/* What each SLP_TYP means: the lowest state that uses it. */
	for (int x = 5; x >= 0; x--) {
		const struct acpi_sleep_pkg *s = &info->s[x];

		if (!s->typ_known)
			continue;
		g->typ_state[0][s->typ_a] = (uint8_t)x;
		g->typ_state[1][s->typ_b] = (uint8_t)x;
	}
	for (unsigned x = 4; x <= 5; x++) {
		const struct acpi_sleep_pkg *s = &info->s[x];

		if (!s->typ_known)
			continue;
		if (g->typ_state[0][s->typ_a] == x)
			g->allow[0] |= (uint8_t)(1u << s->typ_a);
		if (g->typ_state[1][s->typ_b] == x)
			g->allow[1] |= (uint8_t)(1u << s->typ_b);
	}
}

static const struct sleep_port *find(const struct sleep_guard *g, uint16_t port)
{
	for (unsigned i = 0; i < g->nports; i++)
		if (port >= g->ports[i].port && port - g->ports[i].port < g->ports[i].len)
			return &g->ports[i];
	return NULL;
}

enum sleep_reg sleep_guard_reg(const struct sleep_guard *g, uint16_t port)
{
	const struct sleep_port *r = find(g, port);

	return r ? (enum sleep_reg)r->reg : SLEEP_REG_NONE;
}

/* The byte of each register that holds SLP_EN or WAK_STS: the last one. */
static bool key_byte(const struct sleep_port *r, uint16_t port)
{
	return port == r->port + r->len - 1;
}

bool sleep_guard_out(struct sleep_guard *g, uint16_t port, unsigned size, uint32_t val,
		     struct sleep_refusal *why)
{
	bool clear = false;

	for (unsigned i = 0; i < size && i < 4; i++) {
		uint16_t p = (uint16_t)(port + i);
		const struct sleep_port *r = find(g, p);
		uint8_t v = (uint8_t)(val >> (8 * i)), typ;

		if (!r || !key_byte(r, p))
			continue;
		switch (r->reg) {
		case SLEEP_REG_PM1_CNT:
		case SLEEP_REG_SLP_CNT:         /* SLP_EN and SLP_TYP: the same bits */
			if (!(v & PM1_SLP_EN_HI))
				break;
			typ = (v >> SLP_TYP_SHIFT_HI) & 7u;
			if (g->allow[r->b] & (1u << typ))
				break;
			*why = (struct sleep_refusal){ r->port, r->reg, r->b, typ,
						       g->typ_state[r->b][typ] };
			g->wak_pending = true;
			return false;
		case SLEEP_REG_PM1_STS:
		case SLEEP_REG_SLP_STS:         /* WAK_STS: the same bit */
			if (v & PM1_WAK_HI)
				clear = true;
			break;
		default:
			break;
		}
	}
	if (clear)
		g->wak_pending = false;
	return true;
}

uint32_t sleep_guard_in(const struct sleep_guard *g, uint16_t port, unsigned size, uint32_t val)
{
	if (!g->wak_pending)
		return val;
	for (unsigned i = 0; i < size && i < 4; i++) {
		uint16_t p = (uint16_t)(port + i);
		const struct sleep_port *r = find(g, p);

		if (r && key_byte(r, p) && (r->reg == SLEEP_REG_PM1_STS || r->reg == SLEEP_REG_SLP_STS))
			val |= (uint32_t)PM1_WAK_HI << (8 * i);
	}
	return val;
}
