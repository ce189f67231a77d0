/* SPDX-License-Identifier: MIT */
/* L1's NMI blocking: see hv/nmi.h. */
#include "hv/nmi.h"

#include "svm/x86.h"

#define NMI_DR6_BS      BIT_ULL(14)
#define NMI_DR6_B0_3    0xfull

void hv_nmi_reset(struct hv_nmi *n)
{
	uint64_t held = n->held;

	*n = (struct hv_nmi){ .held = held };
}

void hv_nmi_injected(struct hv_nmi *n)
{
	n->blocked = true;
	n->iret_seen = false;
}

bool hv_nmi_iret_intercept(const struct hv_nmi *n)
{
	return n->blocked && !n->iret_seen;
}

void hv_nmi_iret(struct hv_nmi *n, uint64_t rip)
{
	if (!n->blocked)
		return;         /* a stale intercept: nothing to end */
	n->iret_seen = true;
	n->iret_rip = rip;
}

bool hv_nmi_step(struct hv_nmi *n, uint64_t rip, uint64_t rflags, uint64_t dr6)
{
	if (!n->blocked || !n->iret_seen || n->stepping || rip != n->iret_rip ||
	    (rflags & RFLAGS_TF))
		return false;
	n->stepping = true;
	n->dr6_bs = dr6 & NMI_DR6_BS;
	return true;
}

bool hv_nmi_after_exit(struct hv_nmi *n, uint64_t rip, bool db_exit, uint64_t *dr6)
{
	bool step = n->stepping;

	if (!n->iret_seen || rip == n->iret_rip)
		return false;
	n->blocked = false;
	n->iret_seen = false;
	n->stepping = false;
	if (!step || !db_exit || !(*dr6 & NMI_DR6_BS))
		return false;
	*dr6 = (*dr6 & ~NMI_DR6_BS) | n->dr6_bs;
	return !(*dr6 & NMI_DR6_B0_3);  /* a breakpoint hit too: the #DB is still someone's */
}
