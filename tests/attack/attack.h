/* SPDX-License-Identifier: MIT */
/*
 * tests/attack: what a hostile guest tries against svmhv, from L1 (l1hv as
 * an EFI application at CPL 0, `run=attack`) and from L2 (l1hv's guests),
 * plus the end-to-end vmcb12 fuzzer (`run=fuzz`). Every case names the
 * outcome the guest must see (the architecture's, or svmhv's documented
 * one), then checks that svmhv is alive (IDENTIFY answers) and unchanged
 * (SVMHV_HC_INTEGRITY: same code checksum, no canary touched):
 *
 *   ATTACK: ok - <where>: <attack> -> <outcome>
 *   ATTACK: not ok - <where>: <attack> -> <outcome>: <what happened>
 *
 * Each case's comment says what the code before issue 12 did ("old:"),
 * measured by running this suite against that svmhv (see tests/README.md).
 */
#ifndef SVMHV_TESTS_ATTACK_H
#define SVMHV_TESTS_ATTACK_H

#include <stdint.h>

#include "tests/l1hv/l1hv.h"

/* run.c: is word (e.g. "skip=cr") among the load options? (measuring an old svmhv part by part) */
int attack_option(const char *word);

/* common.c */
struct integrity {
	uint64_t sum, broken, canaries;
};
/* The baseline for every later check; 0, or -1 without svmhv's INTEGRITY. */
int attack_baseline(void);
/* svmhv answers and is unchanged since the baseline; else why not. */
const char *attack_svmhv_intact(void);
/* Report one case: ok when outcome_ok and svmhv is intact. */
void attack_report(int outcome_ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* MAXPHYADDR as CPUID 8000_0008 says (svmhv's one guest-physical limit). */
unsigned attack_gpa_bits(void);
/* A 2 MiB page at physical pa (2 MiB aligned) mapped at the returned VA, or 0. */
uint64_t attack_map_2m(uint64_t pa);
/* The CR3 with that mapping (for an L2), 0 when none. */
uint64_t attack_cr3(void);
void attack_unmap(void);

/* l1.c, l2.c */
void attack_l1_msrs(void);
void attack_l1_addresses(void);
void attack_l1_state(void);
void attack_l2(void);

#endif
