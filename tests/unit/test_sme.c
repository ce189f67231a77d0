/* SPDX-License-Identifier: MIT */
/*
 * Physical address widths of real AMD parts QEMU's TCG does not have
 * (issue 16), on the host harness's fake CPU: SME enabled by the firmware
 * (C-bit 47, a reduction of 5 bits on a 48-bit CPU: svmhv works with 43
 * bits, and no table svmhv builds maps the C-bit alias of anything), a
 * MAXPHYADDR of 52 (4-level tables over 48 bits, no panic above), and the
 * refusal of firmware running with 5-level paging (CR4.LA57). The tables
 * checked are the real ones hv_setup() built (hv/npt.c), walked as the CPU
 * walks them (mm/nwalk.c). See docs/architecture.md "Physical address
 * width, SME and 5-level paging".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "hv/console.h"
#include "hv/policy.h"
#include "mm/npt.h"
#include "mm/nwalk.h"
#include "svm/hw.h"
#include "svm/svm.h"
#include "tests/harness/harness.h"

#define CBIT            47u
#define REDUCTION       5u
#define SME_EBX         (CBIT | REDUCTION << 6)
#define NPF_READ_INFO   (NPF_P | NPF_USER | NPF_FINAL_GPA)

static struct vcpu *v0(void)
{
	return hv.vcpus[0];
}

/* One CPU with maxphyaddr bits, 1 GiB pages, NRIPS; SME on when sme. */
static void init(unsigned maxphyaddr, bool sme)
{
	struct harness_config c = { .ncpu = 1, .log_level = LOG_INFO };

	c.cpu = fake_cpu_tcg();
	c.cpu.svm_edx |= SVM_FEATURE_NRIPS;
	c.cpu.maxphyaddr = maxphyaddr;
	c.cpu.ext_max = 0x8000001fu;
	c.cpu.ext1f_eax = CPUID_8000001F_EAX_SME;
	c.cpu.ext1f_ebx = SME_EBX;
	c.cpu.syscfg = sme ? SYSCFG_MEM_ENCRYPT : 0;
	assert_int_equal(harness_init(&c), 0);
	assert_true(harness_prepare(0));
}

static int sme48(void **s) { (void)s; init(48, true); return 0; }
static int sme_off(void **s) { (void)s; init(48, false); return 0; }
static int pa52(void **s) { (void)s; init(52, false); return 0; }

/* ---- the pure decode ---- */

static struct svm_features phys(unsigned width, uint32_t ext_max, uint32_t eax, uint32_t ebx,
				uint64_t syscfg)
{
	struct svm_raw raw = { .max_ext_leaf = ext_max, .ext8_eax = width,
			       .ext1f_eax = eax, .ext1f_ebx = ebx, .syscfg = syscfg };
	struct svm_features f = { 0 };

	svm_decode_phys(&raw, &f);
	return f;
}

/* Reduced only with SME reported and enabled in SYSCFG, as Linux decides. */
static void test_decode_phys(void **state)
{
	struct svm_features f;

	(void)state;
	f = phys(48, 0x8000001fu, CPUID_8000001F_EAX_SME, SME_EBX, SYSCFG_MEM_ENCRYPT);
	assert_true(f.mem_encrypt);
	assert_int_equal(f.maxphyaddr, 43);
	assert_int_equal(f.maxphyaddr_cpu, 48);
	assert_int_equal(f.cbit, 47);
	assert_int_equal(f.phys_reduction, 5);
	/* Firmware left SME off: the C-bit is an ordinary (unused) address bit. */
	f = phys(48, 0x8000001fu, CPUID_8000001F_EAX_SME, SME_EBX, 0);
	assert_false(f.mem_encrypt);
	assert_int_equal(f.maxphyaddr, 48);
	/* SYSCFG's bit without SME in CPUID (a hypervisor below hides it). */
	f = phys(48, 0x8000001fu, 0, SME_EBX, SYSCFG_MEM_ENCRYPT);
	assert_int_equal(f.maxphyaddr, 48);
	/* No leaf 8000_001F: its registers are not looked at. */
	f = phys(48, 0x8000001eu, CPUID_8000001F_EAX_SME, SME_EBX, SYSCFG_MEM_ENCRYPT);
	assert_int_equal(f.maxphyaddr, 48);
	/* A 52-bit part: C-bit 51, 6 bits less. */
	f = phys(52, 0x80000028u, CPUID_8000001F_EAX_SME, 51 | 6 << 6, SYSCFG_MEM_ENCRYPT);
	assert_int_equal(f.maxphyaddr, 46);
	/* Never up to the C-bit: a C-bit below the reduced width caps it. */
	f = phys(48, 0x8000001fu, CPUID_8000001F_EAX_SME, 40 | 1 << 6, SYSCFG_MEM_ENCRYPT);
	assert_int_equal(f.maxphyaddr, 40);
	/* Nonsense (a reduction past 32 bits) stays in the builders' range. */
	f = phys(40, 0x8000001fu, CPUID_8000001F_EAX_SME, 47 | 20 << 6, SYSCFG_MEM_ENCRYPT);
	assert_int_equal(f.maxphyaddr, 32);
}

