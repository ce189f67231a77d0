/* SPDX-License-Identifier: MIT */
/*
 * Static ASID pool. See svm/asid.h for the contract.
 * See: AMD64 APM Vol. 2 (rev. 3.42) 15.16; CPUID Fn8000_000A_EBX (NASID).
 */
#include "svm/asid.h"

#include <stddef.h>

static uint32_t usable_tags(uint32_t hw_count)
{
	uint32_t max = hw_count ? hw_count - 1 : 0;     /* ASID 0 is the host */

	return max > ASID_POOL_BITS - 1 ? ASID_POOL_BITS - 1 : max;
}

static bool bit_get(const struct asid_pool *p, uint32_t t)
{
	return (p->map[t / 64] >> (t % 64)) & 1;
}

static void bit_put(struct asid_pool *p, uint32_t t, bool on)
{
	if (on)
		p->map[t / 64] |= 1ull << (t % 64);
	else
		p->map[t / 64] &= ~(1ull << (t % 64));
}

/* Tags [min, max]; 0 (the host's ASID) is never a valid tag. */
int asid_pool_init(struct asid_pool *p, uint32_t min, uint32_t max)
{
	if (!p || min == 0 || min > max || max >= ASID_POOL_BITS)
		return -ASID_EINVAL;
	for (size_t i = 0; i < sizeof(p->map) / sizeof(p->map[0]); i++)
		p->map[i] = 0;
	p->min = min;
	p->max = max;
	p->hw_count = 0;
	return 0;
}

/* The pool of every ASID the hardware offers besides the host's. */
int asid_pool_init_hw(struct asid_pool *p, uint32_t hw_count)
{
	int rc = asid_pool_init(p, 1, usable_tags(hw_count));

	if (rc == 0)
		p->hw_count = hw_count;
	return rc;
}

/* n consecutive free tags, lowest first. */
int asid_alloc(struct asid_pool *p, uint32_t n, uint32_t *first)
{
	uint32_t run = 0;

	if (!p || !first || n == 0)
		return -ASID_EINVAL;
	for (uint32_t t = p->min; t <= p->max; t++) {
		run = bit_get(p, t) ? 0 : run + 1;
		if (run < n)
			continue;
		*first = t - n + 1;
		for (uint32_t u = *first; u <= t; u++)
			bit_put(p, u, true);
		return 0;
	}
	return -ASID_ENOSPC;
}

void asid_free(struct asid_pool *p, uint32_t first, uint32_t n)
{
	for (uint32_t t = first; p && n && t >= p->min && t <= p->max; t++, n--)
		bit_put(p, t, false);
}

bool asid_in_use(const struct asid_pool *p, uint32_t tag)
{
	return p && tag >= p->min && tag <= p->max && bit_get(p, tag);
}

uint32_t asid_free_count(const struct asid_pool *p)
{
	uint32_t n = 0;

	for (uint32_t t = p->min; t <= p->max; t++)
		n += !bit_get(p, t);
	return n;
}

/* CPUID Fn8000_000A_EBX as L1 sees it: the hardware's count (seed patch 02). */
uint32_t asid_guest_count(const struct asid_pool *p)
{
	return p->hw_count;
}

/*
 * Check, once at boot, that every vCPU gets its two ASIDs. The pool is per
 * pCPU (svm/asid.h), so the answer does not depend on nr_vcpus. Fills *out in
 * every case so the caller can print why (hv_stats_asid_plan()).
 */
int asid_plan(struct asid_plan *out, uint32_t hw_count, uint32_t nr_vcpus)
{
	if (!out)
		return -ASID_EINVAL;
	out->hw_count = hw_count;
	out->usable = usable_tags(hw_count);
	out->nr_vcpus = nr_vcpus;
	out->need = 2;
	out->n_l2 = out->usable > ASID_L2_MAX ? ASID_L2_MAX : out->usable ? out->usable - 1 : 0;
	out->status = 0;
	if (nr_vcpus == 0)
		out->status = -ASID_EINVAL;
	else if (out->usable < out->need)
		out->status = -ASID_ENOSPC;
	return out->status;
}

/*
 * The ASIDs of the vCPU pinned to the pool's pCPU, from a fresh pool: 1 for
 * L1, then as many for L2 as the pool holds, up to ASID_L2_MAX (2 .. 9 with
 * QEMU's 16 ASIDs, 2 .. 7 with KVM's 8).
 */
int asid_vcpu_alloc(struct asid_pool *p, struct asid_vcpu *out)
{
	uint32_t first = 0, n;

	if (!out || !p)
		return -ASID_EINVAL;
	n = asid_free_count(p);
	if (n < 2)
		return -ASID_ENOSPC;
	n = n - 1 > ASID_L2_MAX ? ASID_L2_MAX : n - 1;
	while (n && asid_alloc(p, 1 + n, &first))
		n--;
	if (!n)
		return -ASID_ENOSPC;
	out->l1 = first;
	out->l2 = first + 1;
	out->n_l2 = n;
	return 0;
}
