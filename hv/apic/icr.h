/* SPDX-License-Identifier: MIT */
/*
 * What svmhv does with a guest's ICR write, for every delivery mode x
 * destination mode x shorthand x trigger x level of the ICR (APM2 16.5
 * "Interprocessor Interrupts", the ICR fields; SDM3 10.6.1, Tables 10-3/10-4
 * for which combinations the hardware itself refuses).
 *
 * The rule: INIT and Startup would act on svmhv's own CPUs (an INIT resets
 * the physical CPU out from under svmhv), so they are emulated, with every
 * shorthand and destination mode (hv_ipi_targets()). NMI is emulated too: a
 * physical NMI to a CPU under svmhv can coalesce with svmhv's own kick NMI
 * (hv/smp.c) and be lost, while a request per target vCPU cannot. Every
 * other write goes to the physical APIC of the guest's own CPU exactly as written:
 * the hardware then applies its own rules, including the combinations it
 * refuses (ESR) or that one vendor allows and another not (an NMI to self
 * by shorthand: delivered by QEMU and KVM, and relied on by Linux on xAPIC
 * systems). svmhv never second-guesses them. Pure: host-tested.
 */
#ifndef SVMHV_HV_APIC_ICR_H
#define SVMHV_HV_APIC_ICR_H

#include <stdbool.h>
#include <stdint.h>

enum hv_icr_route {
	HV_ICR_TO_HW,           /* write it to the physical ICR as is */
	HV_ICR_EMU_INIT,        /* INIT: hv_vcpu_request(HV_REQ_INIT) per target */
	HV_ICR_EMU_SIPI,        /* Startup: HV_REQ_SIPI per target */
	HV_ICR_EMU_NMI,         /* NMI: HV_REQ_NMI per target */
	HV_ICR_NOP,             /* INIT level de-assert: no effect (SDM3 10.6.1) */
	HV_ICR_GP,              /* x2APIC WRMSR with a reserved bit set: #GP */
};

enum hv_icr_route hv_icr_route(uint64_t icr, bool x2apic);

const char *hv_icr_route_name(enum hv_icr_route r);

#endif /* SVMHV_HV_APIC_ICR_H */
