/* SPDX-License-Identifier: MIT */
/*
 * Attacks from L1: l1hv itself at CPL 0, with SVM on (nested=1). MSRs the
 * policy refuses or checks, addresses svmhv must not touch, illegal state.
 * The "old:" line of each case is what svmhv did before issue 12, measured
 * by this suite against that build under QEMU 7.2 TCG (see tests/README.md).
 */
#include "hv/hypercall.h"
#include "tests/attack/attack.h"

#define GP              VEC_GP
#define NONE            PROBE_NO_FAULT

enum how { RD, WR, WR_OR };

struct msr_case {
	const char *name;
	uint32_t msr;
	enum how how;
	uint64_t val;           /* WR: the value; WR_OR: bits or'ed into what it reads */
	unsigned want;
};

/*
 * old (every one): the access went to the hardware. Under QEMU's TCG an
 * unknown MSR reads 0 and drops writes, so the guest saw no fault; on a real
 * machine TOM2/SYSCFG/HWCR/SMI writes change the machine under svmhv, and a
 * #GP there (a reserved bit) was a host #GP: svmhv's panic.
 */
static const struct msr_case msr_cases[] = {
	{ "l1: RDMSR FEATURE_CONTROL (unlisted) -> #GP", 0x3au, RD, 0, GP },
	{ "l1: WRMSR TOM2 (memory above 4G) -> #GP", 0xc001001du, WR_OR, 1ull << 32, GP },
	{ "l1: WRMSR TOM (memory below 4G) -> #GP", 0xc001001au, WR_OR, 1ull << 27, GP },
	{ "l1: WRMSR SYSCFG.MemEncryptionModEn -> #GP", 0xc0010010u, WR_OR, 1ull << 23, GP },
	{ "l1: WRMSR HWCR.McStatusWrEn -> #GP", 0xc0010015u, WR_OR, 1ull << 18, GP },
	{ "l1: WRMSR SMI trigger (0xc0010056) -> #GP", 0xc0010056u, WR, 1, GP },
	{ "l1: WRMSR MMIO_CONF_BASE -> #GP", 0xc0010058u, WR, 0xe0000021ull, GP },
	{ "l1: WRMSR P-state definition -> #GP", 0xc0010064u, WR_OR, 1ull << 63, GP },
	{ "l1: WRMSR microcode PATCH_LOADER -> ignored", 0xc0010020u, WR, 0x1000, NONE },
	{ "l1: RDMSR PATCH_LOADER -> #GP", 0xc0010020u, RD, 0, GP },
	{ "l1: WRMSR PAT with reserved type 2 -> #GP", 0x277u, WR, 0x0007040600070402ull, GP },
	{ "l1: WRMSR APIC_BASE reserved bit 0 -> #GP", 0x1bu, WR_OR, 1, GP },
	{ "l1: WRMSR APIC_BASE moving the page -> #GP", 0x1bu, WR_OR, 1ull << 24, GP },
	/* INIT level de-assert, all-including-self: old svmhv "sent" it as an x2APIC IPI. */
	{ "l1: WRMSR x2APIC ICR in xAPIC mode -> #GP", 0x830u, WR, 0xc8500, GP },
	{ "l1: WRMSR PERF_CTL0 Host-only -> #GP", 0xc0010000u, WR, (1ull << 41) | 0x76, GP },
	{ "l1: WRMSR DEBUGCTL.LBR -> #GP", 0x1d9u, WR, 1, GP },
	{ "l1: RDMSR IBS fetch control -> #GP", 0xc0011030u, RD, 0, GP },
	{ "l1: RDMSR SVM_KEY -> #GP", 0xc0010118u, RD, 0, GP },
	{ "l1: WRMSR VM_CR.SVMDIS -> ignored", 0xc0010114u, WR, 1ull << 4, NONE },
};

static unsigned msr_attack(const struct msr_case *c)
{
	uint64_t cur = 0;
	unsigned v;

	probe_begin();
	switch (c->how) {
	case RD:
		v = probe_rdmsr(c->msr, &cur);
		break;
	case WR:
		v = probe_wrmsr(c->msr, c->val);
		break;
	default:
		v = probe_rdmsr(c->msr, &cur);
		if (v == NONE)
			v = probe_wrmsr(c->msr, cur | c->val);
		break;
	}
	probe_end();
	return v;
}

/* SPEC_CTRL: virtualized when the CPU has it, else #GP like the hardware. */
static void spec_ctrl(void)
{
	uint32_t r[4];
	unsigned v, want;

	cpuid(0x80000008u, 0, r);
	want = (r[1] & ((1u << 14) | (1u << 24))) ? NONE : GP;
	probe_begin();
	v = probe_wrmsr(0x48, (r[1] & (1u << 24)) ? 4 : 1);
	if (v == NONE)
		probe_wrmsr(0x48, 0);
	probe_end();
	/* old: passed to the hardware (TCG: dropped); svmhv then ran with the guest's value. */
	attack_report(v == want, want == GP ? "l1: WRMSR SPEC_CTRL without SPEC_CTRL -> #GP" :
		      "l1: WRMSR SPEC_CTRL -> virtualized", "got %s", vector_name(v));
}

