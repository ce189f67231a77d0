/* SPDX-License-Identifier: MIT */
/*
 * #VMEXIT dispatch for L1. Called by svm/world.asm with GIF = 0 and the guest
 * state saved. Every exit code svmhv intercepts has an entry in
 * svm_exit_handlers[]; an exit without one dumps the VMCB and panics.
 * See: APM2 15.6, Appendix C (exit codes).
 */
#include "hv/hv.h"

#include "svm/hw.h"
#include "hv/console.h"
#include "hv/hc.h"
#include "hv/nested.h"
#include "hv/panic.h"
#include "hv/policy.h"
#include "hv/smp.h"
#include "hv/stats.h"

typedef void (*exit_handler_t)(struct vcpu *v);


static void svm_exit_cpuid(struct vcpu *v)
{
	struct vmcb_save *s = &v->vmcb->save;
	struct cpuid_regs r;
	uint32_t leaf = (uint32_t)s->rax, sub = (uint32_t)v->regs.rcx;

	cpuid_count(leaf, sub, &r);
	hv_cpuid_filter(leaf, sub, &r, &hv.cpuid_ctx);
	s->rax = r.eax;
	v->regs.rbx = r.ebx;
	v->regs.rcx = r.ecx;
	v->regs.rdx = r.edx;
	hv_skip_insn(v);
}

static void svm_exit_msr(struct vcpu *v)
{
	struct vmcb_save *s = &v->vmcb->save;
	uint32_t msr = (uint32_t)v->regs.rcx;
	bool write = v->vmcb->control.exit_info_1 & 1;
	uint64_t val = (s->rax & 0xffffffffull) | (v->regs.rdx << 32), efer;

	/* L2's EFER holds SVME as L1 gave it; L1's SVME is virtual. */
	bool svme = v->nested.in_l2 || v->nested.svme;

	switch (hv_msr_policy(msr, write, hv.boot.nested)) {
	case HV_MSR_EFER:
		if (!write) {
			val = hv_efer_read(s->efer, svme);
			s->rax = (uint32_t)val;
			v->regs.rdx = val >> 32;
		} else if (hv_efer_write(s->efer, val, s->cr0, hv.efer_allowed |
					 (hv.boot.nested ? EFER_SVME : 0), &efer) == 0) {
			s->efer = efer;
			if (!v->nested.in_l2)
				v->nested.svme = val & EFER_SVME;
		} else {
			break;
		}
		hv_skip_insn(v);
		return;
	case HV_MSR_HSAVE_PA:
		if (!write) {
			s->rax = (uint32_t)v->nested.hsave_pa;
			v->regs.rdx = v->nested.hsave_pa >> 32;
		} else if (!(val & 0xfff) && val < (1ull << hv.feat.maxphyaddr) &&
			   !gmem_is_hv(&hv.gmem, val, 4096)) {
			v->nested.hsave_pa = val;
		} else {
			break;
		}
		hv_skip_insn(v);
		return;
	case HV_MSR_VM_CR:
		if (!write) {                   /* SVM enabled, not locked */
			s->rax = 0;
			v->regs.rdx = 0;
		}
		hv_skip_insn(v);
		return;
	case HV_MSR_APIC_BASE:
		if (hv_apic_base_write(v, val))
			break;
		hv_skip_insn(v);
		return;
	case HV_MSR_X2APIC_ICR:
		if (hv_apic_icr_write(v, val, true))
			break;
		hv_skip_insn(v);
		return;
	case HV_MSR_GP:
	case HV_MSR_OUTSIDE_MAP:
		break;
	}
	hv_debug("msr", "#GP: %s MSR %x value %llx", write ? "WRMSR" : "RDMSR", msr,
		 (unsigned long long)val);
	hv_inject_exception(v, VEC_GP, 1, 0);
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
		hv_stats_tlb(&t->tlb, dump_print, &i);
	}
}

static void svm_exit_vmmcall(struct vcpu *v)
{
	struct vmcb_save *s = &v->vmcb->save;
	struct hv_hc_env env = {
		.vcpus = hv.vcpus, .nvcpu = hv.ncpu, .self = v->index,
		.mem_base = hv.boot.pool_pa, .mem_size = hv.boot.pool_size,
		.tlb_flushes = hc_tlb_flushes, .asids = hc_asids,
		.apic_ids = hv.apic_ids, .cpl = s->cpl, .dump = hv_dump_counters,
	};
	struct hv_hc_regs r = { s->rax, v->regs.rbx, v->regs.rcx, v->regs.rdx };

	hv_hypercall(&env, &r);
	s->rax = r.rax;
	v->regs.rbx = r.rbx;
	v->regs.rcx = r.rcx;
	v->regs.rdx = r.rdx;
	hv_skip_insn(v);
}

/* SVM instructions from L1: nested SVM emulation (#UD when not offered). */
static void svm_exit_svm_insn(struct vcpu *v)
{
	hv_nested_svm_insn(v, v->vmcb->control.exit_code);
}

/*
 * #DB and #AC are intercepted only so that a guest cannot hang the physical
 * CPU with an endless chain of them (CVE-2015-5307, CVE-2015-8104): every
 * delivery now passes through svmhv. They are reflected unchanged; for #DB
 * the hardware has already updated DR6 in the VMCB. See: APM2 15.12.
 */