/* 5-level paging in the firmware: refused with a clear message, before anything. */
static void test_la57_refused(void **state)
{
	(void)state;
	assert_int_equal(svm_check_paging(CR4_PAE | CR4_PGE | CR4_LA57), SVM_ERR_LA57);
	assert_int_equal(svm_check_paging(CR4_PAE | CR4_PGE), SVM_OK);
	assert_non_null(strstr(svm_status_str(SVM_ERR_LA57),
			       "firmware runs with 5-level paging (CR4.LA57 = 1)"));
}

/* ---- the tables svmhv built ---- */

static int read_pa(void *ctx, uint64_t pa, uint64_t *entry)
{
	(void)ctx;
	*entry = *(const uint64_t *)(uintptr_t)pa;
	return 0;
}

/* Walk hv's nested tables for gpa as a CPU whose entries end at bit width - 1. */
static int walk(uint64_t gpa, unsigned width, unsigned access, struct nwalk_result *r)
{
	struct nwalk_mmu m = { .ncr3 = hv.npt_root, .nxe = true, .maxphyaddr = width,
			       .read = read_pa };

	return nwalk(&m, gpa, access, r);
}

/* Does any present leaf under table pa map an address with a bit at or above width? */
static unsigned leaves_above(uint64_t pa, int level, unsigned width)
{
	const uint64_t *t = (const uint64_t *)(uintptr_t)pa;
	unsigned bad = 0;

	for (unsigned i = 0; i < 512; i++) {
		uint64_t e = t[i];

		if (!(e & PTE_P))
			continue;
		if (level > 1 && (level == 4 || !(e & PTE_PS))) {
			/* The shared blank subtree: once, from its first link. */
			if (!(e & PTE_SHARED) || i == 511)
				bad += leaves_above(e & PTE_ADDR_MASK, level - 1, width);
			continue;
		}
		bad += (e & PTE_ADDR_MASK) >> width != 0;
	}
	return bad;
}

/* CPUID leaf as the guest sees it. */
static struct cpuid_regs guest_cpuid(uint32_t leaf)
{
	struct vcpu *v = v0();

	v->vmcb->save.rax = leaf;
	v->world.regs.rcx = 0;
	assert_true(harness_exit(0, VMEXIT_CPUID, 0, 0, 2));
	return (struct cpuid_regs){ (uint32_t)v->vmcb->save.rax, (uint32_t)v->world.regs.rbx,
				    (uint32_t)v->world.regs.rcx, (uint32_t)v->world.regs.rdx };
}

/* svmhv works with 43 bits, says so, and the guest sees 43 and no SME. */
static void test_sme_width(void **state)
{
	struct cpuid_regs r;

	(void)state;
	assert_true(hv.feat.mem_encrypt);
	assert_int_equal(hv.feat.maxphyaddr, 43);
	assert_int_equal(hv.gpa_bits, 43);
	assert_int_equal(hv.gmem.maxphyaddr, 43);
	assert_int_equal(hv.nested.caps.maxphyaddr, 43);
	assert_true(fake_console_has("SME enabled by the firmware: C-bit 47, physical addresses "
				     "48 - 5 = 43 bits"));
	r = guest_cpuid(0x80000008u);
	assert_int_equal(r.eax & 0xff, 43);
	assert_int_equal((r.eax >> 16) & 0xff, 0);     /* GuestPhysAddrSize: the same */
	r = guest_cpuid(0x8000001fu);
	assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);
}

