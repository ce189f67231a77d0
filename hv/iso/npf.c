/* SPDX-License-Identifier: MIT */
/*
 * Guest stores to the pages svmhv guards in its nested page tables, which
 * exit as nested page faults: the IOMMU's registers (mapped to the blank
 * page: the store is dropped), the I/O APICs and the ECAM window (mapped
 * read-only: svmhv decodes the store like the xAPIC page's, judges it and
 * performs it on the guest's behalf, or drops it). Reads never exit.
 * See: APM2 15.25.6 (nested page faults); Intel 82093AA datasheet (IOAPIC).
 */
#include "hv/iso/iso.h"

#include "hv/console.h"
#include "hv/hv.h"
#include "hv/insn/store.h"

static const struct hv_iso_iommu *iommu_at(uint64_t gpa)
{
	for (unsigned i = 0; i < hv_iso.niommu; i++)
		if (gpa >= hv_iso.iommu[i].base && gpa - hv_iso.iommu[i].base < hv_iso.iommu[i].mmio_size)
			return &hv_iso.iommu[i];
	return 0;
}

static struct hv_iso_ioapic *ioapic_at(uint64_t gpa)
{
	for (unsigned i = 0; i < hv_iso.nioapic; i++)
		if ((gpa & ~0xfffull) == hv_iso.ioapic[i].base)
			return &hv_iso.ioapic[i];
	return 0;
}

bool hv_iso_npf_owns(uint64_t gpa)
{
	return iommu_at(gpa) || ioapic_at(gpa) || hv_iso_is_ecam(gpa);
}

/* The IOMMU's registers: the guest has no business there; drop, count, skip. */
static struct hv_verdict iommu_store(struct vcpu *v, uint64_t gpa)
{
	hv_iso_count(SVMHV_ISO_MMIO_DROPPED);
	if (hv_iso_ratelimit(hv_iso.counters[SVMHV_ISO_MMIO_DROPPED]))
		hv_warn("iommu", "vCPU %u: store to the IOMMU's registers at %llx dropped",
			v->index, (unsigned long long)gpa);
	return hv_skip_insn(v);
}

/* An IOAPIC store, judged under the lock that keeps IOREGSEL and the shadow equal. */
static bool ioapic_store(struct vcpu *v, struct hv_iso_ioapic *io, uint64_t gpa, unsigned width,
			 uint64_t value)
{
	uint8_t sel;
	enum irq_verdict vd;
	unsigned pin;
	bool high;

	hv_iso_lock(&hv_iso.lock_ioapic);
	sel = io->regsel;
	vd = ioapic_mmio_write_check(&io->regsel, io->npins, (unsigned)(gpa & 0xfff), width, value);
	if (vd == IRQ_ALLOW) {
		hv_iso_mmio_write(gpa, width, value);
		if ((gpa & 0xff) == IOAPIC_IOWIN && ioapic_rte_reg(sel, io->npins, &pin, &high)) {
			io->rte[pin] = high ? (io->rte[pin] & 0xffffffffull) | value << 32 :
				       (io->rte[pin] & ~0xffffffffull) | (uint32_t)value;
			hv_iso_irt_rte(io, pin);
		}
	}
	hv_iso_unlock(&hv_iso.lock_ioapic);
	if (vd == IRQ_ALLOW)
		return true;
	hv_iso_count(SVMHV_ISO_IOAPIC_REFUSED);
	if (!ioapic_rte_reg(sel, io->npins, &pin, &high))
		pin = ~0u;
	if (hv_iso_ratelimit(hv_iso.counters[SVMHV_ISO_IOAPIC_REFUSED]))
		hv_warn("ioapic", "vCPU %u: IOAPIC %llx pin %d: %s (%s, value 0x%llx) dropped",
			v->index, (unsigned long long)io->base, (int)pin, irq_verdict_name(vd),
			irq_dm_name((unsigned)(value >> IOAPIC_RTE_DM_SHIFT)),
			(unsigned long long)value);
	return false;
}

/* The device's side of one store: judged and performed by the page's owner. */
static void device_store(struct vcpu *v, struct hv_iso_ioapic *io, uint64_t gpa,
			 uint8_t width, uint64_t value)
{
	if (io)
		ioapic_store(v, io, gpa, width, value);
	else
		hv_iso_ecam_store(gpa, width, value);
}

/*
 * Decode the store that faulted (from the VMCB's decode assists, or guest
 * memory), let the owner of the page judge and perform it, then finish the
 * instruction as the CPU would: a read-modify-write reads the old value
 * first, XCHG/XADD/CMPXCHG load registers, the flags are set
 * (hv_mmio_execute()). A store across the page's end is dropped, neither
 * read nor written; the instruction completes as if memory held 0.
 */
static struct hv_verdict emulate_store(struct vcpu *v, uint64_t gpa)
{
	struct hv_fetched f;
	struct hv_mmio_store st;
	struct hv_iso_ioapic *io = ioapic_at(gpa);
	struct hv_verdict vd = hv_fetch_npf_insn(v, &f);
	uint64_t g[16], value = 0, old = 0, rflags = v->vmcb->save.rflags;
	bool inside;
	int rc;

	if (vd.action != HV_RESUME)
		return vd;
	rc = hv_mmio_decode_store(f.bytes, f.len, f.mode, &st);
	if (rc) {
		hv_warn("iso", "vCPU %u: store to %llx at rip %llx not emulated (%s): #UD", v->index,
			(unsigned long long)gpa, (unsigned long long)f.rip, hv_mmio_strerror(rc));
		return hv_inject(VEC_UD);
	}
	inside = (gpa & 0xfff) + st.width <= 0x1000;
	if (!inside)
		hv_warn("iso", "vCPU %u: store across a guarded page at %llx dropped", v->index,
			(unsigned long long)gpa);
	if (inside && hv_mmio_reads(&st))
		old = hv_iso_mmio_read(gpa, st.width);
	hv_gprs_get(v, g);
	if (hv_mmio_execute(&st, g, &rflags, old, &value) && inside)
		device_store(v, io, gpa, st.width, value);
	hv_gprs_set(v, g);
	v->vmcb->save.rflags = rflags;
	hv_advance_rip(v, &f, st.len);
	return hv_resume();
}

struct hv_verdict hv_iso_npf_write(struct vcpu *v, uint64_t gpa)
{
	if (iommu_at(gpa))
		return iommu_store(v, gpa);
	return emulate_store(v, gpa);
}
