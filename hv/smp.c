/* SPDX-License-Identifier: MIT */
/*
 * Kicks and requests between CPUs.
 *
 * A CPU posts a request into another vCPU's `requests` word, then reads that
 * vCPU's `mode`; the vCPU's CPU stores mode = IN_GUEST before it reads its
 * requests a last time and VMRUNs. Both sides use sequentially consistent
 * atomics, so either the target sees the request before VMRUN, or the poster
 * sees IN_GUEST and sends an NMI, which (intercepted) forces a #VMEXIT. The
 * poster marks the NMI as a kick in the target's kick_pending first, so the
 * target can tell a kick from an NMI meant for its guest. A guest NMI that
 * coalesces with a kick is lost: the price of using NMIs, which reach a guest
 * halted with interrupts disabled (e.g. an offline CPU waiting for INIT).
 * See: APM2 15.13.2 (NMI intercept), 15.17 (GIF).
 */
#include "hv/smp.h"

#include "hv/apic/init.h"
#include "svm/hw.h"
#include "hv/console.h"
#include "hv/hv.h"
#include "hv/apic/lapic.h"
#include "hv/nested.h"

uint32_t hv_read_apic_id(void)
{
	struct cpuid_regs r;

	cpuid_count(0, 0, &r);
	if (r.eax >= 0xb) {
		cpuid_count(0xb, 0, &r);
		if (r.ebx)                      /* leaf 0xB implemented: x2APIC ID */
			return r.edx;
	}
	cpuid_count(1, 0, &r);
	return r.ebx >> 24;
}

unsigned hv_this_cpu(void)
{
	uint32_t id = hv_read_apic_id();

	for (unsigned i = 0; i < hv.ncpu; i++)
		if (hv.cpus[i].apic_id == id)
			return i;
	return 0;
}

void hv_smp_host_nmi(void)
{
	hv.cpus[hv_this_cpu()].host_nmis++;
}

void hv_apic_send_nmi(uint32_t apic_id)
{
	struct vcpu *self = hv.cpus[hv_this_cpu()].vcpu;
	uint64_t dest = hv_lapic_x2apic() ? (uint64_t)apic_id << 32 : (uint64_t)apic_id << 56;

	hv_lapic_send_icr(dest | ((uint64_t)HV_APIC_DM_NMI << APIC_ICR_DM_SHIFT), self ? self->apic_icr_hi : 0);
}

/*
 * Kick a CPU: at most one kick NMI is ever in flight per CPU. Only the poster
 * that sets kick_pending sends the NMI; otherwise a second NMI could still be
 * pending (GIF = 0) after the first one's exit cleared the flag, and would be
 * taken for a guest NMI — e.g. injected into an AP right after its SIPI.
 */
void hv_kick_cpu(struct hv_cpu *cpu)
{
	if (!__atomic_exchange_n(&cpu->kick_pending, 1, __ATOMIC_SEQ_CST))
		hv_apic_send_nmi(cpu->apic_id);
}

void hv_vcpu_request(struct vcpu *v, uint32_t req)
{
	__atomic_or_fetch(&v->requests, req, __ATOMIC_SEQ_CST);
	if (v->cpu == &hv.cpus[hv_this_cpu()])
		return;                 /* served on this CPU before its next VMRUN */
	if (__atomic_load_n(&v->mode, __ATOMIC_SEQ_CST) == HV_MODE_IN_GUEST)
		hv_kick_cpu(v->cpu);
}

/*
 * INIT: the architected INIT state, held until a SIPI (the boot CPU restarts
 * at the reset vector instead). See: APM2 14.1.3, Intel SDM Vol 3 9.1.
 */
static void serve_init(struct vcpu *v)
{
	enum hv_mp_state st = (enum hv_mp_state)v->mp_state;
	struct cpuid_regs r;

	if (!hv_nested_init(v))
		return;                 /* held until L1's STGI */
	if (hv_mp_on_init(&st, v->index == 0) == HV_MP_LOAD_INIT) {
		hv_vmcb_init_state(&v->vmcb01->save);
		v->regs = (struct vcpu_regs){ 0 };
		cpuid_count(1, 0, &r);
		v->regs.rdx = r.eax;    /* EDX = processor signature after INIT */
		v->vmcb01->control.event_inj = 0;
		v->vmcb01->control.int_state = 0;
		/* INIT flushes the TLB: this vCPU's contexts start afresh. */
		tlb_forced_exit(&v->tlb, true);
	}
	v->mp_state = st;
	hv_debug("smp", "vCPU %u: INIT%s", v->index, st == HV_MP_WAIT_SIPI ? ", waiting for SIPI" : "");
}

static void serve_sipi(struct vcpu *v)
{
	enum hv_mp_state st = (enum hv_mp_state)v->mp_state;

	if (hv_mp_on_sipi(&st) == HV_MP_LOAD_SIPI) {
		hv_vmcb_sipi_state(&v->vmcb01->save, v->sipi_vector);
		hv_debug("smp", "vCPU %u: SIPI, starting at %x:0000", v->index,
			 (unsigned)v->sipi_vector << 8);
	}
	v->mp_state = st;
}

static void serve(struct vcpu *v, uint32_t req)
{
	if (req & HV_REQ_INIT)
		serve_init(v);
	if (req & HV_REQ_SIPI)
		serve_sipi(v);
	/* HV_REQ_TLB only wakes the vCPU: tlb_before_vmrun() applies the flush. */
}

void hv_vcpu_prepare_run(struct vcpu *v)
{
	for (;;) {
		__atomic_store_n(&v->mode, HV_MODE_OUTSIDE_GUEST, __ATOMIC_SEQ_CST);
		uint32_t req = __atomic_exchange_n(&v->requests, 0, __ATOMIC_SEQ_CST);

		if (req)
			serve(v, req);
		if (v->mp_state == HV_MP_WAIT_SIPI) {
			cpu_relax();    /* held in host mode until a SIPI arrives */
			continue;
		}
		__atomic_store_n(&v->mode, HV_MODE_IN_GUEST, __ATOMIC_SEQ_CST);
		if (!__atomic_load_n(&v->requests, __ATOMIC_SEQ_CST)) {
			enum tlb_ctx ctx = hv_nested_prepare(v);

			/* Last write to the VMCB: pending flushes, ASID. */
			tlb_before_vmrun(&v->tlb, v->cpu->tlb, v->vmcb, ctx);
			return;
		}
	}
}

void hv_smp_nmi_exit(struct vcpu *v)
{
	struct vmcb_control *c = &v->vmcb->control;

	/* The intercepted NMI is still pending: open GIF so the host takes it. */
	__asm__ volatile("stgi\n\tnop\n\tclgi" ::: "memory");
	if (__atomic_exchange_n(&v->cpu->kick_pending, 0, __ATOMIC_SEQ_CST))
		return;                 /* a kick: the requests are served before VMRUN */
	if (hv.boot.nested) {
		nested_gif_nmi(&v->nested.gif);  /* delivered per L1's GIF and intercepts */
		return;
	}
	if (c->event_inj & SVM_EVTINJ_VALID) {
		hv_warn("smp", "vCPU %u: NMI dropped behind a pending event", v->index);
		return;
	}
	c->event_inj = 2 | SVM_EVTINJ_TYPE_NMI | SVM_EVTINJ_VALID;
}
