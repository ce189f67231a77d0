/* SPDX-License-Identifier: MIT */
/*
 * The exits svmhv handles itself, from vmcb01 (L1) or, when they are not
 * L1's, from vmcb02 (L2): every exit code svmhv intercepts has an entry in
 * svm_exit_handlers[], which returns a verdict the run loop (hv/run.c) acts
 * on. An exit without a handler dumps the VMCB and panics.
 * See: APM2 15.6, Appendix C (exit codes).
 */
#include "hv/hv.h"

#include "hv/apic/vapic.h"
#include "hv/console.h"
#include "hv/dbg/dbg.h"
#include "hv/hc.h"
#include "hv/integrity.h"
#include "hv/invalid.h"
#include "hv/iso/iso.h"
#include "hv/msr.h"
#include "hv/npt.h"
#include "hv/panic.h"
#include "hv/policy.h"
#include "hv/cpuid_cache.h"
#include "hv/cpuid_state.h"
#include "hv/run.h"
#include "hv/smp.h"
#include "hv/stats.h"
#include "svm/hw.h"
#include "svm/msrpm.h"

typedef struct hv_verdict (*exit_handler_t)(struct vcpu *v);

/*
 * Without executing CPUID, which exits to a hypervisor below svmhv (KVM as
 * L0): leaves svmhv answers whole need no hardware answer; the rest come
 * from this CPU's cache, XCR0 by XGETBV (never intercepted) and, for
 * Fn0000_000D_1 on a CPU with XSAVES, IA32_XSS by RDMSR. A miss (a leaf
 * the cache does not hold) executes CPUID.
 */
void hv_cpuid_hw(struct vcpu *v, uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
	struct hv_cpuid_cache *c = v->cpu->cpuid;
	uint64_t xcr0 = 0, xss = 0;
	bool want_xss;

	if (hv_cpuid_owned(leaf)) {
		*r = (struct cpuid_regs){ 0, 0, 0, 0 };
		return;
	}
	if (c && hv_cpuid_cache_xstate(leaf, sub, &want_xss) &&
	    c->xsize[sub] == HV_XSIZE_DYNAMIC) {
		xcr0 = xgetbv0();
		if (want_xss && c->xsaves && rdmsr_safe(MSR_XSS, &xss))
			xss = 0;
	}
	if (c && hv_cpuid_cache_lookup(c, leaf, sub, xcr0, xss, r)) {
		c->hits++;
		return;
	}
	if (c)
		c->misses++;
	cpuid_count(leaf, sub, r);
}

static struct hv_verdict svm_exit_cpuid(struct vcpu *v)
{
	struct vmcb_save *s = &v->vmcb->save;
	struct svm_gprs *g = &v->world.regs;
	struct cpuid_regs r;
	uint32_t leaf = (uint32_t)s->rax, sub = (uint32_t)g->rcx;

	hv_cpuid_hw(v, leaf, sub, &r);
	hv_cpuid_filter(leaf, sub, &r, &hv.cpuid_ctx);
	/* Answered in svmhv's context: the state bits are the guest's. */
	hv_cpuid_state_bits(leaf, sub, &r, s->cr4, v->apic_base);
	s->rax = r.eax;
	g->rbx = r.ebx;
	g->rcx = r.ecx;
	g->rdx = r.edx;
	return hv_skip_insn(v);
}

static uint64_t hc_tlb_flushes(const struct vcpu *v, unsigned ctx, uint32_t reason, int *err)
{
	uint64_t n = 0;

	*err = !tlb_counter_read(&v->tlb, ctx, reason, &n);
	return n;
}

static void hc_asids(const struct vcpu *v, uint64_t *l1, uint64_t *l2)
{
	*l1 = v->tlb.asid[TLB_CTX_L1];
	*l2 = v->tlb.asid[TLB_CTX_L2];
}

static void dump_print(void *arg, const char *line)
{
	hv_info("stats", "vCPU %u: %s", *(unsigned *)arg, line);
}

