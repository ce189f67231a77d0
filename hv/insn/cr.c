/* SPDX-License-Identifier: MIT */
/* MOV to CRn recognition. See hv/insn/cr.h; APM3 "MOV CRn", 1.2 (prefixes). */
#include "hv/insn/cr.h"

#include <stdbool.h>

static bool legacy_prefix(uint8_t b)
{
	switch (b) {
	case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
	case 0x66: case 0x67: case 0xf0: case 0xf2: case 0xf3:
		return true;
	default:
		return false;
	}
}

int hv_insn_mov_to_cr(const uint8_t *buf, size_t avail, enum hv_insn_mode mode,
		      unsigned *cr, unsigned *gpr)
{
	size_t i = 0;
	uint8_t rex = 0, modrm;
	bool lock = false;

	while (i < avail && i < HV_INSN_MAX_LEN && legacy_prefix(buf[i]))
		lock |= buf[i++] == 0xf0;
	/* REX counts only right before the opcode, in 64-bit mode. */
	if (mode == HV_INSN_MODE_64 && i < avail && (buf[i] & 0xf0) == 0x40)
		rex = buf[i++];
	if (i + 3 > avail || i + 3 > HV_INSN_MAX_LEN || buf[i] != 0x0f || buf[i + 1] != 0x22)
		return -1;
	modrm = buf[i + 2];
	*cr = ((modrm >> 3) & 7) | ((rex & 4) ? 8 : 0);
	/* AMD: LOCK MOV CR0 is MOV CR8 (CPUID 8000_0001 ECX.AltMovCr8). */
	if (lock && *cr == 0)
		*cr = 8;
	*gpr = (modrm & 7) | ((rex & 1) ? 8 : 0);
	return 0;
}
