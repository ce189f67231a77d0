/* SPDX-License-Identifier: MIT */
/*
 * x86 instruction length decoder.
 *
 * Without NRIPS (QEMU TCG) the VMCB gives no next_rip, so an exit handler that
 * skips an intercepted instruction (CPUID, RDMSR/WRMSR, VMMCALL, a store that
 * hit a protected page) must find its length from the bytes at CS:RIP.
 * hv_insn_length() computes only that length: it does not say what the
 * instruction does. Pure and table-driven, so host unit tests build it.
 *
 * See: AMD64 APM Vol. 3 (rev. 3.35) chapter 1 "Instruction Encoding" and
 * Appendix A "Opcode and Operand Encodings"; Intel SDM Vol. 2 (Dec 2023)
 * chapter 2 and Appendix A "Opcode Map".
 */
#ifndef SVMHV_HV_INSN_INSN_H
#define SVMHV_HV_INSN_INSN_H

#include <stddef.h>
#include <stdint.h>

/* Longest legal instruction; a longer one raises #GP. See: APM3 1.1. */
#define HV_INSN_MAX_LEN         15

/* Errors; a valid length is always 1..HV_INSN_MAX_LEN. */
#define HV_INSN_ETRUNC          (-1)    /* needs more than avail bytes */
#define HV_INSN_EINVALID        (-2)    /* undefined opcode, #UD form, or > 15 bytes */

/*
 * Effective default operand and address size of the code segment: 16 for
 * real mode, virtual-8086 mode and 16-bit protected/compatibility code, 32
 * for 32-bit code, 64 for 64-bit mode.
 */
enum hv_insn_mode {
	HV_INSN_MODE_16,
	HV_INSN_MODE_32,
	HV_INSN_MODE_64,
};

/*
 * Length of the instruction at buf[0], of which avail bytes are readable
 * (bytes past the first HV_INSN_MAX_LEN are never looked at). Returns 1..15,
 * HV_INSN_ETRUNC or HV_INSN_EINVALID.
 */
int hv_insn_length(const uint8_t *buf, size_t avail, enum hv_insn_mode mode);

/*
 * Decoding mode of the guest from VMCB state: efer, cr0, rflags and cs_attrib
 * in the VMCB's packed segment attribute format (svm/vmcb.h SEG_ATTR_*).
 */
enum hv_insn_mode hv_insn_mode_from(uint64_t efer, uint64_t cr0, uint16_t cs_attrib,
				    uint64_t rflags);

#endif /* SVMHV_HV_INSN_INSN_H */
