/* SPDX-License-Identifier: MIT */
/*
 * MMIO store decoder. See hv/insn/store.h; executing the decoded store is
 * hv/insn/rmw.c.
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

/* ModRM.mod == 11: a register destination, no store. */
static bool reg_form(uint8_t modrm)
{
	return (modrm >> 6) == 3;
}

/* Width of a byte/word opcode pair: the odd one has the operand size. */
static uint8_t pair_width(uint8_t opcode, const struct pfx *p, enum hv_insn_mode mode)
{
	return (opcode & 1) ? opsize(p, mode) : 1;
}

/* A register source from ModRM.reg: operation, width, register. */
static int reg_source(uint8_t modrm, uint8_t op, uint8_t width, const struct pfx *p,
		      struct hv_mmio_store *s)
{
	if (reg_form(modrm))
		return HV_MMIO_EUNSUPPORTED;
	s->op = op;
	s->width = width;
	set_reg(s, p, modrm);
	return 0;
}

/* An immediate source (or none: imm 0 for INC/DEC/NOT/NEG). */
static int imm_source(uint8_t modrm, uint8_t op, uint8_t width, uint64_t imm,
		      struct hv_mmio_store *s)
{
	if (reg_form(modrm))
		return HV_MMIO_EUNSUPPORTED;
	s->op = op;
	s->width = width;
	s->is_imm = true;
	s->imm = imm;
	return 0;
}

/* 88/89 MOV Eb/Ev, Gb/Gv and 86/87 XCHG Eb/Ev, Gb/Gv; LOCK only on XCHG. */
static int op_mov_reg(const uint8_t *op, const struct pfx *p, enum hv_insn_mode mode,
		      struct hv_mmio_store *s)
{
	bool xchg = op[0] == 0x86 || op[0] == 0x87;

	if (p->lock && !xchg)
		return HV_MMIO_EINVALID;
	/* XCHG with memory locks whether or not it says so. See: APM3 "XCHG". */
	s->lock = xchg;
	return reg_source(op[1], xchg ? HV_MMIO_XCHG : HV_MMIO_MOV,
			  pair_width(op[0], p, mode), p, s);
}

/* C6 /0 MOV Eb, Ib and C7 /0 MOV Ev, Iz (imm32 sign-extended with REX.W). */
static int op_mov_imm(const uint8_t *op, const uint8_t *end, const struct pfx *p,
		      enum hv_insn_mode mode, struct hv_mmio_store *s)
{
	uint8_t w = pair_width(op[0], p, mode);

	if (p->lock)
		return HV_MMIO_EINVALID;
	/* /1../7 are XABORT/XBEGIN (register form) or #UD. */
	if (((op[1] >> 3) & 7) != 0)
		return HV_MMIO_EUNSUPPORTED;
	return imm_source(op[1], HV_MMIO_MOV, w, imm_at(end, w == 8 ? 4 : w), s);
}

/* A2/A3 MOV Ob, AL / Ov, rAX: the moffs size (67h) is hv_insn_length()'s. */
static int op_mov_moffs(uint8_t opcode, const struct pfx *p, enum hv_insn_mode mode,
			struct hv_mmio_store *s)
{
	if (p->lock)
		return HV_MMIO_EINVALID;
	s->width = pair_width(opcode, p, mode);
	s->reg = HV_GPR_RAX;
	return 0;
}

/*
 * 00..31 ADD/OR/ADC/SBB/AND/SUB/XOR Eb/Ev, Gb/Gv: the operation is bits
 * 5:3 of the opcode, in group 1's order. See: APM3 Table A-1.
 */
static int op_alu_reg(const uint8_t *op, const struct pfx *p, enum hv_insn_mode mode,
		      struct hv_mmio_store *s)
{
	return reg_source(op[1], (uint8_t)(HV_MMIO_ADD + (op[0] >> 3)),
			  pair_width(op[0], p, mode), p, s);
}

