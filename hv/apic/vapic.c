/* SPDX-License-Identifier: MIT */
/*
 * Local APIC virtualization: INIT, SIPI and NMI IPIs between svmhv's CPUs
 * never reach the hardware.
 * xAPIC: the APIC page is mapped read-only in the nested page tables, so each
 * guest store to it exits as a nested page fault; svmhv decodes the store
 * (with the CPU's decode assists where it has them, not under QEMU TCG),
 * performs it on the real APIC (a read-modify-write on its old value), and
 * emulates INIT/SIPI/NMI written to ICR. x2APIC: WRMSR to the ICR (0x830) is
 * intercepted. Every other ICR write goes to the hardware as the guest wrote
 * it (hv/apic/icr.h). See: APM2 16.5 (IPIs), 16.11 (x2APIC), 15.25 (NPT).
 */
#include "hv/apic/vapic.h"

#include "hv/apic/apic.h"
#include "hv/apic/icr.h"
#include "svm/hw.h"
#include "hv/console.h"
#include "hv/hv.h"
#include "hv/apic/lapic.h"
#include "hv/insn/store.h"
#include "hv/iso/iso.h"
#include "hv/smp.h"
#include "hv/npt.h"
#include "mm/npt.h"


bool hv_apic_is_page(uint64_t gpa)
{
	return hv.apic_base && (gpa & ~0xfffull) == hv.apic_base;
}

/* Write-protect the xAPIC page for every vCPU (before the first VMRUN). */
int hv_apic_setup(void)
{
	int rc;

	hv.apic_base = hv_lapic_base();
	rc = hv_npt_map(hv.apic_base, APIC_PAGE_SIZE, NPT_IDENTITY, NPT_PERM_RO, NULL);
	if (!rc)
		rc = gmem_add_emulated(&hv.gmem, hv.apic_base, APIC_PAGE_SIZE);
	if (rc)
		hv_err("apic", "cannot write-protect the APIC page at %llx (%d)",
		       (unsigned long long)hv.apic_base, rc);
	else
		hv_info("apic", "APIC page %llx write-protected: ICR writes are virtualized",
			(unsigned long long)hv.apic_base);
	return rc;
}

/*
 * The guest's logical destination setup as the firmware left it when svmhv
 * took this CPU: an xAPIC LDR and DFR programmed before svmhv started would
 * otherwise be unknown to destination resolution, and INIT/SIPI sent to that
 * logical destination lost. In x2APIC mode the LDR follows from the x2APIC
 * ID (hv_x2apic_ldr()). Runs on the CPU being taken, after
 * hv_msr_vcpu_init() read its APIC base.
 */
void hv_apic_vcpu_init(struct vcpu *v)
{
	if (v->apic_x2 || !(v->apic_base & APIC_BASE_EN))
		return;
	v->apic_ldr = hv_lapic_read(APIC_LDR);
	v->apic_dfr = hv_lapic_read(APIC_DFR);
}

/*
 * The APIC view of every CPU present, for destination resolution. A CPU not
 * (yet) under svmhv has no vCPU: its APIC mode and xAPIC logical setup are
 * unknown to svmhv, so physical destinations, shorthands and x2APIC-form
 * logical destinations reach it, xAPIC-form logical ones cannot.
 */
static void apic_cpus(struct hv_apic_cpu *cpus)
{
	for (unsigned i = 0; i < hv.ncpu; i++) {
		const struct vcpu *t = __atomic_load_n(&hv.vcpus[i], __ATOMIC_ACQUIRE);

		cpus[i] = (struct hv_apic_cpu){ .apic_id = hv.cpus[i].apic_id, .present = true,
						.unknown = !t };
		if (t) {
			cpus[i].ldr = t->apic_ldr;
			cpus[i].dfr = t->apic_dfr;
			cpus[i].x2apic = t->apic_x2;
		}
	}
}

static const char *ipi_name(const struct hv_ipi *ipi)
{
	return ipi->delivery == HV_APIC_DM_INIT ? "INIT" :
	       ipi->delivery == HV_APIC_DM_SIPI ? "SIPI" : "NMI";
}

/* The guest's INIT, SIPI or NMI, sent for real to one CPU svmhv does not run. */
static void send_physical(const struct vcpu *v, uint64_t icr, bool x2apic, uint32_t apic_id)
{
	unsigned dshift = x2apic ? APIC_ICR_X2APIC_DEST_SHIFT : APIC_ICR_XAPIC_DEST_SHIFT;
	/* Same vector, mode, level; physical destination, no shorthand. */
	uint64_t phys = icr & (APIC_ICR_VECTOR_MASK | APIC_ICR_DM_MASK | APIC_ICR_LEVEL_ASSERT |
			       APIC_ICR_TRIGGER_LEVEL);

	hv_lapic_send_icr(phys | ((uint64_t)apic_id << dshift), v->apic_icr_hi);
}

/*
 * CPUs outside svmhv's table (disabled by the firmware, or an APIC ID svmhv
 * does not know) get the INIT/SIPI/NMI as the hardware would give it, one by one
 * and physically (hv_ipi_outside()); what reaches no CPU at all is said on the
 * console, never dropped silently.
 */
