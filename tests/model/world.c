/* SPDX-License-Identifier: MIT */
/*
 * The simulated machine. svmhv's own code (the host harness) decides every
 * flush and every VMCB; this file is the hardware around it: it raises the
 * #VMEXITs, executes the VMRUNs svmhv prepared (ASID, TLB_CONTROL) on
 * ASID-tagged TLBs, delivers the NMIs svmhv sends, and walks page tables.
 * See: AMD64 APM Vol. 2 (rev. 3.42) 15.16.1 (TLB_CONTROL at VMRUN), 15.16.2
 * (INVLPGA), 15.25 (nested paging), 15.5.1 (a VMRUN that fails its checks).
 */
#include "tests/model/model.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "hv/apic/init.h"
#include "hv/npt.h"
#include "hv/smp.h"

const uint32_t m_vasid[M_NVASID + 1] = {
	0, 1, 2, 3, 0x101, 0x201, 0x10001, 0x10101, 0x80000001u, 0xffffffffu, 0xffff0001u,
};

#define RELAX_LIMIT     10000   /* a kicked vCPU that never leaves guest mode */
#define ENTER_LIMIT     16      /* VMRUNs that exit at once, in a row */

static jmp_buf *abort_step;     /* out of svmhv's code when the model gives up */

void m_fail(struct m_world *w, enum m_verdict v, const char *fmt, ...)
{
	va_list ap;

	if (w->verdict != M_OK)
		return;
	w->verdict = v;
	va_start(ap, fmt);
	vsnprintf(w->why, sizeof(w->why), fmt, ap);
	va_end(ap);
}

static unsigned idx(const struct m_world *w, const struct m_vcpu *v)
{
	return (unsigned)(v - w->vcpu);
}

/* ---- the hardware TLB of one pCPU (pCPU i runs vCPU i): sets x ways ---- */

static struct m_tlbe *tlb_set(struct m_world *w, unsigned p, uint32_t asid, uint32_t va)
{
	unsigned s = (va + asid * 7u) % w->cfg->tlb_sets;

	return &w->tlb[p][s * w->cfg->tlb_ways];
}

static bool tlb_hit(struct m_world *w, unsigned p, uint32_t asid, uint32_t va)
{
	struct m_tlbe *e = tlb_set(w, p, asid, va);

	for (unsigned i = 0; i < w->cfg->tlb_ways; i++)
		if (e[i].valid && e[i].asid == asid && e[i].va == va)
			return true;
	return false;
}

static void tlb_fill(struct m_world *w, unsigned p, uint32_t asid, uint32_t va, uint32_t hpa)
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

/*
 * asid M_NONE: every ASID; va M_NONE: every page. Only a whole-ASID flush
 * clears the paging-structure cache (INVLPGA of one page may keep it).
 */
static void tlb_zap(struct m_world *w, unsigned p, uint32_t asid, uint32_t va)
{
	unsigned n = w->cfg->tlb_sets * w->cfg->tlb_ways;

	for (unsigned i = 0; va == M_NONE && i < M_NPWC; i++)
		if (asid == M_NONE || w->pwc[p][i].asid == asid)
			w->pwc[p][i].valid = false;

	for (unsigned i = 0; i < n; i++) {
		struct m_tlbe *e = &w->tlb[p][i];

		if ((asid == M_NONE || e->asid == asid) && (va == M_NONE || e->va == va))
			e->valid = false;
	}
}

/* The ASID the pCPU runs: the one in the VMCB svmhv gave VMRUN. */
static uint32_t hw_asid(const struct m_vcpu *v)
{
	return v->hv->vmcb->control.asid;
}

/* ---- the fake CPU's hooks: svmhv's INVLPGA and NMIs, other CPUs running ---- */

static struct m_world *cur_world;

static void hook_invlpga(void *arg, uint64_t va, uint32_t asid)
{
	tlb_zap(arg, fake.cur, asid, (uint32_t)va);
}

