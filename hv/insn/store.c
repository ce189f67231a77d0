/* SPDX-License-Identifier: MIT */
/*
 * MMIO store decoder. See hv/insn/store.h.
 *
 * hv_insn_length() has already validated the whole instruction and its
 * length, so this file only looks at the prefixes, the opcode and the ModRM
 * reg/mod fields; an immediate is always the last bytes of the instruction,
 * after any displacement, so its position needs no ModRM/SIB walk here.
 *
 * Manuals: AMD64 APM Vol. 3 rev. 3.35 (APM3) 1.2 (prefixes), 1.4 (ModRM),
 * Appendix A; Intel SDM Vol. 2 Dec 2023 (SDM2) 2.1, 2.2.1 (REX).
 */
#include "hv/insn/store.h"

#define REX_W           0x08
#define REX_R           0x04

/* Prefixes of one instruction, as they affect a store. */
struct pfx {
	bool p66;               /* operand-size override */
	bool lock;              /* F0 */
	bool rep;               /* F2 or F3 */
	uint8_t rex;            /* REX in effect, 0 if none */
};

static const char *const mmio_msgs[] = {
	[0] = "ok",
	[-HV_MMIO_ETRUNC] = "instruction truncated",
	[-HV_MMIO_EINVALID] = "invalid instruction",
	[-HV_MMIO_EUNSUPPORTED] = "unsupported MMIO store instruction",
};

const char *hv_mmio_strerror(int err)
{
	if (err > 0 || err < HV_MMIO_EUNSUPPORTED)
		return "unknown MMIO decode result";
	return mmio_msgs[-err];
}

/*
 * Returns the opcode's offset. REX counts only right before the opcode: a
 * legacy prefix after it cancels it, as in hv/insn/insn.c. See: APM3 1.2.7.
 * 67h, segment overrides and F2/F3 do not change what is stored (the NPF
 * gives the address; F2/F3 on these opcodes are ignored or HLE hints).
 */
static size_t scan_prefixes(const uint8_t *buf, size_t len, enum hv_insn_mode mode,
			    struct pfx *p)
{
	size_t pos;

	for (pos = 0; pos < len; pos++) {
		uint8_t b = buf[pos];

		switch (b) {
		case 0x66: p->p66 = true; break;
		case 0xf0: p->lock = true; break;
		case 0xf2: case 0xf3: p->rep = true; break;
		case 0x67:
		case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65: break;
		default:
			if (mode == HV_INSN_MODE_64 && (b & 0xf0) == 0x40) {
				p->rex = b;
				continue;
			}
			return pos;
		}
		p->rex = 0;
	}
	return pos;
}

/* Operand size in bytes: REX.W beats 66h. See: APM3 Tables 1-2, 1-3. */
static uint8_t opsize(const struct pfx *p, enum hv_insn_mode mode)
{
	if (p->rex & REX_W)
		return 8;
	if (mode == HV_INSN_MODE_16)
		return p->p66 ? 4 : 2;
	return p->p66 ? 2 : 4;
}

/*
 * Source register from ModRM.reg (+ REX.R). Byte registers 4..7 are
 * AH/CH/DH/BH without any REX prefix, SPL/BPL/SIL/DIL with one.
 * See: APM3 Table 1-9, 2.2.1 (SDM2 Table 3-1).
 */
static void set_reg(struct hv_mmio_store *s, const struct pfx *p, uint8_t modrm)
{
	uint8_t r = (uint8_t)(((modrm >> 3) & 7) | ((p->rex & REX_R) ? 8 : 0));

	if (s->width == 1 && !p->rex && r >= 4) {
		s->high_byte = true;
		r -= 4;
	}
	s->reg = r;
}

/* Little-endian immediate of n bytes ending at end, sign-extended. */
static uint64_t imm_at(const uint8_t *end, unsigned n)
{
	const uint8_t *imm = end - n;
	uint64_t v = 0, sign = 1ull << (8 * n - 1);

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)imm[i] << (8 * i);
	return (v ^ sign) - sign;
}

/* 88/89 MOV Eb/Ev, Gb/Gv and 86/87 XCHG Eb/Ev, Gb/Gv; LOCK only on XCHG. */
static int op_mov_reg(const uint8_t *op, const struct pfx *p, enum hv_insn_mode mode,
		      struct hv_mmio_store *s)
{
	bool xchg = op[0] == 0x86 || op[0] == 0x87;

