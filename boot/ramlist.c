/* SPDX-License-Identifier: MIT */
/* Sorted, merged memory ranges. See boot/ramlist.h. */
#include "boot/ramlist.h"

static uint64_t end_of(const struct hv_boot_range *r)
{
	return r->base + r->size;
}

/* Swallow the ranges after r[i] that now overlap or touch it. */
static void absorb(struct hv_boot_range *r, unsigned *n, unsigned i)
{
	while (i + 1 < *n && r[i + 1].base <= end_of(&r[i])) {
		if (end_of(&r[i + 1]) > end_of(&r[i]))
			r[i].size = end_of(&r[i + 1]) - r[i].base;
		for (unsigned k = i + 1; k + 1 < *n; k++)
			r[k] = r[k + 1];
		(*n)--;
	}
}

bool ramlist_add(struct hv_boot_range *r, unsigned *n, unsigned max, uint64_t base,
		 uint64_t size)
{
	uint64_t end = base + size;
	unsigned i = 0;

	if (size == 0)
		return true;
	if (end < base)
		return false;
	while (i < *n && end_of(&r[i]) < base)
		i++;
	if (i < *n && r[i].base <= end) {               /* overlaps or touches r[i] */
		uint64_t e = end > end_of(&r[i]) ? end : end_of(&r[i]);

		r[i].base = base < r[i].base ? base : r[i].base;
		r[i].size = e - r[i].base;
		absorb(r, n, i);
		return true;
	}
	if (*n == max)
		return false;
	for (unsigned k = *n; k > i; k--)
		r[k] = r[k - 1];
	r[i] = (struct hv_boot_range){ base, size };
	(*n)++;
	return true;
}
