/* SPDX-License-Identifier: MIT */
/*
 * svm/tlb — the TLB contract (DESIGN.md "The TLB contract"): every flush
 * decision of svmhv, and the only code that writes VMCB TLB_CONTROL.
 * See: AMD64 APM Vol. 2 (rev. 3.42) 15.16 "TLB Control", 15.16.1 TLB_CONTROL,
 * 15.16.2 INVLPGA, 15.25 nested paging; FlushByASID is CPUID Fn8000_000A_EDX[6].
 *
 * Model. Each vCPU is pinned to its own pCPU for life and has two contexts,
 * L1 and L2, with fixed hardware ASIDs (svm/asid.h): one for L1, and a few
 * *slots* for L2, each holding the entries of one vmcb12 ASID of L1's (an
 * LRU: L1 switching between its L2s, as KVM does with several VMs, keeps each
 * L2's entries and flushes nothing; the seed's single L2 ASID flushed on
 * every switch). Events only *request* flushes of a context (for L2: of every
 * slot, or of one); tlb_before_vmrun() *applies* the pending requests of the
 * context (the L2 slot) about to run, as the last write to its VMCB:
 * TLB_CONTROL = 3 (this ASID) with FlushByASID, else 1 (every ASID of the
 * pCPU, which then satisfies every request made before it on that pCPU).
 * tlb_after_vmexit() commits what the VMRUN did; a VMRUN that failed its
 * checks did nothing, and its requests are pending again.
 *
 * The transition API, in the order hv/run.c calls it (the model checker runs
 * that same code, tests/model/):
 *
 *   run loop, every VMRUN      tlb_before_vmrun(v, vmcb)  ... VMRUN ...
 *                              tlb_after_vmexit(v, vmcb, vmrun_failed)
 *   VMCB switch (one helper)   tlb_enter_l2(v) / tlb_leave_l2(v)
 *   L1 executes VMRUN          tlb_l1_vmrun(v, vmcb12 ASID, vmcb12 TLB_CONTROL):
 *                              also which shadow roots it makes stale
 *   L1 executes INVLPGA        tlb_invlpga(v, va, ASID)
 *   L2 dropped (INIT, ...)     tlb_forced_leave(v, arch_flush), then leave L2
 *   svmhv edits its NPT        tlb_npt_changed(domain, self): every vCPU,
 *                              remote ones kicked and waited for
 *   before L2 runs             tlb_shadow_take(v): every shadow root of L1's
 *                              nested page tables stale? (nested/shadow.h)
 *   a shadow root evicted      tlb_shadow_evicted(v)
 *
 * Each rule of the contract is guarded by TLB_RULE(name), here and in the
 * glue that calls this API: the model checker builds one mutant per marker
 * with that rule disabled and must kill each (tests/suites/20-model.sh finds
 * the markers; nothing keeps a list by hand).
 *
 * Concurrency: requests, the shadow flag and pCPU flush generations are
 * __atomic (posted by any CPU); everything else belongs to the vCPU's own
 * thread. A remote request sets the flag, then ops.kick(target) makes a target
 * in guest mode #VMEXIT, and ops.wait(target) returns once the target cannot
 * be running on translations older than the request.
 *
 * Pure: freestanding hypervisor and host unit tests / model checker.
 */
#ifndef SVMHV_SVM_TLB_H
#define SVMHV_SVM_TLB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svm/asid.h"
#include "svm/vmcb.h"

/*
 * A rule of the TLB contract, true unless this build is the model checker's
 * mutant that disables it (-DTLB_MUTANT='"name"', tests/model/model.mk).
 * Names are unique across svm/, nested/ and hv/.
 */
#ifdef TLB_MUTANT
#define TLB_RULE(name)  (__builtin_strcmp(TLB_MUTANT, #name) != 0)
#else
#define TLB_RULE(name)  1
#endif

enum tlb_ctx {
	TLB_CTX_L1 = 0,
	TLB_CTX_L2 = 1,
	TLB_NR_CTX = 2,
};

