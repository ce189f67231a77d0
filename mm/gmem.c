/* SPDX-License-Identifier: MIT */
/* Guest-physical memory access rules. See mm/gmem.h. */
#include "mm/gmem.h"

#include <stddef.h>

static bool overlaps(uint64_t gpa, uint64_t len, const struct gmem_range *r)
{
	return r->size && len && gpa < r->base + r->size && r->base < gpa + len;
}

/* Inside what the guest can name, without wrapping. */
static bool addressable(const struct gmem *m, uint64_t gpa, uint64_t len)
{
	uint64_t limit = m->maxphyaddr >= 64 ? ~0ull : 1ull << m->maxphyaddr;

	return gpa < limit && len <= limit - gpa;
}

bool gmem_is_hv(const struct gmem *m, uint64_t gpa, uint64_t len)
{
	return overlaps(gpa, len, &m->hv);
}

int gmem_add_emulated(struct gmem *m, uint64_t base, uint64_t size)
{
	if (m->nemulated >= GMEM_MAX_EMULATED)
		return -1;
	m->emulated[m->nemulated++] = (struct gmem_range){ base, size };
	return 0;
}

bool gmem_is_emulated(const struct gmem *m, uint64_t gpa, uint64_t len)
{
	for (unsigned i = 0; i < m->nemulated; i++)
		if (overlaps(gpa, len, &m->emulated[i]))
			return true;
	return false;
}

/*
 * Volatile: the guest may change its memory meanwhile (another vCPU), and
 * the compiler must neither fuse nor repeat the accesses (no double fetch).
 */
static void copy_bytes(volatile uint8_t *dst, const volatile uint8_t *src, uint64_t len)
{
	uint64_t i = 0;

	if (!(((uintptr_t)dst | (uintptr_t)src) & 7))
		for (; i + 8 <= len; i += 8)
			*(volatile uint64_t *)(dst + i) = *(const volatile uint64_t *)(src + i);
	for (; i < len; i++)
		dst[i] = src[i];
}

int gmem_read(const struct gmem *m, uint64_t gpa, void *buf, uint64_t len)
{
	if (!addressable(m, gpa, len) || gmem_is_hv(m, gpa, len))
		return -1;
	copy_bytes(buf, (const volatile uint8_t *)(uintptr_t)gpa, len);
	return 0;
}

int gmem_write(const struct gmem *m, uint64_t gpa, const void *buf, uint64_t len)
{
	if (!addressable(m, gpa, len) || gmem_is_hv(m, gpa, len) ||
	    gmem_is_emulated(m, gpa, len))
		return -1;
	copy_bytes((volatile uint8_t *)(uintptr_t)gpa, buf, len);
	return 0;
}
