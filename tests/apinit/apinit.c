/* SPDX-License-Identifier: MIT */
/*
 * apinit: a 2-CPU guest OS in miniature (an EFI application). The BSP starts
 * the other CPU twice with INIT-SIPI-SIPI (all-excluding-self shorthand):
 * first to leave that CPU's local APIC dirty ("the firmware used it": an
 * interrupt in service, one pending, a periodic timer, TPR, LDR), then as an
 * OS starting its AP. The AP records its APIC registers as INIT left them and
 * enables interrupts for a while; any interrupt it takes was left over from
 * before INIT. Checks, through tests/payload/report.c:
 *   APINIT: ok - init: <register> as INIT leaves it
 *   APINIT: ok - init: no interrupt after STI
 * Bare QEMU and svmhv must agree. See ap.asm for the AP side and the rules.
 *
 * x2APIC mode (load option `x2apic`, or the firmware left the APIC in x2APIC
 * mode, as firmware on machines with APIC IDs above 254 does): the BSP
 * switches to x2APIC (unless it is there) and every IPI goes through the ICR
 * MSR (830h). First the AP is started by its physical x2APIC ID (phase 3,
 * ap.asm): it switches to x2APIC itself, reports its IDs and sends itself
 * IPIs (the SELF IPI MSR, the ICR's self shorthand); the BSP sends it a fixed
 * IPI, an NMI, an all-excluding-self and a logical (cluster) one, and checks
 * each arrived exactly once. Then phases 1 and 2 as above, the AP started by
 * its x2APIC logical ID and then by the all-excluding-self shorthand, and
 * INIT must leave it in x2APIC mode. IDs: MSR 802h == CPUID 0Bh (and 1Fh)
 * EDX == the MADT's enabled entry, for the BSP and the AP. Lines
 * "APINIT: ok - x2apic: ...". Without x2APIC in CPUID: one SKIP line.
 *
 * Load options: `x2apic`. Powers off at the end.
 */
#include <efi.h>
#include <efilib.h>

#include "hv/hypercall.h"
#include "tests/apinit/apinit.h"
#include "tests/payload/options.h"
#include "tests/payload/payload.h"

#define MSR_APIC_BASE_NR        0x1bu
#define APIC_BASE_EXTD_BIT      (1ull << 10)
#define XAPIC                   0xfee00000ull
#define ICR_INIT                0x00004500u     /* level assert, INIT */
#define ICR_SIPI                0x00004600u     /* level assert, Startup */
#define ICR_NMI                 0x00004400u     /* level assert, NMI */
#define ICR_LOGICAL             0x00000800u
#define ICR_SELF                0x00040000u     /* shorthand 01 */
#define ICR_ALLBUT              0x000c0000u     /* shorthand 11: all excluding self */
#define MSR_X2APIC_ID           0x802u
/* Phase 3's vectors (ap.asm sends 50h and 51h to itself). */
#define V_SELF_MSR              0x50u
#define V_SELF_ICR              0x51u
#define V_FIXED                 0x52u
#define V_ALLBUT                0x53u
#define V_LOGICAL               0x54u
#define LVT_MASKED              0x00010000u
/* Generous: QEMU TCG on a loaded host may not run the AP's thread for seconds. */
#define AP_WAIT_MS              10000u
#define STI_MS                  50u

struct reg_expect {
	const char *name;
	uint32_t init;          /* the value after INIT (SDM3 10.4.7.1, 10.4.7.3) */
};

/* ap.asm reglist order. */
static const struct reg_expect regs[] = {
	{ "SVR", 0xff }, { "TPR", 0 }, { "LVT timer", LVT_MASKED },
	{ "timer initial count", 0 }, { "timer current count", 0 },
	{ "timer divide", 0 }, { "LVT thermal", LVT_MASKED },
	{ "LVT performance", LVT_MASKED }, { "LVT LINT0", LVT_MASKED },
	{ "LVT LINT1", LVT_MASKED }, { "LVT error", LVT_MASKED }, { "LDR", 0 },
	{ "DFR", 0xffffffffu },
};
#define NREGS   (sizeof(regs) / sizeof(regs[0]))
static const char *const banks[] = { "ISR", "TMR", "IRR" };

