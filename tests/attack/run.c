/* SPDX-License-Identifier: MIT */
/*
 * tests/attack's entry points in l1hv: run=attack (every attack, L1 then
 * L2), run=fuzz (the vmcb12 fuzzer), run=triple (L1 triple-faults: the
 * machine resets, or with shutdown=halt the vCPU halts).
 */
#include "hv/hypercall.h"
#include "tests/attack/attack.h"

/* SVM on and the L2 IDT, as l1hv's own scenarios start; the integrity baseline. */
static int setup(void)
{
	uint64_t efer = 0;
	unsigned vec = PROBE_NO_FAULT;
	uint16_t cs;
	int rc;

	if (!report_check(L.under_svmhv, "setup: svmhv underneath", "no svmhv CPUID signature"))
		return -1;
	probe_begin();
	rc = svm_enable(&efer, &vec);
	probe_end();
	if (!report_check(rc == 0, "setup: EFER.SVME=1 and VM_HSAVE_PA (nested=1)",
			  "%s, EFER=0x%lx", vector_name(vec), efer))
		return -1;
	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	l2_idt_build(cs);
	report_diag("guest-physical limit (CPUID 8000_0008): %u bits; svmhv at 0x%lx size 0x%lx",
		    attack_gpa_bits(), L.svmhv_base, L.svmhv_size);
	/* Without one every case fails, but still runs and says what happened. */
	report_check(attack_baseline() == 0, "setup: svmhv integrity baseline (INTEGRITY)",
		     "no SVMHV_HC_INTEGRITY");
	return 0;
}

int attack_option(const char *word)
{
	size_t n = str_len(word);

	for (const char *p = l1hv_options; *p; p++)
		if ((p == l1hv_options || p[-1] == ' ') && mem_eq(p, word, n) &&
		    (p[n] == ' ' || !p[n]))
			return 1;
	return 0;
}

void run_attacks(void)
{
	if (setup())
		return;
	if (!attack_option("skip=msr"))
		attack_l1_msrs();
	if (!attack_option("skip=mem"))
		attack_l1_addresses();
	if (!attack_option("skip=state"))
		attack_l1_state();
	if (!attack_option("skip=l2"))
		attack_l2();
	probe_begin();
	svm_disable();
	probe_end();
	attack_report(1, "end: svmhv answers, its code and canaries unchanged", "after every attack");
}

void run_fuzz(void)
{
	if (setup())
		return;
	run_vmcb12_fuzz();
	probe_begin();
	svm_disable();
	probe_end();
}

/* A triple fault in L1: no IDT, then #UD. svmhv resets the machine (or halts). */
void run_fatal(const char *which)
{
	struct dtr64 none = { 0, 0 };

	(void)which;
	report_diag("fatal: L1 triple fault now (empty IDT, UD2)");
	__asm__ volatile("cli; lidt %0; ud2" : : "m"(none) : "memory");
	report_fail("fatal: L1 triple fault", "the CPU went on after the triple fault");
}
