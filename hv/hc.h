/* SPDX-License-Identifier: MIT */
/* Hypercall dispatch (ABI in hv/hypercall.h). Pure: host-tested. */
#ifndef SVMHV_HV_HC_H
#define SVMHV_HV_HC_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

struct hv_hc_regs {
	uint64_t rax, rbx, rcx, rdx;
};

/* What a hypercall may look at: all of it read-only. */
struct hv_hc_env {
	struct vcpu *const *vcpus;
	unsigned nvcpu;
	unsigned self;                  /* index of the calling vCPU */
	uint64_t mem_base, mem_size;    /* svmhv's reserved memory */
	/* TLB flush counter for (vcpu, ctx, reason) (svm/tlb.c tlb_counter_read). */
	uint64_t (*tlb_flushes)(const struct vcpu *v, unsigned ctx, uint32_t reason, int *err);
	void (*asids)(const struct vcpu *v, uint64_t *l1, uint64_t *l2);
	const uint32_t *apic_ids;       /* APIC ID of each CPU present (nvcpu) */
	unsigned cpl;                   /* the caller's privilege level */
	bool user_ok;                   /* hypercalls=all: info functions at any CPL */
	void (*dump)(void);             /* print counters on the console */
	bool (*parked)(unsigned idx);   /* is CPU idx parked (SVMHV_VCPU_PARKED)? NULL: none */
	/* SVMHV_HC_INTEGRITY: for canary idx, the code checksum, canary pages
	 * found changed, canary idx's physical address (0: none). */
	void (*integrity)(uint64_t idx, uint64_t *sum, uint64_t *broken, uint64_t *canary_pa);
	/* SVMHV_HC_ISO_COUNTER (0 or -1: no such counter), SVMHV_HC_PARK_CPU. */
	int (*iso_counter)(uint64_t idx, uint64_t *val);
	int64_t (*park)(uint64_t cpu);
	/* SVMHV_HC_BELOW: VMMCALL to the svmhv below (r = RAX..RDX in and out);
	 * 0 at nesting level 0. */
	void (*below)(uint64_t r[4]);
};

/* Execute the hypercall in r (RAX = function); results are written back to r. */
void hv_hypercall(const struct hv_hc_env *env, struct hv_hc_regs *r);

#endif
