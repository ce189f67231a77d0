/* SPDX-License-Identifier: MIT */
/* Lookups in svmhv's symbol table (see symtab.h). */
#include "hv/dbg/symtab.h"

const char *symtab_lookup(const struct symtab *t, size_t size, uint64_t off, uint64_t *delta)
{
	size_t lo = 0, hi, need;
	const char *base = (const char *)t;

	if (!t || size < sizeof(*t) || t->magic != SYMTAB_MAGIC)
		return NULL;
	need = sizeof(*t) + (size_t)t->count * sizeof(t->e[0]);
	if (t->count == 0 || need > size || off < t->e[0].off)
		return NULL;
	hi = t->count;
	while (hi - lo > 1) {           /* the last entry with e.off <= off */
		size_t mid = lo + (hi - lo) / 2;

		if (t->e[mid].off <= off)
			lo = mid;
		else
			hi = mid;
	}
	if (t->e[lo].name < need || t->e[lo].name >= size)
		return NULL;
	for (size_t i = t->e[lo].name; i < size; i++)
		if (!base[i]) {
			*delta = off - t->e[lo].off;
			return base + t->e[lo].name;
		}
	return NULL;                    /* the name runs off the table */
}
