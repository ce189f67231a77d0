/* SPDX-License-Identifier: MIT */
/*
 * svmhv's own invariant failures: print everything useful, then halt this CPU.
 * Guest-caused errors never come here; they are reflected to the guest.
 */
#ifndef SVMHV_HV_PANIC_H
#define SVMHV_HV_PANIC_H

#include <stdint.h>

struct vcpu;
struct vmcb;

void __attribute__((noreturn, format(printf, 2, 3)))
hv_panic(struct vcpu *vcpu, const char *fmt, ...);
void __attribute__((noreturn))
hv_panic_exception(unsigned vec, uint64_t err, uint64_t rip, uint64_t rsp, uint64_t rflags);
void vmcb_dump(const struct vmcb *vmcb);
/* A vCPU's registers, VMCB and its exit counters on the console. */
void hv_dump_vcpu(const struct vcpu *v);

/* An invariant of svmhv's own (never a guest's doing) broke: panic, naming it. */
#define HV_ASSERT(cond) \
	do { if (!(cond)) hv_panic(0, "assertion failed: %s (%s:%d)", #cond, __FILE__, __LINE__); } while (0)

#endif
