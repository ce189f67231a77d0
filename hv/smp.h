/* SPDX-License-Identifier: MIT */
/*
 * Every CPU under svmhv: CPU lookup, kicks (an NMI to a CPU running a guest),
 * requests between CPUs (emulated INIT/SIPI, remote TLB flushes), and the
 * wait-for-SIPI state. See: APM2 15.13.2 (NMI intercept), 16.5 (IPIs).
 */
#ifndef SVMHV_HV_SMP_H
#define SVMHV_HV_SMP_H

#include <stdint.h>

struct vcpu;

/* Index of the CPU running this code (0 until the CPU is known). */
unsigned hv_this_cpu(void);
uint32_t hv_read_apic_id(void);

struct hv_cpu;

/* Make the CPU exit guest mode with an NMI (one kick NMI in flight at most). */
void hv_kick_cpu(struct hv_cpu *cpu);
/* Post requests (HV_REQ_*) to v and make sure it sees them soon. */
void hv_vcpu_request(struct vcpu *v, uint32_t req);
/* Serve v's requests and return when it may run (hv/exit.c, before VMRUN). */
void hv_vcpu_prepare_run(struct vcpu *v);
/* VMEXIT_NMI: a kick or a real NMI for the guest. */
void hv_smp_nmi_exit(struct vcpu *v);
/* Host NMI handler count (hv/cpu.c). */
void hv_smp_host_nmi(void);

/* Send an NMI to the CPU with this APIC ID, from host mode. */
void hv_apic_send_nmi(uint32_t apic_id);

#endif
