/* SPDX-License-Identifier: MIT */
/* svmhv's global state, set up once by hv_entry() and read by exit handlers. */
#ifndef SVMHV_HV_HV_H
#define SVMHV_HV_HV_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/apic/apic.h"
#include "hv/boot_info.h"
#include "hv/cpu.h"
#include "hv/insn/insn.h"
#include "hv/run.h"
#include "hv/policy.h"
#include "hv/vcpu.h"
#include "mm/gmem.h"
#include "mm/npt.h"
#include "mm/pmm.h"
#include "nested/nested.h"
#include "svm/svm.h"

#include "hv/cpus.h"

_Static_assert(HV_CPUS_MAX <= HV_APIC_MAX_CPUS, "IPI CPU sets cover every CPU");

struct hv_state {
	struct hv_boot_info boot;
	struct svm_features feat;
	struct pmm pmm;
	struct npt npt;                 /* L1's nested page tables */
	struct npt host_pt;             /* svmhv's own identity page tables */
	uint64_t host_cr3;
	uint64_t npt_root;
	uint64_t blank_pa;              /* what the guest sees of svmhv memory */
	/*
	 * The one guest-physical limit: addresses below 2^gpa_bits are what
	 * svmhv's nested page tables map 1:1 (and its host page tables reach);
	 * CPUID 8000_0008 reports it, and every address a guest names to svmhv
	 * (VMRUN/VMLOAD/VMSAVE, VM_HSAVE_PA, permission maps) is checked
	 * against it. Above it, up to 2^48, reads see all ones and writes are
	 * dropped (unbacked MMIO). See hv/npt.c.
	 */
	unsigned gpa_bits;
	bool x2apic;                    /* CPUID 1 ECX.x2APIC: EXTD is not reserved */
	uint64_t spec_ctrl_bits;        /* SPEC_CTRL bits the CPU has; 0: no SPEC_CTRL */
	bool ibpb;                      /* PRED_CMD.IBPB exists (CPUID 8000_0008 EBX[12]) */
	bool invlpgb;                   /* the CPU has INVLPGB/TLBSYNC (8000_0008 EBX[3]) */
	struct gmem gmem;               /* what svmhv may copy in and out of L1 memory */
	uint64_t msrpm_pa, iopm_pa;
	uint64_t efer_allowed;          /* EFER bits the guest may set */
	uint64_t apic_base;             /* the write-protected xAPIC page */
	struct vmcb_control vmcb01_control;     /* vmcb01's controls at rest */
	struct hv_cpuid_ctx cpuid_ctx;          /* what CPUID offers the guest */
	struct nested_env nested;               /* what nested SVM needs of svmhv */
	struct asid_plan asid_plan;     /* two ASIDs per pCPU: the boot check */
	struct asid_pool asid_pool;     /* a pCPU's pool: each is the same, filled at boot */
	/*
	 * Per-CPU tables, ncpu entries each by CPU index, allocated from the
	 * heap by hv_setup() (hv_setup_tables()) for the count MP services
	 * reported; ncpu is 0 until they exist.
	 */
	unsigned ncpu;                  /* CPUs present, virtualized or not */
	struct asid_vcpu *asids;        /* fixed at boot */
	struct tlb_domain tlb;
	struct tlb_pcpu *tlb_pcpus;
	struct tlb_vcpu **tlb_slots;
	struct hv_cpu *cpus;            /* apic_id known for all of them */
	uint32_t *apic_ids;             /* the same, for the hypercall ABI */
	struct vcpu **vcpus;            /* NULL until that CPU is virtualized */
	struct hv_apic_cpu *ipi_view;   /* INIT/SIPI resolution's scratch (hv/apic/vapic.c) */
	uint32_t *ipi_outside;          /* the same, outside APIC IDs (boot.noutside) */
};

extern struct hv_state hv;

/* Set-up (hv/setup.c): once on the boot CPU, then once per CPU taken over. */
int hv_setup(const struct hv_boot_info *info);
int hv_setup_cpu(unsigned idx, struct vcpu **v_out);
void hv_setup_report(void);
/* n zeroed entries of size bytes from svmhv's heap (a per-CPU table); NULL if it is too small. */
void *hv_table_alloc(size_t n, size_t size);

/* A vCPU's instructions (hv/guest.c); faults come back as verdicts. */
struct hv_fetched {
	uint8_t bytes[15];
	size_t len;                     /* bytes fetched */
	enum hv_insn_mode mode;
	uint64_t rip, ip_mask;
};
struct hv_verdict hv_fetch_insn(struct vcpu *v, struct hv_fetched *f);
struct hv_verdict hv_fetch_npf_insn(struct vcpu *v, struct hv_fetched *f);
struct hv_verdict hv_next_rip(struct vcpu *v, uint64_t *next_rip);
struct hv_verdict hv_skip_insn(struct vcpu *v);
/*
 * The processor's answer to CPUID(leaf, sub) as the guest v runs it (its
 * XCR0 and XSS), before hv_cpuid_filter(): from v's CPU's cache
 * (hv/cpuid_cache.h), else by CPUID (counted in the cache's misses).
 */
void hv_cpuid_hw(struct vcpu *v, uint32_t leaf, uint32_t sub, struct cpuid_regs *r);
/* Fill the CPUID cache of cpu, the CPU running this (hv/setup.c). */
void hv_cpuid_cache_cpu(struct hv_cpu *cpu);
void hv_advance_rip(struct vcpu *v, const struct hv_fetched *f, unsigned len);
void hv_set_rip(struct vcpu *v, uint64_t rip);
void hv_gprs_get(const struct vcpu *v, uint64_t g[16]);
void hv_gprs_set(struct vcpu *v, const uint64_t g[16]);

#endif
