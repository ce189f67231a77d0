/* SPDX-License-Identifier: MIT */
/*
 * What L1 may legally see: L1's own TLB, per vCPU and per L1-visible ASID,
 * invalidated only by L1's (and its L2's) own architectural operations.
 * See: AMD64 APM Vol. 2 (rev. 3.42) 15.16 (TLB control, INVLPGA), 15.25
 * (nested paging: cached guest and nested translations).
 *
 * allow_v[a][va]: the L2-physical pages (L1-physical for a = 0) that va
 * mapped to in ASID a at some time that ASID was active since (a, va) was
 * last invalidated. allow_n[a][gpa2]: the same for the nested layer (L1's
 * nested page tables), which only TLB_CONTROL flushes and INIT invalidate:
 * INVLPG, INVLPGA and MOV CR3 do not touch cached nested translations.
 * A translation the TLB may hold combines one allowed choice per layer with
 * svmhv's *current* map (npt0): svmhv's own changes must never be visible.
 */
#include "tests/model/model.h"

static uint64_t *av(const struct m_world *w, const struct m_vcpu *v, uint32_t a, uint32_t va)
{
	return &v->allow_v[(size_t)a * w->cfg->nva + va];
}

static uint64_t *an(const struct m_world *w, const struct m_vcpu *v, uint32_t a, uint32_t gpa2)
{
	return &v->allow_n[(size_t)a * w->cfg->ngpa + gpa2];
}

static uint64_t bit(uint32_t page)
{
	return page == M_NONE ? 0 : 1ull << page;
}

/* The L1-visible ASID v is running now, or M_NONE. */
static uint32_t active_asid(const struct m_vcpu *v)
{
	if (!v->in_guest)
		return M_NONE;
	return v->ctx == TLB_CTX_L1 ? 0 : v->vasid;
}

/* A context starts running: whatever is current now may be cached. */
void arch_activate(struct m_world *w, struct m_vcpu *v)
{
	uint32_t a = active_asid(v);

	if (!w->cfg->check || a == M_NONE)
		return;
	for (uint32_t va = 0; va < w->cfg->nva; va++)
		*av(w, v, a, va) |= bit(a ? w->pt2[v->guest][va] : w->pt1[va]);
	for (uint32_t g = 0; a && g < w->cfg->ngpa; g++)
		*an(w, v, a, g) |= bit(w->npt1[v->guest][g]);
}

/* TLB_CONTROL (vasid = that ASID, M_NONE = every ASID) or INIT: both layers. */
void arch_reset(struct m_world *w, struct m_vcpu *v, uint32_t vasid)
{
	if (!w->cfg->check)
		return;
	for (uint32_t a = 0; a <= M_NVASID; a++) {
		if (vasid != M_NONE && a != vasid)
			continue;
		for (uint32_t va = 0; va < w->cfg->nva; va++)
			*av(w, v, a, va) = 0;
		for (uint32_t g = 0; g < w->cfg->ngpa; g++)
			*an(w, v, a, g) = 0;
	}
	arch_activate(w, v);
}

/* INVLPG / INVLPGA (va) or MOV CR3 (va = M_NONE): the guest-virtual layer. */
void arch_invalidate(struct m_world *w, struct m_vcpu *v, uint32_t vasid, uint32_t va)
{
	if (!w->cfg->check)
		return;
	for (uint32_t x = 0; x < w->cfg->nva; x++)
		if (va == M_NONE || x == va)
			*av(w, v, vasid, x) = 0;
	arch_activate(w, v);
}

/* Page-table edits become visible at once to every vCPU running that space. */
void arch_edit_pt1(struct m_world *w, uint32_t va)
{
	for (unsigned i = 0; w->cfg->check && i < w->cfg->nvcpu; i++) {
		struct m_vcpu *u = &w->vcpu[i];

		if (active_asid(u) == 0)
			*av(w, u, 0, va) |= bit(w->pt1[va]);
	}
}

void arch_edit_pt2(struct m_world *w, uint32_t guest, uint32_t va)
{
	for (unsigned i = 0; w->cfg->check && i < w->cfg->nvcpu; i++) {
		struct m_vcpu *u = &w->vcpu[i];
		uint32_t a = active_asid(u);

		if (a != M_NONE && a != 0 && u->guest == guest)
			*av(w, u, a, va) |= bit(w->pt2[guest][va]);
	}
}

void arch_edit_npt1(struct m_world *w, uint32_t guest, uint32_t gpa2)
{
	for (unsigned i = 0; w->cfg->check && i < w->cfg->nvcpu; i++) {
		struct m_vcpu *u = &w->vcpu[i];
		uint32_t a = active_asid(u);

		if (a != M_NONE && a != 0 && u->guest == guest)
			*an(w, u, a, gpa2) |= bit(w->npt1[guest][gpa2]);
	}
}

static bool maps_to(const struct m_world *w, uint64_t gpa1s, uint32_t hpa)
{
	for (uint32_t g = 0; gpa1s; g++, gpa1s >>= 1)
		if ((gpa1s & 1) && w->npt0[g] == hpa)
			return true;
	return false;
}

/* May v, in the context it runs now, use the translation va -> hpa? */
bool arch_legal(const struct m_world *w, const struct m_vcpu *v, uint32_t va, uint32_t hpa)
{
	uint32_t a = active_asid(v);
	uint64_t gpas;

	if (a == M_NONE)
		return true;
	gpas = *av(w, v, a, va);
	if (a == 0)
		return maps_to(w, gpas, hpa);
	for (uint32_t g = 0; gpas; g++, gpas >>= 1)
		if ((gpas & 1) && maps_to(w, *an(w, v, a, g), hpa))
			return true;
	return false;
}
