/* SPDX-License-Identifier: MIT */
/*
 * Is this MOV to a control register (0F 22 /r)? For VMEXIT_INVALID on
 * vmcb01: QEMU's TCG fails VMRUN at such a MOV with a reserved bit where
 * the hardware raises #GP (hv/invalid.c). See: APM3 "MOV CRn".
 * Pure: host unit tests and the decoder fuzz target build it.
 */
#ifndef SVMHV_HV_INSN_CR_H
#define SVMHV_HV_INSN_CR_H

#include <stddef.h>
#include <stdint.h>

#include "hv/insn/insn.h"

/*
 * 0 with *cr (0..15, REX.R and AMD's LOCK alias for CR8 applied) and *gpr
 * (enum hv_gpr) for MOV CRn, reg; -1 for anything else or too few bytes.
 */
int hv_insn_mov_to_cr(const uint8_t *buf, size_t avail, enum hv_insn_mode mode,
		      unsigned *cr, unsigned *gpr);

#endif /* SVMHV_HV_INSN_CR_H */