/* An NMI reaches pCPU cpu; a vCPU in guest mode takes it when it next runs. */
static void hook_nmi(void *arg, unsigned cpu)
{
	struct m_world *w = arg;

	if (cpu < w->cfg->nvcpu)
		w->vcpu[cpu].nmi_pending = true;
}

static void hw_exit(struct m_world *w, struct m_vcpu *v, uint64_t code, uint64_t info1,
		    unsigned len);
static void hw_exit2(struct m_world *w, struct m_vcpu *v, uint64_t code, uint64_t info1,
		     uint64_t info2, unsigned len);
static void may_flush(struct m_vcpu *v, bool l1, bool l2);

/* svmhv spins (waiting for a kicked vCPU): the other CPUs take their NMIs. */
static void hook_relax(void *arg)
{
	struct m_world *w = arg;
	static unsigned relaxes;

	for (unsigned i = 0; i < w->cfg->nvcpu; i++) {
		struct m_vcpu *u = &w->vcpu[i];

		if (u->in_guest && u->nmi_pending) {
			relaxes = 0;
			u->nmi_pending = false;
			hw_exit(w, u, VMEXIT_NMI, 0, 0);
		}
	}
	if (++relaxes < RELAX_LIMIT)
		return;
	relaxes = 0;
	m_fail(w, M_CONTRACT, "svmhv waits forever for a vCPU to leave guest mode (no kick?)");
	longjmp(*abort_step, 1);
}

/* ---- VMRUN and #VMEXIT, as the hardware does them ---- */

static int ctx_of(const struct m_vcpu *v)
{
	return v->hv->vmcb == v->hv->nested.vmcb02 ? TLB_CTX_L2 : TLB_CTX_L1;
}

static uint32_t vasid_index(struct m_world *w, uint32_t value)
{
	for (uint32_t i = 1; i <= M_NVASID; i++)
		if (m_vasid[i] == value)
			return i;
	m_fail(w, M_CONTRACT, "L2 runs with vmcb12 ASID %x, which L1 never used", value);
	return 0;
}

/* APM2 15.16.1: TLB_CONTROL 1 flushes all, 3 this ASID, 7 its non-global part. */
static void hw_tlb_control(struct m_world *w, struct m_vcpu *v, uint8_t ctl)
{
	if (ctl == TLB_CONTROL_FLUSH_ALL_ASID)
		tlb_zap(w, idx(w, v), M_NONE, M_NONE);
	else if (ctl != TLB_CONTROL_FLUSH_ASID && ctl != TLB_CONTROL_FLUSH_ASID_LOCAL)
		return;
	else if (!w->cfg->flush_by_asid)        /* reserved without FlushByASID */
		m_fail(w, M_CONTRACT, "VMRUN with TLB_CONTROL %u but no FlushByASID", ctl);
	else
		tlb_zap(w, idx(w, v), hw_asid(v), M_NONE);
}

/* Precision: a flush only where the contract calls for one, and always there. */
static void check_flush(struct m_world *w, struct m_vcpu *v, uint8_t ctl)
{
	bool transition = v->hw_ctx >= 0 && v->hw_ctx != v->ctx;
	bool must = transition && w->cfg->force;

	if (ctl && !v->may_flush[v->ctx] && !must)
		m_fail(w, M_UNNEEDED, "vcpu %u: L%d VMRUN flushed (TLB_CONTROL %u) without a cause",
		       idx(w, v), v->ctx + 1, ctl);
	if (must && !ctl)
		m_fail(w, M_MISSING_FORCED, "vcpu %u: nested transition to L%d without a flush (%s)",
		       idx(w, v), v->ctx + 1, "force_tlb_flush");
}

/* MODEL_TRACE=1: every hardware VMRUN and #VMEXIT on stderr (replays). */
static bool trace(void)
{
	static int on = -1;

	if (on < 0)
		on = getenv("MODEL_TRACE") != NULL;
	return on;
}

