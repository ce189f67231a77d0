/* SPDX-License-Identifier: MIT */
/*
 * The TLB-contract model checker (DESIGN.md "The TLB contract", issue 3).
 *
 * A simulated machine: several pCPUs, each with an ASID-tagged,
 * set-associative TLB; svmhv's nested page tables (npt0: L1 page -> host
 * page); L1's own page table (pt1); L2 address spaces with their page tables
 * (pt2) and L1's nested page tables for them (npt1); per vCPU, svmhv's shadow
 * of npt1 composed with npt0 (what the hardware really walks for L2).
 *
 * The real svm/asid.c and svm/tlb.c make every flush decision: the simulated
 * nested code (VMRUN / #VMEXIT / INVLPGA emulation) only reports events to
 * them and executes the VMCB they prepare, exactly as hv/ and nested/ will.
 *
 * Beside it, an architectural model of what L1 may legally see: per vCPU and
 * per L1-visible ASID (0 = L1 itself, 1.. = the ASIDs L1 puts in vmcb12), the
 * set of translations that were current at some time since L1 (or its L2)
 * last invalidated them with an architectural operation (INVLPG, MOV CR3,
 * INVLPGA, VMRUN with TLB_CONTROL, INIT). Two layers for L2: guest-virtual ->
 * L2-physical and L2-physical -> L1-physical (nested), APM2 15.16 / 15.25.
 *
 * Invariant after every step: every entry the hardware TLB would use (the
 * ASID a pCPU is running) maps to the current host page of an L1 page that
 * is in the allowed set. Plus precision checks: no flush the contract does
 * not call for, and force_tlb_flush / shared-ASID flushes where they must be.
 */
#ifndef SVMHV_TESTS_MODEL_H
#define SVMHV_TESTS_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "svm/tlb.h"

#define M_MAX_PCPU      4
#define M_MAX_VCPU      5
#define M_NVASID        10      /* L1 multiplexes ASIDs 1..10 on each vCPU */
#define M_NGUEST        3       /* L2 address spaces L1 runs */
#define M_NONE          0xffffffffu

struct m_config {
	const char *name;
	unsigned npcpu, nvcpu;
	bool flush_by_asid;
	bool force;                     /* force_tlb_flush */
	bool shared;                    /* too few ASIDs: ASID_MODE_SHARED */
	unsigned tlb_sets, tlb_ways;
	unsigned nva, ngpa;             /* pages per address space, L1/L2 RAM pages */
	bool check;                     /* architectural invariants (<= 64 pages) */
};

enum m_ev_type {
	EV_ACCESS,              /* a: va */
	EV_L1_PTE,              /* a: va, b: gpa1 / M_NONE, c: 1 = INVLPG after */
	EV_L1_CR3,              /* L1 reloads CR3: flushes its own ASID */
	EV_L2_PTE,              /* the same in L2's page table, by L2 (or by L1) */
	EV_L2_CR3,
	EV_L1_NPT,              /* a: guest, b: gpa2, c: gpa1 / M_NONE */
	EV_VMRUN,               /* a: guest, b: vmcb12 ASID, c: TLB_CONTROL, d: abandon */
	EV_VMEXIT,              /* L2 exits to L1 */
	EV_L0_EXIT,             /* an exit svmhv handles itself, resumes */
	EV_INVLPGA,             /* a: va, b: 0 zero / 1 current / 2 other, c: other ASID */
	EV_HV_NPT,              /* a: gpa1, b: 0 unmap / 1 remap, c: 1 = no calling vCPU */
	EV_MOVE,                /* a: pCPU / M_NONE = deschedule, b: swap if busy */
	EV_FORCED_EXIT,         /* a: 1 = INIT (architectural flush) */
	EV_COUNT
};

struct m_event {
	uint8_t type, vcpu;
	uint32_t a, b, c, d;
};

enum m_verdict { M_OK = 0, M_STALE, M_UNNEEDED, M_MISSING_FORCED, M_CONTRACT };

struct m_tlbe {
	uint32_t asid, va, hpa;
	bool valid;
};

struct m_shadow {
	uint32_t gpa1, hpa;
	bool valid;
};

