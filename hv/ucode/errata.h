/* SPDX-License-Identifier: MIT */
/*
 * The MSR fixes for AMD errata that Linux applies on bare metal and skips
 * under a hypervisor (CPUID 1 ECX[31], which svmhv sets), or that svmhv's
 * MSR policy would refuse to let the guest apply: svmhv applies them itself
 * on every CPU before the takeover. One table row per erratum; which rows
 * apply is a pure function of the CPU's family, model, stepping, patch level
 * (after svmhv's microcode load) and AVX. docs/platforms.md "Errata" lists
 * each one with its Linux reference.
 */
#ifndef SVMHV_HV_UCODE_ERRATA_H
#define SVMHV_HV_UCODE_ERRATA_H

#include <stdbool.h>
#include <stdint.h>

#define MSR_AMD64_PATCH_LEVEL   0x0000008bu
#define MSR_AMD64_PATCH_LOADER  0xc0010020u
#define MSR_AMD64_CPUID_FN_7    0xc0011002u     /* CPUID 7.0 EBX as the CPU reports it */
#define MSR_AMD64_FP_CFG        0xc0011028u
#define MSR_AMD64_DE_CFG        0xc0011029u
#define MSR_ZEN4_BP_CFG         0xc001102eu     /* Linux's name; Zen2 has it too */
#define MSR_ZEN2_SPECTRAL_CHICKEN 0xc00110e3u

/* The CPU as the errata rules see it. */
struct errata_cpu {
	uint32_t family, model, stepping;       /* CPUID 1 EAX, decoded */
	uint32_t patch_level;                   /* MSR 0x8B[31:0], after svmhv's load */
	bool avx;                               /* CPUID 1 ECX[28] */
};

/* One MSR change: new = (old | set) & ~clear. */
struct errata_fix {
	const char *name;       /* short name for the log, e.g. "zenbleed" */
	uint32_t msr;
	uint64_t set, clear;
};

#define ERRATA_MAX 8            /* rows that can apply to one CPU, at most */

/* The fixes that apply to this CPU, in table order; returns how many (<= max). */
unsigned errata_select(const struct errata_cpu *c, struct errata_fix *out, unsigned max);
/* The value to write for fix f over the MSR's current value. */
uint64_t errata_value(const struct errata_fix *f, uint64_t old);
/* Every row of the table (tests, docs): its name and MSR. */
unsigned errata_count(void);
const char *errata_name(unsigned i);

/*
 * TSA (Transient Scheduler Attacks): the CPUID 8000_0021h bits a guest needs
 * to see, which Linux derives itself only on bare metal (tsa_init()): on
 * Zen3/Zen4 with a patch level that makes VERW clear the buffers, EAX[5]
 * VERW_CLEAR; on every other AMD family, ECX[1] TSA_SQ_NO and ECX[2]
 * TSA_L1_NO (not affected). svmhv ORs them into that leaf (hv/policy.c).
 */
#define CPUID_80000021_EAX_VERW_CLEAR   (1u << 5)
#define CPUID_80000021_ECX_TSA_SQ_NO    (1u << 1)
#define CPUID_80000021_ECX_TSA_L1_NO    (1u << 2)
void errata_tsa_cpuid(const struct errata_cpu *c, uint32_t *eax_or, uint32_t *ecx_or);

/* Zen generations by family and model, as Linux's bsp_init_amd() draws them. */
bool errata_zen1(const struct errata_cpu *c);
bool errata_zen2(const struct errata_cpu *c);
bool errata_zen4(const struct errata_cpu *c);
bool errata_zen5(const struct errata_cpu *c);

#endif /* SVMHV_HV_UCODE_ERRATA_H */