static void hw_vmrun(struct m_world *w, struct m_vcpu *v)
{
	struct vmcb *vmcb = v->hv->vmcb;
	uint8_t ctl = vmcb->control.tlb_control;

	if (trace())
		fprintf(stderr, "    hw: vcpu %u VMRUN %s asid %u tlb_control %u\n", idx(w, v),
			ctx_of(v) ? "vmcb02" : "vmcb01", vmcb->control.asid, ctl);

	v->ctx = ctx_of(v);
	if (vmcb->control.asid == 0 || vmcb->control.asid != v->hv->tlb.asid[v->ctx])
		m_fail(w, M_CONTRACT, "vcpu %u: L%d VMCB ASID %u, expected %u", idx(w, v),
		       v->ctx + 1, vmcb->control.asid, v->hv->tlb.asid[v->ctx]);
	hw_tlb_control(w, v, ctl);
	check_flush(w, v, ctl);
	v->may_flush[v->ctx] = false;
	v->hw_ctx = v->ctx;
	v->in_guest = true;
	if (v->ctx == TLB_CTX_L2) {
		v->guest = v->next_guest;
		v->vasid = vasid_index(w, v->hv->nested.cache.asid);
	}
	arch_activate(w, v);
}

/* A #VMEXIT from the VMCB v runs, then svmhv's exit handling on v's pCPU. */
static void hw_exit(struct m_world *w, struct m_vcpu *v, uint64_t code, uint64_t info1,
		    unsigned len)
{
	hw_exit2(w, v, code, info1, 0, len);
}

static void hw_exit2(struct m_world *w, struct m_vcpu *v, uint64_t code, uint64_t info1,
		     uint64_t info2, unsigned len)
{
	struct vmcb_control *c = &v->hv->vmcb->control;
	uint64_t evictions = v->hv->nested.shadow.st.evictions;

	if (!v->in_guest)
		m_fail(w, M_CONTRACT, "vcpu %u: #VMEXIT outside guest mode", idx(w, v));
	if (trace())
		fprintf(stderr, "    hw: vcpu %u #VMEXIT %llx\n", idx(w, v), (unsigned long long)code);
	v->in_guest = false;
	c->exit_code = code;
	c->exit_info_1 = info1;
	c->exit_info_2 = info2;
	c->exit_int_info = 0;
	c->event_inj = 0;               /* what VMRUN injected was delivered */
	c->next_rip = len ? v->hv->vmcb->save.rip + len : 0;
	if (++w->depth > ENTER_LIMIT)
		m_fail(w, M_CONTRACT, "vcpu %u: #VMEXITs without end", idx(w, v));
	harness_on_cpu(idx(w, v), hv_run_exit(v->hv));
	w->depth--;
	/* Shadow tables reused: the paging-structure cache must go (a flush). */
	if (v->hv->nested.shadow.st.evictions != evictions)
		may_flush(v, false, true);
}

static void svm_on(struct m_world *w, struct m_vcpu *v);

/* INIT was taken by svmhv (not held by L1's GIF): the architecture flushes. */
static void note_init(struct m_world *w, struct m_vcpu *v)
{
	if (!v->init_sent || (v->hv->requests & HV_REQ_INIT) || v->hv->init_pending)
		return;
	v->init_sent = false;
	v->reboot = true;
	v->vasid = 0;
	v->may_flush[TLB_CTX_L1] = v->may_flush[TLB_CTX_L2] = true;
	arch_reset(w, v, M_NONE);
}

