/* SPDX-License-Identifier: MIT */
#include "hv/apic/lapic.h"

#include "hv/smp.h"
#include "svm/hw.h"

#define ICR_SPIN_LIMIT  1000000u

bool hv_lapic_x2apic(void)
{
	return hv_apic_base_msr() & APIC_BASE_EXTD;
}

uint64_t hv_lapic_base(void)
{
	return hv_apic_base_msr() & APIC_BASE_ADDR_MASK;
}

/* svmhv's host page tables map all physical addresses, the APIC page too. */
static volatile uint32_t *mmio(unsigned reg)
{
	return (volatile uint32_t *)(uintptr_t)(hv_lapic_base() + reg);
}

uint32_t hv_lapic_read(unsigned reg)
{
	uint64_t v = 0;

	if (hv_lapic_x2apic()) {
		(void)rdmsr_safe(0x800u + reg / 16, &v);    /* a write-only register: #GP */
		return (uint32_t)v;
	}
	return *mmio(reg);
}

void hv_lapic_write(unsigned reg, uint32_t val)
{
	if (hv_lapic_x2apic())
		(void)wrmsr_safe(0x800u + reg / 16, val);   /* a read-only register: #GP */
	else
		*mmio(reg) = val;
}

void hv_lapic_accept_pending(void)
{
	stgi();
	/* STI's shadow covers the first NOP: the interrupt is taken after it. */
	__asm__ volatile("sti\n\tnop\n\tnop\n\tcli" ::: "memory");
	clgi();
}

void hv_lapic_send_icr(uint64_t icr, uint32_t restore_hi)
{
	if (hv_lapic_x2apic()) {
		(void)wrmsr_safe(MSR_X2APIC_ICR, icr);      /* decoded already: reserved bits #GP */
		return;
	}
	for (unsigned i = 0; i < ICR_SPIN_LIMIT && (*mmio(APIC_ICR_LO) & APIC_ICR_BUSY); i++)
		cpu_relax();
	*mmio(APIC_ICR_HI) = (uint32_t)(icr >> 32);
	*mmio(APIC_ICR_LO) = (uint32_t)icr;
	*mmio(APIC_ICR_HI) = restore_hi;
}
