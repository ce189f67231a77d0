/* SPDX-License-Identifier: MIT */
/*
 * nested/nested — L1's SVM instructions and the emulated #VMEXIT, for one
 * vCPU: the glue that moves state between L1's memory and the VMCBs, around
 * the pure decisions of vmcb12.h, check.h, merge.h, exit.h and gif.h.
 * See: APM2 15.5 (VMRUN), 15.6 (#VMEXIT), 15.5.2 (VMLOAD/VMSAVE), 15.17 (GIF),
 * 15.16.2 (INVLPGA).
 *
 * L1 runs on vmcb01; while it "runs L2", svmhv runs vmcb02 (built from the
 * checked copy of vmcb12) on the vCPU's L2 ASID. Without nested paging in
 * vmcb12, L2's physical space is L1's, mapped by svmhv's own nested page
 * tables; with it, vmcb02 runs on a shadow of L1's nested page tables
 * composed with svmhv's (nested/shadow.h), filled from vmcb02's nested page
 * faults (nested_npf()).
 *
 * Nothing here injects, logs or switches VMCBs: each call returns what
 * happened, and the run loop (hv/run.c) acts on it, and its one VMCB-switch
 * helper is the only code that changes which VMCB runs. Every TLB event is
 * reported to svm/tlb.h. L1's memory is reached through mm/gmem.h only.
 */
#ifndef SVMHV_NESTED_NESTED_H
#define SVMHV_NESTED_NESTED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/gmem.h"
#include "nested/check.h"
#include "nested/exit.h"
#include "nested/gif.h"
#include "nested/merge.h"
#include "nested/shadow.h"
#include "nested/vmcb12.h"
#include "svm/tlb.h"
#include "svm/vmcb.h"

/* What nested SVM needs of svmhv, fixed at boot by hv/. */
struct nested_env {
	bool enabled;                   /* nested=1: SVM offered to L1 */
	const struct gmem *mem;         /* L1's physical memory */
	struct nested_caps caps;        /* MAXPHYADDR, EFER/CR4 bits, svmhv's range */
	struct nested_intercepts host;  /* svmhv's vmcb01 intercepts at rest */
	uint64_t n_cr3;                 /* svmhv's nested page tables, for vmcb02 */
	const uint8_t *hv_msrpm;        /* svmhv's MSRPM, merged into L2's */
	const uint8_t *hv_iopm;         /* svmhv's IOPM (isolation ports), likewise */
	bool nrips;                     /* NRIPS offered to L1 */
	bool vgif;                      /* L1's GIF on the CPU's VGIF (nested/gif.h) */
	bool vls;                       /* L1's VMLOAD/VMSAVE on the CPU's virtual VMLOAD/VMSAVE */
	/* Nested paging for L1 (caps.l1_npt): svmhv's side of the composition. */
	const struct npt *l0;           /* svmhv's nested page tables */
	uint64_t host_pat;              /* svmhv's PAT: the shadow's memory types */
	bool host_nxe;                  /* svmhv's EFER.NXE: NX usable in the shadow */
	uint32_t shadow_pages;          /* shadow pool per vCPU, >= NESTED_SHADOW_MIN */
};

#define NESTED_SHADOW_MIN       8       /* pages: one 4-level walk, with headroom */

/* Nested SVM state of one vCPU; unused unless env.enabled. */
struct nested_vcpu {
	bool svme;                      /* L1's (virtual) EFER.SVME */
	bool in_l2;                     /* vmcb02 is what runs */
	bool npt;                       /* vmcb12 asked for nested paging: vmcb02 on the shadow */
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
	/* L1's map bytes an exit needs, read at that exit (nested_route()) */
	uint8_t *l1_msrpm, *l1_iopm;
	bool l1_msrpm_valid, l1_iopm_valid;     /* L1 uses the map (MSR_PROT, IOIO_PROT) */
	/*
	 * msrpm / iopm hold every bit set (what a map L1 uses needs), apart
	 * from an open io hole: the next VMRUN with that map need not refill
	 * it. Cleared when svmhv's own bits are merged in instead.
	 */
	bool msrpm_all_set, iopm_all_set;
	uint16_t io_hole_port;          /* nested_io_hole(): ports open in vmcb02's IOPM */
	unsigned io_hole_size;          /* for one string I/O; 0: none */
	struct vmcb *scratch;           /* L2's VMLOAD / VMSAVE pass through it */
	struct nested_shadow shadow;    /* L1's nested page tables composed with svmhv's */
};

/* What an emulated instruction did; the run loop acts on it. */
enum nested_result {
	NESTED_DONE = 0,                /* L1 continues after the instruction */
	NESTED_ENTER_L2,                /* VMRUN accepted: vmcb02 is ready to run */
	NESTED_GP,                      /* #GP(0) in L1, nothing changed */
	NESTED_UD,                      /* #UD in L1, nothing changed */
};

/* Page allocator: n zeroed pages, their address in *pa; NULL when exhausted. */
typedef void *(*nested_alloc_fn)(size_t pages, uint64_t *pa);

int nested_vcpu_init(struct nested_vcpu *n, const struct nested_env *e, nested_alloc_fn alloc);

/*
 * May L1 execute an SVM instruction now (APM Vol. 3): NESTED_DONE, or the
 * fault it takes first (#UD without nested SVM or EFER.SVME, #GP at CPL > 0).
 */
enum nested_result nested_insn_check(const struct nested_vcpu *n, const struct nested_env *e,
				     const struct vmcb *vmcb01);

/*
 * VMRUN from L1 (rAX in vmcb01): copy vmcb12 once, check the copy, build
 * vmcb02 from it. next_rip: L1's RIP after its VMRUN. NESTED_ENTER_L2, or
 * NESTED_DONE when the checks failed (vmcb12 holds VMEXIT_INVALID, L1 goes
 * on after its VMRUN), or NESTED_GP. *why names the failed check or refusal.
 */
