/* SPDX-License-Identifier: MIT */
/*
 * svmhv-smp: per-CPU checks of svmhv from inside the Linux guest (an ordinary
 * CPL-3 program), for tests/suites/45-smp.sh. For each CPU named on the
 * command line (or every online CPU), pinned there with sched_setaffinity:
 *   - CPUID 0x40000000 returns the svmhv signature and VMMCALL IDENTIFY works;
 *   - VMMCALL VCPU_INFO returns this CPU's number as the vCPU index and the
 *     expected vCPU count (svmhv numbers vCPUs in APIC-ID order, as Linux does
 *     its CPUs on QEMU); VCPU_STATE of that vCPU says running, with the APIC ID
 *     CPUID reports on this CPU (skipped if svmhv has no VCPU_STATE);
 *   - the exit counters of that vCPU move: EXIT_TOTAL and EXIT_COUNT(CPUID)
 *     of vCPU i, read on CPU i around CPUIDs run on CPU i, grow by at least
 *     the number of CPUIDs; and read from another CPU j around CPUIDs run on
 *     CPU i, so vCPU i's counters are not just the caller's.
 * Built static with the host gcc by tests/suites/45-smp.sh; ABI from
 * hv/hypercall.h.
 *
 *   svmhv-smp [-n NVCPU] [CPU...]
 *       -n NVCPU  expected vCPU count (default: CPUs configured in Linux)
 *       CPU...    CPUs to check (default: every online CPU)
 *   svmhv-smp -x  only print every vCPU's exit counters (total, CPUID, NPF,
 *                 NMI: kicks and guest NMIs, INIT, HLT), one line each
 *
 * Output, one line per CPU, then a summary:
 *   svmhv-smp: cpu 1: ok: signature svmhv, vCPU 1 of 2, APIC ID 1, ...
 *   svmhv-smp: cpu 1: FAIL: <what>
 *   svmhv-smp: done 2 ok, 0 failed
 * Exit status 0 only if every CPU passed.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hv/hypercall.h"
#include "tests/guest/guest-hc.h"

#define EXIT_NMI        0x61u   /* APM2 Appendix C */
#define EXIT_INIT       0x63u
#define EXIT_CPUID      0x72u
#define EXIT_HLT        0x78u
#define EXIT_NPF        0x400u
#define CPUID_LOOPS     64
#define MAX_CPUS        256

static int64_t exit_total(uint64_t vcpu)
{
	struct hc h;

	if (hypercall(SVMHV_HC_EXIT_TOTAL, vcpu, 0, 0, &h) || (int64_t)h.rax != SVMHV_OK)
		return -1;
	return (int64_t)h.rdx;
}

static int64_t exit_count(uint64_t vcpu, uint64_t code)
{
	struct hc h;

	if (hypercall(SVMHV_HC_EXIT_COUNT, vcpu, code, 0, &h) || (int64_t)h.rax != SVMHV_OK)
		return -1;
	return (int64_t)h.rdx;
}

static void cpuids(int n)
{
	unsigned a, b, c, d;

	for (int i = 0; i < n; i++)
		__cpuid(0, a, b, c, d);
	(void)a, (void)b, (void)c, (void)d;
}

/* Pin to cpu and check that we run there; 0 or an errno. */
static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return errno ? errno : EINVAL;
	if (sched_getcpu() != cpu)
		return EAGAIN;
	return 0;
}

static int online_cpus(int *cpus)
{
	cpu_set_t set;
	int n = 0;

	CPU_ZERO(&set);
	for (int i = 0; i < MAX_CPUS; i++)
		CPU_SET(i, &set);
	sched_setaffinity(0, sizeof(set), &set);        /* undo earlier pinning */
	if (sched_getaffinity(0, sizeof(set), &set))
		return 0;
	for (int i = 0; i < MAX_CPUS; i++)
		if (CPU_ISSET(i, &set))
			cpus[n++] = i;
	return n;
}

static char msg[512];

#define FAIL(...) do { snprintf(msg, sizeof(msg), __VA_ARGS__); return 0; } while (0)