/* SVMHV_HC_CONSOLE_DUMP: exit counts and TLB flush counters of every vCPU. */
static void hv_dump_counters(void)
{
	for (unsigned i = 0; i < hv.ncpu; i++) {
		const struct vcpu *t = hv.vcpus[i];

		if (!t) {
			hv_info("stats", "vCPU %u: not under svmhv", i);
			continue;
		}
		hv_info("stats", "vCPU %u: %llu exits", i, (unsigned long long)t->exit_total);
		for (unsigned c = 0; c < HV_EXIT_SLOTS; c++)
			if (t->exit_counts[c])
				hv_info("stats", "vCPU %u:   exit code 0x%llx: %llu", i,
					(unsigned long long)hv_exit_code_of_slot(c),
					(unsigned long long)t->exit_counts[c]);
		if (t->cpu->cpuid)
			hv_info("stats", "vCPU %u: CPUID cache %llu hits, %llu misses (%u answers, "
				"%u dropped)", i, (unsigned long long)t->cpu->cpuid->hits,
				(unsigned long long)t->cpu->cpuid->misses, t->cpu->cpuid->n,
				t->cpu->cpuid->dropped);
		hv_stats_tlb(&t->tlb, dump_print, &i);
		hv_stats_shadow(t->index, &t->nested.shadow.st, dump_print, &i);
	}
}

static struct hv_verdict svm_exit_vmmcall(struct vcpu *v)
{
	struct vmcb_save *s = &v->vmcb->save;
	struct svm_gprs *g = &v->world.regs;
	struct hv_hc_env env = {
		.vcpus = hv.vcpus, .nvcpu = hv.ncpu, .self = v->index,
		.mem_base = hv.boot.pool_pa, .mem_size = hv.boot.pool_size,
		.tlb_flushes = hc_tlb_flushes, .asids = hc_asids,
		.apic_ids = hv.apic_ids, .cpl = s->cpl, .user_ok = hv.boot.hc_user,
		.dump = hv_dump_counters, .integrity = hv_integrity,
		.parked = hv_iso_cpu_parked, .iso_counter = hv_iso_counter, .park = hv_iso_park,
		.below = hv.boot.level ? vmmcall : 0,
	};
	struct hv_hc_regs r = { s->rax, g->rbx, g->rcx, g->rdx };

	hv_hypercall(&env, &r);
	s->rax = r.rax;
	g->rbx = r.rbx;
	g->rcx = r.rcx;
	g->rdx = r.rdx;
	return hv_skip_insn(v);
}

static struct hv_verdict nested_fault(struct vcpu *v, enum nested_result r, const char *why)
{
	hv_debug("nested", "vCPU %u: exit %llx: %s: %s", v->index,
		 (unsigned long long)v->vmcb->control.exit_code, r == NESTED_GP ? "#GP" : "#UD",
		 why ? why : "not allowed here");
	return r == NESTED_GP ? hv_inject_err(VEC_GP, 0) : hv_inject(VEC_UD);
}

/*
 * L1 runs an L2 other than the last one on this vCPU: no branch prediction
 * trained by one guest may steer another (Spectre v2, CVE-2017-5715).
 * IBPB, when the CPU has it; L1 <-> its current L2 relies on L1's own
 * SPEC_CTRL, as it would on the hardware.
 */
static void ibpb_between_guests(struct vcpu *v)
{
	if (v->nested.vmcb12_gpa == v->vmcb12_last)
		return;
	v->vmcb12_last = v->nested.vmcb12_gpa;
	if (hv.ibpb && wrmsr_safe(MSR_PRED_CMD, 1) == 0)
		v->ibpbs++;
}

/*
 * SVM instructions from L1: nested SVM emulation (nested/nested.h), #UD when
 * not offered. The architecture's own faults come first (nested_insn_check),
 * then the instruction, which continues at next_rip unless it entered L2.
 */
static struct hv_verdict svm_exit_svm_insn(struct vcpu *v)
{
	struct nested_vcpu *n = &v->nested;
	uint64_t code = v->vmcb->control.exit_code, next_rip;
	enum nested_result r = nested_insn_check(n, &hv.nested, v->vmcb01);
	struct hv_verdict vd;
	const char *why = NULL;