static void svm_exit_excp_db(struct vcpu *v)
{
	hv_inject_exception(v, VEC_DB, 0, 0);
}

static void svm_exit_excp_ac(struct vcpu *v)
{
	hv_inject_exception(v, VEC_AC, 1, 0);
}

/*
 * Nested page fault. svmhv's tables fault only on writes: to the xAPIC page
 * (write-protected, see hv/apic/vapic.c), and to svmhv's own memory, which is
 * mapped read-only to a blank page: that write is dropped and the
 * instruction skipped. See: APM2 15.25.6 (exit_info_1 bits).
 */
static void svm_exit_npf(struct vcpu *v)
{
	uint64_t info = v->vmcb->control.exit_info_1, gpa = v->vmcb->control.exit_info_2;
	static unsigned warned;

	if ((info & NPF_WRITE) && hv_apic_is_page(gpa)) {
		hv_apic_npf_write(v, gpa);
		return;
	}
	if ((info & NPF_WRITE) && gmem_is_hv(&hv.gmem, gpa, 1)) {
		if (warned++ < 8)
			hv_warn("npf", "guest write to svmhv memory at %llx (rip %llx) dropped",
				(unsigned long long)gpa, (unsigned long long)v->vmcb->save.rip);
		hv_skip_insn(v);
		return;
	}
	hv_panic(v, "unexpected nested page fault at gpa %llx info %llx",
		 (unsigned long long)gpa, (unsigned long long)info);
}

/*
 * A physical INIT reached a CPU in guest mode: something sent it around
 * svmhv's ICR virtualization (a CPU not under svmhv, or a bug). The INIT
 * stays pending in the hardware, so this CPU cannot go on.
 */
static void svm_exit_init(struct vcpu *v)
{
	hv_panic(v, "physical INIT received on vCPU %u: an IPI bypassed svmhv", v->index);
}

/* Triple fault in L1: the machine would reset; do so after saying why. */
static void svm_exit_shutdown(struct vcpu *v)
{
	hv_err("exit", "guest shutdown (triple fault) on vCPU %u; resetting the machine", v->index);
	vmcb_dump(v->vmcb);
	outb(0xcf9, 0x02);
	outb(0xcf9, 0x06);      /* PCI reset control: hard reset */
	hv_panic(v, "machine reset failed after guest shutdown");
}

static const exit_handler_t svm_exit_handlers[HV_EXIT_SLOTS] = {
	[VMEXIT_EXCP_BASE + VEC_DB] = svm_exit_excp_db,
	[VMEXIT_EXCP_BASE + VEC_AC] = svm_exit_excp_ac,
	[VMEXIT_NMI]            = hv_smp_nmi_exit,
	[VMEXIT_INIT]           = svm_exit_init,
	[VMEXIT_CPUID]          = svm_exit_cpuid,
	[VMEXIT_MSR]            = svm_exit_msr,
	[VMEXIT_VMMCALL]        = svm_exit_vmmcall,
	[VMEXIT_VMRUN]          = svm_exit_svm_insn,
	[VMEXIT_VMLOAD]         = svm_exit_svm_insn,
	[VMEXIT_VMSAVE]         = svm_exit_svm_insn,
	[VMEXIT_STGI]           = svm_exit_svm_insn,
	[VMEXIT_CLGI]           = svm_exit_svm_insn,
	[VMEXIT_SKINIT]         = svm_exit_svm_insn,
	[VMEXIT_INVLPGA]        = svm_exit_svm_insn,
	[VMEXIT_SHUTDOWN]       = svm_exit_shutdown,
	[HV_EXIT_SLOT_NPF]      = svm_exit_npf,
};

void svm_handle_exit(struct vcpu *v)
{
	uint64_t code = v->vmcb->control.exit_code;
	int slot = hv_exit_slot(code);

	__atomic_store_n(&v->mode, HV_MODE_OUTSIDE_GUEST, __ATOMIC_SEQ_CST);
	tlb_after_vmexit(&v->tlb, v->vmcb, slot == HV_EXIT_SLOT_INVALID);
	v->exit_total++;
	if (slot >= 0)
		v->exit_counts[slot]++;
	if (v->nested.in_l2 && hv_nested_route(v))
		goto out;               /* L1's exit, reflected into its vmcb12 */
	if (slot == HV_EXIT_SLOT_INVALID)
		hv_panic(v, "VMRUN failed: VMEXIT_INVALID (inconsistent guest state)");
	if (slot < 0 || !svm_exit_handlers[slot])
		hv_panic(v, "unhandled #VMEXIT %llx", (unsigned long long)code);
	/*
	 * An exit taken while the CPU was delivering an event leaves that event
	 * in EXITINTINFO; inject it again (same format as EVENTINJ) unless the
	 * handler replaces it, so no interrupt or exception is lost.
	 * See: APM2 15.7.2.
	 */
	if (v->vmcb->control.exit_int_info & SVM_EVTINJ_VALID)
		v->vmcb->control.event_inj = v->vmcb->control.exit_int_info;
	svm_exit_handlers[slot](v);
	if (v->nested.reflect)
		hv_nested_reflect(v);   /* an L0 handler raised what L1 intercepts */
out:
	hv_vcpu_prepare_run(v);
}
