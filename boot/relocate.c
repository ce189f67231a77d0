/* SPDX-License-Identifier: MIT */
/*
 * Rebase a copy of this image. GNU-EFI applications relocate themselves at
 * load time from their ELF .dynamic/.rela (R_X86_64_RELATIVE only; crt0 calls
 * _relocate). A byte copy of the loaded image therefore still holds absolute
 * addresses of the original; adding (new base - old base) at every RELATIVE
 * site makes the copy self-consistent. Only valid while no code has stored
 * pointers into the image at run time (efi_main copies first thing).
 */
#include "boot/relocate.h"

#define DT_NULL                 0
#define DT_RELA                 7
#define DT_RELASZ               8
#define DT_RELAENT              9
#define R_X86_64_NONE           0
#define R_X86_64_RELATIVE       8

struct elf64_dyn {
	int64_t d_tag;
	uint64_t d_val;
};

struct elf64_rela {
	uint64_t r_offset;
	uint64_t r_info;
	int64_t r_addend;
};

extern struct elf64_dyn _DYNAMIC[];
extern char ImageBase[];

int efi_rebase_copy(uint8_t *copy, uint64_t copy_size)
{
	uint64_t rela_off = 0, rela_size = 0, ent = sizeof(struct elf64_rela);
	uint64_t delta = (uint64_t)(uintptr_t)copy - (uint64_t)(uintptr_t)ImageBase;

	for (struct elf64_dyn *d = _DYNAMIC; d->d_tag != DT_NULL; d++) {
		if (d->d_tag == DT_RELA)
			rela_off = d->d_val;
		else if (d->d_tag == DT_RELASZ)
			rela_size = d->d_val;
		else if (d->d_tag == DT_RELAENT)
			ent = d->d_val;
	}
	if (ent != sizeof(struct elf64_rela))
		return -1;
	for (uint64_t o = 0; o + ent <= rela_size; o += ent) {
		const struct elf64_rela *r =
			(const struct elf64_rela *)(ImageBase + rela_off + o);
		uint32_t type = (uint32_t)r->r_info;

		if (type == R_X86_64_NONE)
			continue;
		if (type != R_X86_64_RELATIVE || r->r_offset + 8 > copy_size)
			return -1;
		*(uint64_t *)(copy + r->r_offset) += delta;
	}
	return 0;
}
