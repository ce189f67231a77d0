/* SPDX-License-Identifier: MIT */
/*
 * The simulated machine and the simulated nested code. Every TLB decision is
 * svm/tlb.c's: this file reports events to it and executes the VMCBs it
 * prepares, with hardware semantics. See: AMD64 APM Vol. 2 (rev. 3.42)
 * 15.16.1 (TLB_CONTROL at VMRUN), 15.16.2 (INVLPGA), 15.25 (nested paging).
 */
#include "tests/model/model.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void fail(struct m_world *w, enum m_verdict v, const char *fmt, ...)
{
	va_list ap;

	if (w->verdict != M_OK)
		return;
	w->verdict = v;
	va_start(ap, fmt);
	vsnprintf(w->why, sizeof(w->why), fmt, ap);
	va_end(ap);
}

/* ---- the hardware TLB of one pCPU: sets x ways, round-robin victims ---- */

static struct m_tlbe *tlb_set(struct m_world *w, int p, uint32_t asid, uint32_t va)
{
	unsigned s = (va + asid * 7u) % w->cfg->tlb_sets;

	return &w->tlb[p][s * w->cfg->tlb_ways];
}

static bool tlb_hit(struct m_world *w, int p, uint32_t asid, uint32_t va)
{
	struct m_tlbe *e = tlb_set(w, p, asid, va);

	for (unsigned i = 0; i < w->cfg->tlb_ways; i++)
		if (e[i].valid && e[i].asid == asid && e[i].va == va)
			return true;
	return false;
}

static void tlb_fill(struct m_world *w, int p, uint32_t asid, uint32_t va, uint32_t hpa)
{
	struct m_tlbe *e = tlb_set(w, p, asid, va);
	unsigned s = (unsigned)(e - w->tlb[p]) / w->cfg->tlb_ways;
	unsigned i = 0;

	while (i < w->cfg->tlb_ways && e[i].valid)
		i++;
	if (i == w->cfg->tlb_ways)
		i = w->victim[p][s]++ % w->cfg->tlb_ways;
	e[i] = (struct m_tlbe){ .asid = asid, .va = va, .hpa = hpa, .valid = true };
}

/* asid M_NONE: every ASID; va M_NONE: every page. */
static void tlb_zap(struct m_world *w, int p, uint32_t asid, uint32_t va)
{
	unsigned n = w->cfg->tlb_sets * w->cfg->tlb_ways;

	for (unsigned i = 0; i < n; i++) {
		struct m_tlbe *e = &w->tlb[p][i];

		if ((asid == M_NONE || e->asid == asid) && (va == M_NONE || e->va == va))
			e->valid = false;
	}
}

/* ---- VMRUN and #VMEXIT, as the hardware does them ---- */

static struct vmcb *vmcb_of(struct m_vcpu *v, int ctx)
{
	return ctx == TLB_CTX_L2 ? v->vmcb02 : v->vmcb01;
}

static uint32_t hw_asid(const struct m_vcpu *v)
{
	return v->tlb.asid[v->ctx];
}

/* APM2 15.16.1: TLB_CONTROL 1 flushes all, 3 this ASID, 7 its non-global part. */
static void hw_tlb_control(struct m_world *w, struct m_vcpu *v, uint8_t ctl)
{
	if (ctl == TLB_CONTROL_FLUSH_ALL_ASID)
		tlb_zap(w, v->pcpu, M_NONE, M_NONE);
	else if (ctl != TLB_CONTROL_FLUSH_ASID && ctl != TLB_CONTROL_FLUSH_ASID_LOCAL)
		return;
	else if (!w->cfg->flush_by_asid)        /* reserved without FlushByASID */
		fail(w, M_CONTRACT, "VMRUN with TLB_CONTROL %u but no FlushByASID", ctl);
	else
		tlb_zap(w, v->pcpu, hw_asid(v), M_NONE);
}

/* Precision: a flush only where the contract calls for one, and always there. */
static void check_flush(struct m_world *w, struct m_vcpu *v, uint8_t ctl)
{
	bool transition = v->hw_ctx >= 0 && v->hw_ctx != v->ctx;
	bool must = transition && (w->cfg->force || w->cfg->shared);

	if (ctl && !v->may_flush[v->ctx] && !must)
		fail(w, M_UNNEEDED, "vcpu %d: L%d VMRUN flushed (TLB_CONTROL %u) without a cause",
		     (int)(v - w->vcpu), v->ctx + 1, ctl);
	if (must && !ctl)
		fail(w, M_MISSING_FORCED, "vcpu %d: nested transition to L%d without a flush (%s)",
		     (int)(v - w->vcpu), v->ctx + 1, w->cfg->force ? "force_tlb_flush" : "shared ASID");
}

