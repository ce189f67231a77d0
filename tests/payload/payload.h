/* SPDX-License-Identifier: MIT */
/*
 * The guest-side test payload: an EFI application that svmhv chain-loads as
 * its `next` image and that checks, from inside the guest, what svmhv
 * promises (hv/hypercall.h and the security rules of DESIGN.md).
 *
 * Output, one line per check, parsed by tests/suites/30-qemu.sh:
 *   PAYLOAD: ok - <name>
 *   PAYLOAD: not ok - <name>: <detail>
 *   PAYLOAD: # <diagnostic>
 *   PAYLOAD: done N passed, M failed
 *
 * Only payload.c, memcheck.c and options.c see EFI types; the rest is plain C.
 */
#ifndef SVMHV_TESTS_PAYLOAD_H
#define SVMHV_TESTS_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "svm/x86.h"

#define PAYLOAD_LINE_MAX        320

/* Plain MSR access for code that knows the MSR exists (probe_rdmsr() when it may not). */
static inline uint64_t rdmsr64(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

static inline void wrmsr64(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

/* report.c: formatting and the check counters. */
void report_init(void (*write_line)(const char *line));
/* Line prefix, "PAYLOAD: " unless set (tests/l1hv uses "L1HV: "). */
void report_set_prefix(const char *prefix);
void report_ok(const char *name);
void report_fail(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* ok if cond, else not ok with the formatted detail; returns cond. */
int report_check(int cond, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void report_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void report_done(void);
unsigned report_failed(void);
int fmt_line(char *buf, size_t size, const char *fmt, __builtin_va_list ap);
int fmt_str(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * probe.c: run one instruction that may fault, with a private IDT loaded.
 * Between probe_begin() and probe_end() interrupts are off and the
 * firmware's IDT is swapped out: call no firmware service in between.
 * Each probe returns the exception vector it raised, or PROBE_NO_FAULT.
 */
#define PROBE_NO_FAULT          0xffu       /* vectors: VEC_* of svm/x86.h */

struct hcall {
	uint64_t rax, rbx, rcx, rdx;
};

enum svm_insn {
	INSN_VMRUN, INSN_VMLOAD, INSN_VMSAVE, INSN_STGI, INSN_CLGI,
	INSN_SKINIT, INSN_INVLPGA, INSN_COUNT
};

void probe_begin(void);
void probe_end(void);
unsigned probe_rdmsr(uint32_t msr, uint64_t *val);
unsigned probe_wrmsr(uint32_t msr, uint64_t val);
unsigned probe_vmmcall(struct hcall *hc);
unsigned probe_svm_insn(enum svm_insn insn, uint64_t rax);
unsigned probe_invlpga(uint64_t va, uint32_t asid);
unsigned probe_single_step(void);
unsigned probe_copy(void *dst, uint64_t src_pa, size_t qwords);
unsigned probe_write64(uint64_t pa, uint64_t val);
unsigned probe_write32(uint64_t pa, uint32_t val);
unsigned probe_mov_cr4(uint64_t val);
unsigned probe_mov_cr3(uint64_t val);
unsigned probe_icr_self(uint64_t apic_pa, int x2apic, uint32_t icr, uint32_t spins);
void probe_nmi_nesting(uint64_t apic_pa, int x2apic, uint32_t spins, unsigned *inside,
		       unsigned *total);
uint64_t probe_fault_rip(void);
/*
 * Probes written elsewhere: between slot = probe_arm() and probe_disarm(),
 * asm of the form PROBE_ARM "<insn>" PROBE_LAND with [slot] "r"(slot) as an
 * input and r11 clobbered; probe_disarm() returns the vector.
 */
#define PROBE_ARM       "lea 1f(%%rip), %%r11\n\tmovq %%r11, (%[slot])\n\t"
#define PROBE_LAND      "\n1:\n\t"
volatile uint64_t *probe_arm(void);
unsigned probe_disarm(void);
uint64_t probe_fault_error(void);
const char *vector_name(unsigned vector);

/* Unfaulting instructions. */
void cpuid(uint32_t leaf, uint32_t sub, uint32_t regs[4]);

/* checks.c: the checks that need no firmware service. */
int check_bare(void);
void check_cpuid(void);
void check_hypercalls(void);
void check_msrs(void);
void check_svm_insns(void);
void check_debug_trap(void);
void check_apic(void);
void check_self_nmi(void);
void check_nmi_blocking(void);
void check_cpuid_state(void);
/* apicrmw.c: read-modify-write stores to the xAPIC page at base. */
void check_apic_rmw(uint64_t base);
/* One hypercall with the IDT swapped in; returns the vector or no fault. */
unsigned hypercall(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3, struct hcall *out);

/* memcheck.c: MEMINFO against the firmware memory map, scan and write. */
void check_memory(void);

/* Small freestanding helpers (report.c). */
size_t str_len(const char *s);
int mem_eq(const void *a, const void *b, size_t n);

#endif /* SVMHV_TESTS_PAYLOAD_H */
