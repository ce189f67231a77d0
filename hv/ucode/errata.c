/* SPDX-License-Identifier: MIT */
/*
 * Which AMD errata fixes apply to a CPU (hv/ucode/errata.h). Each row names
 * the Linux code it stands in for (arch/x86/kernel/cpu/amd.c, Linux 6.18 and
 * its stable fixes); docs/platforms.md "Errata" says why svmhv must apply it.
 */
#include "hv/ucode/errata.h"

#define BIT64(n) ((uint64_t)1 << (n))

static bool in(uint32_t x, uint32_t lo, uint32_t hi)
{
	return x >= lo && x <= hi;
}

bool errata_zen1(const struct errata_cpu *c)
{
	return c->family == 0x17 && (in(c->model, 0x00, 0x2f) || in(c->model, 0x50, 0x5f));
}

bool errata_zen2(const struct errata_cpu *c)
{
	return c->family == 0x17 && (in(c->model, 0x30, 0x4f) || in(c->model, 0x60, 0x7f) ||
				     in(c->model, 0x90, 0x91) || in(c->model, 0xa0, 0xaf));
}

bool errata_zen4(const struct errata_cpu *c)
{
	return c->family == 0x19 && (in(c->model, 0x10, 0x1f) || in(c->model, 0x60, 0xaf));
}

bool errata_zen5(const struct errata_cpu *c)
{
	return c->family == 0x1a && (in(c->model, 0x00, 0x2f) || in(c->model, 0x40, 0x4f) ||
				     in(c->model, 0x60, 0x7f));
}

/* The first patch level with a fix, for one exact family/model/stepping. */
struct min_rev {
	uint8_t family, model, stepping;
	uint32_t rev;
};