static void deliver_outside(struct vcpu *v, uint64_t icr, const struct hv_ipi *ipi,
			    unsigned known)
{
	uint32_t *ids = hv.ipi_outside;
	/* At most every outside ID, or the one unknown ID named (hv.ipi_outside's size). */
	unsigned n = hv_ipi_outside(ipi, known, hv.boot.outside_apic_ids, hv.boot.noutside, ids,
				    hv.boot.noutside + 1);
	const char *what = ipi_name(ipi);

	for (unsigned k = 0; k < n; k++) {
		hv_debug("apic", "vCPU %u: %s to APIC ID %x, outside svmhv: sent to the hardware",
			 v->index, what, ids[k]);
		send_physical(v, icr, ipi->x2apic, ids[k]);
	}
	if (!known && !n)
		hv_warn("apic", "vCPU %u: %s to %s destination %x reaches no CPU: dropped",
			v->index, what, ipi->logical ? "logical" : "physical", ipi->dest);
}

/*
 * INIT, SIPI or NMI: emulated for every target under svmhv (a request each;
 * an NMI is then held and delivered like a physical one, hv/run.c); a target
 * CPU not under svmhv (firmware waking an AP before svmhv takes it, one it
 * did not enable) gets the real IPI, addressed to it alone, so no other CPU
 * sees a real INIT. The self and all-including-self shorthands reach the
 * sender too, as QEMU, KVM and the CPUs Linux relies on deliver an NMI so
 * addressed (hv/apic/icr.h). The APIC view and the outside list are scratch
 * tables sized at boot (hv.ipi_view, hv.ipi_outside), one set for all CPUs:
 * these IPIs are rare, so they are resolved one at a time, under ipi_lock;
 * nothing done under it waits for another CPU (a kick only sends an NMI).
 */
static uint32_t ipi_lock;

static void deliver_emulated(struct vcpu *v, uint64_t icr, const struct hv_ipi *ipi)
{
	struct hv_apic_cpu *cpus = hv.ipi_view;
	struct hv_cpu_set set;
	unsigned known;

	hv_iso_lock(&ipi_lock);
	apic_cpus(cpus);
	known = hv_ipi_targets(ipi, cpus, hv.ncpu, v->index, &set);
	deliver_outside(v, icr, ipi, known);
	for (unsigned i = 0; i < hv.ncpu; i++) {
		struct vcpu *t = __atomic_load_n(&hv.vcpus[i], __ATOMIC_ACQUIRE);

		if (!hv_cpu_set_has(&set, i))
			continue;
		if (!t && hv_iso_cpu_parked(i)) {
			hv_debug("apic", "vCPU %u: %s to parked cpu%u dropped", v->index,
				 ipi_name(ipi), i);
			continue;
		}
		if (!t) {
			send_physical(v, icr, ipi->x2apic, hv.cpus[i].apic_id);
			continue;
		}
		if (ipi->delivery == HV_APIC_DM_INIT) {
			hv_vcpu_request(t, HV_REQ_INIT);
		} else if (ipi->delivery == HV_APIC_DM_NMI) {
			hv_vcpu_request(t, HV_REQ_NMI);
		} else {
			t->sipi_vector = ipi->vector;
			hv_vcpu_request(t, HV_REQ_SIPI);
		}
	}
	hv_iso_unlock(&ipi_lock);
}

/*
 * A guest write of the whole ICR (xAPIC: ICR_HI from the shadow | value).
 * Returns 0, or -1 when the guest must get #GP (x2APIC reserved bits).
 */
int hv_apic_icr_write(struct vcpu *v, uint64_t icr, bool x2apic)
{
	struct hv_ipi ipi;
	int rc = hv_icr_decode(icr, x2apic, &ipi);

	switch (hv_icr_route(icr, x2apic)) {
	case HV_ICR_GP:
		return -1;
	case HV_ICR_NOP:
		return 0;
	case HV_ICR_EMU_INIT:
	case HV_ICR_EMU_SIPI:
	case HV_ICR_EMU_NMI:
		deliver_emulated(v, icr, &ipi);
		return 0;
	case HV_ICR_TO_HW:
		break;
	}
	if (rc < 0)     /* the SDM calls it invalid: the hardware's own rules apply */
		hv_debug("apic", "vCPU %u: ICR %llx (%s) to the hardware as written",
			 v->index, (unsigned long long)icr, hv_apic_strerror(rc));
	hv_lapic_send_icr(icr, v->apic_icr_hi);
	return 0;
}

static void apic_reg_write(struct vcpu *v, unsigned off, uint32_t val)
{
	switch (off) {
	case APIC_ICR_LO:
		hv_apic_icr_write(v, ((uint64_t)v->apic_icr_hi << 32) | val, false);
		return;
	case APIC_ICR_HI:
		v->apic_icr_hi = val;
		break;
	case APIC_LDR:
		v->apic_ldr = val;
		break;
	case APIC_DFR:
		v->apic_dfr = val;
		break;
	default:
		break;
	}
	hv_lapic_write(off, val);
}

