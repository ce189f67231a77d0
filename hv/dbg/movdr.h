/* SPDX-License-Identifier: MIT */
/*
 * Decoding MOV to and from a debug register (0F 23 /r, 0F 21 /r), for the
 * DR intercepts svmhv sets while gdb's breakpoints are in DR0-3/DR7 and
 * the CPU gives no decode assist. See: AMD APM vol. 3 (rev. 3.35), "MOV
 * (Debug Registers)": the ModRM reg field names the DR (REX.R set: #UD),
 * r/m the general register (REX.B extends it), mod is ignored; legacy
 * prefixes may come first, a REX prefix (64-bit mode) right before 0F.
 *
 * Pure: freestanding hypervisor and host unit tests.
 */
#ifndef SVMHV_HV_DBG_MOVDR_H
#define SVMHV_HV_DBG_MOVDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct movdr {
	unsigned dr;            /* 0..7 */
	unsigned gpr;           /* encoding order: 0 rax, 1 rcx, ... 15 r15 */
	bool to_dr;             /* MOV DRn, reg */
	unsigned len;           /* instruction length */
};

/* 0, or -1: not a MOV DR (or DR8-15, which is #UD). */
int dbg_decode_movdr(const uint8_t *b, size_t n, bool mode64, struct movdr *out);

#endif /* SVMHV_HV_DBG_MOVDR_H */
