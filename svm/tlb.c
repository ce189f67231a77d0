/* SPDX-License-Identifier: MIT */
/*
 * The TLB contract. See svm/tlb.h for the API and DESIGN.md for the table.
 * See: AMD64 APM Vol. 2 (rev. 3.42) 15.16 TLB Control, 15.16.1 TLB_CONTROL,
 * 15.16.2 INVLPGA, 15.15.3 VMCB clean bits, 15.25 nested paging.
 */
#include "svm/tlb.h"

#include "svm/atomic.h"

#define VMCB_CLEAN_ASID BIT(2)          /* APM2 15.15.3: ASID field */

/*
 * Requests. req[ctx] is one atomic word, posted by any CPU (merge, CAS) and
 * taken whole (exchange) by tlb_before_vmrun(), so a request is either in
 * what the next VMRUN applies, or still pending: no ABA, nothing lost.
 *   bits  0..15  reasons (BIT(enum tlb_reason)); 0 = nothing pending
 *   bit  16      conditional: a flush-all of the vCPU's pCPU with
 *   bits 32..63  flush_gen >= need satisfies it (0: unconditional)
 * A flush-all (TLB_CONTROL 1) on pCPU p increments p->flush_gen when it is
 * committed after the #VMEXIT. A conditional request is satisfied, without a
 * flush, by flush_gen >= need (mod 2^32): every flush-all committed as
 * generation >= need was executed after the request was made. need = gen + 1
 * when the requester is the vCPU's own thread in host mode (no VMRUN in
 * flight), gen + 2 otherwise (one may be in flight, its flush older than the
 * request). Wrap-around can only make a satisfied request look pending (a
 * redundant flush), never the reverse: need <= gen + 2 always.
 */
#define REQ_REASONS     0xffffull
#define REQ_COND        BIT_ULL(16)
#define REQ_NEED_SHIFT  32

static uint64_t req_make(uint32_t reasons, bool cond, uint32_t need)
{
	return (reasons & REQ_REASONS) | (cond ? REQ_COND : 0) |
	       ((uint64_t)need << REQ_NEED_SHIFT);
}

static uint32_t req_reasons(uint64_t r) { return (uint32_t)(r & REQ_REASONS); }
static uint32_t req_need(uint64_t r) { return (uint32_t)(r >> REQ_NEED_SHIFT); }

static uint64_t req_merge(uint64_t old, uint64_t add)
{
	uint32_t reasons = req_reasons(old) | req_reasons(add);
	uint32_t a = req_need(old), b = req_need(add);

	if (!req_reasons(old))
		return add;
	if (!(old & REQ_COND) || !(add & REQ_COND))
		return req_make(reasons, false, 0);
	return req_make(reasons, true, (int32_t)(a - b) > 0 ? a : b);
}

/* Merge add into a request word: one atomic read-modify-write. */
static void req_post_word(uint64_t *w, uint64_t add)
{
	uint64_t old = svm_atomic_load(w, __ATOMIC_ACQUIRE);

	if (!TLB_RULE(req_post_atomic)) {       /* mutant: load, then store */
		svm_atomic_store(w, req_merge(old, add), __ATOMIC_RELEASE);
		return;
	}
	while (!svm_atomic_cas(w, &old, req_merge(old, add), __ATOMIC_ACQ_REL))
		;
}

/* A request of a context: for L2, of every slot (any CPU may post). */
static void req_post(struct tlb_vcpu *v, enum tlb_ctx ctx, uint64_t add)
{
	if (ctx == TLB_CTX_L1) {
		req_post_word(&v->req[TLB_CTX_L1], add);
		return;
	}
	for (unsigned s = 0; s < v->nslots; s++)
		req_post_word(&v->l2[s].req, add);
}

/* The request word of ctx: L1's, or L2 slot's. */
static uint64_t *req_word(struct tlb_vcpu *v, enum tlb_ctx ctx, unsigned slot)
{
	return ctx == TLB_CTX_L1 ? &v->req[TLB_CTX_L1] : &v->l2[slot].req;
}

/* A request of v's ctx, made by v's own thread (local) or any other CPU. */
static uint64_t req_for(const struct tlb_vcpu *v, enum tlb_reason why, bool local)
{
	uint32_t gen = (uint32_t)svm_atomic_load(&v->pcpu->flush_gen, __ATOMIC_ACQUIRE);

	return req_make(BIT(why), true, gen + (local ? 1 : 2));
}

