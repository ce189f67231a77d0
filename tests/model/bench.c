/* SPDX-License-Identifier: MIT */
/*
 * Benchmark mode: svmhv on the simulated machine, contract vs
 * force_tlb_flush (seed patch 25). Figures go to BENCHMARKS.md.
 */
#include "tests/model/model.h"

#define BENCH_SETS      256u
#define BENCH_WAYS      8u
#define BENCH_L1_PAGES  8u      /* pages L1's exit handler touches */
#define BENCH_ACCESSES  200000u
#define ROUND_TRIPS     10000u

static struct m_config bench_config(bool fba, bool force, unsigned pages)
{
	return (struct m_config){ .name = "bench", .nvcpu = 1,
				  .flush_by_asid = fba, .force = force,
				  .tlb_sets = BENCH_SETS, .tlb_ways = BENCH_WAYS,
				  .nva = pages, .ngpa = pages, .check = false };
}

static void ev(struct m_world *w, int type, uint32_t a)
{
	struct m_event e = { .type = (uint8_t)type, .vcpu = 0, .a = a, .b = 1 };

	m_exec(w, &e);          /* EV_VMRUN: guest a, vmcb12 ASID 1, TLB_CONTROL 0 */
}

/* Flushes per VMRUN -> L2 -> #VMEXIT -> L1, after warm-up. */
static double round_trip_flushes(bool fba, bool force)
{
	struct m_config c = bench_config(fba, force, 64);
	struct m_world w;
	double per = -1;

	if (m_world_init(&w, &c) == 0) {
		uint64_t before = 0;

		for (unsigned i = 0; i < 10 + ROUND_TRIPS; i++) {
			if (i == 10)            /* after warm-up */
				before = m_flushes(&w);
			ev(&w, EV_VMRUN, 0);
			ev(&w, EV_ACCESS, i % 64);
			ev(&w, EV_VMEXIT, 0);
			ev(&w, EV_ACCESS, i % 64);
		}
		per = (double)(m_flushes(&w) - before) / ROUND_TRIPS;
	}
	m_world_free(&w);
	return per;
}

/* L2 touches n pages round-robin and exits to L1 every k accesses. */
static uint64_t refills(bool force, unsigned n, unsigned k)
{
	struct m_config c = bench_config(true, force, n < 64 ? 64 : n);
	struct m_world w;
	uint64_t r = 0;

	if (m_world_init(&w, &c) == 0) {
		ev(&w, EV_VMRUN, 0);
		for (unsigned i = 0; i < BENCH_ACCESSES; i++) {
			ev(&w, EV_ACCESS, i % n);
			if ((i + 1) % k)
				continue;
			ev(&w, EV_VMEXIT, 0);
			for (unsigned j = 0; j < BENCH_L1_PAGES; j++)
				ev(&w, EV_ACCESS, j);
			ev(&w, EV_VMRUN, 0);
		}
		r = w.refills[TLB_CTX_L1] + w.refills[TLB_CTX_L2];
	}
	m_world_free(&w);
	return r;
}

/*
 * L1 alternating between n L2s (vmcb12 ASIDs 1..n, as KVM with n VMs on one
 * vCPU): each round trip VMRUNs the next L2, which touches its 16 pages, then
 * L1's handler touches its 8. nasid 16: svmhv's 8 L2 slots; nasid 3: one L2
 * ASID, the seed's design. Per round trip after every L2 ran once.
 */
static void alternating(unsigned nasid, unsigned n, double *flushes, double *refills_rt)
{
	struct m_config c = bench_config(true, false, 64);
	struct m_world w;

	*flushes = *refills_rt = -1;
	c.nasid = nasid;
	c.shadow_pages = 512;                   /* svmhv's default: no pool pressure */
	if (m_world_init(&w, &c) == 0) {
		uint64_t f0 = 0, r0 = 0;

		for (unsigned i = 0; i < n + ROUND_TRIPS; i++) {
			struct m_event e = { .type = EV_VMRUN, .vcpu = 0, .a = 0, .b = 1 + i % n };

			if (i == n) {
				f0 = m_flushes(&w);
				r0 = w.refills[TLB_CTX_L1] + w.refills[TLB_CTX_L2];
			}
			m_exec(&w, &e);
			for (unsigned j = 0; j < 16; j++)
				ev(&w, EV_ACCESS, j);
			ev(&w, EV_VMEXIT, 0);
			for (unsigned j = 0; j < BENCH_L1_PAGES; j++)
				ev(&w, EV_ACCESS, j);
		}
		*flushes = (double)(m_flushes(&w) - f0) / ROUND_TRIPS;
		*refills_rt = (double)(w.refills[TLB_CTX_L1] + w.refills[TLB_CTX_L2] - r0) /
			      ROUND_TRIPS;
	}
	m_world_free(&w);
}

int m_bench(FILE *out)
{
	static const unsigned ns[] = { 16, 256, 1024, 4096 };
	static const unsigned ks[] = { 10, 100, 1000, 10000 };

	fprintf(out, "Flushes per steady-state nested round trip "
		"(L1 VMRUN -> L2 -> #VMEXIT -> L1), %u round trips:\n", ROUND_TRIPS);
	fprintf(out, "  %-16s %10s %16s\n", "hardware", "contract", "force_tlb_flush");
	for (int fba = 1; fba >= 0; fba--)
		fprintf(out, "  %-16s %10.2f %16.2f\n", fba ? "FlushByASID" : "no FlushByASID",
			round_trip_flushes(fba, false), round_trip_flushes(fba, true));
	fprintf(out, "\nSimulated TLB refills (L1 + L2): L2 touches N pages round-robin, exits "
		"to L1 every K accesses;\nL1's handler touches %u pages; %u L2 accesses; "
		"TLB %u entries (%u sets x %u ways), FlushByASID:\n", BENCH_L1_PAGES,
		BENCH_ACCESSES, BENCH_SETS * BENCH_WAYS, BENCH_SETS, BENCH_WAYS);
	fprintf(out, "  %6s %6s %12s %12s %16s\n", "N", "K", "contract", "force", "force/contract");
	for (unsigned i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		for (unsigned j = 0; j < sizeof(ks) / sizeof(ks[0]); j++) {
			uint64_t a = refills(false, ns[i], ks[j]), b = refills(true, ns[i], ks[j]);

			fprintf(out, "  %6u %6u %12llu %12llu %15.1fx\n", ns[i], ks[j],
				(unsigned long long)a, (unsigned long long)b,
				a ? (double)b / (double)a : 0.0);
		}
	}
	fprintf(out, "\nL1 alternating between n L2s (vmcb12 ASIDs 1..n), each touching 16 pages "
		"per run, L1 8;\nper round trip after warm-up, %u round trips, FlushByASID, "
		"TLB %u entries:\n", ROUND_TRIPS, BENCH_SETS * BENCH_WAYS);
	fprintf(out, "  %3s %18s %18s %18s %18s\n", "n", "flushes (8 slots)", "flushes (1 slot)",
		"refills (8 slots)", "refills (1 slot)");
	for (unsigned n = 2; n <= 8; n *= 2) {
		double f8, r8, f1, r1;

		alternating(16, n, &f8, &r8);
		alternating(3, n, &f1, &r1);
		fprintf(out, "  %3u %18.2f %18.2f %18.2f %18.2f\n", n, f8, f1, r8, r1);
	}
	{
		double f8, r8;

		alternating(16, 10, &f8, &r8);
		fprintf(out, "  %3u %18.2f %18s %18.2f %18s  (more L2s than slots: LRU evicts)\n",
			10, f8, "", r8, "");
	}
	return 0;
}