static void hw_vmrun(struct m_world *w, struct m_vcpu *v, struct vmcb *vmcb)
{
	uint8_t ctl = vmcb->control.tlb_control;

	if (vmcb->control.asid == 0 || vmcb->control.asid != hw_asid(v))
		fail(w, M_CONTRACT, "vcpu %d: VMCB ASID %u, expected %u", (int)(v - w->vcpu),
		     vmcb->control.asid, hw_asid(v));
	hw_tlb_control(w, v, ctl);
	check_flush(w, v, ctl);
	v->may_flush[v->ctx] = false;
	v->hw_ctx = v->ctx;
	v->in_guest = true;
	arch_activate(w, v);
}

static void shadow_clear(struct m_world *w, struct m_vcpu *v)
{
	for (unsigned g = 0; g < w->cfg->ngpa; g++)
		v->shadow[g].valid = false;
}

/* The VMRUN loop of hv/: see svm/tlb.h. */
static void enter(struct m_world *w, struct m_vcpu *v)
{
	if (v->in_guest)
		return;
	if (v->ctx == TLB_CTX_L2 && tlb_shadow_resync_take(&v->tlb))
		shadow_clear(w, v);
	tlb_before_vmrun(&v->tlb, &w->tpcpu[v->pcpu], vmcb_of(v, v->ctx), v->ctx);
	hw_vmrun(w, v, vmcb_of(v, v->ctx));
}

static void leave(struct m_world *w, struct m_vcpu *v)
{
	if (!v->in_guest)
		return;
	v->in_guest = false;
	tlb_after_vmexit(&v->tlb, vmcb_of(v, v->ctx), false);
}

/* The guest ran on v's pCPU and exited: svmhv handles the exit there. */
static void trap(struct m_world *w, struct m_vcpu *v)
{
	enter(w, v);
	leave(w, v);
	w->cur = (int)(v - w->vcpu);
}

/* tlb_ops.kick: the IPI makes a vCPU in guest mode #VMEXIT at once. */
void m_kick(void *arg, struct tlb_vcpu *target)
{
	struct m_world *w = arg;

	leave(w, &w->vcpu[target->id]);
}

/* tlb_ops.invlpga: executed on the pCPU handling the current exit. */
void m_invlpga(void *arg, uint64_t va, uint32_t asid)
{
	struct m_world *w = arg;

	tlb_zap(w, w->vcpu[w->cur].pcpu, asid, (uint32_t)va);
}

/* ---- guest memory accesses: hit, or walk and fill ---- */

static uint32_t walk_l2(struct m_world *w, struct m_vcpu *v, uint32_t va)
{
	uint32_t gpa2 = w->pt2[v->guest][va];
	struct m_shadow *s;

	if (gpa2 == M_NONE)
		return M_NONE;                  /* #PF in L2 */
	s = &v->shadow[gpa2];
	if (!s->valid) {                        /* shadow NPF: svmhv fills it */
		uint32_t gpa1 = w->npt1[v->guest][gpa2];

		if (gpa1 == M_NONE || w->npt0[gpa1] == M_NONE)
			return M_NONE;          /* reflected NPF, or svmhv's own */
		*s = (struct m_shadow){ .gpa1 = gpa1, .hpa = w->npt0[gpa1], .valid = true };
	}
	return s->hpa;
}

static void access(struct m_world *w, struct m_vcpu *v, uint32_t va)
{
	uint32_t hpa;

	enter(w, v);
	w->accesses[v->ctx]++;
	if (tlb_hit(w, v->pcpu, hw_asid(v), va))
		return;
	if (v->ctx == TLB_CTX_L1)
		hpa = w->pt1[va] == M_NONE ? M_NONE : w->npt0[w->pt1[va]];
	else
		hpa = walk_l2(w, v, va);
	if (hpa == M_NONE)
		return;
	w->refills[v->ctx]++;
	tlb_fill(w, v->pcpu, hw_asid(v), va, hpa);
}

/* ---- events ---- */

static void may_flush(struct m_vcpu *v, bool l1, bool l2)
{
	v->may_flush[TLB_CTX_L1] |= l1;
	v->may_flush[TLB_CTX_L2] |= l2;
}

