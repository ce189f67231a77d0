/* SPDX-License-Identifier: MIT */
/*
 * svmhv's own per-vCPU and per-pCPU state (the hardware's VMCB is svm/vmcb.h).
 * Pure header: host unit tests include it.
 */
#ifndef SVMHV_HV_VCPU_H
#define SVMHV_HV_VCPU_H

#include <stddef.h>
#include <stdint.h>

#include "nested/exit.h"
#include "nested/gif.h"
#include "nested/vmcb12.h"
#include "svm/tlb.h"
#include "svm/vmcb.h"

/*
 * Guest general-purpose registers the hardware does not keep in the VMCB
 * (RAX and RSP live in vmcb->save). svm/world.asm reads and writes them at
 * the offsets asserted below.
 */
struct vcpu_regs {
	uint64_t rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

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

/* Nested SVM state of one vCPU (hv/nested.c); unused unless nested=1. */
struct vcpu_nested {
	bool svme;                      /* L1's (virtual) EFER.SVME */
	bool in_l2;                     /* vmcb02 is what runs */
	bool reflect;                   /* an L0 handler turned the exit into L1's */
	bool init_held;                 /* INIT waiting for L1's GIF */
	uint64_t hsave_pa;              /* L1's VM_HSAVE_PA */
	uint64_t vmcb12_gpa;
	struct nested_vmcb12_cache cache;
	struct nested_hsave hsave;
	struct nested_gif gif;
	struct vmcb *vmcb02;
	uint64_t vmcb02_pa;
	struct vmcb *vmcb12;            /* private copy of L1's vmcb12 page */
	uint8_t *msrpm, *iopm;          /* merged maps vmcb02 points at */
	uint64_t msrpm_pa, iopm_pa;
	uint8_t *l1_msrpm, *l1_iopm;    /* copies of L1's maps, for routing */
	bool l1_msrpm_valid, l1_iopm_valid;
};

/* Requests other CPUs post to a vCPU (vcpu->requests), served before VMRUN. */
#define HV_REQ_INIT             (1u << 0)       /* emulated INIT IPI */
#define HV_REQ_SIPI             (1u << 1)       /* emulated SIPI, vector in sipi_vector */
#define HV_REQ_TLB              (1u << 2)       /* remote TLB flush posted in tlb state */

/* Where a vCPU is, for kicks: only a vCPU in guest mode needs an NMI. */
#define HV_MODE_OUTSIDE_GUEST   0
#define HV_MODE_IN_GUEST        1

struct vcpu {
	struct vcpu_regs regs;          /* +0x00, must stay first (world.asm) */
	uint64_t vmcb_pa;               /* +0x70 the VMCB to run: vmcb01 or vmcb02 */
	uint64_t host_save_pa;          /* +0x78 VMSAVE area with host FS/GS/TR/... */
	uint64_t host_if;               /* +0x80 host RFLAGS.IF while the guest runs */
	struct vmcb *vmcb;              /* the VMCB world.asm runs */
	struct vmcb *vmcb01;
	uint64_t vmcb01_pa;
	struct hv_cpu *cpu;             /* physical CPU this vCPU runs on */
	unsigned index;
	struct tlb_vcpu tlb;            /* ASIDs and flush requests (svm/tlb.c) */
	uint32_t requests;              /* HV_REQ_*, atomic */
	uint32_t mode;                  /* HV_MODE_*, atomic */
	uint32_t apic_icr_hi;           /* the guest's last xAPIC ICR_HI write */
	uint32_t apic_ldr, apic_dfr;    /* the guest's xAPIC logical destination setup */
	uint8_t apic_x2;                /* the guest put its APIC in x2APIC mode */
	uint8_t sipi_vector;
	uint8_t mp_state;               /* enum hv_mp_state (hv/apic/init.h) */
	struct vcpu_nested nested;
	uint64_t exit_total;
	uint64_t exit_counts[HV_EXIT_SLOTS];
};

_Static_assert(offsetof(struct vcpu, regs) == 0, "world.asm: regs first");
_Static_assert(offsetof(struct vcpu_regs, r15) == 0x68, "world.asm: r15");
_Static_assert(offsetof(struct vcpu, vmcb_pa) == 0x70, "world.asm: vmcb_pa");
_Static_assert(offsetof(struct vcpu, host_save_pa) == 0x78, "world.asm: host_save_pa");
_Static_assert(offsetof(struct vcpu, host_if) == 0x80, "world.asm: host_if");

#endif /* SVMHV_HV_VCPU_H */