/* svmhv prepares, the CPU VMRUNs; until the vCPU is in guest mode. */
static void enter(struct m_world *w, struct m_vcpu *v)
{
	for (unsigned n = 0; !v->in_guest && w->verdict == M_OK; n++) {
		bool ok;

		if (n > ENTER_LIMIT) {
			m_fail(w, M_CONTRACT, "vcpu %u never reaches guest mode", idx(w, v));
			return;
		}
		harness_on_cpu(idx(w, v), ok = hv_run_prepare(v->hv));
		note_init(w, v);
		if (!ok) {              /* waits for a SIPI: another CPU sends it */
			v->hv->sipi_vector = 0x10;
			harness_on_cpu((idx(w, v) + 1) % w->cfg->nvcpu,
				       hv_vcpu_request(v->hv, HV_REQ_SIPI));
			continue;
		}
		if (v->refuse_l2 && ctx_of(v) == TLB_CTX_L2) {
			v->refuse_l2 = false;   /* VMRUN's checks fail: nothing runs or flushes */
			v->in_guest = true;
			if (w->cfg->force)      /* force_tlb_flush asked for both already */
				may_flush(v, true, true);
			hw_exit(w, v, VMEXIT_INVALID, 0, 0);
			continue;
		}
		hw_vmrun(w, v);
		if (v->nmi_pending) {   /* held in host mode, taken at once */
			v->nmi_pending = false;
			hw_exit(w, v, VMEXIT_NMI, 0, 0);
		}
	}
	if (v->reboot && v->in_guest && w->verdict == M_OK) {
		v->reboot = false;      /* after INIT: the OS boots the CPU again */
		harness_long_mode(&v->hv->vmcb01->save);
		svm_on(w, v);
	}
}

/* A vCPU with a kick NMI pending takes it before anything else it does. */
static void settle(struct m_world *w, struct m_vcpu *v)
{
	if (v->in_guest && v->nmi_pending) {
		v->nmi_pending = false;
		hw_exit(w, v, VMEXIT_NMI, 0, 0);
	}
	enter(w, v);
}

/* The guest executes an instruction that exits; svmhv handles it; back in. */
static void trap(struct m_world *w, struct m_vcpu *v, uint64_t code, uint64_t info1, unsigned len)
{
	hw_exit(w, v, code, info1, len);
	enter(w, v);
}

static void wrmsr_exit(struct m_world *w, struct m_vcpu *v, uint32_t msr, uint64_t val)
{
	v->hv->world.regs.rcx = msr;
	v->hv->vmcb->save.rax = (uint32_t)val;
	v->hv->world.regs.rdx = val >> 32;
	trap(w, v, VMEXIT_MSR, 1, 2);
}

/* L1 turns SVM on (EFER.SVME, VM_HSAVE_PA): after boot, after INIT-SIPI. */
static void svm_on(struct m_world *w, struct m_vcpu *v)
{
	struct vmcb_save *s = &v->hv->vmcb01->save;

	wrmsr_exit(w, v, MSR_EFER, s->efer | EFER_SVME);
	wrmsr_exit(w, v, MSR_VM_HSAVE_PA, harness_pa(v->vmcb12) + PAGE_SIZE);
	if (!v->hv->nested.svme || !v->hv->nested.hsave_pa)
		m_fail(w, M_CONTRACT, "vcpu %u: L1 could not turn SVM on", idx(w, v));
}

/* ---- guest memory accesses: hit, or walk and fill ---- */

/* The model's host page of a shadow leaf's address (M_NONE: not one). */
static uint32_t host_page(uint64_t hpa)
{
	if (hpa < M_HPA_BASE || hpa - M_HPA_BASE >= (1ull << 44))
		return M_NONE - 1;              /* never legal: arch_legal says so */
	return (uint32_t)((hpa - M_HPA_BASE) >> 12);
}

static struct m_pwc *pwc_find(struct m_world *w, unsigned p, uint32_t asid, uint64_t region)
{
	for (unsigned i = 0; i < M_NPWC; i++)
		if (w->pwc[p][i].valid && w->pwc[p][i].asid == asid && w->pwc[p][i].region == region)
			return &w->pwc[p][i];
	return NULL;
}

