/* SPDX-License-Identifier: MIT */
/*
 * Executing a decoded MMIO store (hv/insn/store.h): the value it stores, the
 * registers it loads and the status flags it sets, from the memory operand's
 * old value, as the CPU computes them. Pure, for host tests; the unit test
 * runs the same bytes on the host CPU and compares (tests/unit/test_rmw.c).
 *
 * Flags (CF bit 0, PF 2, AF 4, ZF 6, SF 7, OF 11): ADD/ADC/SUB/SBB/NEG/XADD
 * and CMPXCHG (as CMP rAX, old) set all six; INC/DEC all but CF; OR/AND/XOR
 * clear CF and OF and set SF/ZF/PF, and AF, which the APM leaves undefined,
 * is cleared (what AMD's parts do: the host test checks it on an EPYC);
 * BTS/BTR/BTC set CF to the bit's old value and leave OF/SF/AF/PF (undefined)
 * and ZF unchanged; MOV, XCHG and NOT change no flag.
 *
 * Manuals: AMD64 APM Vol. 3 rev. 3.35 (APM3), the page of each instruction
 * and Appendix E "Instruction Effects on RFLAGS"; Intel SDM Vol. 1 Dec 2023
 * (SDM1) 3.4.1.1 (register writes by size).
 */
#include "hv/insn/store.h"

#define FL_CF           (1ull << 0)
#define FL_PF           (1ull << 2)
#define FL_AF           (1ull << 4)
#define FL_ZF           (1ull << 6)
#define FL_SF           (1ull << 7)
#define FL_OF           (1ull << 11)
#define FL_ARITH        (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)

/* A result and the flags it defines (mask: which flags the operation writes). */
struct alu {
	uint64_t res, flags, mask;
};

static uint64_t width_mask(uint8_t width)
{
	return width >= 8 ? ~0ull : (1ull << (8 * width)) - 1;
}

static uint64_t sign_bit(uint8_t width)
{
	return 1ull << (8 * width - 1);
}

/* SF, ZF and PF (even parity of the low byte) of a masked result. */
static uint64_t szp(uint64_t res, uint8_t width)
{
	uint64_t f = (res & sign_bit(width)) ? FL_SF : 0;
	uint64_t p = res & 0xff;

	p ^= p >> 4;
	p ^= p >> 2;
	p ^= p >> 1;
	if (!res)
		f |= FL_ZF;
	if (!(p & 1))
		f |= FL_PF;
	return f;
}

/*
 * a + b + c at width (a, b masked, c 0 or 1). The carry out is exactly
 * res < a, or res == a with a carry in (b + c = 2^n).
 */
static struct alu add(uint64_t a, uint64_t b, uint64_t c, uint8_t width)
{
	uint64_t res = (a + b + c) & width_mask(width);
	uint64_t f = szp(res, width) | ((a ^ b ^ res) & FL_AF);

	if (res < a || (c && res == a))
		f |= FL_CF;
	if ((a ^ res) & (b ^ res) & sign_bit(width))
		f |= FL_OF;
	return (struct alu){ res, f, FL_ARITH };
}

/* a - b - c at width: a borrow is a < b + c. */
static struct alu sub(uint64_t a, uint64_t b, uint64_t c, uint8_t width)
{
	uint64_t res = (a - b - c) & width_mask(width);
	uint64_t f = szp(res, width) | ((a ^ b ^ res) & FL_AF);

	if (a < b || (c && a == b))
		f |= FL_CF;
	if ((a ^ b) & (a ^ res) & sign_bit(width))
		f |= FL_OF;
	return (struct alu){ res, f, FL_ARITH };
}

static struct alu logic(uint64_t res, uint8_t width)
{
	return (struct alu){ res, szp(res, width), FL_ARITH };
}

/* BTS/BTR/BTC: CF = the bit; the bit number is taken modulo the width. */
static struct alu bit_op(unsigned op, uint64_t a, uint64_t bitno, uint8_t width)
{
	uint64_t bit = 1ull << (bitno & (8u * width - 1));
	uint64_t res = op == HV_MMIO_BTS ? a | bit : op == HV_MMIO_BTR ? a & ~bit : a ^ bit;

	return (struct alu){ res, (a & bit) ? FL_CF : 0, FL_CF };
}

