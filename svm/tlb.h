/* SPDX-License-Identifier: MIT */
/*
 * svm/tlb — the TLB contract (DESIGN.md "The TLB contract"): every flush
 * decision of svmhv, and the only code that writes VMCB TLB_CONTROL.
 * See: AMD64 APM Vol. 2 (rev. 3.42) 15.16 "TLB Control", 15.16.1 TLB_CONTROL,
 * 15.16.2 INVLPGA, 15.25 nested paging; FlushByASID is CPUID Fn8000_000A_EDX[6].
 *
 * Model. A vCPU has two contexts, L1 and L2, each with a fixed hardware ASID
 * (svm/asid.h). Events only *request* flushes of a context; requests are
 * *applied* by tlb_before_vmrun(), which takes the context's pending requests
 * and writes the VMCB about to run it: TLB_CONTROL = 3 (this ASID) with
 * FlushByASID, else 1 (everything on this pCPU). tlb_after_vmexit() resets
 * TLB_CONTROL and commits (counters; a flush-all satisfies every request, of
 * any vCPU and context, stamped for that pCPU before it: tlb.c "Requests").
 * A VMRUN that was prepared but never executed gives its requests back (on
 * tlb_vmcb_switch(), tlb_vmcb_rebuilt() or the next tlb_before_vmrun()).
 *
 * The VMRUN loop (hv/), per vCPU v on pCPU p:
 *
 *	ctx  = nested guest running ? TLB_CTX_L2 : TLB_CTX_L1;
 *	vmcb = ctx == TLB_CTX_L2 ? vmcb02 : vmcb01;
 *	if (ctx == TLB_CTX_L2 && tlb_shadow_resync_take(v)) resync nested-NPT shadow;
 *	CLGI;                                   (a kick now makes VMRUN exit at once)
 *	tlb_before_vmrun(v, p, vmcb, ctx);      (last write to the VMCB)
 *	VMRUN;
 *	tlb_after_vmexit(v, vmcb, failed);      (first thing after #VMEXIT)
 *	STGI; handle the exit (may call the event entry points below);
 *
 * The nested code (nested/) on L1's VMRUN, after copying and checking vmcb12:
 *
 *	tlb_nested_vmrun(v, vmcb12.asid, vmcb12.tlb_control);
 *	build vmcb02; tlb_vmcb_rebuilt(v, vmcb02, TLB_CTX_L2);
 *	tlb_vmcb_switch(v, TLB_CTX_L1);         (now run L2)
 *
 * and on a #VMEXIT it reflects to L1: tlb_vmcb_switch(v, TLB_CTX_L2).
 *
 * Event entry points, one per row of the DESIGN.md table. "Local" ones run on
 * the vCPU's own thread, in an exit handler, on the pCPU of its last #VMEXIT:
 *
 *  row                                       entry point
 *  first run / different pCPU                (automatic in tlb_before_vmrun)
 *  svmhv changes L1's nested page tables     tlb_npt_changed()       (remote)
 *  L1 VMRUN, vmcb12 TLB_CONTROL = 1 / 3 / 7  tlb_nested_vmrun()
 *  L1 VMRUN, vmcb12 ASID changed             tlb_nested_vmrun()   (+ shadow flag)
 *  L1 changes its nested page tables         tlb_nested_vmrun()   (+ shadow flag)
 *  L1 executes INVLPGA(va, asid)             tlb_invlpga()
 *  svmhv forcibly leaves nested / INIT       tlb_forced_exit()
 *  VMCB switch (nested VMRUN / #VMEXIT)      tlb_vmcb_switch()
 *  vmcb02 (re)built                          tlb_vmcb_rebuilt()
 *  steady-state nested VMRUN / #VMEXIT       nothing: no flush
 *  anything else needing a flush             tlb_request() / tlb_request_remote()
 *
 * force_tlb_flush (struct tlb_config) requests both contexts on every nested
 * transition (seed patch 25), for A/B comparison. In ASID_MODE_SHARED the
 * entered context is flushed on every transition, always.
 *
 * Concurrency: requests, last_pcpu, the shadow flag and pCPU flush counts are
 * __atomic; everything else belongs to the vCPU's own thread. A remote
 * request sets the flag, then calls ops->kick(target): the kick must make a
 * target that is in guest mode #VMEXIT (and the requester wait for that
 * before reusing memory it unmapped); the flag is applied at its next VMRUN.
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
	TLB_REASON_NEW_PCPU      = 0,   /* first run, or a different pCPU */
	TLB_REASON_NPT_CHANGE    = 1,   /* svmhv changed L1's nested page tables */
	TLB_REASON_L1_FLUSH_ALL  = 2,   /* vmcb12 TLB_CONTROL = 1 */
	TLB_REASON_L1_FLUSH_ASID = 3,   /* vmcb12 TLB_CONTROL = 3 or 7 */
	TLB_REASON_ASID_CHANGE   = 4,   /* vmcb12 ASID differs from the last one */
	TLB_REASON_INVLPGA       = 5,   /* INVLPGA while L2 last ran on another pCPU */
	TLB_REASON_FORCED_EXIT   = 6,   /* forced nested exit, INIT */
	TLB_REASON_FORCE_OPTION  = 7,   /* force_tlb_flush */
	TLB_REASON_SHARED_ASID   = 8,   /* ASID_MODE_SHARED transition */
	TLB_REASON_COUNT
};
#define TLB_REASON_ALL          0xffffffffu     /* tlb_counter_read(): every reason */