/*
 * A 32-bit store to an aligned APIC register, as the instruction defines it:
 * a read-modify-write (OR, AND, BTS, XCHG, CMPXCHG, ...) reads the register
 * from the APIC first, computes the result, the registers it loads and the
 * flags it sets (hv_mmio_execute()). The APIC is per CPU, so nothing can come
 * between svmhv's read and its write, as LOCK requires. The registers take
 * aligned 32-bit accesses (SDM3 10.4.1): other stores are dropped, loudly.
 */
static void apic_store(struct vcpu *v, unsigned off, const struct hv_mmio_store *st)
{
	uint64_t g[16], val = 0, rflags = v->vmcb->save.rflags;
	uint32_t old;

	if (st->width != 4 || (off & 3)) {
		hv_warn("apic", "vCPU %u: %u-byte %s to APIC offset %x dropped", v->index,
			st->width, hv_mmio_op_name(st->op), off);
		return;
	}
	old = hv_mmio_reads(st) ? hv_lapic_read(off) : 0;
	hv_gprs_get(v, g);
	if (hv_mmio_execute(st, g, &rflags, old, &val))
		apic_reg_write(v, off, (uint32_t)val);
	hv_gprs_set(v, g);
	v->vmcb->save.rflags = rflags;
}

/*
 * A guest store to the write-protected xAPIC page, reported as an NPF. The
 * bytes come from the VMCB's decode assists where the CPU has them.
 */
struct hv_verdict hv_apic_npf_write(struct vcpu *v, uint64_t gpa)
{
	struct hv_fetched f;
	struct hv_mmio_store st = { 0 };
	unsigned off = (unsigned)(gpa & 0xfff);
	struct hv_verdict vd = hv_fetch_npf_insn(v, &f);
	int rc;

	if (vd.action != HV_RESUME)
		return vd;
	rc = hv_mmio_decode_store(f.bytes, f.len, f.mode, &st);
	/*
	 * x2APIC mode, or the APIC disabled: the xAPIC page is not the APIC's
	 * (APM2 16.11); its stores go nowhere, as unbacked memory.
	 */
	if (rc != HV_MMIO_EINVALID && st.len && (v->apic_x2 || !(v->apic_base & APIC_BASE_EN))) {
		hv_debug("apic", "vCPU %u: store to the xAPIC page in %s mode dropped", v->index,
			 v->apic_x2 ? "x2APIC" : "disabled");
		hv_advance_rip(v, &f, st.len);
		return hv_resume();
	}
	if (rc) {
		hv_warn("apic", "vCPU %u: store to APIC %x at rip %llx not emulated (%s): #UD",
			v->index, off, (unsigned long long)f.rip, hv_mmio_strerror(rc));
		return hv_inject(VEC_UD);
	}
	apic_store(v, off, &st);
	hv_advance_rip(v, &f, st.len);
	return hv_resume();
}

/*
 * The hardware's IA32_APIC_BASE to val, EN set: x2APIC to xAPIC only
 * through disabled (APM2 16.11). 0, or -1 when the CPU refused.
 */
static int apic_base_hw(uint64_t val)
{
	uint64_t hw;

	int rc;

	if (rdmsr_safe(MSR_APIC_BASE, &hw))
		return -1;
	if (hw == val)
		return 0;
	if ((hw & APIC_BASE_EXTD) && !(val & APIC_BASE_EXTD) &&
	    wrmsr_safe(MSR_APIC_BASE, hw & ~(APIC_BASE_EN | APIC_BASE_EXTD))) {
		hv_apic_base_written(0);        /* unknown now: read it again */
		return -1;
	}
	rc = wrmsr_safe(MSR_APIC_BASE, val);
	hv_apic_base_written(rc ? 0 : val);
	return rc;
}

/*
 * WRMSR IA32_APIC_BASE: the architecture's transitions (hv_apic_base_check,
 * the rules KVM's kvm_set_apic_base applies), on a virtual copy. Clearing
 * EN stays virtual: the hardware APIC keeps running, because svmhv's kicks
 * (NMIs between CPUs: TLB requests, INIT/SIPI) need it; it follows the
 * guest again when the guest re-enables it. Moving the page is refused (the
 * new one would be unprotected; no OS does it), so is flipping BSP.
 */
int hv_apic_base_write(struct vcpu *v, uint64_t val)
{
	int rc = hv_apic_base_check(v->apic_base, val, hv.gpa_bits, hv.x2apic, hv.apic_base);

	if (rc) {
		hv_warn("apic", "vCPU %u: APIC base %llx -> %llx refused (%d): #GP", v->index,
			(unsigned long long)v->apic_base, (unsigned long long)val, rc);
		return -1;
	}
	if ((val & APIC_BASE_EN) && apic_base_hw(val))
		return -1;
	v->apic_base = val;
	v->apic_x2 = (val & APIC_BASE_EXTD) != 0;
	return 0;
}
