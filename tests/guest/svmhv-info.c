/* SPDX-License-Identifier: MIT */
/*
 * svmhv-info: run inside the Linux guest (an ordinary CPL-3 program) to show
 * that Linux runs under svmhv: the CPUID signature, the IDENTIFY hypercall,
 * vCPU and memory info, and per-vCPU exit counters. Built static with the
 * host gcc by scripts/guest.sh; ABI from hv/hypercall.h.
 *
 * Lines tests/suites/40-linux.sh reads:
 *   svmhv-info: signature: svmhv            (or: signature: NONE ...)
 *   svmhv-info: exit counters move: yes     (or: ... NO ...)
 * and 65-svmhv2.sh (svmhv under svmhv):
 *   svmhv-info: cpuid 0x40000001: version V, ABI A, level L
 *   svmhv-info: cpus online: N
 *   svmhv-info: below: level L-1 svmhv, vcpu0 VMRUN exits N, total T, shadow NPT fills F
 *   SVMHV-LINUX-OK                          signature and IDENTIFY match
 * Exit status 0 only when SVMHV-LINUX-OK was printed.
 *
 *   svmhv-info [-q]     -q: only the verdict line
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <inttypes.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hv/hypercall.h"
#include "tests/guest/guest-hc.h"

#define EXIT_INTR       0x60u   /* APM2 Appendix C */
#define EXIT_SMI        0x62u
#define EXIT_CPUID      0x72u
#define EXIT_HLT        0x78u
#define EXIT_IOIO       0x7bu
#define EXIT_MSR        0x7cu
#define EXIT_VMRUN      0x80u
#define EXIT_VMMCALL    0x81u
#define EXIT_NPF        0x400u

#define CPUID_LOOPS     16

/* Count of exits with `code` on `vcpu`, or -1 on error. */
static int64_t exit_count(uint64_t vcpu, uint64_t code)
{
	struct hc h;

	if (hypercall(SVMHV_HC_EXIT_COUNT, vcpu, code, 0, &h) || (int64_t)h.rax != SVMHV_OK)
		return -1;
	return (int64_t)h.rdx;
}

static int64_t exit_total(uint64_t vcpu)
{
	struct hc h;

	if (hypercall(SVMHV_HC_EXIT_TOTAL, vcpu, 0, 0, &h) || (int64_t)h.rax != SVMHV_OK)
		return -1;
	return (int64_t)h.rdx;
}

static unsigned level;  /* CPUID 0x40000001 ECX: svmhv's below the one we see */

static int check_signature(int quiet)
{
	unsigned a, b, c, d;
	char sig[13];

	__cpuid(1, a, b, c, d);
	if (!quiet)
		printf("svmhv-info: cpuid 1: hypervisor bit %u\n", c >> 31);
	__cpuid(SVMHV_CPUID_BASE, a, b, c, d);
	memcpy(sig, &b, 4);
	memcpy(sig + 4, &c, 4);
	memcpy(sig + 8, &d, 4);
	sig[12] = 0;
	for (int i = 0; i < 12; i++)
		if (sig[i] && (sig[i] < 0x20 || sig[i] > 0x7e))
			sig[i] = '.';
	if (b != SVMHV_SIG_EBX || c != SVMHV_SIG_ECX || d != SVMHV_SIG_EDX) {
		printf("svmhv-info: signature: NONE (cpuid 0x40000000 says \"%s\", eax 0x%x)\n",
		       sig, a);
		return 0;
	}
	printf("svmhv-info: signature: %s (cpuid 0x40000000, max leaf 0x%x)\n", sig, a);
	__cpuid(SVMHV_CPUID_MAX, a, b, c, d);
	level = b >= SVMHV_ABI_LEVEL ? c : 0;
	if (!quiet)
		printf("svmhv-info: cpuid 0x40000001: version %u.%u.%u, ABI %u, level %u\n",
		       a >> 16 & 0xff, a >> 8 & 0xff, a & 0xff, b, level);
	return 1;
}

/* An svmhv under svmhv: the svmhv below's counters, through SVMHV_HC_BELOW. */
static void show_below(void)
{
	struct hc h;
	int64_t vmruns = -1, total = -1, fills = -1;

	if (!level)
		return;
	if (!hypercall(SVMHV_HC_BELOW, SVMHV_HC_EXIT_COUNT, 0, EXIT_VMRUN, &h) &&
	    (int64_t)h.rax == SVMHV_OK)
		vmruns = (int64_t)h.rdx;
	if (!hypercall(SVMHV_HC_BELOW, SVMHV_HC_EXIT_TOTAL, 0, 0, &h) &&
	    (int64_t)h.rax == SVMHV_OK)
		total = (int64_t)h.rdx;
	if (!hypercall(SVMHV_HC_BELOW, SVMHV_HC_SHADOW_STATS, 0, SVMHV_SHADOW_FILLS, &h) &&
	    (int64_t)h.rax == SVMHV_OK)
		fills = (int64_t)h.rdx;
	if (vmruns < 0 || total < 0 || fills < 0) {
		printf("svmhv-info: below: BELOW relay failed (rax %" PRId64 ")\n", (int64_t)h.rax);
		return;
	}
	printf("svmhv-info: below: level %u svmhv, vcpu0 VMRUN exits %" PRId64 ", total %" PRId64
	       ", shadow NPT fills %" PRId64 "\n", level - 1, vmruns, total, fills);
}