static bool req_satisfied(uint64_t r, const struct tlb_pcpu *p)
{
	uint32_t gen = (uint32_t)svm_atomic_load(&p->flush_gen, __ATOMIC_ACQUIRE);

	if (!(r & REQ_COND))
		return false;
	return !TLB_RULE(full_flush_stamp) || (int32_t)(gen - req_need(r)) >= 0;
}

static void request(struct tlb_vcpu *v, unsigned ctx_mask, enum tlb_reason why, bool local)
{
	for (int ctx = 0; ctx < TLB_NR_CTX; ctx++)
		if (ctx_mask & TLB_CTX_MASK(ctx))
			req_post(v, (enum tlb_ctx)ctx, req_for(v, why, local));
}

static void mark_shadow_stale(struct tlb_vcpu *v)
{
	svm_atomic_store(&v->shadow_stale, true, __ATOMIC_RELEASE);
}

int tlb_domain_init(struct tlb_domain *d, struct tlb_pcpu *pcpus, uint32_t nr_pcpus,
		    struct tlb_vcpu **slots, uint32_t max_vcpus,
		    const struct tlb_config *cfg, const struct tlb_ops *ops)
{
	if (!d || !pcpus || !slots || !cfg || !nr_pcpus || nr_pcpus > TLB_MAX_PCPUS)
		return -ASID_EINVAL;
	d->pcpus = pcpus;
	d->nr_pcpus = nr_pcpus;
	d->vcpus = slots;
	d->max_vcpus = max_vcpus;
	d->cfg = *cfg;
	d->ops = ops ? *ops : (struct tlb_ops){ 0 };
	for (uint32_t i = 0; i < nr_pcpus; i++) {
		pcpus[i].id = i;
		pcpus[i].reserved = 0;
		pcpus[i].flush_gen = 0;
	}
	for (uint32_t i = 0; i < max_vcpus; i++)
		slots[i] = NULL;
	return 0;
}

static void counters_clear(struct tlb_counters *c)
{
	for (int ctx = 0; ctx < TLB_NR_CTX; ctx++) {
		c->flushes[ctx] = c->satisfied[ctx] = c->invlpga[ctx] = 0;
		for (int r = 0; r < TLB_REASON_COUNT; r++)
			c->reason[ctx][r] = 0;
	}
}

int tlb_vcpu_init(struct tlb_domain *d, struct tlb_vcpu *v, uint32_t id, uint32_t pcpu,
		  const struct asid_vcpu *asids)
{
	if (!d || !v || !asids || id >= d->max_vcpus || pcpu >= d->nr_pcpus ||
	    !asids->l1 || !asids->l2 || asids->l1 == asids->l2 || !asids->n_l2 ||
	    asids->n_l2 > TLB_L2_SLOTS || (asids->l1 >= asids->l2 && asids->l1 < asids->l2 + asids->n_l2))
		return -ASID_EINVAL;
	/* ASIDs come from the pCPU's own pool (svm/asid.h): one vCPU per pCPU */
	for (uint32_t i = 0; i < d->max_vcpus; i++)
		if (i != id && d->vcpus[i] && d->vcpus[i]->pcpu == &d->pcpus[pcpu])
			return -ASID_EINVAL;
	v->dom = d;
	v->pcpu = &d->pcpus[pcpu];
	v->id = id;
	v->asid[TLB_CTX_L1] = asids->l1;
	v->asid[TLB_CTX_L2] = asids->l2;
	v->nslots = (uint8_t)asids->n_l2;
	v->cur = 0;
	v->clock = 0;
	v->shadow_stale = false;        /* no root yet */
	v->ctx = v->ran_ctx = TLB_CTX_L1;
	v->l2_vasid = 0;
	v->run.valid = false;
	for (int ctx = 0; ctx < TLB_NR_CTX; ctx++) {
		v->ran[ctx] = false;
		/*
		 * A context's first VMRUN flushes its ASID: whoever had it before
		 * (the firmware, an earlier svmhv) may have left entries.
		 */
		v->req[ctx] = TLB_RULE(first_run) ? req_make(BIT(TLB_REASON_NEW_PCPU), false, 0) : 0;
	}
	for (unsigned s = 0; s < TLB_L2_SLOTS; s++)
		v->l2[s] = (struct tlb_l2_slot){
			.asid = s < v->nslots ? asids->l2 + s : 0,
			.req = s < v->nslots ? v->req[TLB_CTX_L2] : 0,
		};
	v->req[TLB_CTX_L2] = 0;
	counters_clear(&v->cnt);
	d->vcpus[id] = v;
	return 0;
}

