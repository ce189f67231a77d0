/* SPDX-License-Identifier: MIT */
/*
 * nested/gif — L1's Global Interrupt Flag, with or without the CPU's VGIF.
 * See: AMD64 APM Vol. 2 (rev. 3.42) 15.17 "Global Interrupt Flag, STGI and
 * CLGI", 15.21.1 (V_INTR_MASKING and the host's IF), 15.13.2 (NMI
 * intercept), 15.33.2 "Virtual GIF" (V_GIF_ENABLE, int_ctl bit 25; V_GIF,
 * bit 9).
 *
 * Model. L1's GIF is a flag: CLGI clears it, STGI sets it, VMRUN sets it,
 * #VMEXIT clears it. While it is 0, events for L1 are held, not lost. Two
 * modes, fixed per vCPU (nested_gif_use_vgif()):
 *
 * Emulated (no VGIF, or vgif=off): STGI and CLGI always exit.
 *   - physical INTR: stay pending in the local APIC. vmcb01 runs with
 *     V_INTR_MASKING = 1 (nested_gif_l1_int_ctl()) and svmhv's host
 *     RFLAGS.IF = 0, so the CPU does not even recognize them (APM2 15.21.1).
 *     Not done: with V_INTR_MASKING, L1's MOV CR8 meanwhile reaches V_TPR,
 *     not the real TPR (no L1 in the tests writes CR8 with GIF = 0).
 *   - NMI: svmhv intercepts NMIs anyway (kicks) and takes them in host
 *     mode; one meant for L1 is recorded (nested_gif_nmi()) and injected
 *     once GIF is 1 again (nested_gif_l1_event()).
 *   - INIT: the caller holds its emulated INIT while !nested_gif_init_ready().
 *
 * VGIF: vmcb01 has V_GIF_ENABLE and L1's GIF is vmcb01's V_GIF: L1's STGI
 * and CLGI run without an exit, so after every exit from vmcb01 the flag is
 * read back (nested_gif_sync_l1()) and before every run of vmcb01 written
 * (nested_gif_l1_int_ctl()); VMRUN and the emulated #VMEXIT change it as
 * above. V_GIF masks only *virtual* interrupts (V_IRQ, virtual NMI): the
 * physical GIF is 1 while L1 runs, so a physical INTR, NMI, SMI or INIT is
 * intercepted or taken by L1 whatever V_GIF says. QEMU 7.2's TCG does just
 * that (CLGI with VGIF clears only V_GIF and HF2_VGIF, which gates
 * CPU_INTERRUPT_VIRQ alone in x86_cpu_pending_interrupt(); HARD and NMI
 * look at the physical GIF), and AMD says as much ("VGIF provides masking
 * capability for when virtual interrupts ... can be taken"). So svmhv holds
 * what V_GIF = 0 must hold itself, as KVM does with VGIF, by intercepting
 * STGI while something waits for it (nested_gif_l1_intercepts()):
 *   - NMI: intercepted as always; held while V_GIF = 0, STGI intercepted
 *     until then, the STGI exit sets GIF and the NMI is injected.
 *   - INIT: likewise (the caller passes init_pending).
 *   - physical INTR: svmhv does not intercept INTR in L1 normally (they go
 *     straight to L1's IDT). With VGIF, vmcb01 intercepts INTR from L1's
 *     #VMEXIT on (and whenever an exit finds V_GIF = 0), the start of every
 *     V_GIF = 0 window svmhv can see. #VMEXIT(INTR) (L1's IF is 1; the
 *     interrupt stays pending in the APIC): with V_GIF = 1 the intercept is
 *     dropped and L1 takes it as ever (nested_gif_intr()); with V_GIF = 0 it
 *     is held as in the emulated mode (V_INTR_MASKING, host IF 0) and STGI
 *     is intercepted; that STGI releases it.
 *     Not covered: a V_GIF = 0 window that L1 opens with its own CLGI while
 *     the intercept is off (an interrupt was passed through since the last
 *     #VMEXIT) and before its next exit, with RFLAGS.IF = 1: an interrupt
 *     then reaches L1 with GIF = 0 (early, never lost). KVM (CLGI with IF =
 *     0; STI's shadow covers VMRUN) and l1hv never do that; vgif=off is
 *     exact.
 * While L2 runs, L1's GIF is 1 and a held NMI is L1's if it intercepts NMI
 * (an emulated #VMEXIT(NMI), after which the NMI stays held until L1's STGI,
 * as on the CPU), else L2's (nested_gif_l2_event()).
 *
 * vmcb02 with V_INTR_MASKING: physical interrupts are then gated by the
 * host's IF as it was at L1's VMRUN (APM2 15.21.1); the world switch must run
 * vmcb02 with RFLAGS.IF = nested_gif_vmcb02_hif() (safe: GIF = 0 in host
 * mode) and CLI right after VMRUN returns, before any STGI.
 *
 * L2's GIF (vmcb12 without V_GIF_ENABLE, or VGIF not offered): CLGI and
 * STGI that L1 does not intercept exit to svmhv (nested/merge.h), which
 * emulates them on the one GIF the CPU has while L2 runs (L1's VMRUN set
 * it to 1, the #VMEXIT to L1 clears it). While L2's GIF is 0: an NMI is
 * held whoever it is for (nested_gif_l2_event()), an INIT waits (nested_gif_init_ready()),
 * and physical interrupts stay pending: vmcb02 runs with V_INTR_MASKING and
 * host IF = 0 (nested_gif_vmcb02_int_ctl(), nested_gif_vmcb02_hif()).
 *
 * VGIF for L1's L2s. Offered in CPUID 8000_000A EDX[16] exactly when L1's
 * own GIF is on VGIF (the CPU has it, vgif=on). With vmcb12's V_GIF_ENABLE
 * (nested_l2_vgif(); not offered: ignored, as KVM does) vmcb02 runs with
 * V_GIF_ENABLE and vmcb12's V_GIF, and without svmhv's STGI/CLGI intercepts
 * (nested/merge.h): L2's STGI/CLGI that L1 does not intercept change
 * vmcb02's V_GIF on the CPU, no exit; the emulated #VMEXIT copies V_GIF
 * back into vmcb12 (nested_int_ctl_writeback()). l2_gif stays 1: the
 * physical GIF is 1 while L2 runs. What V_GIF = 0 holds is what the CPU
 * holds: L1's V_IRQ for L2 (the CPU takes it at L2's STGI, V_IRQ is then
 * cleared and written back, never lost). It holds no physical event: an
 * INTR, NMI, SMI or INIT while L2 runs is intercepted (svmhv's vmcb02
 * intercepts NMI, SMI, INIT; INTR as L1 or svmhv asks) and routed as ever,
 * to L1 if it intercepts it, whatever V_GIF says (APM2 15.33.2, QEMU's TCG
 * likewise). An NMI for L2 itself (L1 does not intercept NMI) is injected
 * as before: V_GIF does not mask NMIs (vNMI, which it would, is not offered).
 * Interaction with svmhv's own use of vmcb02's int_ctl: svmhv sets no V_IRQ
 * and opens no interrupt window in vmcb02 (V_IRQ, V_INTR_PRIO, V_IGN_TPR,
 * the vector and VINTR are L1's alone); it touches only V_INTR_MASKING
 * (nested_gif_vmcb02_int_ctl(), only while l2_gif = 0, which with VGIF does
 * not happen), so V_GIF passes through L0-handled exits untouched. A CLGI
 * or STGI of L2 that still reaches svmhv (a fake CPU) changes vmcb02's V_GIF
 * as the CPU would (nested_gif_l2_insn()).
 *
 * Pure: freestanding hypervisor and host unit tests.
 */
