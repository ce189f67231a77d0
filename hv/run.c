/* SPDX-License-Identifier: MIT */
/*
 * The run loop of one vCPU: everything from one VMRUN to the next, in the
 * order it happens.
 *
 *   hv_run_prepare()   requests from other CPUs (INIT, SIPI, TLB), the
 *                      wait for a SIPI, events held by L1's GIF (NMIs), the
 *                      kick handshake, then the TLB contract's last write
 *   svm_world_switch() VMRUN of vmcb01 (L1) or vmcb02 (L2)
 *   hv_run_exit()      the TLB contract's commit, counters, whose exit it is
 *                      (L2's may be L1's), the handler's verdict, and acting
 *                      on it: inject, reflect to L1, enter L2, stop
 *
 * Handlers decide (hv/exit.c, nested/); only this file injects events,
 * reflects exits and switches VMCBs (switch_vmcb(), the one helper).
 * See: APM2 15.5 (VMRUN), 15.6 (#VMEXIT), 15.7 (EXITINTINFO), 15.17 (GIF),
 * 15.20 (event injection).
 */
#include "hv/run.h"

#include "hv/apic/init.h"
#include "hv/apic/reset.h"
#include "hv/console.h"
#include "hv/dbg/dbg.h"
#include "hv/hv.h"
#include "hv/invalid.h"
#include "hv/panic.h"
#include "hv/smp.h"
#include "svm/atomic.h"
#include "svm/hw.h"
#include "svm/world.h"

/* ---- the one VMCB switch ---- */

/* Which VMCB runs, and the TLB contract told which context that is. */
static void switch_vmcb(struct vcpu *v, enum tlb_ctx to)
{
	struct nested_vcpu *n = &v->nested;

	if (TLB_RULE(glue_switch_tlb)) {
		if (to == TLB_CTX_L2)
			tlb_enter_l2(&v->tlb);
		else
			tlb_leave_l2(&v->tlb);
	}
	v->vmcb = to == TLB_CTX_L2 ? n->vmcb02 : v->vmcb01;
	v->world.vmcb_pa = to == TLB_CTX_L2 ? n->vmcb02_pa : v->vmcb01_pa;
}

/*
 * NRIPS is offered to L1 on every CPU: where the hardware has none, the
 * next_rip it would have saved in vmcb02 is decoded here, from L2's bytes.
 */
static void l2_next_rip(struct vcpu *v)
{
	struct vmcb_control *c = &v->nested.vmcb02->control;
	uint64_t rip = 0;

	if (hv.feat.nrips)
		return;
	switch (nested_exit_nrip(c->exit_code)) {
	case NESTED_NRIP_NONE:
		break;
	case NESTED_NRIP_INFO2:
		rip = c->exit_info_2;
		break;
	case NESTED_NRIP_DECODE:
		if (hv_next_rip(v, &rip).action != HV_RESUME) {
			hv_warn("nested", "vCPU %u: next_rip of L2's instruction at %llx unknown",
				v->index, (unsigned long long)v->nested.vmcb02->save.rip);
			rip = 0;
		}
		break;
	}
	c->next_rip = rip;
}

/* The emulated #VMEXIT: vmcb02's exit into L1's vmcb12, L1 runs next. */
static void reflect(struct vcpu *v)
{
	if (nested_is_vmrun_failure(v->nested.vmcb02->control.exit_code))
		hv_warn("nested", "vCPU %u: the CPU refused vmcb02 (a check nested/ lacks)",
			v->index);
	l2_next_rip(v);
	nested_vmexit(&v->nested, &hv.nested, v->vmcb01);
	switch_vmcb(v, TLB_CTX_L1);
}

/* ---- before VMRUN ---- */

/*
 * INIT: the architected INIT state, held until a SIPI (the boot CPU restarts
 * at the reset vector instead). L2 is dropped first, and INIT flushes the
 * TLB. See: APM2 14.1.3, 16.5; Intel SDM Vol 3 9.1.
 */
