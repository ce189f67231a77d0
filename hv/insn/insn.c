/* SPDX-License-Identifier: MIT */
/*
 * x86 instruction length decoder: prefixes, opcode maps, ModRM/SIB,
 * displacement and immediate sizes. Nothing is executed or interpreted.
 *
 * Manuals: AMD64 APM Vol. 3 rev. 3.35 (APM3), Vol. 2 rev. 3.42 (APM2),
 * Intel SDM Vol. 2 Dec 2023 (SDM2); sections are cited by number or name.
 * Where AMD and Intel differ, AMD wins (svmhv only runs on AMD): a 66h
 * prefix on a near branch in 64-bit mode selects rel16 (APM3 1.2.2,
 * "Operand-Size Override Prefix"), where Intel ignores it.
 *
 * Undefined opcodes are reported as HV_INSN_EINVALID where the map leaves
 * them without a format (one-byte and 0F maps). The 0F38 and 0F3A maps, and
 * the VEX/EVEX/XOP maps, give every opcode the same shape (ModRM, plus imm8 in
 * 0F3A), so an opcode that is new or unknown to us still gets its length.
 */
#include "hv/insn/insn.h"
#include "svm/vmcb.h"

#include <stdbool.h>

/* Architectural bits used by hv_insn_mode_from() (EFER_LMA is in vmcb.h). */

/*
 * Per-opcode format of the one-byte and 0F maps: whether a ModRM byte
 * follows, the kind of immediate, and validity.
 */
#define M       0x01    /* ModRM (+ SIB + displacement) follows */
#define MR      0x02    /* ModRM whose mod field is ignored: register form only */
#define G3      0x04    /* group 3: the immediate exists only for /0 and /1 */
#define I64     0x08    /* invalid in 64-bit mode */
#define BAD     0x10    /* invalid in every mode */
#define IMM(k)  ((k) << 5)
#define IMM_OF(f) ((f) >> 5)

/* Immediate kinds (3 bits). */
enum {
	K_NONE,
	K_B,    /* Ib, Jb: 1 byte */
	K_W,    /* Iw: 2 bytes */
	K_Z,    /* Iz, Jz: 2 bytes with 16-bit operand size, else 4 */
	K_V,    /* Iv: operand size, 2/4/8 (MOV r, imm64) */
	K_O,    /* moffs: address size, 2/4/8 */
	K_P,    /* Ap far pointer: 2 + (2 or 4) */
	K_WB,   /* ENTER Iw, Ib: 3 bytes */
};

#define IB      IMM(K_B)
#define IW      IMM(K_W)
#define IZ      IMM(K_Z)
#define IV      IMM(K_V)
#define IO      IMM(K_O)
#define IP      IMM(K_P)
#define IWB     IMM(K_WB)
#define PFX     0       /* prefix or escape: handled before the table */

/*
 * One-byte opcode map, rows 0x00..0xf0. See: SDM2 Table A-2; APM3 Appendix A
 * "One-Byte Opcodes" (I64: the opcodes invalid in 64-bit mode). 40-4F are
 * REX in 64-bit mode; 62, 8F, C4, C5 are EVEX/XOP/VEX escapes handled before
 * the table.
 */
static const uint8_t one_byte[256] = {
/* 0 */	M, M, M, M, IB, IZ, I64, I64, M, M, M, M, IB, IZ, I64, PFX,
/* 1 */	M, M, M, M, IB, IZ, I64, I64, M, M, M, M, IB, IZ, I64, I64,
/* 2 */	M, M, M, M, IB, IZ, PFX, I64, M, M, M, M, IB, IZ, PFX, I64,
/* 3 */	M, M, M, M, IB, IZ, PFX, I64, M, M, M, M, IB, IZ, PFX, I64,
/* 4 */	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
/* 5 */	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
/* 6 */	I64, I64, M | I64, M, PFX, PFX, PFX, PFX, IZ, M | IZ, IB, M | IB, 0, 0, 0, 0,
/* 7 */	IB, IB, IB, IB, IB, IB, IB, IB, IB, IB, IB, IB, IB, IB, IB, IB,
/* 8 */	M | IB, M | IZ, M | IB | I64, M | IB, M, M, M, M, M, M, M, M, M, M, M, M,
/* 9 */	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, IP | I64, 0, 0, 0, 0, 0,
/* A */	IO, IO, IO, IO, 0, 0, 0, 0, IB, IZ, 0, 0, 0, 0, 0, 0,
/* B */	IB, IB, IB, IB, IB, IB, IB, IB, IV, IV, IV, IV, IV, IV, IV, IV,
/* C */	M | IB, M | IB, IW, 0, M | I64, M | I64, M | IB, M | IZ,
	IWB, 0, IW, 0, 0, IB, I64, 0,
/* D */	M, M, M, M, IB | I64, IB | I64, I64, 0, M, M, M, M, M, M, M, M,
/* E */	IB, IB, IB, IB, IB, IB, IB, IB, IZ, IZ, IP | I64, IB, 0, 0, 0, 0,
/* F */	PFX, 0, PFX, PFX, 0, 0, M | IB | G3, M | IZ | G3, 0, 0, 0, 0, 0, 0, M, M,
};