static uint64_t entry(uint64_t table, uint64_t addr, unsigned shift)
{
	return ((const uint64_t *)(uintptr_t)table)[(addr >> shift) & 511];
}

/*
 * The CPU walks the shadow vmcb02 names (nCR3), through its cached PDEs:
 * the leaf's host address, or 0 on a nested page fault (which drops the
 * cached PDE, as a fault does).
 */
static uint64_t shadow_walk(struct m_world *w, struct m_vcpu *v, uint64_t gpa2)
{
	unsigned p = idx(w, v);
	uint32_t asid = hw_asid(v);
	struct m_pwc *c = pwc_find(w, p, asid, gpa2 >> 21);
	uint64_t t = v->hv->vmcb->control.n_cr3 & PTE_ADDR_MASK, e = 0;

	if (!c) {
		for (unsigned shift = 39; shift >= 21; shift -= 9) {
			e = entry(t, gpa2, shift);
			if (!(e & PTE_P))
				return 0;
			if (e & PTE_PS)
				return (e & PTE_ADDR_MASK & ~((1ull << shift) - 1)) |
				       (gpa2 & ((1ull << shift) - 1) & ~0xfffull);
			t = e & PTE_ADDR_MASK;
		}
		c = &w->pwc[p][w->pwc_next[p]++ % M_NPWC];
		*c = (struct m_pwc){ .asid = asid, .region = gpa2 >> 21, .pt = t, .valid = true };
	}
	e = entry(c->pt, gpa2, 12);
	if (!(e & PTE_P)) {
		c->valid = false;
		return 0;
	}
	return e & PTE_ADDR_MASK;
}

static uint32_t walk_l2(struct m_world *w, struct m_vcpu *v, uint32_t va)
{
	uint32_t gpa2 = w->pt2[v->guest][va], gpa1;

	if (gpa2 == M_NONE)
		return M_NONE;                  /* #PF in L2 */
	if (w->cfg->no_npt)                     /* L2-physical is L1-physical */
		return w->npt0[gpa2];
	for (unsigned tries = 0; tries < 2 && w->verdict == M_OK; tries++) {
		uint64_t hpa = shadow_walk(w, v, m_gpa2(w, gpa2));

		if (hpa)
			return host_page(hpa);
		gpa1 = w->npt1[v->guest][gpa2];
		if (gpa1 != M_NONE && w->npt0[gpa1] == M_NONE)
			return M_NONE;          /* svmhv's own page: not modelled */
		/* A shadow miss: NPF from vmcb02, svmhv fills it or reflects L1's. */
		w->npf_exits++;
		hw_exit2(w, v, VMEXIT_NPF, NPF_USER | NPF_FINAL_GPA, m_gpa2(w, gpa2), 0);
		enter(w, v);
		if (v->ctx != TLB_CTX_L2) {
			if (gpa1 != M_NONE)
				m_fail(w, M_CONTRACT, "vcpu %u: a shadow miss at L2 page %u "
				       "reached L1, which maps it", idx(w, v), gpa2);
			return M_NONE;          /* L1's nested page fault */
		}
	}
	m_fail(w, M_CONTRACT, "vcpu %u: svmhv did not fill the shadow for L2 page %u",
	       idx(w, v), gpa2);
	return M_NONE;
}

