/* SPDX-License-Identifier: MIT */
/*
 * The MSR policy through the real exit path (hv/msr.c, hv/apic/vapic.c) on
 * the host harness: one #VMEXIT(MSR) each, and what the guest then sees.
 * Each test says what the old code did with the same access ("old:"):
 * before intercept-by-default, every MSR but EFER, the SVM MSRs and two
 * APIC writes went straight to the hardware.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "hv/apic/apic.h"
#include "hv/mtrr.h"
#include "svm/hw.h"
#include "svm/svm.h"
#include "tests/harness/harness.h"

#define CPU_EDX         (SVM_FEATURE_NPT | SVM_FEATURE_VGIF | SVM_FEATURE_NRIPS)
#define GP              (VEC_GP | SVM_EVTINJ_TYPE_EXEPT | SVM_EVTINJ_VALID | SVM_EVTINJ_VALID_ERR)
#define IBPB_IBRS_SSBD  (BIT(12) | BIT(14) | BIT(24))

static struct vcpu *v0(void)
{
	return hv.vcpus[0];
}

static void init(bool nested, uint32_t svm_edx, uint32_t ext8_ebx)
{
	struct harness_config c = { .ncpu = 1, .nested = nested };

	c.cpu = fake_cpu_tcg();
	c.cpu.svm_edx = svm_edx;
	c.cpu.ext8_ebx = ext8_ebx;
	c.cpu.x2apic = true;
	assert_int_equal(harness_init(&c), 0);
	assert_true(harness_prepare(0));
}

static int plain(void **s) { (void)s; init(false, CPU_EDX, 0); return 0; }
static int spec(void **s) { (void)s; init(false, CPU_EDX, IBPB_IBRS_SSBD); return 0; }
static int vspec(void **s)
{
	(void)s;
	init(false, CPU_EDX | SVM_FEATURE_V_SPEC_CTRL, IBPB_IBRS_SSBD);
	return 0;
}
static int nested(void **s) { (void)s; init(true, CPU_EDX, 0); return 0; }

/* One RDMSR/WRMSR exit; returns EVENTINJ after it (0: no exception). */
static uint64_t msr(uint32_t m, bool write, uint64_t val)
{
	struct vcpu *v = v0();

	v->vmcb->control.event_inj = 0;
	v->world.regs.rcx = m;
	v->vmcb->save.rax = (uint32_t)val;
	v->world.regs.rdx = val >> 32;
	assert_true(harness_exit(0, VMEXIT_MSR, write, 0, 2));
	return v->vmcb->control.event_inj;
}

static uint64_t read_result(void)
{
	return (v0()->vmcb->save.rax & 0xffffffffull) | (v0()->world.regs.rdx << 32);
}

/* old: FEATURE_CONTROL, SMI trigger... read and written on the hardware. */
static void test_unlisted_gp(void **state)
{
	uint64_t rip = v0()->vmcb->save.rip;

	(void)state;
	assert_int_equal(msr(0x3a, false, 0), GP);
	assert_int_equal(v0()->vmcb->save.rip, rip);            /* the WRMSR is not skipped */
	assert_int_equal(msr(0xc0010056u, true, 1), GP);
	assert_int_equal(msr(0x12345678u, false, 0), GP);
	assert_int_equal(v0()->msr_refused, 3);
	assert_true(fake_console_has("RDMSR 3a (unlisted) value 0 refused: #GP"));
}

/* old: TOM2 written on the hardware (svmhv's memory could become MMIO). */
static void test_tom2_refused(void **state)
{
	(void)state;
	wrmsr(0xc001001du, 0x440000000ull);
	assert_int_equal(msr(0xc001001du, false, 0), 0);
	assert_int_equal(read_result(), 0x440000000ull);
	assert_int_equal(msr(0xc001001du, true, 0x1000000000ull), GP);
	assert_int_equal(rdmsr(0xc001001du), 0x440000000ull);
}

/* SYSCFG: MtrrFixDramModEn may be cleared; MemEncryptionModEn never set. */
static void test_syscfg_masked(void **state)
{
	(void)state;
	wrmsr(0xc0010010u, 0x000c0000ull);
	assert_int_equal(msr(0xc0010010u, true, 0x00040000ull), 0);
	assert_int_equal(rdmsr(0xc0010010u), 0x00040000ull);
	assert_int_equal(msr(0xc0010010u, true, 0x00840000ull), GP);
	assert_int_equal(rdmsr(0xc0010010u), 0x00040000ull);
}