/*
 * Two-byte map 0F xx. See: SDM2 Table A-3; APM3 Appendix A
 * "Two-Byte Opcodes". 0F 38, 0F 3A
 * and 0F 0F (3DNow!) are escapes handled before the table. 0F 78 with a 66h
 * or F2h prefix (SSE4a EXTRQ/INSERTQ imm8, imm8) is special-cased in code.
 */
static const uint8_t two_byte[256] = {
/* 0 */	M, M, M, M, BAD, 0, 0, 0, 0, 0, BAD, 0, BAD, M, 0, PFX,
/* 1 */	M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
/* 2 */	MR, MR, MR, MR, BAD, BAD, BAD, BAD, M, M, M, M, M, M, M, M,
/* 3 */	0, 0, 0, 0, 0, 0, BAD, 0, PFX, BAD, PFX, BAD, BAD, BAD, BAD, BAD,
/* 4 */	M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
/* 5 */	M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
/* 6 */	M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
/* 7 */	M | IB, M | IB, M | IB, M | IB, M, M, M, 0, M, M, BAD, BAD, M, M, M, M,
/* 8 */	IZ, IZ, IZ, IZ, IZ, IZ, IZ, IZ, IZ, IZ, IZ, IZ, IZ, IZ, IZ, IZ,
/* 9 */	M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
/* A */	0, 0, 0, M, M | IB, M, BAD, BAD, 0, 0, 0, M, M | IB, M, M, M,
/* B */	M, M, M, M, M, M, M, M, M, M, M | IB, M, M, M, M, M,
/* C */	M, M, M | IB, M, M | IB, M | IB, M | IB, M, 0, 0, 0, 0, 0, 0, 0, 0,
/* D */	M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
/* E */	M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
/* F */	M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
};

/* Decoder state for one instruction. */
struct dec {
	const uint8_t *buf;
	size_t avail;           /* readable bytes, at most HV_INSN_MAX_LEN */
	size_t pos;             /* bytes consumed so far */
	size_t tail;            /* displacement + immediate bytes still to skip */
	enum hv_insn_mode mode;
	bool p66, p67, rep;     /* 66h, 67h, F2h or F3h seen */
	bool lock;              /* F0h seen */
	uint8_t rex;            /* REX byte in effect, 0 if none */
};

/* Byte at pos + off without consuming it, or a negative error. */
static int peek(const struct dec *d, size_t off)
{
	if (d->pos + off >= HV_INSN_MAX_LEN)
		return HV_INSN_EINVALID;
	if (d->pos + off >= d->avail)
		return HV_INSN_ETRUNC;
	return d->buf[d->pos + off];
}

static int fetch(struct dec *d)
{
	int b = peek(d, 0);

	if (b >= 0)
		d->pos++;
	return b;
}

/* Total length once the tail is known; > 15 bytes is #GP. See: APM3 1.1. */
static int finish(const struct dec *d)
{
	size_t len = d->pos + d->tail;

	if (len > HV_INSN_MAX_LEN)
		return HV_INSN_EINVALID;
	if (len > d->avail)
		return HV_INSN_ETRUNC;
	return (int)len;
}

/* Operand size in bytes: REX.W beats 66h. See: APM3 1.2.2, 1.2.3. */
static unsigned int opsize(const struct dec *d)
{
	if (d->mode == HV_INSN_MODE_64 && (d->rex & 0x08))
		return 8;
	if (d->mode == HV_INSN_MODE_16)
		return d->p66 ? 4 : 2;
	return d->p66 ? 2 : 4;
}

/* Address size in bytes. See: APM3 1.2.3. */
static unsigned int adsize(const struct dec *d)
{
	switch (d->mode) {
	case HV_INSN_MODE_16:
		return d->p67 ? 4 : 2;
	case HV_INSN_MODE_32:
		return d->p67 ? 2 : 4;
	default:
		return d->p67 ? 4 : 8;
	}
}