/* Is the CPU listed, with at least that patch level? (Linux x86_match_min_microcode_rev) */
static bool has_fixed_ucode(const struct errata_cpu *c, const struct min_rev *t, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (t[i].family == c->family && t[i].model == c->model &&
		    t[i].stepping == c->stepping)
			return c->patch_level >= t[i].rev;
	return false;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Linux amd_zenbleed_microcode[]. */
static const struct min_rev zenbleed_fixed[] = {
	{ 0x17, 0x31, 0x0, 0x0830107b }, { 0x17, 0x60, 0x1, 0x0860010c },
	{ 0x17, 0x68, 0x1, 0x08608107 }, { 0x17, 0x71, 0x0, 0x08701033 },
	{ 0x17, 0xa0, 0x0, 0x08a00009 },
};

/* Linux zen5_rdseed_microcode[] (AMD-SB-7055). */
static const struct min_rev rdseed_fixed[] = {
	{ 0x1a, 0x02, 0x1, 0x0b00215a }, { 0x1a, 0x08, 0x1, 0x0b008121 },
	{ 0x1a, 0x11, 0x0, 0x0b101054 }, { 0x1a, 0x24, 0x0, 0x0b204037 },
	{ 0x1a, 0x44, 0x0, 0x0b404035 }, { 0x1a, 0x44, 0x1, 0x0b404108 },
	{ 0x1a, 0x60, 0x0, 0x0b600037 }, { 0x1a, 0x68, 0x0, 0x0b608038 },
	{ 0x1a, 0x70, 0x0, 0x0b700037 },
};

/* Linux amd_tsa_microcode[] (AMD-SB-7029): VERW clears the buffers from these levels. */
static const struct min_rev tsa_fixed[] = {
	{ 0x19, 0x01, 0x1, 0x0a0011d7 }, { 0x19, 0x01, 0x2, 0x0a00123b },
	{ 0x19, 0x08, 0x2, 0x0a00820d }, { 0x19, 0x11, 0x1, 0x0a10114c },
	{ 0x19, 0x11, 0x2, 0x0a10124c }, { 0x19, 0x18, 0x1, 0x0a108109 },
	{ 0x19, 0x21, 0x0, 0x0a20102e }, { 0x19, 0x21, 0x2, 0x0a201211 },
	{ 0x19, 0x44, 0x1, 0x0a404108 }, { 0x19, 0x50, 0x0, 0x0a500012 },
	{ 0x19, 0x61, 0x2, 0x0a60120a }, { 0x19, 0x74, 0x1, 0x0a704108 },
	{ 0x19, 0x75, 0x2, 0x0a705208 }, { 0x19, 0x78, 0x0, 0x0a708008 },
	{ 0x19, 0x7c, 0x0, 0x0a70c008 }, { 0x19, 0xa0, 0x2, 0x0aa00216 },
};

/* Zenbleed (CVE-2023-20593): Linux zen2_zenbleed_check(), AVX parts only. */
static bool zenbleed(const struct errata_cpu *c)
{
	return errata_zen2(c) && c->avx && !has_fixed_ucode(c, zenbleed_fixed, NELEM(zenbleed_fixed));
}

/* Cyan Skillfish's unreliable RDSEED: Linux init_amd_zen2(). */
static bool cyan_skillfish(const struct errata_cpu *c)
{
	return c->family == 0x17 && c->model == 0x47 && c->stepping == 0;
}

/* Zen5 RDSEED returning zeroes with CF=1: Linux init_amd_zen5(). */
static bool zen5_rdseed(const struct errata_cpu *c)
{
	return errata_zen5(c) && !has_fixed_ucode(c, rdseed_fixed, NELEM(rdseed_fixed));
}

struct erratum {
	struct errata_fix fix;
	bool (*applies)(const struct errata_cpu *c);
};

static const struct erratum table[] = {
	/* Zen1 FPDSS: Linux init_amd_zen1(), FP_CFG[9] (DENORM_FIX). */
	{ { "zen1-fpdss", MSR_AMD64_FP_CFG, BIT64(9), 0 }, errata_zen1 },
	/* Retbleed on Zen2: Linux init_spectral_chicken(), skipped under a hypervisor. */
	{ { "zen2-spectral-chicken", MSR_ZEN2_SPECTRAL_CHICKEN, BIT64(1), 0 }, errata_zen2 },
	/* Zenbleed: DE_CFG[9] (FP_BACKUP_FIX), skipped under a hypervisor. */
	{ { "zenbleed", MSR_AMD64_DE_CFG, BIT64(9), 0 }, zenbleed },
	/* Zen2 op cache sharing: Linux init_amd_zen2() BP_CFG[33], skipped under a hypervisor. */
	{ { "zen2-opcache", MSR_ZEN4_BP_CFG, BIT64(33), 0 }, errata_zen2 },
	/* RDSEED hidden in CPUID 7 EBX[18] through its override MSR. */
	{ { "cyan-skillfish-rdseed", MSR_AMD64_CPUID_FN_7, 0, BIT64(18) }, cyan_skillfish },
	/* Erratum 1485 (Zen4 shared BTB): BP_CFG[5], skipped under a hypervisor. */
	{ { "erratum-1485", MSR_ZEN4_BP_CFG, BIT64(5), 0 }, errata_zen4 },
	{ { "zen5-rdseed", MSR_AMD64_CPUID_FN_7, 0, BIT64(18) }, zen5_rdseed },
};

_Static_assert(NELEM(table) <= 32, "errata table");

unsigned errata_select(const struct errata_cpu *c, struct errata_fix *out, unsigned max)
{
	unsigned n = 0;

	for (unsigned i = 0; i < NELEM(table) && n < max; i++)
		if (table[i].applies(c))
			out[n++] = table[i].fix;
	return n;
}

uint64_t errata_value(const struct errata_fix *f, uint64_t old)
{
	return (old | f->set) & ~f->clear;
}

/* Linux tsa_init(): Zen3 and Zen4 are affected, every other AMD family is not. */
void errata_tsa_cpuid(const struct errata_cpu *c, uint32_t *eax_or, uint32_t *ecx_or)
{
	bool zen3_4 = c->family == 0x19 && c->model <= 0xaf;

	*eax_or = zen3_4 && has_fixed_ucode(c, tsa_fixed, NELEM(tsa_fixed)) ?
		  CPUID_80000021_EAX_VERW_CLEAR : 0;
	*ecx_or = zen3_4 ? 0 : CPUID_80000021_ECX_TSA_SQ_NO | CPUID_80000021_ECX_TSA_L1_NO;
}

unsigned errata_count(void)
{
	return NELEM(table);
}

const char *errata_name(unsigned i)
{
	return i < NELEM(table) ? table[i].fix.name : "";
}
