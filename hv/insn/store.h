/* SPDX-License-Identifier: MIT */
/*
 * Decoder for a guest store that hit a write-protected MMIO page (the xAPIC
 * page, the IOAPIC, PCI configuration space): svmhv finds what the
 * instruction stores, performs it on the guest's behalf (reading the old
 * value first for a read-modify-write: OR, AND, BTS, XCHG, CMPXCHG, ...)
 * and skips the instruction. The nested page fault already gives the
 * address, so only the operation is decoded: length (hv_insn_length()),
 * width, operation and source. The bytes come from the VMCB when the CPU has
 * decode assists, else from guest memory (hv/guest.c hv_fetch_npf_insn()).
 *
 * Pure, independent of the vCPU layout (registers come as an array), so
 * host unit tests build it.
 *
 * Manuals: AMD64 APM Vol. 3 rev. 3.35 (APM3) chapter 1, Appendix A and the
 * pages of each instruction below; Intel SDM Vol. 2 Dec 2023 (SDM2) chapter 2.
 */
#ifndef SVMHV_HV_INSN_STORE_H
#define SVMHV_HV_INSN_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/insn/insn.h"

/* GPR numbers: the ModRM/REX encoding order. See: APM3 Table 1-9. */
enum hv_gpr {
	HV_GPR_RAX, HV_GPR_RCX, HV_GPR_RDX, HV_GPR_RBX,
	HV_GPR_RSP, HV_GPR_RBP, HV_GPR_RSI, HV_GPR_RDI,
	HV_GPR_R8, HV_GPR_R9, HV_GPR_R10, HV_GPR_R11,
	HV_GPR_R12, HV_GPR_R13, HV_GPR_R14, HV_GPR_R15,
	HV_GPR_COUNT,
};

/*
 * What the instruction does with the memory operand. MOV only writes it;
 * every other operation reads it first (its old value comes from the device,
 * hv_mmio_execute()'s old). Group 1 keeps its ModRM.reg order (/0 ADD .. /6
 * XOR; /7 CMP only reads). See: APM3 Table A-6 (ModRM.reg extensions).
 */
enum hv_mmio_op {
	HV_MMIO_MOV,            /* MOV, MOVNTI: memory = source */
	HV_MMIO_XCHG,           /* memory = register, register = old */
	HV_MMIO_ADD, HV_MMIO_OR, HV_MMIO_ADC, HV_MMIO_SBB,
	HV_MMIO_AND, HV_MMIO_SUB, HV_MMIO_XOR,
	HV_MMIO_INC, HV_MMIO_DEC, HV_MMIO_NOT, HV_MMIO_NEG,
	HV_MMIO_BTS, HV_MMIO_BTR, HV_MMIO_BTC,  /* bit number in the source */
	HV_MMIO_XADD,           /* memory = old + register, register = old */
	HV_MMIO_CMPXCHG,        /* rAX == old ? memory = register : rAX = old */
	HV_MMIO_NOPS,
};

/*
 * One decoded store. The source is an immediate or a register; with
 * high_byte the register is AH/CH/DH/BH, i.e. bits 15:8 of reg (RAX..RBX).
 * INC, DEC, NOT and NEG have no source (is_imm with imm 0).
 */
struct hv_mmio_store {
	uint8_t len;            /* instruction length; also set for EUNSUPPORTED */
	uint8_t width;          /* bytes stored: 1, 2, 4 or 8 */
	uint8_t reg;            /* source register, enum hv_gpr (if !is_imm) */
	uint8_t op;             /* enum hv_mmio_op */
	bool high_byte;         /* source is AH, CH, DH or BH */
	bool is_imm;            /* source is imm */
	bool lock;              /* LOCK prefix (XCHG: implicit); svmhv's store is one access anyway */
	uint64_t imm;           /* immediate, sign-extended to 64 bits (BTx: the bit number) */
};

