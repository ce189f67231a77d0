/* SPDX-License-Identifier: MIT */
/*
 * nested/exit — a #VMEXIT from vmcb02: whose is it (routing), and the
 * emulated #VMEXIT to L1 (reflection into vmcb12, L1 state restore).
 * See: AMD64 APM Vol. 2 (rev. 3.42) 15.6 "#VMEXIT", 15.7 (EXITINFO,
 * EXITINTINFO), 15.9-15.13 (intercepts), 15.10.1 / 15.11 (IOIO / MSR
 * exits), 15.5.1 (what VMRUN saves to the host save area), 15.7.1 (NRIPS).
 *
 * Routing of every exit class (nested_exit_route()):
 *   VMRUN failure (VMEXIT_INVALID)   L1: vmcb02 was rejected by the CPU; L1
 *                                    sees its VMRUN fail (log it: a check
 *                                    nested/check.c lacks).
 *   NPF (+AVIC codes)                L0: svmhv's nested page tables.
 *   NMI                              L0 first: a kick, or an NMI for L1
 *                                    (then nested/gif.h decides).
 *   INIT                             L0: a physical INIT, svmhv's business.
 *   CR / DR / exception / misc       L1 if vmcb12 has the intercept bit.
 *   MSR                              L1 if MSR_PROT and L1's MSRPM bit for
 *                                    RCX (read or write per EXITINFO1) is
 *                                    set, or RCX is outside the map.
 *   IOIO                             L1 if IOIO_PROT and any of L1's IOPM
 *                                    bits for port .. port + size - 1.
 *   VMLOAD, VMSAVE, STGI, CLGI,      L1 if intercepted, else L2_SVM: they
 *   INVLPGA                          execute in L2 as on the hardware, L1
 *                                    being L2's host (rAX an L1-physical
 *                                    address, GIF L2's; APM2 15.5.2, 15.17,
 *                                    15.33.1, 15.16.2).
 *   VMMCALL, SKINIT                  L1 if intercepted, else L2_UD: VMMCALL
 *                                    without an intercept is #UD
 *                                    architecturally; SKINIT is never
 *                                    offered (CPUID). (VMRUN is always
 *                                    intercepted: vmcb12's check.)
 *   INVLPGB, INVLPGB illegal,        L2_UD whatever L1 intercepts: hidden
 *   TLBSYNC                          from L1's CPUID, so #UD as on that CPU.
 *   anything else                    L0: svmhv's own intercept (CPUID, MSRs
 *                                    in svmhv's MSRPM, #DB, #AC, SHUTDOWN,
 *                                    ...), handled on vmcb02 = L2's state.
 *
 * svmhv's hypercalls: a VMMCALL exit from vmcb01 is a hypercall; one from
 * vmcb02 is never svmhv's (L1 if it intercepts, else #UD in L2). The caller
 * tells them apart by the VMCB that exited, nothing else.
 *
 * Pure: freestanding hypervisor and host unit tests.
 */
#ifndef SVMHV_NESTED_EXIT_H
#define SVMHV_NESTED_EXIT_H

#include <stdbool.h>
#include <stdint.h>

#include "nested/vmcb12.h"

enum nested_route {
	NESTED_ROUTE_L0 = 0,            /* svmhv handles it, on vmcb02 */
	NESTED_ROUTE_L1,                /* reflect: emulated #VMEXIT to L1 */
	NESTED_ROUTE_L2_UD,             /* #UD for L2: a #VMEXIT(#UD) to L1 if L1
					 * intercepts #UD (nested_exception_to_l1) */
	NESTED_ROUTE_L2_SVM,            /* an SVM instruction L2 executes itself:
					 * svmhv emulates it for L2 (L1 = its host) */
};

/*
 * Does vmcb12 intercept this exit? msr = L2's ECX (VMEXIT_MSR only).
 * l1_msrpm / l1_iopm: L1's maps, of which the bytes this exit needs are
 * current (nested_route() reads them from L1's memory at the exit); NULL
 * counts as "all bits set".
 */
bool nested_l1_intercepts(uint64_t exit_code, uint64_t exit_info_1, uint32_t msr,
			  const struct nested_vmcb12_cache *c, const uint8_t *l1_msrpm,
			  const uint8_t *l1_iopm);

enum nested_route nested_exit_route(uint64_t exit_code, uint64_t exit_info_1, uint32_t msr,
				    const struct nested_vmcb12_cache *c,
				    const uint8_t *l1_msrpm, const uint8_t *l1_iopm);

/* VMEXIT_INVALID, also as QEMU stores it (0x00000000ffffffff). */
bool nested_is_vmrun_failure(uint64_t exit_code);

/*
 * Where the next_rip an NRIPS CPU saves on #VMEXIT comes from (APM2 15.7.1:
 * instruction intercepts, MSR and IOIO, and the exceptions INT3, INTO and
 * BOUND raise; zero for every other exit): nowhere, exit_info_2 (IOIO holds
 * it on every CPU, APM2 15.10.2), or the instruction's length.
 */