static void access(struct m_world *w, struct m_vcpu *v, uint32_t va)
{
	uint32_t hpa;

	w->accesses[v->ctx]++;
	if (tlb_hit(w, idx(w, v), hw_asid(v), va))
		return;
	if (v->ctx == TLB_CTX_L1)
		hpa = w->pt1[va] == M_NONE ? M_NONE : w->npt0[w->pt1[va]];
	else
		hpa = walk_l2(w, v, va);
	if (hpa == M_NONE)
		return;
	w->refills[v->ctx]++;
	tlb_fill(w, idx(w, v), hw_asid(v), va, hpa);
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

	if (ev->type == EV_L2_PTE && v->ctx == TLB_CTX_L1) {
		/* L1 writes L2's page table (or its own shadow of it, npt=0):
		 * INVLPG would hit L1's ASID, L1 must use INVLPGA or TLB_CONTROL. */
		w->pt2[v->next_guest][ev->a] = ev->b;
		arch_edit_pt2(w, v->next_guest, ev->a);
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
		tlb_zap(w, idx(w, v), hw_asid(v), cr3 ? M_NONE : ev->a);
		arch_invalidate(w, v, vasid, cr3 ? M_NONE : ev->a);
	}
}

/* L1 writes its vmcb12 and executes VMRUN; svmhv emulates it. */
static void l1_vmrun(struct m_world *w, struct m_vcpu *v, const struct m_event *ev)
{
	struct vmcb *vmcb12 = v->vmcb12;
	uint32_t vasid = ev->b, prev = v->hv->tlb.l2_vasid;
	uint8_t ctl = (uint8_t)ev->c;

	harness_vmcb12(vmcb12, ev->d == 1 ? 0 : m_vasid[vasid]);        /* ASID 0: invalid */
	vmcb12->control.tlb_control = ctl;
	if (!w->cfg->no_npt) {
		vmcb12->control.nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
		vmcb12->control.n_cr3 = w->npt1_root[ev->a % M_NGUEST];
	}
	vmcb12->control.intercept_misc1 |= BIT(INTERCEPT_SHUTDOWN) |
					   (ev->e ? BIT(INTERCEPT_NMI) : 0);
	vmcb12->control.intercept_misc2 |= BIT(INTERCEPT_VMMCALL - 32);
	v->hv->vmcb01->save.rax = harness_pa(vmcb12);
	hw_exit(w, v, VMEXIT_VMRUN, 0, 3);
	if (v->hv->nested.in_l2) {              /* svmhv accepted vmcb12 */
		v->next_guest = ev->a;
		may_flush(v, ctl == TLB_CONTROL_FLUSH_ALL_ASID, ctl || m_vasid[vasid] != prev);
		if (ev->d != 2 && ctl == TLB_CONTROL_FLUSH_ALL_ASID)
			arch_reset(w, v, M_NONE);
		else if (ev->d != 2 && ctl)
			arch_reset(w, v, vasid);
	} else if (ev->d != 1) {
		m_fail(w, M_CONTRACT, "vcpu %u: svmhv refused a valid vmcb12", idx(w, v));
	}
	v->refuse_l2 = ev->d == 2;              /* the CPU will refuse vmcb02 */
	enter(w, v);
}

static void l1_invlpga(struct m_world *w, struct m_vcpu *v, const struct m_event *ev)
{
	uint32_t cur = v->hv->tlb.l2_vasid;
	uint32_t value = ev->b == 0 ? 0 : ev->b == 1 && cur ? cur : m_vasid[ev->c];

	v->hv->vmcb01->save.rax = ev->a;
	v->hv->world.regs.rcx = value;
	hw_exit(w, v, VMEXIT_INVLPGA, 0, 3);
	arch_invalidate(w, v, value ? vasid_index(w, value) : 0, ev->a);
	enter(w, v);
}

/* svmhv remaps or unmaps an L1 page, in an exit handler of this vCPU. */
static void hv_npt(struct m_world *w, struct m_vcpu *v, const struct m_event *ev)
{
	hw_exit(w, v, VMEXIT_CPUID, 0, 2);
	w->npt0[ev->a] = ev->b ? w->next_hpa++ : M_NONE;
	for (unsigned i = 0; i < w->cfg->nvcpu; i++)
		may_flush(&w->vcpu[i], true, true);
	harness_on_cpu(idx(w, v), hv_npt_map(m_gpa1(ev->a), PAGE_SIZE,
					     ev->b ? M_HPA(w->npt0[ev->a]) : NPT_IDENTITY,
					     ev->b ? NPT_PERM_RW : NPT_PERM_NONE, v->hv));
	enter(w, v);
}

