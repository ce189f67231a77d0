/* SPDX-License-Identifier: MIT */
/* Helpers of tests/attack: svmhv intact, reports, a high mapping. See attack.h. */
#include <stdarg.h>

#include "hv/hypercall.h"
#include "tests/attack/attack.h"

static struct integrity base;
static int have_base;

/* SVMHV_HC_INTEGRITY: checksum and broken canaries; canaries counted by index (RDX 0: past the last). */
static int integrity(struct integrity *out)
{
	struct hcall h;
	uint64_t n = 0;

	probe_begin();
	if (hc_call(SVMHV_HC_INTEGRITY, 0, 0, 0, &h)) {
		probe_end();
		return -1;
	}
	*out = (struct integrity){ h.rbx, h.rcx, 0 };
	while (n < 64 && h.rdx && !hc_call(SVMHV_HC_INTEGRITY, ++n, 0, 0, &h))
		;
	probe_end();
	out->canaries = n;
	return 0;
}

int attack_baseline(void)
{
	have_base = integrity(&base) == 0;
	report_diag("svmhv integrity: code checksum 0x%lx, %lu canaries, %lu broken%s",
		    base.sum, base.canaries, base.broken, have_base ? "" : " (no INTEGRITY)");
	return have_base ? 0 : -1;
}

const char *attack_svmhv_intact(void)
{
	static char why[96];
	struct integrity now;
	struct hcall h;
	int rc;

	probe_begin();
	rc = hc_call(SVMHV_HC_IDENTIFY, 0, 0, 0, &h);
	probe_end();
	if (rc || h.rbx != SVMHV_SIG_EBX)
		return "svmhv does not answer IDENTIFY";
	if (!have_base)
		return "no INTEGRITY baseline";
	if (integrity(&now))
		return "SVMHV_HC_INTEGRITY fails";
	if (now.sum != base.sum || now.broken || now.canaries != base.canaries) {
		fmt_str(why, sizeof(why), "svmhv changed: checksum 0x%lx, %lu of %lu canaries broken",
			now.sum, now.broken, now.canaries);
		return why;
	}
	return 0;
}

void attack_report(int outcome_ok, const char *name, const char *fmt, ...)
{
	char detail[PAYLOAD_LINE_MAX];
	const char *hurt = attack_svmhv_intact();
	va_list ap;

	va_start(ap, fmt);
	fmt_line(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	if (hurt)
		report_fail(name, "%s; %s", detail, hurt);
	else
		report_check(outcome_ok, name, "%s", detail);
}

/*
 * CPUID 8000_0008 EAX[7:0]; the load option probe-bits=N overrides it (an
 * old svmhv reported the CPU's 40 bits while mapping only 39).
 */
unsigned attack_gpa_bits(void)
{
	static const char key[] = "probe-bits=";
	uint32_t r[4];

	for (const char *p = l1hv_options; *p; p++)
		if (mem_eq(p, key, sizeof(key) - 1))
			return (unsigned)((p[11] - '0') * 10 + (p[12] - '0'));
	cpuid(0x80000008u, 0, r);
	return r[0] & 0xff;
}

/*
 * A private copy of L1's PML4 (the firmware may keep its own tables read
 * only) with one more slot of the upper half: a PDPT and a PD from the
 * scratch pages and a 2 MiB leaf. It is loaded as CR3 until attack_unmap();
 * an L2 gets it as its CR3 too (attack_cr3()).
 */
static uint64_t old_cr3, new_cr3;

uint64_t attack_cr3(void)
{
	return new_cr3;
}

uint64_t attack_map_2m(uint64_t pa)
{
	uint64_t *pml4 = (uint64_t *)L.scratch[3], *pdpt = (uint64_t *)L.scratch[4];
	uint64_t *pd = (uint64_t *)L.scratch[5];
	const uint64_t *cur;

	__asm__ volatile("mov %%cr3, %0" : "=r"(old_cr3));
	cur = (const uint64_t *)(old_cr3 & 0x000ffffffffff000ull);
	for (unsigned i = 511; i >= 256; i--) {
		if (cur[i] & 1)
			continue;
		mem_copy(pml4, cur, 4096);
		mem_zero(pdpt, 4096);
		mem_zero(pd, 4096);
		pd[0] = pa | 0x83;                      /* P, W, PS */
		pdpt[0] = (uint64_t)pd | 0x3;
		pml4[i] = (uint64_t)pdpt | 0x3;
		new_cr3 = (uint64_t)pml4 | (old_cr3 & 0xfff);
		__asm__ volatile("mov %0, %%cr3" : : "r"(new_cr3) : "memory");
		return 0xffff000000000000ull | ((uint64_t)i << 39);
	}
	return 0;
}

void attack_unmap(void)
{
	if (!new_cr3)
		return;
	__asm__ volatile("mov %0, %%cr3" : : "r"(old_cr3) : "memory");
	new_cr3 = 0;
}