	if (r != NESTED_DONE || code == VMEXIT_SKINIT)   /* SKINIT: never offered */
		return nested_fault(v, r == NESTED_DONE ? NESTED_UD : r, why);
	vd = hv_next_rip(v, &next_rip);
	if (vd.action != HV_RESUME)
		return vd;
	switch (code) {
	case VMEXIT_VMRUN:
		r = nested_vmrun(n, &hv.nested, v->vmcb01, &v->tlb, next_rip, &why);
		if (r == NESTED_DONE && why)
			hv_debug("nested", "vCPU %u: VMRUN of %llx: VMEXIT_INVALID, %s", v->index,
				 (unsigned long long)n->vmcb12_gpa, why);
		if (r == NESTED_ENTER_L2)
			ibpb_between_guests(v);
		break;
	case VMEXIT_VMLOAD:
	case VMEXIT_VMSAVE:
		r = nested_vmload_vmsave(n, &hv.nested, v->vmcb01, code == VMEXIT_VMLOAD, &why);
		break;
	case VMEXIT_STGI:
		nested_stgi(n);
		break;
	case VMEXIT_CLGI:
		nested_clgi(n);
		break;
	default:                                /* INVLPGA */
		nested_invlpga(n, &v->tlb, v->vmcb01->save.rax, (uint32_t)v->world.regs.rcx);
		break;
	}
	if (r == NESTED_ENTER_L2)
		return hv_verdict_of(HV_ENTER_L2);
	if (r != NESTED_DONE)
		return nested_fault(v, r, why);
	hv_set_rip(v, next_rip);
	return hv_resume();
}

/*
 * An SVM instruction L2 executed and L1 does not intercept
 * (NESTED_ROUTE_L2_SVM): as the CPU would run it with L1 as L2's host.
 * VMLOAD/VMSAVE move L2's state from/to an L1-physical page (a bad address:
 * #GP for L2, or L1's if it intercepts #GP); STGI/CLGI set L2's GIF, or
 * vmcb02's V_GIF when it has vmcb12's V_GIF_ENABLE (nested/gif.h); INVLPGA
 * flushes as L1's own would. The CPU has already checked EFER.SVME and CPL
 * before the intercept (APM3, each instruction).
 */
struct hv_verdict hv_l2_svm_insn(struct vcpu *v)
{
	struct nested_vcpu *n = &v->nested;
	uint64_t code = v->vmcb->control.exit_code, next_rip;
	enum nested_result r = NESTED_DONE;
	struct hv_verdict vd = hv_next_rip(v, &next_rip);
	const char *why = NULL;

	if (vd.action != HV_RESUME)
		return vd;
	switch (code) {
	case VMEXIT_VMLOAD:
	case VMEXIT_VMSAVE:
		r = nested_l2_vmload_vmsave(n, &hv.nested, code == VMEXIT_VMLOAD, &why);
		break;
	case VMEXIT_STGI:
	case VMEXIT_CLGI:
		n->vmcb02->control.int_ctl = nested_gif_l2_insn(&n->gif, n->vmcb02->control.int_ctl,
								code == VMEXIT_STGI);
		break;
	case VMEXIT_INVLPGA:
		nested_invlpga(n, &v->tlb, v->vmcb->save.rax, (uint32_t)v->world.regs.rcx);
		break;
	default:
		return hv_inject(VEC_UD);
	}
	if (r != NESTED_DONE)
		return nested_fault(v, r, why);
	hv_set_rip(v, next_rip);
	return hv_resume();
}

/*
 * #DB and #AC are intercepted so that a guest cannot hang the physical CPU
 * with an endless chain of them (CVE-2015-5307, CVE-2015-8104): every
 * delivery now passes through svmhv. They are reflected unchanged, except a
 * #DB of gdb's (a step, a DR0-3 breakpoint: hv/dbg/gdb_exc.c); for #DB the
 * hardware has already updated DR6 in the VMCB. See: APM2 15.12.
 */
static struct hv_verdict svm_exit_excp_db(struct vcpu *v)
{
	return hv_dbg_debug_exc(v);
}

/*
 * IRET, intercepted while L1 runs the handler of an NMI svmhv injected: it
 * has not executed; its completion ends the blocking (hv/nmi.h).
 */
static struct hv_verdict svm_exit_iret(struct vcpu *v)
{
	hv_nmi_iret(&v->nmi, v->vmcb->save.rip);
	return hv_resume();
}