/*
 * The pool's C-bit alias reads the blank page, read-only, as does every
 * address of the reduced range; below 2^43 the map is what it was, and no
 * entry of either tree has a bit the SME CPU reserves (43..51).
 */
static void test_sme_alias_not_mapped(void **state)
{
	const uint64_t cbit = 1ull << CBIT;
	const uint64_t gpas[] = { HARNESS_POOL_PA | cbit, HARNESS_RAM_PA | cbit, cbit,
				  1ull << 43, (1ull << 46) + 0x5000, (1ull << 48) - 4096 };
	struct nwalk_result r;

	(void)state;
	for (unsigned i = 0; i < sizeof(gpas) / sizeof(gpas[0]); i++) {
		assert_int_equal(walk(gpas[i], 48, GPA_ACC_READ, &r), NWALK_OK);
		assert_int_equal(r.gpa1 & ~0xfffull, hv.blank_pa);
		assert_false(r.write);
		assert_int_equal(walk(gpas[i], 48, GPA_ACC_WRITE, &r), NWALK_EFAULT);
	}
	/* Below the reduced width, as the SME CPU walks (bits 43+ reserved): no fault. */
	assert_int_equal(walk(HARNESS_RAM_PA + 0x123, 43, GPA_ACC_WRITE, &r), NWALK_OK);
	assert_int_equal(r.gpa1, HARNESS_RAM_PA + 0x123);
	assert_int_equal(walk(HARNESS_POOL_PA, 43, GPA_ACC_READ, &r), NWALK_OK);
	assert_int_equal(r.gpa1, hv.blank_pa);
	assert_int_equal(walk((1ull << 43) - 4096, 43, GPA_ACC_WRITE, &r), NWALK_OK);
	assert_true(hv.blank_pa < (1ull << 43));
	assert_int_equal(leaves_above(hv.npt_root, 4, 43), 0);
	assert_int_equal(leaves_above(hv.host_cr3, 4, 43), 0);
	/* The host map ends at 2^43: nothing with the C-bit or in the reduced range. */
	struct npt_mapping m;
	assert_int_equal(npt_lookup(&hv.host_pt, HARNESS_POOL_PA | cbit, &m), NPT_ENOENT);
	assert_int_equal(npt_lookup(&hv.host_pt, 1ull << 43, &m), NPT_ENOENT);
	assert_int_equal(npt_lookup(&hv.host_pt, HARNESS_POOL_PA, &m), 0);
}

/* Control: the same CPU with SME left off by the firmware keeps 48 bits. */
static void test_sme_off_full_width(void **state)
{
	struct nwalk_result r;

	(void)state;
	assert_false(hv.feat.mem_encrypt);
	assert_int_equal(hv.gpa_bits, 48);
	assert_int_equal(walk(HARNESS_RAM_PA | 1ull << CBIT, 48, GPA_ACC_WRITE, &r), NWALK_OK);
	assert_int_equal(r.gpa1, HARNESS_RAM_PA | 1ull << CBIT);
	assert_true(leaves_above(hv.npt_root, 4, 43) > 0);      /* the scan can fail */
}

/* Instruction bytes at a fresh page; RIP points at them. */
static uint64_t code(const uint8_t *b, size_t n)
{
	uint8_t *p = harness_page();

	memcpy(p, b, n);
	v0()->vmcb->save.rip = harness_pa(p);
	return harness_pa(p);
}

/* A write through the C-bit alias of svmhv's pool: dropped, skipped, svmhv untouched. */
static void test_sme_alias_write_dropped(void **state)
{
	static const uint8_t mov[] = { 0x48, 0x89, 0x07 };      /* mov [rdi], rax */
	uint64_t rip = code(mov, sizeof(mov));

	(void)state;
	v0()->vmcb->control.event_inj = 0;
	assert_true(harness_exit(0, VMEXIT_NPF, NPF_P | NPF_WRITE | NPF_USER | NPF_FINAL_GPA,
				 HARNESS_POOL_PA | 1ull << CBIT, 0));
	assert_int_equal(v0()->vmcb->save.rip, rip + 3);
	assert_int_equal(v0()->vmcb->control.event_inj, 0);
	assert_true(fake_console_has("guest write to unbacked memory at 800020000000"));
}

