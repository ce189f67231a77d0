/* SPDX-License-Identifier: MIT */
/*
 * hv_ucode_cpu() (hv/ucode/load.c), the per-CPU microcode load and errata
 * fixes, on the fake CPU of tests/harness/: a fake patch loader that takes
 * (or refuses, or faults on) the patch whose address is written to
 * PATCH_LOADER, MSRs that fault, CPUs that are not AMD or run under a
 * hypervisor. What was written, and what the console says, per case.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/console.h"
#include "hv/ucode/container.h"
#include "hv/ucode/errata.h"
#include "hv/ucode/ucode.h"
#include "svm/hw.h"
#include "tests/harness/harness.h"

#define ROME            0x00830f10u     /* family 17h model 31h stepping 0 (Zen2) */
#define ROME_OLD        0x08301055u
#define ROME_NEW        0x0830107cu
#define CPUID1_AVX      (1u << 28)
#define CPUID1_HV       (1u << 31)

static uint8_t cont[8192];
static size_t cont_len;

static void put32(size_t at, uint32_t v)
{
	memcpy(cont + at, &v, 4);       /* the host is little-endian, as the file */
}

/* One container: Rome -> 0x8310, and its patch ROME_NEW. */
static void build(void)
{
	memset(cont, 0, sizeof(cont));
	put32(0, UCODE_MAGIC);
	put32(4, UCODE_TYPE_EQUIV);
	put32(8, 32);
	put32(12, ROME);
	cont[12 + 12] = 0x10;
	cont[12 + 13] = 0x83;
	put32(44, UCODE_TYPE_PATCH);
	put32(48, 3200);
	put32(52 + UCODE_PATCH_ID_OFF, ROME_NEW);
	cont[52 + UCODE_PROC_REV_OFF] = 0x10;
	cont[52 + UCODE_PROC_REV_OFF + 1] = 0x83;
	cont_len = 52 + 3200;
}

/* The fake CPU's patch loader and faulting MSRs. */
static struct {
	enum { ACCEPT, REFUSE, FAULT } loader;
	uint32_t gp_read, gp_write;     /* an MSR whose RDMSR / WRMSR faults, or 0 */
	uint64_t loaded_va;
	unsigned loads;
} cpu;

static bool msr_gp(void *arg, uint32_t msr, bool write, uint64_t val)
{
	(void)arg;
	if (msr == MSR_AMD64_PATCH_LOADER && write) {
		uint32_t id;

		if (cpu.loader == FAULT)
			return true;
		cpu.loads++;
		cpu.loaded_va = val;
		memcpy(&id, (const void *)(uintptr_t)(val + UCODE_PATCH_ID_OFF), 4);
		if (cpu.loader == ACCEPT)
			wrmsr(MSR_AMD64_PATCH_LEVEL, id);
		return false;
	}
	return (!write && msr == cpu.gp_read) || (write && msr == cpu.gp_write);
}

static void machine(uint32_t signature, uint32_t ecx1, uint32_t level)
{
	struct harness_config c = { .ncpu = 2, .log_level = LOG_DEBUG };

	c.cpu = fake_cpu_tcg();
	c.cpu.signature = signature;
	c.cpu.ecx1 = ecx1;
	c.cpu.ext_max = 0x80000021u;
	assert_int_equal(harness_init(&c), 0);
	fake.msr_gp = msr_gp;
	memset(&cpu, 0, sizeof(cpu));
	for (fake.cur = 0; fake.cur < 2; fake.cur++)
		wrmsr(MSR_AMD64_PATCH_LEVEL, level);
	fake.cur = 0;
	fake_console_clear();
	build();
}

