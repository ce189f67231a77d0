/* SPDX-License-Identifier: MIT */
/*
 * A fresh simulated machine: svmhv set up on the host harness (one fake CPU
 * per vCPU, each with its own pool of ASIDs: every vCPU runs L1 on ASID 1 and
 * L1's L2s on ASIDs 2.. of its own pCPU's TLB, as many as the config's NASID
 * allows), the model's TLBs and page tables.
 */
#include "tests/model/model.h"

#include <stdlib.h>
#include <string.h>

#include "hv/console.h"
#include "hv/hv.h"
#include "mm/npt.h"
#include "svm/svm.h"

static uint32_t *pages(unsigned n)
{
	return calloc(n, sizeof(uint32_t));
}

uint64_t m_gpa1(uint32_t page)
{
	return HARNESS_RAM_PA + HARNESS_RAM_SIZE / 2 + (uint64_t)page * PAGE_SIZE;
}

uint64_t m_gpa2(const struct m_world *w, uint32_t page)
{
	return (uint64_t)page << (w->cfg->spread ? 21 : 12);
}

/* npt1[guest][gpa2] into L1's real table: present, writable, user; A/D clear. */
void m_npt1_write(struct m_world *w, uint32_t guest, uint32_t gpa2)
{
	uint32_t gpa1 = w->npt1[guest][gpa2];

	*w->npt1_leaf[guest][gpa2] = gpa1 == M_NONE ? 0 : m_gpa1(gpa1) | PTE_P | PTE_W | PTE_U;
}

static uint64_t *table(uint64_t *parent, unsigned i)
{
	uint64_t *t;

	if (parent[i] & PTE_P)
		return (uint64_t *)(uintptr_t)(parent[i] & PTE_ADDR_MASK);
	t = harness_page();
	parent[i] = harness_pa(t) | PTE_P | PTE_W | PTE_U;
	return t;
}

/* L1's nested page tables for guest q, in L1's memory, as npt1[q] says. */
static int setup_npt1(struct m_world *w, unsigned q)
{
	uint64_t *pml4 = harness_page();

	w->npt1_root[q] = harness_pa(pml4);
	w->npt1_leaf[q] = calloc(w->cfg->ngpa, sizeof(uint64_t *));
	if (!w->npt1_leaf[q])
		return -1;
	for (unsigned g = 0; g < w->cfg->ngpa; g++) {
		uint64_t a = m_gpa2(w, g);
		uint64_t *pt = table(table(table(pml4, (a >> 39) & 511), (a >> 30) & 511),
				     (a >> 21) & 511);

		w->npt1_leaf[q][g] = &pt[(a >> 12) & 511];
		m_npt1_write(w, q, g);
	}
	return 0;
}

/* svmhv's real tables map L1 page g to the model's host page npt0[g]. */
static int setup_npt0(struct m_world *w)
{
	for (unsigned g = 0; g < w->cfg->ngpa; g++)
		if (npt_map_range(&hv.npt, m_gpa1(g), PAGE_SIZE, M_HPA(w->npt0[g]), NPT_PERM_RW,
				  NULL))
			return -1;
	return 0;
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
		for (unsigned g = 0; g < c->ngpa; g++)        /* no nested paging: none */
			w->npt1[q][g] = c->no_npt ? g : (g * 3 + q) % c->ngpa;
		if (setup_npt1(w, q))
			return -1;
	}
	w->next_hpa = 100000;
	return setup_npt0(w);
}

static int setup_vcpu(struct m_world *w, unsigned i)
{
	const struct m_config *c = w->cfg;
	struct m_vcpu *v = &w->vcpu[i];

	w->tlb[i] = calloc((size_t)c->tlb_sets * c->tlb_ways, sizeof(struct m_tlbe));
	w->victim[i] = calloc(c->tlb_sets, 1);
	v->allow_v = calloc((size_t)(M_NVASID + 1) * c->nva, sizeof(uint64_t));
	v->allow_n = calloc((size_t)(M_NVASID + 1) * c->ngpa, sizeof(uint64_t));
	return w->tlb[i] && w->victim[i] && v->allow_v && v->allow_n ? 0 : -1;
}

int m_world_init(struct m_world *w, const struct m_config *c)
{
	struct harness_config hc = {
		.ncpu = c->nvcpu, .nested = true, .force_tlb_flush = c->force,
		.vgif = !c->emulated_gif,
		.log_level = LOG_ERROR, .shadow_pages = c->shadow_pages,
	};

	memset(w, 0, sizeof(*w));
	w->cfg = c;
	if (c->nvcpu > M_MAX_VCPU || c->nvcpu == 0 || (c->check && c->ngpa > 64))
		return -1;
	hc.cpu = fake_cpu_tcg();
	hc.cpu.svm_edx |= SVM_FEATURE_NRIPS | (c->flush_by_asid ? SVM_FEATURE_FLUSH_ASID : 0);
	if (c->nasid)
		hc.cpu.nasid = c->nasid;
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
		free(v->allow_v);
		free(v->allow_n);
	}
	free(w->pt1);
	free(w->npt0);
	for (unsigned q = 0; q < M_NGUEST; q++) {
		free(w->pt2[q]);
		free(w->npt1[q]);
		free(w->npt1_leaf[q]);
	}
	memset(&fake.invlpga, 0, sizeof(fake.invlpga));
	fake.nmi = NULL;
	fake.relax = NULL;
}
