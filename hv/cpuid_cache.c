/* SPDX-License-Identifier: MIT */
/* The per-CPU CPUID cache. See hv/cpuid_cache.h for what is kept and why. */
#include "hv/cpuid_cache.h"

#include <stddef.h>

#define XSTATE_LEAF             0xdu
#define XSAVE_LEGACY_SIZE       576u    /* legacy region 512 + XSAVE header 64 */
#define XSTATE_ALIGN64          BIT(1)  /* Fn0000_000D_n ECX[1] */
#define XSAVES_BIT              BIT(3)  /* Fn0000_000D_1 EAX[3] */
#define BASIC_LAST              0xffu   /* bounds of the leaves walked */
#define EXT_LAST                0x800000ffu

enum sub_rule {
	SUB_NONE,               /* ECX ignored, if the CPU agrees */
	SUB_MAX_EAX,            /* subleaves 0..EAX of subleaf 0 */
	SUB_CACHE_TYPE,         /* until EAX[4:0] = 0 */
	SUB_LEVEL_TYPE,         /* until ECX[15:8] = 0 */
	SUB_XSTATE,             /* 0xD */
	SUB_BITMAP_EBX,         /* 0 and each bit n >= 1 of subleaf 0's EBX */
	SUB_BITMAP_EDX,
};

static enum sub_rule rule_of(uint32_t leaf)
{
	switch (leaf) {
	case 7: case 0x14: case 0x17: case 0x18: case 0x1d: case 0x20:
		return SUB_MAX_EAX;
	case 4: case 0x8000001du:
		return SUB_CACHE_TYPE;
	case 0xb: case 0x1f: case 0x80000026u:
		return SUB_LEVEL_TYPE;
	case XSTATE_LEAF:
		return SUB_XSTATE;
	case 0xf:
		return SUB_BITMAP_EDX;
	case 0x10: case 0x80000020u:
		return SUB_BITMAP_EBX;
	default:
		return SUB_NONE;
	}
}

static bool same(const struct cpuid_regs *a, const struct cpuid_regs *b)
{
	return a->eax == b->eax && a->ebx == b->ebx && a->ecx == b->ecx && a->edx == b->edx;
}

static void add(struct hv_cpuid_cache *c, uint32_t leaf, uint32_t sub, uint32_t flags,
		const struct cpuid_regs *r)
{
	if (c->n >= HV_CPUID_CACHE_ENTRIES) {
		c->dropped++;
		return;
	}
	c->e[c->n++] = (struct hv_cpuid_entry){ leaf, sub, flags, *r };
}

/* Subleaf s of leaf, read and kept. */
static struct cpuid_regs take(struct hv_cpuid_cache *c, const struct hv_cpuid_hw *hw,
			      uint32_t leaf, uint32_t s)
{
	struct cpuid_regs r;

	hw->cpuid(leaf, s, &r);
	add(c, leaf, s, 0, &r);
	return r;
}

static void take_bitmap(struct hv_cpuid_cache *c, const struct hv_cpuid_hw *hw, uint32_t leaf,
			uint64_t map, unsigned first, unsigned last)
{
	for (unsigned s = first; s <= last; s++)
		if (map & BIT_ULL(s))
			(void)take(c, hw, leaf, s);
}

static const struct hv_cpuid_entry *find(const struct hv_cpuid_cache *c, uint32_t leaf,
					 uint32_t sub)
{
	uint32_t lo = 0, hi = c->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (c->e[mid].leaf < leaf)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (uint32_t i = lo; i < c->n && c->e[i].leaf == leaf; i++)
		if ((c->e[i].flags & HV_CPUID_ANY_SUB) || c->e[i].sub == sub)
			return &c->e[i];
	return NULL;
}

bool hv_cpuid_xsave_size(const struct hv_cpuid_cache *c, uint64_t mask, bool compacted,
			 uint32_t *size)
{
	uint32_t end = XSAVE_LEGACY_SIZE, off = XSAVE_LEGACY_SIZE;

	for (uint32_t i = 2; i < 63; i++) {
		const struct hv_cpuid_entry *e;

		if (!(mask & BIT_ULL(i)))
			continue;
		e = find(c, XSTATE_LEAF, i);
		if (!e || (e->flags & HV_CPUID_ANY_SUB) || !e->r.eax)
			return false;
		if (compacted) {
			if (e->r.ecx & XSTATE_ALIGN64)
				off = (off + 63u) & ~63u;
			off += e->r.eax;
			end = off;
		} else if (e->r.ebx + e->r.eax > end) {
			end = e->r.ebx + e->r.eax;
		}
	}
	*size = end;
	return true;
}

/* Does ebx equal the size computed for mask (_1: compacted)? */
static bool computed(const struct hv_cpuid_cache *c, uint32_t sub, uint64_t mask, uint32_t ebx)
{
	uint32_t want;

	return hv_cpuid_xsave_size(c, mask, sub == 1, &want) && want == ebx;
}

/*
 * Fn0000_000D_0/_1 EBX: the rule each follows, from the answer at the
 * current XCR0 and at a second one (x87/SSE only when more is on, else
 * x87/SSE/AVX): DYNAMIC if both equal the size computed for their XCR0
 * (| XSS for _1), else STATIC if both are one value, else a miss. Where
 * the CPU allows no second XCR0 (x87/SSE only), every XCR0 has one size.
 */