/* Another CPU sends INIT (svmhv's emulated IPI); a SIPI follows when it waits. */
static void init_ipi(struct m_world *w, struct m_vcpu *v)
{
	unsigned from = (idx(w, v) + 1) % w->cfg->nvcpu;

	if (from == idx(w, v))                  /* one CPU: INIT to itself, from an exit */
		hw_exit(w, v, VMEXIT_CPUID, 0, 2);
	v->init_sent = true;
	harness_on_cpu(from, hv_vcpu_request(v->hv, HV_REQ_INIT));
	settle(w, v);
}

/*
 * L1's STGI (stgi) or CLGI: on VGIF, run by the CPU unless vmcb01 intercepts
 * it (only V_GIF changes, as on the CPU); else an exit svmhv emulates.
 */
static void l1_gif(struct m_world *w, struct m_vcpu *v, bool stgi)
{
	struct vmcb_control *c = &v->hv->vmcb01->control;
	unsigned bit = stgi ? INTERCEPT_STGI : INTERCEPT_CLGI;

	if (!(c->int_ctl & V_GIF_ENABLE_MASK) || (c->intercept_misc2 & BIT(bit - 32))) {
		trap(w, v, stgi ? VMEXIT_STGI : VMEXIT_CLGI, 0, 3);
		return;
	}
	c->int_ctl = stgi ? c->int_ctl | V_GIF_MASK : c->int_ctl & ~V_GIF_MASK;
	v->hv->vmcb01->save.rip += 3;
}

static bool level_ok(const struct m_vcpu *v, int type)
{
	bool l2 = v->hv->nested.in_l2;

	switch (type) {
	case EV_L1_PTE: case EV_L1_CR3: case EV_L1_NPT: case EV_VMRUN: case EV_INVLPGA:
	case EV_GIF:
		return !l2;
	case EV_L2_CR3: case EV_VMEXIT:
		return l2;
	default:
		return true;
	}
}

static void exec(struct m_world *w, struct m_vcpu *v, const struct m_event *ev)
{
	settle(w, v);
	if (!level_ok(v, ev->type) || w->verdict != M_OK)
		return;
	switch (ev->type) {
	case EV_ACCESS: access(w, v, ev->a); break;
	case EV_L1_PTE: case EV_L1_CR3: case EV_L2_PTE: case EV_L2_CR3:
		guest_pte(w, v, ev);
		break;
	case EV_L1_NPT:
		if (w->cfg->no_npt)
			break;                  /* no nested page tables */
		w->npt1[ev->a][ev->b] = ev->c;
		m_npt1_write(w, ev->a, ev->b);
		arch_edit_npt1(w, ev->a, ev->b);
		break;
	case EV_VMRUN: l1_vmrun(w, v, ev); break;
	case EV_VMEXIT: trap(w, v, ev->a ? VMEXIT_SHUTDOWN : VMEXIT_VMMCALL, 0, 3); break;
	case EV_L0_EXIT:
		v->hv->vmcb->save.rax = 0;
		trap(w, v, VMEXIT_CPUID, 0, 2);
		break;
	case EV_INVLPGA: l1_invlpga(w, v, ev); break;
	case EV_HV_NPT: hv_npt(w, v, ev); break;
	case EV_INIT: init_ipi(w, v); break;
	case EV_NMI: trap(w, v, VMEXIT_NMI, 0, 0); break;
	case EV_GIF: l1_gif(w, v, ev->a); break;
	default: break;
	}
}

