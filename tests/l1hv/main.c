/* SPDX-License-Identifier: MIT */
/*
 * l1hv's EFI side: options, the environment (svmhv or bare, QEMU TCG or
 * not, SVM features), memory, TSC calibration; then the scenarios
 * (scenarios.c), the summary and power-off. See l1hv.h for the output.
 *
 * Load options (whitespace-separated words; svmhv's `args=` or a shell line):
 *   expect=svmhv   svmhv must be underneath (its CPUID signature)
 *   expect=bare    svmhv must NOT be underneath
 *   noreset        return to the caller instead of powering off
 *   host=tcg       the CPU underneath is QEMU's TCG: its known bugs are skipped. Needed
 *                  under svmhv on a named model (EPYC-Rome ...), whose brand string is
 *                  not QEMU's and whose 0x40000000 signature is svmhv's
 *   run=attack     tests/attack's attacks instead of the scenarios ("ATTACK: " lines)
 *   run=fuzz       tests/attack's vmcb12 fuzzer
 *   run=triple     an L1 triple fault (svmhv's shutdown= handling)
 *   run=bench      only the nested round-trip loop (scripts/bench-nested.sh)
 */
#include <efi.h>
#include <efilib.h>

#include "hv/hypercall.h"
#include "tests/l1hv/l1hv.h"
#include "tests/payload/options.h"

#define DATA_PAGES      (1 + 3 + 2 + 1 + 1 + 1 + NR_GUESTS * 2 + NR_SCRATCH + 1)
#define CODE_PAGES      4

struct l1hv L;
const char *l1hv_options = "";

enum expect { EXPECT_ANY, EXPECT_SVMHV, EXPECT_BARE };

/* LoadOptions: expect=svmhv, expect=bare, noreset. */
static void parse_options(EFI_HANDLE image, enum expect *expect, int *noreset, char *text)
{
	options_text(image, text);
	if (options_has(text, "expect=svmhv"))
		*expect = EXPECT_SVMHV;
	else if (options_has(text, "expect=bare"))
		*expect = EXPECT_BARE;
	*noreset = options_has(text, "noreset");
}

/* CPUID brand string 8000_0002..4 into out[49]. */
static void brand(char *out)
{
	uint32_t r[4];

	cpuid(0x80000000u, 0, r);
	out[0] = 0;
	if (r[0] < 0x80000004u)
		return;
	for (uint32_t leaf = 0; leaf < 3; leaf++) {
		cpuid(0x80000002u + leaf, 0, r);
		mem_copy(out + 16 * leaf, r, 16);
	}
	out[48] = 0;
	for (int i = 0; i < 48; i++)
		if (out[i] && (out[i] < 0x20 || out[i] > 0x7e))
			out[i] = '?';
}

static int contains(const char *s, const char *w)
{
	size_t n = str_len(w);

	for (; *s; s++)
		if (mem_eq(s, w, n))
			return 1;
	return 0;
}

static void detect(enum expect expect)
{
	uint32_t r[4];
	char b[49];
	struct hcall h;

	cpuid(SVMHV_CPUID_BASE, 0, r);
	L.under_svmhv = r[1] == SVMHV_SIG_EBX && r[2] == SVMHV_SIG_ECX && r[3] == SVMHV_SIG_EDX;
	brand(b);
	/* QEMU TCG: its brand string (-cpu max), its own 0x40000000 signature (bare), or host=tcg. */
	L.qemu_tcg = options_has(l1hv_options, "host=tcg") || contains(b, "QEMU TCG") ||
		     (r[1] == 0x54474354u && r[2] == 0x43544743u && r[3] == 0x47435447u);
	report_diag("cpu \"%s\"%s, svmhv %s", b, L.qemu_tcg ? " (QEMU TCG: known bugs skip)" : "",
		    L.under_svmhv ? "present" : "absent");
	if (expect == EXPECT_SVMHV)
		report_check(L.under_svmhv, "env: svmhv underneath (expect=svmhv)",
			     "no svmhv CPUID signature at 0x40000000");
	else if (expect == EXPECT_BARE)
		report_check(!L.under_svmhv, "env: no svmhv underneath (expect=bare)",
			     "svmhv CPUID signature found");
	if (L.under_svmhv) {
		probe_begin();
		if (hc_call(SVMHV_HC_MEMINFO, 0, 0, 0, &h) == 0) {
			L.svmhv_base = h.rbx;
			L.svmhv_size = h.rcx;
		}
		probe_end();
		report_diag("svmhv memory 0x%lx size 0x%lx", L.svmhv_base, L.svmhv_size);
	}
}

static void *alloc_pages(EFI_MEMORY_TYPE type, UINTN n)
{
	EFI_PHYSICAL_ADDRESS pa = 0;

	if (BS->AllocatePages(AllocateAnyPages, type, n, &pa) != EFI_SUCCESS)
		return NULL;
	mem_zero((void *)pa, n * 4096);
	return (void *)pa;
}