enum nested_result nested_vmrun(struct nested_vcpu *n, const struct nested_env *e,
				struct vmcb *vmcb01, struct tlb_vcpu *tlb, uint64_t next_rip,
				const char **why);

/* VMLOAD (load) / VMSAVE from L1 with rAX in vmcb01: NESTED_DONE or _GP. */
enum nested_result nested_vmload_vmsave(struct nested_vcpu *n, const struct nested_env *e,
					struct vmcb *vmcb01, bool load, const char **why);

/*
 * May L1's VMLOAD/VMSAVE run on the CPU's virtual VMLOAD/VMSAVE (vmcb01's
 * VIRT_EXT_V_VMLOAD_VMSAVE set, the intercepts cleared) right now? Only where
 * the CPU has it (e->vls, which implies nested SVM) and while L1's EFER.SVME
 * is set: the CPU checks the EFER.SVME of vmcb01, which is always set, so L1's
 * #UD with its own SVME clear needs the exit (APM3 VMLOAD: #UD before the
 * intercept). rAX is then a guest-physical address the CPU translates through
 * svmhv's nested page tables (APM2 15.33.1): svmhv's pool reads as its blank
 * page and a write there, or to a page svmhv write-protects, is an NPF svmhv
 * handles (hv/exit.c); outside 64-bit mode the CPU exits anyway, to the
 * emulation. vmcb02 never has it: L2's VMLOAD/VMSAVE name L1-physical pages.
 */
bool nested_l1_vls(const struct nested_vcpu *n, const struct nested_env *e);

/*
 * VMLOAD (load) / VMSAVE executed by L2 and not intercepted by L1: the state
 * moved is L2's (vmcb02's save area), rAX (EAX outside 64-bit mode) is an
 * L1-physical address checked as every address L1 gives (APM2 15.33.1:
 * without virtual VMLOAD/VMSAVE, a guest's rAX is the host's physical
 * address; L1 is L2's host). NESTED_DONE or NESTED_GP (#GP for L2).
 */
enum nested_result nested_l2_vmload_vmsave(struct nested_vcpu *n, const struct nested_env *e,
					   bool load, const char **why);

/* STGI / CLGI from L1. STGI may release a held NMI (the run loop delivers it). */
void nested_stgi(struct nested_vcpu *n);
void nested_clgi(struct nested_vcpu *n);

/* INVLPGA va, asid from L1 (rAX, ECX). */
void nested_invlpga(struct nested_vcpu *n, struct tlb_vcpu *tlb, uint64_t va, uint32_t asid);

/*
 * Whose is this exit from vmcb02? ecx: L2's ECX (MSR exits). An MSR or IOIO
 * exit is judged by L1's map as it is in L1's memory now.
 */
enum nested_route nested_route(struct nested_vcpu *n, const struct nested_env *e, uint32_t ecx);

/*
 * A string IN/OUT of L2 that L1's map lets through and svmhv does not
 * emulate: vmcb02's IOPM lets ports [port, port + size) through for L2 to
 * execute it itself; nested_io_hole_close(), at L2's next exit, intercepts
 * them again. Until that exit L2 may use these ports unchecked: a bit L1
 * sets for them meanwhile counts from that exit on.
 */
void nested_io_hole(struct nested_vcpu *n, uint16_t port, unsigned size);
void nested_io_hole_close(struct nested_vcpu *n);

/*
 * The emulated #VMEXIT to L1: vmcb02's exit and L2's state into vmcb12 (also
 * written back to L1's page), L1's state from the host save area into
 * vmcb01, GIF = 0. The caller then switches to vmcb01.
 */
void nested_vmexit(struct nested_vcpu *n, const struct nested_env *e, struct vmcb *vmcb01);

/*
 * svmhv drops L2 (INIT): L1's state back into vmcb01, no #VMEXIT for L1.
 * The caller tells the TLB (tlb_forced_leave()) and switches to vmcb01.
 */
void nested_forced_leave(struct nested_vcpu *n, struct vmcb *vmcb01);

/* INIT resets L1's virtual SVM state: EFER.SVME, VM_HSAVE_PA, GIF = 1. */
void nested_init(struct nested_vcpu *n);

/*
 * Right before vmcb02 runs on the shadow: drop the roots svm/tlb.c says are
 * stale (tlb_shadow_take()) and give vmcb02 its root again if it went.
 */
void nested_shadow_sync(struct nested_vcpu *n, struct tlb_vcpu *tlb);

/* What a nested page fault of vmcb02 (with the shadow) is. */
enum nested_npf {
	NESTED_NPF_FILLED,              /* a shadow miss: filled, L2 resumes */
	NESTED_NPF_L1,                  /* L1's nested page fault: vmcb02 holds it, reflect */
	NESTED_NPF_L0,                  /* svmhv's own page (*gpa1): svmhv handles the access */
};

/* vmcb02 exited with NPF (info1, gpa2 = exit_info_1/2) while on the shadow. */
enum nested_npf nested_npf(struct nested_vcpu *n, const struct nested_env *e,
			   const struct vmcb *vmcb01, struct tlb_vcpu *tlb, uint64_t *gpa1);

/*
 * Read L2-physical memory (the shadow's view, through L1's nested tables,
 * setting no Accessed bit): 0, or -1 where L1 maps nothing or no RAM.
 */
int nested_l2_read(const struct nested_vcpu *n, const struct nested_env *e,
		   const struct vmcb *vmcb01, uint64_t gpa2, void *buf, uint64_t len);

#endif /* SVMHV_NESTED_NESTED_H */