#define TLB_PCPU_NONE           0xffffffffu
#define TLB_MAX_PCPUS           0xfffeu

struct tlb_vcpu;

/* Caller-supplied actions; any pointer may be NULL. */
struct tlb_ops {
	/* Make target #VMEXIT if it is in guest mode (IPI/NMI); see above. */
	void (*kick)(void *arg, struct tlb_vcpu *target);
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
	struct tlb_pcpu *pcpu;
	struct vmcb *vmcb;
	uint8_t ctx;
	uint8_t tlb_control;
	bool valid;
};

struct tlb_vcpu {
	struct tlb_domain *dom;
	uint32_t id;
	uint32_t asid[TLB_NR_CTX];      /* hardware ASIDs, equal in SHARED mode */
	bool shared;
	bool shadow_stale;              /* atomic; see tlb_shadow_resync_take() */
	uint8_t ran_ctx;                /* context of the last completed VMRUN */
	uint32_t pcpu;                  /* pCPU of the last #VMEXIT */
	uint32_t last_pcpu[TLB_NR_CTX]; /* atomic; where each ASID last ran */
	uint32_t l2_vasid;              /* vmcb12 ASID asid_l2 holds now, 0 = none */
	uint64_t req[TLB_NR_CTX];       /* atomic pending requests (tlb.c) */
	struct tlb_inflight run;
	struct tlb_counters cnt;
};

/* Setup (BSP, once). */
int tlb_domain_init(struct tlb_domain *d, struct tlb_pcpu *pcpus, uint32_t nr_pcpus,
		    struct tlb_vcpu **slots, uint32_t max_vcpus,
		    const struct tlb_config *cfg, const struct tlb_ops *ops);
int tlb_vcpu_init(struct tlb_domain *d, struct tlb_vcpu *v, uint32_t id,
		  const struct asid_vcpu *asids);

/* The VMRUN loop. */
void tlb_before_vmrun(struct tlb_vcpu *v, struct tlb_pcpu *p, struct vmcb *vmcb,
		      enum tlb_ctx ctx);
void tlb_after_vmexit(struct tlb_vcpu *v, struct vmcb *vmcb, bool vmrun_failed);

/* Events (local unless named remote). */
void tlb_request(struct tlb_vcpu *v, unsigned ctx_mask, enum tlb_reason why);
void tlb_request_remote(struct tlb_vcpu *target, unsigned ctx_mask, enum tlb_reason why);
void tlb_npt_changed(struct tlb_domain *d, struct tlb_vcpu *self);
void tlb_nested_vmrun(struct tlb_vcpu *v, uint32_t vmcb12_asid, uint8_t vmcb12_tlb_control);
void tlb_invlpga(struct tlb_vcpu *v, uint64_t va, uint32_t l1_asid);
void tlb_forced_exit(struct tlb_vcpu *v, bool arch_flush);
void tlb_vmcb_switch(struct tlb_vcpu *v, enum tlb_ctx from_ctx);
void tlb_vmcb_rebuilt(struct tlb_vcpu *v, struct vmcb *vmcb, enum tlb_ctx ctx);
bool tlb_shadow_resync_take(struct tlb_vcpu *v);

/* Inspection: hypercall, console (hv/stats.c), tests. */
bool tlb_pending(const struct tlb_vcpu *v, enum tlb_ctx ctx);
bool tlb_counter_read(const struct tlb_vcpu *v, unsigned ctx, uint32_t reason,
		      uint64_t *out);
const char *tlb_reason_name(uint32_t reason);

#endif /* SVMHV_SVM_TLB_H */