/* A nested transition: the other context ran last. Seed patch 25, fallback. */
static void transition(struct tlb_vcpu *v)
{
	uint64_t forced = req_make(BIT(TLB_REASON_FORCE_OPTION), false, 0);

	if (v->dom->cfg.force_tlb_flush && TLB_RULE(force_flush)) {
		req_post(v, TLB_CTX_L1, forced);
		req_post_word(&v->l2[v->cur].req, forced);
	}
}

/*
 * Apply the pending requests of the context the vCPU runs to the VMCB about
 * to run it: the last write to the VMCB before VMRUN. APM2 15.16.1:
 * TLB_CONTROL 3 flushes this guest's ASID and needs FlushByASID; 1 flushes
 * every ASID on this pCPU.
 */
void tlb_before_vmrun(struct tlb_vcpu *v, struct vmcb *vmcb)
{
	bool by_asid = v->dom->cfg.flush_by_asid || !TLB_RULE(flushbyasid_fallback);
	enum tlb_ctx ctx = (enum tlb_ctx)v->ctx;
	struct tlb_inflight *run = &v->run;

	if (ctx != v->ran_ctx)
		transition(v);
	run->snap = svm_atomic_xchg(req_word(v, ctx, v->cur), 0, __ATOMIC_ACQ_REL);
	run->ctx = (uint8_t)ctx;
	run->slot = v->cur;
	run->tlb_control = TLB_CONTROL_DO_NOTHING;
	run->valid = true;
	if (req_reasons(run->snap) && !req_satisfied(run->snap, v->pcpu))
		run->tlb_control = by_asid ? TLB_CONTROL_FLUSH_ASID : TLB_CONTROL_FLUSH_ALL_ASID;
	vmcb->control.tlb_control = run->tlb_control;
	if (vmcb->control.asid != v->asid[ctx]) {
		vmcb->control.asid = v->asid[ctx];
		vmcb->control.clean &= ~VMCB_CLEAN_ASID;
	}
}

static void count_flush(struct tlb_vcpu *v, enum tlb_ctx ctx, uint32_t reasons)
{
	v->cnt.flushes[ctx]++;
	for (int r = 0; r < TLB_REASON_COUNT; r++)
		if (reasons & BIT(r))
			v->cnt.reason[ctx][r]++;
}

/*
 * The VMRUN happened, and with it the flush it carried: publish a flush-all
 * to requests made before it on this pCPU, count, and take TLB_CONTROL back
 * off the VMCB. A VMRUN that failed its consistency checks (VMEXIT_INVALID)
 * ran nothing and flushed nothing: what it carried is pending again.
 * See: APM2 15.5.1.
 */
void tlb_after_vmexit(struct tlb_vcpu *v, struct vmcb *vmcb, bool vmrun_failed)
{
	struct tlb_inflight *run = &v->run;
	enum tlb_ctx ctx = (enum tlb_ctx)run->ctx;

	vmcb->control.tlb_control = TLB_CONTROL_DO_NOTHING;
	if (!run->valid)
		return;
	run->valid = false;
	if (vmrun_failed && TLB_RULE(failed_vmrun_repost)) {
		if (req_reasons(run->snap))
			req_post_word(req_word(v, ctx, run->slot), run->snap);
		return;
	}
	if (run->tlb_control == TLB_CONTROL_FLUSH_ALL_ASID)
		svm_atomic_add(&v->pcpu->flush_gen, 1, __ATOMIC_RELEASE);
	if (run->tlb_control)
		count_flush(v, ctx, req_reasons(run->snap));
	else if (req_reasons(run->snap))
		v->cnt.satisfied[ctx]++;
	v->ran_ctx = (uint8_t)ctx;
	v->ran[ctx] = true;
	if (ctx == TLB_CTX_L2)
		v->l2[run->slot].ran = true;
}

/*
 * The VMCB switch (hv/run.c has the one helper that calls these). Requests
 * belong to a context, not to a VMCB, so nothing moves: the context entered
 * is the one tlb_before_vmrun() serves next (seed patch 17's rule, by design).
 */
void tlb_enter_l2(struct tlb_vcpu *v)
{
	v->ctx = TLB_CTX_L2;
}

void tlb_leave_l2(struct tlb_vcpu *v)
{
	v->ctx = TLB_CTX_L1;
}

/* The slot holding vmcb12 ASID vasid, or where it goes: a free one, else the LRU. */
static unsigned slot_for(const struct tlb_vcpu *v, uint32_t vasid, bool *hit)
{
	unsigned pick = 0;

	for (unsigned s = 0; s < v->nslots; s++)
		if (v->l2[s].vasid == vasid) {
			*hit = true;
			return s;
		}
	*hit = false;
	for (unsigned s = 0; s < v->nslots; s++) {
		if (!v->l2[s].vasid)
			return s;
		if (v->l2[s].used < v->l2[pick].used)
			pick = s;
	}
	return pick;
}

