/* SPDX-License-Identifier: MIT */
/*
 * Microcode load and errata fixes on one CPU (hv/ucode/ucode.h). The
 * decisions are pure (hv/ucode/container.c, errata.c); this file reads the
 * CPU, writes the MSRs through the fault-tolerant accessors and logs.
 * See: AMD BKDG for family 15h/16h, "MSRC001_0020 Patch Loader" and
 * "MSR0000_008B Patch Level"; Linux arch/x86/kernel/cpu/microcode/amd.c
 * (__apply_microcode_amd).
 */
#include "hv/ucode/ucode.h"

#include "hv/console.h"
#include "hv/ucode/container.h"
#include "hv/ucode/errata.h"
#include "svm/hw.h"

#define CPUID1_ECX_AVX          (1u << 28)
#define CPUID1_ECX_HYPERVISOR   (1u << 31)

static bool is_amd(void)
{
	struct cpuid_regs r;

	cpuid_count(0, 0, &r);
	/* "AuthenticAMD" in EBX, EDX, ECX */
	return r.ebx == 0x68747541u && r.edx == 0x69746e65u && r.ecx == 0x444d4163u;
}

static uint32_t patch_level(void)
{
	uint64_t v;

	return rdmsr_safe(MSR_AMD64_PATCH_LEVEL, &v) ? 0 : (uint32_t)v;
}

/*
 * Write the patch's address to PATCH_LOADER and read the level back. On
 * Zen1/2 the patch buffer's translation must not outlive the load (Linux
 * "x86/microcode/AMD: Flush patch buffer mapping after application"):
 * INVLPGA with ASID 0 drops the host's.
 */
static void load_patch(unsigned idx, const uint8_t *base, const struct ucode_scan *s,
		       uint32_t family, struct hv_ucode_result *r)
{
	uint64_t va = (uint64_t)(uintptr_t)(base + s->offset);

	if (wrmsr_safe(MSR_AMD64_PATCH_LOADER, va)) {
		hv_log(LOG_WARN, "microcode", "cpu%u: PATCH_LOADER faulted (#GP): patch 0x%x "
		       "not loaded, patch level stays 0x%x", idx, s->patch_id, r->before);
		r->after = r->before;
		return;
	}
	if (family == 0x17) {
		invlpga(va, 0);
		invlpga(va + s->size - 1, 0);
	}
	r->after = patch_level();
	r->loaded = r->after == s->patch_id;
	if (r->loaded)
		hv_log(LOG_INFO, "microcode", "cpu%u: patch level 0x%x -> 0x%x", idx, r->before,
		       r->after);
	else
		hv_log(LOG_WARN, "microcode", "cpu%u: patch 0x%x refused by the CPU: patch "
		       "level 0x%x -> 0x%x", idx, s->patch_id, r->before, r->after);
}

/* Find this CPU's patch in the container and load it if it is newer. */
static void microcode(unsigned idx, const void *container, size_t len, uint32_t eax,
		      struct hv_ucode_result *r)
{
	struct ucode_scan s = { 0 };

	r->scan = ucode_scan(container, len, eax, &s);
	if (r->scan) {
		hv_log(LOG_WARN, "microcode", "cpu%u: container rejected at offset 0x%x: %s; "
		       "nothing loaded", idx, s.err_offset, ucode_strerror(r->scan));
		return;
	}
	r->action = ucode_decide(&s, r->before);
	switch (r->action) {
	case UCODE_NO_PATCH:
		hv_log(idx ? LOG_DEBUG : LOG_INFO, "microcode", "cpu%u: no patch for CPUID "
		       "0x%x in the file (patch level 0x%x)", idx, eax, r->before);
		break;
	case UCODE_UP_TO_DATE:
		hv_log(idx ? LOG_DEBUG : LOG_INFO, "microcode", "cpu%u: patch level 0x%x, the "
		       "file's 0x%x is not newer", idx, r->before, s.patch_id);
		break;
	default:
		load_patch(idx, container, &s, ucode_family(eax), r);
	}
}

/* Apply one fix: read, set/clear, write, read back. true if it holds now. */
static bool apply_fix(unsigned idx, const struct errata_fix *f, unsigned *written)
{
	uint64_t old, now;

	if (rdmsr_safe(f->msr, &old)) {
		hv_log(LOG_WARN, "errata", "cpu%u: %s: MSR 0x%x faulted (#GP): not applied", idx,
		       f->name, f->msr);
		return false;
	}
	now = errata_value(f, old);
	if (now == old) {
		hv_log(LOG_DEBUG, "errata", "cpu%u: %s: MSR 0x%x already 0x%llx", idx, f->name,
		       f->msr, (unsigned long long)old);
		return true;
	}
	if (wrmsr_safe(f->msr, now) || rdmsr_safe(f->msr, &now) || now != errata_value(f, old)) {
		hv_log(LOG_WARN, "errata", "cpu%u: %s: MSR 0x%x 0x%llx: write refused", idx,
		       f->name, f->msr, (unsigned long long)old);
		return false;
	}
	(*written)++;
	hv_log(LOG_INFO, "errata", "cpu%u: %s: MSR 0x%x 0x%llx -> 0x%llx", idx, f->name, f->msr,
	       (unsigned long long)old, (unsigned long long)now);
	return true;
}

struct hv_ucode_result hv_ucode_cpu(unsigned idx, const void *container, size_t len)
{
	struct hv_ucode_result r = { 0 };
	struct errata_fix fixes[ERRATA_MAX];
	struct cpuid_regs id;
	struct errata_cpu c;

	r.amd = is_amd();
	if (!r.amd)
		return r;
	cpuid_count(1, 0, &id);
	if (id.ecx & CPUID1_ECX_HYPERVISOR) {
		r.under_hv = true;
		if (idx == 0)
			hv_log(LOG_INFO, "microcode", "under a hypervisor: microcode and errata "
			       "fixes are its job, none applied");
		return r;
	}
	r.before = r.after = patch_level();
	if (container && len)
		microcode(idx, container, len, id.eax, &r);
	c = (struct errata_cpu){ ucode_family(id.eax), ucode_model(id.eax),
				 ucode_stepping(id.eax), r.after, (id.ecx & CPUID1_ECX_AVX) != 0 };
	r.errata = errata_select(&c, fixes, ERRATA_MAX);
	for (unsigned i = 0; i < r.errata; i++)
		apply_fix(idx, &fixes[i], &r.errata_applied);
	cpuid_count(0x80000000u, 0, &id);
	if (id.eax >= 0x80000021u)      /* else the OS never reads the leaf: leave it */
		errata_tsa_cpuid(&c, &r.ext21_eax_or, &r.ext21_ecx_or);
	return r;
}
