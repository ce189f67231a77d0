/* SPDX-License-Identifier: MIT */
/*
 * The run loop of one vCPU (hv/run.c) and the verdict every exit handler
 * returns to it. A handler decides; the loop acts: it is the only code that
 * injects an event, reflects an exit to L1 or switches VMCBs.
 */
#ifndef SVMHV_HV_RUN_H
#define SVMHV_HV_RUN_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

enum hv_action {
	HV_RESUME = 0,          /* run the same VMCB again: the handler did its part */
	HV_INJECT,              /* raise verdict.exc in the guest that exited; in L2 it
				 * becomes L1's #VMEXIT if L1 intercepts it */
	HV_REFLECT,             /* an emulated #VMEXIT to L1: vmcb02 holds the exit */
	HV_ENTER_L2,            /* L1's VMRUN was accepted: vmcb02 runs next */
	HV_STOP,                /* the guest shut down: reset the machine */
};

/* An exception to raise (APM2 15.20, EVENTINJ type 3). */
struct hv_exc {
	uint8_t vector;
	bool has_err;
	uint32_t err;
	bool set_cr2;                   /* #PF: CR2 = cr2 */
	bool soft;                      /* INT n: a software interrupt (EVENTINJ type 4) */
	uint64_t cr2;
};

struct hv_verdict {
	enum hv_action action;
	struct hv_exc exc;              /* HV_INJECT */
};

static inline struct hv_verdict hv_resume(void)
{
	return (struct hv_verdict){ .action = HV_RESUME };
}

static inline struct hv_verdict hv_verdict_of(enum hv_action a)
{
	return (struct hv_verdict){ .action = a };
}

static inline struct hv_verdict hv_inject(unsigned vector)
{
	return (struct hv_verdict){ .action = HV_INJECT, .exc = { .vector = (uint8_t)vector } };
}

static inline struct hv_verdict hv_inject_err(unsigned vector, uint32_t err)
{
	return (struct hv_verdict){ .action = HV_INJECT,
				    .exc = { .vector = (uint8_t)vector, .has_err = true, .err = err } };
}

static inline struct hv_verdict hv_inject_pf(uint32_t err, uint64_t addr)
{
	return (struct hv_verdict){ .action = HV_INJECT,
				    .exc = { .vector = 14, .has_err = true, .err = err,
					     .set_cr2 = true, .cr2 = addr } };
}

/* Exit handlers (hv/exit.c), for the loop: an exit svmhv handles itself. */
struct hv_verdict hv_handle_exit(struct vcpu *v);
/* An SVM instruction L2 executes itself (NESTED_ROUTE_L2_SVM, nested/exit.h). */
struct hv_verdict hv_l2_svm_insn(struct vcpu *v);

/*
 * The loop, in two halves the host harness and the model checker call one
 * at a time: prepare (false: the vCPU waits, e.g. for a SIPI) and, after
 * VMRUN, exit. hv_run() is both around svm_world_switch(), forever.
 */
bool hv_run_prepare(struct vcpu *v);
void hv_run_exit(struct vcpu *v);
void hv_run(void *vcpu) __attribute__((noreturn));

#endif /* SVMHV_HV_RUN_H */