/* All checks for one CPU; 1 if passed (msg says what was seen), else 0 (msg says why). */
static int check_cpu(int cpu, uint64_t nvcpu, int other)
{
	unsigned a, b, c, d, apic;
	struct hc h;
	int64_t t0, t1, c0, c1, s0, s1, r0, r1, rc0, rc1;
	int err = pin(cpu), state_ok = 0;

	if (err)
		FAIL("cannot pin to cpu %d (%s)", cpu, err == EAGAIN ? "runs elsewhere" : strerror(err));
	__cpuid(1, a, b, c, d);
	apic = b >> 24;
	__cpuid(SVMHV_CPUID_BASE, a, b, c, d);
	if (b != SVMHV_SIG_EBX || c != SVMHV_SIG_ECX || d != SVMHV_SIG_EDX)
		FAIL("no svmhv signature (cpuid 0x40000000: eax %x ebx %x ecx %x edx %x), APIC ID %u",
		     a, b, c, d, apic);
	if (hypercall(SVMHV_HC_IDENTIFY, 0, 0, 0, &h))
		FAIL("signature ok but VMMCALL raised #UD (SIGILL)");
	if ((int64_t)h.rax != SVMHV_OK || h.rbx != SVMHV_SIG_EBX || h.rcx != SVMHV_SIG_ECX)
		FAIL("IDENTIFY: rax %" PRId64 " rbx %" PRIx64 " rcx %" PRIx64,
		     (int64_t)h.rax, h.rbx, h.rcx);
	if (hypercall(SVMHV_HC_VCPU_INFO, 0, 0, 0, &h) || (int64_t)h.rax != SVMHV_OK)
		FAIL("VCPU_INFO failed: rax %" PRId64, (int64_t)h.rax);
	if (h.rbx != (uint64_t)cpu || h.rcx != nvcpu)
		FAIL("VCPU_INFO says vCPU %" PRIu64 " of %" PRIu64 ", expected %d of %" PRIu64
		     " (APIC ID %u)", h.rbx, h.rcx, cpu, nvcpu, apic);

	/* VCPU_STATE (ABI additions may be missing: ENOSYS skips it): running, and
	 * svmhv's APIC ID for this vCPU is the one CPUID reports here. */
	if (hypercall(SVMHV_HC_VCPU_STATE, (uint64_t)cpu, 0, 0, &h))
		FAIL("VCPU_STATE raised #UD");
	if ((int64_t)h.rax == SVMHV_OK) {
		if (h.rbx != SVMHV_VCPU_RUNNING || h.rcx != apic)
			FAIL("VCPU_STATE of vCPU %d: state %" PRIu64 " (0 = running), APIC ID %"
			     PRIu64 "; CPUID here says APIC ID %u", cpu, h.rbx, h.rcx, apic);
		state_ok = 1;
	} else if ((int64_t)h.rax != SVMHV_ENOSYS) {
		FAIL("VCPU_STATE of vCPU %d failed: rax %" PRId64, cpu, (int64_t)h.rax);
	}

	/* Seen from this CPU: explicit index and "self". */
	t0 = exit_total((uint64_t)cpu);
	c0 = exit_count((uint64_t)cpu, EXIT_CPUID);
	s0 = exit_total(SVMHV_VCPU_SELF);
	cpuids(CPUID_LOOPS);
	s1 = exit_total(SVMHV_VCPU_SELF);
	c1 = exit_count((uint64_t)cpu, EXIT_CPUID);
	t1 = exit_total((uint64_t)cpu);
	if (t0 < 0 || t1 < 0 || c0 < 0 || c1 < 0 || s0 < 0 || s1 < 0)
		FAIL("EXIT_TOTAL/EXIT_COUNT of vCPU %d failed", cpu);
	if (c1 - c0 < CPUID_LOOPS || t1 - t0 < CPUID_LOOPS + 2 || s1 - s0 < CPUID_LOOPS)
		FAIL("counters of vCPU %d do not move: cpuid +%" PRId64 ", total +%" PRId64
		     ", self total +%" PRId64 " after %d CPUIDs", cpu, c1 - c0, t1 - t0, s1 - s0,
		     CPUID_LOOPS);
	snprintf(msg, sizeof(msg), "signature svmhv, vCPU %d of %" PRIu64 ", APIC ID %u%s, "
		 "%d CPUIDs: cpuid exits +%" PRId64 ", total +%" PRId64, cpu, nvcpu, apic,
		 state_ok ? " (VCPU_STATE: running, same APIC ID)" : "", CPUID_LOOPS, c1 - c0,
		 t1 - t0);
	if (other < 0)
		return 1;

	/* Seen from another CPU: vCPU cpu's counters, around CPUIDs run on cpu. */
	if ((err = pin(other)))
		FAIL("cannot pin to cpu %d for the remote view (%s)", other, strerror(err));
	r0 = exit_total((uint64_t)cpu);
	rc0 = exit_count((uint64_t)cpu, EXIT_CPUID);
	if ((err = pin(cpu)))
		FAIL("cannot pin back to cpu %d (%s)", cpu, strerror(err));
	cpuids(CPUID_LOOPS);
	if ((err = pin(other)))
		FAIL("cannot pin to cpu %d for the remote view (%s)", other, strerror(err));
	r1 = exit_total((uint64_t)cpu);
	rc1 = exit_count((uint64_t)cpu, EXIT_CPUID);
	if (r0 < 0 || r1 < 0 || rc0 < 0 || rc1 < 0)
		FAIL("EXIT_TOTAL/EXIT_COUNT of vCPU %d from cpu %d failed", cpu, other);
	if (r0 < t1 || rc1 - rc0 < CPUID_LOOPS || r1 - r0 < CPUID_LOOPS)
		FAIL("vCPU %d seen from cpu %d: total %" PRId64 " -> %" PRId64 " (was %" PRId64
		     " on cpu %d), cpuid +%" PRId64 " after %d CPUIDs on cpu %d", cpu, other,
		     r0, r1, t1, cpu, rc1 - rc0, CPUID_LOOPS, cpu);
	snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg),
		 "; from cpu %d: cpuid exits +%" PRId64 ", total +%" PRId64, other, rc1 - rc0,
		 r1 - r0);
	return 1;
}