/* A read NPF in the reduced range (a reserved-bit fault, say): guest shutdown, no panic. */
static void shutdown_on_read(uint64_t gpa, const char *said)
{
	jmp_buf halt;

	fake.halt = &halt;
	fake.resets = 0;
	if (!setjmp(halt))
		assert_true(harness_exit(0, VMEXIT_NPF, NPF_READ_INFO, gpa, 0));
	fake.halt = NULL;
	assert_int_equal(fake.resets, 1);
	assert_true(fake_console_has(said));
	assert_false(fake_console_has("PANIC"));
}

static void test_sme_reduced_read(void **state)
{
	(void)state;
	shutdown_on_read(1ull << 44, "guest read at gpa 100000000000 beyond its 43-bit "
			 "physical space");
}

/* ---- MAXPHYADDR 52 ---- */

/*
 * 4-level tables reach 48 bits of guest-physical space: the guest is told
 * 48, the whole 48-bit space is mapped (no blank part above), and the
 * tables cost what a 48-bit CPU's do.
 */
static void test_pa52_tables(void **state)
{
	struct npt_mapping m;
	struct npt_stats s;
	struct cpuid_regs r;

	(void)state;
	assert_int_equal(hv.feat.maxphyaddr, 52);
	assert_int_equal(hv.gpa_bits, 48);
	assert_true(fake_console_has("guest-physical space limited to 48 bits (MAXPHYADDR 52, "
				     "4-level nested paging)"));
	assert_int_equal(npt_lookup(&hv.npt, (1ull << 48) - 4096, &m), 0);
	assert_int_equal(m.pa, (1ull << 48) - 4096);
	assert_true(m.writable);
	assert_int_equal(npt_lookup(&hv.npt, HARNESS_POOL_PA, &m), 0);
	assert_int_equal(m.pa, hv.blank_pa);
	npt_stats(&hv.npt, &s);
	assert_true(s.tables < 600);
	r = guest_cpuid(0x80000008u);
	assert_int_equal(r.eax & 0xff, 48);
	assert_int_equal((r.eax >> 16) & 0xff, 0);
}

/* Above 2^48: a write is dropped, a read or fetch shuts the guest down; never a panic. */
static void test_pa52_above_map(void **state)
{
	static const uint8_t mov[] = { 0x89, 0x07 };            /* mov [rdi], eax */
	uint64_t rip = code(mov, sizeof(mov));

	(void)state;
	v0()->vmcb->control.event_inj = 0;
	assert_true(harness_exit(0, VMEXIT_NPF, NPF_WRITE | NPF_USER | NPF_FINAL_GPA,
				 (1ull << 50) + 0x10, 0));
	assert_int_equal(v0()->vmcb->save.rip, rip + 2);
	assert_true(fake_console_has("guest write to unbacked memory at 4000000000010"));
	shutdown_on_read((1ull << 51) | 0x1000, "guest read at gpa 8000000001000 beyond its "
			 "48-bit physical space");
}

static void test_pa52_fetch(void **state)
{
	jmp_buf halt;

	(void)state;
	fake.halt = &halt;
	if (!setjmp(halt))
		assert_true(harness_exit(0, VMEXIT_NPF, NPF_READ_INFO | NPF_FETCH, 1ull << 49, 0));
	fake.halt = NULL;
	assert_true(fake_console_has("guest fetch at gpa 2000000000000 beyond its 48-bit"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_phys),
		cmocka_unit_test(test_la57_refused),
		cmocka_unit_test_setup(test_sme_width, sme48),
		cmocka_unit_test_setup(test_sme_alias_not_mapped, sme48),
		cmocka_unit_test_setup(test_sme_off_full_width, sme_off),
		cmocka_unit_test_setup(test_sme_alias_write_dropped, sme48),
		cmocka_unit_test_setup(test_sme_reduced_read, sme48),
		cmocka_unit_test_setup(test_pa52_tables, pa52),
		cmocka_unit_test_setup(test_pa52_above_map, pa52),
		cmocka_unit_test_setup(test_pa52_fetch, pa52),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