static struct hv_verdict svm_exit_excp_ac(struct vcpu *v)
{
	(void)v;
	return hv_inject_err(VEC_AC, 0);
}

/*
 * vmcb02 on the shadow of L1's nested page tables faulted at an L2-physical
 * address: a shadow miss (filled; L2 retries), L1's own nested page fault
 * (reflected), or an L1-physical page that is svmhv's to handle (*gpa).
 */
static bool shadow_npf(struct vcpu *v, uint64_t *gpa, struct hv_verdict *vd)
{
	switch (nested_npf(&v->nested, &hv.nested, v->vmcb01, &v->tlb, gpa)) {
	case NESTED_NPF_FILLED:
		*vd = hv_resume();
		return true;
	case NESTED_NPF_L1:
		*vd = hv_verdict_of(HV_REFLECT);
		return true;
	default:
		return false;
	}
}

/*
 * Nested page fault. svmhv's tables map every guest-physical address (up to
 * 2^48) and fault only on writes: to the xAPIC page (write-protected, see
 * hv/apic/vapic.c), to the pages isolation guards (the IOMMU's registers,
 * I/O APICs, ECAM: hv/iso/npf.c), and to the blank page that stands for
 * svmhv's own memory and for everything above hv.gpa_bits (with SME, the
 * C-bit alias of every page among it): that write is dropped and the
 * instruction skipped, as unbacked memory drops it. A write made while
 * delivering an event (a stack or IDT in a hole) cannot be dropped and
 * resumed: the guest's state is lost, a shutdown; so is a read or fetch
 * beyond 2^48, which no 4-level map reaches. Any other fault is a hole in
 * svmhv's own tables: its bug. See: APM2 15.25.6 (exit_info_1 bits).
 */
static struct hv_verdict svm_exit_npf(struct vcpu *v)
{
	struct vmcb_control *c = &v->vmcb->control;
	uint64_t info = c->exit_info_1, gpa = c->exit_info_2;
	struct hv_verdict vd;

	if (v->nested.in_l2 && v->nested.npt && shadow_npf(v, &gpa, &vd))
		return vd;

	c->next_rip = 0;                /* an NPF gives no NextRIP: decode */
	if ((info & NPF_WRITE) && hv_apic_is_page(gpa))
		return hv_apic_npf_write(v, gpa);
	if ((info & NPF_WRITE) && hv_iso_npf_owns(gpa))
		return hv_iso_npf_write(v, gpa);
	if ((info & NPF_WRITE) && hv_npt_is_blank(gpa)) {
		hv_warn("npf", "vCPU %u: guest write to %s at %llx (rip %llx) dropped", v->index,
			gmem_is_hv(&hv.gmem, gpa, 1) ? "svmhv memory" : "unbacked memory",
			(unsigned long long)gpa, (unsigned long long)v->vmcb->save.rip);
		if (c->exit_int_info & SVM_EVTINJ_VALID) {
			c->event_inj = 0;
			hv_err("npf", "vCPU %u: event delivery wrote to a hole: guest shutdown",
			       v->index);
			return hv_verdict_of(HV_STOP);
		}
		return hv_skip_insn(v);
	}
	if (gpa >> hv.gpa_bits) {
		/*
		 * A read or fetch beyond the guest's physical space that the
		 * blank map does not catch: a gpa the 4-level nested walk
		 * cannot reach (bits 51:48 on a 52-bit CPU), which the guest,
		 * told hv.gpa_bits in CPUID, should never form. svmhv has no
		 * value to give it: the guest shuts down, svmhv lives on.
		 */
		hv_err("npf", "vCPU %u: guest %s at gpa %llx beyond its %u-bit physical space "
		       "(rip %llx): guest shutdown", v->index,
		       (info & NPF_FETCH) ? "fetch" : (info & NPF_WRITE) ? "write" : "read",
		       (unsigned long long)gpa, hv.gpa_bits,
		       (unsigned long long)v->vmcb->save.rip);
		c->event_inj = 0;
		return hv_verdict_of(HV_STOP);
	}
	hv_panic(v, "unexpected nested page fault at gpa %llx info %llx",
		 (unsigned long long)gpa, (unsigned long long)info);
}