static int check_identify(int quiet)
{
	struct hc h;

	if (hypercall(SVMHV_HC_IDENTIFY, 0, 0, 0, &h)) {
		printf("svmhv-info: IDENTIFY: VMMCALL raised #UD (SIGILL): no svmhv\n");
		return 0;
	}
	if ((int64_t)h.rax != SVMHV_OK || h.rbx != SVMHV_SIG_EBX || h.rcx != SVMHV_SIG_ECX) {
		printf("svmhv-info: IDENTIFY: unexpected: rax=%" PRId64 " rbx=0x%" PRIx64
		       " rcx=0x%" PRIx64 "\n", (int64_t)h.rax, h.rbx, h.rcx);
		return 0;
	}
	if (!quiet)
		printf("svmhv-info: IDENTIFY: ok, svmhv %" PRIu64 ".%" PRIu64 ".%" PRIu64 "\n",
		       h.rdx >> 16 & 0xff, h.rdx >> 8 & 0xff, h.rdx & 0xff);
	return 1;
}

static void show_info(void)
{
	struct hc h;

	if (!hypercall(SVMHV_HC_VCPU_INFO, 0, 0, 0, &h) && (int64_t)h.rax == SVMHV_OK)
		printf("svmhv-info: this is vCPU %" PRIu64 " of %" PRIu64 "\n", h.rbx, h.rcx);
	if (!hypercall(SVMHV_HC_MEMINFO, 0, 0, 0, &h) && (int64_t)h.rax == SVMHV_OK)
		printf("svmhv-info: svmhv memory: 0x%" PRIx64 "-0x%" PRIx64 " (%" PRIu64
		       " KiB, reserved)\n", h.rbx, h.rbx + h.rcx, h.rcx >> 10);
	if (!hypercall(SVMHV_HC_ASIDS, SVMHV_VCPU_SELF, 0, 0, &h) && (int64_t)h.rax == SVMHV_OK)
		printf("svmhv-info: ASIDs: L1 %" PRIu64 ", L2 %" PRIu64 "\n", h.rbx, h.rcx);
}

/* Exit counters of every vCPU: total and the common reasons. */
static void show_exits(void)
{
	struct hc h;
	uint64_t n = 1;

	if (!hypercall(SVMHV_HC_VCPU_INFO, 0, 0, 0, &h) && (int64_t)h.rax == SVMHV_OK)
		n = h.rcx;
	for (uint64_t v = 0; v < n && v < 256; v++)
		printf("svmhv-info: exits vcpu%" PRIu64 ": total %" PRId64 ", cpuid %" PRId64
		       ", msr %" PRId64 ", vmmcall %" PRId64 ", ioio %" PRId64 ", npf %" PRId64
		       ", intr %" PRId64 ", hlt %" PRId64 ", smi %" PRId64 "\n", v, exit_total(v),
		       exit_count(v, EXIT_CPUID), exit_count(v, EXIT_MSR),
		       exit_count(v, EXIT_VMMCALL), exit_count(v, EXIT_IOIO),
		       exit_count(v, EXIT_NPF), exit_count(v, EXIT_INTR),
		       exit_count(v, EXIT_HLT), exit_count(v, EXIT_SMI));
}

/* CPUIDs run here must show up in this vCPU's counters (pinned: no migration). */
static int check_counters_move(void)
{
	unsigned a, b, c, d;
	int64_t c0, c1, t0, t1;
	cpu_set_t set;
	int cpu = sched_getcpu();

	CPU_ZERO(&set);
	CPU_SET(cpu < 0 ? 0 : cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
	t0 = exit_total(SVMHV_VCPU_SELF);
	c0 = exit_count(SVMHV_VCPU_SELF, EXIT_CPUID);
	for (int i = 0; i < CPUID_LOOPS; i++)
		__cpuid(0, a, b, c, d);
	c1 = exit_count(SVMHV_VCPU_SELF, EXIT_CPUID);
	t1 = exit_total(SVMHV_VCPU_SELF);
	(void)a, (void)b, (void)c, (void)d;
	if (c0 < 0 || c1 < 0 || t0 < 0 || t1 < 0) {
		printf("svmhv-info: exit counters move: NO (EXIT_COUNT/EXIT_TOTAL failed)\n");
		return 0;
	}
	if (c1 - c0 < CPUID_LOOPS || t1 - t0 < CPUID_LOOPS + 2) {
		printf("svmhv-info: exit counters move: NO (cpuid +%" PRId64 " after %d CPUIDs,"
		       " total +%" PRId64 ")\n", c1 - c0, CPUID_LOOPS, t1 - t0);
		return 0;
	}
	printf("svmhv-info: exit counters move: yes (cpuid +%" PRId64 " after %d CPUIDs,"
	       " total +%" PRId64 ")\n", c1 - c0, CPUID_LOOPS, t1 - t0);
	return 1;
}

int main(int argc, char **argv)
{
	int quiet = argc > 1 && !strcmp(argv[1], "-q");
	int ok;

	setvbuf(stdout, NULL, _IOLBF, 0);
	ok = check_signature(quiet);
	ok = check_identify(quiet) && ok;
	if (ok && !quiet) {
		show_info();
		printf("svmhv-info: cpus online: %ld\n", sysconf(_SC_NPROCESSORS_ONLN));
		check_counters_move();
		show_below();
		show_exits();
	}
	puts(ok ? "SVMHV-LINUX-OK" : "svmhv-info: Linux is NOT running under svmhv");
	return ok ? 0 : 1;
}
