/* SPDX-License-Identifier: MIT */
/*
 * CPUs and INIT: what svmhv does when an INIT reaches a CPU anyway, CPUs it
 * could not take (parked, hidden from the OS), and the isolation hypercalls
 * (ISO_COUNTER, PARK_CPU).
 *
 * INIT. Its sources are closed (ICR virtualized, IOAPIC entries filtered,
 * device MSIs filtered by the IOMMU and at their capability, reset ports
 * turned into machine resets), but one may still arrive. In guest mode
 * svmhv intercepts it (VMEXIT_INIT); the INIT stays pending and is taken as
 * soon as GIF is 1 again (APM2 15.13.3, 15.17). With VM_CR.R_INIT set, an
 * INIT taken in host mode is a #SX exception instead of a reset (APM2
 * 15.28, 15.30.1): svmhv opens GIF for one instruction so the INIT lands in
 * its #SX handler, then gives the vCPU the INIT it was sent, virtually. A
 * CPU where R_INIT does not hold (QEMU TCG implements no VM_CR, and a
 * nested hypervisor such as KVM accepts the bit without honouring it)
 * cannot drop the INIT: svmhv stops that vCPU in host mode with GIF = 0
 * and says so, rather than letting the INIT reset the CPU under it. (QEMU
 * TCG resets the CPU as soon as the #VMEXIT is done, before svmhv runs.)
 */
#include "hv/iso/iso.h"

#include "hv/apic/lapic.h"
#include "hv/console.h"
#include "hv/hv.h"
#include "hv/smp.h"
#include "svm/hw.h"

void hv_iso_setup_cpu(struct hv_cpu *cpu)
{
	struct cpuid_regs r;
	uint64_t vmcr = rdmsr(MSR_VM_CR);

	wrmsr(MSR_VM_CR, vmcr | VM_CR_R_INIT);
	cpuid_count(1, 0, &r);
	cpu->r_init = (rdmsr(MSR_VM_CR) & VM_CR_R_INIT) && !(r.ecx & CPUID_1_ECX_HYPERVISOR);
	if (cpu->index == 0)
		hv_info("iso", "INIT in host mode: %s", cpu->r_init ?
			"VM_CR.R_INIT set, it becomes a #SX svmhv drops" :
			"no usable VM_CR.R_INIT (emulated CPU or nested): svmhv relies on "
			"closing INIT's sources");
}

void hv_iso_host_sx(void)
{
	__atomic_add_fetch(&hv.cpus[hv_this_cpu()].host_inits, 1, __ATOMIC_RELAXED);
}

/* Stopped for good in host mode: GIF = 0 holds the pending INIT forever. */
static void __attribute__((noreturn)) stop_vcpu(struct vcpu *v)
{
	__atomic_store_n(&v->mode, HV_MODE_OUTSIDE_GUEST, __ATOMIC_SEQ_CST);
	halt_forever();
}

struct hv_verdict hv_iso_init_exit(struct vcpu *v)
{
	uint64_t n;

	hv_iso_count(SVMHV_ISO_INIT_EXITS);
	n = hv_iso.counters[SVMHV_ISO_INIT_EXITS];
	if (!v->cpu->r_init) {
		hv_err("iso", "vCPU %u: a physical INIT reached this CPU and it has no VM_CR.R_INIT "
		       "to drop it: vCPU %u stopped (fail closed)", v->index, v->index);
		stop_vcpu(v);
	}
	stgi();                 /* the pending INIT is delivered as #SX, here */
	__asm__ volatile("nop" ::: "memory");
	clgi();
	if (hv_iso_ratelimit(n))
		hv_warn("iso", "vCPU %u: a physical INIT reached this CPU: dropped (#SX), the vCPU "
			"gets a virtual INIT", v->index);
	hv_vcpu_request(v, HV_REQ_INIT);
	return hv_resume();
}

int hv_iso_counter(uint64_t idx, uint64_t *val)
{
	if (idx >= SVMHV_ISO_COUNTERS)
		return -1;
	hv_iso_poll(true);      /* report faults the IOMMU saw until now */
	if (idx != SVMHV_ISO_FLAGS) {
		*val = __atomic_load_n(&hv_iso.counters[idx], __ATOMIC_RELAXED);
		return 0;
	}
	*val = (hv_iso.iommu_owned ? SVMHV_ISO_F_IOMMU : 0) |
	       (hv_iso.iommu_owned && hv_iso.intremap ? SVMHV_ISO_F_INTREMAP : 0) |
	       (hv_iso.iommu_owned && hv_iso.irt_mode ? SVMHV_ISO_F_IRT : 0) |
	       (hv.cpus[hv_this_cpu()].r_init ? SVMHV_ISO_F_R_INIT : 0) |
	       (hv_iso.dma_off ? SVMHV_ISO_F_DMA_OFF : 0);
	return 0;
}

/* ---- parked CPUs ---- */

bool hv_iso_cpu_parked(unsigned idx)
{
	return idx < hv.ncpu && __atomic_load_n(&hv.cpus[idx].parked, __ATOMIC_ACQUIRE);
}

/* Clear the CPU in the MADT, so the OS neither counts nor starts it. */
static const char *hide_in_madt(uint32_t apic_id)
{
	static uint8_t buf[16384];
	struct acpi_table_ref ref;
	struct acpi_edit e[MADT_HIDE_MAX_EDITS];
	int n;

	if (!hv.boot.rsdp_pa ||
	    acpi_find(&hv_iso_acpi, hv.boot.rsdp_pa, "APIC", MADT_HDR_LEN, sizeof(buf), &ref) ||
	    hv_iso_acpi.read(NULL, ref.pa, buf, ref.length))
		return "no MADT: the OS may still try to start it, and fail";
	n = madt_hide_cpu(buf, ref.length, ref.pa, apic_id, e);
	if (n < 0)
		return "not in the MADT";
	hv_iso_apply_edits(e, n);
	return "hidden from the OS (MADT entry disabled)";
}

/*
 * INIT, sent from svmhv (host mode): the CPU stops and waits for a SIPI,
 * which svmhv never forwards to a parked CPU (hv/apic/vapic.c), so it never
 * runs the guest natively. See: APM2 16.5 (INIT IPI).
 */
int64_t hv_iso_park(uint64_t cpu)
{
	const struct vcpu *self;
	uint32_t apic_id;
	const char *hidden;

	if (cpu >= hv.ncpu || cpu >= 64)
		return SVMHV_EINVAL;
	if (__atomic_load_n(&hv.vcpus[cpu], __ATOMIC_ACQUIRE))
		return SVMHV_EBUSY;
	if (__atomic_exchange_n(&hv.cpus[cpu].parked, 1, __ATOMIC_SEQ_CST))
		return SVMHV_OK;
	apic_id = hv.cpus[cpu].apic_id;
	self = hv.cpus[hv_this_cpu()].vcpu;
	hv_lapic_send_icr(((uint64_t)apic_id << (hv_lapic_x2apic() ? APIC_ICR_X2APIC_DEST_SHIFT :
						     APIC_ICR_XAPIC_DEST_SHIFT)) |
			  ((uint64_t)HV_APIC_DM_INIT << APIC_ICR_DM_SHIFT) | APIC_ICR_LEVEL_ASSERT,
			  self ? self->apic_icr_hi : 0);
	hidden = hide_in_madt(apic_id);
	hv_iso_count(SVMHV_ISO_CPUS_PARKED);
	hv_err("iso", "cpu%u (APIC ID %u) parked: held in INIT by svmhv, it never runs the guest; "
	       "%s", (unsigned)cpu, apic_id, hidden);
	return SVMHV_OK;
}
