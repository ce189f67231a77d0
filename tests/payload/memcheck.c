/* SPDX-License-Identifier: MIT */
/*
 * svmhv's own memory, seen from the guest: SVMHV_HC_MEMINFO's range must be
 * EfiReservedMemoryType in the firmware memory map, read as 0xFF bytes
 * everywhere (so svmhv's canary string can never be found there), and
 * writes into it must be dropped without an exception, leaving svmhv alive.
 */
#include <efi.h>
#include <efilib.h>

#include "hv/hypercall.h"
#include "tests/payload/payload.h"

#define SCAN_MAX        (1ull << 30)    /* scan at most 1 GiB */
#define WRITE_PATTERN   0x5a17c0de5a17c0deull

static const char canary[] = "svmhv-secret-canary-5a17";
#define CANARY_LEN      (sizeof(canary) - 1)

/* The previous page's tail, then this page: finds a canary split in two. */
static uint8_t window[CANARY_LEN - 1 + PAGE_SIZE] __attribute__((aligned(8)));

struct scan {
	uint64_t pages, faults, not_ff, found;
	uint64_t first_fault, first_not_ff, first_found, not_ff_value;
	unsigned fault_vec;
};

static const char *const dep_checks[] = {
	"memory: MEMINFO range is EfiReservedMemoryType",
	"memory: every page of svmhv's range reads 0xFF",
	"memory: svmhv's canary is never found",
	"memory: writes into svmhv's range are dropped",
	"memory: svmhv answers a hypercall after the writes",
};

static void check_memory_map(uint64_t base, uint64_t size)
{
	UINTN n = 0, key, dsize = 0;
	UINT32 dver;
	EFI_MEMORY_DESCRIPTOR *map = LibMemoryMap(&n, &key, &dsize, &dver);
	uint64_t end = base + size, covered = 0, other = 0, other_type = 0, other_at = 0;

	if (!map) {
		report_fail(dep_checks[0], "GetMemoryMap failed");
		return;
	}
	for (UINTN i = 0; i < n; i++) {
		EFI_MEMORY_DESCRIPTOR *d = (void *)((uint8_t *)map + i * dsize);
		uint64_t lo = d->PhysicalStart, hi = lo + d->NumberOfPages * PAGE_SIZE;

		lo = lo > base ? lo : base;
		hi = hi < end ? hi : end;
		if (lo >= hi)
			continue;
		if (d->Type == EfiReservedMemoryType) {
			covered += hi - lo;
		} else if (!other++) {
			other_type = d->Type;
			other_at = lo;
		}
	}
	FreePool(map);
	report_check(covered == size && !other, dep_checks[0],
		     "0x%lx of 0x%lx bytes reserved; %lu other descriptors, first type %lu at 0x%lx",
		     covered, size, other, other_type, other_at);
}

static int all_ff(const uint64_t *q, size_t n, uint64_t *first)
{
	for (size_t i = 0; i < n; i++)
		if (q[i] != ~0ull) {
			*first = q[i];
			return 0;
		}
	return 1;
}

static int find_canary(const uint8_t *p, size_t len, size_t *at)
{
	for (size_t i = 0; i + CANARY_LEN <= len; i++)
		if (p[i] == (uint8_t)canary[0] && mem_eq(p + i, canary, CANARY_LEN)) {
			*at = i;
			return 1;
		}
	return 0;
}

/* One page into window[] after the previous page's tail; count what it holds. */
static void scan_page(struct scan *s, uint64_t pa, int *prev_ff)
{
	uint8_t *page = window + CANARY_LEN - 1;
	uint64_t q = 0;
	unsigned vec = probe_copy(page, pa, PAGE_SIZE / 8);
	size_t at;
	int ff;

	s->pages++;
	if (vec != PROBE_NO_FAULT) {
		if (!s->faults++) {
			s->first_fault = pa;
			s->fault_vec = vec;
		}
		*prev_ff = 1;
		return;
	}
	ff = all_ff((const uint64_t *)page, PAGE_SIZE / 8, &q);
	if (!ff && !s->not_ff++) {
		s->first_not_ff = pa;
		s->not_ff_value = q;
	}
	if ((!ff || !*prev_ff) && find_canary(window, sizeof(window), &at)) {
		if (!s->found++)
			s->first_found = pa - (CANARY_LEN - 1) + at;
	}
	for (size_t i = 0; i < CANARY_LEN - 1; i++)
		window[i] = page[PAGE_SIZE - (CANARY_LEN - 1) + i];
	*prev_ff = ff;
}