#define TLB_CTX_MASK(ctx)       (1u << (ctx))
#define TLB_MASK_L1             TLB_CTX_MASK(TLB_CTX_L1)
#define TLB_MASK_L2             TLB_CTX_MASK(TLB_CTX_L2)
#define TLB_MASK_BOTH           (TLB_MASK_L1 | TLB_MASK_L2)

/*
 * Why a flush was requested. ABI: SVMHV_HC_TLB_FLUSHES (hv/hypercall.h) takes
 * these values; never renumber, only append.
 */
enum tlb_reason {
	TLB_REASON_NEW_PCPU      = 0,   /* the context's first VMRUN */
	TLB_REASON_NPT_CHANGE    = 1,   /* svmhv changed L1's nested page tables */
	TLB_REASON_L1_FLUSH_ALL  = 2,   /* vmcb12 TLB_CONTROL = 1 */
	TLB_REASON_L1_FLUSH_ASID = 3,   /* vmcb12 TLB_CONTROL = 3 or 7 */
	TLB_REASON_ASID_CHANGE   = 4,   /* vmcb12 ASID differs from the last one */
	TLB_REASON_INVLPGA       = 5,   /* (unused since vCPUs are pinned) */
	TLB_REASON_FORCED_EXIT   = 6,   /* forced nested exit, INIT */
	TLB_REASON_FORCE_OPTION  = 7,   /* force_tlb_flush */
	TLB_REASON_SHARED_ASID   = 8,   /* (unused since ASIDs are per pCPU: never shared) */
	TLB_REASON_SHADOW_EVICT  = 9,   /* a shadow root's tables were reused */
	TLB_REASON_COUNT
};
#define TLB_REASON_ALL          0xffffffffu     /* tlb_counter_read(): every reason */

#define TLB_MAX_PCPUS           0xfffeu

/* Which shadow roots (nested/shadow.h) an event makes stale. */
#define TLB_SHADOW_ALL          BIT(0)  /* every root */
#define TLB_SHADOW_ASID         BIT(1)  /* the roots of the vmcb12 ASID being entered */

struct tlb_vcpu;

/* Caller-supplied actions; any pointer may be NULL. */
struct tlb_ops {
	/* Make target #VMEXIT if it is in guest mode (IPI/NMI); see above. */
	void (*kick)(void *arg, struct tlb_vcpu *target);
	/* Return once a kicked target runs no guest code older than the kick. */
	void (*wait)(void *arg, struct tlb_vcpu *target);
	/* Execute INVLPGA va, asid on the calling pCPU (host mode). APM2 15.16.2 */
	void (*invlpga)(void *arg, uint64_t va, uint32_t asid);
	void *arg;
};

struct tlb_config {
	bool flush_by_asid;             /* CPUID Fn8000_000A_EDX[6] */
	bool force_tlb_flush;           /* debug: flush on every nested transition */
};

/* Per physical CPU. */
struct tlb_pcpu {
	uint32_t id;                    /* index in tlb_domain.pcpus */
	uint32_t reserved;
	uint64_t flush_gen;             /* flush-alls committed here; atomic, owner writes */
};

struct tlb_domain {
	struct tlb_pcpu *pcpus;
	uint32_t nr_pcpus;
	uint32_t max_vcpus;
	struct tlb_vcpu **vcpus;        /* slots, NULL = absent */
	struct tlb_config cfg;
	struct tlb_ops ops;
};

struct tlb_counters {
	uint64_t flushes[TLB_NR_CTX];   /* VMRUNs that carried TLB_CONTROL != 0 */
	uint64_t reason[TLB_NR_CTX][TLB_REASON_COUNT];  /* requests behind them */
	uint64_t satisfied[TLB_NR_CTX]; /* requests met by an earlier flush-all */
	uint64_t invlpga[TLB_NR_CTX];   /* single-page INVLPGAs executed */
};

/* What tlb_before_vmrun() put in flight; tlb_after_vmexit() commits it. */
struct tlb_inflight {
	uint64_t snap;                  /* requests this VMRUN applies */
	uint8_t ctx;
	uint8_t slot;                   /* ctx L2: the slot it runs */
	uint8_t tlb_control;
	bool valid;
};