static void serve_init(struct vcpu *v)
{
	enum hv_mp_state st = (enum hv_mp_state)v->mp_state;
	struct cpuid_regs r;

	v->init_pending = false;
	if (TLB_RULE(glue_init_flush))
		tlb_forced_leave(&v->tlb, true);
	if (v->nested.in_l2) {
		nested_forced_leave(&v->nested, v->vmcb01);
		switch_vmcb(v, TLB_CTX_L1);
	}
	nested_init(&v->nested);
	if (hv_mp_on_init(&st, v->index == 0) == HV_MP_LOAD_INIT) {
		hv_vmcb_init_state(&v->vmcb01->save);
		v->world.regs = (struct svm_gprs){ 0 };
		hv_cpuid_hw(v, 1, 0, &r);
		v->world.regs.rdx = r.eax;      /* EDX = processor signature after INIT */
		v->vmcb01->control.event_inj = 0;
		v->vmcb01->control.int_state = 0;
		hv_nmi_reset(&v->nmi);
		hv_lapic_init_reset(v);         /* INIT resets the local APIC too */
	}
	v->mp_state = st;
	/* Not rate-limited: one line per INIT a CPU takes; 45-smp counts them. */
	hv_log(LOG_DEBUG, "smp", "vCPU %u: INIT%s", v->index,
	       st == HV_MP_WAIT_SIPI ? ", waiting for SIPI" : "");
}

static void serve_sipi(struct vcpu *v)
{
	enum hv_mp_state st = (enum hv_mp_state)v->mp_state;

	if (hv_mp_on_sipi(&st) == HV_MP_LOAD_SIPI) {
		hv_vmcb_sipi_state(&v->vmcb01->save, v->sipi_vector);
		hv_log(LOG_DEBUG, "smp", "vCPU %u: SIPI, starting at %x:0000", v->index,
		       (unsigned)v->sipi_vector << 8);         /* as INIT's */
	}
	v->mp_state = st;
}

/* While the GIF is 0 (L1's, or L2's own CLGI) an INIT waits. */
static bool init_ready(const struct vcpu *v)
{
	return nested_gif_init_ready(&v->nested.gif);
}

/* Requests other CPUs posted (hv_vcpu_request()); HV_REQ_TLB only wakes. */
static void serve_requests(struct vcpu *v, uint32_t req)
{
	if (req & HV_REQ_INIT)
		v->init_pending = true;
	if (v->init_pending && init_ready(v))
		serve_init(v);
	if (req & HV_REQ_SIPI)
		serve_sipi(v);
	if (req & HV_REQ_NMI) {        /* held, then delivered as a physical NMI would be */
		v->nmi_ipis++;
		v->nmi.held += v->nmi.blocked;
		nested_gif_nmi(&v->nested.gif);
	}
	if (req & HV_REQ_STOP)
		hv_dbg_park(v);         /* the debugger stopped every vCPU */
}

static void inject_nmi(struct vmcb *vmcb)
{
	vmcb->control.event_inj = VEC_NMI | SVM_EVTINJ_TYPE_NMI | SVM_EVTINJ_VALID;
}

/* An NMI nested/gif.h held, delivered now, or a self-kick to ask again. */
static void nmi_action(struct vcpu *v, struct vmcb *vmcb, enum nested_gif_action act)
{
	if (act == NESTED_GIF_INJECT_NMI)
		inject_nmi(vmcb);
	else if (act == NESTED_GIF_KICK)
		hv_kick_cpu(v->cpu);
}

/*
 * A held NMI for L1: injected unless L1 still runs the handler of the last
 * one (hv/nmi.h); then it waits for that handler's IRET, intercepted, and
 * once the IRET has exited, for the single step over it.
 */
static void l1_nmi(struct vcpu *v)
{
	struct vmcb *vmcb = v->vmcb01;
	enum nested_gif_action act;

	if (!v->nmi.blocked) {
		act = nested_gif_l1_event(&v->nested.gif, vmcb->control.event_inj & SVM_EVTINJ_VALID);
		if (act == NESTED_GIF_INJECT_NMI)
			hv_nmi_injected(&v->nmi);
		nmi_action(v, vmcb, act);
	} else if (v->nested.gif.nmi_held &&
		   hv_nmi_step(&v->nmi, vmcb->save.rip, vmcb->save.rflags, vmcb->save.dr6)) {
		vmcb->save.rflags |= RFLAGS_TF;
	}
	if (hv_nmi_iret_intercept(&v->nmi))
		vmcb_set_intercept(&vmcb->control, INTERCEPT_IRET);
	else
		vmcb_clr_intercept(&vmcb->control, INTERCEPT_IRET);
}