static void xstate_rules(struct hv_cpuid_cache *c, const struct hv_cpuid_hw *hw,
			 uint64_t supported)
{
	uint64_t xcr0, alt, xss = c->xsaves && hw->xss ? hw->xss() : 0;
	const struct hv_cpuid_entry *e[2] = { find(c, XSTATE_LEAF, 0), find(c, XSTATE_LEAF, 1) };
	struct cpuid_regs r[2];

	if (!hw->xgetbv || !hw->xsetbv || !e[0] || !e[1])
		return;
	xcr0 = hw->xgetbv();
	alt = (xcr0 & ~3ull) ? (xcr0 & 3ull) : 3ull | (supported & BIT_ULL(2));
	if (alt != xcr0) {
		hw->xsetbv(alt);
		hw->cpuid(XSTATE_LEAF, 0, &r[0]);
		hw->cpuid(XSTATE_LEAF, 1, &r[1]);
		hw->xsetbv(xcr0);
	}
	for (uint32_t s = 0; s < 2; s++) {
		uint64_t m = s ? xcr0 | xss : xcr0, am = s ? alt | xss : alt;
		bool d1 = computed(c, s, m, e[s]->r.ebx);

		if (alt == xcr0)
			c->xsize[s] = d1 ? HV_XSIZE_DYNAMIC : HV_XSIZE_STATIC;
		else if (d1 && computed(c, s, am, r[s].ebx))
			c->xsize[s] = HV_XSIZE_DYNAMIC;
		else if (r[s].ebx == e[s]->r.ebx)
			c->xsize[s] = HV_XSIZE_STATIC;
		else
			c->xsize[s] = HV_XSIZE_MISS;
	}
}

static void fill_leaf(struct hv_cpuid_cache *c, const struct hv_cpuid_hw *hw, uint32_t leaf)
{
	struct cpuid_regs r0, r1, r2;

	hw->cpuid(leaf, 0, &r0);
	switch (rule_of(leaf)) {
	case SUB_NONE:
		hw->cpuid(leaf, 1, &r1);
		hw->cpuid(leaf, 0xffffffffu, &r2);
		add(c, leaf, 0, same(&r0, &r1) && same(&r0, &r2) ? HV_CPUID_ANY_SUB : 0, &r0);
		return;
	case SUB_MAX_EAX:
		add(c, leaf, 0, 0, &r0);
		for (uint32_t s = 1; s <= r0.eax && s < HV_CPUID_MAX_SUBLEAVES; s++)
			(void)take(c, hw, leaf, s);
		return;
	case SUB_CACHE_TYPE:
	case SUB_LEVEL_TYPE:
		add(c, leaf, 0, 0, &r0);
		r1 = r0;
		for (uint32_t s = 1; s < HV_CPUID_MAX_SUBLEAVES; s++) {
			bool null = rule_of(leaf) == SUB_CACHE_TYPE ? !(r1.eax & 0x1f) :
								      !((r1.ecx >> 8) & 0xff);
			if (null)
				break;
			r1 = take(c, hw, leaf, s);
		}
		return;
	case SUB_BITMAP_EBX:
	case SUB_BITMAP_EDX:
		add(c, leaf, 0, 0, &r0);
		take_bitmap(c, hw, leaf, rule_of(leaf) == SUB_BITMAP_EBX ? r0.ebx : r0.edx, 1, 31);
		return;
	case SUB_XSTATE:
		add(c, leaf, 0, 0, &r0);
		r1 = take(c, hw, leaf, 1);
		c->xsaves = (r1.eax & XSAVES_BIT) != 0;
		take_bitmap(c, hw, leaf, ((uint64_t)r0.edx << 32 | r0.eax) |
					 ((uint64_t)r1.edx << 32 | r1.ecx), 2, 62);
		xstate_rules(c, hw, (uint64_t)r0.edx << 32 | r0.eax);
		return;
	}
}

void hv_cpuid_cache_fill(struct hv_cpuid_cache *c, const struct hv_cpuid_hw *hw)
{
	struct cpuid_regs r;

	c->n = 0;
	c->dropped = 0;
	c->xsaves = false;
	c->xsize[0] = c->xsize[1] = HV_XSIZE_MISS;
	hw->cpuid(0, 0, &r);
	c->max_basic = r.eax;
	for (uint32_t leaf = 0; leaf <= c->max_basic && leaf <= BASIC_LAST; leaf++)
		fill_leaf(c, hw, leaf);
	hw->cpuid(0x80000000u, 0, &r);
	c->max_ext = (r.eax & 0xffff0000u) == 0x80000000u ? r.eax : 0;
	for (uint32_t leaf = 0x80000000u; c->max_ext && leaf <= c->max_ext && leaf <= EXT_LAST;
	     leaf++)
		fill_leaf(c, hw, leaf);
}

bool hv_cpuid_cache_xstate(uint32_t leaf, uint32_t sub, bool *xss)
{
	*xss = leaf == XSTATE_LEAF && sub == 1;
	return leaf == XSTATE_LEAF && sub <= 1;
}

bool hv_cpuid_cache_lookup(const struct hv_cpuid_cache *c, uint32_t leaf, uint32_t sub,
			   uint64_t xcr0, uint64_t xss, struct cpuid_regs *r)
{
	const struct hv_cpuid_entry *e = find(c, leaf, sub);
	uint32_t size;

	if (!e)
		return false;
	*r = e->r;
	if (leaf != XSTATE_LEAF || sub > 1 || c->xsize[sub] == HV_XSIZE_STATIC)
		return true;
	if (c->xsize[sub] == HV_XSIZE_MISS ||
	    !hv_cpuid_xsave_size(c, sub ? xcr0 | xss : xcr0, sub == 1, &size))
		return false;
	r->ebx = size;
	return true;
}
