/* SPDX-License-Identifier: MIT */
/*
 * Local APIC virtualization (hv/apic/vapic.c): INIT and SIPI never reach the
 * hardware. The xAPIC page is write-protected in the nested page tables and
 * its stores emulated; x2APIC ICR writes are intercepted WRMSRs.
 */
#ifndef SVMHV_HV_APIC_VAPIC_H
#define SVMHV_HV_APIC_VAPIC_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/run.h"

struct vcpu;

/* Write-protect the xAPIC page (boot CPU, before the first VMRUN). */
int hv_apic_setup(void);
/* The firmware's xAPIC LDR/DFR into the vCPU of this CPU, as svmhv takes it. */
void hv_apic_vcpu_init(struct vcpu *v);
bool hv_apic_is_page(uint64_t gpa);
/* A guest store to the xAPIC page, reported as a nested page fault. */
struct hv_verdict hv_apic_npf_write(struct vcpu *v, uint64_t gpa);
/* A whole ICR write (xAPIC: ICR_HI << 32 | ICR_LO). 0, or -1: #GP (x2APIC). */
int hv_apic_icr_write(struct vcpu *v, uint64_t icr, bool x2apic);
/* WRMSR IA32_APIC_BASE. 0, or -1: #GP. */
int hv_apic_base_write(struct vcpu *v, uint64_t val);

#endif /* SVMHV_HV_APIC_VAPIC_H */