static void guest_pte(struct m_world *w, struct m_vcpu *v, const struct m_event *ev)
{
	bool l1 = ev->type == EV_L1_PTE || ev->type == EV_L1_CR3;
	bool cr3 = ev->type == EV_L1_CR3 || ev->type == EV_L2_CR3;
	uint32_t vasid = l1 ? 0 : v->vasid;

	enter(w, v);
	if (ev->type == EV_L2_PTE && v->ctx == TLB_CTX_L1) {
		/* L1 writes L2's page table (or its own shadow of it, npt=0):
		 * INVLPG would hit L1's ASID, L1 must use INVLPGA or TLB_CONTROL. */
		w->pt2[v->guest][ev->a] = ev->b;
		arch_edit_pt2(w, v->guest, ev->a);
		return;
	}
	if (!cr3 && l1) {
		w->pt1[ev->a] = ev->b;
		arch_edit_pt1(w, ev->a);
	} else if (!cr3) {
		w->pt2[v->guest][ev->a] = ev->b;
		arch_edit_pt2(w, v->guest, ev->a);
	}
	if (cr3 || ev->c) {                     /* native INVLPG / MOV CR3 */
		tlb_zap(w, v->pcpu, hw_asid(v), cr3 ? M_NONE : ev->a);
		arch_invalidate(w, v, vasid, cr3 ? M_NONE : ev->a);
	}
}

/* L1 executes VMRUN: the flow nested/ will implement (copy, check, merge). */
static void nested_vmrun(struct m_world *w, struct m_vcpu *v, const struct m_event *ev)
{
	uint32_t vasid = ev->b;
	uint8_t ctl = (uint8_t)ev->c;

	trap(w, v);
	if (ctl == TLB_CONTROL_FLUSH_ALL_ASID)
		arch_reset(w, v, M_NONE);
	else if (ctl)
		arch_reset(w, v, vasid);
	may_flush(v, ctl == TLB_CONTROL_FLUSH_ALL_ASID, ctl || vasid != v->vasid);
	v->guest = ev->a;
	v->vasid = vasid;
	tlb_nested_vmrun(&v->tlb, vasid, ctl);
	memset(v->vmcb02, 0, sizeof(*v->vmcb02));       /* vmcb02 built from vmcb12 */
	tlb_vmcb_rebuilt(&v->tlb, v->vmcb02, TLB_CTX_L2);
	tlb_vmcb_switch(&v->tlb, TLB_CTX_L1);
	v->ctx = TLB_CTX_L2;
	if (ev->d == 1) {       /* prepared, then an event for L1 wins: no VMRUN */
		if (tlb_shadow_resync_take(&v->tlb))
			shadow_clear(w, v);
		tlb_before_vmrun(&v->tlb, &w->tpcpu[v->pcpu], v->vmcb02, TLB_CTX_L2);
		tlb_vmcb_switch(&v->tlb, TLB_CTX_L2);
		v->ctx = TLB_CTX_L1;
		may_flush(v, w->cfg->force, w->cfg->force);
	}
	if (ev->d == 2) {        /* the CPU refuses vmcb02: VMEXIT_INVALID, nothing ran */
		if (tlb_shadow_resync_take(&v->tlb))
			shadow_clear(w, v);
		tlb_before_vmrun(&v->tlb, &w->tpcpu[v->pcpu], v->vmcb02, TLB_CTX_L2);
		v->vmcb02->control.tlb_control = TLB_CONTROL_DO_NOTHING; /* never executed */
		tlb_after_vmexit(&v->tlb, v->vmcb02, true);
		tlb_vmcb_switch(&v->tlb, TLB_CTX_L2);
		v->ctx = TLB_CTX_L1;
		may_flush(v, true, true);
	}
	enter(w, v);
}

static void nested_vmexit(struct m_world *w, struct m_vcpu *v)
{
	trap(w, v);
	tlb_vmcb_switch(&v->tlb, TLB_CTX_L2);
	v->ctx = TLB_CTX_L1;
	enter(w, v);
}

static void l1_invlpga(struct m_world *w, struct m_vcpu *v, const struct m_event *ev)
{
	uint32_t asid = ev->b == 0 ? 0 : ev->b == 1 && v->vasid ? v->vasid : ev->c;

	trap(w, v);
	arch_invalidate(w, v, asid, ev->a);
	may_flush(v, asid == 0, asid != 0);
	tlb_invlpga(&v->tlb, ev->a, asid);
	enter(w, v);
}

/* svmhv unmaps or remaps an L1 page (balloon, migration, protection). */
static void hv_npt(struct m_world *w, struct m_vcpu *v, const struct m_event *ev)
{
	if (!ev->c)
		trap(w, v);
	w->npt0[ev->a] = ev->b ? w->next_hpa++ : M_NONE;
	for (unsigned i = 0; i < w->cfg->nvcpu; i++)
		may_flush(&w->vcpu[i], true, true);
	tlb_npt_changed(&w->dom, ev->c ? NULL : &v->tlb);
	if (!ev->c)
		enter(w, v);
}

static void forced_exit(struct m_world *w, struct m_vcpu *v, bool init)
{
	trap(w, v);
	tlb_forced_exit(&v->tlb, init);
	if (v->ctx == TLB_CTX_L2)
		tlb_vmcb_switch(&v->tlb, TLB_CTX_L2);
	v->ctx = TLB_CTX_L1;
	v->vasid = 0;
	may_flush(v, init, true);
	if (init)
		arch_reset(w, v, M_NONE);
	enter(w, v);
}