/*
 * L1 executed VMRUN (APM2 15.16.1). The vmcb12 ASID picks its L2 slot: the
 * one that holds it (its entries are L2's, kept), else a free one, else the
 * least recently run, whose entries belong to another L1 ASID: flushed.
 * TLB_CONTROL 1 flushes every ASID L1 can see, its own included: every L2
 * slot, and L1 before it runs again. 3 and 7 flush the vmcb12 ASID: its
 * slot. Reserved values flush everything. A flush may follow an edit of L1's
 * nested page tables: the shadow roots it covers (all with 1, this ASID's
 * with 3/7) are returned, to go now.
 */
uint32_t tlb_l1_vmrun(struct tlb_vcpu *v, uint32_t vmcb12_asid, uint8_t vmcb12_tlb_control)
{
	uint32_t stale = 0;
	bool hit;
	unsigned s = slot_for(v, vmcb12_asid, &hit);

	/*
	 * A slot taken from another L1 ASID. The shadow needs no resync: its
	 * roots are per (nCR3, vmcb12 ASID).
	 */
	if (!hit) {
		if (v->l2[s].vasid && TLB_RULE(asid_change))
			req_post_word(&v->l2[s].req, req_for(v, TLB_REASON_ASID_CHANGE, true));
		v->l2[s].vasid = vmcb12_asid;
	}
	if (!TLB_RULE(l2_slot_lru))
		s = 0;                          /* mutant: every L1 ASID on the first slot */
	v->l2[s].used = ++v->clock;
	v->cur = (uint8_t)s;
	v->asid[TLB_CTX_L2] = v->l2[s].asid;
	v->l2_vasid = vmcb12_asid;

	switch (vmcb12_tlb_control) {
	case TLB_CONTROL_DO_NOTHING:
		break;
	case TLB_CONTROL_FLUSH_ASID:
	case TLB_CONTROL_FLUSH_ASID_LOCAL:
		if (TLB_RULE(l1_flush_asid))
			req_post_word(&v->l2[s].req, req_for(v, TLB_REASON_L1_FLUSH_ASID, true));
		if (TLB_RULE(l1_flush_asid_resync))
			stale |= TLB_SHADOW_ASID;
		break;
	default:
		if (TLB_RULE(l1_flush_all_l2))
			request(v, TLB_MASK_L2, TLB_REASON_L1_FLUSH_ALL, true);
		if (TLB_RULE(l1_flush_all_l1))
			request(v, TLB_MASK_L1, TLB_REASON_L1_FLUSH_ALL, true);
		if (TLB_RULE(l1_flush_all_resync))
			stale |= TLB_SHADOW_ALL;
		break;
	}
	return stale;
}

/* Invalidate va in a hardware ASID on this pCPU; one never run has nothing. */
static void invlpga_asid(struct tlb_vcpu *v, enum tlb_ctx ctx, bool ran, uint32_t asid,
			 uint64_t va)
{
	const struct tlb_ops *ops = &v->dom->ops;

	if (!ran)
		return;
	if (ops->invlpga)
		ops->invlpga(ops->arg, va, asid);
	v->cnt.invlpga[ctx]++;
}

/*
 * L1 executed INVLPGA va, l1_asid (APM2 15.16.2). ASID 0 is L1 itself; a
 * vmcb12 ASID an L2 slot holds is that slot; any other L1 ASID has no
 * entries in hardware: a slot taken for it is flushed (tlb_l1_vmrun()).
 */
void tlb_invlpga(struct tlb_vcpu *v, uint64_t va, uint32_t l1_asid)
{
	if (l1_asid == 0) {
		if (TLB_RULE(invlpga_l1))
			invlpga_asid(v, TLB_CTX_L1, v->ran[TLB_CTX_L1], v->asid[TLB_CTX_L1], va);
		return;
	}
	for (unsigned s = 0; s < v->nslots; s++)
		if (v->l2[s].vasid == l1_asid && TLB_RULE(invlpga_l2))
			invlpga_asid(v, TLB_CTX_L2, v->l2[s].ran, v->l2[s].asid, va);
}

/*
 * svmhv drops L2 (INIT, EFER.SVME cleared, shutdown): L2's state is gone,
 * so is the meaning of asid_l2's entries. arch_flush: the event flushes L1's
 * TLB architecturally too (INIT; seed patch 01). The caller leaves L2 next.
 */