/* Rome with old microcode: the patch loads, then Zen2's fixes except Zenbleed's. */
static void test_load_then_errata(void **state)
{
	struct hv_ucode_result r;

	(void)state;
	machine(ROME, CPUID1_AVX, ROME_OLD);
	r = hv_ucode_cpu(0, cont, cont_len);
	assert_true(r.amd && !r.under_hv);
	assert_int_equal(r.scan, UCODE_OK);
	assert_int_equal(r.action, UCODE_LOAD);
	assert_true(r.loaded);
	assert_int_equal(r.before, ROME_OLD);
	assert_int_equal(r.after, ROME_NEW);
	assert_int_equal(cpu.loads, 1);
	assert_int_equal(cpu.loaded_va, (uint64_t)(uintptr_t)(cont + 52));
	assert_int_equal(fake.invlpgas, 2);     /* family 17h: the buffer's translation dropped */
	assert_true(fake_console_has("microcode: cpu0: patch level 0x8301055 -> 0x830107c"));
	/* Zenbleed is fixed by that patch level; the other two Zen2 fixes apply. */
	assert_int_equal(r.errata, 2);
	assert_int_equal(r.errata_applied, 2);
	assert_int_equal(rdmsr(MSR_ZEN2_SPECTRAL_CHICKEN), 1ull << 1);
	assert_int_equal(rdmsr(MSR_ZEN4_BP_CFG), 1ull << 33);
	assert_int_equal(rdmsr(MSR_AMD64_DE_CFG), 0);
	assert_true(fake_console_has("errata: cpu0: zen2-spectral-chicken: MSR 0xc00110e3 0x0 -> 0x2"));
	assert_true(fake_console_has("errata: cpu0: zen2-opcache: MSR 0xc001102e 0x0 -> 0x200000000"));

	/* The second CPU the same; the fixes again a no-op on the first. */
	fake.cur = 1;
	r = hv_ucode_cpu(1, cont, cont_len);
	assert_true(r.loaded);
	assert_true(fake_console_has("microcode: cpu1: patch level 0x8301055 -> 0x830107c"));
	fake.cur = 0;
	r = hv_ucode_cpu(0, cont, cont_len);
	assert_int_equal(r.action, UCODE_UP_TO_DATE);
	assert_int_equal(r.errata, 2);
	assert_int_equal(r.errata_applied, 0);  /* already set */
	assert_int_equal(cpu.loads, 2);
}

/* Already at (or past) the file's level: no PATCH_LOADER write. */
static void test_up_to_date(void **state)
{
	struct hv_ucode_result r;

	(void)state;
	machine(ROME, CPUID1_AVX, ROME_NEW + 1);
	r = hv_ucode_cpu(0, cont, cont_len);
	assert_int_equal(r.action, UCODE_UP_TO_DATE);
	assert_false(r.loaded);
	assert_int_equal(cpu.loads, 0);
	assert_int_equal(r.after, ROME_NEW + 1);
	assert_true(fake_console_has("cpu0: patch level 0x830107d, the file's 0x830107c is not newer"));
}

/* The CPU keeps its old level (a bad signature): logged, and Zenbleed's MSR fix goes on. */
static void test_refused(void **state)
{
	struct hv_ucode_result r;

	(void)state;
	machine(ROME, CPUID1_AVX, ROME_OLD);
	cpu.loader = REFUSE;
	r = hv_ucode_cpu(0, cont, cont_len);
	assert_int_equal(cpu.loads, 1);
	assert_false(r.loaded);
	assert_int_equal(r.after, ROME_OLD);
	assert_true(fake_console_has("patch 0x830107c refused by the CPU: patch level 0x8301055 -> "
				     "0x8301055"));
	assert_int_equal(r.errata, 3);
	assert_int_equal(rdmsr(MSR_AMD64_DE_CFG), 1ull << 9);
	assert_true(fake_console_has("errata: cpu0: zenbleed: MSR 0xc0011029 0x0 -> 0x200"));
}

/* PATCH_LOADER raises #GP (QEMU's TCG, a locked-down part): caught, logged. */
static void test_loader_faults(void **state)
{
	struct hv_ucode_result r;

	(void)state;
	machine(ROME, CPUID1_AVX, ROME_OLD);
	cpu.loader = FAULT;
	r = hv_ucode_cpu(0, cont, cont_len);
	assert_false(r.loaded);
	assert_int_equal(r.after, ROME_OLD);
	assert_int_equal(fake.msr_faults, 1);
	assert_true(fake_console_has("PATCH_LOADER faulted (#GP): patch 0x830107c not loaded"));
	assert_int_equal(rdmsr(MSR_AMD64_DE_CFG), 1ull << 9);
}

/* A corrupted container: rejected, nothing written to PATCH_LOADER; errata still. */
static void test_bad_container(void **state)
{
	struct hv_ucode_result r;

	(void)state;
	machine(ROME, CPUID1_AVX, ROME_OLD);
	put32(48, 0xfffffff0u);                 /* the patch's length */
	r = hv_ucode_cpu(0, cont, cont_len);
	assert_int_equal(r.scan, UCODE_ESIZE);
	assert_int_equal(cpu.loads, 0);
	assert_true(fake_console_has("container rejected at offset 0x30: bad patch size"));
	assert_int_equal(r.errata, 3);
	assert_int_equal(r.errata_applied, 3);
}

