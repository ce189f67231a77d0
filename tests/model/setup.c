/* SPDX-License-Identifier: MIT */
/*
 * A fresh simulated machine: svmhv set up on the host harness (one fake CPU
 * per vCPU; a shared-ASID configuration gets too few hardware ASIDs, so
 * svmhv's asid_plan() picks the fallback), the model's TLBs and page tables.
 */
#include "tests/model/model.h"

#include <stdlib.h>
#include <string.h>

#include "hv/console.h"
#include "svm/svm.h"

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

static int setup_vcpu(struct m_world *w, unsigned i)
{
	const struct m_config *c = w->cfg;
	struct m_vcpu *v = &w->vcpu[i];

	w->tlb[i] = calloc((size_t)c->tlb_sets * c->tlb_ways, sizeof(struct m_tlbe));
	w->victim[i] = calloc(c->tlb_sets, 1);
	v->shadow = calloc(c->ngpa, sizeof(*v->shadow));
	v->allow_v = calloc((size_t)(M_NVASID + 1) * c->nva, sizeof(uint64_t));
	v->allow_n = calloc((size_t)(M_NVASID + 1) * c->ngpa, sizeof(uint64_t));
	return w->tlb[i] && w->victim[i] && v->shadow && v->allow_v && v->allow_n ? 0 : -1;
}

int m_world_init(struct m_world *w, const struct m_config *c)
{
	struct harness_config hc = {
		.ncpu = c->nvcpu, .nested = true, .force_tlb_flush = c->force,
		.log_level = LOG_ERROR,
	};

	memset(w, 0, sizeof(*w));
	w->cfg = c;
	if (c->nvcpu > M_MAX_VCPU || c->nvcpu == 0 || (c->check && c->ngpa > 64))
		return -1;
	hc.cpu = fake_cpu_tcg();
	hc.cpu.svm_edx |= SVM_FEATURE_NRIPS | (c->flush_by_asid ? SVM_FEATURE_FLUSH_ASID : 0);
	if (c->shared)
		hc.cpu.nasid = c->nvcpu + 1;    /* one ASID per vCPU: svmhv shares L1/L2 */
	if (harness_init(&hc) || setup_memory(w))
		return -1;
	for (unsigned i = 0; i < c->nvcpu; i++)
		if (setup_vcpu(w, i))
			return -1;
	return m_world_boot(w);
}

void m_world_free(struct m_world *w)
{
	for (unsigned i = 0; i < M_MAX_VCPU; i++) {
		struct m_vcpu *v = &w->vcpu[i];

		free(w->tlb[i]);
		free(w->victim[i]);
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
	memset(&fake.invlpga, 0, sizeof(fake.invlpga));
	fake.nmi = NULL;
	fake.relax = NULL;
}