/* The IOPM's ports belong to isolation (hv/iso/ioio.c) or the debugger (hv/dbg/). */
/* IOIO EXITINFO1 (APM2 15.10.2): IN, string, REP, SZ8/16/32, port. */
#define IOIO_IN                 BIT(0)
#define IOIO_STRING             BIT(2)
#define IOIO_SIZE(info)         ((unsigned)((info) >> 4) & 7u)

/*
 * An IN/OUT of L2 that L1's IOPM lets through (L1's map is consulted at
 * each access: vmcb02 intercepts every port, nested_route()) on a port
 * svmhv does not intercept: done here as the CPU would for L2, with L1's
 * rights. A string one is executed by L2 itself through an IOPM hole that
 * closes at its next exit (nested_io_hole()): no emulation of its memory
 * operand.
 */
static struct hv_verdict l2_io_pass(struct vcpu *v)
{
	struct vmcb_control *c = &v->vmcb->control;
	uint64_t info = c->exit_info_1, rax = v->vmcb->save.rax;
	uint16_t port = (uint16_t)(info >> 16);
	unsigned size = IOIO_SIZE(info) == 4 ? 4 : IOIO_SIZE(info) == 2 ? 2 : 1;

	if (info & IOIO_STRING) {
		nested_io_hole(&v->nested, port, size);
		return hv_resume();                     /* again, natively */
	}
	if (info & IOIO_IN) {
		if (size == 4)
			rax = inl(port);                /* a 32-bit result zero-extends */
		else if (size == 2)
			rax = (rax & ~0xffffull) | inw(port);
		else
			rax = (rax & ~0xffull) | inb(port);
		v->vmcb->save.rax = rax;
	} else if (size == 4) {
		outl(port, (uint32_t)rax);
	} else if (size == 2) {
		outw(port, (uint16_t)rax);
	} else {
		outb(port, (uint8_t)rax);
	}
	hv_set_rip(v, c->exit_info_2);
	return hv_resume();
}

static struct hv_verdict svm_exit_ioio(struct vcpu *v)
{
	uint64_t info = v->vmcb->control.exit_info_1;

	if (hv_iso_ioio_owns(info))
		return hv_iso_ioio(v);
	if (v->nested.in_l2 && !svm_iopm_intercepted(hv.nested.hv_iopm, (uint16_t)(info >> 16),
						    IOIO_SIZE(info)))
		return l2_io_pass(v);
	return hv_dbg_ioio(v);
}

/*
 * INVLPGB (legal operand or not) and TLBSYNC: hidden from CPUID, #UD as on a
 * CPU without them. Run with a vCPU's own ASID they would miss the other
 * vCPUs' TLBs (docs/architecture.md "INVLPGB and TLBSYNC").
 */
static struct hv_verdict svm_exit_invlpgb(struct vcpu *v)
{
	hv_debug("exit", "vCPU %u: %s at rip %llx: #UD (hidden by svmhv)", v->index,
		 v->vmcb->control.exit_code == VMEXIT_TLBSYNC ? "TLBSYNC" : "INVLPGB",
		 (unsigned long long)v->vmcb->save.rip);
	return hv_inject(VEC_UD);
}

/*
 * A physical interrupt L1 would take now (IF = 1), intercepted only while
 * L1's GIF is on VGIF and a V_GIF = 0 window may be open: L1 takes it
 * (GIF = 1) or it waits for L1's STGI (nested/gif.h). The interrupt is still
 * pending in the local APIC either way. From vmcb02 an INTR exit is L1's
 * (vmcb02 intercepts INTR only for L1): never here.
 */
static struct hv_verdict svm_exit_intr(struct vcpu *v)
{
	if (!v->nested.in_l2)
		nested_gif_intr(&v->nested.gif);
	return hv_resume();
}

/* Triple fault (in L1, or in L2 without L1's SHUTDOWN intercept). */
static struct hv_verdict svm_exit_shutdown(struct vcpu *v)
{
	(void)v;
	return hv_verdict_of(HV_STOP);
}