static bool gp_on_mc1(void *arg, uint32_t m, bool write, uint64_t val)
{
	(void)arg;
	(void)val;
	(void)write;
	return m == 0x405;
}

/* old: a hardware #GP in host mode was svmhv's panic; now the guest's #GP. */
static void test_hw_fault_is_guest_gp(void **state)
{
	(void)state;
	fake.msr_gp = gp_on_mc1;
	assert_int_equal(msr(0x405, false, 0), GP);
	assert_int_equal(msr(0x405, true, 0), GP);
	assert_int_equal(fake.msr_faults, 2);
	assert_int_equal(msr(0x404, true, 0), 0);               /* MC1_CTL: fine */
	fake.msr_gp = NULL;
}

/* old: the microcode patch loader went to the hardware; now dropped (KVM does). */
static void test_patch_loader_ignored(void **state)
{
	(void)state;
	assert_int_equal(msr(0xc0010020u, true, 0x12345000ull), 0);
	assert_int_equal(rdmsr(0xc0010020u), 0);
	assert_int_equal(msr(0xc0010020u, false, 0), GP);
}

/* PAT is the VMCB's G_PAT, with reserved types refused. */
static void test_pat(void **state)
{
	struct vcpu *v = v0();

	(void)state;
	assert_int_equal(msr(MSR_PAT, true, 0x0007010600070106ull), 0);
	assert_int_equal(v->vmcb->save.g_pat, 0x0007010600070106ull);
	assert_int_equal(msr(MSR_PAT, false, 0), 0);
	assert_int_equal(read_result(), 0x0007010600070106ull);
	assert_int_equal(msr(MSR_PAT, true, 0x0007010600070102ull), GP);
	assert_int_equal(v->vmcb->save.g_pat, 0x0007010600070106ull);
}

/* No SPEC_CTRL on this CPU: #GP both ways, as the hardware. */
static void test_spec_ctrl_absent(void **state)
{
	(void)state;
	assert_int_equal(msr(MSR_SPEC_CTRL, false, 0), GP);
	assert_int_equal(msr(MSR_SPEC_CTRL, true, 0), GP);
}

/* old: passed to the hardware and left there for svmhv; now the world switch swaps it. */
static void test_spec_ctrl_swapped(void **state)
{
	struct vcpu *v = v0();

	(void)state;
	assert_int_equal(msr(MSR_SPEC_CTRL, true, 0x4), 0);
	assert_int_equal(v->world.spec_ctrl_guest, 0x4);
	assert_int_not_equal(v->world.spec_ctrl_swap, 0);
	assert_int_equal(msr(MSR_SPEC_CTRL, false, 0), 0);
	assert_int_equal(read_result(), 0x4);
	assert_int_equal(msr(MSR_SPEC_CTRL, true, 0x2), GP);      /* no STIBP here */
	assert_int_equal(msr(MSR_SPEC_CTRL, true, 0x0), 0);
	assert_int_equal(v->world.spec_ctrl_swap, 0);           /* the host's value again */
}

/* With V_SPEC_CTRL the VMCB holds it and the hardware swaps. */
static void test_spec_ctrl_v_spec_ctrl(void **state)
{
	struct vcpu *v = v0();

	(void)state;
	assert_int_equal(msr(MSR_SPEC_CTRL, true, 0x5), 0);
	assert_int_equal(v->vmcb->save.spec_ctrl, 0x5);
	assert_int_equal(v->world.spec_ctrl_swap, 0);
}

/*
 * old: MTRRs written as the guest liked: svmhv's memory could become
 * write-combining. Now a range over it must be WB or UC.
 */
static void test_mtrr(void **state)
{
	uint64_t mask = (~(HARNESS_POOL_SIZE - 1) & ((1ull << 36) - 1)) | BIT_ULL(11);

	(void)state;
	wrmsr(HV_MTRR_CAP, 0x508);
	wrmsr(HV_MTRR_DEF_TYPE, 0xc06);                         /* E, FE, WB */
	assert_int_equal(msr(0x200, true, HARNESS_POOL_PA | 1), 0);  /* WC, mask not valid yet */
	assert_int_equal(msr(0x201, true, mask), GP);
	assert_int_equal(rdmsr(0x201), 0);
	assert_true(fake_console_has("would change svmhv's memory type"));
	assert_int_equal(msr(0x200, true, HARNESS_RAM_PA | 1), 0);   /* WC on guest RAM: fine */
	assert_int_equal(msr(0x201, true, mask), 0);
	assert_int_equal(msr(0x200, true, HARNESS_POOL_PA | 0), 0);  /* UC over svmhv: fine */
	assert_int_equal(msr(0x200, true, HARNESS_POOL_PA | 4), GP); /* WT: no */
	assert_int_equal(msr(HV_MTRR_DEF_TYPE, true, 0x006), 0);     /* MTRRs off: all UC */
	assert_int_equal(msr(0x200, true, HARNESS_POOL_PA | 1), 0);  /* anything while off */
	assert_int_equal(msr(HV_MTRR_DEF_TYPE, true, 0xc06), GP);    /* ...but not back on */
	assert_int_equal(msr(HV_MTRR_DEF_TYPE, true, 0xc01), GP);    /* WC default */
}

