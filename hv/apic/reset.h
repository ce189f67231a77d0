/* SPDX-License-Identifier: MIT */
/*
 * The local APIC's INIT state. svmhv never lets INIT reach the hardware
 * (hv/apic/vapic.c), and each vCPU runs on the physical local APIC of its
 * CPU, so a virtual INIT must put that APIC where a real INIT would: as
 * after power-up, except the APIC ID (and IA32_APIC_BASE, which INIT keeps).
 *
 * Manuals: Intel SDM Vol. 3A Dec 2023 (SDM3) 10.4.7.1 "Local APIC State
 * After Power-Up or Reset" and 10.4.7.3 "Local APIC State After an INIT
 * Reset": IRR, ISR, TMR, ICR, LDR, TPR, timer counts and divide 0; DFR all
 * ones; every LVT masked with its other bits 0; SVR = 0FFh (the APIC
 * software-disabled). AMD64 APM Vol. 2 rev. 3.42 (APM2) chapter 16: the
 * APIC registers and their reset values, and the extended APIC registers
 * (APIC version bit 31, the extended feature register at 400h whose bits
 * 23:16 count the extended LVTs at 500h + 10h * i).
 */
#ifndef SVMHV_HV_APIC_RESET_H
#define SVMHV_HV_APIC_RESET_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/apic/apic.h"

#define APIC_LVT_MASKED         0x00010000u
#define APIC_SVR_ENABLE         0x00000100u
#define APIC_SVR_INIT           0x000000ffu
#define APIC_DFR_INIT           0xffffffffu
/* APIC version bit 31: the extended register space (AMD, APM2 chapter 16). */
#define APIC_VER_EXT_SPACE      (1u << 31)
#define APIC_EXT_FEATURE        0x400u  /* bits 23:16: extended LVT count */
#define APIC_EXT_LVT0           0x500u  /* extended LVT i at 0x500 + 0x10 * i */
#define APIC_EXT_LVT_MAX        4u

/* One register write of a plan. */
struct hv_apic_wr {
	uint16_t reg;
	uint32_t val;
};

#define HV_APIC_PLAN_MAX        16u

/*
 * Quiesce, before the drain: every LVT masked (also the n_ext extended ones,
 * at most APIC_EXT_LVT_MAX), the timer stopped (initial count 0, divide 0),
 * TPR 0 and the APIC software-enabled with the INIT spurious vector, so what
 * is pending in IRR can be accepted and dropped. Returns the write count.
 */
unsigned hv_apic_init_quiesce(unsigned n_ext, struct hv_apic_wr out[HV_APIC_PLAN_MAX]);

/*
 * After the drain: SVR = 0FFh (software-disabled), ESR cleared (two writes:
 * the first latches, the second clears; x2APIC accepts only 0), and in
 * xAPIC mode LDR 0 and DFR all ones (x2APIC's LDR is read-only and its DFR
 * does not exist: a write would #GP). Returns the write count.
 */
unsigned hv_apic_init_final(bool x2apic, struct hv_apic_wr out[HV_APIC_PLAN_MAX]);

/* Lowest set vector >= 16 of an 8-word IRR/ISR bank, or -1. */
int hv_apic_bank_highest(const uint32_t bank[8]);

struct vcpu;

/*
 * Put this CPU's local APIC in its INIT state for vCPU v (which runs here):
 * quiesce, drop every pending and in-service interrupt (EOIs; IRR vectors
 * accepted in host mode with GIF and IF open for a moment, svmhv's host IDT
 * counting them), final writes, and svmhv's own shadows (LDR, DFR, ICR_HI).
 * An NMI that the open GIF lets in is handled as an NMI #VMEXIT would be.
 * Returns the interrupts dropped; hv.cpus[].host_irqs counts them too.
 */
unsigned hv_lapic_init_reset(struct vcpu *v);

#endif /* SVMHV_HV_APIC_RESET_H */