/* vmcb01's STGI, CLGI and INTR intercepts, as L1's GIF needs them now. */
static void l1_gif_intercepts(struct vcpu *v)
{
	static const struct { unsigned flag, bit; } map[] = {
		{ NESTED_GIF_ICPT_STGI, INTERCEPT_STGI },
		{ NESTED_GIF_ICPT_CLGI, INTERCEPT_CLGI },
		{ NESTED_GIF_ICPT_INTR, INTERCEPT_INTR },
	};
	unsigned want = nested_gif_l1_intercepts(&v->nested.gif, v->init_pending);

	for (unsigned i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (want & map[i].flag)
			vmcb_set_intercept(&v->vmcb01->control, map[i].bit);
		else
			vmcb_clr_intercept(&v->vmcb01->control, map[i].bit);
	}
}

/*
 * vmcb01's VMLOAD/VMSAVE intercepts and virtual VMLOAD/VMSAVE enable, as
 * nested_l1_vls() decides for L1 now (EFER.SVME changes it).
 */
static void l1_vls(struct vcpu *v)
{
	struct vmcb_control *c = &v->vmcb01->control;

	if (nested_l1_vls(&v->nested, &hv.nested)) {
		vmcb_clr_intercept(c, INTERCEPT_VMLOAD);
		vmcb_clr_intercept(c, INTERCEPT_VMSAVE);
		c->virt_ext |= VIRT_EXT_V_VMLOAD_VMSAVE;
	} else {
		vmcb_set_intercept(c, INTERCEPT_VMLOAD);
		vmcb_set_intercept(c, INTERCEPT_VMSAVE);
		c->virt_ext &= ~VIRT_EXT_V_VMLOAD_VMSAVE;
	}
}

/*
 * Events L1's GIF held, and the physical-interrupt gate: L2 runs with the
 * host IF of L1's VMRUN (V_INTR_MASKING); L1 with its interrupts held runs
 * with V_INTR_MASKING and host IF 0. With VGIF, L1's GIF goes into vmcb01's
 * V_GIF and STGI is intercepted while it holds something. An NMI for L1
 * while L2 runs may be L1's #VMEXIT: then L1 runs next.
 * See: APM2 15.17, 15.21.1, 15.33.2; nested/gif.h.
 */
static void deliver_events(struct vcpu *v)
{
	struct nested_vcpu *n = &v->nested;
	struct vmcb_control *c01 = &v->vmcb01->control;
	enum nested_gif_action act;

	v->world.host_if = 0;
	if (n->in_l2) {
		act = nested_gif_l2_event(&n->gif,
					  nested_l1_intercepts(VMEXIT_NMI, 0, 0, &n->cache, NULL, NULL),
					  n->vmcb02->control.event_inj & SVM_EVTINJ_VALID);
		if (act != NESTED_GIF_REFLECT_NMI) {
			nmi_action(v, n->vmcb02, act);
			n->vmcb02->control.int_ctl = nested_gif_vmcb02_int_ctl(
				&n->gif, n->vmcb02->control.int_ctl, n->cache.int_ctl);
			v->world.host_if = nested_gif_vmcb02_hif(&n->gif, &n->hsave, n->vmcb02);
			return;
		}
		nested_synth_exit(n->vmcb02, VMEXIT_NMI, 0, 0);
		reflect(v);
	}
	c01->int_ctl = nested_gif_l1_int_ctl(&n->gif, c01->int_ctl);
	l1_nmi(v);
	l1_gif_intercepts(v);
	l1_vls(v);
}

/*
 * Everything before VMRUN. The kick handshake (hv/smp.c): mode = IN_GUEST,
 * then a last look at the requests, both sequentially consistent, so a
 * poster either sees IN_GUEST and kicks, or is seen here. The TLB contract
 * comes last, once the VMCB that runs is final (delivering an event may
 * switch it): a mutant serving it earlier is killed by the model checker.
 * false: the vCPU waits (for a SIPI); call again.
 */