static int setup_memory(void)
{
	uint8_t *d = alloc_pages(EfiBootServicesData, DATA_PAGES);

	/* Executable for sure: firmware NX policies spare EfiLoaderCode. */
	L.code = alloc_pages(EfiLoaderCode, CODE_PAGES);
	L.npt_pool = alloc_pages(EfiBootServicesData, NPT_POOL_PAGES);
	L.user = alloc_pages(EfiBootServicesData, USER_PAGES);
	if (!d || !L.code || !L.npt_pool || !L.user)
		return -1;
	if (l2_off(l2_blob_end) > CODE_PAGES * 4096)
		return -1;
	mem_copy(L.code, l2_blob_start, (size_t)l2_off(l2_blob_end));
	L.hsave = d;
	d += 4096;
	L.iopm = d;
	d += 3 * 4096;
	L.msrpm = d;
	d += 2 * 4096;
	L.l2_idt = (struct idt_gate64 *)d;
	d += 4096;
	L.irq_idt = (struct idt_gate64 *)d;
	d += 4096;
	L.tmpl = (struct vmcb *)d;
	d += 4096;
	for (unsigned i = 0; i < NR_GUESTS; i++) {
		L.vmcb[i] = (struct vmcb *)d;
		d += 4096;
		L.stack[i] = d;
		d += 4096;
	}
	for (unsigned i = 0; i < NR_SCRATCH; i++) {
		L.scratch[i] = d;
		d += 4096;
	}
	L.counters = (volatile uint64_t *)d;
	return 0;
}

/* TSC ticks per ms over a 20 ms BS->Stall. */
static void calibrate_tsc(void)
{
	uint64_t t0 = rdtsc();

	BS->Stall(20000);
	L.tsc_khz = (rdtsc() - t0) / 20;
}

static void save_fw_idt(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr;

	__asm__ volatile("sidt %0" : "=m"(idtr));
	L.fw_idt_base = idtr.base;
	L.fw_idt_limit = idtr.limit;
}

/* CPUID 8000_0001 ECX[2] (SVM) and 8000_000A; 0 if SVM is offered. */
static int check_svm_cpuid(void)
{
	uint32_t r[4];

	cpuid(0x80000001u, 0, r);
	if (!report_check(r[2] & (1u << 2), "svm: CPU offers SVM (CPUID 8000_0001.ECX[2])",
			  "ECX=0x%x: no SVM for L1, no scenario can run", r[2]))
		return -1;
	cpuid(0x8000000au, 0, r);
	L.nasids = r[1];
	L.svm_features = r[3];
	report_diag("8000_000A: rev %u, %u ASIDs, features EDX=0x%x", r[0] & 0xff, r[1], r[3]);
	cpuid(0x80000008u, 0, r);
	L.maxphyaddr = r[0] & 0xff;
	return 0;
}

/* Called by GNU-EFI's crt0 (SysV ABI) after self-relocation. */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	enum expect expect = EXPECT_ANY;
	int noreset = 0;
	char text[OPT_MAX];
	uint64_t t0 = rdtsc();

	InitializeLib(image, systab);
	parse_options(image, &expect, &noreset, text);
	l1hv_options = text;
	/* tests/attack runs as l1hv with run=attack|fuzz|triple: its own prefix. */
	report_set_prefix(options_has(text, "run=attack") || options_has(text, "run=fuzz") ||
			  options_has(text, "run=triple") ? "ATTACK: " : "L1HV: ");
	report_init(conout_line);
	ST->ConOut->OutputString(ST->ConOut, L"\r\n");
	report_diag("l1hv guest hypervisor, options \"%s\"", text);
	detect(expect);
	if (check_svm_cpuid() == 0) {
		if (setup_memory() == 0) {
			calibrate_tsc();
			save_fw_idt();
			report_diag("TSC %lu kHz; L2 code at 0x%lx, %lu bytes", L.tsc_khz,
				    (uint64_t)L.code, l2_off(l2_blob_end));
			if (options_has(text, "run=attack"))
				run_attacks();
			else if (options_has(text, "run=fuzz"))
				run_fuzz();
			else if (options_has(text, "run=triple"))
				run_fatal("triple");
			else if (options_has(text, "run=bench"))
				run_bench();
			else
				run_scenarios();
		} else {
			report_fail("setup: allocate pages", "AllocatePages failed");
		}
	}
	if (L.tsc_khz)
		report_diag("l1hv ran %lu ms", (rdtsc() - t0) / L.tsc_khz);
	report_done();
	if (!noreset)
		RT->ResetSystem(EfiResetShutdown, EFI_SUCCESS, 0, NULL);
	return report_failed() ? EFI_ABORTED : EFI_SUCCESS;
}