	if (p->lock && !xchg)
		return HV_MMIO_EINVALID;
	if ((op[1] >> 6) == 3)
		return HV_MMIO_EUNSUPPORTED;    /* register destination */
	s->width = (op[0] & 1) ? opsize(p, mode) : 1;
	s->xchg = xchg;
	set_reg(s, p, op[1]);
	return 0;
}

/* C6 /0 MOV Eb, Ib and C7 /0 MOV Ev, Iz (imm32 sign-extended with REX.W). */
static int op_mov_imm(const uint8_t *op, const uint8_t *end, const struct pfx *p,
		      enum hv_insn_mode mode, struct hv_mmio_store *s)
{
	if (p->lock)
		return HV_MMIO_EINVALID;
	/* /1../7 are XABORT/XBEGIN (register form) or #UD. */
	if ((op[1] >> 6) == 3 || ((op[1] >> 3) & 7) != 0)
		return HV_MMIO_EUNSUPPORTED;
	s->width = op[0] == 0xc6 ? 1 : opsize(p, mode);
	s->is_imm = true;
	s->imm = imm_at(end, s->width == 8 ? 4 : s->width);
	return 0;
}

/* A2/A3 MOV Ob, AL / Ov, rAX: the moffs size (67h) is hv_insn_length()'s. */
static int op_mov_moffs(uint8_t opcode, const struct pfx *p, enum hv_insn_mode mode,
			struct hv_mmio_store *s)
{
	if (p->lock)
		return HV_MMIO_EINVALID;
	s->width = opcode == 0xa2 ? 1 : opsize(p, mode);
	s->reg = HV_GPR_RAX;
	return 0;
}

/* NP 0F C3 MOVNTI My, Gy: 32 or 64 bits; a 66/F2/F3 prefix makes it another opcode. */
static int op_movnti(const uint8_t *op, const struct pfx *p, struct hv_mmio_store *s)
{
	if (p->lock)
		return HV_MMIO_EINVALID;
	if (p->p66 || p->rep || (op[2] >> 6) == 3)
		return HV_MMIO_EUNSUPPORTED;
	s->width = (p->rex & REX_W) ? 8 : 4;
	set_reg(s, p, op[2]);
	return 0;
}

int hv_mmio_decode_store(const uint8_t *buf, size_t avail, enum hv_insn_mode mode,
			 struct hv_mmio_store *out)
{
	struct pfx p = { .p66 = false };
	int len = hv_insn_length(buf, avail, mode);
	size_t pos;

	*out = (struct hv_mmio_store){ .len = 0 };
	if (len < 0)
		return len == HV_INSN_ETRUNC ? HV_MMIO_ETRUNC : HV_MMIO_EINVALID;
	out->len = (uint8_t)len;
	pos = scan_prefixes(buf, (size_t)len, mode, &p);
	if (pos >= (size_t)len)
		return HV_MMIO_EINVALID;
	/* Every opcode below has a ModRM or moffs after it, inside len. */
	switch (buf[pos]) {
	case 0x86: case 0x87: case 0x88: case 0x89:
		return op_mov_reg(&buf[pos], &p, mode, out);
	case 0xc6: case 0xc7:
		return op_mov_imm(&buf[pos], &buf[len], &p, mode, out);
	case 0xa2: case 0xa3:
		return op_mov_moffs(buf[pos], &p, mode, out);
	case 0x0f:
		if (buf[pos + 1] == 0xc3)
			return op_movnti(&buf[pos], &p, out);
		return HV_MMIO_EUNSUPPORTED;
	default:
		return HV_MMIO_EUNSUPPORTED;
	}
}

static uint64_t width_mask(uint8_t width)
{
	return width >= 8 ? ~0ull : (1ull << (8 * width)) - 1;
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
	uint64_t *r = &gprs[s->reg & 15];
	unsigned shift = s->high_byte ? 8 : 0;
	uint64_t mask = width_mask(s->width) << shift;

	if (s->is_imm)
		return;
	if (s->width == 4)
		*r = (uint32_t)val;             /* 32-bit writes zero-extend */
	else
		*r = (*r & ~mask) | ((val << shift) & mask);
}