/*
 * Group 1 with an immediate: 80 Eb, Ib; 81 Ev, Iz; 82 Eb, Ib (an alias of 80,
 * #UD in 64-bit mode: hv_insn_length()); 83 Ev, Ib sign-extended.
 * /7 is CMP, which only reads. See: APM3 Table A-6.
 */
static int op_alu_imm(const uint8_t *op, const uint8_t *end, const struct pfx *p,
		      enum hv_insn_mode mode, struct hv_mmio_store *s)
{
	unsigned ext = (op[1] >> 3) & 7;
	uint8_t w = op[0] == 0x81 || op[0] == 0x83 ? opsize(p, mode) : 1;
	unsigned n = op[0] == 0x81 ? (w == 2 ? 2 : 4) : 1;

	if (ext == 7)
		return HV_MMIO_EUNSUPPORTED;
	return imm_source(op[1], (uint8_t)(HV_MMIO_ADD + ext), w, imm_at(end, n), s);
}

/*
 * Group 3 (F6/F7: /2 NOT, /3 NEG; /0 /1 TEST read, /4../7 MUL/DIV write
 * registers) and groups 4/5 (FE/FF: /0 INC, /1 DEC; the rest are #UD,
 * branches or PUSH). See: APM3 Table A-6.
 */
static int op_unary(const uint8_t *op, const struct pfx *p, enum hv_insn_mode mode,
		    struct hv_mmio_store *s)
{
	unsigned ext = (op[1] >> 3) & 7;
	bool grp3 = op[0] == 0xf6 || op[0] == 0xf7;

	if (grp3 && (ext == 2 || ext == 3))
		return imm_source(op[1], (uint8_t)(ext == 2 ? HV_MMIO_NOT : HV_MMIO_NEG),
				  pair_width(op[0], p, mode), 0, s);
	if (!grp3 && ext <= 1)
		return imm_source(op[1], (uint8_t)(ext == 0 ? HV_MMIO_INC : HV_MMIO_DEC),
				  pair_width(op[0], p, mode), 0, s);
	return HV_MMIO_EUNSUPPORTED;
}

/* NP 0F C3 MOVNTI My, Gy: 32 or 64 bits; a 66/F2/F3 prefix makes it another opcode. */
static int op_movnti(const uint8_t *op, const struct pfx *p, struct hv_mmio_store *s)
{
	if (p->lock)
		return HV_MMIO_EINVALID;
	if (p->p66 || p->rep)
		return HV_MMIO_EUNSUPPORTED;
	return reg_source(op[2], HV_MMIO_MOV, (p->rex & REX_W) ? 8 : 4, p, s);
}

/*
 * 0F BA /5 /6 /7 BTS/BTR/BTC Ev, Ib (/4 BT only reads): the bit number is
 * imm8 modulo the operand size. See: APM3 "BTS", Table A-6 group 8.
 */
static int op_bt_imm(const uint8_t *op, const uint8_t *end, const struct pfx *p,
		     enum hv_insn_mode mode, struct hv_mmio_store *s)
{
	unsigned ext = (op[2] >> 3) & 7;

	if (ext < 5)
		return HV_MMIO_EUNSUPPORTED;
	return imm_source(op[2], (uint8_t)(HV_MMIO_BTS + ext - 5), opsize(p, mode),
			  end[-1], s);
}

/* After 0F: MOVNTI, BTS/BTR/BTC, XADD, CMPXCHG. See: APM3 Table A-2. */
static int op_0f(const uint8_t *op, const uint8_t *end, const struct pfx *p,
		 enum hv_insn_mode mode, struct hv_mmio_store *s)
{
	switch (op[1]) {
	case 0xc3:
		return op_movnti(op, p, s);
	case 0xab:
		return reg_source(op[2], HV_MMIO_BTS, opsize(p, mode), p, s);
	case 0xb3:
		return reg_source(op[2], HV_MMIO_BTR, opsize(p, mode), p, s);
	case 0xbb:
		return reg_source(op[2], HV_MMIO_BTC, opsize(p, mode), p, s);
	case 0xba:
		return op_bt_imm(op, end, p, mode, s);
	case 0xb0: case 0xb1:
		return reg_source(op[2], HV_MMIO_CMPXCHG, pair_width(op[1], p, mode), p, s);
	case 0xc0: case 0xc1:
		return reg_source(op[2], HV_MMIO_XADD, pair_width(op[1], p, mode), p, s);
	default:
		return HV_MMIO_EUNSUPPORTED;
	}
}

