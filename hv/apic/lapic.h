/* SPDX-License-Identifier: MIT */
/*
 * The physical local APIC of the CPU running host code: register access in
 * xAPIC (MMIO at the APIC base) or x2APIC (MSRs) mode, and raw IPIs.
 * See: APM2 16.3 (APIC registers), 16.11 (x2APIC).
 */
#ifndef SVMHV_HV_APIC_LAPIC_H
#define SVMHV_HV_APIC_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/apic/apic.h"       /* register offsets and ICR bits */

bool hv_lapic_x2apic(void);
uint64_t hv_lapic_base(void);
uint32_t hv_lapic_read(unsigned reg);
void hv_lapic_write(unsigned reg, uint32_t val);
/*
 * Send an IPI: icr is the 64-bit ICR value in the current mode's format
 * (xAPIC: destination in bits 63:56). Waits (bounded) for the previous IPI
 * to leave. restore_hi is written back to xAPIC ICR_HI afterwards, so a guest
 * that wrote ICR_HI and not yet ICR_LO loses nothing.
 */
void hv_lapic_send_icr(uint64_t icr, uint32_t restore_hi);
/*
 * Host mode (GIF = 0, IF = 0): open GIF and IF for two instructions so the
 * APIC delivers its highest pending interrupt to svmhv's host IDT (counted
 * in hv.cpus[].host_irqs, no EOI), then close both. NMIs may come in too.
 * For hv/apic/reset.c only: svmhv's host never takes interrupts otherwise.
 */
void hv_lapic_accept_pending(void);

#endif
