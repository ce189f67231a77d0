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
 * Load options: none. Powers off at the end.
 */
#include <efi.h>
#include <efilib.h>

#include "tests/apinit/apinit.h"
#include "tests/payload/payload.h"

#define MSR_APIC_BASE_NR        0x1bu
#define APIC_BASE_EXTD_BIT      (1ull << 10)
#define XAPIC                   0xfee00000ull
#define ICR_INIT_ALLBUT         0x000c4500u     /* all-but-self, level assert, INIT */
#define ICR_SIPI_ALLBUT         0x000c4600u     /* all-but-self, level assert, SIPI */
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

static void write_line(const char *line)
{
	CHAR16 buf[PAYLOAD_LINE_MAX + 3];
	size_t n = 0;

	while (n < PAYLOAD_LINE_MAX && line[n]) {
		buf[n] = (CHAR16)(uint8_t)line[n];
		n++;
	}
	buf[n++] = L'\r';
	buf[n++] = L'\n';
	buf[n] = 0;
	ST->ConOut->OutputString(ST->ConOut, buf);
}

static uint64_t rdmsr64(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
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

static void icr_send(uint32_t lo)
{
	volatile uint32_t *icr = (volatile uint32_t *)(uintptr_t)(XAPIC + 0x300);

	for (unsigned i = 0; i < 1000000 && (*icr & (1u << 12)); i++)
		__asm__ volatile("pause");
	*(volatile uint32_t *)(uintptr_t)(XAPIC + 0x310) = 0;
	*icr = lo;
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

/* INIT-SIPI-SIPI to the other CPU; waits for the AP to reach state want. */
static uint32_t start_ap(uint32_t phase, uint32_t want)
{
	uint64_t t0;
	uint32_t st = 0;

	put32(AP_MB_PHASE, phase);
	put32(AP_MB_STATE, 0);
	icr_send(ICR_INIT_ALLBUT);
	BS->Stall(10000);
	icr_send(ICR_SIPI_ALLBUT | (uint32_t)((uintptr_t)P >> 12));
	BS->Stall(200);
	icr_send(ICR_SIPI_ALLBUT | (uint32_t)((uintptr_t)P >> 12));
	t0 = rdtsc64();
	while ((rdtsc64() - t0) / tsc_khz < AP_WAIT_MS) {
		st = *mb32(AP_MB_STATE);
		if (st == want || st == AP_ST_EXC)
			break;
		__asm__ volatile("pause");
	}
	ap_ms = (rdtsc64() - t0) / tsc_khz;
	return st;
}

static void check_regs(void)
{
	for (unsigned i = 0; i < NREGS; i++) {
		uint32_t got = *mb32(AP_MB_REGS + 4 * i);
		char name[48];

		fmt_str(name, sizeof(name), "init: %s as INIT leaves it", regs[i].name);
		report_check(got == regs[i].init, name, "0x%x, INIT leaves 0x%x", got,
			     regs[i].init);
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

static void run(void)
{
	EFI_PHYSICAL_ADDRESS pa = 0x9ffff;
	uint64_t t0 = rdtsc64();
	uint32_t st;

	BS->Stall(20000);
	tsc_khz = (rdtsc64() - t0) / 20;
	if (rdmsr64(MSR_APIC_BASE_NR) & APIC_BASE_EXTD_BIT) {
		report_ok("init: the APIC is in x2APIC mode # SKIP the trampoline uses xAPIC");
		return;
	}
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
	report_diag("trampoline at 0x%lx, TSC %lu kHz", (uint64_t)pa, tsc_khz);
	st = start_ap(1, AP_ST_DIRTY);
	if (!report_check(st == AP_ST_DIRTY, "init: the AP left its APIC dirty (phase 1)",
			  "AP state 0x%x, exception %u after %lu ms", st, *mb32(AP_MB_EXC), ap_ms))
		return;
	report_diag("phase 1: the AP was done after %lu ms", ap_ms);
	st = start_ap(2, AP_ST_DONE);
	if (!report_check(st == AP_ST_DONE, "init: the AP ran again after INIT-SIPI-SIPI",
			  "AP state 0x%x, exception %u, %u interrupts (last 0x%x) after %lu ms", st,
			  *mb32(AP_MB_EXC), *mb32(AP_MB_IRQS), *mb32(AP_MB_LASTVEC), ap_ms))
		return;
	report_diag("phase 2: the AP was done after %lu ms", ap_ms);
	check_regs();
	report_check(*mb32(AP_MB_IRQS) == 0, "init: no interrupt after STI",
		     "%u interrupts, last vector 0x%x", *mb32(AP_MB_IRQS), *mb32(AP_MB_LASTVEC));
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	InitializeLib(image, systab);
	report_set_prefix("APINIT: ");
	report_init(write_line);
	ST->ConOut->OutputString(ST->ConOut, L"\r\n");
	run();
	report_done();
	RT->ResetSystem(EfiResetShutdown, EFI_SUCCESS, 0, NULL);
	return EFI_SUCCESS;
}