/* The opcode at op (ModRM or moffs after it, inside the instruction). */
static int decode_op(const uint8_t *op, const uint8_t *end, const struct pfx *p,
		     enum hv_insn_mode mode, struct hv_mmio_store *s)
{
	if (op[0] < 0x38 && (op[0] & 7) <= 1)
		return op_alu_reg(op, p, mode, s);
	switch (op[0]) {
	case 0x80: case 0x81: case 0x82: case 0x83:
		return op_alu_imm(op, end, p, mode, s);
	case 0x86: case 0x87: case 0x88: case 0x89:
		return op_mov_reg(op, p, mode, s);
	case 0xc6: case 0xc7:
		return op_mov_imm(op, end, p, mode, s);
	case 0xa2: case 0xa3:
		return op_mov_moffs(op[0], p, mode, s);
	case 0xf6: case 0xf7: case 0xfe: case 0xff:
		return op_unary(op, p, mode, s);
	case 0x0f:
		return op_0f(op, end, p, mode, s);
	default:
		return HV_MMIO_EUNSUPPORTED;
	}
}

/*
 * LOCK is legal only on the read-modify-write instructions with a memory
 * destination; on MOV and MOVNTI it is #UD (checked by their decoders; a
 * register form is no store at all). See: APM3 1.2.5 "Lock Prefix".
 */
int hv_mmio_decode_store(const uint8_t *buf, size_t avail, enum hv_insn_mode mode,
			 struct hv_mmio_store *out)
{
	struct pfx p = { .p66 = false };
	int len = hv_insn_length(buf, avail, mode);
	size_t pos;
	int rc;

	*out = (struct hv_mmio_store){ .len = 0 };
	if (len < 0)
		return len == HV_INSN_ETRUNC ? HV_MMIO_ETRUNC : HV_MMIO_EINVALID;
	out->len = (uint8_t)len;
	pos = scan_prefixes(buf, (size_t)len, mode, &p);
	if (pos >= (size_t)len)
		return HV_MMIO_EINVALID;
	/* Every opcode decode_op() accepts has a ModRM or moffs after it, inside len. */
	rc = decode_op(&buf[pos], &buf[len], &p, mode, out);
	if (rc == 0)
		out->lock = out->lock || p.lock;
	return rc;
}

static const char *const op_names[HV_MMIO_NOPS] = {
	[HV_MMIO_MOV] = "MOV", [HV_MMIO_XCHG] = "XCHG", [HV_MMIO_ADD] = "ADD",
	[HV_MMIO_OR] = "OR", [HV_MMIO_ADC] = "ADC", [HV_MMIO_SBB] = "SBB",
	[HV_MMIO_AND] = "AND", [HV_MMIO_SUB] = "SUB", [HV_MMIO_XOR] = "XOR",
	[HV_MMIO_INC] = "INC", [HV_MMIO_DEC] = "DEC", [HV_MMIO_NOT] = "NOT",
	[HV_MMIO_NEG] = "NEG", [HV_MMIO_BTS] = "BTS", [HV_MMIO_BTR] = "BTR",
	[HV_MMIO_BTC] = "BTC", [HV_MMIO_XADD] = "XADD", [HV_MMIO_CMPXCHG] = "CMPXCHG",
};

const char *hv_mmio_op_name(unsigned op)
{
	return op < HV_MMIO_NOPS ? op_names[op] : "?";
}
