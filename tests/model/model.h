/* SPDX-License-Identifier: MIT */
/*
 * The TLB-contract model checker (DESIGN.md "The TLB contract").
 *
 * svmhv itself runs here: the real run loop (hv/run.c), exit handlers,
 * nested glue (nested/nested.c) and TLB contract (svm/tlb.c), built for the
 * host on the fake CPU of tests/harness/. Each simulated event is what the
 * hardware would do: a guest memory access, a page-table edit, or a #VMEXIT
 * (L1's VMRUN, INVLPGA, STGI/CLGI, an L2 exit L1 intercepts, an NMI, ...) that
 * svmhv then handles exactly as on the machine, before the model executes the
 * VMRUN svmhv prepared, with hardware semantics: the VMCB's ASID and
 * TLB_CONTROL act on an ASID-tagged, set-associative TLB per pCPU. So a
 * mistake in the glue (a VMCB switch the TLB is not told about, flushes
 * served before the VMCB is final, a failed VMRUN taken for a flush) fails
 * the proof just as one in svm/tlb.c does.
 *
 * Memory: svmhv's nested page tables (npt0: L1 page -> host page, also
 * written into svmhv's real tables, a host page n at M_HPA(n)); L1's own page
 * table (pt1); L2 address spaces with their page tables (pt2) and L1's nested
 * page tables for them (npt1, also real 4-level tables in L1's memory that
 * vmcb12's nCR3 names). L2 runs on svmhv's real shadow of npt1 composed with
 * npt0 (nested/shadow.c): the hardware walks it from vmcb02's nCR3, with a
 * paging-structure cache per pCPU tagged by ASID (so a shadow table reused
 * without a flush is caught), and a miss is an NPF exit svmhv serves.
 *
 * Beside it, an architectural model of what L1 may legally see: per vCPU and
 * per L1-visible ASID (0 = L1 itself, 1.. = the ASIDs L1 puts in vmcb12, over
 * the whole 32-bit range: m_vasid[]), the translations current at some time
 * since L1 (or its L2) last invalidated them architecturally (INVLPG, MOV
 * CR3, INVLPGA, VMRUN with TLB_CONTROL, INIT). APM2 15.16 / 15.25.
 *
 * Invariant after every step: every entry the hardware TLB would use (the
 * ASID a pCPU is running) maps to the current host page of an L1 page that
 * is in the allowed set. Plus precision: no flush the contract does not call
 * for, and force_tlb_flush flushes where they must be.
 */
#ifndef SVMHV_TESTS_MODEL_H
#define SVMHV_TESTS_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tests/harness/harness.h"

#define M_MAX_VCPU      4       /* each pinned to its own pCPU */
#define M_NVASID        10      /* vmcb12 ASIDs L1 multiplexes on each vCPU */
#define M_NGUEST        3       /* L2 address spaces L1 runs */
#define M_NONE          0xffffffffu

/* The vmcb12 ASID values, by index 1..M_NVASID (0: L1): low bits alias. */
extern const uint32_t m_vasid[M_NVASID + 1];

struct m_config {
	const char *name;
	unsigned nvcpu;
	bool flush_by_asid;
	bool force;                     /* force_tlb_flush */
	bool emulated_gif;              /* vgif=off: L1's STGI/CLGI exit (else on VGIF) */
	uint32_t nasid;                 /* CPUID Fn8000_000A_EBX, 0: the fake CPU's 16 */
	unsigned tlb_sets, tlb_ways;
	unsigned nva, ngpa;             /* pages per address space, L1/L2 RAM pages */
	bool check;                     /* architectural invariants (<= 64 pages) */
	bool no_npt;                    /* L1 runs L2 without nested paging */
	bool spread;                    /* L2 pages 2 MiB apart: a shadow table each */
	unsigned shadow_pages;          /* svmhv's shadow pool per vCPU (0: default) */
};

/* Host page n of the model, as svmhv's real nested page tables name it. */
#define M_HPA_BASE      (1ull << 34)
#define M_HPA(n)        (M_HPA_BASE + ((uint64_t)(n) << 12))
#define M_NPWC          4       /* paging-structure cache entries per pCPU */

