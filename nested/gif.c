/* SPDX-License-Identifier: MIT */
/*
 * L1's GIF without VGIF: the state machine of nested/gif.h.
 * See: AMD64 APM Vol. 2 (rev. 3.42) 15.17 (GIF; VMRUN sets it, #VMEXIT
 * clears it; INTR, NMI, SMI, INIT held while it is 0), 15.21.1
 * (V_INTR_MASKING), 15.13.2 (intercepted NMI stays pending).
 */
#include "nested/gif.h"

void nested_gif_init(struct nested_gif *g)
{
	g->gif = true;
	g->l2_gif = true;
	g->nmi_held = false;
}

void nested_gif_clgi(struct nested_gif *g)
{
	g->gif = false;
}

void nested_gif_stgi(struct nested_gif *g)
{
	g->gif = true;
}

void nested_gif_vmrun(struct nested_gif *g)
{
	g->gif = true;
	g->l2_gif = true;
}

void nested_gif_l2_clgi(struct nested_gif *g)
{
	g->l2_gif = false;
}

void nested_gif_l2_stgi(struct nested_gif *g)
{
	g->l2_gif = true;
}

void nested_gif_vmexit(struct nested_gif *g)
{
	g->gif = false;
	g->l2_gif = true;       /* the next VMRUN sets it anyway */
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
	return g->gif ? int_ctl & ~V_INTR_MASKING_MASK : int_ctl | V_INTR_MASKING_MASK;
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
