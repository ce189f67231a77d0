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

bool gmem_is_ram(const struct gmem *m, uint64_t gpa, uint64_t len)
{
	unsigned lo = 0, hi = m->nram;

	if (!addressable(m, gpa, len) || !len || gmem_is_hv(m, gpa, len))
		return false;
	if (!m->nram)
		return true;
	/* The last range starting at or below gpa must hold all of it. */
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (m->ram[mid].base <= gpa)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && gpa - m->ram[lo - 1].base < m->ram[lo - 1].size &&
	       len <= m->ram[lo - 1].size - (gpa - m->ram[lo - 1].base);
}

/* Insert r into the sorted list, merging with what it overlaps or touches. */
static int ram_insert(struct gmem *m, struct gmem_range r)
{
	unsigned i = 0, j;

	while (i < m->nram && m->ram[i].base + m->ram[i].size < r.base)
		i++;
	/* Swallow every range from i on that r overlaps or touches. */
	for (j = i; j < m->nram && m->ram[j].base <= r.base + r.size; j++) {
		uint64_t lo = m->ram[j].base < r.base ? m->ram[j].base : r.base;
		uint64_t end = m->ram[j].base + m->ram[j].size, r_end = r.base + r.size;

		r.base = lo;
		r.size = (end > r_end ? end : r_end) - lo;
	}
	if (j == i && m->nram == GMEM_MAX_RAM)
		return -1;
	/* Replace ranges i..j-1 with r. */
	if (j == i) {
		for (unsigned k = m->nram; k > i; k--)
			m->ram[k] = m->ram[k - 1];
		m->nram++;
	} else {
		for (unsigned k = j; k < m->nram; k++)
			m->ram[i + 1 + k - j] = m->ram[k];
		m->nram -= j - i - 1;
	}
	m->ram[i] = r;
	return 0;
}

int gmem_set_ram(struct gmem *m, const struct gmem_range *r, unsigned n)
{
	int rc = 0;

	m->nram = 0;
	for (unsigned i = 0; i < n; i++)
		if (r[i].size && r[i].base + r[i].size > r[i].base && ram_insert(m, r[i]))
			rc = -1;
	return rc;
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

int gmem_cas64(const struct gmem *m, uint64_t gpa, uint64_t old, uint64_t new_val)
{
	uint64_t *p = (uint64_t *)(uintptr_t)gpa;

	if ((gpa & 7) || !gmem_is_ram(m, gpa, 8) || gmem_is_emulated(m, gpa, 8))
		return -1;
	return __atomic_compare_exchange_n(p, &old, new_val, false, __ATOMIC_SEQ_CST,
					   __ATOMIC_SEQ_CST) ? 0 : 1;
}

int gmem_write(const struct gmem *m, uint64_t gpa, const void *buf, uint64_t len)
{
	if (len == 0)
		return addressable(m, gpa, 0) ? 0 : -1;
	if (!gmem_is_ram(m, gpa, len) || gmem_is_emulated(m, gpa, len))
		return -1;
	copy_bytes((volatile uint8_t *)(uintptr_t)gpa, buf, len);
	return 0;
}
