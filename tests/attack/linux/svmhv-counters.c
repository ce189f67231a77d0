/* SPDX-License-Identifier: MIT */
/*
 * svmhv-counters: are svmhv's exit counters consistent (make soak)? For
 * every vCPU: EXIT_TOTAL read before and after the per-code counts, which
 * must add up to between the two (allowing one exit in flight per vCPU:
 * svmhv counts the code, then the total), and never go backwards from one
 * call to the next (the last values are kept in a file given with -s).
 * Needs hypercalls=all. Lines: "svmhv-counters: ok ..." / "FAIL ...".
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/guest/guest-hc.h"

#define MAX_VCPUS 64

static int64_t call(uint64_t fn, uint64_t a, uint64_t b)
{
	struct hc h;

	if (hypercall(fn, a, b, 0, &h) || (int64_t)h.rax != SVMHV_OK)
		return -1;
	return (int64_t)h.rdx;
}

/* Every exit code svmhv counts (hv/vcpu.h hv_exit_slot). */
static uint64_t sum_counts(unsigned v)
{
	uint64_t s = 0;

	for (uint64_t code = 0; code < 0xa5; code++)
		s += (uint64_t)call(SVMHV_HC_EXIT_COUNT, v, code);
	for (uint64_t code = 0x400; code <= 0x403; code++)
		s += (uint64_t)call(SVMHV_HC_EXIT_COUNT, v, code);
	s += (uint64_t)call(SVMHV_HC_EXIT_COUNT, v, ~0ull);
	return s;
}

int main(int argc, char **argv)
{
	const char *state = argc > 2 && !strcmp(argv[1], "-s") ? argv[2] : NULL;
	uint64_t last[MAX_VCPUS] = { 0 };
	struct hc h;
	unsigned n, bad = 0;
	FILE *f;

	if (hypercall(SVMHV_HC_VCPU_INFO, 0, 0, 0, &h) || (int64_t)h.rax != SVMHV_OK) {
		printf("svmhv-counters: FAIL: VCPU_INFO (hypercalls=all?)\n");
		return 1;
	}
	n = h.rcx < MAX_VCPUS ? (unsigned)h.rcx : MAX_VCPUS;
	if (state && (f = fopen(state, "r"))) {
		for (unsigned v = 0; v < n && fscanf(f, "%lu", &last[v]) == 1; v++)
			;
		fclose(f);
	}
	for (unsigned v = 0; v < n; v++) {
		int64_t t1 = call(SVMHV_HC_EXIT_TOTAL, v, 0), t2;
		uint64_t s = sum_counts(v);

		t2 = call(SVMHV_HC_EXIT_TOTAL, v, 0);
		if (t1 < 0 || t2 < t1 || s < (uint64_t)t1 || s > (uint64_t)t2 + n ||
		    (uint64_t)t1 < last[v]) {
			printf("svmhv-counters: FAIL vcpu %u: total %lld..%lld, codes sum %lu, before %lu\n",
			       v, (long long)t1, (long long)t2, (unsigned long)s, (unsigned long)last[v]);
			bad++;
		}
		last[v] = (uint64_t)t2;
	}
	if (state && (f = fopen(state, "w"))) {
		for (unsigned v = 0; v < n; v++)
			fprintf(f, "%lu\n", (unsigned long)last[v]);
		fclose(f);
	}
	printf("svmhv-counters: %s: %u vCPUs, totals", bad ? "FAIL" : "ok", n);
	for (unsigned v = 0; v < n; v++)
		printf(" %lu", (unsigned long)last[v]);
	printf("\n");
	return bad ? 1 : 0;
}
