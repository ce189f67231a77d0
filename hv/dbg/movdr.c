/* SPDX-License-Identifier: MIT */
/* MOV DRn decoding (see movdr.h). */
#include "hv/dbg/movdr.h"

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

int dbg_decode_movdr(const uint8_t *b, size_t n, bool mode64, struct movdr *out)
{
	size_t i = 0;
	uint8_t rex = 0, modrm;

	while (i < n && i < 14 && legacy_prefix(b[i]))
		i++;
	if (mode64 && i < n && (b[i] & 0xf0) == 0x40)
		rex = b[i++];
	if (i + 3 > n || b[i] != 0x0f || (b[i + 1] != 0x21 && b[i + 1] != 0x23))
		return -1;
	modrm = b[i + 2];
	if (rex & 0x04)
		return -1;      /* DR8-DR15 do not exist: #UD */
	*out = (struct movdr){
		.dr = (modrm >> 3) & 7,
		.gpr = (modrm & 7) | ((rex & 0x01) ? 8u : 0u),
		.to_dr = b[i + 1] == 0x23,
		.len = (unsigned)i + 3,
	};
	return 0;
}