/* old: Host-only counting passed: the guest could count svmhv's own events. */
static void test_perf_ctl(void **state)
{
	(void)state;
	assert_int_equal(msr(0xc0010000u, true, 0x430076), 0);
	assert_int_equal(msr(0xc0010000u, true, 0x430076 | BIT_ULL(41)), GP);
	assert_int_equal(msr(0xc0010204u, true, 0x430076 | BIT_ULL(41)), GP);
	assert_int_equal(msr(0xc0010205u, true, BIT_ULL(41)), 0);   /* a counter, not a select */
}

/* DEBUGCTL: BTF yes; LBR would record svmhv's own branches. */
static void test_debugctl(void **state)
{
	(void)state;
	assert_int_equal(msr(MSR_DEBUGCTL, true, 0x2), 0);
	assert_int_equal(msr(MSR_DEBUGCTL, true, 0x3), GP);
}

/*
 * IA32_APIC_BASE follows the architecture's transitions (old: only the
 * address was checked, then the value went to the hardware: a reserved bit
 * was a host #GP, a panic). Clearing EN stays virtual.
 */
static void test_apic_base(void **state)
{
	const uint64_t xapic = FAKE_APIC_BASE | APIC_BASE_EN | APIC_BASE_BSP;
	struct vcpu *v = v0();

	(void)state;
	assert_int_equal(v->apic_base, xapic);
	assert_int_equal(msr(MSR_APIC_BASE, true, xapic | 1), GP);
	assert_int_equal(msr(MSR_APIC_BASE, true, xapic | BIT_ULL(40)), GP);
	assert_int_equal(msr(MSR_APIC_BASE, true, (xapic & ~APIC_BASE_EN) | APIC_BASE_EXTD), GP);
	assert_int_equal(msr(MSR_APIC_BASE, true, xapic + 0x1000), GP);
	assert_int_equal(msr(MSR_APIC_BASE, true, xapic & ~APIC_BASE_BSP), GP);
	/* Disable: virtual only; the hardware APIC stays on for svmhv's kicks. */
	assert_int_equal(msr(MSR_APIC_BASE, true, xapic & ~APIC_BASE_EN), 0);
	assert_int_equal(rdmsr(MSR_APIC_BASE), xapic);
	assert_int_equal(msr(MSR_APIC_BASE, false, 0), 0);
	assert_int_equal(read_result(), xapic & ~APIC_BASE_EN);
	assert_int_equal(msr(MSR_APIC_BASE, true, xapic | APIC_BASE_EXTD), GP);  /* off -> x2 */
	assert_int_equal(msr(MSR_APIC_BASE, true, xapic), 0);
	/* xAPIC -> x2APIC -> (not xAPIC directly) -> disabled -> xAPIC. */
	assert_int_equal(msr(MSR_APIC_BASE, true, xapic | APIC_BASE_EXTD), 0);
	assert_int_equal(rdmsr(MSR_APIC_BASE), xapic | APIC_BASE_EXTD);
	assert_true(v->apic_x2);
	assert_int_equal(msr(MSR_APIC_BASE, true, xapic), GP);
	assert_int_equal(msr(MSR_APIC_BASE, true, xapic & ~APIC_BASE_EN), 0);
	assert_int_equal(msr(MSR_APIC_BASE, true, xapic), 0);
	assert_int_equal(rdmsr(MSR_APIC_BASE), xapic);
	assert_false(v->apic_x2);
}