/*
 * Consumes legacy prefixes and, in 64-bit mode, REX. A REX byte only counts
 * when it immediately precedes the opcode: a legacy prefix after it cancels
 * it. See: APM3 1.2, 1.2.7; SDM2 2.2.1. Returns the opcode byte.
 */
static int prefixes(struct dec *d)
{
	for (;;) {
		int b = fetch(d);

		if (b < 0)
			return b;
		switch (b) {
		case 0x66: d->p66 = true; break;
		case 0x67: d->p67 = true; break;
		case 0xf2: case 0xf3: d->rep = true; break;
		case 0xf0: d->lock = true; break;
		case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65: break;
		default:
			if (d->mode == HV_INSN_MODE_64 && (b & 0xf0) == 0x40) {
				d->rex = (uint8_t)b;
				continue;
			}
			return b;
		}
		d->rex = 0;
	}
}

/*
 * Consumes ModRM and SIB and accounts the displacement. With reg_only the
 * mod field is ignored (MOV CRn/DRn). See: APM3 1.4 "ModRM and SIB
 * Bytes"; SDM2 Tables 2-1..2-3.
 */
static int modrm(struct dec *d, bool reg_only, int *reg)
{
	int m = fetch(d);
	unsigned int mod, rm;

	if (m < 0)
		return m;
	*reg = (m >> 3) & 7;
	mod = (unsigned int)m >> 6;
	rm = (unsigned int)m & 7;
	if (reg_only || mod == 3)
		return 0;
	if (adsize(d) == 2) {
		/* 16-bit forms have no SIB; mod 00 rm 110 is [disp16]. */
		d->tail += mod == 1 ? 1 : (mod == 2 || rm == 6) ? 2 : 0;
		return 0;
	}
	if (rm == 4) {
		int sib = fetch(d);

		if (sib < 0)
			return sib;
		/* SIB base 101 with mod 00: disp32, no base. */
		if (mod == 0 && (sib & 7) == 5)
			d->tail += 4;
	} else if (mod == 0 && rm == 5) {
		d->tail += 4;           /* disp32, RIP-relative in 64-bit mode */
	}
	d->tail += mod == 1 ? 1 : mod == 2 ? 4 : 0;
	return 0;
}

static size_t imm_size(const struct dec *d, unsigned int kind)
{
	switch (kind) {
	case K_B:  return 1;
	case K_W:  return 2;
	case K_Z:  return opsize(d) == 2 ? 2 : 4;
	case K_V:  return opsize(d);
	case K_O:  return adsize(d);
	case K_P:  return 2 + (opsize(d) == 2 ? 2 : 4);
	case K_WB: return 3;
	default:   return 0;
	}
}

/* Applies a one-byte or 0F map entry to the bytes after the opcode. */
static int by_table(struct dec *d, uint8_t f)
{
	int reg = 0;

	if (f & BAD)
		return HV_INSN_EINVALID;
	if ((f & I64) && d->mode == HV_INSN_MODE_64)
		return HV_INSN_EINVALID;
	if (f & (M | MR)) {
		int err = modrm(d, (f & MR) != 0, &reg);

		if (err < 0)
			return err;
	}
	/* TEST Eb/Ev, imm is /0 (and its alias /1); /2../7 take no immediate. */
	if (!(f & G3) || reg <= 1)
		d->tail += imm_size(d, IMM_OF(f));
	return finish(d);
}

/* VEX/EVEX map 0F opcodes that take imm8. See: SDM2 Table A-3. */
static bool map1_has_imm8(int op)
{
	return (op >= 0x70 && op <= 0x73) || op == 0xc2 || (op >= 0xc4 && op <= 0xc6);
}

/*
 * The rest of a VEX, EVEX or XOP instruction after its first byte: payload
 * bytes, opcode, ModRM (all but VZEROUPPER/VZEROALL), imm8 in map 3 and for
 * the map-1 opcodes that have one (XOP immediates are added by xop()).
 * 66/F2/F3/F0/REX before these prefixes is #UD. See: APM3 chapter 1, "VEX and XOP Prefixes"; SDM2
 * 2.3 (VEX), 2.7 (EVEX).
 */
static int vex_tail(struct dec *d, size_t payload, int map, bool is_vex)
{
	int op, reg;

	if (d->p66 || d->rep || d->lock || d->rex)
		return HV_INSN_EINVALID;
	d->pos += payload;
	op = fetch(d);
	if (op < 0)
		return op;
	if (!(is_vex && map == 1 && op == 0x77)) {
		int err = modrm(d, false, &reg);

		if (err < 0)
			return err;
	}
	if (map == 3 || (map == 1 && map1_has_imm8(op)))
		d->tail += 1;
	return finish(d);
}