static bool place(struct m_world *w, struct m_vcpu *v, uint32_t want)
{
	for (unsigned p = 0; v->pcpu < 0 && p < w->cfg->npcpu; p++) {
		if (w->on_pcpu[p] >= 0 || (want != M_NONE && p != want))
			continue;
		v->pcpu = (int)p;
		w->on_pcpu[p] = (int)(v - w->vcpu);
		may_flush(v, true, true);
	}
	return v->pcpu >= 0;
}

static void unplace(struct m_world *w, struct m_vcpu *v)
{
	leave(w, v);
	w->on_pcpu[v->pcpu] = -1;
	v->prev_pcpu = v->pcpu;
	v->pcpu = -1;
}

/*
 * The scheduler preempts v (an exit), then parks it or moves it to pCPU
 * `to`; if `to` is busy and swap is set, its vCPU takes v's old pCPU.
 */
static void move(struct m_world *w, struct m_vcpu *v, uint32_t to, bool swap)
{
	struct m_vcpu *u = to != M_NONE && w->on_pcpu[to] >= 0 ? &w->vcpu[w->on_pcpu[to]] : NULL;
	int from = v->pcpu;

	if (u == v || (u && (!swap || from < 0)))
		return;
	if (from >= 0)
		unplace(w, v);
	if (u) {
		unplace(w, u);
		place(w, u, (uint32_t)from);
	}
	if (to != M_NONE)
		place(w, v, to);
}

static bool ctx_ok(const struct m_vcpu *v, int type)
{
	switch (type) {
	case EV_L1_PTE: case EV_L1_CR3: case EV_L1_NPT: case EV_VMRUN: case EV_INVLPGA:
		return v->ctx == TLB_CTX_L1;
	case EV_L2_CR3: case EV_VMEXIT:
		return v->ctx == TLB_CTX_L2;
	default:
		return true;
	}
}

/* One step. Events that do not fit the current state are no-ops (shrinking). */
void m_exec(struct m_world *w, const struct m_event *ev)
{
	struct m_vcpu *v = &w->vcpu[ev->vcpu];

	if (ev->vcpu >= w->cfg->nvcpu || w->verdict != M_OK)
		return;
	if (ev->type == EV_MOVE) {
		move(w, v, ev->a, ev->b);
		return;
	}
	if (!ctx_ok(v, ev->type) || !place(w, v, M_NONE))
		return;
	switch (ev->type) {
	case EV_ACCESS: access(w, v, ev->a); break;
	case EV_L1_PTE: case EV_L1_CR3: case EV_L2_PTE: case EV_L2_CR3:
		guest_pte(w, v, ev);
		break;
	case EV_L1_NPT:
		enter(w, v);
		w->npt1[ev->a][ev->b] = ev->c;
		arch_edit_npt1(w, ev->a, ev->b);
		break;
	case EV_VMRUN: nested_vmrun(w, v, ev); break;
	case EV_VMEXIT: nested_vmexit(w, v); break;
	case EV_L0_EXIT: trap(w, v); enter(w, v); break;
	case EV_INVLPGA: l1_invlpga(w, v, ev); break;
	case EV_HV_NPT: hv_npt(w, v, ev); break;
	case EV_FORCED_EXIT: forced_exit(w, v, ev->a); break;
	default: break;
	}
}

/* The invariant: every entry of every running ASID is one L1 may see. */
void m_check(struct m_world *w)
{
	unsigned n = w->cfg->tlb_sets * w->cfg->tlb_ways;

	for (unsigned p = 0; w->cfg->check && p < w->cfg->npcpu && w->verdict == M_OK; p++) {
		struct m_vcpu *v = w->on_pcpu[p] >= 0 ? &w->vcpu[w->on_pcpu[p]] : NULL;

		for (unsigned i = 0; v && v->in_guest && i < n; i++) {
			const struct m_tlbe *e = &w->tlb[p][i];

			if (e->valid && e->asid == hw_asid(v) && !arch_legal(w, v, e->va, e->hpa))
				fail(w, M_STALE, "pcpu %u vcpu %d L%d (vmcb12 ASID %u) uses va %u -> "
				     "host page %u, which L1 may not see", p, (int)(v - w->vcpu),
				     v->ctx + 1, v->ctx ? v->vasid : 0, e->va, e->hpa);
		}
	}
}

uint64_t m_flushes(const struct m_world *w)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < w->cfg->nvcpu; i++)
		for (unsigned c = 0; c < TLB_NR_CTX; c++)
			n += w->vcpu[i].tlb.cnt.flushes[c];
	return n;
}
