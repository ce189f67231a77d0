/* SPDX-License-Identifier: MIT */
/* svmhv's global state, set up once by hv_entry() and read by exit handlers. */
#ifndef SVMHV_HV_HV_H
#define SVMHV_HV_HV_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/boot_info.h"
#include "hv/cpu.h"
#include "hv/insn/insn.h"
#include "hv/policy.h"
#include "hv/vcpu.h"
#include "mm/gmem.h"
#include "mm/npt.h"
#include "mm/pmm.h"
#include "svm/svm.h"

#define HV_MAX_CPUS     HV_BOOT_MAX_CPUS

struct hv_state {
	struct hv_boot_info boot;
	struct svm_features feat;
	struct pmm pmm;
	struct npt npt;                 /* L1's nested page tables */
	struct npt host_pt;             /* svmhv's own identity page tables */
	uint64_t host_cr3;
	uint64_t npt_root;
	uint64_t blank_pa;              /* what the guest sees of svmhv memory */
	struct gmem gmem;               /* what svmhv may copy in and out of L1 memory */
	uint64_t msrpm_pa, iopm_pa;
	uint64_t efer_allowed;          /* EFER bits the guest may set */
	uint64_t apic_base;             /* the write-protected xAPIC page */
	struct vmcb_control vmcb01_control;     /* vmcb01's controls at rest */
	struct hv_cpuid_ctx cpuid_ctx;          /* what CPUID offers the guest */
	struct asid_plan asid_plan;     /* split L1/L2 ASIDs, or shared (fallback) */
	struct asid_pool asid_pool;
	struct asid_vcpu asids[HV_MAX_CPUS];    /* fixed at boot, by CPU index */
	struct tlb_domain tlb;
	struct tlb_pcpu tlb_pcpus[HV_MAX_CPUS];
	struct tlb_vcpu *tlb_slots[HV_MAX_CPUS];
	unsigned ncpu;                  /* CPUs present, virtualized or not */
	struct hv_cpu cpus[HV_MAX_CPUS];        /* apic_id known for all of them */
	uint32_t apic_ids[HV_MAX_CPUS];         /* the same, for the hypercall ABI */
	struct vcpu *vcpus[HV_MAX_CPUS];        /* NULL until that CPU is virtualized */
};

extern struct hv_state hv;

/* Guest memory and instruction helpers (hv/guest.c). */
struct hv_fetched {
	uint8_t bytes[15];
	size_t len;                     /* bytes fetched */
	enum hv_insn_mode mode;
	uint64_t rip, ip_mask;
};
int hv_next_rip(struct vcpu *v, uint64_t *next_rip);
int hv_fetch_insn(struct vcpu *v, struct hv_fetched *f);
void hv_advance_rip(struct vcpu *v, const struct hv_fetched *f, unsigned len);
int hv_skip_insn(struct vcpu *v);
void hv_gprs_get(const struct vcpu *v, uint64_t g[16]);
void hv_gprs_set(struct vcpu *v, const uint64_t g[16]);
void hv_inject_exception(struct vcpu *v, unsigned vec, int has_err, uint32_t err);

/* Local APIC virtualization (hv/apic/vapic.c). */
int hv_apic_setup(void);
int hv_apic_is_page(uint64_t gpa);
void hv_apic_npf_write(struct vcpu *v, uint64_t gpa);
int hv_apic_icr_write(struct vcpu *v, uint64_t icr, bool x2apic);
int hv_apic_base_write(struct vcpu *v, uint64_t val);

/* Exit dispatch (hv/exit.c), called by svm/world.asm. */
void svm_handle_exit(struct vcpu *v);

#endif