/* INC/DEC: ADD/SUB 1 with CF left alone. */
static struct alu inc_dec(bool inc, uint64_t a, uint8_t width)
{
	struct alu r = inc ? add(a, 1, 0, width) : sub(a, 1, 0, width);

	r.mask &= ~FL_CF;
	r.flags &= ~FL_CF;
	return r;
}

/* The operations that combine old with a source (or nothing) into a result. */
static struct alu compute(unsigned op, uint64_t old, uint64_t src, uint64_t cf, uint8_t width)
{
	switch (op) {
	case HV_MMIO_ADD: case HV_MMIO_XADD: return add(old, src, 0, width);
	case HV_MMIO_ADC: return add(old, src, cf, width);
	case HV_MMIO_SUB: return sub(old, src, 0, width);
	case HV_MMIO_SBB: return sub(old, src, cf, width);
	case HV_MMIO_NEG: return sub(0, old, 0, width);
	case HV_MMIO_OR:  return logic(old | src, width);
	case HV_MMIO_AND: return logic(old & src, width);
	case HV_MMIO_XOR: return logic(old ^ src, width);
	case HV_MMIO_NOT: return (struct alu){ ~old & width_mask(width), 0, 0 };
	case HV_MMIO_INC: return inc_dec(true, old, width);
	case HV_MMIO_DEC: return inc_dec(false, old, width);
	case HV_MMIO_BTS: case HV_MMIO_BTR: case HV_MMIO_BTC:
		return bit_op(op, old, src, width);
	default:        /* MOV, XCHG */
		return (struct alu){ src, 0, 0 };
	}
}

/* Writes val (width bytes) into a register as the CPU would. See: SDM1 3.4.1.1. */
static void put_reg(uint64_t *r, unsigned shift, uint8_t width, uint64_t val)
{
	uint64_t mask = width_mask(width) << shift;

	if (width == 4)
		*r = (uint32_t)val;             /* 32-bit writes zero-extend */
	else
		*r = (*r & ~mask) | ((val << shift) & mask);
}

uint64_t hv_mmio_store_value(const struct hv_mmio_store *s, const uint64_t gprs[HV_GPR_COUNT])
{
	uint64_t v;

	if (s->is_imm)
		v = s->imm;
	else if (s->high_byte)
		v = gprs[s->reg & 3] >> 8;
	else
		v = gprs[s->reg & 15];
	return v & width_mask(s->width);
}

void hv_mmio_reg_write(const struct hv_mmio_store *s, uint64_t gprs[HV_GPR_COUNT], uint64_t val)
{
	if (s->is_imm)
		return;
	put_reg(&gprs[s->high_byte ? s->reg & 3 : s->reg & 15], s->high_byte ? 8 : 0, s->width,
		val);
}

bool hv_mmio_reads(const struct hv_mmio_store *s)
{
	return s->op != HV_MMIO_MOV;
}

/*
 * CMPXCHG: flags as CMP rAX, old. Equal: the source is stored and rAX is not
 * written; different: rAX (AL, AX, EAX zero-extended, RAX) gets old.
 * See: APM3 "CMPXCHG".
 */
static bool cmpxchg(const struct hv_mmio_store *s, uint64_t gprs[HV_GPR_COUNT],
		    uint64_t *rflags, uint64_t old, uint64_t *out)
{
	uint64_t acc = gprs[HV_GPR_RAX] & width_mask(s->width);
	struct alu r = sub(acc, old, 0, s->width);

	*rflags = (*rflags & ~r.mask) | r.flags;
	if (acc == old) {
		*out = hv_mmio_store_value(s, gprs);
		return true;
	}
	put_reg(&gprs[HV_GPR_RAX], 0, s->width, old);
	return false;
}

bool hv_mmio_execute(const struct hv_mmio_store *s, uint64_t gprs[HV_GPR_COUNT],
		     uint64_t *rflags, uint64_t old, uint64_t *out)
{
	uint64_t src = hv_mmio_store_value(s, gprs);
	struct alu r;

	old &= width_mask(s->width);
	if (s->op == HV_MMIO_CMPXCHG)
		return cmpxchg(s, gprs, rflags, old, out);
	r = compute(s->op, old, src, *rflags & FL_CF, s->width);
	*rflags = (*rflags & ~r.mask) | r.flags;
	*out = r.res;
	if (s->op == HV_MMIO_XCHG || s->op == HV_MMIO_XADD)
		hv_mmio_reg_write(s, gprs, old);
	return true;
}