enum nested_nrip { NESTED_NRIP_NONE, NESTED_NRIP_INFO2, NESTED_NRIP_DECODE };
enum nested_nrip nested_exit_nrip(uint64_t exit_code);

/*
 * svmhv is about to inject exception @vector into L2 (an L0-routed exit,
 * or NESTED_ROUTE_L2_UD): if L1 intercepts it, it must become a #VMEXIT to
 * L1 instead (nested_synth_exception()), as the CPU would have done.
 */
bool nested_exception_to_l1(const struct nested_vmcb12_cache *c, unsigned vector);

/*
 * Turn vmcb02's exit into one svmhv decides on (exception L1 intercepts,
 * NMI or INIT for L1, ...): sets exit_code / exit_info_1 / exit_info_2, and
 * moves a valid vmcb02 EVENTINJ (an event for L2 not yet delivered: L1's
 * own, or the EXITINTINFO svmhv was re-injecting) into EXITINTINFO, so L1
 * re-injects it: nothing lost, nothing doubled. Then nested_reflect_exit().
 */
void nested_synth_exit(struct vmcb *vmcb02, uint64_t exit_code, uint64_t info1, uint64_t info2);
/* Exception exit: EXITINFO1 = error code, EXITINFO2 = #PF address (APM2 15.12). */
void nested_synth_exception(struct vmcb *vmcb02, unsigned vector, bool has_err, uint32_t err,
			    uint64_t pf_addr);

/*
 * The CPU's #VMEXIT writes into vmcb12 (APM2 15.6): exit code and info,
 * EXITINTINFO, NextRIP (only if L1 has NRIPS), V_TPR / V_IRQ into L1's
 * int_ctl (from the cache, never re-read), interrupt shadow, EVENTINJ
 * cleared, and L2's state: ES, CS, SS, DS, GDTR, IDTR, EFER, CR0, CR2, CR3,
 * CR4, DR6, DR7, RFLAGS, RIP, RSP, RAX, CPL. Only writes, never reads
 * vmcb12, and no other field: vmcb12 may be L1's page itself. On a VMRUN
 * failure only the exit fields are written (the CPU may have put host state
 * in vmcb02's save area: it must not leak to L1).
 */
void nested_reflect_exit(struct vmcb *vmcb12, const struct vmcb *vmcb02,
			 const struct nested_vmcb12_cache *c, bool l1_has_nrips);

/* vmcb12 of a VMRUN that failed nested_vmcb12_check(): VMEXIT_INVALID. */
void nested_vmrun_fail(struct vmcb *vmcb12);

/*
 * The bytes of vmcb12 those writes touch, and nothing else: the only parts
 * of L1's page svmhv writes back, so L1's own edits elsewhere in the page
 * (another vCPU of L1) survive, and no field the CPU does not write is ever
 * rewritten from svmhv's copy. nested_reflect_exit(): *n ranges (NextRIP
 * only if L1 has NRIPS, G_PAT only when L1 enabled nested paging);
 * nested_vmrun_fail(): the exit fields and EVENTINJ.
 */
struct nested_range {
	uint16_t off, len;
};
const struct nested_range *nested_vmexit_ranges(bool l1_has_nrips, bool l1_npt, unsigned *n);
const struct nested_range *nested_vmrun_fail_ranges(unsigned *n);

/* L1's state that VMRUN saves and #VMEXIT restores (APM2 15.5.1, 15.6). */
struct nested_hsave {
	struct vmcb_seg es, cs, ss, ds, gdtr, idtr;
	uint64_t efer, cr0, cr3, cr4, rflags;
	uint64_t rip;                   /* L1's RIP after its VMRUN */
	uint64_t rsp, rax;
};

/* At L1's VMRUN, from vmcb01; next_rip = RIP of the insn after VMRUN. */
void nested_vmrun_save_l1(struct nested_hsave *h, const struct vmcb *vmcb01, uint64_t next_rip);

/*
 * The emulated #VMEXIT's host side (APM2 15.6): L1 resumes after its VMRUN
 * with the saved ES/CS/SS/DS, GDTR/IDTR, EFER, CR0 (PE set), CR3, CR4,
 * RFLAGS, RSP, RAX, DR7 = 0x400, CPL 0, no interrupt shadow, no EVENTINJ.
 * vmcb02 (NULL if L2 never ran) gives back the state L1 shares with L2:
 * nested_copy_shared() plus CR2 and DR6, which #VMEXIT does not restore;
 * not G_PAT when L1 used nested paging (l1_npt: L2's PAT is its own).
 * GIF = 0 is the caller's (nested_gif_vmexit()).
 */
void nested_vmexit_load_l1(struct vmcb *vmcb01, const struct nested_hsave *h,
			   const struct vmcb *vmcb02, bool l1_npt);

#endif /* SVMHV_NESTED_EXIT_H */
