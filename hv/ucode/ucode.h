/* SPDX-License-Identifier: MIT */
/*
 * Microcode and errata on each CPU before its takeover (hv/ucode/load.c).
 * The hypervisor CPUID bit svmhv shows its guest makes Linux skip its own
 * microcode loader and several errata fixes, so svmhv does both, on every
 * CPU, between loading its host state (its IDT: the *_safe MSR accessors'
 * fixups work) and the first VMRUN. Nothing here fails a takeover: a patch
 * the CPU refuses, an MSR that faults, is logged and svmhv goes on.
 */
#ifndef SVMHV_HV_UCODE_UCODE_H
#define SVMHV_HV_UCODE_UCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What one CPU did (returned for the tests; the console has the same). */
struct hv_ucode_result {
	bool amd, under_hv;             /* AuthenticAMD; CPUID 1 ECX[31] (skipped) */
	uint32_t before, after;         /* MSR 0x8B patch level */
	int scan;                       /* ucode_scan() status, 0 if no file */
	int action;                     /* enum ucode_action */
	bool loaded;                    /* PATCH_LOADER written and the level is the patch's */
	unsigned errata, errata_applied;        /* fixes that apply / that were written */
	uint32_t ext21_eax_or, ext21_ecx_or;    /* TSA's CPUID bits for the guest */
};

/*
 * On this CPU (index idx): load the patch for it from the container
 * (`len` bytes at `container`, identity-mapped; NULL/0: no microcode) when
 * it is newer than the running patch level, then apply the errata fixes
 * for the resulting level (hv/ucode/errata.h), and say which CPUID 8000_0021h
 * bits the guest should see (errata_tsa_cpuid()). Not AMD, or under a
 * hypervisor: nothing (that hypervisor's job).
 */
struct hv_ucode_result hv_ucode_cpu(unsigned idx, const void *container, size_t len);

#endif /* SVMHV_HV_UCODE_UCODE_H */