void tlb_forced_leave(struct tlb_vcpu *v, bool arch_flush)
{
	if (TLB_RULE(forced_exit_l2)) {
		request(v, TLB_MASK_L2, TLB_REASON_FORCED_EXIT, true);
		for (unsigned s = 0; s < v->nslots; s++)
			v->l2[s].vasid = 0;
		v->l2_vasid = 0;
		mark_shadow_stale(v);
	}
	if (arch_flush && TLB_RULE(forced_exit_l1))
		request(v, TLB_MASK_L1, TLB_REASON_FORCED_EXIT, true);
}

/*
 * svmhv changed L1's nested page tables (unmap, protect, remap): both
 * contexts of every vCPU, and every nested-NPT shadow (it composes with
 * svmhv's tables). Remote vCPUs are kicked, then waited for: when this
 * returns, no vCPU runs on a translation of the old tables, and the caller
 * may reuse what it unmapped. self: the calling vCPU, or NULL.
 */
void tlb_npt_changed(struct tlb_domain *d, struct tlb_vcpu *self)
{
	unsigned mask = (TLB_RULE(npt_l1) ? TLB_MASK_L1 : 0) | (TLB_RULE(npt_l2) ? TLB_MASK_L2 : 0);
	const struct tlb_ops *ops = &d->ops;

	for (uint32_t i = 0; i < d->max_vcpus; i++) {
		struct tlb_vcpu *w = d->vcpus[i];

		if (!w)
			continue;
		if (TLB_RULE(npt_resync))
			mark_shadow_stale(w);
		request(w, mask, TLB_REASON_NPT_CHANGE, w == self);
		if (w != self && TLB_RULE(remote_kick) && ops->kick)
			ops->kick(ops->arg, w);
	}
	for (uint32_t i = 0; ops->wait && i < d->max_vcpus; i++)
		if (d->vcpus[i] && d->vcpus[i] != self && TLB_RULE(remote_wait))
			ops->wait(ops->arg, d->vcpus[i]);
}

bool tlb_shadow_take(struct tlb_vcpu *v)
{
	return svm_atomic_xchg(&v->shadow_stale, false, __ATOMIC_ACQ_REL);
}

/*
 * The shadow's pool reused tables of a root L2 may have run on: the CPU may
 * cache translations and table entries through them, tagged asid_l2.
 */
void tlb_shadow_evicted(struct tlb_vcpu *v)
{
	if (TLB_RULE(shadow_evict_flush))
		request(v, TLB_MASK_L2, TLB_REASON_SHADOW_EVICT, true);
}

bool tlb_pending(const struct tlb_vcpu *v, enum tlb_ctx ctx)
{
	const uint64_t *w = ctx == TLB_CTX_L1 ? &v->req[TLB_CTX_L1] : &v->l2[v->cur].req;

	return req_reasons(svm_atomic_load(w, __ATOMIC_ACQUIRE)) != 0;
}

/* SVMHV_HC_TLB_FLUSHES: reason TLB_REASON_ALL counts flushes, not reasons. */
bool tlb_counter_read(const struct tlb_vcpu *v, unsigned ctx, uint32_t reason,
		      uint64_t *out)
{
	if (!v || !out || ctx >= TLB_NR_CTX)
		return false;
	if (reason == TLB_REASON_ALL)
		*out = v->cnt.flushes[ctx];
	else if (reason < TLB_REASON_COUNT)
		*out = v->cnt.reason[ctx][reason];
	else
		return false;
	return true;
}

const char *tlb_reason_name(uint32_t reason)
{
	static const char *const names[TLB_REASON_COUNT] = {
		[TLB_REASON_NEW_PCPU] = "new_pcpu",
		[TLB_REASON_NPT_CHANGE] = "npt_change",
		[TLB_REASON_L1_FLUSH_ALL] = "l1_flush_all",
		[TLB_REASON_L1_FLUSH_ASID] = "l1_flush_asid",
		[TLB_REASON_ASID_CHANGE] = "asid_change",
		[TLB_REASON_INVLPGA] = "invlpga",
		[TLB_REASON_FORCED_EXIT] = "forced_exit",
		[TLB_REASON_FORCE_OPTION] = "force_option",
		[TLB_REASON_SHARED_ASID] = "shared_asid",
		[TLB_REASON_SHADOW_EVICT] = "shadow_evict",
	};

	return reason < TLB_REASON_COUNT ? names[reason] : "?";
}