#ifndef SVMHV_NESTED_GIF_H
#define SVMHV_NESTED_GIF_H

#include <stdbool.h>
#include <stdint.h>

#include "nested/exit.h"

struct nested_gif {
	bool gif;                       /* L1's GIF (with VGIF: vmcb01's V_GIF) */
	bool l2_gif;                    /* L2's GIF while L2 runs (L2's own CLGI/STGI) */
	bool nmi_held;                  /* an NMI for L1 (or L2) not yet delivered */
	bool vgif;                      /* mode: hardware VGIF in vmcb01 (kept across INIT) */
	bool intr_armed;                /* VGIF: vmcb01 intercepts INTR */
	bool intr_held;                 /* VGIF: an INTR came with GIF = 0, held until STGI */
};

/* vmcb01's GIF intercepts (nested_gif_l1_intercepts()). */
#define NESTED_GIF_ICPT_STGI    (1u << 0)
#define NESTED_GIF_ICPT_CLGI    (1u << 1)
#define NESTED_GIF_ICPT_INTR    (1u << 2)

enum nested_gif_action {
	NESTED_GIF_NONE = 0,
	NESTED_GIF_INJECT_NMI,          /* EVENTINJ = NMI in the VMCB about to run */
	NESTED_GIF_REFLECT_NMI,         /* nested_synth_exit(VMEXIT_NMI), reflect to L1 */
	NESTED_GIF_KICK,                /* EVENTINJ busy: run with an immediate exit
					 * (self-kick NMI) and ask again */
};

