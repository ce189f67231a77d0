/* SPDX-License-Identifier: MIT */
/* Per physical CPU host state: svmhv's own GDT, TSS, IDT, stacks, save areas. */
#ifndef SVMHV_HV_CPU_H
#define SVMHV_HV_CPU_H

#include <stdint.h>

#include "svm/tlb.h"

#define HV_STACK_SIZE   (32 * 1024)
#define HV_IST_SIZE     (8 * 1024)

#define HV_SEL_CODE     0x08
#define HV_SEL_DATA     0x10
#define HV_SEL_TSS      0x18

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss64) == 104, "TSS");

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, reserved;
} __attribute__((packed));

struct vcpu;
struct hv_cpuid_cache;

struct hv_cpu {
	unsigned index;
	uint32_t apic_id;
	uint64_t gdt[5];                /* null, code64, data, TSS (two slots) */
	struct tss64 tss;
	uint8_t *stack_top;
	uint64_t host_save_pa;          /* VMSAVE image of the host's hidden state */
	uint64_t hsave_pa;              /* VM_HSAVE_PA area */
	struct vcpu *vcpu;
	uint32_t kick_pending;          /* an NMI sent to this CPU is a kick (atomic) */
	uint64_t host_nmis;             /* NMIs taken by the host handler */
	uint64_t host_inits;            /* INITs taken as #SX in host mode (VM_CR.R_INIT) */
	bool r_init;                    /* VM_CR.R_INIT holds here: host-mode INIT is a #SX */
	uint32_t parked;                /* not under svmhv and held in INIT by it (atomic) */
	uint64_t host_irqs;             /* interrupts dropped by a virtual INIT (hv/apic/reset.c) */
	struct tlb_pcpu *tlb;           /* this pCPU's flush generation (svm/tlb.c) */
	/*
	 * IA32_APIC_BASE of this CPU's APIC as svmhv last read or wrote it (0:
	 * not yet known). svmhv alone writes the hardware's after its takeover
	 * (hv/apic/vapic.c), so the APIC helpers need no RDMSR, which exits to
	 * a hypervisor below (KVM intercepts IA32_APIC_BASE).
	 */
	uint64_t apic_base_hw;
	/* This CPU's CPUID answers, for guest CPUID exits (hv/cpuid_cache.h). */
	struct hv_cpuid_cache *cpuid;
};

/*
 * The IDT is shared by every CPU. Exception handlers dump and halt; the NMI
 * handler only counts: svmhv's host side takes NMIs on purpose, to consume
 * an intercepted NMI (see hv_smp_nmi_exit()).
 */
void hv_idt_init(void);
/* Load svmhv's GDT/TSS/IDT and page tables on this CPU. */
void hv_cpu_load_host_state(struct hv_cpu *cpu, uint64_t host_cr3);
/* Host #GPs turned into a failed rdmsr_safe()/wrmsr_safe() (atomic). */
extern uint64_t hv_host_fixups;

/* Reset the machine (as a triple fault would on bare metal); returns on failure. */
void hv_platform_reset(void);

#endif
