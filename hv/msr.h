/* SPDX-License-Identifier: MIT */
/*
 * RDMSR / WRMSR exits: every intercepted MSR access of L1 (or of L2, when
 * L1 does not intercept it) goes through one rule of hv/policy.c. What runs
 * on the hardware runs under an exception fixup (svm/hw.h rdmsr_safe,
 * wrmsr_safe): a #GP there is the guest's #GP.
 */
#ifndef SVMHV_HV_MSR_H
#define SVMHV_HV_MSR_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/run.h"

struct vcpu;

/* svmhv's MSR permission map at msrpm (SVM_MSRPM_SIZE bytes). */
void hv_msr_setup(uint8_t *msrpm);
/* A new vCPU: its virtual APIC base and SPEC_CTRL from this CPU's hardware. */
void hv_msr_vcpu_init(struct vcpu *v);
/* VMEXIT_MSR. */
struct hv_verdict hv_msr_exit(struct vcpu *v);
/* The value of one RDMSR (0 and *val) or -1 (#GP); the monitor and tests use it. */
int hv_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val);
int hv_msr_write(struct vcpu *v, uint32_t msr, uint64_t val);

#endif /* SVMHV_HV_MSR_H */
