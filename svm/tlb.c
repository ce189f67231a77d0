/* SPDX-License-Identifier: MIT */
/*
 * The TLB contract. See svm/tlb.h for the API and DESIGN.md for the table.
 * See: AMD64 APM Vol. 2 (rev. 3.42) 15.16 TLB Control, 15.16.1 TLB_CONTROL,
 * 15.16.2 INVLPGA, 15.15.3 VMCB clean bits, 15.25 nested paging.
 */
#include "svm/tlb.h"

/*
 * Rules. Each rule of the contract is guarded by TLB_RULE(name), which is
 * true unless the model checker builds this file as the mutant that disables
 * that rule (-DTLB_MUTANT=TLB_RULE_ID_<name>, tests/model/model.mk). The
 * list is the mutant list; tests/suites/20-model.sh checks both agree.
 */
#define TLB_RULES(X) \
	X(new_pcpu) X(npt_l1) X(npt_l2) X(npt_resync) X(remote_kick) \
	X(l1_flush_all_l2) X(l1_flush_all_l1) X(l1_flush_asid) X(l1_flush_resync) \
	X(asid_change) X(asid_change_resync) X(invlpga_l1) X(invlpga_l2) \
	X(invlpga_other_pcpu) X(forced_exit_l1) X(forced_exit_l2) \
	X(switch_keeps_pending) X(rebuild_keeps_pending) X(flushbyasid_fallback) \
	X(full_flush_stamp) X(reset_after_exit) X(abandon_repost) \
	X(shared_flush) X(force_flush)

#define TLB_RULE_ENUM(name) TLB_RULE_ID_##name,
enum tlb_rule_id { TLB_RULES(TLB_RULE_ENUM) TLB_RULE_ID_COUNT };

#ifdef TLB_MUTANT
#define TLB_RULE(name)  (TLB_MUTANT != TLB_RULE_ID_##name)
#else
#define TLB_RULE(name)  1
#endif

#define VMCB_CLEAN_ASID BIT(2)          /* APM2 15.15.3: ASID field */

/*
 * Requests. req[ctx] is one atomic word, posted by any CPU (merge, CAS) and
 * taken whole (exchange) by tlb_before_vmrun(), so a request is either in
 * what the next VMRUN applies, or still pending: no ABA, nothing lost.
 *   bits  0..15  reasons (BIT(enum tlb_reason)); 0 = nothing pending
 *   bits 16..31  pCPU index + 1 the request is stamped for; 0 = unconditional
 *   bits 32..63  need: the flush_gen of that pCPU that satisfies it
 * A flush-all (TLB_CONTROL 1) on pCPU p increments p->flush_gen when it is
 * committed after the #VMEXIT. A request stamped (p, need) is satisfied,
 * without a flush, by p->flush_gen >= need (mod 2^32): every flush-all
 * committed as generation >= need was executed after the request was made.
 * need = gen + 1 when the requester is that pCPU's own thread in host mode
 * (no VMRUN in flight there), gen + 2 otherwise (one may be in flight, its
 * flush older than the request). Merging requests for different pCPUs makes
 * them unconditional. Wrap-around can only make a satisfied request look
 * pending (a redundant flush), never the reverse: need <= gen + 2 always.
 */
#define REQ_REASONS     0xffffull
#define REQ_PCPU_SHIFT  16
#define REQ_NEED_SHIFT  32

static uint64_t req_make(uint32_t reasons, uint32_t stamp, uint32_t need)
{
	return (reasons & REQ_REASONS) | ((uint64_t)(stamp & 0xffff) << REQ_PCPU_SHIFT) |
	       ((uint64_t)need << REQ_NEED_SHIFT);
}

static uint32_t req_reasons(uint64_t r) { return (uint32_t)(r & REQ_REASONS); }
static uint32_t req_stamp(uint64_t r) { return (uint32_t)(r >> REQ_PCPU_SHIFT) & 0xffff; }
static uint32_t req_need(uint64_t r) { return (uint32_t)(r >> REQ_NEED_SHIFT); }