enum m_ev_type {
	EV_ACCESS,              /* a: va */
	EV_L1_PTE,              /* a: va, b: gpa1 / M_NONE, c: 1 = INVLPG after */
	EV_L1_CR3,              /* L1 reloads CR3: flushes its own ASID */
	EV_L2_PTE,              /* the same in L2's page table, by L2 (or by L1) */
	EV_L2_CR3,
	EV_L1_NPT,              /* a: guest, b: gpa2, c: gpa1 / M_NONE */
	EV_VMRUN,               /* a: guest, b: vmcb12 ASID index, c: TLB_CONTROL,
				 * d: 0 ok / 1 vmcb12 fails svmhv's checks / 2 the CPU
				 * refuses vmcb02; e: 1 = L1 intercepts NMI */
	EV_VMEXIT,              /* L2 exits to L1 (VMMCALL, or SHUTDOWN if a) */
	EV_L0_EXIT,             /* an exit svmhv handles itself (CPUID), resumes */
	EV_INVLPGA,             /* a: va, b: 0 zero / 1 current / 2 other, c: other index */
	EV_HV_NPT,              /* a: gpa1, b: 0 unmap / 1 remap; by the vCPU's exit */
	EV_INIT,                /* another CPU sends INIT (then SIPI) */
	EV_NMI,                 /* an NMI for the guest (not a kick) */
	EV_GIF,                 /* L1 executes a: 0 CLGI / 1 STGI */
	EV_COUNT
};

struct m_event {
	uint8_t type, vcpu;
	uint32_t a, b, c, d, e;
};

enum m_verdict { M_OK = 0, M_STALE, M_UNNEEDED, M_MISSING_FORCED, M_CONTRACT };

struct m_tlbe {
	uint32_t asid, va, hpa;
	bool valid;
};

/* A cached shadow PDE: the table that maps one 2 MiB region of L2 (APM2 15.25.4). */
struct m_pwc {
	uint32_t asid;
	uint64_t region;                /* gpa2 >> 21 */
	uint64_t pt;                    /* the shadow page table's address */
	bool valid;
};

struct m_vcpu {
	struct vcpu *hv;                /* svmhv's vCPU; pinned to pCPU = index */
	struct vmcb *vmcb12;            /* L1's vmcb12 page, in guest RAM */
	bool in_guest;                  /* VMRUN executed, no #VMEXIT yet */
	bool nmi_pending;               /* an NMI reached this pCPU outside guest mode */
	bool init_sent;                 /* INIT posted, not yet taken */
	bool reboot;                    /* INIT taken: L1 sets itself up again */
	bool refuse_l2;                 /* the next VMRUN of vmcb02 fails its checks */
	int ctx;                        /* TLB_CTX_* of the VMCB that runs (in_guest) */
	int hw_ctx;                     /* ctx of the last hardware VMRUN, -1 none */
	uint32_t guest, vasid;          /* L2's space and vmcb12 ASID index (L2 ran) */
	uint32_t next_guest;            /* the space L1's last accepted VMRUN runs */
	uint32_t last_va;               /* generator locality only */
	bool may_flush[TLB_NR_CTX];     /* a flush would not be gratuitous */
	uint64_t *allow_v;              /* [(M_NVASID + 1) * nva] gpa masks */
	uint64_t *allow_n;              /* [(M_NVASID + 1) * ngpa] gpa1 masks */
};

struct m_world {
	const struct m_config *cfg;
	struct m_vcpu vcpu[M_MAX_VCPU];
	struct m_tlbe *tlb[M_MAX_VCPU];         /* one TLB per pCPU */
	uint8_t *victim[M_MAX_VCPU];
	uint32_t *pt1, *npt0;           /* [nva], [ngpa] */
	uint32_t *pt2[M_NGUEST], *npt1[M_NGUEST];
	uint64_t npt1_root[M_NGUEST];   /* L1's real nested page tables (nCR3) */
	uint64_t **npt1_leaf[M_NGUEST]; /* [ngpa]: the leaf entry of each L2 page */
	struct m_pwc pwc[M_MAX_VCPU][M_NPWC];
	unsigned pwc_next[M_MAX_VCPU];
	uint32_t next_hpa;
	unsigned depth;                 /* nested hardware events (livelock guard) */
	enum m_verdict verdict;
	char why[256];
	uint64_t refills[TLB_NR_CTX], accesses[TLB_NR_CTX];
	uint64_t npf_exits;
};

/* world.c: the machine, events, the invariants. */
int m_world_init(struct m_world *w, const struct m_config *cfg);
int m_world_boot(struct m_world *w);    /* every vCPU in guest mode, SVM on */
uint64_t m_gpa1(uint32_t page);         /* L1 page -> L1-physical address */
uint64_t m_gpa2(const struct m_world *w, uint32_t page);       /* L2-physical */
void m_npt1_write(struct m_world *w, uint32_t guest, uint32_t gpa2);
void m_world_free(struct m_world *w);
void m_exec(struct m_world *w, const struct m_event *ev);
void m_check(struct m_world *w);
uint64_t m_flushes(const struct m_world *w);
void m_shadow_sum(const struct m_world *w, struct nested_shadow_stats *sum);
void m_fail(struct m_world *w, enum m_verdict v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

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
	uint64_t npf_exits;             /* shadow misses the CPU raised */
	struct nested_shadow_stats shadow;      /* svmhv's shadows, summed */
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

/* interleave.c: the request word and the kick handshake, over every interleaving. */
int m_interleave(bool verbose);

#endif /* SVMHV_TESTS_MODEL_H */
