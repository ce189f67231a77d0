/* SPDX-License-Identifier: MIT */
/*
 * L1's NMI blocking, kept by svmhv because the CPU does not keep it for an
 * injected NMI: EVENTINJ delivers whatever the guest's state (APM2 15.20),
 * so an NMI svmhv injects while the guest still runs the handler of the
 * previous one would nest in it, and an OS's NMI entry (Linux's on its IST
 * stack) is not written to survive that. On the hardware an NMI blocks
 * further NMIs from its delivery until the next IRET completes, and one
 * more NMI arriving meanwhile is latched (APM2 8.5, "NMI"; APM3 IRET).
 *
 * So: svmhv injects an NMI (hv_nmi_injected()) -> L1 is blocked and IRET is
 * intercepted. The IRET exits before it executes (hv_nmi_iret()); the
 * intercept is dropped and blocking ends at the first later exit whose RIP
 * is not the IRET's (hv_nmi_after_exit()), as KVM does without vNMI. If an
 * NMI is held meanwhile, svmhv single-steps the IRET (RFLAGS.TF, #DB is
 * always intercepted) so that exit comes at once, and takes that #DB out
 * of the guest's sight. A TF already set (the guest's own, or gdb's) needs
 * no step: its #DB exits anyway. A held NMI waits in nested/gif.h's
 * nmi_held, where NMIs do not queue: one latched, as on the hardware.
 *
 * L1 only: an NMI svmhv injects into L2 (L1 does not intercept NMI) is not
 * tracked (hv/run.c). INIT ends blocking (hv_nmi_reset()).
 * Decisions only, no hardware access: tests/unit/test_nmi.c.
 */
#ifndef SVMHV_HV_NMI_H
#define SVMHV_HV_NMI_H

#include <stdbool.h>
#include <stdint.h>

struct hv_nmi {
	bool blocked;           /* L1 runs the handler of an NMI svmhv injected */
	bool iret_seen;         /* its IRET exited: blocking ends when RIP leaves iret_rip */
	bool stepping;          /* svmhv set RFLAGS.TF to trap right after that IRET */
	uint64_t iret_rip;
	uint64_t dr6_bs;        /* the guest's DR6.BS before svmhv's step */
	uint64_t held;          /* NMIs held while blocked (statistics) */
};

void hv_nmi_reset(struct hv_nmi *n);
void hv_nmi_injected(struct hv_nmi *n);

/* IRET intercepted in vmcb01 now? (blocked and its IRET not seen yet) */
bool hv_nmi_iret_intercept(const struct hv_nmi *n);

/* The IRET exit, RIP on the IRET (it has not executed). */
void hv_nmi_iret(struct hv_nmi *n, uint64_t rip);

/*
 * An NMI is held for L1, which is blocked, at rip with rflags: should svmhv
 * set RFLAGS.TF to step over the IRET? Records the step (and dr6's BS) if so.
 */
bool hv_nmi_step(struct hv_nmi *n, uint64_t rip, uint64_t rflags, uint64_t dr6);

/*
 * Every exit from vmcb01, before its handler, RIP as saved: blocking ends
 * once RIP left the IRET. true when the exit is the #DB of svmhv's own step
 * and nothing else (db_exit, *dr6 as the CPU left it): *dr6 gets the
 * guest's BS back and the exit needs no handling.
 */
bool hv_nmi_after_exit(struct hv_nmi *n, uint64_t rip, bool db_exit, uint64_t *dr6);

#endif /* SVMHV_HV_NMI_H */
