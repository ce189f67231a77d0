/* SPDX-License-Identifier: MIT */
/* svmhv's global state, set up once by hv_entry() and read by exit handlers. */
#ifndef SVMHV_HV_HV_H
#define SVMHV_HV_HV_H

#include <stdint.h>

#include "hv/boot_info.h"
#include "hv/cpu.h"
#include "hv/vcpu.h"
#include "mm/npt.h"
#include "mm/pmm.h"
#include "svm/svm.h"

#define HV_MAX_CPUS     64

struct hv_state {
	struct hv_boot_info boot;
	struct svm_features feat;
	struct pmm pmm;
	struct npt npt;                 /* L1's nested page tables */
	struct npt host_pt;             /* svmhv's own identity page tables */
	uint64_t host_cr3;
	uint64_t npt_root;
	uint64_t blank_pa;              /* what the guest sees of svmhv memory */
	uint64_t msrpm_pa, iopm_pa;
	uint64_t efer_allowed;          /* EFER bits the guest may set */
	unsigned ncpu;
	struct hv_cpu cpus[HV_MAX_CPUS];
	struct vcpu *vcpus[HV_MAX_CPUS];
};

extern struct hv_state hv;

/* Guest memory and instruction helpers (hv/guest.c). */
int hv_guest_read(uint64_t gpa, void *buf, uint64_t len);
int hv_skip_insn(struct vcpu *v);
void hv_inject_exception(struct vcpu *v, unsigned vec, int has_err, uint32_t err);
int hv_in_svmhv_memory(uint64_t gpa, uint64_t len);

/* Exit dispatch (hv/exit.c), called by svm/world.asm. */
void svm_handle_exit(struct vcpu *v);

#endif