static uint8_t *P;
static uint64_t tsc_khz;
static uint64_t ap_ms;          /* how long the last start_ap() waited */
static int x2;                  /* x2APIC mode: the ICR is MSR 830h */
static uint32_t ap_id;          /* the AP's APIC ID (x2APIC mode: from the MADT) */

/* How start_ap() addresses the AP. */
enum dest { DEST_ALLBUT, DEST_PHYS, DEST_LOGICAL };
static const char *const dest_names[] = { "all-excluding-self", "physical x2APIC ID",
					  "x2APIC logical ID" };

static void cpuid4(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

static uint64_t rdtsc64(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static volatile uint32_t *mb32(unsigned off)
{
	return (volatile uint32_t *)(P + off);
}

/* An IPI: ICR low word lo, destination dest (x2APIC: 32 bits; xAPIC: 8). */
static void icr_send(uint32_t lo, uint32_t dest)
{
	volatile uint32_t *icr = (volatile uint32_t *)(uintptr_t)(XAPIC + 0x300);

	if (x2) {
		wrmsr64(MSR_X2APIC_ICR, ((uint64_t)dest << 32) | lo);
		return;
	}
	for (unsigned i = 0; i < 1000000 && (*icr & (1u << 12)); i++)
		__asm__ volatile("pause");
	*(volatile uint32_t *)(uintptr_t)(XAPIC + 0x310) = dest << 24;
	*icr = lo;
}

/* The x2APIC logical ID of an x2APIC ID: cluster, one bit (SDM3 10.12.10.2). */
static uint32_t x2apic_ldr(uint32_t id)
{
	return ((id >> 4) << 16) | (1u << (id & 0xf));
}

static void put32(unsigned off, uint32_t v)
{
	*mb32(off) = v;
}

/* GDT, far pointer and IDT for the copy at P (see apinit.h). */
static void build_tables(void)
{
	uint32_t base = (uint32_t)(uintptr_t)P;
	uint64_t *gdt = (uint64_t *)(P + AP_GDT);
	uint32_t stubs = base + (uint32_t)(ap_tramp_stubs - ap_tramp_start);

	gdt[0] = 0;
	gdt[1] = 0x00cf9a000000ffffull;         /* 32-bit code, flat */
	gdt[2] = 0x00cf92000000ffffull;         /* data, flat */
	*(volatile uint16_t *)(P + AP_GDTR) = 3 * 8 - 1;
	put32(AP_GDTR + 2, base + AP_GDT);
	put32(AP_FARPTR, base + (uint32_t)(ap_tramp_pm32 - ap_tramp_start));
	*(volatile uint16_t *)(P + AP_FARPTR + 4) = 0x08;
	*(volatile uint16_t *)(P + AP_IDTR) = 256 * 8 - 1;
	put32(AP_IDTR + 2, base + AP_IDT);
	for (unsigned v = 0; v < 256; v++) {
		uint32_t off = stubs + v * AP_STUB_SIZE;
		uint64_t g = (off & 0xffffull) | (0x08ull << 16) | (0x8eull << 40) |
			     ((uint64_t)(off >> 16) << 48);

		((uint64_t *)(P + AP_IDT))[v] = g;
	}
}

/* Polls mailbox word off until it is want (or, for the state, AP_ST_EXC). */
static uint32_t wait_for(unsigned off, uint32_t want)
{
	uint64_t t0 = rdtsc64();
	uint32_t st = 0;

	while ((rdtsc64() - t0) / tsc_khz < AP_WAIT_MS) {
		st = *mb32(off);
		if (st == want || (off == AP_MB_STATE && st == AP_ST_EXC))
			break;
		__asm__ volatile("pause");
	}
	ap_ms = (rdtsc64() - t0) / tsc_khz;
	return st;
}

/* INIT-SIPI-SIPI to the other CPU; waits for the AP to reach state want. */
static uint32_t start_ap(uint32_t phase, uint32_t want, enum dest how)
{
	uint32_t flags = how == DEST_ALLBUT ? ICR_ALLBUT : how == DEST_LOGICAL ? ICR_LOGICAL : 0;
	uint32_t dest = how == DEST_LOGICAL ? x2apic_ldr(ap_id) : ap_id;

	put32(AP_MB_PHASE, phase);
	put32(AP_MB_STATE, 0);
	icr_send(ICR_INIT | flags, dest);
	BS->Stall(10000);
	icr_send(ICR_SIPI | flags | (uint32_t)((uintptr_t)P >> 12), dest);
	BS->Stall(200);
	icr_send(ICR_SIPI | flags | (uint32_t)((uintptr_t)P >> 12), dest);
	return wait_for(AP_MB_STATE, want);
}

static void check_regs(void)
{
	for (unsigned i = 0; i < NREGS; i++) {
		uint32_t got = *mb32(AP_MB_REGS + 4 * i), want = regs[i].init;
		int ldr = regs[i].init == 0 && i == NREGS - 2;
		char name[48];

		/* x2APIC: the LDR is the logical ID its x2APIC ID gives (SDM3
		 * 10.12.10.2); there is no DFR (ap.asm stores all ones). */
		if (x2 && ldr)
			want = x2apic_ldr(ap_id);
		fmt_str(name, sizeof(name), "init: %s as INIT leaves it", regs[i].name);
		report_check(got == want, name, "0x%x, INIT leaves 0x%x", got, want);
	}
	for (unsigned b = 0; b < 3; b++) {
		unsigned nonzero = 0, first = 0;
		char name[32];

		for (unsigned w = 0; w < 8; w++) {
			uint32_t got = *mb32(AP_MB_REGS + 4 * (NREGS + 8 * b + w));

			if (got && !nonzero++)
				first = w * 32 + (unsigned)__builtin_ctz(got);
		}
		fmt_str(name, sizeof(name), "init: %s clear", banks[b]);
		report_check(!nonzero, name, "vector 0x%x (and %u words) set", first, nonzero);
	}
}

/*
 * The enabled CPUs' APIC IDs in the MADT (Processor Local APIC and Local
 * x2APIC structures, ACPI 6.5 5.2.12.2 and 5.2.12.12), through the XSDT.
 * Returns how many, or 0 without a MADT.
 */
static unsigned madt_ids(uint32_t *ids, unsigned max)
{
	EFI_GUID acpi20 = ACPI_20_TABLE_GUID;
	const uint8_t *rsdp = NULL, *xsdt, *madt = NULL;
	unsigned n = 0;
	uint32_t len;

	if (LibGetSystemConfigurationTable(&acpi20, (void **)&rsdp) != EFI_SUCCESS ||
	    !rsdp || rsdp[15] < 2)
		return 0;
	xsdt = (const uint8_t *)(uintptr_t)*(const uint64_t *)(rsdp + 24);
	len = *(const uint32_t *)(xsdt + 4);
	for (uint32_t o = 36; o + 8 <= len && !madt; o += 8) {
		const uint8_t *t = (const uint8_t *)(uintptr_t)*(const uint64_t *)(xsdt + o);

		if (t[0] == 'A' && t[1] == 'P' && t[2] == 'I' && t[3] == 'C')
			madt = t;
	}
	if (!madt)
		return 0;
	len = *(const uint32_t *)(madt + 4);
	for (uint32_t o = 44; o + 2 <= len && madt[o + 1] >= 2 && n < max; o += madt[o + 1]) {
		const uint8_t *e = madt + o;

		if (e[0] == 0 && e[1] >= 8 && (e[4] & 1))
			ids[n++] = e[3];
		else if (e[0] == 9 && e[1] >= 16 && (*(const uint32_t *)(e + 8) & 1))
			ids[n++] = *(const uint32_t *)(e + 4);
	}
	return n;
}

static int in_madt(const uint32_t *ids, unsigned n, uint32_t id)
{
	for (unsigned i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

/* The CPU's x2APIC ID as CPUID 0Bh and, where the CPU has it, 1Fh say. */
static uint32_t cpuid_x2id(uint32_t *leaf1f)
{
	uint32_t r[4];

	cpuid4(0, 0, r);
	*leaf1f = ~0u;
	if (r[0] >= 0x1f) {
		cpuid4(0x1f, 0, r);
		*leaf1f = r[3];
	}
	cpuid4(0xb, 0, r);
	return r[3];
}

/*
 * x2APIC mode, before the AP is started: the BSP in x2APIC (switched here
 * unless the firmware did), its IDs, the AP's ID from the MADT.
 * Returns 0 to go on.
 */
static int x2_setup(int fw_x2)
{
	uint32_t ids[8], r[4], id, b, f;
	unsigned n;

	cpuid4(1, 0, r);
	if (!(r[2] & CPUID_1_ECX_X2APIC)) {
		report_ok("x2apic: the BSP in x2APIC mode # SKIP no x2APIC (CPUID 1 ECX[21] clear)");
		return -1;
	}
	if (fw_x2) {
		report_diag("the firmware left the APIC in x2APIC mode");
	} else {
		wrmsr64(MSR_APIC_BASE_NR, rdmsr64(MSR_APIC_BASE_NR) | APIC_BASE_EXTD_BIT);
		if (!report_check(rdmsr64(MSR_APIC_BASE_NR) & APIC_BASE_EXTD_BIT,
				  "x2apic: the BSP switched to x2APIC mode (IA32_APIC_BASE.EXTD)",
				  "IA32_APIC_BASE 0x%lx", rdmsr64(MSR_APIC_BASE_NR)))
			return -1;
	}
	x2 = 1;
	id = (uint32_t)rdmsr64(MSR_X2APIC_ID);
	b = cpuid_x2id(&f);
	n = madt_ids(ids, 8);
	report_check(id == b && (f == ~0u || f == id) && id == r[1] >> 24,
		     "x2apic: BSP x2APIC ID (MSR 802h) == CPUID 0Bh/1Fh EDX == CPUID 1 EBX[31:24]",
		     "MSR 0x%x, 0Bh 0x%x, 1Fh 0x%x, CPUID 1 0x%x", id, b, f, r[1] >> 24);
	if (!report_check(n == 2 && in_madt(ids, n, id), "x2apic: the MADT lists the BSP and one AP",
			  "%u enabled CPUs, BSP 0x%x %s", n, id, in_madt(ids, n, id) ? "listed" : "not listed"))
		return -1;
	ap_id = ids[0] == id ? ids[1] : ids[0];
	report_diag("x2APIC IDs: BSP 0x%x, AP 0x%x (MADT); CPUID 1Fh %s", id, ap_id,
		    f == ~0u ? "absent" : "present");
	return 0;
}

/* VMMCALL: RAX = function, RBX/RCX/RDX in and out; returns RAX. */
static uint64_t hcall(uint64_t fn, uint64_t *b, uint64_t *c, uint64_t *d)
{
	__asm__ volatile("vmmcall" : "+a"(fn), "+b"(*b), "+c"(*c), "+d"(*d) :: "memory");
	return fn;
}

/*
 * Under svmhv (its CPUID signature): both CPUs are its vCPUs, the AP is
 * running or waiting for a SIPI (never outside svmhv), the BSP's WRMSRs
 * exited to svmhv (the ICR is intercepted), and no INIT reached the
 * hardware (INIT/SIPI emulated).
 */
static void x2_svmhv(void)
{
	uint64_t b = 0, c = 0, d = 0, st, ap, msr, inits;
	uint32_t r[4];

	cpuid4(0x40000000u, 0, r);
	if (r[1] != SVMHV_SIG_EBX || r[2] != SVMHV_SIG_ECX)
		return;
	st = hcall(SVMHV_HC_VCPU_INFO, &b, &c, &d);
	report_check(st == 0 && c == 2, "x2apic: svmhv runs both CPUs",
		     "status %lx, %lu vCPUs", st, c);
	b = 1;
	st = hcall(SVMHV_HC_VCPU_STATE, &b, &c, &d);
	ap = b;
	report_check(st == 0 && ap <= 1 && c == ap_id, "x2apic: the AP is svmhv's vCPU 1 (running or waiting)",
		     "status %lx, state %lu, APIC ID 0x%lx", st, ap, c);
	b = 0xffffffffu;
	c = 0x7c;       /* VMEXIT_MSR */
	st = hcall(SVMHV_HC_EXIT_COUNT, &b, &c, &d);
	msr = d;
	b = SVMHV_ISO_INIT_EXITS;
	hcall(SVMHV_HC_ISO_COUNTER, &b, &c, &d);
	inits = d;
	report_check(st == 0 && msr >= 7 && inits == 0,
		     "x2apic: svmhv intercepted the ICR MSR; no INIT reached the hardware",
		     "%lu MSR exits on the BSP (>= 7 ICR writes), %lu physical INITs", msr, inits);
}

/* Phase 3: the AP's IDs, its self-IPIs, then one IPI of each kind from here. */
static int x2_ipis(void)
{
	static const struct { const char *name; uint32_t lo; uint32_t vec; int logical; } kinds[] = {
		{ "fixed, physical", V_FIXED, V_FIXED, 0 },
		{ "NMI, physical", ICR_NMI, VEC_NMI, 0 },
		{ "fixed, all-excluding-self", ICR_ALLBUT | V_ALLBUT, V_ALLBUT, 0 },
		{ "fixed, logical (cluster)", ICR_LOGICAL | V_LOGICAL, V_LOGICAL, 1 },
	};
	uint32_t st = start_ap(3, AP_ST_X2_READY, DEST_PHYS), id, f;
	char name[80];

	if (!report_check(st == AP_ST_X2_READY,
			  "x2apic: INIT-SIPI-SIPI by physical x2APIC ID (ICR MSR) started the AP",
			  "AP state 0x%x, exception %u after %lu ms", st, *mb32(AP_MB_EXC), ap_ms))
		return -1;
	report_check(*mb32(AP_MB_APICBASE + 4 * 3) & 0x800, "x2apic: the AP's APIC is enabled at start",
		     "IA32_APIC_BASE 0x%x", *mb32(AP_MB_APICBASE + 4 * 3));
	id = *mb32(AP_MB_X2ID);
	f = *mb32(AP_MB_CPUID1F);
	report_check(id == ap_id && *mb32(AP_MB_CPUIDB) == id && (f == ~0u || f == id) &&
		     *mb32(AP_MB_CPUID1) >> 24 == (id & 0xff),
		     "x2apic: AP x2APIC ID (MSR 802h) == CPUID 0Bh/1Fh EDX == MADT",
		     "MSR 0x%x, 0Bh 0x%x, 1Fh 0x%x, CPUID 1 0x%x, MADT 0x%x", id,
		     *mb32(AP_MB_CPUIDB), f, *mb32(AP_MB_CPUID1) >> 24, ap_id);
	report_check(wait_for(AP_MB_COUNTS + 4 * V_SELF_MSR, 1) == 1,
		     "x2apic: self-IPI through the SELF IPI MSR (83Fh) taken", "vector 0x%x: %u",
		     V_SELF_MSR, *mb32(AP_MB_COUNTS + 4 * V_SELF_MSR));
	report_check(wait_for(AP_MB_COUNTS + 4 * V_SELF_ICR, 1) == 1,
		     "x2apic: self-IPI through the ICR's self shorthand taken", "vector 0x%x: %u",
		     V_SELF_ICR, *mb32(AP_MB_COUNTS + 4 * V_SELF_ICR));
	for (unsigned k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		icr_send(kinds[k].lo, kinds[k].logical ? x2apic_ldr(ap_id) : ap_id);
		fmt_str(name, sizeof(name), "x2apic: %s IPI to the AP taken", kinds[k].name);
		report_check(wait_for(AP_MB_COUNTS + 4 * kinds[k].vec, 1) == 1, name,
			     "vector 0x%x: %u after %lu ms", kinds[k].vec,
			     *mb32(AP_MB_COUNTS + 4 * kinds[k].vec), ap_ms);
	}
	BS->Stall(20000);       /* a duplicate would arrive meanwhile */
	put32(AP_MB_STOP, 1);
	st = wait_for(AP_MB_STATE, AP_ST_X2_DONE);
	report_check(st == AP_ST_X2_DONE, "x2apic: the AP stopped", "AP state 0x%x", st);
	{
		uint32_t total = 0, want = 6;

		for (unsigned v = 0; v < 256; v++)
			total += *mb32(AP_MB_COUNTS + 4 * v);
		report_check(total == want, "x2apic: each IPI taken once, nothing else",
			     "%u interrupts and NMIs, %u sent", total, want);
	}
	for (unsigned v = 0; v < 256; v++)
		put32(AP_MB_COUNTS + 4 * v, 0);
	put32(AP_MB_IRQS, 0);
	x2_svmhv();
	return 0;
}

static void run(EFI_HANDLE image)
{
	EFI_PHYSICAL_ADDRESS pa = 0x9ffff;
	uint64_t t0 = rdtsc64();
	char opts[OPT_MAX];
	int fw_x2;
	uint32_t st;

	BS->Stall(20000);
	tsc_khz = (rdtsc64() - t0) / 20;
	options_text(image, opts);
	fw_x2 = (rdmsr64(MSR_APIC_BASE_NR) & APIC_BASE_EXTD_BIT) != 0;
	if ((fw_x2 || options_has(opts, "x2apic")) && x2_setup(fw_x2))
		return;
	if (BS->AllocatePages(AllocateMaxAddress, EfiLoaderCode, AP_PAGES, &pa) != EFI_SUCCESS) {
		report_fail("init: pages below 1 MiB", "AllocatePages failed");
		return;
	}
	P = (uint8_t *)(uintptr_t)pa;
	for (unsigned i = 0; i < AP_PAGES * 4096; i++)
		P[i] = 0;
	for (unsigned i = 0; i < (unsigned)(ap_tramp_end - ap_tramp_start); i++)
		P[i] = ap_tramp_start[i];
	build_tables();
	*(volatile uint64_t *)(P + AP_MB_WAIT) = tsc_khz * STI_MS;
	put32(AP_MB_X2, (uint32_t)x2);
	report_diag("trampoline at 0x%lx, TSC %lu kHz", (uint64_t)pa, tsc_khz);
	if (x2 && x2_ipis())
		return;
	st = start_ap(1, AP_ST_DIRTY, x2 ? DEST_LOGICAL : DEST_ALLBUT);
	if (!report_check(st == AP_ST_DIRTY, "init: the AP left its APIC dirty (phase 1)",
			  "AP state 0x%x, exception %u after %lu ms (INIT-SIPI-SIPI %s)", st,
			  *mb32(AP_MB_EXC), ap_ms, dest_names[x2 ? DEST_LOGICAL : DEST_ALLBUT]))
		return;
	report_diag("phase 1: the AP was done after %lu ms", ap_ms);
	st = start_ap(2, AP_ST_DONE, DEST_ALLBUT);
	if (!report_check(st == AP_ST_DONE, "init: the AP ran again after INIT-SIPI-SIPI",
			  "AP state 0x%x, exception %u, %u interrupts (last 0x%x) after %lu ms", st,
			  *mb32(AP_MB_EXC), *mb32(AP_MB_IRQS), *mb32(AP_MB_LASTVEC), ap_ms))
		return;
	report_diag("phase 2: the AP was done after %lu ms", ap_ms);
	if (x2) {
		uint32_t b1 = *mb32(AP_MB_APICBASE + 4 * 1), b2 = *mb32(AP_MB_APICBASE + 4 * 2);

		report_check((b1 & 0xc00) == 0xc00 && (b2 & 0xc00) == 0xc00,
			     "x2apic: the AP is still in x2APIC mode after INIT (phases 1 and 2)",
			     "IA32_APIC_BASE 0x%x, 0x%x", b1, b2);
	}
	check_regs();
	report_check(*mb32(AP_MB_IRQS) == 0, "init: no interrupt after STI",
		     "%u interrupts, last vector 0x%x", *mb32(AP_MB_IRQS), *mb32(AP_MB_LASTVEC));
	report_check(*mb32(AP_MB_COUNTS + 4 * VEC_NMI) == 0, "init: no NMI",
		     "%u NMIs", *mb32(AP_MB_COUNTS + 4 * VEC_NMI));
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	InitializeLib(image, systab);
	report_set_prefix("APINIT: ");
	report_init(conout_line);
	ST->ConOut->OutputString(ST->ConOut, L"\r\n");
	run(image);
	report_done();
	RT->ResetSystem(EfiResetShutdown, EFI_SUCCESS, 0, NULL);
	return EFI_SUCCESS;
}