bool hv_run_prepare(struct vcpu *v)
{
	for (;;) {
		svm_atomic_store(&v->mode, HV_MODE_OUTSIDE_GUEST, __ATOMIC_SEQ_CST);
		serve_requests(v, svm_atomic_xchg(&v->requests, 0, __ATOMIC_SEQ_CST));
		if (v->mp_state == HV_MP_WAIT_SIPI)
			return false;
		if (!TLB_RULE(glue_vmcb_final))         /* mutant: flushes before the switch */
			tlb_before_vmrun(&v->tlb, v->vmcb);
		deliver_events(v);
		svm_atomic_store(&v->mode, HV_MODE_IN_GUEST, __ATOMIC_SEQ_CST);
		if (!svm_atomic_load(&v->requests, __ATOMIC_SEQ_CST))
			break;
	}
	/* The VMCB that runs is the one the nested state and the TLB context name. */
	HV_ASSERT(v->vmcb == (v->nested.in_l2 ? v->nested.vmcb02 : v->vmcb01));
	HV_ASSERT(v->tlb.ctx == (v->nested.in_l2 ? TLB_CTX_L2 : TLB_CTX_L1));
	hv_dbg_before_vmrun(v);
	/* L2 on L1's nested page tables: shadow roots staled by the events above. */
	if (v->nested.in_l2 && v->nested.npt && TLB_RULE(glue_shadow_sync))
		nested_shadow_sync(&v->nested, &v->tlb);
	if (TLB_RULE(glue_vmcb_final))
		tlb_before_vmrun(&v->tlb, v->vmcb);    /* the last write to the VMCB */
	return true;
}

/* ---- after #VMEXIT ---- */

/* Raise exc in the guest that exited; L2's goes to L1 if L1 intercepts it. */
static void inject(struct vcpu *v, const struct hv_exc *exc)
{
	struct nested_vcpu *n = &v->nested;
	uint64_t ev = exc->vector | SVM_EVTINJ_VALID |
		      (exc->soft ? SVM_EVTINJ_TYPE_SOFT : SVM_EVTINJ_TYPE_EXEPT);

	if (exc->set_cr2)
		v->vmcb->save.cr2 = exc->cr2;
	if (n->in_l2 && !exc->soft && nested_exception_to_l1(&n->cache, exc->vector)) {
		nested_synth_exception(n->vmcb02, exc->vector, exc->has_err, exc->err,
				       n->vmcb02->save.cr2);
		reflect(v);
		return;
	}
	if (exc->has_err)
		ev |= SVM_EVTINJ_VALID_ERR | ((uint64_t)exc->err << SVM_EVTINJ_ERR_SHIFT);
	v->vmcb->control.event_inj = ev;
}

/* The guest shut down (triple fault): reset, or halt (hv/invalid.c). */
static void __attribute__((noreturn)) stop(struct vcpu *v)
{
	hv_guest_shutdown(v);
}

static void act(struct vcpu *v, const struct hv_verdict *vd)
{
	switch (vd->action) {
	case HV_RESUME:
		return;
	case HV_INJECT:
		inject(v, &vd->exc);
		return;
	case HV_REFLECT:
		reflect(v);
		return;
	case HV_ENTER_L2:
		switch_vmcb(v, TLB_CTX_L2);
		return;
	case HV_STOP:
		stop(v);
	}
}

/* An exit from vmcb02: L1's (reflect), a #UD for L2, or svmhv's own. */
static struct hv_verdict route_l2(struct vcpu *v)
{
	/* L2's own illegal MOV CRn (QEMU's form of #GP), else L1's VMRUN failed. */
	if (nested_is_vmrun_failure(v->vmcb->control.exit_code))
		return hv_exit_invalid(v);
	nested_io_hole_close(&v->nested);       /* a string I/O's ports: intercepted again */
	switch (nested_route(&v->nested, &hv.nested, (uint32_t)v->world.regs.rcx)) {
	case NESTED_ROUTE_L1:
		return hv_verdict_of(HV_REFLECT);
	case NESTED_ROUTE_L2_UD:
		return hv_inject(VEC_UD);
	case NESTED_ROUTE_L2_SVM:
		return hv_l2_svm_insn(v);
	default:
		return hv_handle_exit(v);
	}
}

