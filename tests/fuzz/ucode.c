/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the AMD microcode container parser (hv/ucode/container.c)
 * on any bytes, the first four the CPU's CPUID 1 EAX, and the errata table
 * (hv/ucode/errata.c) on the CPU those bytes describe. Invariants: whether a
 * file is valid does not depend on the CPU; a valid file's selected patch
 * lies inside it, is at least a header long and carries the selected ID
 * and the CPU's equivalence ID; a rejected file selects nothing and names
 * an offset inside it; errata fixes touch only C001_10xxh and never set and
 * clear one bit.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hv/ucode/container.h"
#include "hv/ucode/errata.h"

#define NEED(cond) do { if (!(cond)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ucode_scan s, any;
	struct errata_fix fixes[ERRATA_MAX];
	struct errata_cpu c;
	uint32_t eax = 0, id;
	unsigned n;
	int rc;

	if (size < 4)
		return 0;
	memcpy(&eax, data, 4);
	data += 4;
	size -= 4;
	rc = ucode_scan(data, size, eax, &s);
	NEED(ucode_scan(data, size, 0, &any) == rc);
	NEED(any.containers == s.containers && any.patches == s.patches && !any.found);
	if (rc == UCODE_OK) {
		NEED(s.containers >= 1);
		if (s.found) {
			NEED(s.size >= UCODE_PATCH_HDR && s.size <= UCODE_PATCH_MAX);
			NEED(s.offset <= size && s.size <= size - s.offset);
			memcpy(&id, data + s.offset + UCODE_PATCH_ID_OFF, 4);
			NEED(id == s.patch_id && s.equiv_id != 0);
			NEED((data[s.offset + UCODE_PROC_REV_OFF] |
			      data[s.offset + UCODE_PROC_REV_OFF + 1] << 8) == s.equiv_id);
			NEED(ucode_decide(&s, s.patch_id) == UCODE_UP_TO_DATE);
		} else {
			NEED(ucode_decide(&s, 0) == UCODE_NO_PATCH);
		}
	} else {
		NEED(rc < 0 && !s.found && s.patch_id == 0 && s.offset == 0);
		NEED(s.err_offset <= size || rc == UCODE_ETOOBIG);
		NEED(ucode_strerror(rc)[0] != '\0');
	}
	c = (struct errata_cpu){ ucode_family(eax), ucode_model(eax), ucode_stepping(eax),
				 s.found ? s.patch_id : eax, (eax & 1) != 0 };
	n = errata_select(&c, fixes, ERRATA_MAX);
	NEED(n <= ERRATA_MAX);
	for (unsigned i = 0; i < n; i++) {
		NEED(fixes[i].msr >= 0xc0011000u && fixes[i].msr <= 0xc00110ffu);
		NEED((fixes[i].set & fixes[i].clear) == 0 && (fixes[i].set | fixes[i].clear));
		NEED(errata_value(&fixes[i], errata_value(&fixes[i], eax)) ==
		     errata_value(&fixes[i], eax));
	}
	return 0;
}