/* old: WRMSR 0x830 in xAPIC mode was emulated as an x2APIC IPI; the hardware #GPs. */
static void test_x2apic_icr_needs_x2apic(void **state)
{
	unsigned ipis = fake.ipis;

	(void)state;
	assert_int_equal(msr(MSR_X2APIC_ICR, true, 0x4000 | 0x20), GP);
	assert_int_equal(fake.ipis, ipis);
	v0()->apic_x2 = 1;
	assert_int_equal(msr(MSR_X2APIC_ICR, true, 0x4000 | 0x20), 0);
	assert_int_equal(fake.ipis, ipis + 1);
}

/*
 * old: in x2APIC mode a store to the xAPIC page was performed with WRMSR
 * 0x800 + reg: a read-only register (the APIC ID) was a host #GP, a panic.
 * Now the store goes nowhere, as the hardware's x2APIC mode has no MMIO.
 */
static void test_xapic_store_in_x2apic_mode(void **state)
{
	static const uint8_t mov[] = { 0x89, 0x83, 0x20, 0x00, 0x00, 0x00 };  /* mov [rbx+0x20], eax */
	struct vcpu *v = v0();
	uint8_t *p = harness_page();
	uint32_t id = fake.apic_regs[0][APIC_ID / 16];

	(void)state;
	memcpy(p, mov, sizeof(mov));
	v->vmcb->save.rip = harness_pa(p);
	v->apic_x2 = 1;
	v->vmcb->save.rax = 0x12345678;
	assert_true(harness_exit(0, VMEXIT_NPF, NPF_P | NPF_WRITE | NPF_FINAL_GPA,
				 FAKE_APIC_BASE + 0x20, 0));
	assert_int_equal(v->vmcb->save.rip, harness_pa(p) + sizeof(mov));
	assert_int_equal(fake.apic_regs[0][APIC_ID / 16], id);
	assert_int_equal(v->vmcb->control.event_inj, 0);
}

/*
 * old: clearing EFER.SVME with GIF = 0 left GIF = 0 for good: L1's
 * interrupts held forever. APM2 15.17: GIF is 1 again.
 */
static void test_svme_clear_sets_gif(void **state)
{
	struct vcpu *v = v0();
	uint64_t efer = v->vmcb01->save.efer & ~EFER_SVME;

	(void)state;
	assert_int_equal(msr(MSR_EFER, true, efer | EFER_SVME), 0);
	assert_true(v->nested.svme);
	nested_clgi(&v->nested);
	assert_false(v->nested.gif.gif);
	assert_int_equal(msr(MSR_EFER, true, efer), 0);
	assert_false(v->nested.svme);
	assert_true(v->nested.gif.gif);
}

/* old: VM_HSAVE_PA could name the APIC page or MMIO; now ordinary RAM only. */
static void test_hsave_pa_ram_only(void **state)
{
	uint64_t page = harness_pa(harness_page());

	(void)state;
	assert_int_equal(msr(MSR_VM_HSAVE_PA, true, FAKE_APIC_BASE), GP);
	assert_int_equal(msr(MSR_VM_HSAVE_PA, true, 0xe0000000ull), GP);        /* MMIO */
	assert_int_equal(msr(MSR_VM_HSAVE_PA, true, HARNESS_POOL_PA), GP);
	assert_int_equal(msr(MSR_VM_HSAVE_PA, true, 1ull << 36), GP);
	assert_int_equal(msr(MSR_VM_HSAVE_PA, true, page), 0);
	assert_int_equal(v0()->nested.hsave_pa, page);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_unlisted_gp, plain),
		cmocka_unit_test_setup(test_tom2_refused, plain),
		cmocka_unit_test_setup(test_syscfg_masked, plain),
		cmocka_unit_test_setup(test_hw_fault_is_guest_gp, plain),
		cmocka_unit_test_setup(test_patch_loader_ignored, plain),
		cmocka_unit_test_setup(test_pat, plain),
		cmocka_unit_test_setup(test_spec_ctrl_absent, plain),
		cmocka_unit_test_setup(test_spec_ctrl_swapped, spec),
		cmocka_unit_test_setup(test_spec_ctrl_v_spec_ctrl, vspec),
		cmocka_unit_test_setup(test_mtrr, plain),
		cmocka_unit_test_setup(test_perf_ctl, plain),
		cmocka_unit_test_setup(test_debugctl, plain),
		cmocka_unit_test_setup(test_apic_base, plain),
		cmocka_unit_test_setup(test_x2apic_icr_needs_x2apic, plain),
		cmocka_unit_test_setup(test_xapic_store_in_x2apic_mode, plain),
		cmocka_unit_test_setup(test_svme_clear_sets_gif, nested),
		cmocka_unit_test_setup(test_hsave_pa_ram_only, nested),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