/* Results of hv_mmio_decode_store(): 0 or a negative error. */
#define HV_MMIO_ETRUNC          (-1)    /* needs more than avail bytes */
#define HV_MMIO_EINVALID        (-2)    /* not a valid instruction: #UD */
#define HV_MMIO_EUNSUPPORTED    (-3)    /* has a length, not a store svmhv performs */

/*
 * Decodes the instruction at buf[0] (avail bytes readable) in the given
 * mode. Supported, each with a memory destination in any ModRM/SIB/
 * displacement/RIP-relative form, the legacy prefixes 66, 67, segment
 * overrides, F2/F3 (ignored, or HLE hints), LOCK where the instruction
 * allows it, and REX:
 *   MOV Eb/Ev, Gb/Gv (88, 89), MOV Eb/Ev, imm (C6 /0, C7 /0), MOVNTI (0F C3),
 *   MOV moffs, AL/rAX (A2, A3), XCHG (86, 87);
 *   ADD/OR/ADC/SBB/AND/SUB/XOR Eb/Ev, Gb/Gv (00 01 08 09 10 11 18 19 20 21
 *   28 29 30 31) and with an immediate (80, 81, 82, 83 /0../6);
 *   INC/DEC (FE, FF /0 /1), NOT/NEG (F6, F7 /2 /3);
 *   BTS/BTR/BTC Ev, Gv (0F AB, 0F B3, 0F BB) and Ev, Ib (0F BA /5 /6 /7);
 *   XADD (0F C0, 0F C1), CMPXCHG (0F B0, 0F B1).
 * Returns 0, HV_MMIO_ETRUNC, HV_MMIO_EINVALID (#UD: an undefined opcode,
 * over 15 bytes, or LOCK on MOV/MOVNTI; len set when known) or
 * HV_MMIO_EUNSUPPORTED (len set): any other instruction, e.g. CMP/TEST/BT
 * (they only read), shifts, SETcc, CMPXCHG8B, string, vector, register-only
 * forms, and a few #UD encodings of the opcodes above (C7 /1, 66h MOVNTI).
 */
int hv_mmio_decode_store(const uint8_t *buf, size_t avail, enum hv_insn_mode mode,
			 struct hv_mmio_store *out);

/* Message for an hv_mmio_decode_store() result. */
const char *hv_mmio_strerror(int err);

/* Name of an enum hv_mmio_op, for messages and tests. */
const char *hv_mmio_op_name(unsigned op);

/* The source operand (register or immediate), truncated to the store's width. */
uint64_t hv_mmio_store_value(const struct hv_mmio_store *s, const uint64_t gprs[HV_GPR_COUNT]);

/*
 * Writes val, of the store's width, into its source register as the CPU
 * would (for XCHG's and XADD's load): 8- and 16-bit writes merge, a 32-bit
 * write zero-extends to 64 bits. See: SDM1 3.4.1.1 (Intel SDM Vol. 1).
 */
void hv_mmio_reg_write(const struct hv_mmio_store *s, uint64_t gprs[HV_GPR_COUNT], uint64_t val);

/* Whether the instruction reads the memory operand first: all but MOV. */
bool hv_mmio_reads(const struct hv_mmio_store *s);

/*
 * Executes the decoded instruction (hv/insn/rmw.c) as the CPU would, given
 * old, the memory operand's value (of s->width; ignored for MOV): *out gets
 * the value to store, the registers the instruction writes (XCHG, XADD, a
 * failed CMPXCHG's rAX) change in gprs, and the status flags in *rflags
 * follow the instruction's definition (flags it leaves undefined: see
 * rmw.c). Returns false when nothing is stored: a CMPXCHG whose comparison
 * failed (the CPU writes the old value back; svmhv does not repeat a
 * device access that changes nothing, as KVM's emulator does).
 */
bool hv_mmio_execute(const struct hv_mmio_store *s, uint64_t gprs[HV_GPR_COUNT],
		     uint64_t *rflags, uint64_t old, uint64_t *out);

#endif /* SVMHV_HV_INSN_STORE_H */