/* No file (microcode=off, or none beside svmhv.efi): only the errata fixes. */
static void test_no_file(void **state)
{
	struct hv_ucode_result r;

	(void)state;
	machine(ROME, CPUID1_AVX, ROME_OLD);
	r = hv_ucode_cpu(0, NULL, 0);
	assert_int_equal(r.action, UCODE_NO_PATCH);
	assert_int_equal(cpu.loads, 0);
	assert_int_equal(r.errata_applied, 3);
	/* A CPU the file does not list. */
	machine(0x00860f01, CPUID1_AVX, 0x0860010b);
	r = hv_ucode_cpu(0, cont, cont_len);
	assert_int_equal(r.action, UCODE_NO_PATCH);
	assert_true(fake_console_has("cpu0: no patch for CPUID 0x860f01 in the file"));
}

/* An errata MSR that faults on read, one whose write faults: logged, the rest applied. */
static void test_errata_msr_faults(void **state)
{
	struct hv_ucode_result r;

	(void)state;
	machine(ROME, CPUID1_AVX, ROME_OLD);
	cpu.gp_read = MSR_ZEN2_SPECTRAL_CHICKEN;
	cpu.gp_write = MSR_ZEN4_BP_CFG;
	r = hv_ucode_cpu(0, NULL, 0);
	assert_int_equal(r.errata, 3);
	assert_int_equal(r.errata_applied, 1);  /* Zenbleed's */
	assert_true(fake_console_has("zen2-spectral-chicken: MSR 0xc00110e3 faulted (#GP): not "
				     "applied"));
	assert_true(fake_console_has("zen2-opcache: MSR 0xc001102e 0x0: write refused"));
	assert_int_equal(rdmsr(MSR_AMD64_DE_CFG), 1ull << 9);
}

/* Under a hypervisor, or not AMD: nothing read or written at all. */
static void test_not_ours(void **state)
{
	struct hv_ucode_result r;

	(void)state;
	machine(ROME, CPUID1_AVX | CPUID1_HV, ROME_OLD);
	r = hv_ucode_cpu(0, cont, cont_len);
	assert_true(r.under_hv);
	assert_int_equal(cpu.loads + r.errata, 0);
	assert_int_equal(rdmsr(MSR_ZEN2_SPECTRAL_CHICKEN), 0);
	assert_true(fake_console_has("under a hypervisor: microcode and errata fixes are its job"));

	machine(ROME, CPUID1_AVX, ROME_OLD);
	fake.cfg.intel = true;
	r = hv_ucode_cpu(0, cont, cont_len);
	assert_false(r.amd);
	assert_int_equal(cpu.loads + r.errata, 0);
	assert_int_equal(rdmsr(MSR_ZEN2_SPECTRAL_CHICKEN), 0);
}

/* Zen4 (family 19h model 11h): erratum 1485's BP_CFG bit, no INVLPGA; TSA's CPUID bits. */
static void test_zen4(void **state)
{
	struct hv_ucode_result r;

	(void)state;
	machine(0x00a10f11, 0, 0x0a101144);
	r = hv_ucode_cpu(0, NULL, 0);
	assert_int_equal(r.errata, 1);
	assert_int_equal(rdmsr(MSR_ZEN4_BP_CFG), 1ull << 5);
	assert_true(fake_console_has("errata: cpu0: erratum-1485: MSR 0xc001102e 0x0 -> 0x20"));
	assert_int_equal(fake.invlpgas, 0);
	/* TSA: that level is below Zen4 11h/1's fixed one, so no VERW_CLEAR... */
	assert_int_equal(r.ext21_eax_or | r.ext21_ecx_or, 0);
	/* ...which a newer patch gives; a Zen2 is simply not affected. */
	machine(0x00a10f11, 0, 0x0a10114c);
	r = hv_ucode_cpu(0, NULL, 0);
	assert_int_equal(r.ext21_eax_or, CPUID_80000021_EAX_VERW_CLEAR);
	machine(ROME, CPUID1_AVX, ROME_OLD);
	r = hv_ucode_cpu(0, NULL, 0);
	assert_int_equal(r.ext21_ecx_or, CPUID_80000021_ECX_TSA_SQ_NO | CPUID_80000021_ECX_TSA_L1_NO);
	/* A CPU whose CPUID ends below 8000_0021h: the guest never reads it, left alone. */
	machine(ROME, CPUID1_AVX, ROME_OLD);
	fake.cfg.ext_max = 0x8000001fu;
	r = hv_ucode_cpu(0, NULL, 0);
	assert_int_equal(r.ext21_eax_or | r.ext21_ecx_or, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_then_errata),
		cmocka_unit_test(test_up_to_date),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_loader_faults),
		cmocka_unit_test(test_bad_container),
		cmocka_unit_test(test_no_file),
		cmocka_unit_test(test_errata_msr_faults),
		cmocka_unit_test(test_not_ours),
		cmocka_unit_test(test_zen4),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