/*
 * old: MTRRs passed through: write-combining over svmhv's memory weakens
 * the ordering of its cross-CPU protocols. Now #GP, and the MTRR keeps its value.
 */
static void mtrr_over_svmhv(void)
{
	const char *name = "l1: WRMSR MTRR making svmhv's memory write-combining -> #GP";
	uint64_t cap = 0, base0 = 0, mask0 = 0, after = 0, span = 2ull << 20, m;
	unsigned vb, vm;

	if (!L.svmhv_base) {
		report_fail(name, "no MEMINFO");
		return;
	}
	m = (~(span - 1) & ((1ull << attack_gpa_bits()) - 1)) | (1ull << 11);
	probe_begin();
	probe_rdmsr(0xfe, &cap);
	probe_rdmsr(0x20e, &base0);
	probe_rdmsr(0x20f, &mask0);
	vb = probe_wrmsr(0x20f, 0);                     /* pair 7 off while we set it */
	if (vb == NONE)
		vb = probe_wrmsr(0x20e, (L.svmhv_base & ~(span - 1)) | 1);
	vm = probe_wrmsr(0x20f, m);
	probe_rdmsr(0x20f, &after);
	probe_wrmsr(0x20e, base0);
	probe_wrmsr(0x20f, mask0);
	probe_end();
	if ((cap & 0xff) < 8)
		report_skip(name, "fewer than 8 variable MTRRs");
	else
		attack_report(vb == NONE && vm == GP && after == 0, name,
			      "base write %s, mask write %s, mask now 0x%lx", vector_name(vb),
			      vector_name(vm), after);
}

/* APIC disabled, then enabled again: virtual for svmhv, real for the guest's reads. */
static void apic_disable(void)
{
	uint64_t base = 0, off = 0, back = 0;
	unsigned v1, v2;

	probe_begin();
	probe_rdmsr(0x1b, &base);
	v1 = probe_wrmsr(0x1b, base & ~(1ull << 11));
	probe_rdmsr(0x1b, &off);
	v2 = probe_wrmsr(0x1b, base);
	probe_rdmsr(0x1b, &back);
	probe_end();
	/* old: the disable went to the hardware: svmhv's kick NMIs could no longer land. */
	attack_report(v1 == NONE && v2 == NONE && !(off & (1ull << 11)) && back == base,
		      "l1: APIC globally disabled and re-enabled -> reads as written, svmhv keeps its kicks",
		      "%s/%s, off 0x%lx back 0x%lx", vector_name(v1), vector_name(v2), off, back);
}

/* The xAPIC registers a disable (EN = 0) resets and the firmware still needs. */
static const unsigned kept_regs[] = { 0x80, 0xf0, 0x320, 0x350, 0x360, 0x370, 0x3e0 };

/*
 * x2APIC mode, then a 4-byte store to the xAPIC page's APIC ID register:
 * in x2APIC mode the APIC has no MMIO (APM2 16.11), the store goes nowhere.
 * old: svmhv performed it with WRMSR 0x802, which #GPs on the read-only
 * ID register in host mode: PANIC. Then back to xAPIC, through disabled.
 */
static void x2apic_mmio_store(void)
{
	const char *name = "l1: x2APIC mode, store to the xAPIC page -> dropped, ID unchanged";
	volatile uint32_t *mmio = (volatile uint32_t *)0xfee00000ull;
	uint32_t r[4], kept[7];
	uint64_t base = 0, id0 = 0, id1 = 0;
	unsigned v[4] = { NONE, NONE, NONE, NONE };

	cpuid(1, 0, r);
	if (!(r[2] & (1u << 21))) {
		report_skip(name, "no x2APIC on this CPU (QEMU 7.2's TCG)");
		return;
	}
	probe_begin();
	probe_rdmsr(0x1b, &base);
	for (unsigned i = 0; i < 7; i++)
		kept[i] = mmio[kept_regs[i] / 4];
	v[0] = probe_wrmsr(0x1b, base | (1ull << 10));
	probe_rdmsr(0x802, &id0);
	v[1] = probe_write32(0xfee00020ull, 0x5a000000u);
	probe_rdmsr(0x802, &id1);
	v[2] = probe_wrmsr(0x1b, base & ~(3ull << 10));
	v[3] = probe_wrmsr(0x1b, base);
	for (unsigned i = 0; i < 7; i++)
		mmio[kept_regs[i] / 4] = kept[i];
	probe_end();
	attack_report(v[0] == NONE && v[1] == NONE && v[2] == NONE && v[3] == NONE && id0 == id1,
		      name, "%s %s %s %s, x2APIC ID 0x%lx then 0x%lx", vector_name(v[0]),
		      vector_name(v[1]), vector_name(v[2]), vector_name(v[3]), id0, id1);
}

void attack_l1_msrs(void)
{
	for (unsigned i = 0; i < sizeof(msr_cases) / sizeof(msr_cases[0]); i++) {
		unsigned v;

		if (msr_cases[i].msr == 0x1bu && attack_option("skip=apicbase"))
			continue;
		v = msr_attack(&msr_cases[i]);
		attack_report(v == msr_cases[i].want, msr_cases[i].name, "got %s",
			      vector_name(v));
	}
	spec_ctrl();
	mtrr_over_svmhv();
	apic_disable();
	x2apic_mmio_store();
}