struct m_vcpu {
	struct tlb_vcpu tlb;
	struct vmcb *vmcb01, *vmcb02;
	int pcpu;                       /* -1: descheduled */
	int prev_pcpu;                  /* before the last move, -1 none */
	int ctx;                        /* TLB_CTX_* svmhv runs next */
	bool in_guest;
	int hw_ctx;                     /* ctx of the last hardware VMRUN, -1 none */
	uint32_t guest, vasid;          /* current vmcb12; vasid 0 = none yet */
	uint32_t last_va;               /* generator locality only */
	bool may_flush[TLB_NR_CTX];     /* a flush would not be gratuitous */
	struct m_shadow *shadow;        /* [ngpa] */
	uint64_t *allow_v;              /* [(M_NVASID + 1) * nva] gpa masks */
	uint64_t *allow_n;              /* [(M_NVASID + 1) * ngpa] gpa1 masks */
};

struct m_world {
	const struct m_config *cfg;
	struct asid_pool pool;
	struct tlb_domain dom;
	struct tlb_pcpu tpcpu[M_MAX_PCPU];
	struct tlb_vcpu *slots[M_MAX_VCPU];
	struct m_vcpu vcpu[M_MAX_VCPU];
	int on_pcpu[M_MAX_PCPU];        /* vCPU index or -1 */
	struct m_tlbe *tlb[M_MAX_PCPU];
	uint8_t *victim[M_MAX_PCPU];
	uint32_t *pt1, *npt0;           /* [nva], [ngpa] */
	uint32_t *pt2[M_NGUEST], *npt1[M_NGUEST];
	uint32_t next_hpa;
	int cur;                        /* vCPU whose exit svmhv is handling */
	enum m_verdict verdict;
	char why[256];
	uint64_t refills[TLB_NR_CTX], accesses[TLB_NR_CTX];
};

/* world.c: the machine, the nested flow, the invariants. */
int m_world_init(struct m_world *w, const struct m_config *cfg);
void m_world_free(struct m_world *w);
void m_exec(struct m_world *w, const struct m_event *ev);
void m_check(struct m_world *w);
uint64_t m_flushes(const struct m_world *w);
void m_kick(void *arg, struct tlb_vcpu *target);
void m_invlpga(void *arg, uint64_t va, uint32_t asid);

/* arch.c: the L1-visible architectural TLB model. */
void arch_activate(struct m_world *w, struct m_vcpu *v);
void arch_reset(struct m_world *w, struct m_vcpu *v, uint32_t vasid);
void arch_invalidate(struct m_world *w, struct m_vcpu *v, uint32_t vasid, uint32_t va);
void arch_edit_pt1(struct m_world *w, uint32_t va);
void arch_edit_pt2(struct m_world *w, uint32_t guest, uint32_t va);
void arch_edit_npt1(struct m_world *w, uint32_t guest, uint32_t gpa2);
bool arch_legal(const struct m_world *w, const struct m_vcpu *v, uint32_t va, uint32_t hpa);

/* run.c: random episodes, shrinking, reporting. */
struct m_rng {
	uint64_t s;
};
uint64_t m_rand(struct m_rng *r);
void m_gen(struct m_world *w, struct m_rng *r, struct m_event *ev);
void m_event_print(FILE *f, const struct m_event *ev);
enum m_verdict m_replay(const struct m_config *cfg, const struct m_event *evs, unsigned n,
			char *why, size_t whylen);

struct m_result {
	uint64_t steps;
	enum m_verdict verdict;
	uint64_t seed, episode;
	unsigned config;
	unsigned nfail;                 /* events in the failing episode */
	unsigned nshrunk;
};

extern const struct m_config m_configs[];
extern const unsigned m_nconfigs;
extern const char *m_prog;             /* for replay hints */
int m_config_find(const char *name);
int m_run(const unsigned *configs, unsigned nconfigs, uint64_t seed, uint64_t steps,
	  unsigned episode_len, bool quiet, struct m_result *res);
int m_replay_episode(unsigned config, uint64_t seed, uint64_t episode, unsigned episode_len);
const char *m_verdict_name(enum m_verdict v);

/* bench.c */
int m_bench(FILE *out);

#endif /* SVMHV_TESTS_MODEL_H */