/* One step. Events that do not fit the current state are no-ops (shrinking). */
void m_exec(struct m_world *w, const struct m_event *ev)
{
	jmp_buf step, *outer = abort_step;

	if (ev->vcpu >= w->cfg->nvcpu || w->verdict != M_OK)
		return;
	if (trace()) {
		fprintf(stderr, "  event: ");
		m_event_print(stderr, ev);
	}
	abort_step = &step;
	fake.halt = &step;
	if (!setjmp(step))
		exec(w, &w->vcpu[ev->vcpu], ev);
	else if (w->verdict == M_OK)
		m_fail(w, M_CONTRACT, "svmhv panicked: %.160s",
		       strstr(fake.console, "PANIC") ? strstr(fake.console, "PANIC") : "?");
	fake.halt = NULL;
	abort_step = outer;
}

/* The invariant: every entry of every running ASID is one L1 may see. */
void m_check(struct m_world *w)
{
	unsigned n = w->cfg->tlb_sets * w->cfg->tlb_ways;

	for (unsigned p = 0; w->cfg->check && p < w->cfg->nvcpu && w->verdict == M_OK; p++) {
		struct m_vcpu *v = &w->vcpu[p];

		for (unsigned i = 0; v->in_guest && i < n; i++) {
			const struct m_tlbe *e = &w->tlb[p][i];

			if (e->valid && e->asid == hw_asid(v) && !arch_legal(w, v, e->va, e->hpa))
				m_fail(w, M_STALE, "pcpu %u L%d (vmcb12 ASID %x) uses va %u -> "
				       "host page %u, which L1 may not see", p, v->ctx + 1,
				       v->ctx ? m_vasid[v->vasid] : 0, e->va, e->hpa);
		}
	}
}

uint64_t m_flushes(const struct m_world *w)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < w->cfg->nvcpu; i++)
		for (unsigned c = 0; c < TLB_NR_CTX; c++)
			n += w->vcpu[i].hv->tlb.cnt.flushes[c];
	return n;
}

void m_shadow_sum(const struct m_world *w, struct nested_shadow_stats *sum)
{
	for (unsigned i = 0; i < w->cfg->nvcpu; i++) {
		const struct nested_shadow_stats *st = &w->vcpu[i].hv->nested.shadow.st;

		sum->fills += st->fills;
		sum->roots_made += st->roots_made;
		sum->roots_hit += st->roots_hit;
		sum->invalidations += st->invalidations;
		sum->evictions += st->evictions;
	}
}

/* ---- a fresh machine ---- */

int m_world_boot(struct m_world *w)
{
	cur_world = w;
	fake.invlpga = hook_invlpga;
	fake.nmi = hook_nmi;
	fake.relax = hook_relax;
	fake.arg = w;
	for (unsigned i = 0; i < w->cfg->nvcpu; i++) {
		struct m_vcpu *v = &w->vcpu[i];

		v->hv = hv.vcpus[i];
		v->vmcb12 = harness_page();
		harness_page();                         /* its VM_HSAVE_PA page */
		v->hw_ctx = -1;
		v->may_flush[TLB_CTX_L1] = v->may_flush[TLB_CTX_L2] = true;
	}
	/*
	 * Whoever used SVM on these CPUs before (firmware, an earlier hypervisor,
	 * a kexec'd kernel) may have left entries tagged with the ASIDs svmhv uses.
	 */
	for (unsigned p = 0; p < w->cfg->nvcpu; p++)
		for (int ctx = 0; ctx < TLB_NR_CTX; ctx++)
			for (uint32_t va = 0; va < w->cfg->nva; va += 3)
				tlb_fill(w, p, hv.vcpus[p]->tlb.asid[ctx], va, 99999);
	for (unsigned i = 0; i < w->cfg->nvcpu && w->verdict == M_OK; i++) {
		struct m_event boot = { .type = EV_L0_EXIT, .vcpu = (uint8_t)i };

		m_exec(w, &boot);                       /* first VMRUN */
		svm_on(w, &w->vcpu[i]);
	}
	return w->verdict == M_OK ? 0 : -1;
}
