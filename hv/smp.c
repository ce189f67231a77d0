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
 * target can tell a kick from an NMI meant for its guest. The guest's NMI IPIs
 * never become physical NMIs (hv/apic/vapic.c emulates them as HV_REQ_NMI);
 * an NMI from another source (a performance counter, LINT1) that coalesces
 * with a kick is lost: the price of using NMIs, which reach a guest halted
 * with interrupts disabled (e.g. an offline CPU waiting for INIT).
 * See: APM2 15.13.2 (NMI intercept), 15.17 (GIF).
 */
#include "hv/smp.h"

#include "hv/apic/lapic.h"
#include "hv/hv.h"
#include "svm/atomic.h"
#include "svm/hw.h"

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

struct hv_cpu *hv_this_cpu_fast(void)
{
	uint64_t gs, base;

	if (!hv.cpus)
		return NULL;            /* hv_setup() has not sized the tables yet */
	gs = rdmsr(MSR_GS_BASE);
	base = (uint64_t)(uintptr_t)hv.cpus;

	if (gs < base || gs >= base + (uint64_t)hv.ncpu * sizeof(struct hv_cpu) ||
	    (gs - base) % sizeof(struct hv_cpu))
		return NULL;
	return &hv.cpus[(gs - base) / sizeof(struct hv_cpu)];
}

uint64_t hv_apic_base_msr(void)
{
	struct hv_cpu *c = hv_this_cpu_fast();

	if (c && c->apic_base_hw)
		return c->apic_base_hw;
	return rdmsr(MSR_APIC_BASE);
}

void hv_apic_base_written(uint64_t val)
{
	struct hv_cpu *c = hv_this_cpu_fast();

	if (c)
		c->apic_base_hw = val;
}

unsigned hv_this_cpu(void)
{
	struct hv_cpu *c = hv_this_cpu_fast();
	uint32_t id;

	if (c)
		return c->index;
	id = hv_read_apic_id();

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
	if (!svm_atomic_xchg(&cpu->kick_pending, 1, __ATOMIC_SEQ_CST))
		hv_apic_send_nmi(cpu->apic_id);
}

void hv_vcpu_request(struct vcpu *v, uint32_t req)
{
	svm_atomic_or(&v->requests, req, __ATOMIC_SEQ_CST);
	if (v->cpu == &hv.cpus[hv_this_cpu()])
		return;                 /* served on this CPU before its next VMRUN */
	switch (svm_atomic_load(&v->mode, __ATOMIC_SEQ_CST)) {
	case HV_MODE_IN_GUEST:          /* the NMI forces a #VMEXIT */
		hv_kick_cpu(v->cpu);
		break;
	case HV_MODE_HALTED:            /* the NMI ends the HLT, if it changes the wait */
		if (req & HV_REQ_WAKE)
			hv_kick_cpu(v->cpu);
		break;
	default:
		break;
	}
}

/*
 * Wait until t cannot run guest code older than a request posted before this
 * call: it is outside guest mode (it serves requests before its next VMRUN),
 * or it has #VMEXITed since. A kicked vCPU exits at once (the NMI is
 * intercepted), so this ends. See hv_vcpu_request() for the handshake.
 */
void hv_vcpu_wait_kicked(struct vcpu *t)
{
	uint64_t seen = svm_atomic_load(&t->exit_total, __ATOMIC_ACQUIRE);

	while (svm_atomic_load(&t->mode, __ATOMIC_SEQ_CST) == HV_MODE_IN_GUEST &&
	       svm_atomic_load(&t->exit_total, __ATOMIC_ACQUIRE) == seen)
		cpu_relax();
}

/*
 * VMEXIT_NMI: a kick (its requests are served before the next VMRUN), or an
 * NMI for the guest, held by nested/gif.h and delivered by the run loop as
 * L1's GIF and intercepts allow (without nested SVM, GIF is always 1).
 */
struct hv_verdict hv_smp_nmi_exit(struct vcpu *v)
{
	/* The intercepted NMI is still pending: open GIF so the host takes it. */
	stgi();
	__asm__ volatile("nop" ::: "memory");
	clgi();
	hv_smp_nmi_taken(v);
	return hv_resume();
}

/*
 * VMEXIT_SMI: a physical SMI (the firmware's: OVMF's variable writes ring
 * port 0xB2, real chipsets raise them for power and thermal events). It
 * stays pending across the #VMEXIT (APM2 15.13.3): STGI lets the CPU take
 * it here, in host mode, and the firmware's SMM handler returns with RSM
 * to svmhv. Not intercepted, the SMI would enter SMM with the guest's state
 * and, on an emulated CPU (QEMU TCG), with svmhv's intercepts still armed:
 * an SMM handler's exit then hands svmhv SMM's registers as the guest's
 * (docs/architecture.md "SMM"). The guest never sees an SMI.
 */
struct hv_verdict hv_smp_smi_exit(struct vcpu *v)
{
	stgi();
	__asm__ volatile("nop" ::: "memory");
	clgi();
	return hv_resume();
}

void hv_smp_nmi_taken(struct vcpu *v)
{
	if (!svm_atomic_xchg(&v->cpu->kick_pending, 0, __ATOMIC_SEQ_CST))
		nested_gif_nmi(&v->nested.gif);
}

/*
 * GIF opened for one step of a host-mode wait: a pending SMI or NMI is taken
 * here (PAUSE), or the CPU halts until a kick (halt). An NMI taken is a kick
 * or the guest's, as hv_smp_nmi_taken() says.
 */
static void gif_window(struct vcpu *v, bool halt)
{
	uint64_t nmis = svm_atomic_load(&v->cpu->host_nmis, __ATOMIC_RELAXED);

	stgi();
	if (halt)
		halt_unless(&v->requests);
	else
		cpu_relax();
	clgi();
	if (svm_atomic_load(&v->cpu->host_nmis, __ATOMIC_RELAXED) != nmis)
		hv_smp_nmi_taken(v);
}

/*
 * A vCPU with nothing to run until another CPU posts a request (a SIPI):
 * HLT with GIF open, so SMIs are taken and a kick's NMI wakes it. mode =
 * HALTED before the last look at the requests, both sequentially
 * consistent (the handshake of hv_vcpu_request(), as for IN_GUEST): a
 * poster either is seen, or sees HALTED and kicks; halt_unless() loses no
 * kick that lands between its check and its HLT. Unlike spinning, it
 * leaves the core (an SMT sibling, or a host thread under emulation) to
 * others.
 */
void hv_host_halt(struct vcpu *v)
{
	svm_atomic_store(&v->mode, HV_MODE_HALTED, __ATOMIC_SEQ_CST);
	gif_window(v, true);
	svm_atomic_store(&v->mode, HV_MODE_OUTSIDE_GUEST, __ATOMIC_SEQ_CST);
}

void hv_host_relax(struct vcpu *v)
{
	gif_window(v, false);
}