static uint64_t req_merge(uint64_t old, uint64_t add)
{
	uint32_t reasons = req_reasons(old) | req_reasons(add);
	uint32_t a = req_need(old), b = req_need(add);

	if (!req_reasons(old))
		return add;
	if (req_stamp(old) != req_stamp(add) || !req_stamp(old))
		return req_make(reasons, 0, 0);
	return req_make(reasons, req_stamp(old), (int32_t)(a - b) > 0 ? a : b);
}

static void req_post(struct tlb_vcpu *v, enum tlb_ctx ctx, uint64_t add)
{
	uint64_t old = __atomic_load_n(&v->req[ctx], __ATOMIC_ACQUIRE);

	while (!__atomic_compare_exchange_n(&v->req[ctx], &old, req_merge(old, add), false,
					    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		;
}

/* Stamp a request of v's ctx for the pCPU that ctx's ASID last ran on. */
static uint64_t req_for(const struct tlb_vcpu *v, enum tlb_ctx ctx, enum tlb_reason why,
			bool local)
{
	uint32_t last = __atomic_load_n(&v->last_pcpu[ctx], __ATOMIC_ACQUIRE);
	uint32_t gen;

	if (last >= v->dom->nr_pcpus)
		return req_make(BIT(why), 0, 0);
	gen = (uint32_t)__atomic_load_n(&v->dom->pcpus[last].flush_gen, __ATOMIC_ACQUIRE);
	return req_make(BIT(why), last + 1, gen + (local && last == v->pcpu ? 1 : 2));
}

static bool req_satisfied(uint64_t r, const struct tlb_pcpu *p)
{
	uint32_t gen = (uint32_t)__atomic_load_n(&p->flush_gen, __ATOMIC_ACQUIRE);

	if (req_stamp(r) != p->id + 1)
		return false;
	return !TLB_RULE(full_flush_stamp) || (int32_t)(gen - req_need(r)) >= 0;
}

static enum tlb_ctx other_ctx(enum tlb_ctx ctx)
{
	return ctx == TLB_CTX_L1 ? TLB_CTX_L2 : TLB_CTX_L1;
}

static void mark_shadow_stale(struct tlb_vcpu *v)
{
	__atomic_store_n(&v->shadow_stale, true, __ATOMIC_RELEASE);
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

/* A vCPU starts in L1, has never run anywhere: its first VMRUNs flush. */
int tlb_vcpu_init(struct tlb_domain *d, struct tlb_vcpu *v, uint32_t id,
		  const struct asid_vcpu *asids)
{
	if (!d || !v || !asids || id >= d->max_vcpus || !asids->l1 || !asids->l2)
		return -ASID_EINVAL;
	v->dom = d;
	v->id = id;
	v->asid[TLB_CTX_L1] = asids->l1;
	v->asid[TLB_CTX_L2] = asids->l2;
	v->shared = asids->l1 == asids->l2;
	v->shadow_stale = true;
	v->ran_ctx = TLB_CTX_L1;
	v->pcpu = TLB_PCPU_NONE;
	v->l2_vasid = 0;
	v->run.valid = false;
	for (int ctx = 0; ctx < TLB_NR_CTX; ctx++) {
		v->last_pcpu[ctx] = TLB_PCPU_NONE;
		v->req[ctx] = 0;
	}
	counters_clear(&v->cnt);
	d->vcpus[id] = v;
	return 0;
}

/*
 * A VMRUN prepared for ctx never happened: take its flush back off the VMCB
 * and make what it would have applied pending again.
 */
static void abandon(struct tlb_vcpu *v, enum tlb_ctx ctx)
{
	struct tlb_inflight *run = &v->run;

	if (!run->valid || run->ctx != ctx)
		return;
	run->vmcb->control.tlb_control = TLB_CONTROL_DO_NOTHING;
	if (req_reasons(run->snap) && TLB_RULE(abandon_repost))
		req_post(v, ctx, run->snap);
	run->valid = false;
}

/* A nested transition: the other context ran last. Seed patch 25, fallback. */
static void transition(struct tlb_vcpu *v, enum tlb_ctx ctx)
{
	if (v->dom->cfg.force_tlb_flush && TLB_RULE(force_flush)) {
		req_post(v, ctx, req_make(BIT(TLB_REASON_FORCE_OPTION), 0, 0));
		req_post(v, other_ctx(ctx), req_make(BIT(TLB_REASON_FORCE_OPTION), 0, 0));
	}
	if (v->shared && TLB_RULE(shared_flush))
		req_post(v, ctx, req_make(BIT(TLB_REASON_SHARED_ASID), 0, 0));
}

/*
 * Apply ctx's pending requests to the VMCB about to run it on p: the last
 * write to the VMCB before VMRUN. APM2 15.16.1: TLB_CONTROL 3 flushes this
 * guest's ASID and needs FlushByASID; 1 flushes every ASID on this pCPU.
 */
void tlb_before_vmrun(struct tlb_vcpu *v, struct tlb_pcpu *p, struct vmcb *vmcb,
		      enum tlb_ctx ctx)
{
	bool by_asid = v->dom->cfg.flush_by_asid || !TLB_RULE(flushbyasid_fallback);
	struct tlb_inflight *run = &v->run;

	if (run->valid)                 /* the last one prepared never ran */
		abandon(v, (enum tlb_ctx)run->ctx);
	if (__atomic_load_n(&v->last_pcpu[ctx], __ATOMIC_ACQUIRE) != p->id) {
		if (TLB_RULE(new_pcpu))
			req_post(v, ctx, req_make(BIT(TLB_REASON_NEW_PCPU), 0, 0));
		__atomic_store_n(&v->last_pcpu[ctx], p->id, __ATOMIC_RELEASE);
	}
	if (ctx != v->ran_ctx)
		transition(v, ctx);
	run->snap = __atomic_exchange_n(&v->req[ctx], 0, __ATOMIC_ACQ_REL);
	run->pcpu = p;
	run->vmcb = vmcb;
	run->ctx = (uint8_t)ctx;
	run->tlb_control = TLB_CONTROL_DO_NOTHING;
	run->valid = true;
	if (req_reasons(run->snap) && !req_satisfied(run->snap, p)) {
		run->tlb_control = by_asid ? TLB_CONTROL_FLUSH_ASID : TLB_CONTROL_FLUSH_ALL_ASID;
		vmcb->control.tlb_control = run->tlb_control;
	}
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
 * The VMRUN happened, and with it the flush it carried: reset TLB_CONTROL,
 * publish a flush-all to requests stamped for this pCPU, count. A VMRUN that
 * failed its consistency checks (VMEXIT_INVALID) ran nothing and flushed
 * nothing: what it carried is pending again. See: APM2 15.5.1.
 */
void tlb_after_vmexit(struct tlb_vcpu *v, struct vmcb *vmcb, bool vmrun_failed)
{
	struct tlb_inflight *run = &v->run;
	enum tlb_ctx ctx = (enum tlb_ctx)run->ctx;

	if (TLB_RULE(reset_after_exit))
		vmcb->control.tlb_control = TLB_CONTROL_DO_NOTHING;
	if (!run->valid)
		return;
	if (vmrun_failed) {
		abandon(v, ctx);
		return;
	}
	if (run->tlb_control == TLB_CONTROL_FLUSH_ALL_ASID)
		__atomic_add_fetch(&run->pcpu->flush_gen, 1, __ATOMIC_RELEASE);
	if (run->tlb_control)
		count_flush(v, ctx, req_reasons(run->snap));
	else if (req_reasons(run->snap))
		v->cnt.satisfied[ctx]++;
	v->ran_ctx = (uint8_t)ctx;
	v->pcpu = run->pcpu->id;
	run->valid = false;
}

/* Local: the vCPU's own thread, in an exit handler (see tlb.h). */
void tlb_request(struct tlb_vcpu *v, unsigned ctx_mask, enum tlb_reason why)
{
	for (int ctx = 0; ctx < TLB_NR_CTX; ctx++)
		if (ctx_mask & TLB_CTX_MASK(ctx))
			req_post(v, (enum tlb_ctx)ctx, req_for(v, (enum tlb_ctx)ctx, why, true));
}

/* Any CPU: flag, then kick so a running target exits and applies it. */
void tlb_request_remote(struct tlb_vcpu *target, unsigned ctx_mask, enum tlb_reason why)
{
	const struct tlb_ops *ops = &target->dom->ops;

	for (int ctx = 0; ctx < TLB_NR_CTX; ctx++)
		if (ctx_mask & TLB_CTX_MASK(ctx))
			req_post(target, (enum tlb_ctx)ctx,
				 req_for(target, (enum tlb_ctx)ctx, why, false));
	if (TLB_RULE(remote_kick) && ops->kick)
		ops->kick(ops->arg, target);
}

/*
 * svmhv changed L1's nested page tables (unmap, protect, remap): both
 * contexts of every vCPU, and every nested-NPT shadow (it composes with
 * svmhv's tables). self: the calling vCPU, or NULL.
 */
void tlb_npt_changed(struct tlb_domain *d, struct tlb_vcpu *self)
{
	unsigned mask = (TLB_RULE(npt_l1) ? TLB_MASK_L1 : 0) | (TLB_RULE(npt_l2) ? TLB_MASK_L2 : 0);

	for (uint32_t i = 0; i < d->max_vcpus; i++) {
		struct tlb_vcpu *w = d->vcpus[i];

		if (!w)
			continue;
		if (TLB_RULE(npt_resync))
			mark_shadow_stale(w);
		if (w == self)
			tlb_request(w, mask, TLB_REASON_NPT_CHANGE);
		else
			tlb_request_remote(w, mask, TLB_REASON_NPT_CHANGE);
	}
}

/*
 * L1 executed VMRUN (APM2 15.16.1). TLB_CONTROL 1 flushes every ASID L1 can
 * see, its own included: L2 now, L1 before it runs again. 3 and 7 flush the
 * vmcb12 ASID: L2. Reserved values flush everything. A vmcb12 ASID other
 * than the one asid_l2 holds: L2's entries belong to another L1 ASID. Each
 * flush of L2 may follow an edit of L1's nested page tables: resync the
 * shadow of them before L2 runs (tlb_shadow_resync_take()).
 */
void tlb_nested_vmrun(struct tlb_vcpu *v, uint32_t vmcb12_asid, uint8_t vmcb12_tlb_control)
{
	switch (vmcb12_tlb_control) {
	case TLB_CONTROL_DO_NOTHING:
		break;
	case TLB_CONTROL_FLUSH_ASID:
	case TLB_CONTROL_FLUSH_ASID_LOCAL:
		if (TLB_RULE(l1_flush_asid))
			tlb_request(v, TLB_MASK_L2, TLB_REASON_L1_FLUSH_ASID);
		if (TLB_RULE(l1_flush_resync))
			mark_shadow_stale(v);
		break;
	default:
		if (TLB_RULE(l1_flush_all_l2))
			tlb_request(v, TLB_MASK_L2, TLB_REASON_L1_FLUSH_ALL);
		if (TLB_RULE(l1_flush_all_l1))
			tlb_request(v, TLB_MASK_L1, TLB_REASON_L1_FLUSH_ALL);
		if (TLB_RULE(l1_flush_resync))
			mark_shadow_stale(v);
		break;
	}
	if (vmcb12_asid != v->l2_vasid) {
		if (TLB_RULE(asid_change))
			tlb_request(v, TLB_MASK_L2, TLB_REASON_ASID_CHANGE);
		if (TLB_RULE(asid_change_resync))
			mark_shadow_stale(v);
		v->l2_vasid = vmcb12_asid;
	}
}

/*
 * Invalidate va in ctx's ASID. Only this pCPU can be reached now; if the
 * ASID last ran elsewhere, its entries there are stale until a full flush
 * of the context (seed v2: L1 and L2 on different pCPUs).
 */
static void invlpga_ctx(struct tlb_vcpu *v, enum tlb_ctx ctx, uint64_t va)
{
	const struct tlb_ops *ops = &v->dom->ops;
	uint32_t last = __atomic_load_n(&v->last_pcpu[ctx], __ATOMIC_ACQUIRE);

	if (last == TLB_PCPU_NONE)
		return;                 /* never ran: its first VMRUN flushes */
	if (last != v->pcpu && TLB_RULE(invlpga_other_pcpu)) {
		tlb_request(v, TLB_CTX_MASK(ctx), TLB_REASON_INVLPGA);
		return;
	}
	if (ops->invlpga)
		ops->invlpga(ops->arg, va, v->asid[ctx]);
	v->cnt.invlpga[ctx]++;
}

/*
 * L1 executed INVLPGA va, l1_asid (APM2 15.16.2). ASID 0 is L1 itself; the
 * vmcb12 ASID asid_l2 holds now is L2; any other L1 ASID has no entries in
 * hardware: switching asid_l2 to it flushes (tlb_nested_vmrun()).
 */
void tlb_invlpga(struct tlb_vcpu *v, uint64_t va, uint32_t l1_asid)
{
	if (l1_asid == 0) {
		if (TLB_RULE(invlpga_l1))
			invlpga_ctx(v, TLB_CTX_L1, va);
	} else if (l1_asid == v->l2_vasid) {
		if (TLB_RULE(invlpga_l2))
			invlpga_ctx(v, TLB_CTX_L2, va);
	}
}

/*
 * svmhv forcibly leaves nested (INIT, EFER.SVME cleared, shutdown): L2's
 * state is gone, so is the meaning of asid_l2's entries. arch_flush: the event
 * flushes L1's TLB architecturally too (INIT; seed patch 01).
 */
void tlb_forced_exit(struct tlb_vcpu *v, bool arch_flush)
{
	if (TLB_RULE(forced_exit_l2)) {
		tlb_request(v, TLB_MASK_L2, TLB_REASON_FORCED_EXIT);
		v->l2_vasid = 0;
		mark_shadow_stale(v);
	}
	if (arch_flush && TLB_RULE(forced_exit_l1))
		tlb_request(v, TLB_MASK_L1, TLB_REASON_FORCED_EXIT);
}

/*
 * The nested code switches from the VMCB of from_ctx to the other one (seed
 * patch 17). Requests belong to a context, not to whichever VMCB runs next:
 * those of from_ctx stay pending for it; a flush prepared for from_ctx that
 * never ran is taken back off its VMCB and is pending again.
 */
void tlb_vmcb_switch(struct tlb_vcpu *v, enum tlb_ctx from_ctx)
{
	abandon(v, from_ctx);
	if (!TLB_RULE(switch_keeps_pending))
		req_post(v, other_ctx(from_ctx),
			 __atomic_exchange_n(&v->req[from_ctx], 0, __ATOMIC_ACQ_REL));
}

/*
 * vmcb was (re)built from scratch, e.g. vmcb02 on a nested VMRUN (seed patch
 * 20): pending requests live here, not in the VMCB, so none is lost.
 */
void tlb_vmcb_rebuilt(struct tlb_vcpu *v, struct vmcb *vmcb, enum tlb_ctx ctx)
{
	abandon(v, ctx);
	vmcb->control.tlb_control = TLB_CONTROL_DO_NOTHING;
	vmcb->control.asid = v->asid[ctx];
	vmcb->control.clean &= ~VMCB_CLEAN_ASID;
	if (!TLB_RULE(rebuild_keeps_pending))
		__atomic_store_n(&v->req[ctx], 0, __ATOMIC_RELEASE);
}

/* True once per request: rebuild the nested-NPT shadow before L2 runs. */
bool tlb_shadow_resync_take(struct tlb_vcpu *v)
{
	return __atomic_exchange_n(&v->shadow_stale, false, __ATOMIC_ACQ_REL);
}

bool tlb_pending(const struct tlb_vcpu *v, enum tlb_ctx ctx)
{
	return req_reasons(__atomic_load_n(&v->req[ctx], __ATOMIC_ACQUIRE)) != 0;
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
	};

	return reason < TLB_REASON_COUNT ? names[reason] : "?";
}
