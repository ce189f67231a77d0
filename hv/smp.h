/* SPDX-License-Identifier: MIT */
/*
 * Every CPU under svmhv: CPU lookup, kicks (an NMI to a CPU running a guest),
 * posting requests to another vCPU (emulated INIT/SIPI, remote TLB flushes)
 * and waiting for a kicked one; the run loop (hv/run.c) serves them.
 * See: APM2 15.13.2 (NMI intercept), 16.5 (IPIs).
 */
#ifndef SVMHV_HV_SMP_H
#define SVMHV_HV_SMP_H

#include <stdint.h>

#include "hv/run.h"

struct vcpu;

/* Index of the CPU running this code (0 until the CPU is known). */
unsigned hv_this_cpu(void);
/*
 * This CPU's hv_cpu from its GS base, which svmhv sets at its takeover
 * (hv_cpu_load_host_state()); NULL before. No CPUID: that exits to any
 * hypervisor below, and these run on every kick and APIC access.
 */
struct hv_cpu *hv_this_cpu_fast(void);
/* This CPU's IA32_APIC_BASE, from hv_cpu's copy once it has one. */
uint64_t hv_apic_base_msr(void);
/* svmhv wrote val to this CPU's IA32_APIC_BASE. */
void hv_apic_base_written(uint64_t val);
uint32_t hv_read_apic_id(void);

struct hv_cpu;

/* Make the CPU exit guest mode with an NMI (one kick NMI in flight at most). */
void hv_kick_cpu(struct hv_cpu *cpu);
/* Post requests (HV_REQ_*) to v and make sure it sees them soon. */
void hv_vcpu_request(struct vcpu *v, uint32_t req);
/* Return once t runs no guest code older than a request posted before. */
void hv_vcpu_wait_kicked(struct vcpu *t);
/* VMEXIT_NMI: a kick or a real NMI for the guest. */
struct hv_verdict hv_smp_nmi_exit(struct vcpu *v);
/* VMEXIT_SMI: the SMI is still pending; opening GIF lets SMM take it in host mode. */
struct hv_verdict hv_smp_smi_exit(struct vcpu *v);
/* Host NMI handler count (hv/cpu.c). */
void hv_smp_host_nmi(void);
/*
 * An NMI svmhv's host handler took on v's CPU: the kick it was (its flag
 * cleared), or one for the guest (held by nested/gif.h for delivery).
 */
void hv_smp_nmi_taken(struct vcpu *v);
/*
 * One step of a wait in host mode on v's CPU (a vCPU held for a SIPI, parked
 * by the debugger, a monitor session waiting for a byte): GIF is opened for
 * one instruction so an SMI (the firmware's SMM rendezvous) or an NMI is
 * taken now, not held for as long as the wait lasts. Physical interrupts stay
 * pending (host IF = 0). An NMI taken is handled as hv_smp_nmi_taken() says.
 */
void hv_host_relax(struct vcpu *v);
/* Halt until a request is posted for v (hv_vcpu_request() kicks it): GIF open, SMIs taken. */
void hv_host_halt(struct vcpu *v);

/* Send an NMI to the CPU with this APIC ID, from host mode. */
void hv_apic_send_nmi(uint32_t apic_id);

#endif