static void count_exit(struct vcpu *v, uint64_t code)
{
	int slot = hv_exit_slot(code);

	if (slot >= 0)
		v->exit_counts[slot]++;
	svm_atomic_store(&v->exit_total, v->exit_total + 1, __ATOMIC_RELEASE);
}

/*
 * An instruction svmhv completed for the guest (emulated or skipped: the
 * handler resumed the same VMCB with RIP moved) under RFLAGS.TF: the CPU
 * would have raised the single-step trap after it, so svmhv does: DR6.BS
 * and #DB, which in L2 is L1's #VMEXIT if L1 intercepts #DB. TF counts only
 * if it was set at the exit and still is after the debugger's step ended
 * (hv_dbg_exit_end() gives the guest its own TF back). Without this, an L2
 * single-stepping over a CPUID, IN or RDMSR svmhv handles lost its #DB
 * (tests/l1hv/conf.c, "<insn>/free/tf"). See: APM2 13.1 (single-step
 * breakpoint, DR6.BS), 15.12 (exception intercepts), 15.20.
 */
static void single_step_trap(struct vcpu *v, const struct vmcb *vmcb, uint64_t rip,
			     uint64_t rflags, enum hv_action a)
{
	struct vmcb_save *s = &v->vmcb->save;

	if (a != HV_RESUME || v->vmcb != vmcb || s->rip == rip ||
	    !(rflags & s->rflags & RFLAGS_TF))
		return;
	s->dr6 |= BIT_ULL(14);          /* DR6.BS */
	inject(v, &(struct hv_exc){ .vector = VEC_DB });
}

/*
 * An exit from vmcb01: L1's NMI blocking may end here (hv/nmi.h), and the
 * #DB of svmhv's step over an NMI handler's IRET is svmhv's, not L1's.
 */
static struct hv_verdict route_l1(struct vcpu *v, uint64_t code)
{
	struct vmcb_save *s = &v->vmcb->save;
	uint64_t dr6 = s->dr6;
	bool ours = hv_nmi_after_exit(&v->nmi, s->rip, code == VMEXIT_EXCP_BASE + VEC_DB, &dr6);

	s->dr6 = dr6;
	return ours ? hv_resume() : hv_handle_exit(v);
}

void hv_run_exit(struct vcpu *v)
{
	uint64_t code = v->vmcb->control.exit_code;
	bool failed = TLB_RULE(glue_vmrun_failed) && nested_is_vmrun_failure(code);
	const struct vmcb *vmcb = v->vmcb;
	uint64_t rip = vmcb->save.rip, rflags = vmcb->save.rflags;
	struct hv_verdict vd;

	svm_atomic_store(&v->mode, HV_MODE_OUTSIDE_GUEST, __ATOMIC_SEQ_CST);
	tlb_after_vmexit(&v->tlb, v->vmcb, failed);
	count_exit(v, code);
	if (!v->nested.in_l2)           /* L1's own STGI/CLGI ran on VGIF: its GIF now */
		nested_gif_sync_l1(&v->nested.gif, v->vmcb->control.int_ctl);
	/* Before anything reads it: re-injected here, or reflected to L1. */
	v->vmcb->control.exit_int_info = svm_exitintinfo_fixup(v->vmcb->control.exit_int_info);
	hv_dbg_exit_begin(v, code);     /* the exit trace; the debug line is read */
	vd = v->nested.in_l2 ? route_l2(v) : route_l1(v, code);
	act(v, &vd);
	hv_dbg_exit_end(v);
	single_step_trap(v, vmcb, rip, rflags, vd.action);
}

void hv_run(void *vcpu)
{
	struct vcpu *v = vcpu;

	for (;;) {
		while (!hv_run_prepare(v))
			hv_host_halt(v);        /* held in host mode until a SIPI: halted, GIF open */
		svm_world_switch(&v->world);
		hv_run_exit(v);
	}
}
