/* SPDX-License-Identifier: MIT */
/*
 * L1's GIF, emulated or on the CPU's VGIF: the state machine of nested/gif.h.
 * See: AMD64 APM Vol. 2 (rev. 3.42) 15.17 (GIF; VMRUN sets it, #VMEXIT
 * clears it; INTR, NMI, SMI, INIT held while it is 0), 15.21.1
 * (V_INTR_MASKING), 15.13.2 (intercepted NMI stays pending), 15.33.2
 * (Virtual GIF).
 */
#include "nested/gif.h"

/* Emulated mode; nested_gif_use_vgif() after it picks VGIF. */
void nested_gif_init(struct nested_gif *g)
{
	g->vgif = false;
	g->gif = true;
	g->l2_gif = true;
	g->nmi_held = false;
	g->intr_armed = false;
	g->intr_held = false;
}

void nested_gif_use_vgif(struct nested_gif *g, bool on)
{
	g->vgif = on;
}

/* With VGIF, a CLGI exit only comes from a test or a fake CPU: same rules. */
void nested_gif_clgi(struct nested_gif *g)
{
	g->gif = false;
	g->intr_armed = g->vgif;
}

/* A held interrupt is released: vmcb01 runs without V_INTR_MASKING or the
 * INTR intercept, and the CPU delivers it as soon as L1's IF allows. */
void nested_gif_stgi(struct nested_gif *g)
{
	g->gif = true;
	if (g->intr_held) {
		g->intr_held = false;
		g->intr_armed = false;
	}
}

/* GIF = 1 for L2: a held interrupt is now vmcb02's to gate (V_INTR_MASKING). */
void nested_gif_vmrun(struct nested_gif *g)
{
	g->gif = true;
	g->l2_gif = true;
	g->intr_held = false;
}

void nested_gif_l2_clgi(struct nested_gif *g)
{
	g->l2_gif = false;
}

void nested_gif_l2_stgi(struct nested_gif *g)
{
	g->l2_gif = true;
}

/*
 * vmcb02 with V_GIF_ENABLE does not intercept them (nested/merge.h), so only
 * a fake CPU gets here: do what the CPU would, V_GIF changes, the GIF not.
 */
uint64_t nested_gif_l2_insn(struct nested_gif *g, uint64_t vmcb02_int_ctl, bool stgi)
{
	if (vmcb02_int_ctl & V_GIF_ENABLE_MASK)
		return stgi ? vmcb02_int_ctl | V_GIF_MASK : vmcb02_int_ctl & ~V_GIF_MASK;
	if (stgi)
		nested_gif_l2_stgi(g);
	else
		nested_gif_l2_clgi(g);
	return vmcb02_int_ctl;
}

/* With VGIF, L1's V_GIF = 0 window after its #VMEXIT starts here: arm INTR. */
void nested_gif_vmexit(struct nested_gif *g)
{
	g->gif = false;
	g->l2_gif = true;       /* the next VMRUN sets it anyway */
	g->intr_armed = g->vgif;
}

/*
 * L1 ran with V_GIF_ENABLE: its own STGI/CLGI changed V_GIF without an exit.
 * An exit that finds V_GIF = 0 is the start of a window svmhv sees: arm INTR.
 */
void nested_gif_sync_l1(struct nested_gif *g, uint64_t vmcb01_int_ctl)
{
	if (!g->vgif)
		return;
	g->gif = vmcb01_int_ctl & V_GIF_MASK;
	if (!g->gif)
		g->intr_armed = true;
}

/*
 * #VMEXIT(INTR) from vmcb01: L1's IF is 1 and the interrupt is still pending
 * in the local APIC. GIF = 1: L1 takes it (the intercept goes, the CPU
 * delivers it at VMRUN). GIF = 0: held (V_INTR_MASKING, host IF 0) until the
 * intercepted STGI.
 */
void nested_gif_intr(struct nested_gif *g)
{
	if (g->gif)
		g->intr_armed = false;
	else
		g->intr_held = true;
}

/* NMIs do not queue: two that arrive while held are one (APM2 8.2.2). */
void nested_gif_nmi(struct nested_gif *g)
{
	g->nmi_held = true;
}

bool nested_gif_init_ready(const struct nested_gif *g)
{
	return g->gif && g->l2_gif;
}

enum nested_gif_action nested_gif_l1_event(struct nested_gif *g, bool event_inj_busy)
{
	if (!g->nmi_held || !g->gif)
		return NESTED_GIF_NONE;
	if (event_inj_busy)
		return NESTED_GIF_KICK;
	g->nmi_held = false;
	return NESTED_GIF_INJECT_NMI;
}

/*
 * L2 runs, so L1's GIF is 1 and a held NMI is deliverable. If L1 intercepts
 * NMI the CPU would #VMEXIT(NMI) and leave the NMI pending for L1's STGI:
 * keep it held. Else it goes to L2 through EVENTINJ.
 */
enum nested_gif_action nested_gif_l2_event(struct nested_gif *g, bool l1_intercepts_nmi,
					   bool event_inj_busy)
{
	if (!g->nmi_held || !g->l2_gif)
		return NESTED_GIF_NONE;         /* L2's GIF = 0 holds it, whoever's it is */
	if (l1_intercepts_nmi)
		return NESTED_GIF_REFLECT_NMI;
	if (event_inj_busy)
		return NESTED_GIF_KICK;
	g->nmi_held = false;
	return NESTED_GIF_INJECT_NMI;
}

uint64_t nested_gif_l1_int_ctl(const struct nested_gif *g, uint64_t int_ctl)
{
	bool hold = g->vgif ? g->intr_held : !g->gif;

	int_ctl &= ~(V_INTR_MASKING_MASK | V_GIF_MASK | V_GIF_ENABLE_MASK);
	if (hold)
		int_ctl |= V_INTR_MASKING_MASK;
	if (g->vgif)
		int_ctl |= V_GIF_ENABLE_MASK | (g->gif ? V_GIF_MASK : 0);
	return int_ctl;
}

/*
 * Emulated: STGI and CLGI always. VGIF: CLGI never; STGI only while GIF = 0
 * holds something (KVM's rule for NMIs, here for INIT and INTR too); INTR
 * while armed or GIF = 0.
 */
unsigned nested_gif_l1_intercepts(const struct nested_gif *g, bool init_pending)
{
	unsigned i = 0;

	if (!g->vgif)
		return NESTED_GIF_ICPT_STGI | NESTED_GIF_ICPT_CLGI;
	if (!g->gif && (g->nmi_held || g->intr_held || init_pending))
		i |= NESTED_GIF_ICPT_STGI;
	if (g->intr_armed || !g->gif)
		i |= NESTED_GIF_ICPT_INTR;
	return i;
}

bool nested_gif_vmcb02_hif(const struct nested_gif *g, const struct nested_hsave *h,
			   const struct vmcb *vmcb02)
{
	return g->l2_gif && (vmcb02->control.int_ctl & V_INTR_MASKING_MASK) &&
	       (h->rflags & RFLAGS_IF);
}

uint64_t nested_gif_vmcb02_int_ctl(const struct nested_gif *g, uint64_t int_ctl,
				   uint64_t l1_int_ctl)
{
	if (!g->l2_gif)
		return int_ctl | V_INTR_MASKING_MASK;
	return (int_ctl & ~V_INTR_MASKING_MASK) | (l1_int_ctl & V_INTR_MASKING_MASK);
}