static const exit_handler_t svm_exit_handlers[HV_EXIT_SLOTS] = {
	[VMEXIT_EXCP_BASE + VEC_DB] = svm_exit_excp_db,
	[VMEXIT_EXCP_BASE + VEC_AC] = svm_exit_excp_ac,
	/* The debugger (hv/dbg/): its UART, gdb's INT3s and debug registers. */
	[VMEXIT_IOIO]           = svm_exit_ioio,
	[VMEXIT_HLT]            = hv_dbg_hlt,
	[VMEXIT_EXCP_BASE + VEC_BP] = hv_dbg_breakpoint,
	[VMEXIT_SWINT]          = hv_dbg_breakpoint,
	[VMEXIT_DR0_READ + 0]   = hv_dbg_dr_access,
	[VMEXIT_DR0_READ + 1]   = hv_dbg_dr_access,
	[VMEXIT_DR0_READ + 2]   = hv_dbg_dr_access,
	[VMEXIT_DR0_READ + 3]   = hv_dbg_dr_access,
	[VMEXIT_DR0_READ + 7]   = hv_dbg_dr_access,
	[VMEXIT_DR0_WRITE + 0]  = hv_dbg_dr_access,
	[VMEXIT_DR0_WRITE + 1]  = hv_dbg_dr_access,
	[VMEXIT_DR0_WRITE + 2]  = hv_dbg_dr_access,
	[VMEXIT_DR0_WRITE + 3]  = hv_dbg_dr_access,
	[VMEXIT_DR0_WRITE + 7]  = hv_dbg_dr_access,
	[VMEXIT_INTR]           = svm_exit_intr,        /* VGIF: nested/gif.h */
	[VMEXIT_NMI]            = hv_smp_nmi_exit,
	[VMEXIT_IRET]           = svm_exit_iret,
	[VMEXIT_SMI]            = hv_smp_smi_exit,
	[VMEXIT_INIT]           = hv_iso_init_exit,     /* APM2 15.13.3 */
	[VMEXIT_CPUID]          = svm_exit_cpuid,
	[VMEXIT_MSR]            = hv_msr_exit,
	[VMEXIT_VMMCALL]        = svm_exit_vmmcall,
	[VMEXIT_VMRUN]          = svm_exit_svm_insn,
	[VMEXIT_VMLOAD]         = svm_exit_svm_insn,
	[VMEXIT_VMSAVE]         = svm_exit_svm_insn,
	[VMEXIT_STGI]           = svm_exit_svm_insn,
	[VMEXIT_CLGI]           = svm_exit_svm_insn,
	[VMEXIT_SKINIT]         = svm_exit_svm_insn,
	[VMEXIT_INVLPGA]        = svm_exit_svm_insn,
	[VMEXIT_SHUTDOWN]       = svm_exit_shutdown,
	[VMEXIT_INVLPGB]        = svm_exit_invlpgb,
	[VMEXIT_INVLPGB_ILL]    = svm_exit_invlpgb,
	[VMEXIT_TLBSYNC]        = svm_exit_invlpgb,
	[HV_EXIT_SLOT_NPF]      = svm_exit_npf,
	[HV_EXIT_SLOT_INVALID]  = hv_exit_invalid,
};

struct hv_verdict hv_handle_exit(struct vcpu *v)
{
	uint64_t code = v->vmcb->control.exit_code;
	int slot = hv_exit_slot(code);

	if (slot < 0 || !svm_exit_handlers[slot])
		hv_panic(v, "unhandled #VMEXIT %llx", (unsigned long long)code);
	if (hv.boot.test_panic)
		hv_panic(v, "test_panic=on: forced at vCPU %u's first exit", v->index);
	hv_iso_poll(false);     /* the IOMMU's fault log, every few ms */
	/*
	 * An exit taken while the CPU was delivering an event leaves that event
	 * in EXITINTINFO; inject it again (same format as EVENTINJ) unless the
	 * verdict replaces it, so no interrupt or exception is lost. An event
	 * of an instruction (INTn, INT3, INTO) is not: the guest re-executes
	 * the instruction. See: APM2 15.7.2.
	 */
	if ((v->vmcb->control.exit_int_info & SVM_EVTINJ_VALID) &&
	    !svm_event_from_insn(v->vmcb->control.exit_int_info))
		v->vmcb->control.event_inj = v->vmcb->control.exit_int_info;
	return svm_exit_handlers[slot](v);
}