static int show_exits(void)
{
	struct hc h;

	if (hypercall(SVMHV_HC_VCPU_INFO, 0, 0, 0, &h) || (int64_t)h.rax != SVMHV_OK) {
		printf("svmhv-smp: no svmhv (VCPU_INFO failed)\n");
		return 1;
	}
	for (uint64_t v = 0; v < h.rcx && v < MAX_CPUS; v++)
		printf("svmhv-smp: exits vcpu%" PRIu64 ": total %" PRId64 ", cpuid %" PRId64
		       ", npf %" PRId64 ", nmi %" PRId64 ", init %" PRId64 ", hlt %" PRId64 "\n",
		       v, exit_total(v), exit_count(v, EXIT_CPUID), exit_count(v, EXIT_NPF),
		       exit_count(v, EXIT_NMI), exit_count(v, EXIT_INIT), exit_count(v, EXIT_HLT));
	return 0;
}

int main(int argc, char **argv)
{
	int online[MAX_CPUS], nonline, want[MAX_CPUS], nwant = 0, ok = 0, bad = 0, opt;
	long conf = sysconf(_SC_NPROCESSORS_CONF);
	uint64_t nvcpu = conf > 0 ? (uint64_t)conf : 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt(argc, argv, "n:x")) != -1) {
		if (opt == 'x')
			return show_exits();
		if (opt != 'n') {
			fprintf(stderr, "usage: svmhv-smp [-n NVCPU] [CPU...] | -x\n");
			return 2;
		}
		nvcpu = strtoull(optarg, NULL, 0);
	}
	nonline = online_cpus(online);
	for (int i = optind; i < argc && nwant < MAX_CPUS; i++)
		want[nwant++] = atoi(argv[i]);
	if (!nwant) {
		memcpy(want, online, sizeof(int) * (size_t)nonline);
		nwant = nonline;
	}
	for (int i = 0; i < nwant; i++) {
		int cpu = want[i], other = -1;

		/* The remote viewer: the first online CPU that is not this one. */
		for (int j = 0; j < nonline && other < 0; j++)
			if (online[j] != cpu)
				other = online[j];
		if (check_cpu(cpu, nvcpu, other)) {
			printf("svmhv-smp: cpu %d: ok: %s\n", cpu, msg);
			ok++;
		} else {
			printf("svmhv-smp: cpu %d: FAIL: %s\n", cpu, msg);
			bad++;
		}
	}
	printf("svmhv-smp: done %d ok, %d failed\n", ok, bad);
	return bad || !ok;
}
