/* SPDX-License-Identifier: MIT */
/*
 * Architected processor states for virtual INIT and SIPI, and the per-vCPU
 * INIT/SIPI state machine. svmhv never lets INIT or SIPI reach the hardware
 * (see hv/apic/apic.h): it rebuilds the target vCPU's state with these builders.
 *
 * Pure: builders over struct vmcb_save, host unit tests build them.
 *
 * Manuals: AMD64 APM Vol. 2 rev. 3.42 (APM2) 14.1.3 "Processor
 * Initialization State" (Table 14-1), 15.5.1 (VMRUN checks), 16.6 (startup
 * IPI); Intel SDM Vol. 3A Dec 2023 (SDM3) 9.1 (Table 9-1) and 8.4.4 (MP
 * initialization), 10.6.1.
 */
#ifndef SVMHV_HV_APIC_INIT_H
#define SVMHV_HV_APIC_INIT_H

#include <stdbool.h>
#include <stdint.h>

#include "svm/vmcb.h"

/* Power-on value of the PAT MSR (and so of G_PAT). See: APM2 7.8.2. */
#define HV_PAT_DEFAULT          0x0007040600070406ull

/*
 * The state after INIT, applied in place to s. Only what INIT changes is
 * written: segments (real mode at F000:FFF0), descriptor tables, CR0/2/3/4,
 * DR6/DR7, RFLAGS, RIP, RSP, RAX, EFER (to SVME alone: SVM requires it in
 * the guest VMCB), CPL and the CET state (S_CET, SSP, ISST). CR0.CD and
 * CR0.NW keep their current value (INIT leaves the caches as they are).
 * MSRs are unchanged by INIT, so G_PAT, STAR/LSTAR/CSTAR/SFMASK,
 * KERNEL_GS_BASE, SYSENTER_*, DEBUGCTL and SPEC_CTRL are left alone.
 *
 * Not covered here (the caller's part): RDX = CPUID Fn0000_0001 EAX and the
 * other GPRs (hv_init_gprs()), DR0-3, x87/SSE are unchanged, control-area
 * state (EVENTINJ, interrupt shadow, V_TPR, ...), a TLB flush of the vCPU's
 * contexts, leaving nested guest mode first, and the local APIC
 * (hv/apic/reset.h).
 */
void hv_vmcb_init_state(struct vmcb_save *s);

/*
 * The state after RESET: as INIT, with CR0 = 6000_0010h and G_PAT at its
 * power-on value. For a vCPU svmhv builds from nothing.
 */
void hv_vmcb_reset_state(struct vmcb_save *s);

/*
 * General-purpose registers after INIT or RESET, in the usual encoding
 * order (rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8..r15): all zero but
 * RDX, which holds the processor signature (CPUID Fn0000_0001 EAX). RAX and
 * RSP also live in the VMCB (hv_vmcb_init_state() clears those).
 */
void hv_init_gprs(uint64_t gprs[16], uint32_t cpuid1_eax);

/*
 * Start at the SIPI vector, from the INIT state: real mode at CS = VV00h
 * (base VV000h), IP = 0. Nothing else changes. See: SDM3 8.4.4.1, 10.6.1.
 */
void hv_vmcb_sipi_state(struct vmcb_save *s, uint8_t vector);

/* Whether a vCPU runs, or waits for a SIPI after INIT. */
enum hv_mp_state {
	HV_MP_RUNNING,
	HV_MP_WAIT_SIPI,
};

/* What the caller applies to the vCPU after an event. */
enum hv_mp_action {
	HV_MP_NONE,             /* the event has no effect */
	HV_MP_LOAD_INIT,        /* hv_vmcb_init_state() (+ GPRs) */
	HV_MP_LOAD_SIPI,        /* hv_vmcb_sipi_state() with the SIPI vector */
};

/*
 * INIT received. An AP enters wait-for-SIPI; the BSP (IA32_APIC_BASE.BSP)
 * keeps running, from the reset vector. INIT while waiting changes nothing.
 * See: SDM3 8.4.1, 8.4.2; KVM kvm_apic_accept_events().
 */
enum hv_mp_action hv_mp_on_init(enum hv_mp_state *state, bool bsp);

/*
 * SIPI received: starts a waiting vCPU; ignored while running, which also
 * drops the second SIPI of the INIT-SIPI-SIPI sequence. See: SDM3 8.4.4.1.
 */
enum hv_mp_action hv_mp_on_sipi(enum hv_mp_state *state);

#endif /* SVMHV_HV_APIC_INIT_H */
