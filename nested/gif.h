/* SPDX-License-Identifier: MIT */
/*
 * nested/gif — L1's Global Interrupt Flag, emulated (STGI and CLGI always
 * intercepted, no hardware VGIF). See: AMD64 APM Vol. 2 (rev. 3.42) 15.17
 * "Global Interrupt Flag, STGI and CLGI", 15.21.1 (V_INTR_MASKING and the
 * host's IF), 15.13.2 (NMI intercept).
 *
 * Model. L1's GIF is a flag: CLGI clears it, STGI sets it, VMRUN sets it,
 * #VMEXIT clears it. While it is 0, events for L1 are held, not lost:
 *   - physical INTR: stay pending in the local APIC. vmcb01 runs with
 *     V_INTR_MASKING = 1 (nested_gif_l1_int_ctl()) and svmhv's host
 *     RFLAGS.IF = 0, so the CPU does not even recognize them (APM2 15.21.1).
 *     Not done: with V_INTR_MASKING, L1's MOV CR8 meanwhile reaches V_TPR,
 *     not the real TPR (no L1 in the tests writes CR8 with GIF = 0).
 *   - NMI: svmhv intercepts NMIs anyway (kicks) and takes them in host
 *     mode; one meant for L1 is recorded (nested_gif_nmi()) and injected
 *     once GIF is 1 again (nested_gif_l1_event()).
 *   - INIT: the caller holds its emulated INIT while !nested_gif_init_ready().
 * While L2 runs, L1's GIF is 1 and a held NMI is L1's if it intercepts NMI
 * (an emulated #VMEXIT(NMI), after which the NMI stays held until L1's STGI,
 * as on the CPU), else L2's (nested_gif_l2_event()).
 *
 * vmcb02 with V_INTR_MASKING: physical interrupts are then gated by the
 * host's IF as it was at L1's VMRUN (APM2 15.21.1); the world switch must run
 * vmcb02 with RFLAGS.IF = nested_gif_vmcb02_hif() (safe: GIF = 0 in host
 * mode) and CLI right after VMRUN returns, before any STGI.
 *
 * L2's GIF: CLGI and STGI that L1 does not intercept execute in L2 and
 * change the one GIF the CPU has while L2 runs (L1's VMRUN set it to 1, the
 * #VMEXIT to L1 clears it). While L2's GIF is 0: an NMI is held whoever it
 * is for (nested_gif_l2_event()), an INIT waits (nested_gif_init_ready()),
 * and physical interrupts stay pending: vmcb02 runs with V_INTR_MASKING and
 * host IF = 0 (nested_gif_vmcb02_int_ctl(), nested_gif_vmcb02_hif()).
 * Not done: L2's virtual interrupt (V_IRQ from vmcb12) is not held by it.
 *
 * Hardware VGIF for L1 (V_GIF_ENABLE in vmcb01, STGI/CLGI not intercepted)
 * is not modelled here: whether V_GIF = 0 holds *non-intercepted* physical
 * interrupts, as svmhv's vmcb01 has them, is to be checked on QEMU and real
 * CPUs first.
 *
 * Pure: freestanding hypervisor and host unit tests.
 */
#ifndef SVMHV_NESTED_GIF_H
#define SVMHV_NESTED_GIF_H

#include <stdbool.h>
#include <stdint.h>

#include "nested/exit.h"

struct nested_gif {
	bool gif;                       /* L1's GIF */
	bool l2_gif;                    /* L2's GIF while L2 runs (L2's own CLGI/STGI) */
	bool nmi_held;                  /* an NMI for L1 (or L2) not yet delivered */
};

enum nested_gif_action {
	NESTED_GIF_NONE = 0,
	NESTED_GIF_INJECT_NMI,          /* EVENTINJ = NMI in the VMCB about to run */
	NESTED_GIF_REFLECT_NMI,         /* nested_synth_exit(VMEXIT_NMI), reflect to L1 */
	NESTED_GIF_KICK,                /* EVENTINJ busy: run with an immediate exit
					 * (self-kick NMI) and ask again */
};

void nested_gif_init(struct nested_gif *g);     /* reset / INIT: GIF = 1, nothing held */
void nested_gif_clgi(struct nested_gif *g);
void nested_gif_stgi(struct nested_gif *g);     /* then nested_gif_l1_event() */
void nested_gif_vmrun(struct nested_gif *g);    /* VMRUN sets GIF */
void nested_gif_vmexit(struct nested_gif *g);   /* #VMEXIT clears GIF */
void nested_gif_nmi(struct nested_gif *g);      /* an NMI for the guest (not a kick) */
void nested_gif_l2_clgi(struct nested_gif *g);  /* CLGI / STGI in L2, not L1's */
void nested_gif_l2_stgi(struct nested_gif *g);

bool nested_gif_init_ready(const struct nested_gif *g);

/* Before running vmcb01: deliver a held NMI to L1? */
enum nested_gif_action nested_gif_l1_event(struct nested_gif *g, bool event_inj_busy);
/* Before running vmcb02 (after VMRUN emulation, after each L0-routed exit). */
enum nested_gif_action nested_gif_l2_event(struct nested_gif *g, bool l1_intercepts_nmi,
					   bool event_inj_busy);

/* vmcb01's int_ctl for L1's GIF: with GIF = 0, V_INTR_MASKING holds its interrupts. */
uint64_t nested_gif_l1_int_ctl(const struct nested_gif *g, uint64_t int_ctl);

/* RFLAGS.IF the world switch must give the host while vmcb02 runs. */
bool nested_gif_vmcb02_hif(const struct nested_gif *g, const struct nested_hsave *h,
			   const struct vmcb *vmcb02);

/* vmcb02's int_ctl: l1_int_ctl (vmcb12's), with V_INTR_MASKING while L2's GIF is 0. */
uint64_t nested_gif_vmcb02_int_ctl(const struct nested_gif *g, uint64_t int_ctl,
				   uint64_t l1_int_ctl);

#endif /* SVMHV_NESTED_GIF_H */
