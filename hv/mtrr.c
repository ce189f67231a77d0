/* SPDX-License-Identifier: MIT */
/* MTRR writes that keep svmhv's memory WB or UC. See hv/mtrr.h; APM2 7.7. */
#include "hv/mtrr.h"

#define DEF_E           (1ull << 11)
#define DEF_FE          (1ull << 10)
#define CAP_FIX         (1ull << 8)
#define MASK_VALID      (1ull << 11)
#define FIXED_END       0x100000ull     /* fixed ranges cover the first MiB */

static const uint32_t fix_msrs[HV_MTRR_FIX_N] = {
	0x250, 0x258, 0x259, 0x268, 0x269, 0x26a, 0x26b, 0x26c, 0x26d, 0x26e, 0x26f,
};

unsigned hv_mtrr_nmsrs(void)
{
	return 1 + 2 * HV_MTRR_VAR_MAX + HV_MTRR_FIX_N;
}

uint32_t hv_mtrr_msr(unsigned i)
{
	if (i == 0)
		return HV_MTRR_DEF_TYPE;
	if (i <= 2 * HV_MTRR_VAR_MAX)
		return 0x200u + i - 1;
	return fix_msrs[i - 1 - 2 * HV_MTRR_VAR_MAX];
}

int hv_mtrr_set(struct hv_mtrr *m, uint32_t msr, uint64_t val)
{
	if (msr == HV_MTRR_DEF_TYPE) {
		m->def_type = val;
		return 0;
	}
	if (msr >= 0x200u && msr < 0x200u + 2 * HV_MTRR_VAR_MAX) {
		m->var[msr - 0x200u] = val;
		return 0;
	}
	for (unsigned i = 0; i < HV_MTRR_FIX_N; i++)
		if (fix_msrs[i] == msr) {
			m->fix[i] = val;
			return 0;
		}
	return -1;
}

static bool type_ok(uint64_t t)
{
	t &= 0xff;
	return t == MTRR_TYPE_UC || t == MTRR_TYPE_WB;
}

/* Base and size of fixed-range byte b (0..87) of the first MiB. */
static void fixed_span(unsigned b, uint64_t *base, uint64_t *size)
{
	if (b < 8) {                    /* 0x250: 8 x 64 KiB from 0 */
		*base = (uint64_t)b << 16;
		*size = 0x10000;
	} else if (b < 24) {            /* 0x258, 0x259: 16 x 16 KiB from 0x80000 */
		*base = 0x80000 + ((uint64_t)(b - 8) << 14);
		*size = 0x4000;
	} else {                        /* 0x268..0x26f: 64 x 4 KiB from 0xc0000 */
		*base = 0xc0000 + ((uint64_t)(b - 24) << 12);
		*size = 0x1000;
	}
}

static bool fixed_safe(const struct hv_mtrr *m, uint64_t base, uint64_t end)
{
	for (unsigned b = 0; b < 8 * HV_MTRR_FIX_N; b++) {
		uint64_t fb, fs;

		fixed_span(b, &fb, &fs);
		if (fb < end && base < fb + fs && !type_ok(m->fix[b / 8] >> (8 * (b % 8))))
			return false;
	}
	return true;
}

/* Does variable range i reach [base, end)? A mask with holes reaches everything. */
static bool var_reaches(const struct hv_mtrr *m, unsigned i, uint64_t base, uint64_t end,
			unsigned maxphyaddr)
{
	uint64_t phys = (maxphyaddr < 64 ? (1ull << maxphyaddr) : 0) - 1;
	uint64_t mask = m->var[2 * i + 1] & phys & ~0xfffull;
	uint64_t size, lo;

	if (!(m->var[2 * i + 1] & MASK_VALID))
		return false;
	size = mask & (~mask + 1);      /* lowest set bit: the range's size */
	if (!size || ((mask + size) & phys) != 0)
		return true;            /* no bit, or not ones up to MAXPHYADDR */
	lo = m->var[2 * i] & mask;
	return lo < end && base < lo + size;
}

bool hv_mtrr_safe(const struct hv_mtrr *m, uint64_t base, uint64_t size, unsigned maxphyaddr)
{
	uint64_t end = base + size;
	unsigned nvar = (unsigned)(m->cap & 0xff);

	if (!(m->def_type & DEF_E) || size == 0)
		return true;                    /* MTRRs off: everything UC */
	if (!type_ok(m->def_type))
		return false;
	if ((m->def_type & DEF_FE) && (m->cap & CAP_FIX) && base < FIXED_END &&
	    !fixed_safe(m, base, end < FIXED_END ? end : FIXED_END))
		return false;
	if (nvar > HV_MTRR_VAR_MAX)
		nvar = HV_MTRR_VAR_MAX;
	for (unsigned i = 0; i < nvar; i++)
		if (var_reaches(m, i, base, end, maxphyaddr) && !type_ok(m->var[2 * i]))
			return false;
	return true;
}