void nested_gif_init(struct nested_gif *g);     /* GIF = 1, nothing held, emulated */
void nested_gif_use_vgif(struct nested_gif *g, bool on);        /* after each init */
void nested_gif_clgi(struct nested_gif *g);
void nested_gif_stgi(struct nested_gif *g);     /* then nested_gif_l1_event() */
void nested_gif_vmrun(struct nested_gif *g);    /* VMRUN sets GIF */
void nested_gif_vmexit(struct nested_gif *g);   /* #VMEXIT clears GIF */
void nested_gif_nmi(struct nested_gif *g);      /* an NMI for the guest (not a kick) */
void nested_gif_l2_clgi(struct nested_gif *g);  /* CLGI / STGI in L2, not L1's */
void nested_gif_l2_stgi(struct nested_gif *g);
/*
 * L2's STGI (stgi) or CLGI that reached svmhv: vmcb02 with V_GIF_ENABLE
 * (vmcb12's VGIF): its V_GIF changes, the new int_ctl is returned; else
 * nested_gif_l2_stgi() / nested_gif_l2_clgi() and int_ctl unchanged.
 */
uint64_t nested_gif_l2_insn(struct nested_gif *g, uint64_t vmcb02_int_ctl, bool stgi);
/* VGIF: after an exit from vmcb01, L1's GIF is what its V_GIF says. */
void nested_gif_sync_l1(struct nested_gif *g, uint64_t vmcb01_int_ctl);
/* VGIF: #VMEXIT(INTR) from vmcb01: pass the interrupt to L1, or hold it. */
void nested_gif_intr(struct nested_gif *g);

bool nested_gif_init_ready(const struct nested_gif *g);

/* Before running vmcb01: deliver a held NMI to L1? */
enum nested_gif_action nested_gif_l1_event(struct nested_gif *g, bool event_inj_busy);
/* Before running vmcb02 (after VMRUN emulation, after each L0-routed exit). */
enum nested_gif_action nested_gif_l2_event(struct nested_gif *g, bool l1_intercepts_nmi,
					   bool event_inj_busy);

/*
 * vmcb01's int_ctl for L1's GIF: V_INTR_MASKING while interrupts are held
 * (emulated: GIF = 0; VGIF: intr_held); with VGIF, V_GIF_ENABLE and V_GIF.
 */
uint64_t nested_gif_l1_int_ctl(const struct nested_gif *g, uint64_t int_ctl);

/* Which of STGI, CLGI, INTR vmcb01 intercepts now (init_pending: an INIT waits). */
unsigned nested_gif_l1_intercepts(const struct nested_gif *g, bool init_pending);

/* RFLAGS.IF the world switch must give the host while vmcb02 runs. */
bool nested_gif_vmcb02_hif(const struct nested_gif *g, const struct nested_hsave *h,
			   const struct vmcb *vmcb02);

/* vmcb02's int_ctl: l1_int_ctl (vmcb12's), with V_INTR_MASKING while L2's GIF is 0. */
uint64_t nested_gif_vmcb02_int_ctl(const struct nested_gif *g, uint64_t int_ctl,
				   uint64_t l1_int_ctl);

#endif /* SVMHV_NESTED_GIF_H */
