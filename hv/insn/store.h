/* SPDX-License-Identifier: MIT */
/*
 * Decoder for a guest store that hit a write-protected MMIO page (the xAPIC
 * page): svmhv has no decode assists under QEMU TCG, so it finds what the
 * instruction stores, performs the store on the guest's behalf and skips
 * the instruction. The nested page fault already gives the address, so only
 * the operation is decoded: length (hv_insn_length()), width and source.
 *
 * Pure, independent of the vCPU layout (registers come as an array), so
 * host unit tests build it.
 *
 * Manuals: AMD64 APM Vol. 3 rev. 3.35 (APM3) chapter 1 and the MOV, XCHG,
 * MOVNTI pages; Intel SDM Vol. 2 Dec 2023 (SDM2) chapter 2.
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
 * One decoded store. The source is an immediate or a register; with
 * high_byte the register is AH/CH/DH/BH, i.e. bits 15:8 of reg (RAX..RBX).
 * For XCHG the caller also loads the old memory value into the register
 * (hv_mmio_reg_write()).
 */
struct hv_mmio_store {
	uint8_t len;            /* instruction length; also set for EUNSUPPORTED */
	uint8_t width;          /* bytes stored: 1, 2, 4 or 8 */
	uint8_t reg;            /* source register, enum hv_gpr (if !is_imm) */
	bool high_byte;         /* source is AH, CH, DH or BH */
	bool is_imm;            /* source is imm */
	bool xchg;              /* XCHG r/m, reg: also a load into reg */
	uint64_t imm;           /* immediate, sign-extended to 64 bits */
};

/* Results of hv_mmio_decode_store(): 0 or a negative error. */
#define HV_MMIO_ETRUNC          (-1)    /* needs more than avail bytes */
#define HV_MMIO_EINVALID        (-2)    /* not a valid instruction: #UD */
#define HV_MMIO_EUNSUPPORTED    (-3)    /* has a length, not a store svmhv performs */

/*
 * Decodes the instruction at buf[0] (avail bytes readable) in the given
 * mode. Supported: MOV r/m, reg (88, 89), MOV r/m, imm (C6 /0, C7 /0),
 * XCHG r/m, reg (86, 87), MOVNTI (0F C3), MOV moffs, AL/rAX (A2, A3), all
 * with a memory operand, any ModRM/SIB/displacement/RIP-relative form and
 * the legacy prefixes 66, 67, segment overrides, F2/F3 (HLE hints on MOV
 * and XCHG), LOCK on XCHG, and REX. Returns 0, HV_MMIO_ETRUNC,
 * HV_MMIO_EINVALID (#UD: an undefined opcode, over 15 bytes, or LOCK on
 * MOV/MOVNTI; len set when known) or HV_MMIO_EUNSUPPORTED (len set): any other
 * instruction, e.g. read-modify-write, string, vector, register-only forms,
 * and a few #UD encodings of the opcodes above (C7 /1, 66h MOVNTI).
 */
int hv_mmio_decode_store(const uint8_t *buf, size_t avail, enum hv_insn_mode mode,
			 struct hv_mmio_store *out);

/* Message for an hv_mmio_decode_store() result. */
const char *hv_mmio_strerror(int err);

/* The value the instruction stores, truncated to its width. */
uint64_t hv_mmio_store_value(const struct hv_mmio_store *s, const uint64_t gprs[HV_GPR_COUNT]);

/*
 * Writes val, of the store's width, into its source register as the CPU
 * would (for XCHG's load): 8- and 16-bit writes merge, a 32-bit write
 * zero-extends to 64 bits. See: SDM1 3.4.1.1 (Intel SDM Vol. 1).
 */
void hv_mmio_reg_write(const struct hv_mmio_store *s, uint64_t gprs[HV_GPR_COUNT], uint64_t val);

#endif /* SVMHV_HV_INSN_STORE_H */