/* A hardware ASID for L2, holding the entries of one vmcb12 ASID. */
struct tlb_l2_slot {
	uint32_t asid;                  /* hardware ASID */
	uint32_t vasid;                 /* vmcb12 ASID it holds, 0 = none */
	uint64_t req;                   /* atomic pending requests (tlb.c) */
	uint64_t used;                  /* LRU stamp: the vCPU's clock at its last VMRUN by L1 */
	bool ran;                       /* a VMRUN used it (it may hold entries) */
};

#define TLB_L2_SLOTS    ASID_L2_MAX

struct tlb_vcpu {
	struct tlb_domain *dom;
	struct tlb_pcpu *pcpu;          /* the pCPU this vCPU is pinned to */
	uint32_t id;
	uint32_t asid[TLB_NR_CTX];      /* hardware ASIDs: L1's, and the current L2 slot's */
	bool shadow_stale;              /* atomic: every shadow root; tlb_shadow_take() */
	uint8_t ctx;                    /* the context the vCPU runs: enter/leave L2 */
	uint8_t ran_ctx;                /* context of the last completed VMRUN */
	bool ran[TLB_NR_CTX];           /* the context has run (L2: some slot has) */
	uint32_t l2_vasid;              /* vmcb12 ASID of the current L2 slot, 0 = none */
	uint64_t req[TLB_NR_CTX];       /* atomic pending requests of L1 (req[L2]: unused) */
	uint8_t cur;                    /* the current L2 slot: L1's last VMRUN */
	uint8_t nslots;                 /* 1 .. TLB_L2_SLOTS */
	uint64_t clock;                 /* LRU clock */
	struct tlb_l2_slot l2[TLB_L2_SLOTS];
	struct tlb_inflight run;
	struct tlb_counters cnt;
};

/* Setup (BSP, once). */
int tlb_domain_init(struct tlb_domain *d, struct tlb_pcpu *pcpus, uint32_t nr_pcpus,
		    struct tlb_vcpu **slots, uint32_t max_vcpus,
		    const struct tlb_config *cfg, const struct tlb_ops *ops);
/* vCPU id, pinned to pCPU pcpu, starts in L1; each context's first VMRUN flushes. */
int tlb_vcpu_init(struct tlb_domain *d, struct tlb_vcpu *v, uint32_t id, uint32_t pcpu,
		  const struct asid_vcpu *asids);

/* The run loop. */
void tlb_before_vmrun(struct tlb_vcpu *v, struct vmcb *vmcb);
void tlb_after_vmexit(struct tlb_vcpu *v, struct vmcb *vmcb, bool vmrun_failed);

/* Transitions and events (the vCPU's own thread unless named otherwise). */
void tlb_enter_l2(struct tlb_vcpu *v);
void tlb_leave_l2(struct tlb_vcpu *v);
uint32_t tlb_l1_vmrun(struct tlb_vcpu *v, uint32_t vmcb12_asid, uint8_t vmcb12_tlb_control);
void tlb_invlpga(struct tlb_vcpu *v, uint64_t va, uint32_t l1_asid);
void tlb_forced_leave(struct tlb_vcpu *v, bool arch_flush);
/* Any CPU; self = the calling vCPU or NULL. Returns once every vCPU is safe. */
void tlb_npt_changed(struct tlb_domain *d, struct tlb_vcpu *self);
/* Before L2 runs on a shadow: true once per event that stales every root. */
bool tlb_shadow_take(struct tlb_vcpu *v);
/* The shadow dropped a root whose tables the hardware may still cache. */
void tlb_shadow_evicted(struct tlb_vcpu *v);

/* Inspection: hypercall, console (hv/stats.c), tests. */
bool tlb_pending(const struct tlb_vcpu *v, enum tlb_ctx ctx);
bool tlb_counter_read(const struct tlb_vcpu *v, unsigned ctx, uint32_t reason,
		      uint64_t *out);
const char *tlb_reason_name(uint32_t reason);

#endif /* SVMHV_SVM_TLB_H */
