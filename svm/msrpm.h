/* SPDX-License-Identifier: MIT */
/*
 * MSR permission map (MSRPM) and I/O permission map (IOPM) helpers.
 * See: AMD64 Architecture Programmer's Manual Vol. 2 (rev. 3.42), 15.10.1
 * "I/O Intercepts" and 15.11 "MSR Intercepts".
 *
 * The maps are plain byte arrays the hardware reads through
 * vmcb->control.msrpm_base_pa / iopm_base_pa (both 4 KiB aligned, physically
 * contiguous). A set bit means "intercept". These helpers only compute and
 * flip bits; allocating the maps and choosing the policy is hv/'s business.
 *
 * Pure: included by the freestanding hypervisor and by host unit tests.
 */
#ifndef SVMHV_SVM_MSRPM_H
#define SVMHV_SVM_MSRPM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SVM_MSRPM_SIZE          8192u   /* 2 pages, APM2 15.11 */
#define SVM_IOPM_SIZE           12288u  /* 3 pages, APM2 15.10.1 */

/*
 * Ports 0..0xffff plus the 3 extra bits a 2- or 4-byte access at 0xfffd..
 * 0xffff also checks: the IOPM holds meaningful bits 0 .. 0x10002.
 */
#define SVM_IOPM_PORTS          0x10003u

#define SVM_PERM_EINVAL         (-22)   /* MSR outside the map, bad port/size */

/*
 * Where the two bits of @msr live: bit *bit of byte *byte is "intercept
 * RDMSR", bit *bit + 1 is "intercept WRMSR". Returns 0, or SVM_PERM_EINVAL
 * if the MSR is not covered by the map (the CPU always intercepts those).
 */
int svm_msrpm_offset(uint32_t msr, uint32_t *byte, unsigned *bit);

/* Fill a whole MSRPM: every covered MSR intercepted, or none. */
void svm_msrpm_init(uint8_t *map, bool intercept_all);

/* Set both bits of one MSR. SVM_PERM_EINVAL for MSRs outside the map. */
int svm_msrpm_set(uint8_t *map, uint32_t msr, bool intercept_read,
		  bool intercept_write);

/*
 * Read both bits of one MSR. For an MSR outside the map, reports what the
 * hardware does (both intercepted) and returns SVM_PERM_EINVAL.
 */
int svm_msrpm_get(const uint8_t *map, uint32_t msr, bool *intercept_read,
		  bool *intercept_write);

/* Fill a whole IOPM: every port intercepted, or none. */
void svm_iopm_init(uint8_t *map, bool intercept_all);

/*
 * Set or clear the bits of ports [port, port + size). The hardware checks
 * the bits of every byte an access touches (APM2 15.10.1), so a 2-byte OUT
 * to port P passes through only if the bits of P and P + 1 are both clear;
 * conversely intercepting P with size 1 also intercepts a 4-byte access at
 * P - 3 .. P. @size is 1 .. SVM_IOPM_PORTS - port (a range such as a whole
 * UART, 8 ports, is fine). Returns 0 or SVM_PERM_EINVAL.
 */
int svm_iopm_set(uint8_t *map, uint16_t port, unsigned size, bool intercept);

/*
 * Would an IN/OUT of @size bytes (1, 2 or 4) at @port be intercepted? This is
 * the hardware's check: true if any of the bits port .. port + size - 1 is
 * set. Any other size reports true (the caller asked something impossible).
 */
bool svm_iopm_intercepted(const uint8_t *map, uint16_t port, unsigned size);

#endif /* SVMHV_SVM_MSRPM_H */
