/* SPDX-License-Identifier: MIT */
/*
 * svmhv's own per-vCPU and per-pCPU state (the hardware's VMCB is svm/vmcb.h).
 * Pure header: host unit tests include it.
 */
#ifndef SVMHV_HV_VCPU_H
#define SVMHV_HV_VCPU_H

#include <stddef.h>
#include <stdint.h>

#include "hv/nmi.h"
#include "nested/nested.h"
#include "svm/tlb.h"
#include "svm/vmcb.h"
#include "svm/world.h"

/* Exit counters: one slot per exit code svmhv can see, see hv_exit_slot(). */
#define HV_EXIT_SLOT_NPF        0xa5    /* 0x400..0x403 -> 0xa5..0xa8 */
#define HV_EXIT_SLOT_INVALID    0xa9
#define HV_EXIT_SLOTS           0xaa

static inline int hv_exit_slot(uint64_t code)
{
	if (code < HV_EXIT_SLOT_NPF)
		return (int)code;
	if (code >= VMEXIT_NPF && code <= VMEXIT_NPF + 3)
		return (int)(HV_EXIT_SLOT_NPF + (code - VMEXIT_NPF));
	if (code == VMEXIT_INVALID || (code & 0xffffffffull) == 0xffffffffull)
		return HV_EXIT_SLOT_INVALID;
	return -1;
}

/* The exit code a counter slot counts (inverse of hv_exit_slot()). */
static inline uint64_t hv_exit_code_of_slot(unsigned slot)
{
	if (slot < HV_EXIT_SLOT_NPF)
		return slot;
	if (slot < HV_EXIT_SLOT_INVALID)
		return VMEXIT_NPF + (slot - HV_EXIT_SLOT_NPF);
	return VMEXIT_INVALID;
}

struct hv_cpu;

/* Requests other CPUs post to a vCPU (vcpu->requests), served before VMRUN. */
#define HV_REQ_INIT             (1u << 0)       /* emulated INIT IPI */
#define HV_REQ_SIPI             (1u << 1)       /* emulated SIPI, vector in sipi_vector */
#define HV_REQ_TLB              (1u << 2)       /* remote TLB flush posted in tlb state */
#define HV_REQ_STOP             (1u << 3)       /* the debugger stops every vCPU (hv/dbg/) */
#define HV_REQ_NMI              (1u << 4)       /* the guest's NMI IPI (hv/apic/vapic.c) */
/* What wakes a vCPU halted for a SIPI (HV_MODE_HALTED); the rest waits for its next run. */
#define HV_REQ_WAKE             (HV_REQ_INIT | HV_REQ_SIPI | HV_REQ_STOP)

/* Where a vCPU is, for kicks: only a vCPU in guest mode needs an NMI. */
#define HV_MODE_OUTSIDE_GUEST   0
#define HV_MODE_IN_GUEST        1
#define HV_MODE_HALTED          2       /* in hv_host_halt(): a request kicks it awake */

struct vcpu {
	struct svm_world world;         /* must stay first: svm/world.asm's contract */
	struct vmcb *vmcb;              /* the VMCB world.vmcb_pa names: vmcb01 or vmcb02 */
	struct vmcb *vmcb01;
	uint64_t vmcb01_pa;
	struct hv_cpu *cpu;             /* physical CPU this vCPU runs on, for life */
	unsigned index;
	struct tlb_vcpu tlb;            /* ASIDs and flush requests (svm/tlb.c) */
	uint32_t requests;              /* HV_REQ_*, atomic */
	uint32_t mode;                  /* HV_MODE_*, atomic */
	uint32_t apic_icr_hi;           /* the guest's last xAPIC ICR_HI write */
	uint32_t apic_ldr, apic_dfr;    /* the guest's xAPIC logical destination setup */
	uint8_t apic_x2;                /* the guest put its APIC in x2APIC mode */
	uint64_t apic_base;             /* IA32_APIC_BASE as the guest sees it (hv/apic/vapic.c) */
	uint64_t spec_ctrl;             /* the guest's SPEC_CTRL (hv/msr.c) */
	uint64_t msr_refused;           /* RDMSR/WRMSR answered with #GP */
	uint64_t vmcb12_last;           /* the vmcb12 L2 last ran from: IBPB on a change */
	uint64_t ibpbs;                 /* IBPBs between guests */
	uint64_t nmi_ipis;              /* NMI IPIs from the guest's CPUs received (HV_REQ_NMI) */
	struct hv_nmi nmi;              /* L1's NMI blocking (hv/nmi.h) */
	uint8_t sipi_vector;
	uint8_t mp_state;               /* enum hv_mp_state (hv/apic/init.h) */
	bool init_pending;              /* an INIT held while L1's GIF is 0 */
	struct nested_vcpu nested;      /* nested SVM (nested/nested.h) */
	uint64_t exit_total;            /* atomic reads from other CPUs */
	uint64_t exit_counts[HV_EXIT_SLOTS];
};

_Static_assert(offsetof(struct vcpu, world) == 0, "svm_world_switch(&v->world)");

#endif /* SVMHV_HV_VCPU_H */
