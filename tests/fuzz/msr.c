/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the MSR policy (hv/policy.c) and the MTRR rule
 * (hv/mtrr.c). Invariants: every MSR has a rule, and the MSRPM agrees with
 * it; a MASKED write passes only if no bit outside the mask changes, a
 * SET_ONLY write only if it clears nothing; an APIC base that passes keeps
 * the page, EN when EXTD, no reserved bit. hv_mtrr_safe() is checked
 * against a reference: the type of every 4 KiB page of the range, computed
 * the slow way from the MTRRs (APM2 7.7.1 precedence) must be WB or UC.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hv/mtrr.h"
#include "hv/policy.h"
#include "svm/msrpm.h"

#define NEED(cond) do { if (!(cond)) abort(); } while (0)

static uint8_t msrpm[SVM_MSRPM_SIZE];
static int msrpm_ready;

static uint64_t take(const uint8_t **p, size_t *n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < 8 && *n; i++, (*p)++, (*n)--)
		v |= (uint64_t)**p << (8 * i);
	return v;
}

static void one_msr(uint32_t msr, uint64_t cur, uint64_t val, int nested)
{
	const struct hv_msr_rule *r = hv_msr_rule(msr);
	bool rd, wr;

	NEED(r && msr >= r->first && msr <= r->last);
	if (svm_msrpm_get(msrpm, msr, &rd, &wr) == 0 && !nested) {
		NEED(rd == (hv_msr_op(r, false, false) != HV_MSR_PASS));
		NEED(wr == (hv_msr_op(r, true, false) != HV_MSR_PASS));
	}
	if (hv_msr_write_ok(r, cur, val)) {
		if (r->wr == HV_MSR_HW_MASKED)
			NEED(((cur ^ val) & ~r->mask) == 0);
		if (r->wr == HV_MSR_HW_SET_ONLY)
			NEED((cur & ~val) == 0);
	}
}

static void apic_base(uint64_t cur, uint64_t val, unsigned maxphy)
{
	const uint64_t page = 0xfee00000ull;

	if (hv_apic_base_check(cur, val, maxphy, cur >> 63, page) == 0) {
		NEED((val & APIC_BASE_ADDR_MASK) == page && !(val >> maxphy));
		NEED(!(val & 0x2ff) && (!(val & APIC_BASE_EXTD) || (val & APIC_BASE_EN)));
		NEED(!((val & APIC_BASE_EXTD) && !(cur >> 63)));
	}
}

/* The MTRR type of one byte (APM2 7.7.1): fixed, else variable by precedence, else default. */
static int type_at(const struct hv_mtrr *m, uint64_t a, unsigned maxphy)
{
	uint64_t phys = ((1ull << maxphy) - 1) & ~0xfffull;
	int t = -1;

	if (!(m->def_type & (1u << 11)))
		return MTRR_TYPE_UC;
	if (a < 0x100000 && (m->def_type & (1u << 10)) && (m->cap & (1u << 8))) {
		unsigned b = a < 0x80000 ? (unsigned)(a >> 16) : a < 0xc0000 ?
			     8 + (unsigned)((a - 0x80000) >> 14) : 24 + (unsigned)((a - 0xc0000) >> 12);
		return (int)((m->fix[b / 8] >> (8 * (b % 8))) & 0xff);
	}
	for (unsigned i = 0; i < (m->cap & 0xff) && i < HV_MTRR_VAR_MAX; i++) {
		uint64_t mask = m->var[2 * i + 1] & phys;
		int vt = (int)(m->var[2 * i] & 0xff);

		if (!(m->var[2 * i + 1] & (1u << 11)) || ((a ^ m->var[2 * i]) & mask))
			continue;
		if (t < 0 || vt == MTRR_TYPE_UC)
			t = vt;
		else if (t != MTRR_TYPE_UC && t != vt)
			t = (t == 4 && vt == 6) || (t == 6 && vt == 4) ? 4 : 99;   /* WT wins; else undefined */
	}
	return t >= 0 ? t : (int)(m->def_type & 0xff);
}

static void mtrr(const uint8_t **p, size_t *n)
{
	struct hv_mtrr m;
	unsigned maxphy = 36 + (unsigned)(take(p, n) % 13);
	uint64_t base = (take(p, n) & ((1ull << maxphy) - 1)) & ~0xfffull, size = 0x4000;

	memset(&m, 0, sizeof(m));
	m.cap = 0x500 | (take(p, n) % 9);
	m.def_type = take(p, n) & 0xcff;
	for (unsigned i = 0; i < 2 * HV_MTRR_VAR_MAX; i++)
		m.var[i] = take(p, n);
	for (unsigned i = 0; i < HV_MTRR_FIX_N; i++)
		m.fix[i] = take(p, n);
	if (base + size > (1ull << maxphy))
		return;
	if (hv_mtrr_safe(&m, base, size, maxphy))
		for (uint64_t a = base; a < base + size; a += 0x1000) {
			int t = type_at(&m, a, maxphy);

			NEED(t == MTRR_TYPE_UC || t == MTRR_TYPE_WB);
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data;
	size_t n = size;
	uint64_t sel = take(&p, &n);

	if (!msrpm_ready) {
		hv_msr_fill_msrpm(msrpm, false);
		msrpm_ready = 1;
	}
	for (unsigned i = 0; i < 4; i++) {
		uint64_t cur = take(&p, &n), val = take(&p, &n);

		one_msr((uint32_t)(sel >> (16 * i)) ^ (uint32_t)(cur >> 32), cur, val, 0);
		one_msr((uint32_t)val, cur, val, 1);
		apic_base(cur, val, 32 + (unsigned)(sel % 21));
		(void)hv_pat_valid(val);
		(void)hv_perf_ctl_ok(val);
	}
	mtrr(&p, &n);
	return 0;
}