/*
 * C4/C5 (VEX3/VEX2), 62 (EVEX): outside 64-bit mode they are LES/LDS/BOUND
 * unless the next byte has mod == 11, which those cannot encode.
 * See: APM3 chapter 1, "VEX and XOP Prefixes"; SDM2 2.3 (VEX), 2.7 (EVEX).
 */
static int vex_evex(struct dec *d, int op)
{
	int p0 = peek(d, 0), map;

	if (p0 < 0)
		return p0;
	if (d->mode != HV_INSN_MODE_64 && (p0 >> 6) != 3)
		return by_table(d, one_byte[op]);
	if (op == 0xc5)
		return vex_tail(d, 1, 1, true);
	if (op == 0xc4) {
		map = p0 & 0x1f;
		if (map < 1 || map > 3)
			return HV_INSN_EINVALID;
		return vex_tail(d, 2, map, true);
	}
	/* EVEX maps 1-3 as VEX, 5 and 6 (AVX512-FP16) without imm8. */
	map = p0 & 0x07;
	if (map == 0 || map == 4 || map == 7)
		return HV_INSN_EINVALID;
	return vex_tail(d, 3, map, false);
}

/*
 * 8F: XOP when the map select field is >= 8, else POP Ev (whose ModRM reg
 * field must be 0, so the two never overlap). XOP map 8 has imm8, map 9
 * none, map A imm32. See: APM3 chapter 1, "VEX and XOP
 * Prefixes" (map_select); APM3 Appendix A, XOP opcode maps.
 */
static int xop(struct dec *d)
{
	int p0 = peek(d, 0), map, len;

	if (p0 < 0)
		return p0;
	map = p0 & 0x1f;
	if (map < 8)
		return by_table(d, M);
	if (map > 0xa)
		return HV_INSN_EINVALID;
	len = vex_tail(d, 2, 0, false);
	if (len < 0 || map == 9)
		return len;
	d->tail += map == 8 ? 1 : 4;
	return finish(d);
}

/* 0F38 xx ModRM; 0F3A xx ModRM imm8; 0F0F ModRM imm8 (the 3DNow! opcode). */
static int escape_map(struct dec *d, int esc)
{
	int reg, err;

	if (esc != 0x0f) {
		err = fetch(d);
		if (err < 0)
			return err;
	}
	err = modrm(d, false, &reg);
	if (err < 0)
		return err;
	d->tail += esc == 0x38 ? 0 : 1;
	return finish(d);
}

/* After 0F. See: SDM2 Tables A-3..A-5; APM3 Appendix A, 3DNow! opcodes. */
static int two_byte_map(struct dec *d)
{
	int op = fetch(d);

	if (op < 0)
		return op;
	if (op == 0x38 || op == 0x3a || op == 0x0f)
		return escape_map(d, op);
	/* EXTRQ / INSERTQ xmm, imm8, imm8. See: APM4 "EXTRQ", "INSERTQ". */
	if (op == 0x78 && (d->p66 || d->rep))
		d->tail += 2;
	return by_table(d, two_byte[op]);
}

int hv_insn_length(const uint8_t *buf, size_t avail, enum hv_insn_mode mode)
{
	struct dec d = {
		.buf = buf,
		.avail = avail < HV_INSN_MAX_LEN ? avail : HV_INSN_MAX_LEN,
		.mode = mode,
	};
	int op = prefixes(&d);

	if (op < 0)
		return op;
	switch (op) {
	case 0x0f:
		return two_byte_map(&d);
	case 0x62: case 0xc4: case 0xc5:
		return vex_evex(&d, op);
	case 0x8f:
		return xop(&d);
	default:
		return by_table(&d, one_byte[op]);
	}
}

/*
 * Real mode and virtual-8086 mode are 16-bit; in long mode CS.L selects
 * 64-bit mode, otherwise CS.D picks 32 or 16. See: APM2 4.8 "Long-Mode Segment
 * Descriptors" (CS.L, CS.D).
 */
enum hv_insn_mode hv_insn_mode_from(uint64_t efer, uint64_t cr0, uint16_t cs_attrib,
				    uint64_t rflags)
{
	if (!(cr0 & CR0_PE) || (rflags & RFLAGS_VM))
		return HV_INSN_MODE_16;
	if ((efer & EFER_LMA) && (cs_attrib & SEG_ATTR_L))
		return HV_INSN_MODE_64;
	return (cs_attrib & SEG_ATTR_DB) ? HV_INSN_MODE_32 : HV_INSN_MODE_16;
}
