/* SPDX-License-Identifier: MIT */
/*
 * Building and tearing down a simulated machine: ASIDs from the real
 * svm/asid.c pool (a shared-ASID configuration gets too few hardware ASIDs,
 * so asid_plan() picks the fallback), the real svm/tlb.c domain, page tables.
 */
#include "tests/model/model.h"

#include <stdlib.h>
#include <string.h>

static int setup_asids(struct m_world *w, struct asid_vcpu *out)
{
	const struct m_config *c = w->cfg;
	uint32_t hw = c->shared ? c->nvcpu + 1 : 2 * c->nvcpu + 6;
	struct asid_plan plan;

	if (asid_plan(&plan, hw, c->nvcpu, ASID_POLICY_FALLBACK) ||
	    plan.mode != (c->shared ? ASID_MODE_SHARED : ASID_MODE_SPLIT) ||
	    asid_pool_init_hw(&w->pool, hw))
		return -1;
	for (unsigned i = 0; i < c->nvcpu; i++)
		if (asid_vcpu_alloc(&w->pool, plan.mode, &out[i]))
			return -1;
	return 0;
}

static uint32_t *pages(unsigned n)
{
	return calloc(n, sizeof(uint32_t));
}

static int setup_memory(struct m_world *w)
{
	const struct m_config *c = w->cfg;

	w->pt1 = pages(c->nva);
	w->npt0 = pages(c->ngpa);
	if (!w->pt1 || !w->npt0)
		return -1;
	for (unsigned va = 0; va < c->nva; va++)
		w->pt1[va] = va % c->ngpa;
	for (unsigned g = 0; g < c->ngpa; g++)
		w->npt0[g] = 1000 + g;
	for (unsigned q = 0; q < M_NGUEST; q++) {
		w->pt2[q] = pages(c->nva);
		w->npt1[q] = pages(c->ngpa);
		if (!w->pt2[q] || !w->npt1[q])
			return -1;
		for (unsigned va = 0; va < c->nva; va++)
			w->pt2[q][va] = (va + q) % c->ngpa;
		for (unsigned g = 0; g < c->ngpa; g++)
			w->npt1[q][g] = (g * 3 + q) % c->ngpa;
	}
	w->next_hpa = 100000;
	return 0;
}

static int setup_vcpu(struct m_world *w, unsigned i, const struct asid_vcpu *a)
{
	const struct m_config *c = w->cfg;
	struct m_vcpu *v = &w->vcpu[i];

	v->vmcb01 = aligned_alloc(4096, sizeof(struct vmcb));
	v->vmcb02 = aligned_alloc(4096, sizeof(struct vmcb));
	v->shadow = calloc(c->ngpa, sizeof(*v->shadow));
	v->allow_v = calloc((size_t)(M_NVASID + 1) * c->nva, sizeof(uint64_t));
	v->allow_n = calloc((size_t)(M_NVASID + 1) * c->ngpa, sizeof(uint64_t));
	if (!v->vmcb01 || !v->vmcb02 || !v->shadow || !v->allow_v || !v->allow_n)
		return -1;
	memset(v->vmcb01, 0, sizeof(struct vmcb));
	memset(v->vmcb02, 0, sizeof(struct vmcb));
	if (tlb_vcpu_init(&w->dom, &v->tlb, i, a))
		return -1;
	tlb_vmcb_rebuilt(&v->tlb, v->vmcb01, TLB_CTX_L1);
	tlb_vmcb_rebuilt(&v->tlb, v->vmcb02, TLB_CTX_L2);
	v->pcpu = v->prev_pcpu = -1;
	v->ctx = TLB_CTX_L1;
	v->hw_ctx = -1;
	v->guest = 0;
	v->may_flush[TLB_CTX_L1] = v->may_flush[TLB_CTX_L2] = true;
	if (i < c->npcpu) {
		v->pcpu = (int)i;
		w->on_pcpu[i] = (int)i;
	}
	return 0;
}

int m_world_init(struct m_world *w, const struct m_config *c)
{
	struct tlb_config tc = { .flush_by_asid = c->flush_by_asid, .force_tlb_flush = c->force };
	struct tlb_ops ops = { .kick = m_kick, .invlpga = m_invlpga, .arg = w };
	struct asid_vcpu asids[M_MAX_VCPU];

	memset(w, 0, sizeof(*w));
	w->cfg = c;
	if (c->npcpu > M_MAX_PCPU || c->nvcpu > M_MAX_VCPU || (c->check && c->ngpa > 64))
		return -1;
	for (unsigned p = 0; p < M_MAX_PCPU; p++)
		w->on_pcpu[p] = -1;
	for (unsigned p = 0; p < c->npcpu; p++) {
		w->tlb[p] = calloc((size_t)c->tlb_sets * c->tlb_ways, sizeof(struct m_tlbe));
		w->victim[p] = calloc(c->tlb_sets, 1);
		if (!w->tlb[p] || !w->victim[p])
			return -1;
	}
	if (setup_asids(w, asids) || setup_memory(w) ||
	    tlb_domain_init(&w->dom, w->tpcpu, c->npcpu, w->slots, c->nvcpu, &tc, &ops))
		return -1;
	for (unsigned i = 0; i < c->nvcpu; i++)
		if (setup_vcpu(w, i, &asids[i]))
			return -1;
	return 0;
}

void m_world_free(struct m_world *w)
{
	for (unsigned p = 0; p < M_MAX_PCPU; p++) {
		free(w->tlb[p]);
		free(w->victim[p]);
	}
	for (unsigned i = 0; i < M_MAX_VCPU; i++) {
		struct m_vcpu *v = &w->vcpu[i];

		free(v->vmcb01);
		free(v->vmcb02);
		free(v->shadow);
		free(v->allow_v);
		free(v->allow_n);
	}
	free(w->pt1);
	free(w->npt0);
	for (unsigned q = 0; q < M_NGUEST; q++) {
		free(w->pt2[q]);
		free(w->npt1[q]);
	}
}
