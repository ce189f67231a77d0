/* SPDX-License-Identifier: MIT */
/* VMRUN of vmcb01 failed: illegal guest state is the guest's problem (hv/invalid.c). */
#ifndef SVMHV_HV_INVALID_H
#define SVMHV_HV_INVALID_H

#include "hv/run.h"

struct vcpu;

struct hv_verdict hv_exit_invalid(struct vcpu *v);

/*
 * The guest shut down (a triple fault, or a state it cannot leave): its
 * state on the console, then what the platform does, a reset of the
 * machine; or, with shutdown=halt, this vCPU stays halted in svmhv.
 */
void hv_guest_shutdown(struct vcpu *v) __attribute__((noreturn));

#endif