static void check_scan(uint64_t base, uint64_t size)
{
	struct scan s = { 0 };
	uint64_t len = size < SCAN_MAX ? size : SCAN_MAX;
	int prev_ff = 1;

	for (size_t i = 0; i < sizeof(window); i++)
		window[i] = 0xff;
	probe_begin();
	for (uint64_t off = 0; off < len; off += PAGE_SIZE)
		scan_page(&s, base + off, &prev_ff);
	probe_end();
	report_diag("scanned %lu pages from 0x%lx", s.pages, base);
	if (s.faults)
		report_fail(dep_checks[1], "%lu pages fault (%s), first at 0x%lx", s.faults,
			    vector_name(s.fault_vec), s.first_fault);
	else
		report_check(!s.not_ff, dep_checks[1],
			     "%lu pages are not, first at 0x%lx holds 0x%lx",
			     s.not_ff, s.first_not_ff, s.not_ff_value);
	report_check(!s.found, dep_checks[2], "LEAK: found %lu times, first at 0x%lx",
		     s.found, s.first_found);
}

/*
 * The scanner must be able to fail: plant the canary across a page boundary
 * in two pages of 0xFF and scan them like svmhv's range.
 */
static void check_scanner(void)
{
	static uint8_t plant[2 * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
	const uint64_t base = (uint64_t)plant, at = base + PAGE_SIZE - 10;
	struct scan s = { 0 };
	int prev_ff = 1;

	for (size_t i = 0; i < sizeof(plant); i++)
		plant[i] = 0xff;
	for (size_t i = 0; i < CANARY_LEN; i++)
		plant[PAGE_SIZE - 10 + i] = (uint8_t)canary[i];
	for (size_t i = 0; i < sizeof(window); i++)
		window[i] = 0xff;
	probe_begin();
	scan_page(&s, base, &prev_ff);
	scan_page(&s, base + PAGE_SIZE, &prev_ff);
	probe_end();
	report_check(s.found == 1 && s.first_found == at && s.not_ff == 2 && !s.faults,
		     "memory: scanner finds a canary planted across a page boundary",
		     "found %lu at 0x%lx (want 0x%lx), %lu pages not 0xFF", s.found,
		     s.first_found, at, s.not_ff);
}

/* Write into the first, middle and last qword of the range; read back. */
static void check_writes(uint64_t base, uint64_t size)
{
	const uint64_t at[3] = { base, base + (size / 2 & ~(PAGE_SIZE - 1)), base + size - 8 };
	unsigned wvec[3], rvec[3];
	uint64_t back[3];
	struct hcall h;
	unsigned vec;
	int ok = 1;

	probe_begin();
	for (int i = 0; i < 3; i++) {
		back[i] = 0;
		wvec[i] = probe_write64(at[i], WRITE_PATTERN);
		rvec[i] = probe_copy(&back[i], at[i], 1);
	}
	probe_end();
	for (int i = 0; i < 3 && ok; i++) {
		ok = wvec[i] == PROBE_NO_FAULT && rvec[i] == PROBE_NO_FAULT && back[i] == ~0ull;
		if (!ok)
			report_fail(dep_checks[3], "at 0x%lx: write %s, read %s, reads back 0x%lx",
				    at[i], vector_name(wvec[i]), vector_name(rvec[i]), back[i]);
	}
	if (ok)
		report_ok(dep_checks[3]);
	vec = hypercall(SVMHV_HC_IDENTIFY, 0, 0, 0, &h);
	report_check(vec == PROBE_NO_FAULT && (int64_t)h.rax == SVMHV_OK &&
		     h.rbx == SVMHV_SIG_EBX, dep_checks[4], "%s, rax=0x%lx",
		     vector_name(vec), h.rax);
}

void check_memory(void)
{
	struct hcall h;
	unsigned vec;
	uint64_t base, size;

	check_scanner();
	vec = hypercall(SVMHV_HC_MEMINFO, 0, 0, 0, &h);
	base = h.rbx;
	size = h.rcx;

	if (vec != PROBE_NO_FAULT || (int64_t)h.rax != SVMHV_OK) {
		report_fail("hypercall: MEMINFO", "%s, rax=0x%lx", vector_name(vec), h.rax);
		for (size_t i = 0; i < sizeof(dep_checks) / sizeof(dep_checks[0]); i++)
			report_fail(dep_checks[i], "no MEMINFO range");
		return;
	}
	report_diag("svmhv memory 0x%lx..0x%lx (%lu KiB)", base, base + size, size >> 10);
	if (!report_check(size && !(base & (PAGE_SIZE - 1)) && !(size & (PAGE_SIZE - 1)) &&
			  base + size > base, "hypercall: MEMINFO",
			  "base 0x%lx size 0x%lx not page-aligned/empty", base, size)) {
		for (size_t i = 0; i < sizeof(dep_checks) / sizeof(dep_checks[0]); i++)
			report_fail(dep_checks[i], "bad MEMINFO range");
		return;
	}
	check_memory_map(base, size);
	check_scan(base, size);
	check_writes(base, size);
}
