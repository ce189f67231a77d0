/* SPDX-License-Identifier: MIT */
/* Counters as console lines. See hv/stats.h. */
#include "hv/stats.h"

#include "hv/fmt.h"

#define LINE_MAX 400

static void tlb_ctx_line(const struct tlb_vcpu *v, int ctx, hv_line_fn print, void *arg)
{
	char l[LINE_MAX];
	int n = hv_snprintf(l, sizeof(l), "tlb: vcpu %u L%d flushes %llu satisfied %llu invlpga %llu",
			    v->id, ctx + 1, (unsigned long long)v->cnt.flushes[ctx],
			    (unsigned long long)v->cnt.satisfied[ctx],
			    (unsigned long long)v->cnt.invlpga[ctx]);

	for (uint32_t r = 0; r < TLB_REASON_COUNT; r++)
		if (v->cnt.reason[ctx][r])
			n += hv_snprintf(l + n, sizeof(l) - (size_t)n, " %s=%llu", tlb_reason_name(r),
					 (unsigned long long)v->cnt.reason[ctx][r]);
	print(arg, l);
}

void hv_stats_tlb(const struct tlb_vcpu *v, hv_line_fn print, void *arg)
{
	char l[LINE_MAX];

	hv_snprintf(l, sizeof(l), "tlb: vcpu %u asid_l1 %u asid_l2 %u (%u slots, vmcb12 ASID %x)%s",
		    v->id, v->asid[TLB_CTX_L1], v->asid[TLB_CTX_L2], v->nslots, v->l2_vasid,
		    v->dom->cfg.force_tlb_flush ? " force_tlb_flush" : "");
	print(arg, l);
	for (int ctx = 0; ctx < TLB_NR_CTX; ctx++)
		tlb_ctx_line(v, ctx, print, arg);
}

void hv_stats_asid_plan(const struct asid_plan *plan, hv_line_fn print, void *arg)
{
	char l[LINE_MAX];
	const char *verdict = plan->status == 0 ? "separate L1/L2 ASIDs" :
			      plan->status == -ASID_ENOSPC ?
			      "ERROR: not enough ASIDs (need 2 besides the host's)" :
			      "ERROR: invalid vCPU count";

	hv_snprintf(l, sizeof(l), "asid: %u hardware ASIDs per CPU (%u usable), %u vCPUs each on "
		    "its own CPU need %u each: %s, %u for L1's L2s (LRU)", plan->hw_count,
		    plan->usable, plan->nr_vcpus, plan->need, verdict, plan->n_l2);
	print(arg, l);
}

void hv_stats_shadow(unsigned vcpu, const struct nested_shadow_stats *st, hv_line_fn print,
		     void *arg)
{
	char l[LINE_MAX];

	hv_snprintf(l, sizeof(l), "shadow: vcpu %u fills %llu roots_made %llu roots_hit %llu "
		    "drops %llu evictions %llu", vcpu, (unsigned long long)st->fills,
		    (unsigned long long)st->roots_made, (unsigned long long)st->roots_hit,
		    (unsigned long long)st->invalidations, (unsigned long long)st->evictions);
	print(arg, l);
}
