/* SPDX-License-Identifier: MIT */
/*
 * l1hv scenario: the CPUID table, for tests/suites/50-l1hv.sh to compare
 * bare QEMU against svmhv, which answers from its per-CPU cache
 * (hv/cpuid_cache.h, issue 16). One "# cpuid-table: <leaf> <hash>" line
 * per leaf: an FNV-1a hash of the answers to subleaves 0-5 and FFFF_FFFF
 * (0-63 for 0xD), with the bits svmhv's policy changes on purpose masked
 * (hv/policy.c: hypervisor bit, hidden features, the physical-address
 * width); leaves svmhv answers whole are left out. Then out-of-range
 * leaves, and Fn0000_000D_0/_1 at several XCR0 values (the sizes follow
 * XCR0): "# cpuid-table: xcr0=<x> <hash>". Prints its own "ok" line only
 * for what it can check alone: XCR0 restored.
 */
#include "hv/hypercall.h"
#include "tests/l1hv/l1hv.h"

#define FNV_OFFSET      0x811c9dc5u
#define FNV_PRIME       0x01000193u

static uint32_t fnv(uint32_t h, uint32_t v)
{
	for (int i = 0; i < 4; i++) {
		h ^= (v >> (8 * i)) & 0xff;
		h *= FNV_PRIME;
	}
	return h;
}

/* Leaves svmhv answers whole (hv_cpuid_owned()): not the CPU's answer. */
static int owned(uint32_t leaf)
{
	return leaf == 0xf || leaf == 0x10 || leaf == 0x8000000au || leaf == 0x8000001bu ||
	       leaf == 0x8000001fu || leaf == 0x80000020u ||
	       (leaf >= 0x40000000u && leaf <= 0x400000ffu);
}

/* The bits hv_cpuid_filter() changes on purpose, cleared. */
static void mask(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	if (leaf == 1)
		r[2] &= ~(1u << 31);                            /* hypervisor */
	if (leaf == 7 && sub == 0) {
		r[1] &= ~((1u << 12) | (1u << 15));             /* RDT */
		r[2] &= ~(1u << 7);                             /* CET SS */
		r[3] &= ~(1u << 20);                            /* CET IBT */
	}
	if (leaf == 0x80000001u)
		r[2] &= ~((1u << 2) | (1u << 10) | (1u << 12) | (1u << 15));    /* SVM IBS SKINIT LWP */
	if (leaf == 0x80000008u) {
		r[0] &= ~0xff00ffu;                             /* address widths */
		r[1] &= ~((1u << 25) | (1u << 3));              /* VIRT_SSBD, INVLPGB */
		r[3] &= ~0xffffu;
	}
	if (leaf == 0x80000021u) {                              /* errata bits svmhv may add */
		r[0] &= ~(1u << 5);
		r[2] &= ~0x6u;
	}
}

static uint32_t answer(uint32_t h, uint32_t leaf, uint32_t sub)
{
	uint32_t r[4];

	cpuid(leaf, sub, r);
	mask(leaf, sub, r);
	for (int i = 0; i < 4; i++)
		h = fnv(h, r[i]);
	return h;
}

static void leaf_line(uint32_t leaf)
{
	uint32_t h = FNV_OFFSET, nsub = leaf == 0xd ? 64 : 6;

	if (owned(leaf))
		return;
	for (uint32_t s = 0; s < nsub; s++)
		h = answer(h, leaf, s);
	h = answer(h, leaf, 0xffffffffu);
	report_diag("cpuid-table: %x %08x", leaf, h);
}

static uint64_t xgetbv0(void)
{
	uint32_t lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

static void xsetbv0(uint64_t v)
{
	__asm__ volatile("xsetbv" ::"c"(0), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

/* Fn0000_000D_0/_1 at XCR0 = x87|SSE, | AVX, and every user component supported. */
static void xcr0_lines(void)
{
	uint32_t r[4], h[3];
	uint64_t cr4, xcr0, supported, x[3];

	cpuid(1, 0, r);
	if (!(r[2] & CPUID_1_ECX_XSAVE)) {
		report_ok("cpuid-table: XCR0 variants # SKIP no XSAVE");
		return;
	}
	cpuid(0xd, 0, r);
	supported = (uint64_t)r[3] << 32 | r[0];
	x[0] = 3;
	x[1] = 3 | (supported & 4);
	x[2] = supported & 0x2ffull;    /* AMX's components need a permission first */
	probe_begin();                  /* no firmware service until probe_end() */
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	__asm__ volatile("mov %0, %%cr4" ::"r"(cr4 | CR4_OSXSAVE));
	xcr0 = xgetbv0();
	for (int i = 0; i < 3; i++) {
		h[i] = FNV_OFFSET;
		xsetbv0(x[i]);
		h[i] = answer(h[i], 0xd, 0);
		h[i] = answer(h[i], 0xd, 1);
	}
	xsetbv0(xcr0);
	r[0] = (uint32_t)(xgetbv0() == xcr0);
	__asm__ volatile("mov %0, %%cr4" ::"r"(cr4));
	probe_end();
	for (int i = 0; i < 3; i++)
		report_diag("cpuid-table: xcr0=%lx %08x", x[i], h[i]);
	report_check(r[0], "cpuid-table: XCR0 variants, XCR0 restored", "XCR0 was 0x%lx", xcr0);
}

void sc_cpuid_table(void)
{
	uint32_t r[4], max;

	cpuid(0, 0, r);
	max = r[0] < 0x40 ? r[0] : 0x40;
	for (uint32_t leaf = 0; leaf <= max + 1; leaf++)
		leaf_line(leaf);
	cpuid(0x80000000u, 0, r);
	max = r[0] >= 0x80000000u && r[0] < 0x80000040u ? r[0] : 0x80000040u;
	for (uint32_t leaf = 0x80000000u; leaf <= max + 1; leaf++)
		leaf_line(leaf);
	leaf_line(0x40000100u);         /* a hypervisor's range below svmhv: the CPU's */
	leaf_line(0xc0000000u);
	leaf_line(0x8fffffffu);
	xcr0_lines();
	/* svmhv prints its cache's hits and misses (50-l1hv.sh reads them). */
	if (L.under_svmhv) {
		struct hcall h;

		probe_begin();
		(void)hc_call(SVMHV_HC_CONSOLE_DUMP, 0, 0, 0, &h);
		probe_end();
	}
}
